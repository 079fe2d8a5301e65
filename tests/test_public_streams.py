"""What each viewer sees of a meeting's stream is the same on every read path, and the
public never gets hidden text, hiding reasons or personal data (DESIGN §2, docs/meetings.md
"Who sees what").

One meeting holds every event type the meetings code can append. Four viewers — the
public (X-Tenant only, no login), a participant, the host (county admin) and a member of
another county — read it by every path: the `streamEvents` query, the `events` and
`meetingLive` subscriptions over graphql-transport-ws (live, and replayed with `after`),
`verifyStream`, and the record export (JSON and .docx). Then the stream arguments that are
not streams, and pages that are full or say where to go on.
"""

from __future__ import annotations

import ast
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import docx
import httpx
import pytest

from backend.core.db import async_url
from backend.meetings import visibility
from backend.meetings.events import MEETING_EVENTS, MeetingEvent
from backend.meetings.record.docx import EVENT_TYPE_LABELS
from backend.people.models import Role
from realtime import log as event_log
from realtime import streams
from realtime.log import LoggedEvent
from tenants.events import ORG_EVENTS
from tests.conftest import asyncpg_dsn
from tests.factories.meetings import make_meeting
from tests.factories.opinion_map import CLOSE_MAP, OPEN_MAP
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, make_county
from tests.factories.video import OPEN_ROOM, START_RECORDING, STOP_RECORDING
from tests.meetings_api import (
    ADD_AGENDA,
    ADD_MATERIAL,
    ANNOUNCE,
    ANSWER,
    APPROVE,
    CAST_BALLOT,
    CHECK_IN,
    CLOSE,
    CLOSE_POLL,
    CLOSE_SCORING,
    CREATE_POLL,
    HIDE,
    INVITE,
    LIVE,
    OPEN_POLL,
    OPEN_SCORING,
    POST_COMMENT,
    PUBLISH,
    RAISE_HAND,
    RECORD,
    REGISTER,
    SET_MINUTES,
    START,
    TIMER,
    UPDATE_REQUEST,
    VOTE,
    db_id,
    key,
    ok,
    stream_of,
    wait_for_db,
)
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS

EARLY_HIDDEN_TEXT = "早先被屏蔽的留言：某某收了红包"
LIVE_HIDDEN_TEXT = "直播中被屏蔽的留言：某某住在幸福小区3栋"
HIDE_REASON = "涉及他人隐私，会后由信访办联系"
QUESTION = "停车收费标准何时公布？"
MINUTES = "会议纪要：同意按方案推进。"

STREAM_EVENTS = """
query($s: String!, $after: Int, $first: Int) {
  streamEvents(stream: $s, after: $after, first: $first) { stream seq type at actorId payload hash }
}"""
STREAM_PAGE = """
query($s: String!, $after: Int, $first: Int) {
  streamEventPage(stream: $s, after: $after, first: $first) {
    events { seq type actorId payload hash } nextAfter hasMore headSeq
  }
}"""
VERIFY = """
query($s: String!) { verifyStream(stream: $s) { stream events valid headHash firstBrokenSeq reason } }"""

MEETING_NODE = """
query($id: ID!) { node(id: $id) { ... on Meeting {
  attendance
  speakingQueue { id userId state topic }
  participants(first: 100) { edges { node { userId role invited checkedInAt checkInMode } } }
  comments(first: 100) { edges { node { id body authorId hidden hiddenReason } } }
} } }"""

VIEWERS = ("public", "participant", "host", "other")
PATHS = (
    "query",
    "events_live",
    "events_replay",
    "meeting_live",
    "meeting_live_replay",
    "record_json",
    "record_docx",
    "meeting_node",
)
ID_KEYS = {
    "actorId",
    "actor_user_id",
    "userId",
    "user_id",
    "authorId",
    "author_user_id",
    "by",
    "hidden_by",
    "createdBy",
    "created_by",
    "speaker_user_id",
}


# -- the meeting, and what every viewer got by every path ---------------------------------


@dataclass
class World:
    county: County
    other: County
    meeting: str
    people: dict[str, Account]  # participant, registrant, commenter, outsider
    names: dict[str, str]
    seen: dict[tuple[str, str], Any] = field(default_factory=dict)
    refusals: dict[tuple[str, str], Any] = field(default_factory=dict)
    verify: dict[str, Any] = field(default_factory=dict)
    logged_types: list[str] = field(default_factory=list)
    events: list[LoggedEvent] = field(default_factory=list)  # as read (names filled in)
    head: int = 0

    @property
    def stream(self) -> str:
        return stream_of(self.meeting)


async def _socket(server: Any, world: World, viewer: str) -> GraphQLWS:
    client = GraphQLWS(server.ws_url)
    await client.connect()
    if viewer == "public":
        await client.init(tenant=world.county.slug)
    else:
        await client.init(_token(world, viewer))
    return client


