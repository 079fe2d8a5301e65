"""The 网络问政 schedule (seed 001): groups of departments by frequency with a slot rule; a
year's sessions generated from them (idempotent, on the county calendar: a slot on a day
off moves to the next working day and says why; an unpublished year is provisional);
listing by month and department; rescheduling and cancelling with a reason."""

from __future__ import annotations

from tests.conftest import county_rows
from tests.factories.inquiries import (
    CANCEL,
    CREATE_GROUP,
    GENERATE,
    GROUPS,
    RESCHEDULE,
    SESSIONS,
    STREAM,
    call,
    group_input,
    make_group,
    make_inquiry_world,
    ok,
)


async def test_a_group_has_its_departments_in_order_and_its_slot_rule(server, gql):
    w = await make_inquiry_world(server)

    group = await make_group(gql, w)

    assert (group["frequency"], group["weekday"], group["startTime"]) == ("WEEKLY", 4, "14:00")
    assert [(u["unit"]["name"], u["position"]) for u in group["units"]] == [
        ("县住建委", 0),
        ("县交通局", 1),
    ]
    assert group["units"][0]["leaderId"] == w.housing_leader.gid
    public = (await gql.data(GROUPS, token=w.citizen.token))["inquiryGroups"]
    assert [u["leaderId"] for u in public[0]["units"]] == [None, None]
    events = (await gql.data(STREAM, {"s": group["stream"]}, token=w.citizen.token))["streamEvents"]
    assert [e["type"] for e in events] == ["inquiryGroup.created"]
    assert events[0]["payload"]["units"] == [
        {"unitId": w.housing, "position": 0},
        {"unitId": w.transport, "position": 1},
    ]
    assert events[0]["actorId"] is None


async def test_generating_a_year_twice_makes_each_session_once(server, gql, owner_db):
    w = await make_inquiry_world(server)
    await make_group(gql, w)

    first = await ok(gql, GENERATE, {"y": 2026}, w.admin.token)
    before = await county_rows(owner_db, w.county.id)
    second = await ok(gql, GENERATE, {"y": 2026}, w.admin.token)

    assert (first["created"], first["existing"]) == (106, 0)  # 53 Thursdays × 2 departments
    assert (second["created"], second["existing"]) == (0, 106)
    assert await county_rows(owner_db, w.county.id) == before
    assert before["inquiry_sessions"] == 106
    scheduled = await owner_db.fetchval(
        "SELECT count(*) FROM events WHERE tenant_id = $1 AND type = 'inquirySession.scheduled'",
        w.county.id,
    )
    assert scheduled == 106


async def test_a_slot_on_a_holiday_moves_to_the_next_working_day_and_says_so(server, gql):
    w = await make_inquiry_world(server)
    await make_group(gql, w)
    await ok(gql, GENERATE, {"y": 2026}, w.admin.token)

    january = (await gql.data(SESSIONS, {"y": 2026, "m": 1}, token=w.citizen.token))[
        "inquirySessions"
    ]
    october = (
        await gql.data(
            SESSIONS, {"y": 2026, "m": 10, "u": w.unit(w.housing)}, token=w.citizen.token
        )
    )["inquirySessions"]

    first, second = january[0], january[1]
    # 2026-01-01 (Thursday) is 元旦; 01-02 and 01-03 too; Sunday 01-04 is a 调休 working day.
    assert (first["plannedOn"], first["scheduledOn"]) == ("2026-01-01", "2026-01-04")
    assert first["movedReason"] == ("2026年1月1日（周四）元旦放假，顺延至下一个工作日2026年1月4日")
    assert (first["unit"]["name"], first["startsAt"]) == ("县住建委", "2026-01-04T06:00:00+00:00")
    assert (second["unit"]["name"], second["startsAt"]) == ("县交通局", "2026-01-04T07:00:00+00:00")
    assert first["provisional"] is False
    plain = [s for s in january if s["plannedOn"] == "2026-01-08"]
    assert [s["movedReason"] for s in plain] == [None, None]
    assert len(january) == 10  # 5 Thursdays × 2
    national_day = october[0]
    assert (national_day["plannedOn"], national_day["scheduledOn"]) == ("2026-10-01", "2026-10-08")
    assert "国庆节放假" in national_day["movedReason"]
    assert {s["unit"]["name"] for s in october} == {"县住建委"}
    assert len(october) == 5


#: A year no test publishes (the tests of one worker share a database; test_calendar
#: publishes 2027, the publication tests years 2040–2090).
YEAR_UNPUBLISHED = 2095


