"""Finding available 解事员 for a case and assigning them (选派解事员: "村社吹哨、队伍报到",
seed 000 二(二)3 and (四) "根据……内容选派相应解事员").

Who is found: active 解事员 of the case's place and of every unit above it (the village's
pool, then the township's, then the county's), and those who serve the case's venue. The
place is the case's `place_unit_id`, else its venue's unit, else the accountable unit.
Ranked: the nearest pool first (same village, then township, then county), within a pool
those serving the case's venue, then the most of their skills named by the case (its
keywords, title or text, its category's label), then the oldest entry. Those already
assigned to the case are left out.

An assignment is recorded in the pool's own `mediators` stream (`mediator.assigned`, with
the case id; staff view only): the case stream's event types are the cases domain's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access as case_access
from backend.cases.board import KIND_LABELS, MATTER_LABELS
from backend.cases.models import Case
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.mediators import access
from backend.mediators.errors import MediatorErrorCode as Code
from backend.mediators.events import MediatorAssigned, MediatorEvent
from backend.mediators.models import Mediator, MediatorAssignment, MediatorRole
from backend.mediators.stream import append_event
from tenants.models import OrgUnit, Venue

MAX_ASSIGN = 10


@dataclass(frozen=True, slots=True)
class Match:
    mediator: Mediator
    unit_path: str
    distance: int  # 0: the case's own unit; 1: the unit above it; …
    same_venue: bool
    matched_skills: list[str]


def _ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


async def place_of(session: AsyncSession, case: Case) -> OrgUnit:
    unit_id = case.place_unit_id
    if unit_id is None and case.venue_id is not None:
        unit_id = await session.scalar(select(Venue.org_unit_id).where(Venue.id == case.venue_id))
    unit = await session.get(OrgUnit, unit_id or case.accountable_unit_id)
    assert unit is not None  # a case's units are the county's (foreign keys)
    return unit


def _matched(skills: Sequence[str], case: Case) -> list[str]:
    """The skills the case names: one of its keywords, words of its title or text, or the
    label of its category (咨询/建议/诉求, 个人事项/公益事项/行政管理事项)."""
    words = set(case.keywords or ())
    words.add(KIND_LABELS[case.kind.value])
    if case.matter_class is not None:
        words.add(MATTER_LABELS[case.matter_class.value])
    text = f"{case.title}\n{case.body}"
    return [s for s in skills if s in words or s in text]


async def candidates(
    session: AsyncSession, case: Case, *, role: MediatorRole | None = None
) -> list[Match]:
    place = await place_of(session, case)
    chain = _ids(place.path)  # root … place
    depth = {unit_id: len(chain) - 1 - i for i, unit_id in enumerate(chain)}
    where: list[ColumnElement[bool]] = [Mediator.org_unit_id.in_(chain)]
    if case.venue_id is not None:
        where.append(Mediator.venue_ids.contains([case.venue_id]))
    query = (
        select(Mediator, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Mediator.org_unit_id)
        .where(Mediator.active.is_(True), or_(*where))
        .where(
            ~select(MediatorAssignment.id)
            .where(
                MediatorAssignment.case_id == case.id,
                MediatorAssignment.mediator_id == Mediator.id,
            )
            .exists()
        )
    )
    if role is not None:
        query = query.where(Mediator.roles.contains([role.value]))
    matches = [
        Match(
            mediator=m,
            unit_path=path,
            distance=depth.get(m.org_unit_id, len(chain)),
            same_venue=case.venue_id is not None and case.venue_id in (m.venue_ids or ()),
            matched_skills=_matched(m.skills or (), case),
        )
        for m, path in (await session.execute(query)).all()
    ]
    matches.sort(
        key=lambda x: (x.distance, not x.same_venue, -len(x.matched_skills), x.mediator.id)
    )
    return matches


async def find_for_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    role: MediatorRole | None = None,
    limit: int = 20,
) -> list[Match]:
    """The 解事员 available for a case, best first (whoever may handle the case)."""
    principal.require_user()
    case = await case_access.get_case(session, case_id)
    await case_access.require_handler(session, principal, case)
    return (await candidates(session, case, role=role))[:limit]


async def assign_to_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    mediator_ids: Sequence[int],
    note: str | None = None,
) -> list[MediatorAssignment]:
    """Assign one or more 解事员 of the case's place (or above it, or of its venue) to an open
    case (whoever may handle it). All or nothing: one that is unknown, out of service, not of
    the place or already assigned refuses the whole call."""
    principal.require_user()
    case = await case_access.get_case(session, case_id, lock=True)
    await case_access.require_handler(session, principal, case)
    case_access.require_open(case, action="选派解事员")
    wanted = list(dict.fromkeys(mediator_ids))
    if not wanted:
        raise DomainError(Code.INVALID, "请至少选择一名解事员", field="mediatorIds")
    if len(wanted) > MAX_ASSIGN:
        raise DomainError(Code.INVALID, f"一次最多选派{MAX_ASSIGN}名解事员", field="mediatorIds")
    text = clean_text(
        note, field="note", code=Code.INVALID, label="说明", max_length=500, required=False
    )
    available = {m.mediator.id for m in await candidates(session, case)}
    assigned = set(
        (
            await session.scalars(
                select(MediatorAssignment.mediator_id).where(MediatorAssignment.case_id == case.id)
            )
        ).all()
    )
    out: list[MediatorAssignment] = []
    for mediator_id in wanted:
        mediator = await access.get_mediator(session, mediator_id, field="mediatorIds")
        if not mediator.active:
            raise DomainError(Code.INACTIVE, f"解事员{mediator.name}已不在库", field="mediatorIds")
        if mediator.id in assigned:
            raise DomainError(
                Code.ALREADY_ASSIGNED, f"解事员{mediator.name}已选派到该事项", field="mediatorIds"
            )
        if mediator.id not in available:
            raise DomainError(
                Code.INVALID,
                f"解事员{mediator.name}不属于该事项所在地及上级的解事员库",
                field="mediatorIds",
            )
        row = MediatorAssignment(
            tenant_id=case.tenant_id,
            case_id=case.id,
            mediator_id=mediator.id,
            assigned_by=principal.user_id,
            note=text,
        )
        session.add(row)
        await session.flush()
        await append_event(
            session,
            principal,
            MediatorEvent.MEDIATOR_ASSIGNED,
            MediatorAssigned(mediatorId=mediator.id, assignmentId=row.id, caseId=case.id),
        )
        out.append(row)
    return out


async def assignments_of(
    session: AsyncSession, case_id: int
) -> list[tuple[MediatorAssignment, Mediator, str]]:
    """A case's assignments, oldest first, each with its 解事员 and their unit's path."""
    rows = (
        await session.execute(
            select(MediatorAssignment, Mediator, OrgUnit.path)
            .join(Mediator, Mediator.id == MediatorAssignment.mediator_id)
            .join(OrgUnit, OrgUnit.id == Mediator.org_unit_id)
            .where(MediatorAssignment.case_id == case_id)
            .order_by(MediatorAssignment.id)
        )
    ).all()
    return [(a, m, path) for a, m, path in rows]
