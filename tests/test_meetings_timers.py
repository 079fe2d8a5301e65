"""The agenda and its server-side speech timer: start/pause/resume/stop, the 述职 default of
600 s, and the "1 minute left" / "time is up" warnings pushed on time, exactly once, even
with several schedulers (workers) and after the scheduler was down when time ran out.

The timers run on the test server's `ManualClock` (conftest): time passes only when a test
calls `server.clock.advance(seconds)`, so no test waits for a speech to run out."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.meetings.timers import TimerScheduler
from tests.factories.meetings import make_meeting
from tests.factories.tenants import make_county
from tests.meetings_api import (
    ADD_AGENDA,
    LIVE,
    MEETING,
    TIMER,
    collect_until,
    db_id,
    event_types,
    node,
    ok,
    refused,
    snapshot,
    wait_for_db,
)
from tests.realtime_client import GraphQLWS


def timer_events(events, item):
    return [
        e["type"]
        for e in events
        if e["type"].startswith("timer.") and e["data"]["agendaItemId"] == item
    ]


async def add_item(gql, county, meeting, duration=None, title="县住建局述职"):
    payload = await ok(
        gql,
        ADD_AGENDA,
        {"m": meeting, "t": title, "s": "张局长", "d": duration},
        county.admin.token,
    )
    return payload["agendaItem"]


async def test_work_report_speeches_default_to_ten_minutes(server, gql):
    county = await make_county(server)
    meeting = await make_meeting(gql, county, live=False)
    first = await add_item(gql, county, meeting)
    second = await add_item(gql, county, meeting, duration=300, title="县交通局述职")
    assert first["timer"] == {
        "status": "IDLE",
        "durationSeconds": 600,
        "deadline": None,
        "remainingSeconds": None,
    }
    assert (first["position"], second["position"]) == (1, 2)
    assert second["timer"]["durationSeconds"] == 300
    agenda = (await node(gql, MEETING, meeting, county.admin.token))["agenda"]
    assert [(a["title"], a["speakerName"]) for a in agenda] == [
        ("县住建局述职", "张局长"),
        ("县交通局述职", "张局长"),
    ]


async def test_a_speech_shorter_than_five_seconds_is_refused(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(
        gql, ADD_AGENDA, {"m": meeting, "t": "发言", "d": 4}, county.admin.token
    )
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("durationSeconds", "INVALID")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_time_up_is_pushed_once_and_stops_the_timer(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    item = (await add_item(gql, county, meeting, duration=5))["id"]
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        started = await ok(gql, TIMER, {"a": item, "x": "START"}, county.admin.token)
        assert started["agendaItem"]["timer"]["status"] == "RUNNING"
        assert started["agendaItem"]["timer"]["remainingSeconds"] == 5.0
        server.clock.advance(4.9)
        await server.services.timers.tick()  # a look the test waits for: not yet
        assert "timer.timeUp" not in await event_types(owner_db, county, meeting)
        server.clock.advance(0.1)
        seen = await collect_until(ws, op, lambda e: e["type"] == "timer.timeUp")
        # A barrier: anything pushed before it arrives before it (delivery is in order).
        await add_item(gql, county, meeting, title="下一项")
        seen += await collect_until(
            ws, op, lambda e: e["type"] == "agenda.itemAdded" and e["data"]["title"] == "下一项"
        )
    # A 5-second speech has no "1 minute left" warning, and time up comes exactly once.
    assert timer_events(seen, item) == ["timer.start", "timer.timeUp"]
    time_up = next(e for e in seen if e["type"] == "timer.timeUp")
    assert time_up["data"] == {
        "__typename": "TimerUpdate",
        "agendaItemId": item,
        "status": "STOPPED",
        "deadline": None,
        "remainingSeconds": 0.0,
        "durationSeconds": 5,
        "warning": "TIME_UP",
    }
    types = await event_types(owner_db, county, meeting)
    assert types.count("timer.timeUp") == 1
    assert "timer.oneMinuteLeft" not in types
    agenda = (await node(gql, MEETING, meeting, county.admin.token))["agenda"]
    assert agenda[0]["timer"]["status"] == "STOPPED"


async def test_one_minute_warning_is_recorded_once_with_two_schedulers(server, gql, owner_db):
    """A second worker's scheduler runs beside the app's: both see the warning fall due
    (62 s speech: 1 minute left after 2 s), only one records it."""
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    item = (await add_item(gql, county, meeting, duration=62))["id"]
    second = TimerScheduler(server.services.db, clock=server.clock)
    second.start()
    try:
        async with GraphQLWS(server.ws_url) as ws:
            await ws.open(county.admin.token)
            op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
            await ok(gql, TIMER, {"a": item, "x": "START"}, county.admin.token)
            second.wake()
            server.clock.advance(2)
            seen = await collect_until(ws, op, lambda e: e["type"] == "timer.oneMinuteLeft")
            stopped = await ok(gql, TIMER, {"a": item, "x": "STOP"}, county.admin.token)
            seen += await collect_until(ws, op, lambda e: e["type"] == "timer.stop")
    finally:
        await second.stop()
    assert timer_events(seen, item) == ["timer.start", "timer.oneMinuteLeft", "timer.stop"]
    warning = next(e for e in seen if e["type"] == "timer.oneMinuteLeft")["data"]
    assert (warning["warning"], warning["status"], warning["durationSeconds"]) == (
        "ONE_MINUTE_LEFT",
        "RUNNING",
        62,
    )
    assert warning["remainingSeconds"] == 60.0
    assert stopped["agendaItem"]["timer"]["status"] == "STOPPED"
    types = await event_types(owner_db, county, meeting)
    assert types.count("timer.oneMinuteLeft") == 1
    assert "timer.timeUp" not in types
    flags = await owner_db.fetchrow(
        "SELECT warned_one_minute, warned_time_up, deadline FROM agenda_items "
        "WHERE tenant_id = $1 AND id = $2",
        county.id,
        db_id(item),
    )
    assert dict(flags) == {"warned_one_minute": True, "warned_time_up": False, "deadline": None}


async def test_time_up_fires_after_the_scheduler_was_down(server, gql, owner_db):
    """The deadline is in the database: a scheduler that was not running when time ran
    out (a restarted service) sends the warning late, once."""
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    item = (await add_item(gql, county, meeting, duration=5))["id"]
    scheduler: TimerScheduler = server.services.timers
    await scheduler.stop()
    try:
        await ok(gql, TIMER, {"a": item, "x": "START"}, county.admin.token)
        server.clock.advance(30)  # the deadline passed while no scheduler ran
        assert "timer.timeUp" not in await event_types(owner_db, county, meeting)
    finally:
        scheduler.start()  # the service comes back
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        seen = await collect_until(ws, op, lambda e: e["type"] == "timer.timeUp")
    assert timer_events(seen, item) == ["timer.start", "timer.timeUp"]
    assert (await event_types(owner_db, county, meeting)).count("timer.timeUp") == 1


async def test_pause_and_resume_keep_the_remaining_time(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    item = (await add_item(gql, county, meeting, duration=600))["id"]
    started = (await ok(gql, TIMER, {"a": item, "x": "START"}, county.admin.token))["agendaItem"]
    first_deadline = datetime.fromisoformat(started["timer"]["deadline"])

    server.clock.advance(100)
    paused = (await ok(gql, TIMER, {"a": item, "x": "PAUSE"}, county.admin.token))["agendaItem"]
    remaining = paused["timer"]["remainingSeconds"]
    assert paused["timer"]["status"] == "PAUSED"
    assert paused["timer"]["deadline"] is None
    assert remaining == 500.0
    server.clock.advance(1000)
    # Paused time is not counted: the same remaining time, whatever the wall clock does.
    again = (await node(gql, MEETING, meeting, county.admin.token))["agenda"][0]["timer"]
    assert again == {
        "status": "PAUSED",
        "durationSeconds": 600,
        "deadline": None,
        "remainingSeconds": remaining,
    }
    resumed = (await ok(gql, TIMER, {"a": item, "x": "RESUME"}, county.admin.token))["agendaItem"]
    new_deadline = datetime.fromisoformat(resumed["timer"]["deadline"])
    assert resumed["timer"]["status"] == "RUNNING"
    assert resumed["timer"]["remainingSeconds"] == remaining
    assert new_deadline - first_deadline == timedelta(seconds=1000)  # exactly the paused time

    server.clock.advance(10)
    stopped = (await ok(gql, TIMER, {"a": item, "x": "STOP"}, county.admin.token))["agendaItem"]
    assert stopped["timer"]["status"] == "STOPPED"
    assert stopped["timer"]["remainingSeconds"] == 490.0
    assert [t for t in await event_types(owner_db, county, meeting) if t.startswith("timer.")] == [
        "timer.start",
        "timer.pause",
        "timer.resume",
        "timer.stop",
    ]


async def test_a_paused_timer_does_not_run_out(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    item = (await add_item(gql, county, meeting, duration=5))["id"]
    await ok(gql, TIMER, {"a": item, "x": "START"}, county.admin.token)
    server.clock.advance(1)
    paused = (await ok(gql, TIMER, {"a": item, "x": "PAUSE"}, county.admin.token))["agendaItem"]
    remaining = paused["timer"]["remainingSeconds"]
    assert remaining == 4.0

    # Well past the original deadline; the scheduler looks (a tick the test waits for).
    server.clock.advance(7)
    await server.services.timers.tick()
    assert "timer.timeUp" not in await event_types(owner_db, county, meeting)
    timer = (await node(gql, MEETING, meeting, county.admin.token))["agenda"][0]["timer"]
    assert (timer["status"], timer["remainingSeconds"]) == ("PAUSED", remaining)

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        await ok(gql, TIMER, {"a": item, "x": "RESUME"}, county.admin.token)
        server.clock.advance(4)
        seen = await collect_until(ws, op, lambda e: e["type"] == "timer.timeUp")
    assert timer_events(seen, item) == [
        "timer.start",
        "timer.pause",
        "timer.resume",
        "timer.timeUp",
    ]


async def test_a_second_timer_cannot_start_while_one_runs(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    first = (await add_item(gql, county, meeting, duration=600))["id"]
    second = (await add_item(gql, county, meeting, duration=600, title="县教委述职"))["id"]
    await ok(gql, TIMER, {"a": first, "x": "START"}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    busy = await refused(gql, TIMER, {"a": second, "x": "START"}, county.admin.token)
    assert busy["agendaItem"] is None
    assert [(e["field"], e["code"]) for e in busy["errors"]] == [("agendaItemId", "TIMER_BUSY")]
    # Nor can a running timer be started again, or an idle one paused.
    again = await refused(gql, TIMER, {"a": first, "x": "START"}, county.admin.token)
    assert again["errors"][0]["code"] == "INVALID_TIMER_STATE"
    idle = await refused(gql, TIMER, {"a": second, "x": "PAUSE"}, county.admin.token)
    assert idle["errors"][0]["code"] == "INVALID_TIMER_STATE"
    assert await snapshot(owner_db, county, meeting) == before

    await ok(gql, TIMER, {"a": first, "x": "STOP"}, county.admin.token)
    now_started = await ok(gql, TIMER, {"a": second, "x": "START"}, county.admin.token)
    assert now_started["agendaItem"]["timer"]["status"] == "RUNNING"
    await ok(gql, TIMER, {"a": second, "x": "STOP"}, county.admin.token)


async def test_timers_only_run_in_a_live_meeting(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county, live=False)
    item = (await add_item(gql, county, meeting, duration=60))["id"]
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(gql, TIMER, {"a": item, "x": "START"}, county.admin.token)
    assert payload["errors"][0]["code"] == "INVALID_STATE"
    assert await snapshot(owner_db, county, meeting) == before


async def test_one_broken_stream_does_not_stop_other_countys_timers(server, gql, owner_db):
    # given two counties' running speeches, and county A's meeting stream left by a database
    # administrator with its head behind its last event (its next append must fail)
    broken, fine = await make_county(server), await make_county(server, name="邻县")
    stuck = await make_meeting(gql, broken)
    stuck_item = (await add_item(gql, broken, stuck, duration=5))["id"]
    meeting = await make_meeting(gql, fine)
    item = (await add_item(gql, fine, meeting, duration=5))["id"]
    await ok(gql, TIMER, {"a": stuck_item, "x": "START"}, broken.admin.token)
    await ok(gql, TIMER, {"a": item, "x": "START"}, fine.admin.token)
    await owner_db.execute(
        "UPDATE event_streams SET last_seq = last_seq - 1 WHERE tenant_id = $1 AND stream = $2",
        broken.id,
        f"meeting:{db_id(stuck)}",
    )
    try:
        # when time is up for both and the scheduler looks (this look or the app's own,
        # which the clock's advance wakes too: while that one holds B's item, SKIP LOCKED
        # makes this one pass it by, so the test waits for B's warning, not for this look)
        server.clock.advance(6)
        await server.services.timers.tick()

        # then county B's speech is stopped as due, and A's failure is A's alone
        async def fine_is_stopped() -> bool:
            return "timer.timeUp" in await event_types(owner_db, fine, meeting)

        await wait_for_db(fine_is_stopped, "county B's time-up beside county A's broken stream")
        await server.services.timers.tick()  # one more look at A, after B's has fired
        assert "timer.timeUp" not in await event_types(owner_db, broken, stuck)
    finally:
        # put A's head back, as the record's verification would demand, and A's timer out of
        # every later test's scheduler (the test database is shared by a worker's tests)
        await owner_db.execute(
            "UPDATE event_streams SET last_seq = last_seq + 1 WHERE tenant_id = $1 AND stream = $2",
            broken.id,
            f"meeting:{db_id(stuck)}",
        )
    server.clock.advance(1)
    await server.services.timers.tick()  # the head is whole again: A's time-up fires now

    async def stuck_is_stopped() -> bool:
        return "timer.timeUp" in await event_types(owner_db, broken, stuck)

    await wait_for_db(stuck_is_stopped, "county A's time-up once its stream is whole again")
