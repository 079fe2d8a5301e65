"""Hearings for tests, driven through the GraphQL API as an organiser's app would: a hearing
at any step of its life, witnesses with known secrets, applicants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.hearings import draw
from backend.people.models import Role
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, db_id

HEARING_FIELDS = """
  id kind state decisionId title matter place startsAt totalSeats algorithm algorithmVersion
  requiredVerification
  quotas { category seats alternates }
  publicRandomnessSource publicRandomness noticePublishedAt applicationsOpenedAt poolFrozenAt
  poolHash seed drawPublication applicantCount stream
  witnesses { id position name commitment secret }
  pool { poolId category probability outcome alternateRank }
  myApplication { poolId category outcome alternateRank }
  applications { poolId userId statement }
  transcript transcriptVersion transcriptSha256
  confirmations { poolId version sha256 }
  unconfirmedPoolIds
  reportConclusion reportViews { position summary adopted reason }
"""
ERRORS = "errors { field code message }"

CREATE = f"""
mutation($input: CreateHearingInput!) {{
  createHearing(input: $input) {{ hearing {{ {HEARING_FIELDS} }} {ERRORS} }}
}}"""
ADD_WITNESS = f"""
mutation($h: ID!, $n: String!, $c: String!) {{
  addHearingWitness(hearingId: $h, name: $n, commitment: $c) {{
    witness {{ id position name commitment }} hearing {{ state }} {ERRORS} }}
}}"""
PUBLISH = f"""
mutation($h: ID!) {{ publishHearingNotice(hearingId: $h) {{ hearing {{ {HEARING_FIELDS} }} {ERRORS} }} }}"""
OPEN = f"""
mutation($h: ID!) {{ openHearingApplications(hearingId: $h) {{ hearing {{ state applicationsOpenedAt }} {ERRORS} }} }}"""
APPLY = f"""
mutation($h: ID!, $c: HearingCategory!, $s: String!) {{
  applyToHearing(hearingId: $h, category: $c, statement: $s) {{
    application {{ id poolId category statement }} hearing {{ applicantCount }} {ERRORS} }}
}}"""
ADD_CANDIDATES = f"""
mutation($h: ID!, $c: HearingCategory!, $u: [ID!], $f: ID) {{
  addAttendanceCandidates(hearingId: $h, category: $c, userIds: $u, fromHearingId: $f) {{
    added hearing {{ applicantCount }} {ERRORS} }}
}}"""
CLOSE = f"""
mutation($h: ID!) {{ closeHearingApplications(hearingId: $h) {{ hearing {{ {HEARING_FIELDS} }} {ERRORS} }} }}"""
REVEAL = f"""
mutation($w: ID!, $s: String!) {{
  revealHearingSecret(witnessId: $w, secret: $s) {{ witness {{ id secret }} hearing {{ state }} {ERRORS} }}
}}"""
DRAW = f"""
mutation($h: ID!, $r: String) {{
  drawHearingRepresentatives(hearingId: $h, publicRandomness: $r) {{ hearing {{ {HEARING_FIELDS} }} {ERRORS} }}
}}"""
SET_TRANSCRIPT = f"""
mutation($h: ID!, $t: String!) {{
  setHearingTranscript(hearingId: $h, text: $t) {{ hearing {{ transcriptVersion transcriptSha256 unconfirmedPoolIds }} {ERRORS} }}
}}"""
CONFIRM = f"""
mutation($h: ID!, $s: String!) {{
  confirmHearingTranscript(hearingId: $h, sha256: $s) {{
    confirmation {{ poolId version sha256 }} hearing {{ unconfirmedPoolIds confirmations {{ poolId }} }} {ERRORS} }}
}}"""
REPORT = f"""
mutation($h: ID!, $c: String!, $v: [HearingViewInput!]!) {{
  recordHearingReport(hearingId: $h, conclusion: $c, views: $v) {{
    hearing {{ state reportConclusion reportViews {{ position summary adopted reason }} }} {ERRORS} }}
}}"""
HEARING = f"""query($id: ID!) {{ node(id: $id) {{ ... on Hearing {{ {HEARING_FIELDS} }} }} }}"""


def quotas(*items: tuple[str, int, int]) -> list[dict[str, Any]]:
    return [{"category": c, "seats": s, "alternates": a} for c, s, a in items]


#: Ten seats: the county's minimum (seed 002 第十三条).
TEN_SEATS = quotas(("STAKEHOLDER", 4, 2), ("PUBLIC", 3, 1), ("EXPERT", 3, 0))


def hearing_input(
    county: County,
    *,
    starts_in: timedelta = timedelta(days=20),
    seats: list[dict[str, Any]] | None = None,
    kind: str = "HEARING",
    public_randomness_source: str | None = None,
    decision_id: str | None = None,
    title: str = "城区供水价格调整听证会",
    required_verification: str | None = None,
) -> dict[str, Any]:
    level = {} if required_verification is None else {"requiredVerification": required_verification}
    return {
        **level,
        "hostUnitId": county.root_gid,
        "title": title,
        "matter": "拟将居民生活用水价格由每吨2.5元调整为2.9元，依据《政府制定价格听证办法》。",
        "place": "县政府三楼会议室",
        "startsAt": (datetime.now(UTC) + starts_in).isoformat(),
        "howToApply": "公告之日起7日内登录议事平台报名，或到县发改委现场报名。",
        "selectionMethod": "按类别分配名额；报名人数超过名额的，由公证处监督随机选取。",
        "quotas": seats if seats is not None else TEN_SEATS,
        "kind": kind,
        "decisionId": decision_id,
        "publicRandomnessSource": public_randomness_source,
    }


async def ok(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a call that must succeed."""
    data = await gql.data(query, variables, token=token)
    (result,) = data.values()
    assert result["errors"] == [], result
    return result


