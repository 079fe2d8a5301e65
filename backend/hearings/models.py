"""Hearings (听证会) and the selection of 列席 members (列席政府会议的公众代表): the notice,
the published draw parameters and witnesses' commitments, applications by category, the
frozen pool, the draw, the transcript (笔录) with its confirmations and the hearing report
(听证报告). DESIGN §4 "Major administrative decisions"; docs/hearings.md.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column
from backend.core.security import Verification


class HearingKind(enum.Enum):
    HEARING = "HEARING"  # 听证会
    ATTENDANCE = "ATTENDANCE"  # 列席政府会议的公众代表遴选


class HearingState(enum.Enum):
    DRAFT = "DRAFT"  # 草稿
    NOTICED = "NOTICED"  # 已公告(名额、算法、见证人承诺已公开)
    APPLICATIONS_OPEN = "APPLICATIONS_OPEN"  # 报名中
    POOL_FROZEN = "POOL_FROZEN"  # 报名截止,名单已冻结
    DRAWN = "DRAWN"  # 已抽选
    REPORTED = "REPORTED"  # 已形成听证报告


class HearingCategory(enum.Enum):
    STAKEHOLDER = "STAKEHOLDER"  # 利害关系人
    PUBLIC = "PUBLIC"  # 普通公众
    RESIDENT = "RESIDENT"  # 城乡基层居民/村民
    EXPERT = "EXPERT"  # 专家学者/专业技术人员
    DEPUTY = "DEPUTY"  # 人大代表/政协委员
    LEGAL = "LEGAL"  # 法律工作者
    OTHER = "OTHER"  # 承办单位认为应当参加的代表


class DrawOutcome(enum.Enum):
    SELECTED = "SELECTED"  # 选中
    ALTERNATE = "ALTERNATE"  # 候补
    NOT_SELECTED = "NOT_SELECTED"  # 未选中


class Hearing(TenantOwned, Timestamped, Base):
    """One hearing (or one 列席 selection). `decision_id` names the decision project
    (重大行政决策) it belongs to; the foreign key is added when decisions land. `quotas`
    is `[{"category", "seats", "alternates"}]` in the order the draw goes through them;
    it, the witnesses' commitments and the algorithm are fixed once the notice is out.
    `publication` is the published draw (backend.hearings.draw), the text `yishi draw
    verify` reads."""

    __tablename__ = "hearings"

    id: Mapped[int] = id_column()
    kind: Mapped[HearingKind] = mapped_column(enum_column(HearingKind))
    state: Mapped[HearingState] = mapped_column(enum_column(HearingState))
    decision_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("decisions.id"), index=True
    )
    host_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    matter: Mapped[str] = mapped_column(Text)  # 拟决策事项的内容、理由、依据
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    how_to_apply: Mapped[str] = mapped_column(Text)  # 报名时间和方式
    selection_method: Mapped[str] = mapped_column(Text)  # 代表名额及其产生方式
    quotas: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    algorithm: Mapped[str] = mapped_column(String(80))
    algorithm_version: Mapped[str] = mapped_column(String(20))
    public_randomness_source: Mapped[str | None] = mapped_column(Text)
    public_randomness: Mapped[str | None] = mapped_column(Text)
    notice_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applications_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pool_frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pool_hash: Mapped[str | None] = mapped_column(String(64))
    pool: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seed: Mapped[str | None] = mapped_column(String(64))
    publication: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)
    transcript_version: Mapped[int] = mapped_column(Integer, default=0)
    transcript_sha256: Mapped[str | None] = mapped_column(String(64))
    report_conclusion: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sealed_hash: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 实名制: the verification level a person needs to apply (报名) or be put forward.
    required_verification: Mapped[Verification] = mapped_column(
        enum_column(Verification), server_default=text("'UNVERIFIED'")
    )


class HearingWitness(TenantOwned, Timestamped, Base):
    """A witness of the draw (公证处, 人大/政协 observers) and their commitment; the secret
    is stored only once revealed, and must hash to the commitment."""

    __tablename__ = "hearing_witnesses"
    __table_args__ = (UniqueConstraint("hearing_id", "position"),)

    id: Mapped[int] = id_column()
    hearing_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hearings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    commitment: Mapped[str] = mapped_column(String(64))
    committed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    secret: Mapped[str | None] = mapped_column(Text)
    revealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class HearingApplication(TenantOwned, Timestamped, Base):
    """An application (报名) or, for a 列席 selection, an eligible person put forward by
    staff. `pseudonym` is what the published pool shows instead of the person."""

    __tablename__ = "hearing_applications"
    __table_args__ = (
        UniqueConstraint("hearing_id", "user_id"),
        UniqueConstraint("hearing_id", "pseudonym"),
    )

    id: Mapped[int] = id_column()
    hearing_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hearings.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    category: Mapped[HearingCategory] = mapped_column(enum_column(HearingCategory))
    statement: Mapped[str] = mapped_column(Text)
    pseudonym: Mapped[str] = mapped_column(String(32))
    entered_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    outcome: Mapped[DrawOutcome | None] = mapped_column(enum_column(DrawOutcome), nullable=True)
    alternate_rank: Mapped[int | None] = mapped_column(Integer)


class TranscriptConfirmation(TenantOwned, Base):
    """A selected representative's confirmation (签字确认) of one transcript version."""

    __tablename__ = "hearing_confirmations"
    __table_args__ = (UniqueConstraint("hearing_id", "user_id", "transcript_version"),)

    id: Mapped[int] = id_column()
    hearing_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hearings.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    transcript_version: Mapped[int] = mapped_column(Integer)
    transcript_sha256: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HearingView(TenantOwned, Base):
    """A view (意见) in the hearing report, adopted or not, with the reason."""

    __tablename__ = "hearing_views"
    __table_args__ = (UniqueConstraint("hearing_id", "position"),)

    id: Mapped[int] = id_column()
    hearing_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("hearings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    adopted: Mapped[bool] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
