"""A county set up for the cases tests: a township with a village and its 说事站, a county
department, and people in every role the cases workflows know."""

from __future__ import annotations

from dataclasses import dataclass

from backend.people.models import Role
from tenants.models import OrgUnitKind, VenueLevel
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, gid, make_county, make_unit, make_venue


@dataclass
class World:
    county: County
    township: int
    village: int
    department: int
    venue: int
    citizen: Account
    other_citizen: Account
    collector: Account  # at the village
    township_staff: Account
    department_staff: Account
    mediator: Account  # of the township

    @property
    def admin(self) -> Account:
        return self.county.admin

    def unit(self, unit_id: int) -> str:
        return gid("OrgUnit", unit_id)


async def make_world(server) -> World:  # type: ignore[no-untyped-def]
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="葛城街道")
    village = await make_unit(
        server, county, parent_id=township, kind=OrgUnitKind.COMMUNITY, name="北街社区"
    )
    department = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住建委")
    venue = await make_venue(server, county, unit_id=village, level=VenueLevel.STATION)

    async def person(name: str, *roles: tuple[Role, int | None]) -> Account:
        return await make_user(server, county, roles=list(roles), name=name)

    return World(
        county=county,
        township=township,
        village=village,
        department=department,
        venue=venue,
        citizen=await person("王大姐", (Role.CITIZEN, None)),
        other_citizen=await person("李大爷", (Role.CITIZEN, None)),
        collector=await person("张网格员", (Role.COLLECTOR, village)),
        township_staff=await person("街道办小刘", (Role.DEPARTMENT_STAFF, township)),
        department_staff=await person("住建委小陈", (Role.DEPARTMENT_STAFF, department)),
        mediator=await person("解事员老周", (Role.MEDIATOR, township)),
    )