def _token(world: World, viewer: str) -> str | None:
    return {
        "public": None,
        "participant": world.people["participant"].token,
        "host": world.county.admin.token,
        "other": world.other.admin.token,
    }[viewer]


async def _http(gql: Any, world: World, viewer: str, query: str, variables: dict) -> dict:
    if viewer == "public":
        return await gql.execute(query, variables, tenant=world.county.slug)
    return await gql.execute(query, variables, token=_token(world, viewer))


def _field(message: dict) -> dict:
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    (value,) = message["payload"]["data"].values()
    return value


async def _until_sealed(client: GraphQLWS, op: str) -> list[dict]:
    seen = []
    while True:
        event = _field(await client.message(op))
        seen.append(event)
        if event["type"] == "record.sealed":
            return seen


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


async def _docx(server: Any, world: World, viewer: str) -> httpx.Response:
    headers = {"X-Tenant": world.county.slug}
    if viewer != "public":
        headers = {"Authorization": f"Bearer {_token(world, viewer)}"}
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        return await http.get(f"/meetings/{world.meeting}/record.docx", headers=headers)


async def _all_pages(gql: Any, world: World, viewer: str) -> list[dict]:
    events: list[dict] = []
    after = 0
    while True:
        body = await _http(gql, world, viewer, STREAM_EVENTS, {"s": world.stream, "after": after})
        page = body["data"]["streamEvents"]
        events += page
        if len(page) < 100:
            return events
        after = page[-1]["seq"]


