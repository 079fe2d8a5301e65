"""网络问政 (online inquiry) and the opinions collected before a 述职报告会: the schedule
groups of departments (上线频次组别), the sessions generated from them, the questions asked
in a live session (首问负责制), and the opinion collections of the 三民 activity
(集中录入—审核分办—部门研究—归口答复, then the giver's 满意度). Seed 001; docs/inquiries.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.cases.models import Satisfaction
from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column

__all__ = [
    "Frequency",
    "InquiryGroup",
    "InquiryGroupUnit",
    "InquiryQuestion",
    "InquirySession",
    "OpinionCollection",
    "OpinionCollectionUnit",
    "OpinionHandling",
    "OpinionSource",
    "OpinionState",
    "QuestionState",
    "ReportOpinion",
    "Satisfaction",
    "SessionState",
]


class Frequency(enum.Enum):
    WEEKLY = "WEEKLY"  # 每周
    MONTHLY = "MONTHLY"  # 每月
    QUARTERLY = "QUARTERLY"  # 每季度
    HALF_YEARLY = "HALF_YEARLY"  # 每半年


class InquiryGroup(TenantOwned, Timestamped, Base):
    """A schedule group (上线频次组别): its departments appear once per period, one after
    another from `start_time` in slots of `duration_minutes`, on the `ordinal`-th
    `weekday` (ISO, 1 = Monday) of the period's `month_in_period`-th month (weekly: every
    `weekday`)."""

    __tablename__ = "inquiry_groups"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(100))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    ordinal: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    month_in_period: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    start_time: Mapped[time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)


class InquiryGroupUnit(TenantOwned, Timestamped, Base):
    """A department of a group, its place in the group's order and its leader's account
    (首问负责人: every question of its sessions is assigned to them by default). A
    department is in one group at most."""

    __tablename__ = "inquiry_group_units"
    __table_args__ = (UniqueConstraint("tenant_id", "org_unit_id"),)

    id: Mapped[int] = id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inquiry_groups.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    leader_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    position: Mapped[int] = mapped_column(SmallInteger)


class SessionState(enum.Enum):
    SCHEDULED = "SCHEDULED"  # 已排期
    LIVE = "LIVE"  # 正在问政
    ENDED = "ENDED"  # 已结束
    CANCELLED = "CANCELLED"  # 已取消


class InquirySession(TenantOwned, Timestamped, Base):
    """One department's 网络问政 session, generated for `year`'s `period`-th period of its
    group (unique: generating twice makes it once). `planned_on` is the rule's day;
    `scheduled_on` the working day it falls on (`moved_reason` says why it moved);
    `provisional` when the year's official holiday table was not yet published."""

    __tablename__ = "inquiry_sessions"
    __table_args__ = (UniqueConstraint("tenant_id", "group_id", "org_unit_id", "year", "period"),)

    id: Mapped[int] = id_column()
    group_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("inquiry_groups.id"))
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    leader_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    year: Mapped[int] = mapped_column(SmallInteger)
    period: Mapped[int] = mapped_column(SmallInteger)
    planned_on: Mapped[date] = mapped_column(Date)
    scheduled_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    moved_reason: Mapped[str | None] = mapped_column(String(200))
    provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[SessionState] = mapped_column(enum_column(SessionState))
    rescheduled_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)


class QuestionState(enum.Enum):
    ASKED = "ASKED"  # 待答复
    ANSWERED = "ANSWERED"  # 已现场答复 (咨询)
    CASE = "CASE"  # 已转为事项 (建议/诉求)


class InquiryQuestion(TenantOwned, Timestamped, Base):
    """A question of a live session: asked by a signed-in person (`asker_user_id`) or
    entered by staff for a caller (`entered_by_user_id`, with the caller's name and
    phone); assigned to `responder_user_id` (the department's leader by default); answered
    live (咨询) or turned into the case `case_id` (建议/诉求; the case's intake links back
    through `inquiry_questions.case_id`, unique)."""

    __tablename__ = "inquiry_questions"
    __table_args__ = (UniqueConstraint("tenant_id", "case_id"),)

    id: Mapped[int] = id_column()
    session_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("inquiry_sessions.id"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    asker_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    entered_by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    caller_name: Mapped[str | None] = mapped_column(String(50))
    caller_phone: Mapped[str | None] = mapped_column(String(20))
    responder_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    state: Mapped[QuestionState] = mapped_column(enum_column(QuestionState))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("cases.id"))


class OpinionCollection(TenantOwned, Timestamped, Base):
    """The opinion collection (意见建议征集) before a 述职报告会 (`meeting_id`, a meeting of
    kind WORK_REPORT): opened at least `opinion.collection_lead` before the meeting
    (seed 001: 述职报告会前一个月开通意见建议征集通道), closed when the meeting starts."""

    __tablename__ = "opinion_collections"
    __table_args__ = (UniqueConstraint("tenant_id", "meeting_id"),)

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"))
    title: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))


class OpinionCollectionUnit(TenantOwned, Base):
    """A reporting unit (述职单位) of a collection."""

    __tablename__ = "opinion_collection_units"
    __table_args__ = (UniqueConstraint("tenant_id", "collection_id", "org_unit_id"),)

    id: Mapped[int] = id_column()
    collection_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("opinion_collections.id"), index=True
    )
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))


class OpinionSource(enum.Enum):
    GOV_WEBSITE = "GOV_WEBSITE"  # 政务网
    WECHAT = "WECHAT"  # 微信公众号
    GOV_APP = "GOV_APP"  # 政务通
    INSTITUTION = "INSTITUTION"  # 机关事业单位
    UNIVERSITY = "UNIVERSITY"  # 高校
    SOCIAL_ORGANIZATION = "SOCIAL_ORGANIZATION"  # 社会组织、协会商会
    OTHER = "OTHER"


class OpinionState(enum.Enum):
    ENTERED = "ENTERED"  # 已录入 (待审核)
    ACCEPTED = "ACCEPTED"  # 审核通过 (待分办)
    REJECTED = "REJECTED"  # 审核未通过
    DISPATCHED = "DISPATCHED"  # 已分办 (部门研究中)
    ANSWERED = "ANSWERED"  # 已答复 (待评价)
    RATED = "RATED"  # 已评价


class OpinionHandling(enum.Enum):
    TO_HANDLE = "TO_HANDLE"  # 转办件: the unit must answer
    FOR_REFERENCE = "FOR_REFERENCE"  # 转阅件: for the unit's reference


class ReportOpinion(TenantOwned, Timestamped, Base):
    """One opinion or suggestion (意见建议) for a reporting unit, entered centrally by the
    county office (集中录入) from whatever channel it came by."""

    __tablename__ = "report_opinions"

    id: Mapped[int] = id_column()
    collection_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("opinion_collections.id"), index=True
    )
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    source: Mapped[OpinionSource] = mapped_column(enum_column(OpinionSource))
    body: Mapped[str] = mapped_column(Text)
    giver_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    giver_name: Mapped[str | None] = mapped_column(String(50))
    giver_phone: Mapped[str | None] = mapped_column(String(20))
    entered_by_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    state: Mapped[OpinionState] = mapped_column(enum_column(OpinionState))
    review_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handling: Mapped[OpinionHandling | None] = mapped_column(enum_column(OpinionHandling))
    dispatched_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
