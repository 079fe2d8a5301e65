"""Cases (件): what people raise outside a meeting or hand over from one — consultations
(咨询), suggestions (建议, 金点子) and demands (诉求) — from intake through routing to the
accountable unit (首接负责, 转办件/转阅件), replies, the submitter's rating (满意度) and
publication (政务村务公开). DESIGN §4 "Cases"; docs/cases.md.
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
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class CaseChannel(enum.Enum):
    ONLINE = "ONLINE"  # 网上
    VENUE = "VENUE"  # 议事场所现场
    COLLECTOR = "COLLECTOR"  # 民情收集员/网格员代录
    ONLINE_INQUIRY = "ONLINE_INQUIRY"  # 网络问政
    MEETING = "MEETING"  # 会议 (a handed-over comment)
    HOTLINE = "HOTLINE"  # 12345热线
    IMPORT = "IMPORT"  # 台账导入


class CaseKind(enum.Enum):
    CONSULTATION = "CONSULTATION"  # 咨询
    SUGGESTION = "SUGGESTION"  # 建议
    DEMAND = "DEMAND"  # 诉求


class MatterClass(enum.Enum):
    PERSONAL = "PERSONAL"  # 个人事项
    PUBLIC_INTEREST = "PUBLIC_INTEREST"  # 公益事项
    ADMINISTRATIVE = "ADMINISTRATIVE"  # 行政管理事项


class HandlingClass(enum.Enum):
    IMMEDIATE = "IMMEDIATE"  # 即可办
    TIME_LIMITED = "TIME_LIMITED"  # 限期办
    RESEARCH = "RESEARCH"  # 研究办


class CaseState(enum.Enum):
    RECEIVED = "RECEIVED"  # 已受理
    DISPATCHED = "DISPATCHED"  # 已派单(待签收)
    IN_PROGRESS = "IN_PROGRESS"  # 办理中
    ANSWERED = "ANSWERED"  # 已答复(待评价)
    CLOSED = "CLOSED"  # 已办结
    OUT_OF_SCOPE = "OUT_OF_SCOPE"  # 不予受理/转其他渠道
    MERGED = "MERGED"  # 已合并


class Satisfaction(enum.Enum):
    SATISFIED = "SATISFIED"  # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    DISSATISFIED = "DISSATISFIED"  # 不满意


class OutOfScope(enum.Enum):
    IN_LITIGATION = "IN_LITIGATION"  # 涉诉
    PETITION = "PETITION"  # 信访
    STATE_SECRET = "STATE_SECRET"  # 涉密
    ABUSE = "ABUSE"  # 恶意/辱骂
    OTHER = "OTHER"


class Case(TenantOwned, Timestamped, Base):
    """One case (件). `accountable_unit_id` is the unit accountable now (首接负责: the unit
    that received it, until another signs for it); `due_on` comes from the county rulebook
    through `backend.cases.deadlines` (`due_provisional`: computed on a calendar not yet
    confirmed)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index(
            "uq_cases_tenant_id_client_key",
            "tenant_id",
            "client_key",
            unique=True,
            postgresql_where=text("client_key IS NOT NULL"),
        ),
        Index("ix_cases_tenant_id_received_at", "tenant_id", "received_at"),
        Index("ix_cases_tenant_id_state_due_on", "tenant_id", "state", "due_on"),
        Index(
            "ix_cases_tenant_id_accountable_unit_id_state",
            "tenant_id",
            "accountable_unit_id",
            "state",
        ),
        Index("ix_cases_keywords", "keywords", postgresql_using="gin"),
    )

    id: Mapped[int] = id_column()
    number: Mapped[str] = mapped_column(String(20))  # 受理编号
    channel: Mapped[CaseChannel] = mapped_column(enum_column(CaseChannel))
    venue_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("venues.id"))
    meeting_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meetings.id"))
    meeting_comment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("meeting_comments.id")
    )
    kind: Mapped[CaseKind] = mapped_column(enum_column(CaseKind))
    matter_class: Mapped[MatterClass | None] = mapped_column(enum_column(MatterClass))
    handling_class: Mapped[HandlingClass | None] = mapped_column(enum_column(HandlingClass))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    is_private: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState))
    submitter_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    entered_by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    place_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    accountable_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction))
    rating_text: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    bounce_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    merged_into_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("cases.id"), index=True
    )
    out_of_scope: Mapped[OutOfScope | None] = mapped_column(enum_column(OutOfScope))
    out_of_scope_reason: Mapped[str | None] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(String(80))
    content_digest: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    keywords: Mapped[list[str]] = mapped_column(
        ARRAY(String(50)), server_default=text("'{}'::varchar[]")
    )
    suggested_kind: Mapped[CaseKind | None] = mapped_column(
        Enum(
            CaseKind,
            native_enum=False,
            length=32,
            create_constraint=True,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
            name="suggestedcasekind",  # its own CHECK name beside `kind`'s
        )
    )
    suggested_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    # Beyond the spec's contract: flagged when a second 不满意 closed it (no second reopen);
    # when the last reminder for the deadline went out (sweep; one per level).
    closed_dissatisfied: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    reminded_level: Mapped[int] = mapped_column(Integer, server_default=text("0"))


