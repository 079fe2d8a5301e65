"""Hearings over the API (issue 14, Hearings): the notice and seat rules, applications by
category, the verifiable draw end to end — the JSON the API publishes is exactly what
`yishi draw verify` reads — and every refusal of the draw, each leaving nothing written."""

from __future__ import annotations

import json
from datetime import timedelta

from backend.hearings import draw
from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.hearings import (
    ADD_WITNESS,
    APPLY,
    CLOSE,
    CREATE,
    DRAW,
    HEARING,
    OPEN,
    PUBLISH,
    REVEAL,
    add_applicants,
    drawn_hearing,
    hearing_input,
    make_hearing,
    ok,
    quotas,
)
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.statements import fewest_statements
from tests.test_hearings_draw import run_verify


async def call(gql, query, variables, token):
    data = await gql.data(query, variables, token=token)
    (result,) = data.values()
    return result


async def test_a_notice_later_than_ten_days_before_the_hearing_is_refused_citing_the_rule(
    server, gql, owner_db
):
    county = await make_county(server)
    scene = await make_hearing(gql, county, noticed=False, starts_in=timedelta(days=8))
    before = await county_rows(owner_db, county.id)

    result = await call(gql, PUBLISH, {"h": scene.id}, county.admin.token)

    (error,) = result["errors"]
    assert (error["code"], error["field"]) == ("NOTICE_TOO_LATE", "startsAt")
    assert "第十二条" in error["message"] and "（10日）" in error["message"]
    assert "不符合规定" in error["message"]
    assert result["hearing"] is None
    assert await county_rows(owner_db, county.id) == before
    node = (await gql.data(HEARING, {"id": scene.id}, token=county.admin.token))["node"]
    assert node["state"] == "DRAFT"


async def test_a_notice_eleven_days_before_is_published_with_everything_the_rule_lists(server, gql):
    county = await make_county(server)
    scene = await make_hearing(gql, county, noticed=False, starts_in=timedelta(days=11))

    result = await ok(gql, PUBLISH, {"h": scene.id}, county.admin.token)

    hearing = result["hearing"]
    assert hearing["state"] == "NOTICED"
    assert hearing["totalSeats"] == 10
    assert hearing["algorithm"] == draw.ALGORITHM and hearing["algorithmVersion"] == "1"
    assert [w["commitment"] for w in hearing["witnesses"]] == [
        draw.commitment(scene.db_id, w.secret) for w in scene.witnesses
    ]
    assert [w["secret"] for w in hearing["witnesses"]] == [None, None]
    events = (
        await gql.data(
            "query($s: String!) { streamEvents(stream: $s) { type payload } }",
            {"s": hearing["stream"]},
            tenant=county.slug,
        )
    )["streamEvents"]
    notice = events[-1]
    assert notice["type"] == "hearing.noticePublished"
    assert notice["payload"]["place"] == "县政府三楼会议室"
    assert notice["payload"]["commitments"] == [w["commitment"] for w in hearing["witnesses"]]
    assert notice["payload"]["quotas"][0] == {
        "category": "STAKEHOLDER",
        "seats": 4,
        "alternates": 2,
    }


async def test_fewer_than_ten_seats_is_refused_citing_the_rule_and_nothing_is_written(
    server, gql, owner_db
):
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)
    nine = quotas(("STAKEHOLDER", 5, 1), ("PUBLIC", 4, 0))

    result = await call(
        gql, CREATE, {"input": hearing_input(county, seats=nine)}, county.admin.token
    )

    (error,) = result["errors"]
    assert (error["code"], error["field"]) == ("TOO_FEW_SEATS", "quotas")
    assert "共9人" in error["message"] and "第十三条" in error["message"]
    assert await county_rows(owner_db, county.id) == before


async def test_a_county_that_sets_its_own_minimum_is_held_to_it(server, gql, owner_db):
    county = await make_county(server)
    await owner_db.execute(
        "UPDATE tenants SET settings = $2::jsonb WHERE id = $1",
        county.id,
        json.dumps(
            {
                "rules": {
                    "meeting.hearing_min_representatives": {
                        "value": 15,
                        "source": "《某县听证办法》第八条",
                    }
                }
            }
        ),
    )
    result = await call(gql, CREATE, {"input": hearing_input(county)}, county.admin.token)
    (error,) = result["errors"]
    assert error["code"] == "TOO_FEW_SEATS"
    assert "《某县听证办法》第八条（15人）" in error["message"]


