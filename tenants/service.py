"""County registry, org-unit tree and venues."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.db import CHECK_EVENTS, refusing_duplicates
from backend.core.errors import DomainError, Unauthenticated
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from realtime import log as events
from realtime import streams
from realtime.event_types import Logged
from tenants.errors import TenantErrorCode as Code
from tenants.events import ORG_EVENTS, OrgEvent, OrgUnitChanged, VenueCreated
from tenants.models import (
    ALLOWED_PARENTS,
    VENUE_UNIT_KINDS,
    OrgUnit,
    OrgUnitKind,
    Tenant,
    Venue,
    VenueLevel,
)

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
DIVISION_RE = re.compile(r"^\d{6}$")
P = TypeVar("P")  # an org event's payload (tenants.events)

ORG_KIND_LABELS = {
    OrgUnitKind.COUNTY: "县/区",
    OrgUnitKind.TOWNSHIP: "乡镇",
    OrgUnitKind.SUBDISTRICT: "街道",
    OrgUnitKind.VILLAGE: "村",
    OrgUnitKind.COMMUNITY: "社区",
    OrgUnitKind.GRID: "网格",
    OrgUnitKind.DEPARTMENT: "部门/单位",
}


def tenant_snapshot(t: Tenant) -> dict[str, object]:
    return {"name": t.name, "slug": t.slug, "divisionCode": t.division_code, "timezone": t.timezone}


def unit_snapshot(u: OrgUnit) -> dict[str, object]:
    return {"name": u.name, "kind": u.kind.value, "code": u.code, "parentId": u.parent_id}


def require_operator(principal: Principal) -> None:
    """Platform operators only: anonymous callers are told to sign in (UNAUTHENTICATED),
    signed-in county members that they may not (FORBIDDEN)."""
    if not principal.is_authenticated:
        raise Unauthenticated("请先以平台运维人员身份登录")
    principal.require_operator()


async def create_tenant(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    slug: str,
    division_code: str,
    timezone: str = "Asia/Shanghai",
) -> Tenant:
    """Register a county with its root org unit (县) and an online 说事处. Operators only;
    `session` is a platform transaction. Its first admin: `backend.people.counties`."""
    require_operator(principal)
    clean_name = clean_text(name, field="name", code=Code.INVALID, label="县名称", max_length=100)
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(
            Code.INVALID, "标识只能包含小写字母、数字和连字符，以字母开头，2-40个字符", field="slug"
        )
    if not DIVISION_RE.match(division_code or ""):
        raise DomainError(Code.INVALID, "行政区划代码应为6位数字，如 500229", field="divisionCode")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise DomainError(Code.INVALID, f"未知时区：{timezone}", field="timezone") from exc
    if await session.scalar(select(exists().where(Tenant.slug == slug))):
        raise DomainError(Code.DUPLICATE_SLUG, f"标识“{slug}”已被使用", field="slug")
    if await session.scalar(select(exists().where(Tenant.division_code == division_code))):
        raise DomainError(
            Code.DUPLICATE_DIVISION_CODE,
            f"行政区划代码 {division_code} 已注册",
            field="divisionCode",
        )
    tenant = Tenant(name=clean_name, slug=slug, division_code=division_code, timezone=timezone)
    async with refusing_duplicates(
        session,
        {
            "uq_tenants_slug": DomainError(
                Code.DUPLICATE_SLUG, f"标识“{slug}”已被使用", field="slug"
            ),
            "uq_tenants_division_code": DomainError(
                Code.DUPLICATE_DIVISION_CODE,
                f"行政区划代码 {division_code} 已注册",
                field="divisionCode",
            ),
        },
    ):
        session.add(tenant)
        await session.flush()
    root = OrgUnit(tenant_id=tenant.id, kind=OrgUnitKind.COUNTY, name=clean_name, path="")
    session.add(root)
    await session.flush()
    root.path = f"/{root.id}/"
    session.add(
        Venue(tenant_id=tenant.id, org_unit_id=root.id, level=VenueLevel.ONLINE, name="线上说事处")
    )
    await audit.record(
        session,
        principal,
        action="tenant.create",
        target_type="Tenant",
        target_id=tenant.id,
        after=tenant_snapshot(tenant),
        tenant_id=tenant.id,
    )
    return tenant


async def list_tenants(
    session: AsyncSession, principal: Principal, *, after_id: int | None, limit: int
) -> list[Tenant]:
    require_operator(principal)
    query = select(Tenant).order_by(Tenant.id).limit(limit)
    if after_id is not None:
        query = query.where(Tenant.id > after_id)
    return list((await session.scalars(query)).all())


async def tenant_by_slug(session: AsyncSession, slug: str) -> Tenant | None:
    return await session.scalar(select(Tenant).where(Tenant.slug == slug))


async def root_unit(session: AsyncSession) -> OrgUnit:
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
    if unit is None:  # every county is created with its root
        raise RuntimeError("county has no root org unit")
    return unit


async def get_unit(session: AsyncSession, unit_id: int, *, field: str = "parentId") -> OrgUnit:
    """The org unit, if it exists in the current county (RLS hides other counties' units)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise DomainError(Code.NOT_FOUND, "组织单元不存在", field=field)
    return unit


async def create_org_unit(
    session: AsyncSession,
    principal: Principal,
    *,
    parent_id: int,
    kind: OrgUnitKind,
    name: str,
    code: str | None = None,
) -> OrgUnit:
    """Add a unit under `parent_id`, respecting the tree's shape (乡镇 under 县, 村 under 乡镇…)."""
    tenant_id = principal.require_tenant()
    parent = await get_unit(session, parent_id)
    principal.require(Role.TENANT_ADMIN, at_path=parent.path)
    clean_name = clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100)
    clean_code = clean_text(
        code, field="code", code=Code.INVALID, label="编码", max_length=20, required=False
    )
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise DomainError(
            Code.INVALID_PARENT,
            f"{ORG_KIND_LABELS[kind]}不能设在{ORG_KIND_LABELS[parent.kind]}之下",
            field="kind",
        )
    unit = OrgUnit(
        tenant_id=tenant_id,
        parent_id=parent.id,
        kind=kind,
        name=clean_name,
        code=clean_code,
        path="",
    )
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    await session.flush()
    await audit.record(
        session,
        principal,
        action="orgUnit.create",
        target_type="OrgUnit",
        target_id=unit.id,
        after=unit_snapshot(unit),
    )
    await _org_event(session, principal, OrgEvent.ORG_UNIT_CREATED, _unit_changed(unit))
    return unit


