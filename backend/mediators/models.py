"""The 解事员 pool (mediators, seed 000 (三)): the county, township and village talent
pools of people who settle matters on the 说事 platform, with their roles, skills, venues,
training records (集中培训/轮训), evaluations (考评) and awards (评选), and their assignment to
cases. docs/mediators.md.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class MediatorLevel(enum.Enum):
    COUNTY = "COUNTY"  # 县级解事员人才库
    TOWNSHIP = "TOWNSHIP"  # 乡镇(街道)级
    VILLAGE = "VILLAGE"  # 村(社区)级


class MediatorRole(enum.Enum):
    """Who serves as a 解事员 (seed 000 (三))."""

    PARTY_CADRE = "PARTY_CADRE"  # 党员干部骨干 (包括驻村工作队)
    FIVE_ELDERS = "FIVE_ELDERS"  # "五老"人员
    NEW_GENTRY = "NEW_GENTRY"  # 新乡贤
    GRID_WORKER = "GRID_WORKER"  # 网格员
    COURTYARD_HEAD = "COURTYARD_HEAD"  # 院落长
    PEOPLES_MEDIATOR = "PEOPLES_MEDIATOR"  # 人民调解员
    LEGAL_LITERATE = "LEGAL_LITERATE"  # 法律明白人
    JUDGE = "JUDGE"  # 法官 ("一镇街一法官")
    PROCURATOR = "PROCURATOR"  # 检察官 ("一乡一检察官")
    POLICE = "POLICE"  # 民警 ("一村一警")
    LEGAL_ADVISER = "LEGAL_ADVISER"  # 村居法律顾问
    LEGAL_SERVICE_WORKER = "LEGAL_SERVICE_WORKER"  # 基层法律服务工作者
    OTHER = "OTHER"


class EvaluationGrade(enum.Enum):
    EXCELLENT = "EXCELLENT"  # 优秀
    GOOD = "GOOD"  # 良好
    PASS = "PASS"  # 合格
    FAIL = "FAIL"  # 不合格


class Mediator(TenantOwned, Timestamped, Base):
    """One 解事员 of the pool at `level`, belonging to the org unit of that level
    (`org_unit_id`: the county root, a township or a village/community). `phone` is personal
    data (masked outside the county office, never in events); `user_id` links an account
    when the person has one (their copy and erasure, backend/mediators/personal_data.py)."""

    __tablename__ = "mediators"

    id: Mapped[int] = id_column()
    user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[MediatorLevel] = mapped_column(enum_column(MediatorLevel))
    org_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    skills: Mapped[list[str]] = mapped_column(
        ARRAY(String(30)), server_default=text("'{}'::varchar[]")
    )
    venue_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'::bigint[]")
    )
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    note: Mapped[str | None] = mapped_column(Text)


class MediatorTraining(TenantOwned, Timestamped, Base):
    """A training record (集中培训/轮训): the course, the day and the hours."""

    __tablename__ = "mediator_trainings"
    __table_args__ = (CheckConstraint("hours > 0 AND hours <= 200", name="hours"),)

    id: Mapped[int] = id_column()
    mediator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("mediators.id"), index=True)
    course: Mapped[str] = mapped_column(String(100))
    trained_on: Mapped[date] = mapped_column(Date)
    hours: Mapped[float] = mapped_column(Numeric(5, 1, asdecimal=False))
    provider: Mapped[str | None] = mapped_column(String(100))


class MediatorEvaluation(TenantOwned, Timestamped, Base):
    """An evaluation (解事员工作考评) for a period, with a grade and an optional score."""

    __tablename__ = "mediator_evaluations"
    __table_args__ = (
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
    )

    id: Mapped[int] = id_column()
    mediator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("mediators.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))  # e.g. 2026, 2026上半年
    grade: Mapped[EvaluationGrade] = mapped_column(enum_column(EvaluationGrade))
    score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluated_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class MediatorAward(TenantOwned, Timestamped, Base):
    """An award or title (评选, e.g. 优秀解事员, 金牌解事员)."""

    __tablename__ = "mediator_awards"

    id: Mapped[int] = id_column()
    mediator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("mediators.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    awarded_on: Mapped[date] = mapped_column(Date)
    awarded_by: Mapped[str | None] = mapped_column(String(100))  # the awarding body


class MediatorAssignment(TenantOwned, Timestamped, Base):
    """A 解事员 assigned to a case (选派解事员), once per case."""

    __tablename__ = "mediator_assignments"
    __table_args__ = (UniqueConstraint("case_id", "mediator_id"),)

    id: Mapped[int] = id_column()
    case_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("cases.id"), index=True)
    mediator_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("mediators.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