async def test_applications_by_category_once_per_person_while_open(server, gql, owner_db):
    county = await make_county(server)
    scene = await make_hearing(gql, county, opened=False)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    early = await call(gql, APPLY, {"h": scene.id, "c": "PUBLIC", "s": "我想参加"}, citizen.token)
    assert [e["code"] for e in early["errors"]] == ["INVALID_STATE"]
    await ok(gql, OPEN, {"h": scene.id}, county.admin.token)

    applied = await ok(
        gql, APPLY, {"h": scene.id, "c": "PUBLIC", "s": "我是城区居民"}, citizen.token
    )
    other = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    before = await county_rows(owner_db, county.id)
    again = await call(gql, APPLY, {"h": scene.id, "c": "STAKEHOLDER", "s": "再报"}, citizen.token)
    unknown = await call(gql, APPLY, {"h": scene.id, "c": "LEGAL", "s": "律师"}, other.token)

    assert len(applied["application"]["poolId"]) == 16
    assert applied["hearing"]["applicantCount"] == 1
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("DUPLICATE", "hearingId")]
    assert [(e["code"], e["field"]) for e in unknown["errors"]] == [
        ("UNKNOWN_CATEGORY", "category")
    ]
    assert await county_rows(owner_db, county.id) == before
    mine = (await gql.data(HEARING, {"id": scene.id}, token=citizen.token))["node"]
    assert mine["myApplication"]["poolId"] == applied["application"]["poolId"]
    assert mine["applications"] is None  # people are for organisers
    assert mine["pool"] == []  # not frozen yet

    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)
    late = await call(gql, APPLY, {"h": scene.id, "c": "PUBLIC", "s": "晚了"}, other.token)
    assert [e["code"] for e in late["errors"]] == ["INVALID_STATE"]


async def test_the_published_draw_is_exactly_what_yishi_draw_verify_reproduces(
    server, gql, tmp_path
):
    county = await make_county(server)
    scene = await drawn_hearing(server, gql, county)

    # what anyone of the county reads, without signing in
    hearing = (await gql.data(HEARING, {"id": scene.id}, tenant=county.slug))["node"]
    text = hearing["drawPublication"]
    published = tmp_path / "draw.json"
    published.write_text(text, encoding="utf-8")
    result = run_verify(published)

    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"MATCH hearing {scene.db_id}: seed {hearing['seed']}")
    doc = json.loads(text)
    assert draw.dumps(doc) == text  # canonical (RFC 8785) as published
    assert doc["poolHash"] == hearing["poolHash"]
    assert doc["reveals"] == [w.secret for w in scene.witnesses]
    assert {a["id"] for a in doc["pool"]["applicants"]} == {p["poolId"] for p in hearing["pool"]}
    by_category = {r["category"]: r for r in doc["results"]}
    assert [(c, len(r["selected"]), len(r["alternates"]), r["probability"]) for c, r in by_category.items()] == [
        ("STAKEHOLDER", 4, 2, "2/3"),
        ("PUBLIC", 3, 0, "1/1"),
        ("EXPERT", 1, 0, "1/1"),
    ]  # fmt: skip
    outcomes = {
        p["poolId"]: (p["outcome"], p["alternateRank"], p["probability"]) for p in hearing["pool"]
    }
    for rank, pid in enumerate(by_category["STAKEHOLDER"]["alternates"], start=1):
        assert outcomes[pid] == ("ALTERNATE", rank, "2/3")
    selected = [p for p in hearing["pool"] if p["outcome"] == "SELECTED"]
    assert len(selected) == 8
    assert {p["poolId"] for p in selected} == {pid for r in doc["results"] for pid in r["selected"]}

    # one applicant changed, or one secret: the command says MISMATCH
    changed = json.loads(text)
    first = changed["pool"]["applicants"][0]  # moved to another category than its own
    first["category"] = "EXPERT" if first["category"] != "EXPERT" else "PUBLIC"
    (tmp_path / "applicant.json").write_text(json.dumps(changed), encoding="utf-8")
    assert run_verify(tmp_path / "applicant.json").returncode == 1
    secret = json.loads(text)
    secret["reveals"][0] += "x"
    (tmp_path / "secret.json").write_text(json.dumps(secret), encoding="utf-8")
    out = run_verify(tmp_path / "secret.json")
    assert out.returncode == 1
    assert "  - reveal of witness 1 does not match its commitment" in out.stdout.splitlines()


