"""The demo county's cases (`yishi demo`, backend/server/demo_cases.py) give the statistics,
the ranking, the hot-topic board and the 金点子 bank something to show: a few hundred
cases across channels, units and states, read back through the API as its admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from backend.server.demo import DEMO_SLUG, PEOPLE, seed
from backend.server.demo_cases import DEMO_CASES
from tests.factories.people import token_for

STATS = """
query($p: PeriodInput!, $g: GroupBy!) {
  caseStatistics(period: $p, groupBy: $g) {
    groups { key received closed }
    total { received closed closingRate onTimeRate satisfactionRate responseRate }
  }
}"""
BOARD = """
query($p: PeriodInput!) {
  caseHotTopics(period: $p, limit: 10) { total keywords { key count trend } places { key } }
  goldenIdeas(first: 5) { edges { node { title } } }
}"""


async def test_the_demo_cases_fill_the_statistics_board_and_bank(server, gql, owner_db):
    await seed(server.services.db, server.services.passwords)
    await seed(server.services.db, server.services.passwords)  # again: nothing more
    tenant_id = await owner_db.fetchval("SELECT id FROM tenants WHERE slug = $1", DEMO_SLUG)
    counts = await owner_db.fetchrow(
        "SELECT count(*) AS cases, count(DISTINCT channel) AS channels, "
        "count(DISTINCT state) AS states, count(DISTINCT accountable_unit_id) AS units "
        "FROM cases WHERE tenant_id = $1",
        tenant_id,
    )
    assert counts["cases"] == DEMO_CASES == 240
    assert counts["channels"] == 6  # every channel but IMPORT (the ledger's)
    assert counts["states"] == 6  # every state but MERGED
    assert counts["units"] >= 10
    admin_phone = PEOPLE[0][1]
    admin_id = await owner_db.fetchval(
        "SELECT id FROM users WHERE tenant_id = $1 AND right(phone, 11) = $2",
        tenant_id,
        admin_phone,
    )
    token = token_for(server, tenant_id, admin_id)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the county's day
    period = {"from": (today - timedelta(days=200)).isoformat(), "to": today.isoformat()}

    by_channel = (await gql.data(STATS, {"p": period, "g": "CHANNEL"}, token=token))[
        "caseStatistics"
    ]
    total = by_channel["total"]
    assert total["received"] == 240 and 0 < total["closed"] < 240
    for rate in ("closingRate", "onTimeRate", "satisfactionRate", "responseRate"):
        assert total[rate] is not None and 0 < total[rate] <= 100, rate
    assert len(by_channel["groups"]) == 6
    by_unit = (await gql.data(STATS, {"p": period, "g": "UNIT"}, token=token))["caseStatistics"]
    assert len(by_unit["groups"]) >= 10

    board = await gql.data(BOARD, {"p": period}, token=token)
    assert board["caseHotTopics"]["total"] == 240
    assert len(board["caseHotTopics"]["keywords"]) == 10
    assert board["caseHotTopics"]["keywords"][0]["count"] >= 10
    assert len(board["caseHotTopics"]["places"]) >= 3
    assert len(board["goldenIdeas"]["edges"]) == 5
