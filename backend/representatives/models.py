"""两代表一委员 (representatives: 人大代表 and 政协委员) and what they do: the places they
serve (村/社区 and 联系点, with dates), the suggestions and proposals they file (建议提案办理),
written consultations (书面征询) and counterpart consultations (对口协商). DESIGN §4
"People"; docs/representatives.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

# The proposer rates as a case's submitter does: 满意/基本满意/不满意 (one GraphQL enum).
from backend.cases.models import Satisfaction as Satisfaction
from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class RepresentativeKind(enum.Enum):
    NPC_DEPUTY = "NPC_DEPUTY"  # 人大代表
    CPPCC_MEMBER = "CPPCC_MEMBER"  # 政协委员


class DeputyLevel(enum.Enum):
    """The people's congress a 人大代表 was elected to."""

    NATIONAL = "NATIONAL"  # 全国
    PROVINCE = "PROVINCE"  # 省
    CITY = "CITY"  # 市
    COUNTY = "COUNTY"  # 县
    TOWNSHIP = "TOWNSHIP"  # 乡


class Representative(TenantOwned, Timestamped, Base):
    """A 人大代表 (with `level`) or 政协委员 (with `sector`, 界别) of the county. Name, unit
    and phone are personal data (masked outside the county office; the person's copy and
    erasure go through `backend.representatives.personal_data`)."""

    __tablename__ = "representatives"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'NPC_DEPUTY' AND level IS NOT NULL AND sector IS NULL) OR "
            "(kind = 'CPPCC_MEMBER' AND sector IS NOT NULL AND level IS NULL)",
            name="kind_fields",
        ),
        Index(
            "uq_representatives_tenant_id_user_id_kind",
            "tenant_id",
            "user_id",
            "kind",
            unique=True,
            postgresql_where=text("user_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = id_column()
    kind: Mapped[RepresentativeKind] = mapped_column(enum_column(RepresentativeKind))
    level: Mapped[DeputyLevel | None] = mapped_column(enum_column(DeputyLevel))
    sector: Mapped[str | None] = mapped_column(String(50))  # 界别
    name: Mapped[str] = mapped_column(String(50))
    unit: Mapped[str | None] = mapped_column(String(100))  # 工作单位及职务
    phone: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class RepresentativePlace(TenantOwned, Timestamped, Base):
    """A representative serving a village/community (an org unit) or a 联系点 (a venue)
    from `starts_on` to `ends_on` (inclusive; None: still serving). Periods of the same
    representative and place never overlap (`backend.representatives.linkage`)."""

    __tablename__ = "representative_places"
    __table_args__ = (
        CheckConstraint("(org_unit_id IS NULL) <> (venue_id IS NULL)", name="one_place"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = id_column()
    representative_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("representatives.id"), index=True
    )
    org_unit_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("org_units.id"), index=True
    )
    venue_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("venues.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class ProposalKind(enum.Enum):
    SUGGESTION = "SUGGESTION"  # 人大代表建议
    PROPOSAL = "PROPOSAL"  # 政协提案


class ProposalState(enum.Enum):
    REGISTERED = "REGISTERED"  # 已登记
    ASSIGNED = "ASSIGNED"  # 已交办
    REPLIED = "REPLIED"  # 已答复(待评价)
    RATED = "RATED"  # 已评价


class Proposal(TenantOwned, Timestamped, Base):
    """A 人大 suggestion (建议) or 政协 proposal (提案) by a representative: registered,
    assigned to a lead unit and co-units (交办, `ProposalUnit`), perhaps taken by a leader
    (领办) and handled face to face (面对面, `meeting_id`), replied by the lead unit by
    `due_on` (county rule `proposal.reply`), rated by the proposer."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = id_column()
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind))
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState))
    representative_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("representatives.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    leader_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    leader_note: Mapped[str | None] = mapped_column(String(200))
    meeting_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meetings.id"))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_on: Mapped[date | None] = mapped_column(Date)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction))
    rating_text: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProposalUnitRole(enum.Enum):
    LEAD = "LEAD"  # 主办
    CO = "CO"  # 协办


class ProposalUnit(TenantOwned, Timestamped, Base):
    """A unit a proposal is assigned to (交办): one LEAD, any number of CO."""

    __tablename__ = "proposal_units"
    __table_args__ = (
        UniqueConstraint("proposal_id", "unit_id"),
        Index(
            "uq_proposal_units_lead",
            "proposal_id",
            unique=True,
            postgresql_where=text("role = 'LEAD'"),
        ),
    )

    id: Mapped[int] = id_column()
    proposal_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("proposals.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    role: Mapped[ProposalUnitRole] = mapped_column(enum_column(ProposalUnitRole))


class WrittenConsultation(TenantOwned, Timestamped, Base):
    """A 书面征询: a draft sent by a unit to units, 人大/政协 专委会 or representatives,
    replied in writing by `due_on` (county rule `consultation.written_reply`)."""

    __tablename__ = "written_consultations"

    id: Mapped[int] = id_column()
    title: Mapped[str] = mapped_column(String(200))
    draft: Mapped[str] = mapped_column(Text)
    sender_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))


class ConsultationRecipient(TenantOwned, Timestamped, Base):
    """Who a written consultation went to: a unit, a committee (专委会, by name) or a
    representative; and their written reply."""

    __tablename__ = "consultation_recipients"
    __table_args__ = (
        CheckConstraint(
            "(unit_id IS NOT NULL)::int + (committee IS NOT NULL)::int"
            " + (representative_id IS NOT NULL)::int = 1",
            name="one_recipient",
        ),
    )

    id: Mapped[int] = id_column()
    consultation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("written_consultations.id"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    committee: Mapped[str | None] = mapped_column(String(100))
    representative_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("representatives.id"), index=True
    )
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class CounterpartSession(TenantOwned, Timestamped, Base):
    """A 对口协商 session between a department and its counterpart committee (人大/政协
    对口专门委员会): participants (representatives and others, as recorded), topics and
    minutes."""

    __tablename__ = "counterpart_sessions"

    id: Mapped[int] = id_column()
    department_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    committee: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    topics: Mapped[list[str]] = mapped_column(JSONB)
    #: [{"name": str, "role": str | None, "representativeId": int | None}]
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    minutes: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