@pytest.fixture(scope="module")
async def world(server, gql, owner_db) -> World:
    county = await make_county(server)
    other = await make_county(server, name="邻县")
    names = {
        "participant": "参会代表张三丰",
        "registrant": "报名群众李四海",
        "commenter": "留言群众王五湖",
        "host": "管理员",
        "outsider": "外县人员赵六合",
    }
    people = {
        role: await make_user(server, county, roles=[(Role.CITIZEN, None)], name=names[role])
        for role in ("participant", "registrant", "commenter")
    }
    people["outsider"] = await make_user(
        server, other, roles=[(Role.TENANT_ADMIN, None)], name=names["outsider"]
    )
    host = county.admin.token
    meeting = await make_meeting(gql, county, live=False)
    w = World(county=county, other=other, meeting=meeting, people=people, names=names)
    participant = people["participant"]

    # Before anyone watches: material, agenda, announcement, people, a comment hidden early.
    await ok(gql, ADD_MATERIAL, {"m": meeting, "t": "停车收费调整方案"}, host)
    long_item = (
        await ok(gql, ADD_AGENDA, {"m": meeting, "t": "述职", "s": "张局长", "d": 61}, host)
    )["agendaItem"]["id"]
    short_item = (await ok(gql, ADD_AGENDA, {"m": meeting, "t": "答问", "d": 5}, host))[
        "agendaItem"
    ]["id"]
    await ok(gql, ANNOUNCE, {"m": meeting}, host)
    # 实名制: the host asks for a level and lifts it again (meeting.verificationChanged)
    for level in ("PHONE_VERIFIED", "UNVERIFIED"):
        await ok(
            gql,
            "mutation($m: ID!, $r: Verification!) { setMeetingVerification(meetingId: $m, "
            "requiredVerification: $r) { meeting { id } errors { field code message } } }",
            {"m": meeting, "r": level},
            host,
        )
    await ok(gql, INVITE, {"m": meeting, "u": [participant.gid], "r": "REPRESENTATIVE"}, host)
    await ok(gql, REGISTER, {"m": meeting}, people["registrant"].token)
    await ok(gql, START, {"m": meeting}, host)
    await ok(gql, CHECK_IN, {"m": meeting, "u": participant.gid}, host)
    early = await ok(
        gql, POST_COMMENT, {"m": meeting, "b": EARLY_HIDDEN_TEXT}, people["commenter"].token
    )
    await ok(gql, HIDE, {"c": early["comment"]["id"], "r": HIDE_REASON}, host)

    # Watchers join live (from now on), then the meeting goes on.
    sockets = {v: await _socket(server, w, v) for v in VIEWERS}
    live_ops = {}
    for viewer in ("public", "participant", "host"):
        client = sockets[viewer]
        live_ops[viewer] = (
            await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": w.stream}),
            await client.subscribe(LIVE, {"m": meeting}),
        )
    foreign = sockets["other"]
    w.refusals[("other", "events_live")] = await foreign.error(
        await foreign.subscribe(EVENTS_SUBSCRIPTION, {"stream": w.stream})
    )
    w.refusals[("other", "meeting_live")] = await foreign.error(
        await foreign.subscribe(LIVE, {"m": meeting})
    )
    try:
        asked = await ok(
            gql, POST_COMMENT, {"m": meeting, "b": QUESTION, "k": "QUESTION"}, participant.token
        )
        await ok(gql, ANSWER, {"c": asked["comment"]["id"]}, host)
        again = await ok(
            gql,
            POST_COMMENT,
            {"m": meeting, "b": "请住建局书面答复", "k": "QUESTION"},
            participant.token,
        )
        await ok(gql, ANSWER, {"c": again["comment"]["id"], "u": county.root_gid}, host)
        await ok(gql, APPROVE, {"c": again["comment"]["id"]}, host)
        late = await ok(
            gql, POST_COMMENT, {"m": meeting, "b": LIVE_HIDDEN_TEXT}, people["commenter"].token
        )
        await ok(gql, HIDE, {"c": late["comment"]["id"], "r": HIDE_REASON}, host)
        hand = await ok(gql, RAISE_HAND, {"m": meeting, "t": "停车位"}, participant.token)
        await ok(gql, UPDATE_REQUEST, {"r": hand["requestId"], "s": "SPEAKING"}, host)
        for viewer in VIEWERS:  # the meeting as a client loads it, with a hand up
            body = await _http(gql, w, viewer, MEETING_NODE, {"id": meeting})
            w.seen[(viewer, "meeting_node")] = body["data"]["node"]
        await ok(gql, UPDATE_REQUEST, {"r": hand["requestId"], "s": "DONE"}, host)
        poll = (
            await ok(
                gql, CREATE_POLL, {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"]}, host
            )
        )["poll"]["id"]
        await ok(gql, OPEN_POLL, {"p": poll}, host)
        voted = await gql.data(VOTE, {"p": poll, "c": [0], "k": key()}, token=participant.token)
        assert voted["castVote"]["accepted"] is True, voted
        await ok(gql, CLOSE_POLL, {"p": poll}, host)
        sheet = (
            await ok(
                gql,
                OPEN_SCORING,
                {"m": meeting, "t": "满意度测评", "g": ["县住建局"], "e": "REGISTERED", "k": 3},
                host,
            )
        )["sheet"]["id"]
        # A mixing batch of k = 3 ballots (backend/meetings/scoring): one scoring.counted
        await ok(gql, REGISTER, {"m": meeting}, people["commenter"].token)  # a third voter
        voters = (participant, people["registrant"], people["commenter"])
        for token in (v.token for v in voters):
            cast = await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=token)
            assert cast["castScoringBallot"]["accepted"] is True, cast
        await ok(gql, CLOSE_SCORING, {"s": sheet}, host)
        await ok(gql, SET_MINUTES, {"m": meeting, "t": MINUTES}, host)
        # a 云视频 room recorded (nobody publishing: an empty file, its hash in the record)
        room = (await ok(gql, OPEN_ROOM, {"m": meeting, "n": 4}, host))["room"]["id"]
        await ok(gql, START_RECORDING, {"r": room}, host)
        await ok(gql, STOP_RECORDING, {"r": room}, host)
        # an opinion map turned on and off: its result goes into the meeting's record
        opinion_map = await ok(gql, OPEN_MAP, {"m": meeting, "t": "老旧小区改造"}, host)
        await ok(gql, CLOSE_MAP, {"o": opinion_map["opinionMap"]["id"]}, host)
        await ok(gql, TIMER, {"a": long_item, "x": "START"}, host)
        server.clock.advance(1)  # a 61 s speech: 1 minute left
        await wait_for_db(lambda: _logged(owner_db, w, "timer.oneMinuteLeft"), "1 minute left")
        for action in ("PAUSE", "RESUME", "STOP"):
            await ok(gql, TIMER, {"a": long_item, "x": action}, host)
        await ok(gql, TIMER, {"a": short_item, "x": "START"}, host)
        server.clock.advance(5)
        await wait_for_db(lambda: _logged(owner_db, w, "timer.timeUp"), "time is up")
        await ok(gql, CLOSE, {"m": meeting}, host)

        for viewer, (events_op, live_op) in live_ops.items():
            w.seen[(viewer, "events_live")] = await _until_sealed(sockets[viewer], events_op)
            w.seen[(viewer, "meeting_live")] = await _until_sealed(sockets[viewer], live_op)
        # Replays made after everything (the hidden comments are hidden by now).
        for viewer in ("public", "participant", "host"):
            client = sockets[viewer]
            op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": w.stream, "after": 0})
            w.seen[(viewer, "events_replay")] = await _until_sealed(client, op)
            op = await client.subscribe(LIVE, {"m": meeting, "after": 0})
            w.seen[(viewer, "meeting_live_replay")] = await _until_sealed(client, op)
    finally:
        for client in sockets.values():
            await client.close()

    for viewer in VIEWERS:
        if viewer == "other":
            body = await _http(gql, w, viewer, STREAM_EVENTS, {"s": w.stream})
            w.refusals[("other", "query")] = body["errors"]
        else:
            w.seen[(viewer, "query")] = await _all_pages(gql, w, viewer)
        w.verify[viewer] = await _http(gql, w, viewer, VERIFY, {"s": w.stream})
        w.refusals[(viewer, "record_before_publication")] = (
            await _http(gql, w, viewer, RECORD, {"m": meeting})
        ).get("errors")
        w.refusals[(viewer, "docx_before_publication")] = (
            await _docx(server, w, viewer)
        ).status_code

    await ok(gql, PUBLISH, {"m": meeting}, host)
    for viewer in VIEWERS:
        body = await _http(gql, w, viewer, RECORD, {"m": meeting})
        response = await _docx(server, w, viewer)
        if viewer == "other":
            w.refusals[("other", "record_json")] = body["errors"]
            w.refusals[("other", "record_docx")] = response.status_code
            continue
        assert "errors" not in body, body
        assert response.status_code == 200, response.text
        w.seen[(viewer, "record_json")] = body["data"]["meetingRecord"]
        w.seen[(viewer, "record_docx")] = _docx_text(response.content)

    rows = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county.id,
        w.stream,
    )
    w.logged_types = [r["type"] for r in rows]
    w.head = len(rows)
    async with server.services.db.transaction(tenant_id=county.id, read_only=True) as session:
        w.events = await event_log.read_after(session, stream=w.stream, after=0, limit=10_000)
    return w


