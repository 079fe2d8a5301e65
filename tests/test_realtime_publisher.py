"""One publisher per app, given to its Database when the app starts (docs/realtime.md,
"Publication"): what an app commits is published on that app's hub, whatever other app
runs in the same process; and event payloads are checked against their declarations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from backend.core.security import Principal
from backend.core.settings import Settings
from backend.meetings import polls
from backend.meetings.events import MEETING_EVENTS, MeetingEvent
from backend.meetings.stream import draft, publish_live
from backend.people.models import Role
from backend.server.app import create_app
from realtime.event_types import EventShapeError
from realtime.feeds import Member
from tenants.events import ORG_EVENTS, OrgEvent
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import CREATE_POLL, OPEN_POLL, VOTE, db_id, key, ok, stream_of
from tests.realtime_client import wait_until


def watch(feed: Any) -> list[dict[str, Any]]:
    """What a public watcher of `feed` is handed: live values and events, as rendered."""
    got: list[dict[str, Any]] = []

    async def render(event: Any) -> str:
        return json.dumps({"type": event.type, "seq": event.seq, "payload": event.payload})

    async def send(seq: int, payload: str) -> None:
        got.append(json.loads(payload))

    Member(feed.group(("test", "two apps"), render), send, after=None).start()
    return got


def tallies(got: list[dict[str, Any]]) -> list[int]:
    return [e["payload"]["totalVotes"] for e in got if e["type"] == MeetingEvent.POLL_TALLY]


async def open_meeting_poll(gql: Any, county: Any, voter: Any) -> tuple[str, str]:
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    poll = (
        await ok(
            gql,
            CREATE_POLL,
            {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"]},
            county.admin.token,
        )
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    return meeting, poll


async def test_two_apps_in_one_process_publish_on_their_own_hubs(server, gql, database_url):
    """Two apps (two AppServices, two hubs) over one database in one process, each voted on
    for its own meeting (each app's writer owns that meeting's stream): a tally reaches
    the watchers of the app that committed it and not the other app's. (With a
    process-wide "current hub", the app started last published both.)"""
    county = await make_county(server)
    voters = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"群众{i}")
        for i in range(2)
    ]
    meeting_a, poll_a = await open_meeting_poll(gql, county, voters[0])
    meeting_b, poll_b = await open_meeting_poll(gql, county, voters[1])

    settings = Settings(environment="test", database_url=database_url, db_pool_size=2)
    other = create_app(settings, migrate=False)
    async with other.router.lifespan_context(other):
        a, b = server.services, other.state.services
        assert a.hub is not b.hub
        assert a.db.publisher is a.hub and b.db.publisher is b.hub
        seen = {
            (app, m): watch(await services.hub.feed(county.id, stream_of(m)))
            for app, services in (("a", a), ("b", b))
            for m in (meeting_a, meeting_b)
        }

        voted = await gql.data(VOTE, {"p": poll_a, "c": [0], "k": key()}, token=voters[0].token)
        assert voted["castVote"]["accepted"] is True, voted
        await wait_until(lambda: tallies(seen["a", meeting_a]) == [1], "A's watcher, A's tally")

        outcome = await polls.cast_vote(
            b.writer,
            db_id(meeting_b),
            Principal(tenant_id=county.id, user_id=voters[1].user_id),
            poll_id=db_id(poll_b),
            choices=[1],
            idempotency_key=key(),
        )
        assert outcome.error is None and outcome.vote_id is not None
        await wait_until(lambda: tallies(seen["b", meeting_b]) == [1], "B's watcher, B's tally")

    # Neither app's hub carried the other's live values (the log still has both votes).
    assert tallies(seen["b", meeting_a]) == []
    assert tallies(seen["a", meeting_b]) == []
    assert tallies(seen["a", meeting_a]) == [1]


async def test_a_payload_that_does_not_fit_its_declaration_is_refused_where_events_are_checked(
    server,
):
    """The app checks payloads in development and tests (`Settings.checks_events`): a
    missing member, an undeclared one, a value of the wrong type and an undeclared type are
    refused before anything is appended or published."""
    assert server.services.db.check_events is True
    async with server.services.db.transaction(tenant_id=None, read_only=True) as session:
        draft(session, MeetingEvent.COMMENT_ANSWERED_LIVE, {"id": 1})  # fits
        with pytest.raises(EventShapeError, match=r"comment\.answeredLive"):
            draft(session, MeetingEvent.COMMENT_ANSWERED_LIVE, {})
        with pytest.raises(EventShapeError, match="reason"):
            draft(session, MeetingEvent.COMMENT_HIDDEN, {"id": 1, "reason": 7, "by": None})
        with pytest.raises(EventShapeError, match=r"(?i)extra"):
            draft(session, MeetingEvent.MINUTES_UPDATED, {"length": 1, "sha256": None, "x": 1})
        with pytest.raises(EventShapeError, match="live value"):
            draft(session, MeetingEvent.POLL_TALLY, {"pollId": 1, "counts": [], "totalVotes": 0})
        with pytest.raises(EventShapeError, match="logged"):
            publish_live(
                session,
                tenant_id=1,
                meeting_id=1,
                type=MeetingEvent.VOTE_CAST,
                key="1",
                version=1,
                value={"pollId": 1, "voteId": 1, "choices": [0]},
            )
    with pytest.raises(EventShapeError, match="undeclared"):
        MEETING_EVENTS.check("poll.opend", {})
    with pytest.raises(EventShapeError, match="legacy"):
        MEETING_EVENTS.check(MeetingEvent.SCORE_CAST, {"sheetId": 1})
    with pytest.raises(EventShapeError, match="parentId"):
        ORG_EVENTS.check(
            OrgEvent.ORG_UNIT_CREATED,
            {"id": 1, "name": "镇", "kind": "TOWNSHIP", "code": None, "parentId": "1"},
        )


async def test_without_the_check_a_payload_is_appended_as_given(database_url):
    """Production does not pay for the check (`check_events` off): the draft is built as
    given; the declared types and their payload shapes stay enforced where the code is
    written, by mypy (tests/test_event_types_static.py)."""
    from backend.core.db import Database

    db = Database(owner_url=database_url, pool_size=1)
    try:
        assert db.publisher is None and db.check_events is False
        async with db.transaction(tenant_id=None, read_only=True) as session:
            made = draft(session, MeetingEvent.COMMENT_ANSWERED_LIVE, {"unexpected": True})
        assert (made.type, made.payload) == ("comment.answeredLive", {"unexpected": True})
    finally:
        await db.dispose()
