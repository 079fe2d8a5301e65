"""Case deadlines on the county calendar (issue 12, "Working days that do not stop at the
calendar's end"): a deadline counted into a year without a published table is provisional
(Monday–Friday); publishing the year's table recounts it, clears the flag and appends
`case.deadlineChanged` to the case's stream."""

from __future__ import annotations

import json
import random
from datetime import date

from tests.cases_world import make_world
from tests.factories.cases import CLASSIFY, act, official_due
from tests.factories.people import make_operator
from tests.factories.tenants import db_id
from tests.test_calendar import ADD_CLOSURE, PUBLISH_YEAR, SET_YEAR, days
from tests.test_cases_routing import new_case


async def test_a_provisional_deadline_is_recounted_when_its_year_is_published(
    server, gql, owner_db
):
    # given a case received on 1 December of a year no table covers yet (the tests of one
    # worker share a database: a year of their own), classified 研究办 (30 working days)
    year = random.randint(2040, 2090)
    w = await make_world(server)
    case = await new_case(gql, w)
    case_id = db_id(case["id"])
    await owner_db.execute(
        "UPDATE cases SET received_at = $2::date + time '10:00' AT TIME ZONE 'Asia/Shanghai' "
        "WHERE id = $1",
        case_id, date(year, 12, 1),
    )  # fmt: skip
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "RESEARCH"},
        w.admin.token,
    )
    row = await owner_db.fetchrow(
        "SELECT due_on, due_provisional FROM cases WHERE id = $1", case_id
    )
    # Monday–Friday assumed: the same day the package's rule gives for unknown years
    assert (row["due_on"], row["due_provisional"]) == (official_due(date(year, 12, 1), 30), True)

    # when an operator enters and publishes both years' tables (illustrative: a holiday
    # week at the turn of the year)
    operator = await make_operator(server)
    for y, table in (
        (year, days(f"{year}-12-28", f"{year}-12-31", "HOLIDAY", "示例假日")),
        (year + 1, days(f"{year + 1}-01-01", f"{year + 1}-01-03", "HOLIDAY", "元旦")),
    ):
        set_ = await gql.data(
            SET_YEAR,
            {"input": {"year": y, "source": f"《{y}年节假日安排》（示例）", "days": table}},
            token=operator.token,
        )
        assert set_["setCalendarYear"]["errors"] == [], set_
        published = await gql.data(PUBLISH_YEAR, {"year": y}, token=operator.token)
        assert published["publishCalendarYear"]["errors"] == [], published

    # then the deadline moved past the holidays, is final, and the change is in the record
    after = await owner_db.fetchrow(
        "SELECT due_on, due_provisional FROM cases WHERE id = $1", case_id
    )
    assert after["due_provisional"] is False
    assert after["due_on"] > row["due_on"]
    events = await owner_db.fetch(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id, f"case:{case_id}",
    )  # fmt: skip
    changed = [e for e in events if e["type"] == "case.deadlineChanged"]
    assert changed, [e["type"] for e in events]
    assert json.loads(changed[-1]["payload"]) == {
        "dueOn": after["due_on"].isoformat(),
        "dueProvisional": False,
    }


async def test_a_county_closure_lengthens_the_deadlines_it_falls_in(server, gql, owner_db):
    # given a case received today, and the county's calendar before any closure
    w = await make_world(server)
    case = await new_case(gql, w)
    received = await owner_db.fetchval(
        "SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date FROM cases WHERE id = $1",
        db_id(case["id"]),
    )
    classify = {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"}
    before = (await act(gql, CLASSIFY, classify, w.admin.token))["case"]["dueOn"]
    # when the county closes its offices on a working day inside the 5-working-day window
    # (a 防汛 emergency) and the case is classified again
    closed_day = official_due(received, 2)
    await act(
        gql,
        ADD_CLOSURE,
        {"input": {"date": closed_day.isoformat(), "reason": "防汛应急响应，全县停止办公"}},
        w.admin.token,
    )
    await act(gql, CLASSIFY, {**classify, "h": "TIME_LIMITED"}, w.admin.token)
    after = (await act(gql, CLASSIFY, classify, w.admin.token))["case"]["dueOn"]
    # then the deadline is one working day later, as the county's calendar counts it, and
    # another county's calendar is untouched
    expected = await gql.data(
        "query($f: Date!, $d: Int!) { workingDeadline(from: $f, days: $d) { due } }",
        {"f": received.isoformat(), "d": 5},
        tenant=w.county.slug,
    )
    assert after == expected["workingDeadline"]["due"]
    assert date.fromisoformat(after) > date.fromisoformat(before)
    other = await make_world(server)
    untouched = await gql.data(
        "query($f: Date!, $d: Int!) { workingDeadline(from: $f, days: $d) { due } }",
        {"f": received.isoformat(), "d": 5},
        tenant=other.county.slug,
    )
    assert untouched["workingDeadline"]["due"] == before
