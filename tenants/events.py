"""The event types of a county's `org` stream (its org-unit tree and venues, watched by
its admins): the enum the producers (`tenants.service`) use, each payload's shape and its
label (`realtime.event_types`)."""

from __future__ import annotations

import enum

from typing_extensions import TypedDict

from realtime.event_types import EventSpec, EventTypes, shape


class OrgEvent(enum.StrEnum):
    ORG_UNIT_CREATED = "orgUnit.created"
    ORG_UNIT_UPDATED = "orgUnit.updated"
    VENUE_CREATED = "venue.created"


@shape
class OrgUnitChanged(TypedDict):
    id: int
    name: str
    kind: str
    code: str | None
    parentId: int | None


@shape
class VenueCreated(TypedDict):
    id: int
    name: str
    level: str
    orgUnitId: int


ORG_EVENTS = EventTypes(
    kind="org",
    names=OrgEvent,
    specs={
        OrgEvent.ORG_UNIT_CREATED: EventSpec(OrgUnitChanged, "新建组织单元"),
        OrgEvent.ORG_UNIT_UPDATED: EventSpec(OrgUnitChanged, "修改组织单元"),
        OrgEvent.VENUE_CREATED: EventSpec(VenueCreated, "新建说事场所"),
    },
)
