"""The 解事员 pool (三级解事员人才库, seed 000 (三)): entering a 解事员 at the county,
township or village level, changing them, their training records (集中培训/轮训), evaluations
(考评) and awards (评选), and the list of the pool.

Every change appends its event to the county's `mediators` stream in the same transaction
(`backend.mediators.stream`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.replies import today
from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.mediators import access
from backend.mediators.errors import MediatorErrorCode as Code
from backend.mediators.events import (
    MediatorAwarded,
    MediatorChanged,
    MediatorEvaluated,
    MediatorEvent,
    MediatorTrained,
)
from backend.mediators.models import (
    EvaluationGrade,
    Mediator,
    MediatorAward,
    MediatorEvaluation,
    MediatorLevel,
    MediatorRole,
    MediatorTraining,
)
from backend.mediators.stream import append_event
from backend.people.models import User
from backend.people.service import normalise_phone
from tenants.models import OrgUnit, OrgUnitKind, Venue

#: The org-unit kinds a pool of each level belongs to.
LEVEL_UNIT_KINDS: dict[MediatorLevel, tuple[OrgUnitKind, ...]] = {
    MediatorLevel.COUNTY: (OrgUnitKind.COUNTY,),
    MediatorLevel.TOWNSHIP: (OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT),
    MediatorLevel.VILLAGE: (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY),
}
LEVEL_LABELS = {
    MediatorLevel.COUNTY: "县级",
    MediatorLevel.TOWNSHIP: "乡镇(街道)级",
    MediatorLevel.VILLAGE: "村(社区)级",
}
MAX_SKILLS = 20
MAX_VENUES = 20


def snapshot(m: Mediator) -> MediatorChanged:
    return MediatorChanged(
        id=m.id,
        level=m.level.value,
        orgUnitId=m.org_unit_id,
        roles=list(m.roles),
        skills=list(m.skills),
        venueIds=list(m.venue_ids),
        active=m.active,
    )


def _roles(roles: Sequence[MediatorRole]) -> list[str]:
    if not roles:
        raise DomainError(Code.INVALID, "请至少选择一种解事员身份", field="roles")
    return list(dict.fromkeys(r.value for r in roles))


def _skills(skills: Sequence[str]) -> list[str]:
    if len(skills) > MAX_SKILLS:
        raise DomainError(Code.INVALID, f"专长标签不能超过{MAX_SKILLS}个", field="skills")
    out = [
        clean_text(s, field="skills", code=Code.INVALID, label="专长标签", max_length=30)
        for s in skills
    ]
    return list(dict.fromkeys(out))


async def _unit_for_level(session: AsyncSession, level: MediatorLevel, unit_id: int) -> OrgUnit:
    unit = await access.get_unit(session, unit_id, field="orgUnitId")
    if unit.kind not in LEVEL_UNIT_KINDS[level]:
        raise DomainError(
            Code.WRONG_LEVEL,
            f"{LEVEL_LABELS[level]}解事员须隶属于"
            + "或".join(k.value for k in LEVEL_UNIT_KINDS[level])
            + "单位",
            field="orgUnitId",
        )
    return unit


async def _venues(session: AsyncSession, unit: OrgUnit, venue_ids: Sequence[int]) -> list[int]:
    """Venues of this county within the 解事员's unit (its subtree)."""
    wanted = list(dict.fromkeys(venue_ids))
    if len(wanted) > MAX_VENUES:
        raise DomainError(Code.INVALID, f"服务场所不能超过{MAX_VENUES}个", field="venueIds")
    if not wanted:
        return []
    rows = (
        await session.execute(
            select(Venue.id, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Venue.org_unit_id)
            .where(Venue.id.in_(wanted))
        )
    ).all()
    paths = {venue_id: path for venue_id, path in rows}
    for venue_id in wanted:
        path = paths.get(venue_id)
        if path is None:
            raise DomainError(Code.UNKNOWN_VENUE, "说事场所不存在或不属于本县", field="venueIds")
        if not path.startswith(unit.path):
            raise DomainError(
                Code.UNKNOWN_VENUE, "服务场所须在解事员所属单位辖区内", field="venueIds"
            )
    return wanted


