"""A representative's personal data (PIPL): their copy includes their record (name, unit,
phone, places, proposals); erasing their account blanks the phone and unlinks the
account, while the public record of their office (name, places, proposals) stays."""

from __future__ import annotations

from backend.people.models import Role
from tests.cases_world import make_world
from tests.factories.people import make_user
from tests.factories.representatives import (
    REGISTER_PROPOSAL,
    REP_NODE,
    deputy,
    link,
    ok,
    register,
)
from tests.test_personal_data import ERASE, EXPORT, section


async def test_the_copy_holds_the_record_and_erasure_blanks_the_phone(server, gql, owner_db):
    w = await make_world(server)
    account = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)], name="代表")
    rep = await register(
        gql, w.county, deputy("代表", userId=account.gid, phone="13812345678", unit="县医院")
    )
    await link(gql, w.county, rep["id"], w.unit(w.village), "2026-01-01")
    await ok(
        gql, REGISTER_PROPOSAL, {"r": rep["id"], "t": "关于医保的建议", "b": "内容"}, account.token
    )

    mine = (await ok(gql, EXPORT, {}, account.token))["data"]
    (record,) = section(mine, "representatives")["representatives"]
    assert (record["name"], record["unit"], record["phone"]) == ("代表", "县医院", "13812345678")
    assert [p["startsOn"] for p in record["places"]] == ["2026-01-01"]
    assert [p["title"] for p in record["proposals"]] == ["关于医保的建议"]

    await ok(gql, ERASE, {"u": account.gid, "r": "本人申请"}, w.admin.token)
    row = await owner_db.fetchrow(
        "SELECT name, phone, user_id FROM representatives WHERE tenant_id = $1", w.county.id
    )
    assert (row["name"], row["phone"], row["user_id"]) == ("代表", None, None)
    node = (await gql.data(REP_NODE, {"id": rep["id"]}, token=w.admin.token))["node"]
    assert (node["phone"], len(node["places"])) == (None, 1)
