"""The streams of the representatives domain (`representative:`, `proposal:`,
`wconsultation:`, `counterpart:`): every type the workflows append is declared with its
payload (the app checks each append against it), the county's staff and representatives
read the log as recorded, anyone else is refused, and another county finds nothing."""

from __future__ import annotations

from backend.people.models import Role
from backend.representatives.events import (
    CONSULTATION_EVENTS,
    COUNTERPART_EVENTS,
    PROPOSAL_EVENTS,
    REPRESENTATIVE_EVENTS,
)
from realtime import streams
from tests.cases_world import make_world
from tests.factories.people import make_user
from tests.factories.representatives import (
    ANSWER,
    ASSIGN,
    RATE,
    RECORD_COUNTERPART,
    REGISTER_PROPOSAL,
    REPLY,
    SEND,
    TAKE,
    deputy,
    link,
    ok,
    register,
)
from tests.factories.tenants import db_id, make_county

EVENTS = "query($s: String!) { streamEvents(stream: $s) { seq type payload actorId } }"


async def test_every_stream_kind_is_registered_with_its_declared_types():
    kinds = streams.kinds()
    for types in (REPRESENTATIVE_EVENTS, PROPOSAL_EVENTS, CONSULTATION_EVENTS, COUNTERPART_EVENTS):
        assert kinds[types.kind].events is types


async def test_working_readers_see_the_log_others_are_refused(server, gql, owner_db):
    w = await make_world(server)
    account = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)])
    rep = await register(gql, w.county, deputy(userId=account.gid, phone="13812345678"))
    await link(gql, w.county, rep["id"], w.unit(w.village), "2026-01-01")
    proposal = (
        await ok(gql, REGISTER_PROPOSAL, {"r": rep["id"], "t": "建议", "b": "内容"}, account.token)
    )["proposal"]
    await ok(gql, ASSIGN, {"p": proposal["id"], "l": w.unit(w.department)}, w.admin.token)
    await ok(gql, TAKE, {"p": proposal["id"], "u": w.admin.gid}, w.admin.token)
    await ok(gql, REPLY, {"p": proposal["id"], "b": "答复"}, w.department_staff.token)
    await ok(gql, RATE, {"p": proposal["id"], "s": "SATISFIED"}, account.token)
    sent = await ok(
        gql,
        SEND,
        {
            "input": {
                "senderUnitId": w.unit(w.department),
                "title": "征询",
                "draft": "稿",
                "representativeIds": [rep["id"]],
            }
        },
        w.admin.token,
    )
    consultation = sent["consultation"]
    await ok(gql, ANSWER, {"r": consultation["recipients"][0]["id"], "b": "同意"}, account.token)
    session = await ok(
        gql,
        RECORD_COUNTERPART,
        {
            "input": {
                "departmentId": w.unit(w.department),
                "committee": "县人大城建环保委",
                "title": "对口协商",
                "heldOn": "2026-01-05",
                "topics": ["城建"],
                "participants": [{"representativeId": rep["id"]}],
            }
        },
        w.admin.token,
    )
    names = [
        rep["stream"],
        proposal["stream"],
        consultation["stream"],
        f"counterpart:{db_id(session['session']['id'])}",
    ]

    for stream in names:
        logged = await owner_db.fetch(
            "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
            w.county.id,
            stream,
        )
        assert logged, stream
        for who in (w.admin, w.department_staff, account):
            seen = (await gql.data(EVENTS, {"s": stream}, token=who.token))["streamEvents"]
            assert [e["type"] for e in seen] == [r["type"] for r in logged], (stream, who)
            assert all("13812345678" not in str(e["payload"]) for e in seen)
        for who in (w.citizen, w.mediator, w.collector):
            body = await gql.execute(EVENTS, {"s": stream}, token=who.token)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (stream, body)
        anonymous = await gql.execute(EVENTS, {"s": stream}, tenant=w.county.slug)
        assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    proposal_types = [
        r["type"]
        for r in await owner_db.fetch(
            "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
            w.county.id,
            proposal["stream"],
        )
    ]
    assert proposal_types == [
        "proposal.registered",
        "proposal.assigned",
        "proposal.taken",
        "proposal.replied",
        "proposal.rated",
    ]

    # another county's admin reads nothing of A's streams
    other = await make_county(server, name="邻县")
    seen = await gql.data(EVENTS, {"s": proposal["stream"]}, token=other.admin.token)
    assert seen["streamEvents"] == []
