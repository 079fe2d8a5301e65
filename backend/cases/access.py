"""Loading cases and deciding who may do what with them.

- County office (县级管理员, a county-wide TENANT_ADMIN): everything — arbitration, 重派,
  督办, merging, publication.
- Unit staff (DEPARTMENT_STAFF, or a TENANT_ADMIN scoped to a unit; grant scope = the unit's
  subtree): the cases their unit is accountable for (首接负责) or holds an assignment of.
- MEDIATOR (解事员): the cases of their place (`place_unit_id` in their subtree), read only.
- COLLECTOR (民情收集员/网格员): enters cases at their venue/unit, sees those they entered.
- The submitter sees their own; anyone else only what is published (`publication`).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.errors import CaseErrorCode as Code
from backend.cases.models import AssignmentState, Case, CaseAssignment, CaseState
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from tenants.models import OrgUnit

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)
ACTIVE_ASSIGNMENT = (AssignmentState.PENDING, AssignmentState.SIGNED)
OPEN_STATES = (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.IN_PROGRESS)

STATE_LABELS = {
    CaseState.RECEIVED: "已受理",
    CaseState.DISPATCHED: "已派单待签收",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.ANSWERED: "已答复待评价",
    CaseState.CLOSED: "已办结",
    CaseState.OUT_OF_SCOPE: "不予受理",
    CaseState.MERGED: "已合并",
}


def is_county_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def require_county_office(principal: Principal) -> None:
    principal.require_user()
    if not is_county_office(principal):
        raise PermissionDenied("无权执行此操作：需要县级管理员（县12345/议事办）")


async def get_case(session: AsyncSession, case_id: int, *, lock: bool = False) -> Case:
    query = select(Case).where(Case.id == case_id)
    if lock:
        query = query.with_for_update()
    case = await session.scalar(query)
    if case is None:
        raise DomainError(Code.NOT_FOUND, "事项不存在", field="caseId")
    return case


async def get_unit(session: AsyncSession, unit_id: int | None, *, field: str) -> OrgUnit:
    """A unit of this county (row-level security hides other counties' units: a foreign
    unit reads as unknown)."""
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


def staff_of(principal: Principal, unit_path: str | None) -> bool:
    """Staff (or admins) whose scope covers the unit at `unit_path`."""
    return unit_path is not None and principal.has(*STAFF_ROLES, at_path=unit_path)


async def unit_path(session: AsyncSession, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


async def handles(session: AsyncSession, principal: Principal, case: Case) -> bool:
    """Whether `principal` may act on `case`: the county office, staff of the accountable
    unit, or of a unit that signed an assignment of it (a unit that has not signed may
    only sign or return: `routing`)."""
    if principal.user_id is None:
        return False
    if is_county_office(principal):
        return True
    if staff_of(principal, await unit_path(session, case.accountable_unit_id)):
        return True
    paths = (
        await session.scalars(
            select(OrgUnit.path)
            .join(CaseAssignment, CaseAssignment.unit_id == OrgUnit.id)
            .where(
                CaseAssignment.case_id == case.id,
                CaseAssignment.state == AssignmentState.SIGNED,
            )
        )
    ).all()
    return any(staff_of(principal, p) for p in paths)


async def require_handler(session: AsyncSession, principal: Principal, case: Case) -> None:
    principal.require_user()
    if not await handles(session, principal, case):
        raise PermissionDenied("无权办理此事项：需要承办单位工作人员或县级管理员")


async def is_accountable_staff(session: AsyncSession, principal: Principal, case: Case) -> bool:
    """Staff of the accountable unit, or the county office: who see contact details."""
    if is_county_office(principal):
        return True
    return staff_of(principal, await unit_path(session, case.accountable_unit_id))


def require_open(case: Case, *, action: str) -> None:
    if case.state not in OPEN_STATES:
        raise DomainError(
            Code.INVALID_STATE,
            f"事项当前状态（{STATE_LABELS[case.state]}）不能{action}",
            field="caseId",
        )


def _scoped(principal: Principal, *roles: Role) -> list[str] | None:
    """The subtree paths of `principal`'s grants of `roles` (None: county-wide)."""
    paths = [g.org_path for g in principal.grants if g.role in roles]
    if None in paths:
        return None
    return [p for p in paths if p]


def _units_under(paths: list[str]) -> ColumnElement[bool]:
    return or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths))


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The cases `principal` may list (staff views, own cases): the SQL twin of
    `visibility.views_of`. Anonymous callers list nothing (published cases have their own
    page)."""
    if principal.user_id is None:
        return false()
    if is_county_office(principal):
        return true()
    allowed: list[ColumnElement[bool]] = [
        Case.submitter_user_id == principal.user_id,
        Case.entered_by_user_id == principal.user_id,
    ]
    staff = _scoped(principal, *STAFF_ROLES)
    if staff is None:
        return true()
    if staff:
        units = select(OrgUnit.id).where(_units_under(staff))
        allowed.append(Case.accountable_unit_id.in_(units))
        allowed.append(
            exists().where(
                CaseAssignment.case_id == Case.id,
                CaseAssignment.state != AssignmentState.WITHDRAWN,
                CaseAssignment.unit_id.in_(units),
            )
        )
    mediator = _scoped(principal, Role.MEDIATOR)
    if mediator is None:
        allowed.append(Case.place_unit_id.is_not(None))
    elif mediator:
        allowed.append(Case.place_unit_id.in_(select(OrgUnit.id).where(_units_under(mediator))))
    return or_(*allowed)


# The `case` and `caseinbox` stream kinds are registered by backend.cases.visibility;
# importing access (which every workflow does) registers them.
from backend.cases import personal_data as _personal_data  # noqa: E402,F401  (its section)
from backend.cases import visibility  # noqa: E402,F401


def _register_hand_over() -> None:
    from backend.cases.intake import hand_over_comment
    from backend.meetings.comments import on_hand_over

    on_hand_over(hand_over_comment)


_register_hand_over()
