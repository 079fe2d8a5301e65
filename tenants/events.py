"""The event types of a county's `org` stream (its org-unit tree and venues, watched by
its admins): the names the producers (`tenants.service`) use, each with its payload's
shape and its label (`realtime.event_types`)."""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


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


class OrgEvent(EventNames):
    ORG_UNIT_CREATED = Logged("orgUnit.created", OrgUnitChanged, "新建组织单元")
    ORG_UNIT_UPDATED = Logged("orgUnit.updated", OrgUnitChanged, "修改组织单元")
    VENUE_CREATED = Logged("venue.created", VenueCreated, "新建说事场所")


ORG_EVENTS = EventTypes("org", OrgEvent)
