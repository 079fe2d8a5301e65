"""Opinion maps for tests, through the GraphQL API as a host's and a participant's app would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, make_county

ERRORS = "errors { field code message }"
STATEMENT_FIELDS = "id body state source"
RESULT_FIELDS = (
    "version participants placed votes groups { index size representative { statementId direction } }"
    " consensus { statementId score } divisive { statementId score }"
    " statements { statementId body agree disagree passed }"
)
MAP_FIELDS = (
    f"id meetingId decisionId topic isOpen stream statements {{ {STATEMENT_FIELDS} }}"
    f" result {{ {RESULT_FIELDS} }} myPosition {{ group }} myVotes {{ statementId choice }}"
)
OPEN_MAP = f"""
mutation($m: ID!, $t: String!) {{ openOpinionMap(meetingId: $m, topic: $t) {{ opinionMap {{ {MAP_FIELDS} }} {ERRORS} }} }}"""
OPEN_DECISION_MAP = f"""
mutation($d: ID!, $t: String!) {{ openDecisionOpinionMap(decisionId: $d, topic: $t) {{ opinionMap {{ {MAP_FIELDS} }} {ERRORS} }} }}"""
DECISION_MAP = f"query($d: ID!) {{ decisionOpinionMap(decisionId: $d) {{ {MAP_FIELDS} }} }}"
DECISION_WITH_MAP = f"query($d: ID!) {{ decision(id: $d) {{ id opinionMap {{ {MAP_FIELDS} }} }} }}"
CLOSE_MAP = f"""
mutation($o: ID!) {{ closeOpinionMap(mapId: $o) {{ opinionMap {{ {MAP_FIELDS} }} {ERRORS} }} }}"""
ADD = f"""
mutation($o: ID!, $b: String, $c: ID) {{ addOpinionStatement(mapId: $o, body: $b, commentId: $c) {{ statement {{ {STATEMENT_FIELDS} }} {ERRORS} }} }}"""
SUBMIT = f"""
mutation($o: ID!, $b: String!) {{ submitOpinionStatement(mapId: $o, body: $b) {{ statement {{ {STATEMENT_FIELDS} }} {ERRORS} }} }}"""
MODERATE = f"""
mutation($s: ID!, $show: Boolean!, $r: String) {{ moderateOpinionStatement(statementId: $s, show: $show, reason: $r) {{ statement {{ {STATEMENT_FIELDS} }} {ERRORS} }} }}"""
VOTE = f"""
mutation($s: ID!, $c: VoteChoice!) {{ voteOnStatement(statementId: $s, choice: $c) {{ statement {{ id }} choice first changed {ERRORS} }} }}"""
MAP = f"query($m: ID!) {{ opinionMap(meetingId: $m) {{ {MAP_FIELDS} }} }}"
NEXT = f"query($o: ID!) {{ nextOpinionStatement(mapId: $o) {{ {STATEMENT_FIELDS} }} }}"
LIVE = f"""
subscription($o: ID!, $after: Int) {{ opinionMapLive(mapId: $o, after: $after) {{
  seq type statementId statement {{ {STATEMENT_FIELDS} }} result {{ {RESULT_FIELDS} }} }} }}"""


@dataclass
class MapWorld:
    county: County
    meeting: str
    opinion_map: str
    voters: list[Account]

    @property
    def host(self) -> Account:
        return self.county.admin


async def ok(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The one mutation's payload, which must have no errors."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    return payload


async def open_map(gql: Any, county: County, meeting: str, topic: str = "老旧小区改造") -> str:
    payload = await ok(gql, OPEN_MAP, {"m": meeting, "t": topic}, county.admin.token)
    return payload["opinionMap"]["id"]


async def add_statement(gql: Any, county: County, opinion_map: str, body: str) -> str:
    payload = await ok(gql, ADD, {"o": opinion_map, "b": body}, county.admin.token)
    return payload["statement"]["id"]


async def make_map_world(server: Any, gql: Any, *, voters: int = 3) -> MapWorld:
    """A county, a live 民意恳谈会 with `voters` checked-in citizens, and its opinion map."""
    county = await make_county(server)
    people = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"居民{i}")
        for i in range(voters)
    ]
    meeting = await make_meeting(gql, county, kind="CONSULTATION_TALK")
    if people:
        await attend(gql, county, meeting, [p.gid for p in people], role="ATTENDEE")
    opinion_map = await open_map(gql, county, meeting)
    return MapWorld(county, meeting, opinion_map, people)