async def test_monthly_quarterly_and_half_yearly_groups_and_an_unpublished_year(server, gql):
    w = await make_inquiry_world(server)
    monthly = await make_group(
        gql,
        w,
        name="第二组（每月）",
        frequency="MONTHLY",
        weekday=2,
        ordinal=2,
        units=[{"unitId": w.unit(w.housing), "leaderId": w.housing_leader.gid}],
    )
    await make_group(
        gql,
        w,
        name="第三组（每季度）",
        frequency="QUARTERLY",
        weekday=3,
        monthInPeriod=2,
        units=[{"unitId": w.unit(w.transport), "leaderId": w.transport_leader.gid}],
    )

    result = await ok(
        gql, GENERATE, {"y": YEAR_UNPUBLISHED, "g": [monthly["id"], monthly["id"]]}, w.admin.token
    )
    both = await ok(gql, GENERATE, {"y": YEAR_UNPUBLISHED}, w.admin.token)

    assert (result["created"], both["created"], both["existing"]) == (12, 4, 12)
    sessions = (await gql.data(SESSIONS, {"y": YEAR_UNPUBLISHED}, token=w.admin.token))[
        "inquirySessions"
    ]
    housing = [s for s in sessions if s["unit"]["name"] == "县住建委"]
    assert housing[0]["plannedOn"] == "2095-01-11"  # the second Tuesday of January 2095
    assert all(s["provisional"] for s in sessions)  # 2095's official table is not published
    transport = [s["plannedOn"] for s in sessions if s["unit"]["name"] == "县交通局"]
    assert transport == ["2095-02-02", "2095-05-04", "2095-08-03", "2095-11-02"]
    half = await call(
        gql,
        CREATE_GROUP,
        {
            "i": group_input(
                w,
                name="第四组（每半年）",
                frequency="HALF_YEARLY",
                weekday=5,
                monthInPeriod=6,
                units=[{"unitId": w.unit(w.township), "leaderId": w.admin.gid}],
            )
        },
        w.admin.token,
    )
    assert half["errors"] == [
        {"field": "units.0.unitId", "code": "INVALID", "message": "上线单位须为政府部门"}
    ]