async def _logged(owner_db: Any, w: World, type_: str) -> bool:
    return bool(
        await owner_db.fetchval(
            "SELECT count(*) FROM events WHERE tenant_id = $1 AND stream = $2 AND type = $3",
            w.county.id,
            w.stream,
            type_,
        )
    )


# -- helpers for the assertions ------------------------------------------------------------


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _ids_shown(value: Any) -> list[tuple[str, Any]]:
    """Every (key, value) of an id-of-a-person key with a value, anywhere in `value`."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ID_KEYS and v is not None:
                found.append((k, v))
            found += _ids_shown(v)
    elif isinstance(value, list):
        for v in value:
            found += _ids_shown(v)
    return found


def _secrets(world: World, viewer: str) -> list[str]:
    """What `viewer` must never get on a path made after the comments were hidden."""
    forbidden_people = ["registrant", "commenter", "host", "outsider"]
    if viewer == "public":
        forbidden_people.append("participant")
    people = [world.people[p] for p in ("participant", "registrant", "commenter", "outsider")]
    return [
        EARLY_HIDDEN_TEXT,
        LIVE_HIDDEN_TEXT,
        HIDE_REASON,
        *(world.names[p] for p in forbidden_people),
        *(p.phone for p in people),
        *(p.gid for p in people),
        world.county.admin.gid,
    ]


def _event_types_given_as_text() -> list[str]:
    """Calls in backend/meetings that append or publish an event (`append_event`, `draft`,
    `publish_live`, `EventDraft`) with a type that is not a `MeetingEvent` member: a string
    literal, an f-string, a variable of unknown origin. mypy refuses them too (the
    parameters are typed `Logged[P]`); this finds them without mypy."""
    found: list[str] = []
    for path in Path(visibility.__file__).parent.rglob("*.py"):
        if path.name == "stream.py":  # the helpers themselves, their parameter typed
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            index = {"append_event": 3, "draft": 1, "EventDraft": 0}.get(name or "")
            args = list(node.args)
            arg = args[index] if index is not None and len(args) > index else None
            if name == "publish_live":
                arg = next((k.value for k in node.keywords if k.arg == "type"), None)
            if arg is None:
                continue
            if isinstance(arg, ast.Attribute) and arg.attr == "value":
                arg = arg.value  # MeetingEvent.X.value
            typed = isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") in (
                "MeetingEvent",
                "E",
            )
            subscripted = isinstance(arg, ast.Subscript) and getattr(arg.value, "id", "") in (
                "TIMER_ACTIONS",
            )
            if not (typed or subscripted):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(arg)}")
    return found


# -- coverage: every event type, declared, decided and present -------------------------------


async def test_the_meetings_code_names_every_event_type_by_its_enum_member():
    assert _event_types_given_as_text() == []


async def test_every_meeting_event_type_has_a_view_a_live_form_and_a_record_label():
    """Each type of the registry: what a participant and the public see of it (or None:
    hosts only), hosts get it (unless in the record only), the record's label for every
    logged type, and a `meetingLive` member unless listed as not shown live."""
    from schema.meetings.types import NOT_IN_MEETING_LIVE

    assert set(visibility.OUTSIDE_HOST) == set(MeetingEvent)
    assert visibility.RECORD_ONLY <= MEETING_EVENTS.logged
    assert set(EVENT_TYPE_LABELS) == {t.value for t in MEETING_EVENTS.logged}
    assert all(EVENT_TYPE_LABELS.values())
    assert NOT_IN_MEETING_LIVE <= set(MeetingEvent)
    kind = streams.kinds()["meeting"]
    assert kind.events is MEETING_EVENTS
    assert streams.kinds()["org"].events is ORG_EVENTS


async def test_the_meeting_holds_every_event_type_the_code_can_append(world):
    assert set(world.logged_types) == {t.value for t in MEETING_EVENTS.appended}


async def test_every_event_of_the_meeting_fits_its_declared_payload(world):
    """The meeting's stream replayed through the declarations (as read, names filled in)."""
    assert len(world.events) == world.head
    for event in world.events:
        MEETING_EVENTS.check_payload(event.type, event.payload)