async def update_org_unit(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int,
    name: str | None,
    code: str | None,
) -> OrgUnit:
    unit = await get_unit(session, unit_id, field="id")
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)
    before = unit_snapshot(unit)
    if name is not None:
        unit.name = clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100)
    if code is not None:
        unit.code = clean_text(
            code, field="code", code=Code.INVALID, label="编码", max_length=20, required=False
        )
    await session.flush()
    await audit.record(
        session,
        principal,
        action="orgUnit.update",
        target_type="OrgUnit",
        target_id=unit.id,
        before=before,
        after=unit_snapshot(unit),
    )
    await _org_event(session, principal, OrgEvent.ORG_UNIT_UPDATED, _unit_changed(unit))
    return unit


async def create_venue(
    session: AsyncSession,
    principal: Principal,
    *,
    org_unit_id: int,
    level: VenueLevel,
    name: str,
    address: str | None = None,
) -> Venue:
    """Attach a 说事 venue; its level must fit the unit (说事站 at a 村/社区, 说事点 at a 网格…)."""
    tenant_id = principal.require_tenant()
    unit = await get_unit(session, org_unit_id, field="orgUnitId")
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)
    clean_name = clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100)
    clean_address = clean_text(
        address, field="address", code=Code.INVALID, label="地址", max_length=200, required=False
    )
    if unit.kind not in VENUE_UNIT_KINDS[level]:
        raise DomainError(
            Code.INVALID_VENUE_LEVEL,
            f"该级别的说事场所不能设在{ORG_KIND_LABELS[unit.kind]}",
            field="level",
        )
    duplicate = await session.scalar(
        select(exists().where(Venue.org_unit_id == unit.id, Venue.name == clean_name))
    )
    if duplicate:
        raise DomainError(Code.INVALID, f"该单元已有名为“{clean_name}”的场所", field="name")
    venue = Venue(
        tenant_id=tenant_id,
        org_unit_id=unit.id,
        level=level,
        name=clean_name,
        address=clean_address,
    )
    async with refusing_duplicates(
        session,
        {
            "uq_venues_org_unit_id_name": DomainError(
                Code.INVALID, f"该单元已有名为“{clean_name}”的场所", field="name"
            )
        },
    ):
        session.add(venue)
        await session.flush()
    await audit.record(
        session,
        principal,
        action="venue.create",
        target_type="Venue",
        target_id=venue.id,
        after={"name": venue.name, "level": level.value, "orgUnitId": unit.id},
    )
    await _org_event(
        session,
        principal,
        OrgEvent.VENUE_CREATED,
        VenueCreated(id=venue.id, name=venue.name, level=level.value, orgUnitId=unit.id),
    )
    return venue


