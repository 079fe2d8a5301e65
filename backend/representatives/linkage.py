"""两代表一委员 linkage: representatives of the county and the places they serve
(村/社区 org units and 联系点 venues), many to many, with dates (seed 000 三（六）1:
"两代表一委员"定期联系村（社区）制度)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.cases.stream import local_day, now
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.people.models import User
from backend.representatives import access
from backend.representatives.errors import RepresentativeErrorCode as Code
from backend.representatives.events import (
    REPRESENTATIVE_EVENTS,
    PlaceLinked,
    RepresentativeEvent,
    RepresentativeRegistered,
)
from backend.representatives.models import (
    DeputyLevel,
    Representative,
    RepresentativeKind,
    RepresentativePlace,
)
from backend.representatives.stream import append_event
from tenants.models import OrgUnit, OrgUnitKind, Venue

#: The org units a representative may serve: villages and communities (and the townships,
#: subdistricts and grids around and under them), never a department or the county.
PLACE_KINDS = (
    OrgUnitKind.TOWNSHIP,
    OrgUnitKind.SUBDISTRICT,
    OrgUnitKind.VILLAGE,
    OrgUnitKind.COMMUNITY,
    OrgUnitKind.GRID,
)


def today() -> date:
    return local_day(now())


async def register_representative(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: RepresentativeKind,
    name: str,
    level: DeputyLevel | None = None,
    sector: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
    user_id: int | None = None,
) -> Representative:
    """Register a 人大代表 (with `level`) or 政协委员 (with `sector`, 界别)."""
    access.require_county_office(principal)
    tenant_id = principal.require_tenant()
    name = clean_text(name, field="name", code=Code.INVALID, label="姓名", max_length=50)
    sector = clean_text(
        sector, field="sector", code=Code.INVALID, label="界别", max_length=50, required=False
    )
    unit = clean_text(
        unit, field="unit", code=Code.INVALID, label="工作单位", max_length=100, required=False
    )
    phone = clean_text(
        phone, field="phone", code=Code.INVALID, label="电话", max_length=20, required=False
    )
    if kind is RepresentativeKind.NPC_DEPUTY:
        if level is None:
            raise DomainError(
                Code.INVALID, "人大代表须注明代表层级（全国/省/市/县/乡）", field="level"
            )
        if sector is not None:
            raise DomainError(Code.INVALID, "界别只适用于政协委员", field="sector")
    else:
        if sector is None:
            raise DomainError(Code.INVALID, "政协委员须注明界别", field="sector")
        if level is not None:
            raise DomainError(Code.INVALID, "代表层级只适用于人大代表", field="level")
    if phone is not None and not phone.lstrip("+").replace("-", "").isdigit():
        raise DomainError(Code.INVALID, "电话号码只能包含数字", field="phone")
    if user_id is not None:
        if await session.get(User, user_id) is None:
            raise DomainError(Code.NOT_FOUND, "账号不存在或不属于本县", field="userId")
        taken = await session.scalar(
            select(Representative.id).where(
                Representative.user_id == user_id, Representative.kind == kind
            )
        )
        if taken is not None:
            raise DomainError(Code.INVALID, "该账号已登记为同类代表委员", field="userId")
    rep = Representative(
        tenant_id=tenant_id,
        kind=kind,
        level=level,
        sector=sector,
        name=name,
        unit=unit,
        phone=phone,
        user_id=user_id,
    )
    session.add(rep)
    await session.flush()
    payload: RepresentativeRegistered = {
        "id": rep.id,
        "kind": kind.value,
        "level": level.value if level else None,
        "sector": sector,
        "name": name,
        "hasAccount": user_id is not None,
    }
    await append_event(
        session,
        principal,
        REPRESENTATIVE_EVENTS,
        tenant_id=tenant_id,
        row_id=rep.id,
        type=RepresentativeEvent.REGISTERED,
        payload=payload,
    )
    # An administrative act on a person's data (the phone is not copied into the log).
    await audit.record(
        session,
        principal,
        action="representative.registered",
        target_type="Representative",
        target_id=rep.id,
        after={**payload, "hasPhone": phone is not None},
    )
    return rep


def _link_payload(link: RepresentativePlace) -> PlaceLinked:
    return {
        "linkId": link.id,
        "orgUnitId": link.org_unit_id,
        "venueId": link.venue_id,
        "startsOn": link.starts_on.isoformat(),
        "endsOn": link.ends_on.isoformat() if link.ends_on else None,
    }


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


async def link_place(
    session: AsyncSession,
    principal: Principal,
    *,
    representative_id: int,
    org_unit_id: int | None = None,
    venue_id: int | None = None,
    starts_on: date,
    ends_on: date | None = None,
) -> RepresentativePlace:
    """Link a representative to a village/community (`org_unit_id`) or a 联系点
    (`venue_id`) from `starts_on` to `ends_on` (inclusive; None: open). Periods of the same
    representative and place must not overlap."""
    access.require_county_office(principal)
    if (org_unit_id is None) == (venue_id is None):
        raise DomainError(Code.INVALID, "须指定一个村（社区）或一个联系点", field="placeId")
    # Serialises links of one representative: two concurrent overlapping links cannot
    # both pass the check below.
    rep = await access.get_representative(
        session, representative_id, lock=True, field="representativeId"
    )
    if org_unit_id is not None:
        unit = await session.get(OrgUnit, org_unit_id)
        if unit is None:
            raise DomainError(Code.NOT_FOUND, "村（社区）不存在或不属于本县", field="placeId")
        if unit.kind not in PLACE_KINDS:
            raise DomainError(
                Code.INVALID, "代表委员联系的须是乡镇（街道）、村（社区）或网格", field="placeId"
            )
    else:
        assert venue_id is not None
        await access.get_venue(session, venue_id, field="placeId")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(Code.INVALID, "结束日期不能早于开始日期", field="endsOn")
    same_place = (
        RepresentativePlace.org_unit_id == org_unit_id
        if org_unit_id is not None
        else RepresentativePlace.venue_id == venue_id
    )
    existing = (
        await session.scalars(
            select(RepresentativePlace).where(
                RepresentativePlace.representative_id == rep.id, same_place
            )
        )
    ).all()
    for other in existing:
        if _overlaps(starts_on, ends_on, other.starts_on, other.ends_on):
            inside = other.starts_on <= starts_on and (
                other.ends_on is None or starts_on <= other.ends_on
            )
            until = other.ends_on.isoformat() if other.ends_on else "至今"
            raise DomainError(
                Code.OVERLAPPING_DATES,
                f"与已有联系期间（{other.starts_on.isoformat()} 至 {until}）重叠",
                field="startsOn" if inside else "endsOn",
            )
    link = RepresentativePlace(
        tenant_id=rep.tenant_id,
        representative_id=rep.id,
        org_unit_id=org_unit_id,
        venue_id=venue_id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(link)
    await session.flush()
    await append_event(
        session,
        principal,
        REPRESENTATIVE_EVENTS,
        tenant_id=rep.tenant_id,
        row_id=rep.id,
        type=RepresentativeEvent.PLACE_LINKED,
        payload=_link_payload(link),
    )
    await audit.record(
        session,
        principal,
        action="representative.placeLinked",
        target_type="Representative",
        target_id=rep.id,
        after=dict(_link_payload(link)),
    )
    return link


async def end_place(
    session: AsyncSession, principal: Principal, *, link_id: int, ends_on: date
) -> RepresentativePlace:
    """End a linkage on `ends_on` (inclusive): only shortening, so it never overlaps."""
    access.require_county_office(principal)
    link = await session.scalar(
        select(RepresentativePlace).where(RepresentativePlace.id == link_id).with_for_update()
    )
    if link is None:
        raise DomainError(Code.NOT_FOUND, "联系关系不存在", field="linkId")
    if ends_on < link.starts_on:
        raise DomainError(Code.INVALID, "结束日期不能早于开始日期", field="endsOn")
    if link.ends_on is not None and ends_on >= link.ends_on:
        raise DomainError(
            Code.INVALID_STATE,
            f"该联系已于 {link.ends_on.isoformat()} 结束，只能提前",
            field="endsOn",
        )
    before = link.ends_on
    link.ends_on = ends_on
    await session.flush()
    await append_event(
        session,
        principal,
        REPRESENTATIVE_EVENTS,
        tenant_id=link.tenant_id,
        row_id=link.representative_id,
        type=RepresentativeEvent.PLACE_ENDED,
        payload=_link_payload(link),
    )
    await audit.record(
        session,
        principal,
        action="representative.placeEnded",
        target_type="Representative",
        target_id=link.representative_id,
        before={"endsOn": before.isoformat() if before else None},
        after=dict(_link_payload(link)),
    )
    return link


# -- reads -----------------------------------------------------------------------------------


async def list_representatives(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: RepresentativeKind | None,
    level: DeputyLevel | None,
    place_unit_id: int | None,
    place_venue_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[Representative]:
    """Representatives of the county by id; `place_*`: serving that place today."""
    access.require_member(principal)
    query = select(Representative).order_by(Representative.id).limit(limit)
    if kind is not None:
        query = query.where(Representative.kind == kind)
    if level is not None:
        query = query.where(Representative.level == level)
    if place_unit_id is not None or place_venue_id is not None:
        place = (
            RepresentativePlace.org_unit_id == place_unit_id
            if place_unit_id is not None
            else RepresentativePlace.venue_id == place_venue_id
        )
        query = query.where(
            Representative.id.in_(
                select(RepresentativePlace.representative_id).where(
                    place, access.active_on(today())
                )
            )
        )
    if after_id is not None:
        query = query.where(Representative.id > after_id)
    return list((await session.scalars(query)).all())


async def representatives_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, Representative]:
    if not ids:
        return {}
    rows = await session.scalars(select(Representative).where(Representative.id.in_(list(ids))))
    return {r.id: r for r in rows}


async def places_of(
    session: AsyncSession, representative_ids: Sequence[int]
) -> dict[int, list[RepresentativePlace]]:
    """Every linkage of each representative (current and past), oldest first."""
    out: dict[int, list[RepresentativePlace]] = {i: [] for i in representative_ids}
    if not representative_ids:
        return out
    for link in await session.scalars(
        select(RepresentativePlace)
        .where(RepresentativePlace.representative_id.in_(list(representative_ids)))
        .order_by(RepresentativePlace.starts_on, RepresentativePlace.id)
    ):
        out[link.representative_id].append(link)
    return out


async def place_representatives(
    session: AsyncSession,
    principal: Principal,
    *,
    org_unit_id: int | None,
    venue_id: int | None,
    on: date | None = None,
) -> list[tuple[Representative, RepresentativePlace]]:
    """The representatives serving a place on `on` (today by default) with their link."""
    access.require_member(principal)
    if org_unit_id is not None:
        if await session.get(OrgUnit, org_unit_id) is None:
            raise DomainError(Code.NOT_FOUND, "村（社区）不存在", field="placeId")
        place = RepresentativePlace.org_unit_id == org_unit_id
    else:
        if venue_id is None or await session.get(Venue, venue_id) is None:
            raise DomainError(Code.NOT_FOUND, "联系点不存在", field="placeId")
        place = RepresentativePlace.venue_id == venue_id
    rows = (
        await session.execute(
            select(Representative, RepresentativePlace)
            .join(RepresentativePlace, RepresentativePlace.representative_id == Representative.id)
            .where(place, access.active_on(on or today()))
            .order_by(Representative.id, RepresentativePlace.id)
        )
    ).all()
    return [(r, p) for r, p in rows]
