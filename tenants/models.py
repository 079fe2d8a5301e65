"""Tenant (county, 县/区), OrgUnit (the 县 → 乡镇/街道 → 村/社区 → 网格 tree) and Venue
(说事场所)."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class Tenant(Timestamped, Base):
    """A county government (县/区) using Yishi. The registry row itself is not county-owned."""

    __tablename__ = "tenants"

    id: Mapped[int] = id_column()
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    division_code: Mapped[str] = mapped_column(String(6), unique=True)
    timezone: Mapped[str] = mapped_column(String(40), server_default=text("'Asia/Shanghai'"))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class OrgUnitKind(enum.Enum):
    COUNTY = "COUNTY"  # 县/区
    TOWNSHIP = "TOWNSHIP"  # 乡镇
    SUBDISTRICT = "SUBDISTRICT"  # 街道
    VILLAGE = "VILLAGE"  # 村
    COMMUNITY = "COMMUNITY"  # 社区
    GRID = "GRID"  # 网格
    DEPARTMENT = "DEPARTMENT"  # 县政府部门/单位 (承办/责任单位)


#: Which kinds may sit under which: the tree's shape.
ALLOWED_PARENTS: dict[OrgUnitKind, tuple[OrgUnitKind, ...]] = {
    OrgUnitKind.COUNTY: (),
    OrgUnitKind.TOWNSHIP: (OrgUnitKind.COUNTY,),
    OrgUnitKind.SUBDISTRICT: (OrgUnitKind.COUNTY,),
    OrgUnitKind.DEPARTMENT: (OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT),
    OrgUnitKind.VILLAGE: (OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT),
    OrgUnitKind.COMMUNITY: (OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT),
    OrgUnitKind.GRID: (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY),
}


class OrgUnit(TenantOwned, Timestamped, Base):
    """A node of a county's org tree. `path` is the ids from the root, e.g. `/1/4/9/`."""

    __tablename__ = "org_units"

    id: Mapped[int] = id_column()
    parent_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("org_units.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[OrgUnitKind] = mapped_column(enum_column(OrgUnitKind))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(400), index=True)


class VenueLevel(enum.Enum):
    CENTER = "CENTER"  # 县级说事中心
    OFFICE = "OFFICE"  # 乡镇(街道)群众说事处
    STATION = "STATION"  # 村(社区)群众说事站
    POINT = "POINT"  # 网格群众说事点
    ONLINE = "ONLINE"  # 线上说事处


#: The org-unit kinds each venue level is attached to.
VENUE_UNIT_KINDS: dict[VenueLevel, tuple[OrgUnitKind, ...]] = {
    VenueLevel.CENTER: (OrgUnitKind.COUNTY,),
    VenueLevel.OFFICE: (OrgUnitKind.TOWNSHIP, OrgUnitKind.SUBDISTRICT),
    VenueLevel.STATION: (OrgUnitKind.VILLAGE, OrgUnitKind.COMMUNITY),
    VenueLevel.POINT: (OrgUnitKind.GRID,),
    VenueLevel.ONLINE: tuple(OrgUnitKind),
}


class Venue(TenantOwned, Timestamped, Base):
    """A 说事 venue (说事中心/说事处/说事站/说事点, or the online 说事处) attached to an org
    unit."""

    __tablename__ = "venues"
    __table_args__ = (UniqueConstraint("org_unit_id", "name"),)

    id: Mapped[int] = id_column()
    org_unit_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("org_units.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[VenueLevel] = mapped_column(enum_column(VenueLevel))
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