@dataclass
class Witness:
    name: str
    secret: str
    id: str = ""


@dataclass
class HearingScene:
    """A hearing and what the test knows about it (the witnesses' secrets, applicants)."""

    id: str
    county: County
    witnesses: list[Witness] = field(default_factory=list)
    applicants: dict[int, Account] = field(default_factory=dict)  # user id → account

    @property
    def db_id(self) -> int:
        return db_id(self.id)


async def make_hearing(
    gql: Any,
    county: County,
    *,
    witnesses: int = 2,
    noticed: bool = True,
    opened: bool = True,
    **input_options: Any,
) -> HearingScene:
    """A hearing hosted by the county root: created, `witnesses` commitments registered,
    noticed and opened by default."""
    token = county.admin.token
    created = await ok(gql, CREATE, {"input": hearing_input(county, **input_options)}, token)
    scene = HearingScene(id=created["hearing"]["id"], county=county)
    names = ["县公证处", "县人大常委会观察员", "县政协观察员"]
    for i in range(witnesses):
        w = Witness(name=names[i % 3], secret=f"secret-of-witness-{i}-{scene.id}")
        added = await ok(
            gql,
            ADD_WITNESS,
            {"h": scene.id, "n": w.name, "c": draw.commitment(scene.db_id, w.secret)},
            token,
        )
        w.id = added["witness"]["id"]
        scene.witnesses.append(w)
    if noticed:
        await ok(gql, PUBLISH, {"h": scene.id}, token)
        if opened:
            await ok(gql, OPEN, {"h": scene.id}, token)
    return scene


async def add_applicants(
    server: Any, gql: Any, scene: HearingScene, category: str, count: int
) -> list[Account]:
    """`count` new citizens of the county who apply in `category`."""
    out = []
    for i in range(count):
        person = await make_user(
            server, scene.county, roles=[(Role.CITIZEN, None)], name=f"报名人{category}{i}"
        )
        await ok(
            gql,
            APPLY,
            {"h": scene.id, "c": category, "s": f"我是{category}类报名人{i}"},
            person.token,
        )
        scene.applicants[person.user_id] = person
        out.append(person)
    return out


async def drawn_hearing(server: Any, gql: Any, county: County, **options: Any) -> HearingScene:
    """An oversubscribed hearing, closed, revealed and drawn."""
    token = county.admin.token
    scene = await make_hearing(gql, county, **options)
    await add_applicants(server, gql, scene, "STAKEHOLDER", 6)
    await add_applicants(server, gql, scene, "PUBLIC", 3)
    await add_applicants(server, gql, scene, "EXPERT", 1)
    await ok(gql, CLOSE, {"h": scene.id}, token)
    for w in scene.witnesses:
        await ok(gql, REVEAL, {"w": w.id, "s": w.secret}, token)
    await ok(gql, DRAW, {"h": scene.id}, token)
    return scene


def representatives(scene: HearingScene, hearing: dict[str, Any]) -> list[Account]:
    """The applicants the draw selected (matched by their own applications)."""
    selected = {p["poolId"] for p in hearing["pool"] if p["outcome"] == "SELECTED"}
    by_pool = {a["poolId"]: a["userId"] for a in hearing["applications"]}
    return [scene.applicants[db_id(by_pool[p])] for p in sorted(selected)]