def _phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    return normalise_phone(raw, field="phone")


async def _user(session: AsyncSession, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    if await session.get(User, user_id) is None:
        raise DomainError(Code.NOT_FOUND, "账号不存在或不属于本县", field="userId")
    return user_id


async def register_mediator(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    level: MediatorLevel,
    org_unit_id: int,
    roles: Sequence[MediatorRole],
    skills: Sequence[str] = (),
    venue_ids: Sequence[int] = (),
    phone: str | None = None,
    user_id: int | None = None,
    note: str | None = None,
) -> Mediator:
    """入库: a new active 解事员 of `level` in the unit (a tenant admin covering it)."""
    principal.require_user()
    unit = await _unit_for_level(session, level, org_unit_id)
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)
    mediator = Mediator(
        tenant_id=principal.require_tenant(),
        user_id=await _user(session, user_id),
        name=clean_text(name, field="name", code=Code.INVALID, label="姓名", max_length=50),
        level=level,
        org_unit_id=unit.id,
        roles=_roles(roles),
        skills=_skills(skills),
        venue_ids=await _venues(session, unit, venue_ids),
        phone=_phone(phone),
        active=True,
        note=clean_text(
            note, field="note", code=Code.INVALID, label="备注", max_length=500, required=False
        ),
    )
    session.add(mediator)
    await session.flush()
    await append_event(session, principal, MediatorEvent.MEDIATOR_REGISTERED, snapshot(mediator))
    return mediator


@dataclass(frozen=True, slots=True)
class MediatorChanges:
    """What `update_mediator` changes (None: unchanged)."""

    name: str | None = None
    roles: Sequence[MediatorRole] | None = None
    skills: Sequence[str] | None = None
    venue_ids: Sequence[int] | None = None
    phone: str | None = None
    active: bool | None = None
    note: str | None = None


async def update_mediator(
    session: AsyncSession, principal: Principal, *, mediator_id: int, changes: MediatorChanges
) -> Mediator:
    """Change a 解事员 (a tenant admin covering their unit); `active` false takes them out of
    service (they are no longer found for cases). Level and unit stay: a 解事员 moving to
    another pool is entered there."""
    principal.require_user()
    mediator = await access.get_mediator(session, mediator_id, lock=True)
    await access.require_manager(session, principal, mediator)
    unit = await access.get_unit(session, mediator.org_unit_id, field="mediatorId")
    if changes.name is not None:
        mediator.name = clean_text(
            changes.name, field="name", code=Code.INVALID, label="姓名", max_length=50
        )
    if changes.roles is not None:
        mediator.roles = _roles(changes.roles)
    if changes.skills is not None:
        mediator.skills = _skills(changes.skills)
    if changes.venue_ids is not None:
        mediator.venue_ids = await _venues(session, unit, changes.venue_ids)
    if changes.phone is not None:
        mediator.phone = _phone(changes.phone)
    if changes.active is not None:
        mediator.active = changes.active
    if changes.note is not None:
        mediator.note = clean_text(
            changes.note,
            field="note",
            code=Code.INVALID,
            label="备注",
            max_length=500,
            required=False,
        )
    await session.flush()
    await append_event(session, principal, MediatorEvent.MEDIATOR_UPDATED, snapshot(mediator))
    return mediator


def _not_future(value: date, *, field: str, label: str) -> date:
    if value > today():
        raise DomainError(Code.FUTURE_DATE, f"{label}不能晚于今天", field=field)
    return value


