"""The annual agenda (年度议事安排): the county's consultation catalogue and plan (协商目录,
seed 004) and its 民生实事 (people's livelihood projects drawn from citizens, 群众开单, seeds
000 and 001). docs/agenda.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class CatalogueState(enum.Enum):
    DRAFT = "DRAFT"  # 草拟中
    APPROVED = "APPROVED"  # 已审定
    PUBLISHED = "PUBLISHED"  # 已公布


class ConsultationForm(enum.Enum):
    THEMATIC = "THEMATIC"  # 专题协商
    COUNTERPART = "COUNTERPART"  # 对口协商
    SECTOR = "SECTOR"  # 界别协商
    PROPOSAL = "PROPOSAL"  # 提案办理协商
    ONLINE = "ONLINE"  # 网络问政协商
    WRITTEN = "WRITTEN"  # 书面征询


class CatalogueItemStatus(enum.Enum):
    PLANNED = "PLANNED"  # 计划中
    SCHEDULED = "SCHEDULED"  # 已安排会议
    HELD = "HELD"  # 已开展
    CANCELLED = "CANCELLED"  # 已取消


class ConsultationCatalogue(TenantOwned, Timestamped, Base):
    """A county's consultation catalogue of one year (年度协商目录及协商计划): drafted by
    staff, approved (审定) and published (公布) by the county office, then adjusted item by
    item with a recorded reason."""

    __tablename__ = "consultation_catalogues"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = id_column()
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[CatalogueState] = mapped_column(enum_column(CatalogueState))
    approved_by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CatalogueItem(TenantOwned, Timestamped, Base):
    """One topic of the catalogue (协商事项): who proposed it, which unit leads it, in which
    form and quarter, and the meeting where it was held."""

    __tablename__ = "catalogue_items"
    __table_args__ = (CheckConstraint("planned_quarter BETWEEN 1 AND 4", name="quarter"),)

    id: Mapped[int] = id_column()
    catalogue_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("consultation_catalogues.id"), index=True
    )
    topic: Mapped[str] = mapped_column(String(200))
    proposing_body: Mapped[str] = mapped_column(String(100))  # 提出单位
    lead_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    form: Mapped[ConsultationForm] = mapped_column(enum_column(ConsultationForm))
    planned_quarter: Mapped[int] = mapped_column(Integer)
    status: Mapped[CatalogueItemStatus] = mapped_column(enum_column(CatalogueItemStatus))
    meeting_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meetings.id"))


class CatalogueAdjustment(TenantOwned, Timestamped, Base):
    """A change to an item after the catalogue was approved (调整), with its reason and what
    changed (`changes`: field → [before, after])."""

    __tablename__ = "catalogue_adjustments"

    id: Mapped[int] = id_column()
    item_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("catalogue_items.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, list[object]]] = mapped_column(JSONB)
    by_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class RoundState(enum.Enum):
    COLLECTING = "COLLECTING"  # 群众开单（征集中）
    VOTING = "VOTING"  # 公开投票
    VOTE_CLOSED = "VOTE_CLOSED"  # 投票结束，待确定
    ADOPTED = "ADOPTED"  # 已确定并公布，实施中
    EVALUATING = "EVALUATING"  # 年终群众评价


class ProjectStatus(enum.Enum):
    PROPOSED = "PROPOSED"  # 群众开单
    SHORTLISTED = "SHORTLISTED"  # 入围
    NOT_SHORTLISTED = "NOT_SHORTLISTED"  # 未入围（附理由）
    ADOPTED = "ADOPTED"  # 确定实施
    NOT_ADOPTED = "NOT_ADOPTED"  # 未确定


class Satisfaction(enum.Enum):
    SATISFIED = "SATISFIED"  # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    DISSATISFIED = "DISSATISFIED"  # 不满意


class LivelihoodRound(TenantOwned, Timestamped, Base):
    """A year's 民生实事: proposals collected from citizens, shortlisted, voted on in a
    window, adopted, reported on monthly and evaluated by the public at year end.
    `max_votes` is the rulebook's `livelihood.max_votes` when voting opened."""

    __tablename__ = "livelihood_rounds"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    id: Mapped[int] = id_column()
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[RoundState] = mapped_column(enum_column(RoundState))
    max_votes: Mapped[int | None] = mapped_column(Integer)
    vote_opens_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    vote_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LivelihoodProject(TenantOwned, Timestamped, Base):
    """A proposed or adopted project; an adopted one may be broken down into sub-projects
    (`parent_id`) with weights (`weight`, any positive number: normalised among siblings),
    whose progress makes the parent's (`backend.agenda.progress`)."""

    __tablename__ = "livelihood_projects"
    __table_args__ = (CheckConstraint("weight IS NULL OR weight > 0", name="weight"),)

    id: Mapped[int] = id_column()
    round_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("livelihood_rounds.id"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("livelihood_projects.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    proposer_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus))
    review_reason: Mapped[str | None] = mapped_column(Text)
    lead_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    weight: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    vote_count: Mapped[int] = mapped_column(Integer, default=0)


#: The purposes of the people's pseudonyms in the 民生实事 tables (backend.core.pseudonyms).
VOTE_PURPOSE = "livelihood-vote"  # scope: the round
EVALUATION_PURPOSE = "livelihood-evaluation"  # scope: the project


class LivelihoodVote(TenantOwned, Timestamped, Base):
    """One person's vote for one shortlisted project (one per person per project, enforced
    here; at most `max_votes` per person per round, enforced by the vote workflow).

    `voter` is the person's pseudonym in the round (`backend.core.pseudonyms`,
    `VOTE_PURPOSE`), never the user id: the database does not say who voted for what."""

    __tablename__ = "livelihood_votes"
    __table_args__ = (
        UniqueConstraint("project_id", "voter"),
        Index("ix_livelihood_votes_round_id_voter", "round_id", "voter"),
    )

    id: Mapped[int] = id_column()
    round_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("livelihood_rounds.id"), index=True
    )
    project_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("livelihood_projects.id"))
    voter: Mapped[str] = mapped_column(String(64))


class LivelihoodProgress(TenantOwned, Timestamped, Base):
    """A month's published progress of a leaf project (月度进展): a percentage and the
    milestones reached. A parent's progress is derived, never reported."""

    __tablename__ = "livelihood_progress"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )

    id: Mapped[int] = id_column()
    project_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("livelihood_projects.id"), index=True
    )
    month: Mapped[date] = mapped_column(Date)  # the first day of the month reported
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    milestones: Mapped[list[str]] = mapped_column(JSONB)
    note: Mapped[str | None] = mapped_column(Text)


class LivelihoodEvaluation(TenantOwned, Timestamped, Base):
    """A person's year-end satisfaction with an adopted project (群众评价), one each."""

    __tablename__ = "livelihood_evaluations"
    __table_args__ = (UniqueConstraint("project_id", "evaluator"),)

    id: Mapped[int] = id_column()
    project_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("livelihood_projects.id"))
    # The person's pseudonym for the project (EVALUATION_PURPOSE), never the user id: who
    # rated a unit's project 不满意 is not in the database.
    evaluator: Mapped[str] = mapped_column(String(64))
    satisfaction: Mapped[Satisfaction] = mapped_column(enum_column(Satisfaction))
    comment: Mapped[str | None] = mapped_column(Text)
