"""Issue #9's attacks against the domains that landed after the meetings: floods on their
public writes, raw graphql-transport-ws frames on their streams, and what the database's
superuser learns of their secret or personal links (docs/operations.md, "What an attacker
can try").
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from backend.core.limits import Action, Rate
from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.factories import agenda as ag
from tests.factories import decisions as d
from tests.factories import hearings as h
from tests.factories import inquiries as inq
from tests.factories.people import make_user
from tests.factories.tenants import Account, gid, make_county, make_unit
from tests.meetings_api import ok


@contextlib.contextmanager
def budgets(server, action: Action, *, per_user: Rate | None, per_address: Rate | None):
    """Other budgets for `action` during the block (full buckets), then the old ones."""
    limits = server.services.limits
    old_user, old_address = limits.budgets(action)
    limits.replace(action, per_user=per_user, per_address=per_address)
    try:
        yield
    finally:
        limits.replace(action, per_user=old_user, per_address=old_address)


# -- floods on the public writes -------------------------------------------------------------

# A public write: given the county and a fresh resident, what to send twice (two valid
# calls, each its own document and variables) and the table the call adds a row to.
Write = Callable[[Any, Any, Any, Account], Awaitable[tuple[str, list[dict[str, Any]], str]]]


async def _question(server, gql, county, citizen):
    admin = county.admin.token
    unit = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住建委")
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, unit)], name="局长")
    group = {
        "name": "第一组",
        "frequency": "HALF_YEARLY",
        "weekday": 2,
        "startTime": "09:00",
        "durationMinutes": 60,
        "units": [{"unitId": gid("OrgUnit", unit), "leaderId": staff.gid}],
    }
    await inq.ok(gql, inq.CREATE_GROUP, {"i": group}, admin)
    await inq.ok(gql, inq.GENERATE, {"y": 2026}, admin)
    session = (await gql.data(inq.SESSIONS, {"y": 2026}, token=admin))["inquirySessions"][0]
    await inq.ok(gql, inq.START, {"s": session["id"]}, admin)
    calls = [{"s": session["id"], "b": f"问题{i}：路灯何时修"} for i in range(2)]
    return inq.ASK, calls, "inquiry_questions"


async def _proposal(server, gql, county, citizen):
    r = (await ok(gql, ag.OPEN_ROUND, {"y": 2030, "t": "民生实事"}, county.admin.token))["round"]
    calls = [{"r": r["id"], "t": f"项目{i}", "d": "开单说明"} for i in range(2)]
    return ag.PROPOSE, calls, "livelihood_projects"


async def _vote(server, gql, county, citizen):
    admin = county.admin.token
    r = (await ok(gql, ag.OPEN_ROUND, {"y": 2031, "t": "民生实事"}, admin))["round"]["id"]
    projects = []
    for i in range(2):
        made = await ok(gql, ag.PROPOSE, {"r": r, "t": f"项目{i}", "d": "开单"}, admin)
        await ok(gql, ag.REVIEW, {"p": made["projectId"], "s": True}, admin)
        projects.append(made["projectId"])
    await ok(gql, ag.OPEN_VOTING, {"r": r, "c": ag.later()}, admin)
    return ag.VOTE, [{"p": p} for p in projects], "livelihood_votes"


async def _application(server, gql, county, citizen):
    hearings = [await h.make_hearing(gql, county, title=f"水价听证会{i}") for i in range(2)]
    calls = [{"h": x.id, "c": "PUBLIC", "s": "报名说明"} for x in hearings]
    return h.APPLY, calls, "hearing_applications"


async def _comment(server, gql, county, citizen):
    admin = county.admin.token
    decision = (
        await d.act(
            gql, d.CREATE, {"i": {"title": "停车办法", "leadUnitId": county.root_gid}}, admin
        )
    )["decision"]["id"]
    await d.add_version(gql, admin, decision, text="第一条 总则。\n第二条 收费。")
    await d.open_consultation(gql, admin, decision)
    return d.COMMENT, [{"d": decision, "b": f"意见{i}"} for i in range(2)], "decision_opinions"


async def _request(server, gql, county, citizen):
    calls = [
        {"i": {"name": "王某", "phone": "13812345678", "description": f"申请公开{i}"}}
        for i in range(2)
    ]
    return ag.FILE_REQUEST, calls, "information_requests"


PUBLIC_WRITES: dict[Action, Write] = {
    Action.INQUIRY_QUESTION: _question,
    Action.LIVELIHOOD_PROPOSAL: _proposal,
    Action.LIVELIHOOD_VOTE: _vote,
    Action.HEARING_APPLICATION: _application,
    Action.DECISION_COMMENT: _comment,
    Action.INFORMATION_REQUEST: _request,
}


@pytest.mark.parametrize("action", list(PUBLIC_WRITES), ids=lambda a: a.value)
@pytest.mark.parametrize("per", ["user", "address"])
async def test_a_flood_of_public_writes_is_refused_before_anything_is_written(
    server, gql, owner_db, action, per
):
    # given: a county, a resident, two valid calls, and a budget of one call (per person,
    # or per address: the test's clients all come from 127.0.0.1)
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="居民")
    document, calls, table = await PUBLIC_WRITES[action](server, gql, county, citizen)
    one = Rate(1, 3600)
    limits = {"per_user": one, "per_address": None} if per == "user" else {
        "per_user": None, "per_address": one}  # fmt: skip
    count = f"SELECT count(*) FROM {table} WHERE tenant_id = $1"
    with budgets(server, action, **limits):
        # when: the resident sends both
        first = await gql.execute(document, calls[0], token=citizen.token)
        rows = await owner_db.fetchval(count, county.id)
        second = await gql.execute(document, calls[1], token=citizen.token)

    # then: the first is done, the second refused as a flood, with nothing written
    (done,) = first["data"].values()
    assert done["errors"] == [], first
    (refused,) = second["data"].values()
    assert [e["code"] for e in refused["errors"]] == ["RATE_LIMITED"], second
    assert refused["errors"][0]["message"].startswith("操作过于频繁")
    assert await owner_db.fetchval(count, county.id) == rows


def test_every_public_write_has_its_budgets_in_the_settings():
    from backend.core.settings import Settings

    settings = Settings()
    for action in PUBLIC_WRITES:
        for kind in ("user", "address"):
            assert Rate.parse(getattr(settings, f"rate_{action.value}_{kind}")) is not None
    with pytest.raises(ValueError, match="rate must look like"):
        Settings(rate_livelihood_vote_user="many")


_ = uuid  # used by the stream tests below
