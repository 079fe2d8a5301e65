"""Every event type of the agenda's and 政务公开's streams is declared, appended by the code,
fits its payload and has a decided view; each viewer reads each stream as decided: staff
with actors, the public without them (and only what is public at all), another county
nothing (backend/agenda/visibility.py, backend/disclosure/visibility.py)."""

from __future__ import annotations

from typing import Any

import pytest

from backend.agenda import visibility as agenda_views
from backend.agenda.events import (
    CATALOGUE_EVENTS,
    LIVELIHOOD_EVENTS,
    CatalogueEvent,
    LivelihoodEvent,
)
from backend.disclosure import visibility as disclosure_views
from backend.disclosure.events import (
    PUBLICATION_EVENTS,
    REQUEST_EVENTS,
    PublicationEvent,
    RequestEvent,
)
from backend.disclosure.requests import today
from backend.people.models import Role
from realtime import streams
from tests.factories.agenda import (
    ADD_SUB,
    ADJUST_ITEM,
    ADOPT,
    ANSWER,
    APPROVE,
    CLOSE_VOTING,
    DRAFT,
    EVALUATE,
    EXTEND,
    FILE_REQUEST,
    LINK_MEETING,
    OPEN_EVALUATION,
    OPEN_VOTING,
    REPORT,
    VOTE,
    WITHDRAW,
    approved_catalogue,
    later,
    round_with_shortlist,
)
from tests.factories.cases import act
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.test_disclosure_requests import due, request_input

EVENTS = "query($s: String!) { streamEvents(stream: $s) { seq type actorId payload } }"


async def _everything(server: Any, gql: Any) -> dict[str, Any]:
    """County A with one catalogue, one round, one publication and two requests whose
    streams hold every type the code appends."""
    county = await make_county(server)
    admin = county.admin.token
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    catalogue = await approved_catalogue(gql, county, publish=True)
    item = catalogue["items"][0]["id"]
    await act(gql, ADJUST_ITEM, {"i": item, "r": "推迟", "q": 4}, admin)
    await act(gql, LINK_MEETING, {"i": item, "m": await make_meeting(gql, county)}, admin)
    r, (p1, _p2) = await round_with_shortlist(gql, county, citizen.token)
    await act(gql, OPEN_VOTING, {"r": r, "c": later()}, admin)
    await act(gql, VOTE, {"p": p1}, citizen.token)
    await act(gql, CLOSE_VOTING, {"r": r}, admin)
    await act(gql, ADOPT, {"r": r, "p": [p1]}, admin)
    child = (await act(gql, ADD_SUB, {"p": p1, "t": "一期", "w": "1"}, admin))["projectId"]
    await act(gql, REPORT, {"p": child, "m": "2027-03", "c": "10", "s": ["开工"]}, admin)
    await act(gql, OPEN_EVALUATION, {"r": r}, admin)
    await act(gql, EVALUATE, {"p": p1, "s": "SATISFIED"}, citizen.token)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    publication = (await act(gql, DRAFT, {"t": "公告", "b": "内容", "c": "NEWS"}, staff.token))[
        "publication"
    ]
    await act(gql, APPROVE, {"p": publication["id"]}, admin)
    await act(gql, WITHDRAW, {"p": publication["id"], "r": "有误"}, admin)
    request = (await act(gql, FILE_REQUEST, {"i": request_input()}, citizen.token))["request"]
    await act(gql, EXTEND, {"r": request["id"], "d": 20, "why": "需调档"}, admin)
    first = await due(gql, county, today(), 20)
    if (
        await due(gql, county, first.due, 20)
    ).provisional:  # a closure recounts the provisional extension
        closed = await gql.data(
            "mutation($i: AddLocalClosureInput!) { addLocalClosure(input: $i) "
            "{ errors { code } } }",
            {
                "i": {
                    "date": (await due(gql, county, first.due, 1)).due.isoformat(),
                    "reason": "防汛",
                }
            },
            token=admin,
        )
        assert closed["addLocalClosure"]["errors"] == []
    await act(gql, ANSWER, {"r": request["id"], "t": "DISCLOSED", "x": "见附件"}, staff.token)
    return {
        "county": county,
        "citizen": citizen,
        "staff": staff,
        "other": await make_county(server),
        "streams": {
            "catalogue": catalogue["stream"],
            "livelihood": None,  # read from the round (the fixture)
            "publication": publication["stream"],
            "inforequest": request["stream"],
        },
        "round": r,
    }