async def test_a_reveal_that_does_not_match_its_commitment_is_refused(server, gql, owner_db):
    county = await make_county(server)
    scene = await make_hearing(gql, county)
    await add_applicants(server, gql, scene, "PUBLIC", 4)
    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)
    before = await county_rows(owner_db, county.id)

    result = await call(
        gql, REVEAL, {"w": scene.witnesses[0].id, "s": "a-different-secret-xyz"}, county.admin.token
    )

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("REVEAL_MISMATCH", "secret")]
    assert "县公证处" in result["errors"][0]["message"]
    assert await county_rows(owner_db, county.id) == before
    witnesses = await owner_db.fetch(
        "SELECT secret FROM hearing_witnesses WHERE hearing_id = $1", scene.db_id
    )
    assert [w["secret"] for w in witnesses] == [None, None]
    # the draw waits for every reveal
    drawn = await call(gql, DRAW, {"h": scene.id}, county.admin.token)
    assert [e["code"] for e in drawn["errors"]] == ["REVEALS_MISSING"]


async def test_a_commitment_registered_after_applications_opened_makes_the_draw_refused(
    server, gql, owner_db
):
    county = await make_county(server)
    scene = await make_hearing(gql, county, witnesses=1)
    late_secret = "late-witness-secret-0000"
    late = await ok(
        gql,
        ADD_WITNESS,
        {"h": scene.id, "n": "县政协观察员", "c": draw.commitment(scene.db_id, late_secret)},
        county.admin.token,
    )
    await add_applicants(server, gql, scene, "STAKEHOLDER", 5)
    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)
    await ok(
        gql,
        REVEAL,
        {"w": scene.witnesses[0].id, "s": scene.witnesses[0].secret},
        county.admin.token,
    )
    await ok(gql, REVEAL, {"w": late["witness"]["id"], "s": late_secret}, county.admin.token)
    before = await county_rows(owner_db, county.id)

    result = await call(gql, DRAW, {"h": scene.id}, county.admin.token)

    (error,) = result["errors"]
    assert error["code"] == "COMMITMENTS_LATE"
    assert "县政协观察员" in error["message"] and "报名开始前" in error["message"]
    assert await county_rows(owner_db, county.id) == before
    state = await owner_db.fetchval("SELECT state FROM hearings WHERE id = $1", scene.db_id)
    assert state == "POOL_FROZEN"


async def test_an_oversubscribed_pool_without_published_commitments_is_not_drawn(
    server, gql, owner_db
):
    county = await make_county(server)
    scene = await make_hearing(gql, county, witnesses=0)
    await add_applicants(server, gql, scene, "PUBLIC", 4)  # 3 seats
    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)
    before = await county_rows(owner_db, county.id)

    result = await call(gql, DRAW, {"h": scene.id}, county.admin.token)

    assert [e["code"] for e in result["errors"]] == ["NO_COMMITMENTS"]
    assert await county_rows(owner_db, county.id) == before


async def test_a_pool_within_the_seats_is_drawn_without_witnesses_everyone_selected(server, gql):
    county = await make_county(server)
    scene = await make_hearing(gql, county, witnesses=0)
    await add_applicants(server, gql, scene, "PUBLIC", 2)
    await add_applicants(server, gql, scene, "EXPERT", 3)
    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)

    result = await ok(gql, DRAW, {"h": scene.id}, county.admin.token)

    hearing = result["hearing"]
    assert hearing["state"] == "DRAWN"
    assert sorted(p["outcome"] for p in hearing["pool"]) == ["SELECTED"] * 5
    assert {p["probability"] for p in hearing["pool"]} == {"1/1"}
    assert draw.verify_publication(json.loads(hearing["drawPublication"])) == []


async def test_public_randomness_named_in_advance_is_required_and_enters_the_seed(server, gql):
    county = await make_county(server)
    source = "中国福利彩票双色球2026年12月20日开奖号码"
    scene = await make_hearing(gql, county, public_randomness_source=source)
    await add_applicants(server, gql, scene, "PUBLIC", 4)
    await ok(gql, CLOSE, {"h": scene.id}, county.admin.token)
    for w in scene.witnesses:
        await ok(gql, REVEAL, {"w": w.id, "s": w.secret}, county.admin.token)

    missing = await call(gql, DRAW, {"h": scene.id}, county.admin.token)
    drawn = await ok(gql, DRAW, {"h": scene.id, "r": "03 08 15 22 27 31 + 12"}, county.admin.token)

    assert [(e["code"], e["field"]) for e in missing["errors"]] == [
        ("PUBLIC_RANDOMNESS_REQUIRED", "publicRandomness")
    ]
    doc = json.loads(drawn["hearing"]["drawPublication"])
    assert (doc["publicRandomnessSource"], doc["publicRandomness"]) == (
        source,
        "03 08 15 22 27 31 + 12",
    )
    assert draw.verify_publication(doc) == []
    assert (
        doc["seed"]
        == draw.seed(scene.db_id, doc["poolHash"], doc["reveals"], "03 08 15 22 27 31 + 12").hex()
    )