async def test_every_event_type_of_the_meeting_is_shown_to_each_view_as_declared(world):
    """Each logged event, projected for each view: hosts get every type but the record-only
    ones; outside the host view exactly the types `OUTSIDE_HOST` decides; every type shown
    to anyone has a `meetingLive` member unless declared not live."""
    from schema.meetings.types import NOT_IN_MEETING_LIVE, live_data

    state = visibility.MeetingStreamState()
    for event in world.events:
        visibility.observe(state, event)
    for event in world.events:
        type_ = MEETING_EVENTS.key(event.type)
        for view in visibility.VIEWS:
            shown = visibility.project(event, view, state)
            if type_ in visibility.RECORD_ONLY:
                assert shown is None, (view, type_)
            elif view == visibility.HOST_VIEW:
                assert shown is event, (view, type_)
            else:
                assert (shown is not None) == (visibility.OUTSIDE_HOST[type_] is not None), (
                    view,
                    type_,
                )
        if type_ not in visibility.RECORD_ONLY:
            member = live_data(event, host=True)
            assert (member is None) == (type_ in NOT_IN_MEETING_LIVE), type_


# -- the public and the participant, path by path -------------------------------------------

REPLAYED_AFTER_HIDING = [p for p in PATHS if p not in ("events_live", "meeting_live")]


@pytest.mark.parametrize("path", REPLAYED_AFTER_HIDING)
@pytest.mark.parametrize("viewer", ["public", "participant"])
async def test_no_hidden_text_reason_or_personal_data_reaches_the_public_or_participants(
    world, viewer, path
):
    seen = world.seen[(viewer, path)]
    text = _text(seen)
    assert [s for s in _secrets(world, viewer) if s in text] == []
    assert _ids_shown(seen) == []


@pytest.mark.parametrize("path", ["events_live", "meeting_live"])
@pytest.mark.parametrize("viewer", ["public", "participant"])
async def test_live_watchers_saw_a_comment_until_it_was_hidden_and_never_why(world, viewer, path):
    """Moderation after the fact: the text went out live when posted (as in the room), the
    hiding then came without its reason; nothing else personal, ever."""
    seen = world.seen[(viewer, path)]
    shown = [e for e in seen if LIVE_HIDDEN_TEXT in _text(e)]
    assert [e["type"] for e in shown] == ["comment.posted"]
    rest = [e for e in seen if e is not shown[0]]
    assert [s for s in _secrets(world, viewer) if s in _text(rest)] == []
    assert _ids_shown(seen) == []


@pytest.mark.parametrize("path", ["query", "events_replay", "meeting_live_replay", "record_json"])
async def test_a_participant_sees_who_spoke_in_the_room_and_the_public_does_not(world, path):
    speaker = world.names["participant"]
    assert speaker in _text(world.seen[("participant", path)])
    assert speaker not in _text(world.seen[("public", path)])


async def test_participant_changes_reach_the_public_as_roles_only(world):
    changes = [
        (e["type"], e["payload"])
        for e in world.seen[("public", "query")]
        if e["type"].startswith("participant.")
    ]
    assert changes == [
        ("participant.invited", {"participants": [{"role": "REPRESENTATIVE"}]}),
        ("participant.registered", {"participants": [{}]}),
        (
            "participant.checkedIn",
            {"participants": [{"role": "REPRESENTATIVE", "mode": "IN_PERSON"}]},
        ),
        ("participant.registered", {"participants": [{}]}),  # the third voter
    ]


@pytest.mark.parametrize("viewer", ["public", "participant"])
async def test_a_hidden_comment_is_replayed_as_hidden_without_text(world, viewer):
    posted = [
        e["payload"]
        for e in world.seen[(viewer, "query")]
        if e["type"] == "comment.posted" and e["payload"]["hidden"]
    ]
    assert [(p["body"], p.get("authorName")) for p in posted] == [(None, None), (None, None)]
    hidden = [e["payload"] for e in world.seen[(viewer, "query")] if e["type"] == "comment.hidden"]
    assert [set(p) for p in hidden] == [{"id"}, {"id"}]


