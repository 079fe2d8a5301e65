"""Oversight over HTTP: 民意观察员 (appointed by the county office, term dates), 三评 of a
closed case side by side (a case not closed is refused), the 执法自我纠错台账 (filters and the
yearly count per unit), the 行政复议便民联系点 with their staff and the requests they
forwarded (applicants masked), and what the `oversight` stream shows to whom."""

from __future__ import annotations

from datetime import timedelta

from backend.cases.replies import today
from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import act, online, raise_case, refused
from tests.factories.mediators import (
    ADD_STAFF,
    APPOINT,
    CASE_EVALUATIONS,
    CONCLUDE_CORRECTION,
    CORRECTION_COUNTS,
    CORRECTIONS,
    CREATE_POINT,
    EVALUATE_CASE,
    OBSERVERS,
    POINTS,
    RECORD_CORRECTION,
    RECORD_REQUEST,
    REQUESTS,
    SET_OUTCOME,
    closed_case,
    register,
    stream,
)
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_unit


async def test_observers_are_appointed_by_the_county_office_and_listed(server, gql, owner_db):
    # given
    w = await make_world(server)
    township_admin = await make_user(server, w.county, roles=[(Role.TENANT_ADMIN, w.township)])

    # when
    first = await act(
        gql,
        APPOINT,
        {
            "input": {
                "name": "观察员甲",
                "orgUnitId": w.unit(w.village),
                "termStart": "2026-01-01",
                "termEnd": "2027-12-31",
                "area": "老旧小区加装电梯",
                "phone": "13700001234",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        APPOINT,
        {
            "input": {
                "name": "观察员乙",
                "orgUnitId": w.county.root_gid,
                "termStart": "2024-01-01",
                "termEnd": "2025-12-31",
            }
        },
        w.admin.token,
    )
    before = await county_rows(owner_db, w.county.id)
    bad_term = await refused(
        gql,
        APPOINT,
        {
            "input": {
                "name": "丙",
                "orgUnitId": w.county.root_gid,
                "termStart": "2026-06-01",
                "termEnd": "2026-05-31",
            }
        },
        w.admin.token,
    )
    scoped = await gql.execute(
        APPOINT,
        {"input": {"name": "丁", "orgUnitId": w.unit(w.village), "termStart": "2026-01-01"}},
        token=township_admin.token,
    )

    # then
    assert first["observer"]["phone"] == "+8613700001234"
    assert (bad_term["code"], bad_term["field"]) == ("BAD_DATES", "termEnd")
    assert scoped["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before
    serving = await gql.data(OBSERVERS, {"f": {"servingOn": "2026-03-01"}}, token=w.citizen.token)
    assert [(e["node"]["name"], e["node"]["phone"]) for e in serving["observers"]["edges"]] == [
        ("观察员甲", None)
    ]
    page = await gql.data(OBSERVERS, {"first": 1}, token=w.admin.token)
    assert page["observers"]["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(
        OBSERVERS, {"after": page["observers"]["pageInfo"]["endCursor"]}, token=w.admin.token
    )
    assert [e["node"]["name"] for e in rest["observers"]["edges"]] == ["观察员乙"]
    in_village = await gql.data(
        OBSERVERS, {"f": {"orgUnitId": w.unit(w.township)}}, token=w.admin.token
    )
    assert [e["node"]["name"] for e in in_village["observers"]["edges"]] == ["观察员甲"]


async def test_three_evaluations_of_a_closed_case_are_kept_side_by_side(server, gql, owner_db):
    # given
    w = await make_world(server)
    expert = await make_user(server, w.county, roles=[(Role.EXPERT, None)], name="专家")
    case = await closed_case(gql, w.county, w.citizen, placeUnitId=w.unit(w.village))

    # when
    await act(
        gql,
        EVALUATE_CASE,
        {
            "input": {
                "caseId": case,
                "kind": "PUBLIC",
                "grade": "GOOD",
                "score": 80,
                "text": "修得及时，电话13812345678",
            }
        },
        w.citizen.token,
    )
    await act(
        gql,
        EVALUATE_CASE,
        {
            "input": {
                "caseId": case,
                "kind": "PUBLIC",
                "grade": "EXCELLENT",
                "score": 90,
                "text": "满意",
            }
        },
        w.mediator.token,
    )
    await act(
        gql,
        EVALUATE_CASE,
        {
            "input": {
                "caseId": case,
                "kind": "EXPERT",
                "grade": "FAIR",
                "score": 70,
                "text": "方案可行",
                "evaluator": "王工",
            }
        },
        expert.token,
    )
    await act(
        gql,
        EVALUATE_CASE,
        {
            "input": {
                "caseId": case,
                "kind": "THIRD_PARTY",
                "grade": "GOOD",
                "text": "效益良好",
                "evaluator": "某评估公司",
            }
        },
        w.admin.token,
    )
    result = (await gql.data(CASE_EVALUATIONS, {"c": case}, token=w.citizen.token))[
        "caseEvaluations"
    ]

    # then
    assert result["closed"] is True and result["caseId"] == case
    assert (result["public"]["count"], result["public"]["averageScore"]) == (2, 85.0)
    assert result["public"]["items"][0]["text"] == "修得及时，电话138****5678"
    assert (result["expert"]["count"], result["expert"]["averageScore"]) == (1, 70.0)
    assert result["expert"]["items"][0]["evaluator"] == "王工"
    assert (result["thirdParty"]["count"], result["thirdParty"]["averageScore"]) == (1, None)
    assert {g["kind"] for g in (result["public"], result["expert"], result["thirdParty"])} == {
        "PUBLIC",
        "EXPERT",
        "THIRD_PARTY",
    }


async def test_evaluating_a_case_not_yet_closed_or_out_of_ones_role_is_refused(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    open_case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))[
        "case"
    ]
    closed = await closed_case(
        gql, w.county, w.citizen, placeUnitId=w.unit(w.village), title="另一件"
    )
    await act(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "PUBLIC", "grade": "GOOD", "text": "好"}},
        w.citizen.token,
    )
    before = await county_rows(owner_db, w.county.id)

    # when
    not_closed = await refused(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": open_case["id"], "kind": "PUBLIC", "grade": "GOOD", "text": "好"}},
        w.citizen.token,
    )
    as_expert = await gql.execute(
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "EXPERT", "grade": "GOOD", "text": "好"}},
        token=w.citizen.token,
    )
    unseen = await refused(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "PUBLIC", "grade": "GOOD", "text": "好"}},
        w.other_citizen.token,
    )
    no_agency = await refused(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "THIRD_PARTY", "grade": "GOOD", "text": "好"}},
        w.admin.token,
    )

    twice = await refused(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "PUBLIC", "grade": "POOR", "text": "改主意了"}},
        w.citizen.token,
    )

    # then
    assert (twice["code"], twice["field"]) == ("ALREADY_EVALUATED", "caseId")
    assert (not_closed["code"], not_closed["field"]) == ("CASE_NOT_CLOSED", "caseId")
    assert as_expert["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (unseen["code"], unseen["field"]) == ("NOT_FOUND", "caseId")
    assert (no_agency["code"], no_agency["field"]) == ("INVALID", "evaluator")
    assert await county_rows(owner_db, w.county.id) == before


async def test_the_self_correction_ledger_is_kept_filtered_and_counted_per_unit(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    police = await make_unit(server, w.county, kind=OrgUnitKind.DEPARTMENT, name="县公安局")
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    up = await act(
        gql,
        RECORD_CORRECTION,
        {
            "input": {
                "direction": "UPWARD",
                "matter": "违停罚款有误",
                "unitId": w.unit(w.department),
                "receivedOn": "2026-03-02",
                "startedOn": "2026-03-03",
                "caseId": case["id"],
            }
        },
        w.department_staff.token,
    )
    await act(
        gql,
        RECORD_CORRECTION,
        {
            "input": {
                "direction": "DOWNWARD",
                "matter": "案卷评查",
                "unitId": w.unit(w.department),
                "receivedOn": "2026-04-01",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        RECORD_CORRECTION,
        {
            "input": {
                "direction": "UPWARD",
                "matter": "执法程序",
                "unitId": gid("OrgUnit", police),
                "receivedOn": "2025-12-30",
            }
        },
        w.admin.token,
    )

    # when
    concluded = await act(
        gql,
        CONCLUDE_CORRECTION,
        {
            "input": {
                "entryId": up["entry"]["id"],
                "outcome": "CORRECTED",
                "concludedOn": "2026-03-20",
                "note": "撤销处罚",
            }
        },
        w.department_staff.token,
    )
    again = await refused(
        gql,
        CONCLUDE_CORRECTION,
        {
            "input": {
                "entryId": up["entry"]["id"],
                "outcome": "NO_ERROR",
                "concludedOn": "2026-03-21",
            }
        },
        w.admin.token,
    )
    counts = (await gql.data(CORRECTION_COUNTS, {"y": 2026}, token=w.admin.token))[
        "correctionCounts"
    ]
    own = (await gql.data(CORRECTIONS, {}, token=w.department_staff.token))["corrections"]
    upward = await gql.data(CORRECTIONS, {"f": {"direction": "UPWARD"}}, token=w.admin.token)
    of_2025 = await gql.data(CORRECTIONS, {"f": {"year": 2025}}, token=w.admin.token)
    citizen = await gql.execute(CORRECTIONS, {}, token=w.citizen.token)

    # then
    assert up["entry"]["caseId"] == case["id"] and up["entry"]["outcome"] == "PENDING"
    assert concluded["entry"]["outcome"] == "CORRECTED"
    assert again["code"] == "ALREADY_CONCLUDED"
    assert counts == [
        {
            "unitId": w.unit(w.department),
            "unitName": "县住建委",
            "upward": 1,
            "downward": 1,
            "total": 2,
            "corrected": 1,
            "noError": 0,
            "investigation": 0,
            "pending": 1,
        }
    ]
    assert [e["node"]["matter"] for e in own["edges"]] == ["案卷评查", "违停罚款有误"]
    assert [e["node"]["matter"] for e in upward["corrections"]["edges"]] == [
        "执法程序",
        "违停罚款有误",
    ]
    assert [e["node"]["matter"] for e in of_2025["corrections"]["edges"]] == ["执法程序"]
    assert citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_ledger_dates_and_scope_are_checked_and_nothing_is_written(server, gql, owner_db):
    # given
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    entry = {"direction": "UPWARD", "matter": "某事", "unitId": w.unit(w.department)}

    # when
    future = await refused(
        gql, RECORD_CORRECTION, {"input": {**entry, "receivedOn": tomorrow}}, w.admin.token
    )
    early = await refused(
        gql,
        RECORD_CORRECTION,
        {"input": {**entry, "receivedOn": "2026-03-02", "startedOn": "2026-03-01"}},
        w.admin.token,
    )
    other_unit = await gql.execute(
        RECORD_CORRECTION,
        {"input": {**entry, "receivedOn": "2026-03-02"}},
        token=w.township_staff.token,
    )

    # then
    assert (future["code"], future["field"]) == ("FUTURE_DATE", "receivedOn")
    assert (early["code"], early["field"]) == ("BAD_DATES", "startedOn")
    assert other_unit["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_review_contact_points_their_staff_and_the_requests_they_forward(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    clerk = await make_user(server, w.county, roles=[(Role.CITIZEN, None)], name="司法所小王")
    point = (
        await act(
            gql,
            CREATE_POINT,
            {
                "input": {
                    "orgUnitId": w.unit(w.township),
                    "name": "葛城街道行政复议便民联系点",
                    "address": "街道群众说事处",
                }
            },
            w.admin.token,
        )
    )["point"]
    staffed = await act(
        gql,
        ADD_STAFF,
        {
            "input": {
                "pointId": point["id"],
                "name": "王所长",
                "position": "司法所所长",
                "phone": "13600009999",
                "userId": clerk.gid,
            }
        },
        w.admin.token,
    )

    # when
    recorded = await act(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point["id"],
                "receivedOn": "2026-05-06",
                "applicantName": "张三丰",
                "applicantPhone": "13511112222",
                "matter": "对征收补偿决定不服",
                "forwardedTo": "县人民政府行政复议机构",
                "forwardedOn": "2026-05-07",
            }
        },
        clerk.token,
    )
    outcome = await act(
        gql,
        SET_OUTCOME,
        {"r": recorded["request"]["id"], "o": "ACCEPTED", "n": "已受理"},
        w.township_staff.token,
    )
    by_admin = (await gql.data(REQUESTS, {}, token=w.admin.token))["reviewRequests"]["edges"]
    by_staff = (await gql.data(REQUESTS, {}, token=w.township_staff.token))["reviewRequests"][
        "edges"
    ]
    by_citizen = await gql.execute(REQUESTS, {}, token=w.citizen.token)
    points_public = (await gql.data(POINTS, {}, tenant=w.county.slug))["reviewPoints"]
    of_point = (await gql.data(REQUESTS, {"f": {"pointId": point["id"]}}, token=w.admin.token))[
        "reviewRequests"
    ]["edges"]

    # then
    assert staffed["point"]["staff"] == [
        {
            "id": staffed["point"]["staff"][0]["id"],
            "name": "王所长",
            "position": "司法所所长",
            "phone": "+8613600009999",
        }
    ]
    assert recorded["request"]["applicantName"] == "张**"  # the point's staff: masked
    assert (
        recorded["request"]["pointId"],
        recorded["request"]["forwardedTo"],
        recorded["request"]["forwardedOn"],
    ) == (point["id"], "县人民政府行政复议机构", "2026-05-07")
    assert outcome["request"]["outcome"] == "ACCEPTED"
    assert (by_admin[0]["node"]["applicantName"], by_admin[0]["node"]["applicantPhone"]) == (
        "张三丰",
        "+8613511112222",
    )
    assert (by_staff[0]["node"]["applicantName"], by_staff[0]["node"]["applicantPhone"]) == (
        "张**",
        "135****2222",
    )
    assert by_citizen["data"]["reviewRequests"]["edges"] == []
    assert [e["node"]["id"] for e in of_point] == [recorded["request"]["id"]]
    assert points_public == [
        {
            "id": point["id"],
            "name": "葛城街道行政复议便民联系点",
            "staff": [{"name": "王所长", "position": "司法所所长", "phone": None}],
        }
    ]


async def test_a_point_outside_a_township_or_village_or_a_future_request_is_refused(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    point = (
        await act(
            gql,
            CREATE_POINT,
            {"input": {"orgUnitId": w.unit(w.village), "name": "北街社区联系点"}},
            w.admin.token,
        )
    )["point"]
    before = await county_rows(owner_db, w.county.id)
    tomorrow = (today() + timedelta(days=1)).isoformat()

    # when
    department = await refused(
        gql,
        CREATE_POINT,
        {"input": {"orgUnitId": w.unit(w.department), "name": "某点"}},
        w.admin.token,
    )
    future = await refused(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point["id"],
                "receivedOn": tomorrow,
                "applicantName": "某",
                "matter": "某",
                "forwardedTo": "县司法局",
            }
        },
        w.admin.token,
    )
    forwarded_before = await refused(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point["id"],
                "receivedOn": "2026-05-06",
                "applicantName": "某",
                "matter": "某",
                "forwardedTo": "县司法局",
                "forwardedOn": "2026-05-05",
            }
        },
        w.admin.token,
    )
    stranger = await gql.execute(
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point["id"],
                "receivedOn": "2026-05-01",
                "applicantName": "某",
                "matter": "某",
                "forwardedTo": "县司法局",
            }
        },
        token=w.citizen.token,
    )

    # then
    assert (department["code"], department["field"]) == ("WRONG_UNIT_KIND", "orgUnitId")
    assert (future["code"], future["field"]) == ("FUTURE_DATE", "receivedOn")
    assert (forwarded_before["code"], forwarded_before["field"]) == ("BAD_DATES", "forwardedOn")
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_the_oversight_stream_keeps_the_ledger_and_requests_from_the_public(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    case = await closed_case(gql, w.county, w.citizen, placeUnitId=w.unit(w.village))
    await act(
        gql,
        APPOINT,
        {
            "input": {
                "name": "观察员甲",
                "orgUnitId": w.county.root_gid,
                "termStart": "2026-01-01",
                "phone": "13700004321",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": case, "kind": "PUBLIC", "grade": "GOOD", "text": "满意"}},
        w.citizen.token,
    )
    entry = await act(
        gql,
        RECORD_CORRECTION,
        {
            "input": {
                "direction": "UPWARD",
                "matter": "某事",
                "unitId": w.unit(w.department),
                "receivedOn": "2026-03-02",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        CONCLUDE_CORRECTION,
        {
            "input": {
                "entryId": entry["entry"]["id"],
                "outcome": "NO_ERROR",
                "concludedOn": "2026-03-05",
            }
        },
        w.admin.token,
    )
    point = (
        await act(
            gql,
            CREATE_POINT,
            {"input": {"orgUnitId": w.unit(w.township), "name": "联系点"}},
            w.admin.token,
        )
    )["point"]
    await act(
        gql,
        ADD_STAFF,
        {"input": {"pointId": point["id"], "name": "王所长", "phone": "13600008765"}},
        w.admin.token,
    )
    request = await act(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point["id"],
                "receivedOn": "2026-05-06",
                "applicantName": "张三丰",
                "applicantPhone": "13511112222",
                "matter": "征收补偿",
                "forwardedTo": "县复议机构",
            }
        },
        w.admin.token,
    )
    await act(gql, SET_OUTCOME, {"r": request["request"]["id"], "o": "RESOLVED"}, w.admin.token)

    # when
    staff = await stream(gql, "oversight", w.department_staff.token, w.county)
    public = await stream(gql, "oversight", None, w.county)

    # then
    assert [e["type"] for e in staff] == [
        "observer.appointed",
        "evaluation.recorded",
        "correction.recorded",
        "correction.concluded",
        "reviewPoint.created",
        "reviewPoint.staffAdded",
        "reviewRequest.recorded",
        "reviewRequest.outcomeSet",
    ]
    assert [e["type"] for e in public] == [
        "observer.appointed",
        "evaluation.recorded",
        "reviewPoint.created",
        "reviewPoint.staffAdded",
    ]
    assert all(e["actorId"] is None for e in public)
    raw = await owner_db.fetch(
        "SELECT payload::text AS p FROM events WHERE tenant_id = $1 AND stream = 'oversight'",
        w.county.id,
    )
    for secret in ("观察员甲", "4321", "王所长", "8765", "张三丰", "2222", "征收补偿", "满意"):
        assert all(secret not in r["p"] for r in raw), secret


EXPORT = (
    """mutation($u: ID) { exportPersonalData(userId: $u) { data errors { field code message } } }"""
)
ERASE = """mutation($u: ID!, $r: String!) { erasePerson(userId: $u, reason: $r) {
  user { id } errors { field code message } } }"""


async def test_a_persons_copy_and_erasure_cover_the_pool_and_oversight(server, gql, owner_db):
    # given: one person who is a 解事员, an observer, a point's staff and an applicant
    w = await make_world(server)
    person = await make_user(server, w.county, roles=[(Role.CITIZEN, None)], name="钱多多")
    await register(
        gql,
        w.admin.token,
        name="钱多多",
        level="VILLAGE",
        orgUnitId=w.unit(w.village),
        phone="13300001111",
        userId=person.gid,
    )
    await act(
        gql,
        APPOINT,
        {
            "input": {
                "name": "钱多多",
                "orgUnitId": w.county.root_gid,
                "termStart": "2026-01-01",
                "phone": "13300001111",
                "userId": person.gid,
            }
        },
        w.admin.token,
    )
    point = (
        await act(
            gql,
            CREATE_POINT,
            {"input": {"orgUnitId": w.unit(w.township), "name": "点"}},
            w.admin.token,
        )
    )["point"]["id"]
    await act(
        gql,
        ADD_STAFF,
        {
            "input": {
                "pointId": point,
                "name": "钱多多",
                "phone": "13300001111",
                "userId": person.gid,
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": point,
                "receivedOn": "2026-05-06",
                "applicantName": "钱多多",
                "applicantPhone": "13300001111",
                "applicantUserId": person.gid,
                "matter": "复议",
                "forwardedTo": "县复议机构",
            }
        },
        w.admin.token,
    )

    # when
    copy = (await gql.data(EXPORT, {}, token=person.token))["exportPersonalData"]["data"]
    erased = await gql.data(ERASE, {"u": person.gid, "r": "本人申请"}, token=w.admin.token)

    # then
    text = str(copy)
    assert "mediators" in text and "oversight" in text
    assert text.count("+8613300001111") == 4
    assert erased["erasePerson"]["errors"] == []
    rows = await owner_db.fetch(
        """SELECT name, phone FROM mediators WHERE tenant_id = $1
           UNION ALL SELECT name, phone FROM observers WHERE tenant_id = $1
           UNION ALL SELECT name, phone FROM review_point_staff WHERE tenant_id = $1
           UNION ALL SELECT applicant_name, applicant_phone FROM review_requests WHERE tenant_id = $1""",
        w.county.id,
    )
    assert [(r["name"], r["phone"]) for r in rows] == [("（已注销）", None)] * 4
    active = await owner_db.fetchval(
        "SELECT active FROM mediators WHERE tenant_id = $1", w.county.id
    )
    assert active is False