async def test_the_hearing_stream_verifies_as_a_record_and_the_public_sees_no_actor(server, gql):
    county = await make_county(server)
    scene = await drawn_hearing(server, gql, county)
    stream = f"hearing:{scene.db_id}"

    public = await gql.data(
        "query($s: String!) { streamEvents(stream: $s, first: 100) { type actorId payload } "
        "verifyStream(stream: $s) { valid events sealed problems } }",
        {"s": stream},
        tenant=county.slug,
    )
    organiser = (
        await gql.data(
            "query($s: String!) { streamEvents(stream: $s, first: 100) { type actorId } }",
            {"s": stream},
            token=county.admin.token,
        )
    )["streamEvents"]

    types = [e["type"] for e in public["streamEvents"]]
    assert types == [
        "hearing.created",
        "hearing.witnessAdded",
        "hearing.witnessAdded",
        "hearing.noticePublished",
        "hearing.applicationsOpened",
        *["hearing.applied"] * 10,
        "hearing.poolFrozen",
        "hearing.secretRevealed",
        "hearing.secretRevealed",
        "hearing.drawn",
    ]
    assert public["verifyStream"] == {
        "valid": True,
        "events": len(types),
        "sealed": False,
        "problems": [],
    }
    assert {e["actorId"] for e in public["streamEvents"]} == {None}
    assert organiser[0]["actorId"] == county.admin.user_id
    drawn = public["streamEvents"][-1]["payload"]
    node = (await gql.data(HEARING, {"id": scene.id}, tenant=county.slug))["node"]
    assert drawn["seed"] == node["seed"]
    import hashlib

    assert (
        drawn["publicationSha256"] == hashlib.sha256(node["drawPublication"].encode()).hexdigest()
    )
    # no payload names a person
    text = json.dumps(public["streamEvents"], ensure_ascii=False)
    for person in scene.applicants.values():
        assert person.phone not in text


async def test_a_draft_is_not_found_to_the_public(server, gql):
    county = await make_county(server)
    scene = await make_hearing(gql, county, noticed=False)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])

    node = (await gql.data(HEARING, {"id": scene.id}, token=citizen.token))["node"]
    listed = (await gql.data("{ hearings { edges { node { id } } } }", token=citizen.token))[
        "hearings"
    ]["edges"]
    staff = (await gql.data("{ hearings { edges { node { id } } } }", token=county.admin.token))[
        "hearings"
    ]["edges"]

    assert node is None
    assert listed == []
    assert [e["node"]["id"] for e in staff] == [scene.id]


async def test_the_hearings_page_costs_the_same_statements_for_2_and_6_hearings(server, gql):

    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    for _ in range(6):
        scene = await make_hearing(gql, county)
        await ok(gql, APPLY, {"h": scene.id, "c": "PUBLIC", "s": "城区居民"}, citizen.token)
    page = (
        "query($first: Int) { hearings(first: $first) { edges { node { id title "
        "witnesses { commitment } pool { poolId } applications { statement } "
        "myApplication { poolId } confirmations { poolId } reportViews { summary } } } "
        "pageInfo { hasNextPage } } }"
    )
    await gql.data(page, {"first": 1}, token=county.admin.token)  # grants cached
    counted, bodies = await fewest_statements(
        server, (2, 6), lambda first: gql.data(page, {"first": first}, token=county.admin.token)
    )
    per_page = {first: len(s) for first, s in counted.items()}
    assert per_page[2] == per_page[6], counted
    assert per_page[6] <= 10, counted
    for first, body in bodies.items():
        edges = body["hearings"]["edges"]
        assert len(edges) == first
        assert body["hearings"]["pageInfo"]["hasNextPage"] is (first == 2)
        for e in edges:
            assert len(e["node"]["witnesses"]) == 2
            assert [a["statement"] for a in e["node"]["applications"]] == ["城区居民"]