@pytest.mark.parametrize("viewer", ["public", "participant", "host"])
async def test_every_path_shows_a_viewer_the_same_events(world, viewer):
    """Query, subscription replay and export agree on seq, type and payload."""
    query = [(e["seq"], e["type"], e["payload"]) for e in world.seen[(viewer, "query")]]
    replay = [
        (e["seq"], e["type"], e["payload"])
        for e in world.seen[(viewer, "events_replay")]
        if e["type"] != "poll.tally"
    ]
    exported = [
        (e["seq"], e["type"], e["payload"]) for e in world.seen[(viewer, "record_json")]["events"]
    ]
    assert replay == query
    assert [e for e in exported if e[1] not in visibility.RECORD_ONLY] == query
    assert [e["hash"] for e in world.seen[(viewer, "query")]] == [
        e["hash"] for e in world.seen[(viewer, "events_replay")] if e["type"] != "poll.tally"
    ]


@pytest.mark.parametrize("viewer", ["public", "participant"])
async def test_a_reduced_event_has_no_hash_and_an_unchanged_one_its_recorded_hash(world, viewer):
    """A recorded hash of a reduced event would let anyone test guesses (ids, names)."""
    recorded = {e["seq"]: e for e in world.seen[("host", "query")]}
    kept, blanked = [], []
    for e in world.seen[(viewer, "query")]:
        original = recorded[e["seq"]]
        if e["payload"] == original["payload"] and original["actorId"] is None:
            kept.append((e["type"], e["hash"] == original["hash"]))
        else:
            blanked.append((e["type"], e["hash"]))
    assert kept and all(same for _, same in kept), kept
    assert blanked and {h for _, h in blanked} == {""}, blanked


async def test_the_public_record_leaves_out_votes_ballots_and_names(world):
    record = world.seen[("public", "record_json")]
    assert {e["type"] for e in record["events"]} & {"vote.cast", "score.cast"} == set()
    assert [c["author_name"] for c in record["comments"]] == [None] * 4
    assert [c["body"] for c in record["comments"] if c["hidden"]] == [None, None]
    assert [r["name"] for r in record["speaking_requests"]] == [None]
    assert record["minutes"]["text"] == MINUTES
    assert record["chain"]["valid"] is True
    assert record["chain"]["head_hash"] == record["chain"]["sealed_hash"]


# -- the host sees the record as recorded (the control: the secrets are there to find) ------


@pytest.mark.parametrize("path", ["query", "events_replay", "record_json"])
async def test_the_host_sees_hidden_text_reasons_and_actors(world, path):
    seen = world.seen[("host", path)]
    text = _text(seen)
    assert [s for s in (EARLY_HIDDEN_TEXT, LIVE_HIDDEN_TEXT, HIDE_REASON) if s in text] == [
        EARLY_HIDDEN_TEXT,
        LIVE_HIDDEN_TEXT,
        HIDE_REASON,
    ]
    assert world.names["participant"] in text and world.names["registrant"] in text
    assert _ids_shown(seen) != []


async def test_the_meeting_node_gives_user_ids_to_hosts_only(world):
    host = world.seen[("host", "meeting_node")]
    assert [q["userId"] for q in host["speakingQueue"]] == [world.people["participant"].gid]
    # the hand up, participants (the commenter registers later), comments' authors
    assert len(_ids_shown(host)) == 1 + 2 + 4
    assert world.seen[("other", "meeting_node")] is None
    for viewer in ("public", "participant"):
        seen = world.seen[(viewer, "meeting_node")]
        assert [q["userId"] for q in seen["speakingQueue"]] == [None]
        assert seen["attendance"] == host["attendance"] == 1


async def test_the_host_record_keeps_votes_and_ballots_but_no_stream_path_shows_them(world):
    exported = {e["type"] for e in world.seen[("host", "record_json")]["events"]}
    assert "vote.cast" in exported and "scoring.counted" in exported
    for path in ("query", "events_replay", "events_live"):
        assert {e["type"] for e in world.seen[("host", path)]} & {
            "vote.cast",
            "score.cast",
        } == set()


# -- verification, the record before publication, another county ----------------------------


async def test_verification_tells_the_public_the_head_and_the_count_only(world):
    host = world.verify["host"]["data"]["verifyStream"]
    for viewer in ("public", "participant"):
        assert world.verify[viewer]["data"]["verifyStream"] == {
            **host,
            "firstBrokenSeq": None,
            "reason": None,
        }
    assert host["events"] == world.head and host["valid"] is True


