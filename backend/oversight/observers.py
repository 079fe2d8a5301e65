"""民意观察员 (public-opinion observers, seed 003: "聘请'民意观察员'1200个"): appointed by the
county for a term, for an area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.oversight import access
from backend.oversight.errors import OversightErrorCode as Code
from backend.oversight.events import ObserverAppointed, OversightEvent
from backend.oversight.models import Observer
from backend.oversight.stream import append_event
from backend.people.models import User
from tenants.models import OrgUnit


async def appoint_observer(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    org_unit_id: int,
    term_start: date,
    term_end: date | None = None,
    area: str | None = None,
    phone: str | None = None,
    user_id: int | None = None,
) -> Observer:
    """聘请: a county-wide tenant admin appoints an observer for a term (the end, if
    given, not before the start)."""
    principal.require_county_admin()
    unit = await access.get_unit(session, org_unit_id, field="orgUnitId")
    if term_end is not None and term_end < term_start:
        raise DomainError(Code.BAD_DATES, "聘期结束日期不能早于开始日期", field="termEnd")
    if user_id is not None and await session.get(User, user_id) is None:
        raise DomainError(Code.NOT_FOUND, "账号不存在或不属于本县", field="userId")
    observer = Observer(
        tenant_id=principal.require_tenant(),
        user_id=user_id,
        name=clean_text(name, field="name", code=Code.INVALID, label="姓名", max_length=50),
        phone=access.phone(phone, field="phone"),
        org_unit_id=unit.id,
        area=clean_text(
            area,
            field="area",
            code=Code.INVALID,
            label="观察领域",
            max_length=200,
            required=False,
        ),
        term_start=term_start,
        term_end=term_end,
        appointed_by=principal.user_id,
    )
    session.add(observer)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.OBSERVER_APPOINTED,
        ObserverAppointed(
            id=observer.id,
            orgUnitId=unit.id,
            area=observer.area,
            termStart=term_start.isoformat(),
            termEnd=term_end.isoformat() if term_end else None,
        ),
    )
    return observer


async def unit_path(session: AsyncSession, unit_id: int) -> str:
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id)) or ""


@dataclass(frozen=True, slots=True)
class ObserverFilter:
    org_unit_id: int | None = None  # in this unit's subtree
    serving_on: date | None = None  # whose term covers this day


async def list_observers(
    session: AsyncSession, principal: Principal, *, f: ObserverFilter, after: int | None, limit: int
) -> list[tuple[Observer, str]]:
    """The county's observers, oldest appointment first, each with its unit's path (anyone
    of the county: contact details are the schema's business)."""
    principal.require_tenant()
    conditions: list[ColumnElement[bool]] = []
    if f.org_unit_id is not None:
        root = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == f.org_unit_id))
        if root is None:
            return []
        conditions.append(OrgUnit.path.startswith(root, autoescape=True))
    if f.serving_on is not None:
        conditions.append(Observer.term_start <= f.serving_on)
        conditions.append(or_(Observer.term_end.is_(None), Observer.term_end >= f.serving_on))
    if after is not None:
        conditions.append(Observer.id > after)
    rows = (
        await session.execute(
            select(Observer, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Observer.org_unit_id)
            .where(*conditions)
            .order_by(Observer.id)
            .limit(limit)
        )
    ).all()
    return [(o, p) for o, p in rows]