async def record_training(
    session: AsyncSession,
    principal: Principal,
    *,
    mediator_id: int,
    course: str,
    trained_on: date,
    hours: float,
    provider: str | None = None,
) -> MediatorTraining:
    """A training record (集中培训/轮训, seed 000 (三)): a course already taken, 0.5–200
    hours."""
    principal.require_user()
    mediator = await access.get_mediator(session, mediator_id)
    await access.require_manager(session, principal, mediator)
    if not (0 < hours <= 200) or round(hours * 2) != hours * 2:
        raise DomainError(Code.INVALID, "学时须为0.5至200之间、以0.5为单位", field="hours")
    training = MediatorTraining(
        tenant_id=mediator.tenant_id,
        mediator_id=mediator.id,
        course=clean_text(course, field="course", code=Code.INVALID, label="课程", max_length=100),
        trained_on=_not_future(trained_on, field="trainedOn", label="培训日期"),
        hours=float(hours),
        provider=clean_text(
            provider,
            field="provider",
            code=Code.INVALID,
            label="培训单位",
            max_length=100,
            required=False,
        ),
    )
    session.add(training)
    await session.flush()
    await append_event(
        session,
        principal,
        MediatorEvent.MEDIATOR_TRAINED,
        MediatorTrained(
            mediatorId=mediator.id,
            trainingId=training.id,
            course=training.course,
            trainedOn=training.trained_on.isoformat(),
            hours=float(training.hours),
        ),
    )
    return training


async def record_evaluation(
    session: AsyncSession,
    principal: Principal,
    *,
    mediator_id: int,
    period: str,
    grade: EvaluationGrade,
    score: int | None = None,
    comment: str | None = None,
    evaluated_on: date,
) -> MediatorEvaluation:
    """解事员工作考评 for a period (seed 000 四(一): 解事员评选及工作考评制度)."""
    principal.require_user()
    mediator = await access.get_mediator(session, mediator_id)
    await access.require_manager(session, principal, mediator)
    if score is not None and not 0 <= score <= 100:
        raise DomainError(Code.INVALID, "考评分数须在0到100之间", field="score")
    evaluation = MediatorEvaluation(
        tenant_id=mediator.tenant_id,
        mediator_id=mediator.id,
        period=clean_text(period, field="period", code=Code.INVALID, label="考评期", max_length=20),
        grade=grade,
        score=score,
        comment=clean_text(
            comment,
            field="comment",
            code=Code.INVALID,
            label="评语",
            max_length=1000,
            required=False,
        ),
        evaluated_on=_not_future(evaluated_on, field="evaluatedOn", label="考评日期"),
        evaluated_by=principal.user_id,
    )
    session.add(evaluation)
    await session.flush()
    await append_event(
        session,
        principal,
        MediatorEvent.MEDIATOR_EVALUATED,
        MediatorEvaluated(
            mediatorId=mediator.id,
            evaluationId=evaluation.id,
            period=evaluation.period,
            grade=grade.value,
            score=score,
        ),
    )
    return evaluation


async def grant_award(
    session: AsyncSession,
    principal: Principal,
    *,
    mediator_id: int,
    title: str,
    awarded_on: date,
    awarded_by: str | None = None,
) -> MediatorAward:
    """评选表彰 (seed 000 (六): 各乡镇评选出一批威望高……的解事员)."""
    principal.require_user()
    mediator = await access.get_mediator(session, mediator_id)
    await access.require_manager(session, principal, mediator)
    award = MediatorAward(
        tenant_id=mediator.tenant_id,
        mediator_id=mediator.id,
        title=clean_text(title, field="title", code=Code.INVALID, label="荣誉称号", max_length=100),
        awarded_on=_not_future(awarded_on, field="awardedOn", label="表彰日期"),
        awarded_by=clean_text(
            awarded_by,
            field="awardedBy",
            code=Code.INVALID,
            label="表彰单位",
            max_length=100,
            required=False,
        ),
    )
    session.add(award)
    await session.flush()
    await append_event(
        session,
        principal,
        MediatorEvent.MEDIATOR_AWARDED,
        MediatorAwarded(
            mediatorId=mediator.id,
            awardId=award.id,
            title=award.title,
            awardedOn=award.awarded_on.isoformat(),
        ),
    )
    return award


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MediatorFilter:
    """Which 解事员 a list shows (each None: any)."""

    level: MediatorLevel | None = None
    org_unit_id: int | None = None  # in this unit's subtree
    role: MediatorRole | None = None
    skill: str | None = None
    venue_id: int | None = None
    active: bool | None = None