async def test_where_a_broken_chain_breaks_is_for_hosts(server, gql, database_url):
    """Given a meeting whose second event was rewritten behind the service's back."""
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    conn = await asyncpg.connect(asyncpg_dsn(async_url(database_url)))
    try:
        await conn.execute("SET session_replication_role = replica")  # triggers off
        status = await conn.execute(
            'UPDATE events SET payload = \'{"state": "CLOSED"}\' '
            "WHERE tenant_id = $1 AND stream = $2 AND seq = 2",
            county.id,
            stream_of(meeting),
        )
        assert status == "UPDATE 1"
    finally:
        await conn.close()
    host = (await gql.data(VERIFY, {"s": stream_of(meeting)}, token=county.admin.token))[
        "verifyStream"
    ]
    public = (await gql.data(VERIFY, {"s": stream_of(meeting)}, tenant=county.slug))["verifyStream"]
    assert (host["valid"], host["firstBrokenSeq"], host["reason"]) == (
        False,
        2,
        "事件内容与哈希不符（记录被改动）",
    )
    assert public == {**host, "firstBrokenSeq": None, "reason": None}


async def test_the_record_is_refused_before_publication_except_to_hosts(world):
    codes = {
        viewer: [
            e["extensions"]["code"]
            for e in world.refusals[(viewer, "record_before_publication")] or []
        ]
        for viewer in VIEWERS
    }
    assert {v: c for v, c in codes.items() if v != "other"} == {
        "public": ["UNAUTHENTICATED"],
        "participant": ["FORBIDDEN"],
        "host": [],
    }
    assert len(codes["other"]) == 1  # as for a meeting that does not exist (not this module's)
    statuses = {viewer: world.refusals[(viewer, "docx_before_publication")] for viewer in VIEWERS}
    assert statuses == {"public": 401, "participant": 403, "host": 200, "other": 404}


async def test_another_county_is_told_not_found_on_every_path_as_for_no_meeting(world, gql, server):
    """The same answer as for a meeting that does not exist: existence does not leak."""
    missing = f"meeting:{db_id(world.meeting) + 10_000_000}"
    foreign = {"Authorization": f"Bearer {world.other.admin.token}"}
    nowhere = await gql.execute(STREAM_EVENTS, {"s": missing}, headers=foreign)
    for path in ("query",):
        assert world.refusals[("other", path)] == nowhere["errors"]
    assert [(e["message"], e["extensions"]) for e in nowhere["errors"]] == [
        ("会议不存在", {"code": "NOT_FOUND", "field": "stream"})
    ]
    for path in ("events_live", "meeting_live"):
        assert [e["extensions"]["code"] for e in world.refusals[("other", path)]] == ["NOT_FOUND"]
    assert [e["extensions"]["code"] for e in world.verify["other"]["errors"]] == ["NOT_FOUND"]
    assert world.refusals[("other", "record_docx")] == 404
    assert len(world.refusals[("other", "record_json")]) == 1


# -- stream arguments that are not streams ---------------------------------------------------

BAD_STREAMS = [
    ("", "BAD_USER_INPUT"),
    ("meeting", "BAD_USER_INPUT"),
    ("meeting:", "BAD_USER_INPUT"),
    ("meeting:abc", "BAD_USER_INPUT"),
    ("meeting:-1", "BAD_USER_INPUT"),
    ("meeting:01", "BAD_USER_INPUT"),
    ("meeting:１２", "BAD_USER_INPUT"),  # full-width digits
    ("meeting:1\x00", "BAD_USER_INPUT"),
    ("x" * 10_000, "BAD_USER_INPUT"),
    ("nope:1", "BAD_USER_INPUT"),
    ("meeting:99999999999999999999", "NOT_FOUND"),
    ("meeting:9223372036854775807", "NOT_FOUND"),
]


