"""The county's rulebook over the API (`countyRules`, `setCountyRule`, `resetCountyRule`) and
the audit log's filters (`auditLog(action, actor, since, until)`): what the staff console's
administration pages use (docs/console.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from backend.people.models import Role
from tests.factories.people import make_user
from tests.factories.tenants import make_county, make_unit

RULES = """query { countyRules { key title value unit amount source overridden reason
  bindingMinimum belowBindingMinimum defaultValue defaultUnit defaultAmount defaultSource
  note citation } }"""

SET = """mutation($input: SetCountyRuleInput!) { setCountyRule(input: $input) {
  rule { key value unit amount source overridden reason belowBindingMinimum citation }
  errors { field code message } } }"""

RESET = """mutation($key: String!) { resetCountyRule(key: $key) {
  rule { key value overridden source } errors { field code message } } }"""

AUDIT = """query($action: String, $actor: String, $since: DateTime, $until: DateTime) {
  auditLog(action: $action, actor: $actor, since: $since, until: $until, first: 50) {
    edges { node { action actor before after createdAt } } } }"""

COMMENT = "decision.public_comment_period"


async def settings(owner_db, county_id: int) -> dict:
    raw = await owner_db.fetchval("SELECT settings FROM tenants WHERE id = $1", county_id)
    return json.loads(raw) if isinstance(raw, str) else raw


async def test_the_rulebook_lists_every_rule_with_its_default_and_legal_source(server, gql):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, county.root_id)])
    rules = (await gql.data(RULES, token=staff.token))["countyRules"]
    by_key = {r["key"]: r for r in rules}
    comment = by_key[COMMENT]
    assert comment["value"] == comment["defaultValue"] == 30
    assert comment["unit"] == "CALENDAR_DAYS" and comment["amount"] == "30日"
    assert comment["bindingMinimum"] is True and comment["overridden"] is False
    assert "重大行政决策程序暂行条例" in comment["source"] and "第十五条" in comment["source"]
    assert comment["citation"].startswith("依据《重大行政决策程序暂行条例》")
    assert by_key["meeting.forum_materials_lead"]["unit"] == "WORKING_DAYS"
    anonymous = await gql.execute(RULES, tenant=county.slug)
    assert anonymous["data"] is None


async def test_a_county_sets_a_rule_and_going_below_a_binding_minimum_needs_a_reason(
    server, gql, owner_db
):
    county = await make_county(server)
    token = county.admin.token
    # a value below the national minimum without a reason: refused naming the rule and source
    refused = (
        await gql.data(
            SET, {"input": {"key": COMMENT, "value": 10, "source": "本县制度第九条"}}, token=token
        )
    )["setCountyRule"]
    assert refused["rule"] is None
    (error,) = refused["errors"]
    assert error["field"] == "value" and error["code"] == "INVALID"
    assert "重大行政决策程序暂行条例" in error["message"] and "30日" in error["message"]
    assert "理由" in error["message"]
    assert "rules" not in (await settings(owner_db, county.id))
    # nonsense values and a blank source: refused on their fields, nothing written
    for patch, field in (({"value": 0}, "value"), ({"source": "  "}, "source")):
        body = {"key": COMMENT, "value": 40, "source": "本县制度第九条"} | patch
        errors = (await gql.data(SET, {"input": body}, token=token))["setCountyRule"]["errors"]
        assert [e["field"] for e in errors] == [field], errors
    unknown = (
        await gql.data(SET, {"input": {"key": "no.such", "value": 3, "source": "x"}}, token=token)
    )["setCountyRule"]["errors"]
    assert [(e["field"], e["code"]) for e in unknown] == [("key", "NOT_FOUND")]
    wrong_unit = (
        await gql.data(
            SET,
            {
                "input": {
                    "key": "meeting.hearing_min_representatives",
                    "value": 12,
                    "unit": "WORKING_DAYS",
                    "source": "x",
                }
            },
            token=token,
        )
    )["setCountyRule"]["errors"]
    assert [e["field"] for e in wrong_unit] == ["unit"]
    assert "rules" not in (await settings(owner_db, county.id))

    # with the reason it is accepted; the citation publishes the reason
    done = (
        await gql.data(
            SET,
            {
                "input": {
                    "key": COMMENT,
                    "value": 10,
                    "source": "《某县重大行政决策公众参与制度》第九条",
                    "reason": "汛期抢险工程，情况紧急",
                }
            },
            token=token,
        )
    )["setCountyRule"]
    assert done["errors"] == []
    rule = done["rule"]
    assert rule["value"] == 10 and rule["overridden"] and rule["belowBindingMinimum"]
    assert "汛期抢险工程" in rule["citation"] and "30日" in rule["citation"]
    stored = (await settings(owner_db, county.id))["rules"][COMMENT]
    assert stored == {
        "value": 10,
        "source": "《某县重大行政决策公众参与制度》第九条",
        "reason": "汛期抢险工程，情况紧急",
    }
    listed = {r["key"]: r for r in (await gql.data(RULES, token=token))["countyRules"]}
    assert listed[COMMENT]["value"] == 10 and listed[COMMENT]["defaultValue"] == 30

    # a working-day value for a calendar-day rule; then back to the default
    hearing = (
        await gql.data(
            SET,
            {
                "input": {
                    "key": "meeting.hearing_notice",
                    "value": 12,
                    "unit": "WORKING_DAYS",
                    "source": "本县规定",
                }
            },
            token=token,
        )
    )["setCountyRule"]
    assert hearing["errors"] == [] and hearing["rule"]["amount"] == "12个工作日"
    reset = (await gql.data(RESET, {"key": COMMENT}, token=token))["resetCountyRule"]
    assert reset["errors"] == [] and reset["rule"]["value"] == 30
    assert not reset["rule"]["overridden"]
    again = (await gql.data(RESET, {"key": COMMENT}, token=token))["resetCountyRule"]
    assert [e["field"] for e in again["errors"]] == ["key"]
    assert COMMENT not in (await settings(owner_db, county.id))["rules"]

    # a township's admin may not change the county's rulebook
    township = await make_unit(server, county)
    scoped = await make_user(server, county, roles=[(Role.TENANT_ADMIN, township)])
    body = await gql.execute(
        SET, {"input": {"key": COMMENT, "value": 40, "source": "x"}}, token=scoped.token
    )
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # every change is in the audit log, with the rule before and after
    log = (await gql.data(AUDIT, {"action": "rule.set"}, token=token))["auditLog"]["edges"]
    assert [e["node"]["after"]["key"] for e in log] == ["meeting.hearing_notice", COMMENT]
    assert log[1]["node"]["before"]["value"] == 30 and log[1]["node"]["after"]["value"] == 10
    resets = (await gql.data(AUDIT, {"action": "rule.reset"}, token=token))["auditLog"]["edges"]
    assert [e["node"]["before"]["value"] for e in resets] == [10]


async def test_the_audit_log_filters_by_actor_and_date_range(server, gql):
    county = await make_county(server, name="筛选县")
    other_admin = await make_user(
        server, county, roles=[(Role.TENANT_ADMIN, None)], name="李_管理员%"
    )
    await make_unit(server, county, name="甲乡")
    for token, value in ((county.admin.token, 11), (other_admin.token, 12)):
        body = {"key": "meeting.hearing_notice", "value": value, "source": "本县规定"}
        assert (await gql.data(SET, {"input": body}, token=token))["setCountyRule"]["errors"] == []
    token = county.admin.token

    async def actors(**filters: str) -> list[str]:
        edges = (await gql.data(AUDIT, {"action": "rule.set"} | filters, token=token))["auditLog"]
        return [e["node"]["actor"] for e in edges["edges"]]

    both = await actors()
    assert len(both) == 2
    (mine,) = await actors(actor="李_管理员%")  # LIKE's wildcards are matched as text
    assert "李_管理员%" in mine
    assert await actors(actor="李x管理员") == []
    now = datetime.now(UTC)
    assert len(await actors(since=(now - timedelta(hours=1)).isoformat())) == 2
    assert await actors(since=(now + timedelta(hours=1)).isoformat()) == []
    assert await actors(until=(now - timedelta(hours=1)).isoformat()) == []


UPDATE_VENUE = """mutation($input: UpdateVenueInput!) { updateVenue(input: $input) {
  venue { id name address level } errors { field code message } } }"""


async def test_a_venue_is_renamed_and_readdressed_and_a_clashing_name_is_refused(
    server, gql, owner_db
):
    from tenants.models import OrgUnitKind, VenueLevel
    from tests.factories.tenants import gid, make_venue

    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    first = await make_venue(server, county, unit_id=township, level=VenueLevel.OFFICE, name="甲处")
    await make_venue(server, county, unit_id=township, level=VenueLevel.OFFICE, name="乙处")
    token = county.admin.token
    clash = (
        await gql.data(
            UPDATE_VENUE, {"input": {"id": gid("Venue", first), "name": "乙处"}}, token=token
        )
    )["updateVenue"]
    assert clash["venue"] is None and [e["field"] for e in clash["errors"]] == ["name"]
    assert await owner_db.fetchval("SELECT name FROM venues WHERE id = $1", first) == "甲处"
    done = (
        await gql.data(
            UPDATE_VENUE,
            {
                "input": {
                    "id": gid("Venue", first),
                    "name": "北屏乡群众说事处",
                    "address": "北屏乡政府一楼",
                }
            },
            token=token,
        )
    )["updateVenue"]
    assert done["errors"] == []
    assert done["venue"] == {
        "id": gid("Venue", first),
        "name": "北屏乡群众说事处",
        "address": "北屏乡政府一楼",
        "level": "OFFICE",
    }
    log = (await gql.data(AUDIT, {"action": "venue.update"}, token=token))["auditLog"]["edges"]
    assert [(e["node"]["before"]["name"], e["node"]["after"]["name"]) for e in log] == [
        ("甲处", "北屏乡群众说事处")
    ]


ACTIVE = """mutation($u: ID!, $a: Boolean!) { setUserActive(userId: $u, active: $a) {
  user { id isActive } errors { field code message } } }"""


async def test_an_account_is_disabled_at_once_and_enabled_again(server, gql, owner_db):
    from tests.factories.people import PASSWORD

    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, county.root_id)])
    token = county.admin.token
    me = "query { viewer { user { id } } }"
    assert (await gql.data(me, token=staff.token))["viewer"]["user"] is not None
    done = (await gql.data(ACTIVE, {"u": staff.gid, "a": False}, token=token))["setUserActive"]
    assert done["errors"] == [] and done["user"]["isActive"] is False
    # its access token stops working at once, and it cannot sign in
    gone = await gql.execute(me, token=staff.token)
    assert gone.get("data") is None or gone["data"]["viewer"]["user"] is None, gone
    login = """mutation($i: LoginInput!) { login(input: $i) { tokens { accessToken }
      errors { field message } } }"""
    refused = (
        await gql.data(
            login, {"i": {"phone": staff.phone, "password": PASSWORD}}, tenant=county.slug
        )
    )["login"]
    assert refused["tokens"] is None and "停用" in refused["errors"][0]["message"]
    twice = (await gql.data(ACTIVE, {"u": staff.gid, "a": False}, token=token))["setUserActive"]
    assert [e["field"] for e in twice["errors"]] == ["userId"]
    # not oneself, not the last county-wide admin
    own = (await gql.data(ACTIVE, {"u": county.admin.gid, "a": False}, token=token))[
        "setUserActive"
    ]
    assert [e["field"] for e in own["errors"]] == ["userId"]
    back = (await gql.data(ACTIVE, {"u": staff.gid, "a": True}, token=token))["setUserActive"]
    assert back["errors"] == [] and back["user"]["isActive"] is True
    log = (await gql.data(AUDIT, {"action": "user.deactivate"}, token=token))["auditLog"]
    assert [e["node"]["after"]["isActive"] for e in log["edges"]] == [False]


async def test_the_app_role_updates_only_its_own_countys_settings(server, owner_db):
    """What the rule mutations may write, tried in SQL as the service's request role: its own
    county's `settings` only; another county's row is invisible to the update, and any other
    column of the registry is refused."""
    a = await make_county(server)
    b = await make_county(server)
    before_b = await owner_db.fetchrow("SELECT slug, settings FROM tenants WHERE id = $1", b.id)
    async with owner_db.transaction():
        await owner_db.execute("SET LOCAL ROLE yishi_app")
        await owner_db.execute("SELECT set_config('app.tenant_id', $1, true)", str(a.id))
        own = await owner_db.execute(
            """UPDATE tenants SET settings = settings || '{"probe": 1}'::jsonb WHERE id = $1""",
            a.id,
        )
        assert own == "UPDATE 1"
        other = await owner_db.execute(
            """UPDATE tenants SET settings = settings || '{"probe": 1}'::jsonb WHERE id = $1""",
            b.id,
        )
        assert other == "UPDATE 0"
        every = await owner_db.execute(
            """UPDATE tenants SET settings = settings || '{"probe": 2}'::jsonb"""
        )
        assert every == "UPDATE 1"
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with owner_db.transaction():
                await owner_db.execute("UPDATE tenants SET slug = 'x' || slug WHERE id = $1", a.id)
        await owner_db.execute("RESET ROLE")
        await owner_db.execute(
            "UPDATE tenants SET settings = settings - 'probe' WHERE id = $1", a.id
        )
    assert await owner_db.fetchrow("SELECT slug, settings FROM tenants WHERE id = $1", b.id) == (
        before_b
    )