async def list_mediators(
    session: AsyncSession,
    principal: Principal,
    *,
    f: MediatorFilter,
    after: int | None,
    limit: int,
) -> list[tuple[Mediator, str]]:
    """The pool, oldest entry first (keyset on id), each with its unit's path. Anyone of
    the county may list it (what each sees of a 解事员 is the schema's business: contact
    details by `access.sees_contact`)."""
    principal.require_tenant()
    conditions: list[ColumnElement[bool]] = []
    if f.level is not None:
        conditions.append(Mediator.level == f.level)
    if f.org_unit_id is not None:
        root = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == f.org_unit_id))
        if root is None:
            return []
        conditions.append(OrgUnit.path.startswith(root, autoescape=True))
    if f.role is not None:
        conditions.append(Mediator.roles.contains([f.role.value]))
    if f.skill is not None:
        conditions.append(Mediator.skills.contains([f.skill.strip()]))
    if f.venue_id is not None:
        conditions.append(Mediator.venue_ids.contains([f.venue_id]))
    if f.active is not None:
        conditions.append(Mediator.active.is_(f.active))
    if after is not None:
        conditions.append(Mediator.id > after)
    rows = (
        await session.execute(
            select(Mediator, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Mediator.org_unit_id)
            .where(*conditions)
            .order_by(Mediator.id)
            .limit(limit)
        )
    ).all()
    return [(m, path) for m, path in rows]


async def mediator_rows(
    session: AsyncSession, mediator_ids: Sequence[int]
) -> list[tuple[Mediator, str]]:
    """These 解事员 of the county (in the order asked, unknown ones left out), each with
    its unit's path."""
    ids = list(dict.fromkeys(mediator_ids))
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Mediator, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Mediator.org_unit_id)
            .where(Mediator.id.in_(ids))
        )
    ).all()
    found = {m.id: (m, path) for m, path in rows}
    return [found[i] for i in ids if i in found]


@dataclass
class MediatorRecords:
    trainings: dict[int, list[MediatorTraining]]
    evaluations: dict[int, list[MediatorEvaluation]]
    awards: dict[int, list[MediatorAward]]


async def records_of(session: AsyncSession, mediator_ids: Sequence[int]) -> MediatorRecords:
    """The trainings, evaluations and awards of these 解事员, oldest first (three
    statements whatever their number)."""
    out = MediatorRecords({}, {}, {})
    ids = list(dict.fromkeys(mediator_ids))
    if not ids:
        return out
    for t in await session.scalars(
        select(MediatorTraining)
        .where(MediatorTraining.mediator_id.in_(ids))
        .order_by(MediatorTraining.trained_on, MediatorTraining.id)
    ):
        out.trainings.setdefault(t.mediator_id, []).append(t)
    for e in await session.scalars(
        select(MediatorEvaluation)
        .where(MediatorEvaluation.mediator_id.in_(ids))
        .order_by(MediatorEvaluation.evaluated_on, MediatorEvaluation.id)
    ):
        out.evaluations.setdefault(e.mediator_id, []).append(e)
    for a in await session.scalars(
        select(MediatorAward)
        .where(MediatorAward.mediator_id.in_(ids))
        .order_by(MediatorAward.awarded_on, MediatorAward.id)
    ):
        out.awards.setdefault(a.mediator_id, []).append(a)
    return out