class AssignmentRole(enum.Enum):
    LEAD = "LEAD"  # 主办 (转办件)
    CO = "CO"  # 协办 (联席会商)
    FOR_REFERENCE = "FOR_REFERENCE"  # 转阅件


class AssignmentState(enum.Enum):
    PENDING = "PENDING"  # 待签收
    SIGNED = "SIGNED"  # 已签收
    RETURNED = "RETURNED"  # 已退单
    DONE = "DONE"  # 已完成
    WITHDRAWN = "WITHDRAWN"  # 已撤回


class CaseAssignment(TenantOwned, Timestamped, Base):
    """A dispatch of a case to a unit: LEAD/CO are 转办件 (answer by `due_on`),
    FOR_REFERENCE is a 转阅件 (for information)."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = id_column()
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(enum_column(AssignmentRole))
    state: Mapped[AssignmentState] = mapped_column(enum_column(AssignmentState))
    sign_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    return_reason: Mapped[str | None] = mapped_column(Text)
    assigned_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReplyKind(enum.Enum):
    INITIAL = "INITIAL"  # 初步答复
    RESULT = "RESULT"  # 办理结果
    FOLLOW_UP = "FOLLOW_UP"  # 回访
    SUPERVISION = "SUPERVISION"  # 督办意见
    NOTE = "NOTE"  # 内部备注


class CaseReply(TenantOwned, Base):
    __tablename__ = "case_replies"

    id: Mapped[int] = id_column()
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), index=True)
    kind: Mapped[ReplyKind] = mapped_column(enum_column(ReplyKind))
    unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    author_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    follow_up_result: Mapped[str | None] = mapped_column(String(50))  # 回访结果
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class TopicRule(TenantOwned, Timestamped, Base):
    """One line of a 议事内容清单: a topic that may (included) or may not be raised in a
    unit (null: county-wide); an excluded topic's `redirect` says where it belongs."""

    __tablename__ = "case_topic_rules"

    id: Mapped[int] = id_column()
    org_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    included: Mapped[bool] = mapped_column(Boolean)
    topic: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list[str]] = mapped_column(ARRAY(String(50)))
    redirect: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))


class CaseAttachment(TenantOwned, Timestamped, Base):
    __tablename__ = "case_attachments"

    id: Mapped[int] = id_column()
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class CaseAttachmentChunk(TenantOwned, Base):
    """One piece (`backend.cases.attachments.CHUNK_BYTES`) of an attachment's content, so
    a file is written and read without ever being held whole."""

    __tablename__ = "case_attachment_chunks"

    attachment_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("case_attachments.id"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CaseTerm(TenantOwned, Timestamped, Base):
    """A county's own word for the hot-topic board and the suggester (`backend.cases.board`):
    a variant counted as `canonical` (装电梯 → 加装电梯), or a stop word (`stop`)."""

    __tablename__ = "case_terms"
    __table_args__ = (
        UniqueConstraint("tenant_id", "term"),
        CheckConstraint("stop OR canonical IS NOT NULL", name="role"),
    )

    id: Mapped[int] = id_column()
    term: Mapped[str] = mapped_column(String(50))
    canonical: Mapped[str | None] = mapped_column(String(50))
    stop: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class CaseSuggester(TenantOwned, Base):
    """A county's classification model (`backend.cases.suggest`): the counts of its naive
    Bayes over the keywords of `trained_on` closed cases."""

    __tablename__ = "case_suggesters"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = id_column()
    trained_on: Mapped[int] = mapped_column(Integer)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    model: Mapped[dict[str, Any]] = mapped_column(JSONB)
