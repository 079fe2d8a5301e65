"""The authorisation matrix of the case mutations: every role of the county and an
anonymous caller against every mutation that changes a case someone else is handling.
Who may act is covered by the workflow tests; here every other caller is refused
(FORBIDDEN / UNAUTHENTICATED, or the typed error the workflow names) and nothing is
written. The department holds a LEAD it has not signed: it may only sign or return."""

from __future__ import annotations

import pytest

from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import (
    CLASSIFY,
    CLOSE,
    DISPATCH,
    ESCALATE,
    FOLLOW_UP,
    MERGE,
    OUT_OF_SCOPE,
    PUBLISH,
    RATE,
    REDISPATCH,
    REPLY,
    RETURN,
    SAVE_TOPIC,
    SIGN,
    SUPERVISE,
    act,
    online,
    raise_case,
)

CALLERS = (
    "anonymous",
    "citizen",
    "submitter",
    "collector",
    "mediator",
    "township_staff",
    "department_staff",
)
# mutation -> (document, variables from the world, callers allowed to act)
MATRIX = {
    "classifyCase": (
        CLASSIFY,
        lambda c, a, w: {"c": c, "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
        {"township_staff"},
    ),
    "markCaseOutOfScope": (
        OUT_OF_SCOPE,
        lambda c, a, w: {"c": c, "f": "ABUSE", "r": "恶意"},
        {"township_staff"},
    ),
    "dispatchCase": (
        DISPATCH,
        lambda c, a, w: {"c": c, "u": w.unit(w.township), "r": "CO"},
        {"township_staff"},
    ),
    "signCaseAssignment": (SIGN, lambda c, a, w: {"a": a}, {"department_staff"}),
    "returnCaseAssignment": (
        RETURN,
        lambda c, a, w: {"a": a, "r": "不是我们的"},
        {"department_staff"},
    ),
    "redispatchCase": (REDISPATCH, lambda c, a, w: {"c": c, "u": w.unit(w.township)}, set()),
    "escalateCase": (ESCALATE, lambda c, a, w: {"c": c, "d": "COUNTY"}, {"township_staff"}),
    "superviseCase": (SUPERVISE, lambda c, a, w: {"c": c, "b": "督办"}, set()),
    "followUpCase": (
        FOLLOW_UP,
        lambda c, a, w: {"c": c, "r": "好", "b": "回访"},
        {"township_staff"},
    ),
    "replyCase": (REPLY, lambda c, a, w: {"c": c, "k": "NOTE", "b": "备注"}, {"township_staff"}),
    "rateCase": (RATE, lambda c, a, w: {"c": c, "s": "SATISFIED"}, {"submitter"}),
    "closeCase": (CLOSE, lambda c, a, w: {"c": c}, set()),
    "mergeCases": (MERGE, lambda c, a, w: {"p": c, "c": [c]}, set()),
    "publishCase": (PUBLISH, lambda c, a, w: {"c": c}, set()),
    "saveCaseTopicRule": (
        SAVE_TOPIC,
        lambda c, a, w: {"input": {"included": True, "topic": "x", "keywords": ["x"]}},
        set(),
    ),
}


@pytest.fixture(scope="module")
async def world(server, gql):
    w = await make_world(server)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    sent = await act(gql, DISPATCH, {"c": case["id"], "u": w.unit(w.department)}, w.admin.token)
    return w, case["id"], sent["assignment"]["id"]


def token_of(w, caller):
    return {
        "anonymous": None,
        "citizen": w.other_citizen.token,
        "submitter": w.citizen.token,
        "collector": w.collector.token,
        "mediator": w.mediator.token,
        "township_staff": w.township_staff.token,
        "department_staff": w.department_staff.token,
    }[caller]


@pytest.mark.parametrize("mutation", sorted(MATRIX))
async def test_callers_without_the_role_are_refused_and_nothing_is_written(
    world, gql, owner_db, mutation
):
    w, case, assignment = world
    document, variables, allowed = MATRIX[mutation]
    for caller in CALLERS:
        if caller in allowed:
            continue
        before = await county_rows(owner_db, w.county.id)
        token = token_of(w, caller)
        body = await gql.execute(
            document,
            variables(case, assignment, w),
            token=token,
            tenant=None if token else w.county.slug,
        )
        if "errors" in body:
            code = body["errors"][0]["extensions"]["code"]
            assert code in ("FORBIDDEN", "UNAUTHENTICATED"), (mutation, caller, body)
        else:
            (payload,) = body["data"].values()
            codes = [e["code"] for e in payload["errors"]]
            assert codes and codes[0] in ("NOT_SUBMITTER", "NOT_ANSWERED"), (mutation, caller, body)
        assert await county_rows(owner_db, w.county.id) == before, (mutation, caller)