async def test_bad_groups_are_refused_naming_the_field_and_write_nothing(server, gql, owner_db):
    w = await make_inquiry_world(server)
    await make_group(
        gql, w, units=[{"unitId": w.unit(w.housing), "leaderId": w.housing_leader.gid}]
    )
    before = await county_rows(owner_db, w.county.id)
    cases = [
        ({"weekday": 6}, "weekday", "INVALID"),
        ({"startTime": "2pm"}, "startTime", "INVALID"),
        ({"frequency": "QUARTERLY", "monthInPeriod": 4}, "monthInPeriod", "INVALID"),
        ({"name": "另一组"}, "units.0.unitId", "ALREADY_GROUPED"),
        (
            {
                "name": "另一组",
                "units": [{"unitId": w.unit(w.transport), "leaderId": w.housing_leader.gid}],
            },
            "units.0.leaderId",
            "NOT_LEADER",
        ),
        (
            {
                "name": "另一组",
                "units": [{"unitId": w.unit(w.transport), "leaderId": w.citizen.gid}],
            },
            "units.0.leaderId",
            "NOT_LEADER",
        ),
    ]
    for extra, field, code in cases:
        payload = await call(gql, CREATE_GROUP, {"i": group_input(w, **extra)}, w.admin.token)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], extra
        assert payload["group"] is None
    refused = await gql.execute(CREATE_GROUP, {"i": group_input(w)}, token=w.housing_leader.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_session_is_rescheduled_onto_a_working_day_or_cancelled_with_a_reason(
    server, gql, owner_db
):
    w = await make_inquiry_world(server)
    await make_group(gql, w)
    await ok(gql, GENERATE, {"y": 2026}, w.admin.token)
    sessions = (
        await gql.data(SESSIONS, {"y": 2026, "m": 3, "u": w.unit(w.housing)}, token=w.admin.token)
    )["inquirySessions"]
    target, other = sessions[0]["id"], sessions[1]["id"]
    before = await county_rows(owner_db, w.county.id)

    holiday = await call(
        gql,
        RESCHEDULE,
        {"s": target, "t": "2026-10-02T14:00:00+08:00", "r": "局长出差"},
        w.admin.token,
    )
    blank = await call(
        gql, RESCHEDULE, {"s": target, "t": "2026-03-06T14:00:00+08:00", "r": "  "}, w.admin.token
    )
    assert await county_rows(owner_db, w.county.id) == before
    moved = await ok(
        gql,
        RESCHEDULE,
        {"s": target, "t": "2026-03-06T09:30:00+08:00", "r": "局长出差，改至周五上午"},
        w.admin.token,
    )
    cancelled = await ok(gql, CANCEL, {"s": other, "r": "机构调整"}, w.admin.token)
    again = await call(
        gql,
        RESCHEDULE,
        {"s": other, "t": "2026-03-20T09:30:00+08:00", "r": "恢复"},
        w.admin.token,
    )

    assert [(e["field"], e["code"]) for e in holiday["errors"]] == [("startsAt", "NOT_WORKING_DAY")]
    assert "国庆节放假" in holiday["errors"][0]["message"]
    assert [(e["field"], e["code"]) for e in blank["errors"]] == [("reason", "REASON_REQUIRED")]
    session = moved["session"]
    assert (session["scheduledOn"], session["startsAt"], session["endsAt"]) == (
        "2026-03-06",
        "2026-03-06T01:30:00+00:00",
        "2026-03-06T02:30:00+00:00",
    )
    assert session["rescheduledReason"] == "局长出差，改至周五上午"
    assert (cancelled["session"]["state"], cancelled["session"]["cancelledReason"]) == (
        "CANCELLED",
        "机构调整",
    )
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("sessionId", "INVALID_STATE")]
    events = (await gql.data(STREAM, {"s": session["stream"]}, token=w.citizen.token))[
        "streamEvents"
    ]
    assert [e["type"] for e in events] == ["inquirySession.scheduled", "inquirySession.rescheduled"]
    assert events[1]["payload"]["reason"] == "局长出差，改至周五上午"
    refused = await gql.execute(CANCEL, {"s": target, "r": "x"}, token=w.housing_leader.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_publishing_the_years_holidays_moves_the_provisional_sessions(server, gql, owner_db):
    import random
    from datetime import date

    from tests.factories.people import make_operator
    from tests.test_calendar import PUBLISH_YEAR, SET_YEAR, days

    # given a monthly group's sessions in a year no table covers yet (the tests of one
    # worker share a database: a year of their own)
    year = random.randint(2040, 2090)
    w = await make_inquiry_world(server)
    await make_group(
        gql,
        w,
        name="第二组（每月）",
        frequency="MONTHLY",
        weekday=2,
        units=[{"unitId": w.unit(w.housing), "leaderId": w.housing_leader.gid}],
    )
    await ok(gql, GENERATE, {"y": year}, w.admin.token)
    before = (await gql.data(SESSIONS, {"y": year, "m": 3}, token=w.admin.token))["inquirySessions"]
    first_tuesday = date.fromisoformat(before[0]["plannedOn"])
    assert before[0]["provisional"] is True and before[0]["movedReason"] is None

    # when an operator publishes the year with that Tuesday (and the next day) off
    operator = await make_operator(server)
    table = days(
        first_tuesday.isoformat(),
        first_tuesday.replace(day=first_tuesday.day + 1).isoformat(),
        "HOLIDAY",
        "示例假日",
    )
    set_ = await gql.data(
        SET_YEAR,
        {"input": {"year": year, "source": f"《{year}年节假日安排》（示例）", "days": table}},
        token=operator.token,
    )
    assert set_["setCalendarYear"]["errors"] == [], set_
    published = await gql.data(PUBLISH_YEAR, {"year": year}, token=operator.token)
    assert published["publishCalendarYear"]["errors"] == [], published

    # then that session moved two days, the others are final where they were
    after = (await gql.data(SESSIONS, {"y": year}, token=w.admin.token))["inquirySessions"]
    march = next(s for s in after if s["plannedOn"] == first_tuesday.isoformat())
    assert march["scheduledOn"] == first_tuesday.replace(day=first_tuesday.day + 2).isoformat()
    assert "示例假日放假" in march["movedReason"]
    assert all(s["provisional"] is False for s in after)
    assert [s["scheduledOn"] for s in after if s["id"] != march["id"]] == [
        s["plannedOn"] for s in after if s["id"] != march["id"]
    ]
    events = (await gql.data(STREAM, {"s": march["stream"]}, token=w.admin.token))["streamEvents"]
    assert [e["type"] for e in events] == ["inquirySession.scheduled", "inquirySession.rescheduled"]
    assert events[1]["actorId"] is None