async def update_venue(
    session: AsyncSession,
    principal: Principal,
    *,
    venue_id: int,
    name: str | None,
    address: str | None,
) -> Venue:
    """Rename a venue or change its address (tenant admins of its unit); its unit and
    level stay (a venue of another level is another venue)."""
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise DomainError(Code.NOT_FOUND, "说事场所不存在", field="id")
    unit = await get_unit(session, venue.org_unit_id, field="id")
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)
    before = {"name": venue.name, "address": venue.address}
    if name is not None:
        clean_name = clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100)
        duplicate = await session.scalar(
            select(
                exists().where(
                    Venue.org_unit_id == unit.id, Venue.name == clean_name, Venue.id != venue.id
                )
            )
        )
        if duplicate:
            raise DomainError(Code.INVALID, f"该单元已有名为“{clean_name}”的场所", field="name")
        venue.name = clean_name
    if address is not None:
        venue.address = clean_text(
            address,
            field="address",
            code=Code.INVALID,
            label="地址",
            max_length=200,
            required=False,
        )
    await session.flush()
    await audit.record(
        session,
        principal,
        action="venue.update",
        target_type="Venue",
        target_id=venue.id,
        before=before,
        after={"name": venue.name, "address": venue.address},
    )
    return venue


async def list_org_units(
    session: AsyncSession,
    *,
    parent_id: int | None,
    kinds: Sequence[OrgUnitKind] | None,
    after_id: int | None,
    limit: int,
) -> list[OrgUnit]:
    """Units of the current county in id order; `parent_id` None lists the whole tree."""
    query = select(OrgUnit).order_by(OrgUnit.id).limit(limit)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    if kinds:
        query = query.where(OrgUnit.kind.in_(kinds))
    if after_id is not None:
        query = query.where(OrgUnit.id > after_id)
    return list((await session.scalars(query)).all())


async def list_venues(
    session: AsyncSession, *, org_unit_id: int | None, after_id: int | None, limit: int
) -> list[Venue]:
    query = select(Venue).order_by(Venue.id).limit(limit)
    if org_unit_id is not None:
        query = query.where(Venue.org_unit_id == org_unit_id)
    if after_id is not None:
        query = query.where(Venue.id > after_id)
    return list((await session.scalars(query)).all())


ORG_STREAM = "org"


def _unit_changed(u: OrgUnit) -> OrgUnitChanged:
    return OrgUnitChanged(
        id=u.id, name=u.name, kind=u.kind.value, code=u.code, parentId=u.parent_id
    )


async def _org_event(
    session: AsyncSession, principal: Principal, type: Logged[P], payload: P
) -> None:
    """Changes to the org tree are watchable on the county's `org` stream (the payload
    typed by its type: `tenants.events`)."""
    if session.info.get(CHECK_EVENTS):
        ORG_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=principal.require_tenant(),
        stream=ORG_STREAM,
        drafts=[
            events.EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id,
            )
        ],
    )


def _org_stream_view(principal: Principal, ident: str | None) -> str:
    """The county's org stream is for its admins; the grants decide, no read needed."""
    if ident is not None:
        raise DomainError(
            streams.StreamErrorCode.UNKNOWN_STREAM, "org 流没有子标识", field="stream"
        )
    principal.require(Role.TENANT_ADMIN)
    return "admin"


streams.register_kind(ORG_STREAM, view_of=_org_stream_view, events=ORG_EVENTS)
