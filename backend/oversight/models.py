"""Oversight (监督与评价): 民意观察员 (observers, seed 003 "社会参与,共建共治"), 三评 of a handled
matter (群众评议+专家评审+第三方评估, seed 003), the 执法自我纠错台账 (the law-enforcement
self-correction ledger, seed 000 三(五)3) and the 行政复议便民联系点 (administrative
review contact points in townships and villages, seed 000 三(五)4). docs/mediators.md.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class Observer(TenantOwned, Timestamped, Base):
    """A 民意观察员 appointed by the county for a term, watching an area (an org unit and a
    free description). `phone` is personal data; `user_id` links an account if any."""

    __tablename__ = "observers"
    __table_args__ = (CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term"),)

    id: Mapped[int] = id_column()
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    area: Mapped[str | None] = mapped_column(String(200))  # e.g. 老旧小区加装电梯
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    appointed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class EvaluationKind(enum.Enum):
    PUBLIC = "PUBLIC"  # 群众评议
    EXPERT = "EXPERT"  # 专家评审
    THIRD_PARTY = "THIRD_PARTY"  # 第三方评估


class Grade(enum.Enum):
    EXCELLENT = "EXCELLENT"  # 优秀/很满意
    GOOD = "GOOD"  # 良好/满意
    FAIR = "FAIR"  # 一般/基本满意
    POOR = "POOR"  # 差/不满意


class CaseEvaluation(TenantOwned, Timestamped, Base):
    """One evaluation of a closed case (三评): by the public, an expert or a third party,
    with a grade, an optional score (0–100) and the text."""

    __tablename__ = "case_evaluations"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        # 群众评议: one per person and case (a retry or a second thought is refused)
        Index(
            "uq_case_evaluations_public_author",
            "case_id",
            "author_user_id",
            unique=True,
            postgresql_where=text("kind = 'PUBLIC'"),
        ),
    )

    id: Mapped[int] = id_column()
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), index=True)
    kind: Mapped[EvaluationKind] = mapped_column(enum_column(EvaluationKind))
    grade: Mapped[Grade] = mapped_column(enum_column(Grade))
    score: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    evaluator: Mapped[str | None] = mapped_column(String(100))  # an expert's or agency's name
    author_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class CorrectionDirection(enum.Enum):
    UPWARD = "UPWARD"  # 向上转办: a lead from the 说事 platform sent up to the enforcing unit
    DOWNWARD = "DOWNWARD"  # 向下监督: the county's enforcement supervisor reviewing down


class CorrectionOutcome(enum.Enum):
    PENDING = "PENDING"  # 纠错程序进行中
    CORRECTED = "CORRECTED"  # 有错已纠
    NO_ERROR = "NO_ERROR"  # 经查无错
    INVESTIGATION = "INVESTIGATION"  # 启动纠错调查程序 (重大违法行政行为)


class CorrectionEntry(TenantOwned, Timestamped, Base):
    """A line of the 执法自我纠错台账: the matter, the enforcing unit, when it came in, when
    the self-correction started (一律先行启动自我纠错程序) and ended, and the outcome."""

    __tablename__ = "correction_entries"
    __table_args__ = (
        CheckConstraint("started_on IS NULL OR started_on >= received_on", name="started"),
        CheckConstraint("concluded_on IS NULL OR concluded_on >= received_on", name="concluded"),
    )

    id: Mapped[int] = id_column()
    direction: Mapped[CorrectionDirection] = mapped_column(enum_column(CorrectionDirection))
    matter: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("cases.id"))
    received_on: Mapped[date] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[CorrectionOutcome] = mapped_column(enum_column(CorrectionOutcome))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class ReviewPoint(TenantOwned, Timestamped, Base):
    """A 行政复议便民联系点 at a township's 说事处 or a village's 说事站."""

    __tablename__ = "review_points"

    id: Mapped[int] = id_column()
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("venues.id"))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))


class ReviewPointStaff(TenantOwned, Timestamped, Base):
    """Someone serving at a contact point (司法所工作人员…): name and phone are personal
    data (the phone masked outside staff)."""

    __tablename__ = "review_point_staff"

    id: Mapped[int] = id_column()
    point_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("review_points.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    position: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))


class ReviewOutcome(enum.Enum):
    PENDING = "PENDING"  # 已转交, 待处理
    ACCEPTED = "ACCEPTED"  # 已受理
    REJECTED = "REJECTED"  # 不予受理
    RESOLVED = "RESOLVED"  # 协调化解
    WITHDRAWN = "WITHDRAWN"  # 申请人撤回
    DECIDED = "DECIDED"  # 已作出复议决定


class ReviewRequest(TenantOwned, Timestamped, Base):
    """A request received at a contact point and forwarded (接收行政复议申请): the
    applicant (personal data: never in events, masked outside staff), the matter, where it
    was forwarded and the outcome."""

    __tablename__ = "review_requests"
    __table_args__ = (
        CheckConstraint("forwarded_on IS NULL OR forwarded_on >= received_on", name="forwarded"),
    )

    id: Mapped[int] = id_column()
    point_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("review_points.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    applicant_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    matter: Mapped[str] = mapped_column(Text)
    forwarded_to: Mapped[str] = mapped_column(String(100))  # e.g. 县人民政府行政复议机构
    forwarded_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[ReviewOutcome] = mapped_column(enum_column(ReviewOutcome))
    outcome_note: Mapped[str | None] = mapped_column(Text)
