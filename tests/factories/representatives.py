"""Representatives (两代表一委员) for tests, registered and linked through the GraphQL API
as the county office's app would."""

from __future__ import annotations

from typing import Any

from tests.factories.tenants import County

REGISTER = """
mutation($input: RegisterRepresentativeInput!) {
  registerRepresentative(input: $input) {
    representative { id kind level sector name unit phone hasAccount stream
      places { id startsOn endsOn active orgUnit { id name } venue { id name } } }
    errors { field code message }
  }
}"""
LINK = """
mutation($input: LinkRepresentativePlaceInput!) {
  linkRepresentativePlace(input: $input) {
    place { id startsOn endsOn active orgUnit { id } venue { id } }
    representative { id places { id startsOn endsOn } }
    errors { field code message }
  }
}"""
END_LINK = """
mutation($l: ID!, $e: Date!) {
  endRepresentativePlace(linkId: $l, endsOn: $e) {
    place { id endsOn active } errors { field code message }
  }
}"""
REPRESENTATIVES = """
query($first: Int, $after: String, $filter: RepresentativesFilter) {
  representatives(first: $first, after: $after, filter: $filter) {
    edges { cursor node { id kind level sector name phone places { id active } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
PLACE_REPS = """
query($p: ID!, $on: Date) {
  placeRepresentatives(placeId: $p, on: $on) { id name kind places { id active } }
}"""
REP_NODE = """
query($id: ID!) { node(id: $id) { ... on Representative { id name phone places { id startsOn endsOn } } } }"""
INVITE_REPS = """
mutation($m: ID!) {
  inviteRepresentatives(meetingId: $m) { participants { userId role invited } errors { field code message } }
}"""
CASES_OF_MY_PLACES = """
query { casesOfMyPlaces(first: 50) { edges { node { id title view contactPhone } } } }"""
MEETINGS_OF_MY_PLACES = """
query { meetingsOfMyPlaces(first: 50) { edges { node { id title state } } } }"""
MY_PLACES = "query { myRepresentativePlaces { id active orgUnit { id } venue { id } } }"
PARTICIPATION = """
query($y: Int!, $ids: [ID!]) {
  representativeParticipation(year: $y, representativeIds: $ids) {
    representativeId year meetingsAttended opinionsGiven proposalsFiled consultationsAnswered
    counterpartSessions
  }
}"""


def deputy(name: str = "人大代表老李", **extra: Any) -> dict[str, Any]:
    return {"kind": "NPC_DEPUTY", "level": "COUNTY", "name": name, **extra}


def member(name: str = "政协委员王姐", **extra: Any) -> dict[str, Any]:
    return {"kind": "CPPCC_MEMBER", "sector": "农业界", "name": name, **extra}


async def payload_of(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    return payload


async def ok(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a mutation that must succeed."""
    payload = await payload_of(gql, query, variables, token)
    assert payload["errors"] == [], payload
    return payload


async def register(gql: Any, county: County, input: dict[str, Any]) -> dict[str, Any]:
    """A representative registered by the county admin: its node."""
    return (await ok(gql, REGISTER, {"input": input}, county.admin.token))["representative"]


async def link(
    gql: Any,
    county: County,
    rep_gid: str,
    place_gid: str,
    starts_on: str,
    ends_on: str | None = None,
) -> dict[str, Any]:
    """A linkage made by the county admin: its place node."""
    payload = await ok(
        gql,
        LINK,
        {
            "input": {
                "representativeId": rep_gid,
                "placeId": place_gid,
                "startsOn": starts_on,
                "endsOn": ends_on,
            }
        },
        county.admin.token,
    )
    return payload["place"]


PROPOSAL_FIELDS = """
  id number kind state title assignedOn dueOn dueProvisional leaderId leaderNote meetingId
  reply onTime overdue satisfaction ratingText stream
  units { role unit { id } } representative { id name }
"""
REGISTER_PROPOSAL = f"""
mutation($r: ID!, $t: String!, $b: String!) {{
  registerProposal(representativeId: $r, title: $t, body: $b) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
ASSIGN = f"""
mutation($p: ID!, $l: ID!, $c: [ID!]) {{
  assignProposal(proposalId: $p, leadUnitId: $l, coUnitIds: $c) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
TAKE = f"""
mutation($p: ID!, $u: ID!, $n: String) {{
  takeProposal(proposalId: $p, leaderId: $u, note: $n) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
FACE_TO_FACE = f"""
mutation($p: ID!, $m: ID!) {{
  linkProposalMeeting(proposalId: $p, meetingId: $m) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
REPLY = f"""
mutation($p: ID!, $b: String!) {{
  replyProposal(proposalId: $p, body: $b) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
RATE = f"""
mutation($p: ID!, $s: Satisfaction!, $t: String) {{
  rateProposal(proposalId: $p, satisfaction: $s, text: $t) {{
    proposal {{ {PROPOSAL_FIELDS} }} errors {{ field code message }}
  }}
}}"""
PROPOSALS = f"""
query($filter: ProposalsFilter, $first: Int, $after: String) {{
  proposals(filter: $filter, first: $first, after: $after) {{
    edges {{ node {{ {PROPOSAL_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}"""
STATISTICS = """
query($y: Int) {
  proposalStatistics(year: $y) {
    unit { id } assigned coAssigned replied onTime overdue satisfied basicallySatisfied
    dissatisfied
  }
}"""
SEND = """
mutation($input: SendWrittenConsultationInput!) {
  sendWrittenConsultation(input: $input) {
    consultation { id title dueOn dueProvisional overdue stream senderUnit { id }
      recipients { id committee representativeId reply repliedAt unit { id } } }
    errors { field code message }
  }
}"""
ANSWER = """
mutation($r: ID!, $b: String!) {
  replyWrittenConsultation(recipientId: $r, body: $b) {
    recipient { id reply repliedAt } errors { field code message }
  }
}"""
CONSULTATIONS = """
query($o: Boolean) {
  writtenConsultations(first: 50, overdue: $o) {
    edges { node { id title overdue dueOn recipients { id reply } } }
  }
}"""
RECORD_COUNTERPART = """
mutation($input: RecordCounterpartSessionInput!) {
  recordCounterpartSession(input: $input) {
    session { id committee title heldOn topics minutes department { id }
      participants { name role representativeId } }
    errors { field code message }
  }
}"""
COUNTERPARTS = """
query($d: ID) {
  counterpartSessions(first: 50, departmentId: $d) { edges { node { id title committee } } }
}"""