@pytest.fixture
async def world(server, gql) -> dict[str, Any]:
    w = await _everything(server, gql)
    rounds = await gql.data(
        "query { livelihoodRound(year: 2027) { stream } }", token=w["county"].admin.token
    )
    w["streams"]["livelihood"] = rounds["livelihoodRound"]["stream"]
    return w


def test_every_kind_is_registered_with_its_declared_types_and_every_type_has_a_view():
    kinds = streams.kinds()
    assert kinds["catalogue"].events is CATALOGUE_EVENTS
    assert kinds["livelihood"].events is LIVELIHOOD_EVENTS
    assert kinds["publication"].events is PUBLICATION_EVENTS
    assert kinds["inforequest"].events is REQUEST_EVENTS
    assert set(agenda_views.CATALOGUE_PUBLIC) == set(CatalogueEvent)
    assert set(agenda_views.LIVELIHOOD_PUBLIC) == set(LivelihoodEvent)
    assert set(disclosure_views.PUBLICATION_PUBLIC) == set(PublicationEvent)
    assert set(disclosure_views.REQUESTER_SEES) == set(RequestEvent)


async def test_the_streams_hold_every_type_the_code_appends_and_each_fits(world, gql, owner_db):
    declared = {
        "catalogue": CATALOGUE_EVENTS,
        "livelihood": LIVELIHOOD_EVENTS,
        "publication": PUBLICATION_EVENTS,
        "inforequest": REQUEST_EVENTS,
    }
    for kind, name in world["streams"].items():
        seen = (await gql.data(EVENTS, {"s": name}, token=world["county"].admin.token))[
            "streamEvents"
        ]
        expected = {t.value for t in declared[kind].appended}
        if kind == "inforequest" and not any(e["type"].endswith("deadlineChanged") for e in seen):
            expected.discard(RequestEvent.DEADLINE_CHANGED.value)  # next year's table is known
        assert {e["type"] for e in seen} == expected, kind
        for event in seen:
            declared[kind].check_payload(event["type"], event["payload"])


async def test_the_public_sees_the_same_payloads_without_actors_and_no_request(world, gql):
    county = world["county"]
    for kind in ("catalogue", "livelihood", "publication"):
        name = world["streams"][kind]
        staff = (await gql.data(EVENTS, {"s": name}, token=county.admin.token))["streamEvents"]
        public = (await gql.data(EVENTS, {"s": name}, tenant=county.slug))["streamEvents"]
        assert [e["payload"] for e in public] == [e["payload"] for e in staff], kind
        assert any(e["actorId"] is not None for e in staff), kind
        assert {e["actorId"] for e in public} == {None}, kind
    body = await gql.execute(EVENTS, {"s": world["streams"]["inforequest"]}, tenant=county.slug)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # the requester sees their own request's events as staff do (no personal data is logged)
    name = world["streams"]["inforequest"]
    own = (await gql.data(EVENTS, {"s": name}, token=world["citizen"].token))["streamEvents"]
    staff = (await gql.data(EVENTS, {"s": name}, token=county.admin.token))["streamEvents"]
    assert own == staff and own[0]["type"] == "inforequest.received"


async def test_another_county_finds_none_of_the_streams(world, gql):
    other = world["other"]
    for kind, name in world["streams"].items():
        body = await gql.execute(EVENTS, {"s": name}, token=other.admin.token)
        if "errors" in body:
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", kind
        else:  # a stream kind open to the public of a county: nothing of A's log
            assert body["data"]["streamEvents"] == [], kind


async def test_a_draft_catalogue_and_an_unpublished_publication_are_not_found_to_the_public(
    server, gql
):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    made = await act(
        gql,
        "mutation($y: Int!, $t: String!) { createConsultationCatalogue(year: $y, title: $t) "
        "{ catalogue { stream } errors { code } } }",
        {"y": 2027, "t": "目录"},
        staff.token,
    )
    draft = (await act(gql, DRAFT, {"t": "草稿", "b": "内容", "c": "NEWS"}, staff.token))[
        "publication"
    ]
    for name in (made["catalogue"]["stream"], draft["stream"]):
        body = await gql.execute(EVENTS, {"s": name}, tenant=county.slug)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", name
        seen = (await gql.data(EVENTS, {"s": name}, token=staff.token))["streamEvents"]
        assert len(seen) == 1