@pytest.mark.parametrize(("stream", "code"), BAD_STREAMS, ids=lambda v: repr(v)[:20])
async def test_a_stream_argument_that_is_no_stream_is_a_client_error(server, gql, stream, code):
    county = await make_county(server)
    for query in (STREAM_EVENTS, STREAM_PAGE, VERIFY):
        body = await gql.execute(query, {"s": stream}, tenant=county.slug)
        assert body["data"] is None
        # Text PostgreSQL cannot store is refused before any resolver (schema.input_checks),
        # naming the variable that holds it.
        field = "$s" if "\x00" in stream else "stream"
        assert [
            (e["extensions"].get("code"), e["extensions"].get("field")) for e in body["errors"]
        ] == [(code, field)]
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(tenant=county.slug)
        errors = await client.error(await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": stream}))
        # the socket runs the same input checks (operation_checks), naming the variable
        field = "$stream" if "\x00" in stream else "stream"
        assert [(e["extensions"].get("code"), e["extensions"].get("field")) for e in errors] == [
            (code, field)
        ]
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_first_must_be_between_1_and_100(server, gql):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    for first in (0, -1, 101):
        body = await gql.execute(
            STREAM_EVENTS, {"s": stream_of(meeting), "first": first}, tenant=county.slug
        )
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


# -- pages are full, or say they are the end ------------------------------------------------


async def _open_poll_with_voters(server, gql, n: int):  # type: ignore[no-untyped-def]
    """A live meeting with `n` invited citizens and an open poll; the stream and its head."""
    county = await make_county(server)
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(n)]
    meeting = await make_meeting(gql, county)
    host = county.admin.token
    await ok(gql, INVITE, {"m": meeting, "u": [v.gid for v in voters], "r": "ATTENDEE"}, host)
    poll = (
        await ok(
            gql,
            CREATE_POLL,
            {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"], "e": "REGISTERED"},
            host,
        )
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, host)
    stream = stream_of(meeting)
    after = (await gql.data(VERIFY, {"s": stream}, tenant=county.slug))["verifyStream"]["events"]
    return county, meeting, poll, voters, stream, after


async def test_a_page_is_full_although_invisible_events_come_first(server, gql):
    """Given ten votes (not shown on any stream path) right after seq `after`, then
    comments: a page of two holds the next two comments, not nothing."""
    county, meeting, poll, voters, stream, after = await _open_poll_with_voters(server, gql, 10)
    host = county.admin.token
    for voter in voters:
        voted = await gql.data(VOTE, {"p": poll, "c": [1], "k": key()}, token=voter.token)
        assert voted["castVote"]["accepted"] is True
    for i in range(3):
        await ok(gql, POST_COMMENT, {"m": meeting, "b": f"意见{i}"}, host)

    page = (
        await gql.data(STREAM_EVENTS, {"s": stream, "after": after, "first": 2}, tenant=county.slug)
    )["streamEvents"]
    assert [(e["seq"], e["payload"]["body"]) for e in page] == [
        (after + 11, "意见0"),
        (after + 12, "意见1"),
    ]
    first = (
        await gql.data(STREAM_PAGE, {"s": stream, "after": after, "first": 2}, tenant=county.slug)
    )["streamEventPage"]
    assert (first["nextAfter"], first["hasMore"], first["headSeq"]) == (
        after + 12,
        True,
        after + 13,
    )
    last = (
        await gql.data(
            STREAM_PAGE, {"s": stream, "after": first["nextAfter"], "first": 2}, tenant=county.slug
        )
    )["streamEventPage"]
    assert [e["payload"]["body"] for e in last["events"]] == ["意见2"]
    assert (last["nextAfter"], last["hasMore"]) == (after + 13, False)
    end = (await gql.data(STREAM_PAGE, {"s": stream, "after": after + 13}, tenant=county.slug))[
        "streamEventPage"
    ]
    assert end == {"events": [], "nextAfter": after + 13, "hasMore": False, "headSeq": after + 13}


async def test_a_page_of_only_invisible_events_says_where_the_log_ends(server, gql):
    county, _meeting, poll, voters, stream, after = await _open_poll_with_voters(server, gql, 3)
    for voter in voters:
        await gql.data(VOTE, {"p": poll, "c": [0], "k": key()}, token=voter.token)
    page = (await gql.data(STREAM_PAGE, {"s": stream, "after": after}, tenant=county.slug))[
        "streamEventPage"
    ]
    assert page == {"events": [], "nextAfter": after + 3, "hasMore": False, "headSeq": after + 3}


# -- clients name a meeting's stream by its global id -----------------------------------------


async def test_a_meeting_stream_is_named_by_the_meetings_global_id(server, gql):
    # given: a meeting, and its stream as the API gives it (no row id in it)
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Meeting { stream } } }",
        {"id": meeting},
        token=county.admin.token,
    )
    stream = node["node"]["stream"]
    assert stream == f"meeting:{meeting}"

    # when: the log is read, verified and watched under that name
    by_gid = await gql.data(STREAM_EVENTS, {"s": stream}, token=county.admin.token)
    by_row = await gql.data(STREAM_EVENTS, {"s": stream_of(meeting)}, token=county.admin.token)
    verified = await gql.data(
        "query($s: String!) { verifyStream(stream: $s) { valid events } }",
        {"s": stream},
        token=county.admin.token,
    )
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": stream, "after": 0})
        first = await client.event(op)
    wrong_type = await gql.execute(
        STREAM_EVENTS, {"s": f"meeting:{county.root_gid}"}, token=county.admin.token
    )

    # then: the same stream as the row's name, and another type's id is a client error
    assert by_gid == by_row and by_gid["streamEvents"]
    assert verified["verifyStream"]["valid"] is True
    assert first["seq"] == 1
    assert [e["extensions"]["code"] for e in wrong_type["errors"]] == ["BAD_USER_INPUT"]
