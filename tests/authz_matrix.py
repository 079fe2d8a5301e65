"""The authorisation matrix (issue 9): every mutation of the schema, who may call it, and
how everyone else is refused. `tests/test_authz_matrix.py` runs each row against every
actor and fails for a mutation of the schema that has no row here, so a new domain's
mutations must be added (with an argument builder) before its branch is green.

Actors (`ACTORS`):
- each `Role`, held county-wide in county A, where every call is aimed;
- `TOWNSHIP_ADMIN`: TENANT_ADMIN and DEPARTMENT_STAFF of one township of A only (every row
  the builders make is at the county root or in another unit, so scoped grants must not
  reach it);
- `ANONYMOUS`: no token, `X-Tenant` of county A;
- `OTHER_COUNTY`: a county-wide TENANT_ADMIN of county B, with B's token, sending A's ids;
- `OPERATOR`: a platform operator's token (and `X-Tenant` of county A).

A row says who is allowed (the call must succeed: no top-level error, no payload error,
and exactly `effects` rows added in county A) and how each other actor is refused:
- `top("FORBIDDEN")` / `top("UNAUTHENTICATED")`: a top-level error with that code and
  `data: null`;
- `payload("NOT_FOUND")`: the payload's `errors` hold exactly that code (A's rows do not
  exist for a member of another county: RLS hides them);
- `OWN`: the call names no row of A and acts on the caller's own county, so it succeeds
  there (`in_own_county(payload(...))`: it is refused there);
- an operator's principal belongs to no county: a call naming a row of A finds nothing
  (`NOT_FOUND`, RLS shows no county's rows), one naming none needs a county member
  (`UNAUTHENTICATED`, "请先指定所属县"); hot mutations refuse operators first (`FORBIDDEN`).
Every refusal leaves county A exactly as it was: same rows, same contents
(`county_state`), and the platform's tables too; so does every call of another county's
member, and it leaves that county as it was too unless judged there (`in_own_county`).

The builders make what the call needs with the factories and return the mutation's
arguments (the test writes the document from the schema's argument types). Some set the
scene around the actor: `World.join` makes the acting member a checked-in participant
(votes, ballots, raising a hand need one; roles do not matter there), so that a refusal is
a matter of who the actor is, never of a missing invitation.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.conftest import GraphQLClient, LiveServer
from tests.factories import hearings as hf
from tests.factories.cases import DISPATCH as DISPATCH_CASE
from tests.factories.cases import RAISE as RAISE_CASE
from tests.factories.cases import REPLY as REPLY_CASE
from tests.factories.cases import RETURN as RETURN_CASE
from tests.factories.cases import SAVE_TOPIC as SAVE_TOPIC_RULE
from tests.factories.cases import online
from tests.factories.meetings import CHECK_IN, INVITE, make_meeting
from tests.factories.people import PASSWORD, make_user, next_phone
from tests.factories.tenants import Account, County, gid, make_unit, next_division_code
from tests.meetings_api import (
    ADD_AGENDA,
    ANNOUNCE,
    CLOSE,
    CREATE_POLL,
    OPEN_POLL,
    OPEN_SCORING,
    POST_COMMENT,
    RAISE_HAND,
)
from tests.meetings_api import START as START_MEETING

ROLES = [r.value for r in Role]
TOWNSHIP_ADMIN = "TOWNSHIP_ADMIN"
ANONYMOUS = "ANONYMOUS"
OTHER_COUNTY = "OTHER_COUNTY"
OPERATOR = "OPERATOR"
ACTORS = [*ROLES, TOWNSHIP_ADMIN, ANONYMOUS, OTHER_COUNTY, OPERATOR]

#: Who is allowed, by name.
ADMIN = frozenset({Role.TENANT_ADMIN.value})
#: Hosts of every meeting of the county: tenant admins and department staff whose grant
#: covers the host unit (backend.meetings.access.is_host; here county-wide).
HOSTS = frozenset({Role.TENANT_ADMIN.value, Role.DEPARTMENT_STAFF.value})
#: Any member of the county, whatever their roles.
MEMBERS = frozenset([*ROLES, TOWNSHIP_ADMIN])
EVERYONE = frozenset(ACTORS)


def top(code: str) -> str:
    return f"top:{code}"


def payload(code: str) -> str:
    return f"payload:{code}"


def in_own_county(outcome: str) -> str:
    """The call names no row of A and is judged in the caller's own county, where it may
    write (a new account, a failed sign-in counted against the number)."""
    return f"own:{outcome}"


OWN = in_own_county("allowed")


FORBIDDEN = top("FORBIDDEN")
UNAUTHENTICATED = top("UNAUTHENTICATED")
NOT_FOUND = payload("NOT_FOUND")


@dataclass
class World:
    """County A and the actor about to call; helpers that set scenes in A (as its admin)."""

    server: LiveServer
    gql: GraphQLClient
    owner_db: asyncpg.Connection
    county: County
    actor: str
    #: The acting account when the actor is a member of county A, else None.
    member: Account | None
    #: Values the builders leave for `expect_extra` checks (e.g. the operator's name).
    notes: dict[str, Any] = field(default_factory=dict)
    #: A platform operator's token, for scenes only an operator can set (a calendar draft).
    operator_token: str = ""

    async def as_operator(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        data = await self.gql.data(query, variables, token=self.operator_token)
        (result,) = data.values()
        assert result.get("errors", []) == [], result
        return result

    async def account(self, *roles: Role) -> Account:
        return await make_user(self.server, self.county, roles=[(r, None) for r in roles])

    async def as_admin(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The payload of a host's call that must succeed."""
        data = await self.gql.data(query, variables, token=self.county.admin.token)
        (result,) = data.values()
        assert result.get("errors", []) == [], result
        return result

    async def meeting(self, state: str = "LIVE") -> str:
        """A meeting of the county root in `state` (DRAFT, ANNOUNCED, LIVE or CLOSED)."""
        meeting = await make_meeting(self.gql, self.county, live=False)
        if state in ("ANNOUNCED",):
            await self.as_admin(ANNOUNCE, {"m": meeting})
        if state in ("LIVE", "CLOSED"):
            await self.as_admin(START_MEETING, {"m": meeting})
        if state == "CLOSED":
            await self.as_admin(CLOSE, {"m": meeting})
        return meeting

    async def join(self, meeting: str, who: Account | None = None) -> None:
        """Invite `who` (the acting member by default; nobody when the actor is no member
        of A) as a representative and check them in."""
        who = who or self.member
        if who is None:
            return
        await self.as_admin(INVITE, {"m": meeting, "u": [who.gid], "r": "REPRESENTATIVE"})
        await self.as_admin(CHECK_IN, {"m": meeting, "u": who.gid})

    async def poll(self, *, opened: bool) -> str:
        meeting = await self.meeting("LIVE")
        await self.join(meeting)
        created = await self.as_admin(
            CREATE_POLL, {"m": meeting, "q": "是否同意", "o": ["同意", "反对"]}
        )
        poll = created["poll"]["id"]
        if opened:
            await self.as_admin(OPEN_POLL, {"p": poll})
        return poll

    async def sheet(self) -> str:
        meeting = await self.meeting("LIVE")
        await self.join(meeting)
        opened = await self.as_admin(
            OPEN_SCORING, {"m": meeting, "t": "述职测评", "g": ["县住建委", "县交通局"], "k": 3}
        )
        return opened["sheet"]["id"]

    async def comment(self, kind: str = "COMMENT") -> str:
        meeting = await self.meeting("LIVE")
        author = await self.account(Role.CITIZEN)
        data = await self.gql.data(
            POST_COMMENT, {"m": meeting, "b": "路灯坏了", "k": kind}, token=author.token
        )
        assert data["postComment"]["errors"] == [], data
        return data["postComment"]["comment"]["id"]

    async def sign_in(self) -> str:
        """A refresh token of a new citizen of A."""
        citizen = await self.account(Role.CITIZEN)
        data = await self.gql.data(
            "mutation($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) "
            "{ tokens { refreshToken } errors { code } } }",
            {"p": citizen.phone, "w": PASSWORD},
            tenant=self.county.slug,
        )
        return data["login"]["tokens"]["refreshToken"]

    async def voting_code(self) -> tuple[str, str]:
        """A LIVE meeting and one unredeemed voting code of it."""
        meeting = await self.meeting("LIVE")
        issued = await self.as_admin(
            "mutation($i: IssueVotingCodesInput!) { issueVotingCodes(input: $i) "
            "{ codes { code } errors { code } } }",
            {"i": {"meetingId": meeting, "batches": [{"role": "REPRESENTATIVE", "count": 1}]}},
        )
        return meeting, issued["codes"][0]["code"]


Builder = Callable[[World], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Row:
    """Who may call one mutation; see the module docstring for the outcomes."""

    allowed: frozenset[str]
    build: Builder
    #: Rows an allowed call adds (negative: removes) per table of county A; the platform's
    #: tables are "platform.<table>".
    effects: dict[str, int]
    member: str = FORBIDDEN  # a member of A who is not allowed
    anonymous: str = UNAUTHENTICATED
    other_county: str = NOT_FOUND
    operator: str = UNAUTHENTICATED  # an operator's principal belongs to no county
    #: `effects` of particular actors, where they differ (e.g. one with two memberships).
    actor_effects: dict[str, dict[str, int]] = field(default_factory=dict)

    def expected(self, actor: str) -> str:
        if actor in self.allowed:
            return "allowed"
        if actor == ANONYMOUS:
            return self.anonymous
        if actor == OTHER_COUNTY:
            return self.other_county
        if actor == OPERATOR:
            return self.operator
        return self.member


# -- builders ---------------------------------------------------------------------------------


async def _unused_division_code(w: World) -> str:
    while True:
        code = next_division_code()  # the factories' counter: never a code they will use
        if not await w.owner_db.fetchval("SELECT 1 FROM tenants WHERE division_code = $1", code):
            return code


async def create_county(w: World) -> dict[str, Any]:
    return {
        "input": {
            "name": "新设县",
            "slug": f"n{uuid.uuid4().hex[:12]}",
            "divisionCode": await _unused_division_code(w),
        }
    }


async def create_org_unit(w: World) -> dict[str, Any]:
    return {"input": {"parentId": w.county.root_gid, "kind": "TOWNSHIP", "name": "新设乡"}}


async def update_org_unit(w: World) -> dict[str, Any]:
    township = await make_unit(w.server, w.county)
    return {"input": {"id": gid("OrgUnit", township), "name": "改名乡"}}


async def create_venue(w: World) -> dict[str, Any]:
    township = await make_unit(w.server, w.county)
    village = await make_unit(w.server, w.county, parent_id=township, kind=OrgUnitKind.VILLAGE)
    return {"input": {"orgUnitId": gid("OrgUnit", village), "level": "STATION", "name": "新站"}}


async def login(w: World) -> dict[str, Any]:
    citizen = await w.account(Role.CITIZEN)
    return {"input": {"phone": citizen.phone, "password": PASSWORD}}


async def refresh_token(w: World) -> dict[str, Any]:
    return {"refreshToken": await w.sign_in()}


async def register(w: World) -> dict[str, Any]:
    return {"displayName": "新群众", "phone": next_phone(), "password": "long-enough-1"}


async def change_password(w: World) -> dict[str, Any]:
    return {"oldPassword": PASSWORD, "newPassword": "another-pass-99"}


async def operator_login(w: World) -> dict[str, Any]:
    from backend.people import service as people

    username, password = f"op-{uuid.uuid4().hex[:10]}", "operator-pass-123"
    async with w.server.services.db.platform_transaction() as session:
        await people.ensure_operator(
            session, w.server.services.passwords, username=username, password=password
        )
    return {"username": username, "password": password}


async def create_user(w: World) -> dict[str, Any]:
    return {"input": {"displayName": "新人", "phone": next_phone(), "password": "long-enough-1"}}


async def grant_role(w: World) -> dict[str, Any]:
    person = await w.account()
    return {"input": {"userId": person.gid, "role": "OBSERVER"}}


async def revoke_role(w: World) -> dict[str, Any]:
    person = await w.account(Role.MEDIATOR)
    membership = await w.owner_db.fetchval(
        "SELECT id FROM memberships WHERE user_id = $1", person.user_id
    )
    return {"membershipId": gid("Membership", membership)}


async def create_meeting(w: World) -> dict[str, Any]:
    return {
        "input": {
            "kind": "WORK_REPORT",
            "mode": "ONLINE",
            "title": "述职报告会",
            "hostUnitId": w.county.root_gid,
            "startsAt": "2030-01-01T09:00:00+08:00",
        }
    }


def on_meeting(state: str) -> Builder:
    async def build(w: World) -> dict[str, Any]:
        return {"meetingId": await w.meeting(state)}

    return build


async def invite_participants(w: World) -> dict[str, Any]:
    meeting = await w.meeting("ANNOUNCED")
    person = await w.account(Role.CITIZEN)
    return {"meetingId": meeting, "userIds": [person.gid], "role": "REPRESENTATIVE"}


async def check_in(w: World) -> dict[str, Any]:
    """Checking someone else in, as staff at the venue (checking oneself in online is
    what any participant may do)."""
    meeting = await w.meeting("LIVE")
    person = await w.account(Role.CITIZEN)
    await w.as_admin(INVITE, {"m": meeting, "u": [person.gid], "r": "REPRESENTATIVE"})
    return {"meetingId": meeting, "userId": person.gid}


async def add_material(w: World) -> dict[str, Any]:
    return {"meetingId": await w.meeting("LIVE"), "title": "述职报告全文"}


async def add_agenda_item(w: World) -> dict[str, Any]:
    return {"meetingId": await w.meeting("LIVE"), "title": "县住建委述职", "durationSeconds": 300}


async def control_timer(w: World) -> dict[str, Any]:
    meeting = await w.meeting("LIVE")
    item = await w.as_admin(ADD_AGENDA, {"m": meeting, "t": "县交通局述职", "d": 300})
    return {"agendaItemId": item["agendaItem"]["id"], "action": "START"}


async def create_poll(w: World) -> dict[str, Any]:
    return {
        "meetingId": await w.meeting("LIVE"),
        "question": "是否同意",
        "options": ["同意", "反对"],
    }


async def open_poll(w: World) -> dict[str, Any]:
    return {"pollId": await w.poll(opened=False)}


async def close_poll(w: World) -> dict[str, Any]:
    return {"pollId": await w.poll(opened=True)}


async def cast_vote(w: World) -> dict[str, Any]:
    """The acting member is a checked-in representative: eligibility is the meeting's
    business, not the role's."""
    return {"pollId": await w.poll(opened=True), "choices": [0], "idempotencyKey": uuid.uuid4().hex}


async def open_scoring(w: World) -> dict[str, Any]:
    return {
        "meetingId": await w.meeting("LIVE"),
        "title": "述职测评",
        "targets": ["县住建委", "县交通局"],
        "minBallots": 3,
    }


async def cast_scoring_ballot(w: World) -> dict[str, Any]:
    """As castVote: the acting member is a checked-in representative."""
    return {"sheetId": await w.sheet(), "answers": ["满意", "基本满意"]}


async def close_scoring(w: World) -> dict[str, Any]:
    return {"sheetId": await w.sheet()}


async def post_comment(w: World) -> dict[str, Any]:
    return {"meetingId": await w.meeting("LIVE"), "body": "建议增设路灯"}


async def hide_comment(w: World) -> dict[str, Any]:
    return {"commentId": await w.comment(), "reason": "与议题无关"}


async def answer_question(w: World) -> dict[str, Any]:
    return {"commentId": await w.comment("QUESTION")}


async def raise_hand(w: World) -> dict[str, Any]:
    """The acting member is a participant (only participants queue to speak)."""
    meeting = await w.meeting("LIVE")
    await w.join(meeting)
    return {"meetingId": meeting, "topic": "路灯"}


async def update_speaking_request(w: World) -> dict[str, Any]:
    """Giving the floor to someone else's request (withdrawing one's own is the
    requester's right)."""
    meeting = await w.meeting("LIVE")
    speaker = await w.account(Role.CITIZEN)
    await w.join(meeting, speaker)
    data = await w.gql.data(RAISE_HAND, {"m": meeting, "t": "路灯"}, token=speaker.token)
    assert data["raiseHand"]["errors"] == [], data
    return {"requestId": data["raiseHand"]["requestId"], "state": "SPEAKING"}


async def set_minutes(w: World) -> dict[str, Any]:
    return {"meetingId": await w.meeting("LIVE"), "text": "会议纪要：与会人员一致同意。"}


async def issue_voting_codes(w: World) -> dict[str, Any]:
    meeting = await w.meeting("LIVE")
    return {"input": {"meetingId": meeting, "batches": [{"role": "REPRESENTATIVE", "count": 2}]}}


async def redeem_voting_code(w: World) -> dict[str, Any]:
    _, code = await w.voting_code()
    return {"code": code}


async def revoke_voting_codes(w: World) -> dict[str, Any]:
    meeting, _ = await w.voting_code()
    return {"input": {"meetingId": meeting, "allUnredeemed": True}}


async def export_personal_data(w: World) -> dict[str, Any]:
    """Someone else's data: a county-wide administrator answering a request (one's own
    data is everyone's to take)."""
    person = await w.account(Role.CITIZEN)
    return {"userId": person.gid}


async def erase_person(w: World) -> dict[str, Any]:
    person = await w.account(Role.CITIZEN)
    return {"userId": person.gid, "reason": "本人书面申请（2026-001号）"}


async def erase_my_account(w: World) -> dict[str, Any]:
    return {"password": PASSWORD}


async def _video_room(w: World) -> tuple[str, str]:
    """A LIVE meeting with its 云视频 room; the acting member is a participant."""
    from tests.factories.video import OPEN_ROOM

    meeting = await w.meeting("LIVE")
    await w.join(meeting)
    opened = await w.as_admin(OPEN_ROOM, {"m": meeting, "n": 8})
    return meeting, opened["room"]["id"]


async def _offer(w: World) -> str:
    """An SDP offer of a watching aiortc client, closed once it has offered (nobody
    applies the answer: the server closes the peer after its connect timeout)."""
    from tests.video_client import VideoClient

    client = VideoClient(publish=False, slots=1)
    try:
        return await client.offer()
    finally:
        await client.close()


async def _joined(w: World) -> str:
    """A room the acting member (if any) has joined through the API."""
    from tests.factories.video import JOIN

    _, room = await _video_room(w)
    if w.member is not None:
        data = await w.gql.data(JOIN, {"r": room, "sdp": await _offer(w)}, token=w.member.token)
        assert data["joinVideoRoom"]["errors"] == [], data
    return room


async def open_video_room(w: World) -> dict[str, Any]:
    return {"meetingId": await w.meeting("LIVE"), "participantLimit": 8}


async def join_video_room(w: World) -> dict[str, Any]:
    _, room = await _video_room(w)
    return {"roomId": room, "sdpOffer": await _offer(w)}


async def renegotiate_video(w: World) -> dict[str, Any]:
    return {"roomId": await _joined(w), "sdpOffer": await _offer(w)}


async def leave_video_room(w: World) -> dict[str, Any]:
    return {"roomId": await _joined(w)}


async def grant_video_floor(w: World) -> dict[str, Any]:
    meeting, room = await _video_room(w)
    attendee = await w.account(Role.CITIZEN)
    await w.join(meeting, attendee)
    return {"roomId": room, "userId": attendee.gid}


async def revoke_video_floor(w: World) -> dict[str, Any]:
    from tests.factories.video import GRANT

    args = await grant_video_floor(w)
    await w.as_admin(GRANT, {"r": args["roomId"], "u": args["userId"]})
    return args


async def start_video_recording(w: World) -> dict[str, Any]:
    _, room = await _video_room(w)
    return {"roomId": room}


async def stop_video_recording(w: World) -> dict[str, Any]:
    from tests.factories.video import START_RECORDING

    _, room = await _video_room(w)
    await w.as_admin(START_RECORDING, {"r": room})
    return {"roomId": room}


# -- cases ----------------------------------------------------------------------------------------
# Each case is raised online by a citizen of A (its accountable unit is then the county root, so
# county-wide staff handle it and a township's do not), and moved on by the county office.


async def _raise(w: World, by: Account | None = None) -> dict[str, Any]:
    author = by or await w.account(Role.CITIZEN)
    data = await w.gql.data(RAISE_CASE, {"input": online()}, token=author.token)
    assert data["raiseCase"]["errors"] == [], data
    return data["raiseCase"]["case"]


async def _department(w: World) -> str:
    return gid("OrgUnit", await make_unit(w.server, w.county, kind=OrgUnitKind.DEPARTMENT))


async def _dispatched(w: World) -> tuple[str, str]:
    """A case and its LEAD assignment to a department, not signed yet."""
    case = (await _raise(w))["id"]
    sent = await w.as_admin(DISPATCH_CASE, {"c": case, "u": await _department(w)})
    return case, sent["assignment"]["id"]


async def _answered(w: World, by: Account | None = None) -> str:
    case = (await _raise(w, by))["id"]
    await w.as_admin(REPLY_CASE, {"c": case, "k": "RESULT", "b": "已修复路灯"})
    return case


def on_case(**extra: Any) -> Builder:
    async def build(w: World) -> dict[str, Any]:
        return {"caseId": (await _raise(w))["id"], **extra}

    return build


async def dispatch_case(w: World) -> dict[str, Any]:
    return {"caseId": (await _raise(w))["id"], "unitId": await _department(w), "role": "LEAD"}


def on_assignment(**extra: Any) -> Builder:
    async def build(w: World) -> dict[str, Any]:
        _, assignment = await _dispatched(w)
        return {"assignmentId": assignment, **extra}

    return build


async def redispatch_case(w: World) -> dict[str, Any]:
    """A case whose LEAD unit sent it back (重派 arbitrates a returned case)."""
    case, assignment = await _dispatched(w)
    await w.as_admin(RETURN_CASE, {"a": assignment, "r": "不属于本单位职责"})
    return {"caseId": case, "unitId": await _department(w)}


async def supervise_case(w: World) -> dict[str, Any]:
    """An overdue case (督办 presses on overdue ones only)."""
    case = await _raise(w)
    await w.owner_db.execute(
        "UPDATE cases SET due_on = current_date - 3 WHERE tenant_id = $1 AND number = $2",
        w.county.id,
        case["number"],
    )
    return {"caseId": case["id"], "body": "请加快办理"}


async def publish_case(w: World) -> dict[str, Any]:
    return {"caseId": await _answered(w)}


async def follow_up_case(w: World) -> dict[str, Any]:
    return {"caseId": await _answered(w), "result": "已回访", "body": "群众表示路灯已亮"}


async def rate_case(w: World) -> dict[str, Any]:
    """Rating one's own answered case (only the person who raised it may rate it)."""
    return {"caseId": await _answered(w, w.member), "satisfaction": "SATISFIED"}


async def close_case(w: World) -> dict[str, Any]:
    """An answered case raised anonymously: nobody is there to rate it, so the office closes it."""
    data = await w.gql.data(
        RAISE_CASE,
        {"input": online(contactName="张三", contactPhone=next_phone())},
        tenant=w.county.slug,
    )
    number = data["raiseCase"]["number"]  # an anonymous caller is told the number only
    case = gid(
        "Case",
        await w.owner_db.fetchval(
            "SELECT id FROM cases WHERE tenant_id = $1 AND number = $2", w.county.id, number
        ),
    )
    await w.as_admin(REPLY_CASE, {"c": case, "k": "RESULT", "b": "已修复路灯"})
    return {"caseId": case}


async def merge_cases(w: World) -> dict[str, Any]:
    primary, duplicate = (await _raise(w))["id"], (await _raise(w))["id"]
    return {"primaryId": primary, "caseIds": [duplicate]}


async def save_topic_rule(w: World) -> dict[str, Any]:
    return {
        "input": {
            "included": False,
            "topic": "刑事案件",
            "keywords": ["刑事"],
            "redirect": "请向县公安局报案",
        }
    }


async def delete_topic_rule(w: World) -> dict[str, Any]:
    saved = await w.as_admin(SAVE_TOPIC_RULE, {"input": (await save_topic_rule(w))["input"]})
    return {"ruleId": saved["rule"]["id"]}


async def raise_case(w: World) -> dict[str, Any]:
    return {"input": online(contactName="张三", contactPhone=next_phone())}


async def intake_cases(w: World) -> dict[str, Any]:
    return {
        "input": [
            {**online(contactName="张三", contactPhone=next_phone()), "clientKey": uuid.uuid4().hex}
        ]
    }


async def import_case_ledger(w: World) -> dict[str, Any]:
    ledger = "受理时间,事项类型,标题,内容\n2026-03-02 09:15,诉求,路灯不亮,村口路灯坏了半个月\n"
    content = base64.b64encode(("\ufeff" + ledger).encode()).decode()
    return {"input": {"fileName": "台账.csv", "contentBase64": content}}


async def set_case_vocabulary(w: World) -> dict[str, Any]:
    return {"synonyms": [{"canonical": "路灯", "variants": ["街灯"]}], "stopWords": ["的"]}


# -- the working calendar -----------------------------------------------------------------------
# Years of their own (2100–2199: no other test uses them), so a table published here moves no
# deadline anywhere else.

SET_CALENDAR_YEAR = """mutation($input: SetCalendarYearInput!) {
  setCalendarYear(input: $input) { calendarYear { year } errors { code } } }"""
ADD_LOCAL_CLOSURE = """mutation($input: AddLocalClosureInput!) {
  addLocalClosure(input: $input) { localClosure { date } errors { code } } }"""


def _calendar_table() -> dict[str, Any]:
    year = 2100 + uuid.uuid4().int % 100
    return {
        "year": year,
        "source": "《国务院办公厅关于部分节假日安排的通知》（示例）",
        "days": [{"date": f"{year}-01-01", "kind": "HOLIDAY", "name": "元旦"}],
    }


async def set_calendar_year(w: World) -> dict[str, Any]:
    return {"input": _calendar_table()}


async def publish_calendar_year(w: World) -> dict[str, Any]:
    table = _calendar_table()
    await w.as_operator(SET_CALENDAR_YEAR, {"input": table})
    return {"year": table["year"]}


def _closure_day() -> str:
    return f"{2100 + uuid.uuid4().int % 100}-06-0{1 + uuid.uuid4().int % 9}"


async def add_local_closure(w: World) -> dict[str, Any]:
    return {"input": {"date": _closure_day(), "reason": "防汛"}}


async def remove_local_closure(w: World) -> dict[str, Any]:
    day = _closure_day()
    await w.as_admin(ADD_LOCAL_CLOSURE, {"input": {"date": day, "reason": "防汛"}})
    return {"date": day}


# -- hearings (听证会): each builder drives a hearing of A's root to the step the call needs


async def _hearing(w: World, *, witnesses: int = 1, **options: Any) -> hf.HearingScene:
    return await hf.make_hearing(w.gql, w.county, witnesses=witnesses, **options)


async def create_hearing(w: World) -> dict[str, Any]:
    return {"input": hf.hearing_input(w.county)}


async def add_hearing_witness(w: World) -> dict[str, Any]:
    scene = await _hearing(w, witnesses=0, noticed=False)
    return {
        "hearingId": scene.id,
        "name": "县公证处",
        "commitment": hf.draw.commitment(scene.db_id, "matrix-secret-0123456789"),
    }


async def publish_hearing_notice(w: World) -> dict[str, Any]:
    return {"hearingId": (await _hearing(w, noticed=False)).id}


async def open_hearing_applications(w: World) -> dict[str, Any]:
    return {"hearingId": (await _hearing(w, opened=False)).id}


async def on_open_hearing(w: World) -> dict[str, Any]:
    return {"hearingId": (await _hearing(w)).id}


async def apply_to_hearing(w: World) -> dict[str, Any]:
    return {"hearingId": (await _hearing(w)).id, "category": "PUBLIC", "statement": "城区居民"}


async def add_attendance_candidates(w: World) -> dict[str, Any]:
    scene = await _hearing(w, kind="ATTENDANCE", seats=hf.quotas(("PUBLIC", 5, 0)))
    person = await w.account(Role.CITIZEN)
    return {"hearingId": scene.id, "category": "PUBLIC", "userIds": [person.gid]}


async def _frozen_hearing(w: World) -> hf.HearingScene:
    scene = await _hearing(w)
    await hf.add_applicants(w.server, w.gql, scene, "PUBLIC", 4)
    await hf.ok(w.gql, hf.CLOSE, {"h": scene.id}, w.county.admin.token)
    return scene


async def reveal_hearing_secret(w: World) -> dict[str, Any]:
    scene = await _frozen_hearing(w)
    (witness,) = scene.witnesses
    return {"witnessId": witness.id, "secret": witness.secret}


async def draw_hearing_representatives(w: World) -> dict[str, Any]:
    scene = await _frozen_hearing(w)
    (witness,) = scene.witnesses
    await hf.ok(w.gql, hf.REVEAL, {"w": witness.id, "s": witness.secret}, w.county.admin.token)
    return {"hearingId": scene.id}


async def _drawn_hearing(w: World) -> hf.HearingScene:
    """Drawn with everyone selected: the acting member (if any) applied and is a
    representative, so a refusal is a matter of who the actor is."""
    scene = await _hearing(w, witnesses=0)
    if w.member is not None:
        await hf.ok(
            w.gql,
            hf.APPLY,
            {"h": scene.id, "c": "PUBLIC", "s": "城区居民"},
            w.member.token,
        )
    await hf.ok(w.gql, hf.CLOSE, {"h": scene.id}, w.county.admin.token)
    await hf.ok(w.gql, hf.DRAW, {"h": scene.id}, w.county.admin.token)
    return scene


async def set_hearing_transcript(w: World) -> dict[str, Any]:
    return {"hearingId": (await _drawn_hearing(w)).id, "text": "听证笔录：代表发言如下。"}


async def confirm_hearing_transcript(w: World) -> dict[str, Any]:
    scene = await _drawn_hearing(w)
    done = await hf.ok(
        w.gql,
        hf.SET_TRANSCRIPT,
        {"h": scene.id, "t": "听证笔录：代表发言如下。"},
        w.county.admin.token,
    )
    return {"hearingId": scene.id, "sha256": done["hearing"]["transcriptSha256"]}


async def invite_drawn_to_meeting(w: World) -> dict[str, Any]:
    scene = await _drawn_hearing(w)
    return {"hearingId": scene.id, "meetingId": await w.meeting("ANNOUNCED")}


async def seal_hearing_record(w: World) -> dict[str, Any]:
    scene = await _drawn_hearing(w)
    views = [{"summary": "实行阶梯水价", "adopted": True}]
    await hf.ok(
        w.gql, hf.REPORT, {"h": scene.id, "c": "建议调价", "v": views}, w.county.admin.token
    )
    return {"hearingId": scene.id}


async def record_hearing_report(w: World) -> dict[str, Any]:
    return {
        "hearingId": (await _drawn_hearing(w)).id,
        "conclusion": "建议按阶梯水价调整",
        "views": [{"summary": "实行阶梯水价", "adopted": True}],
    }


# -- the matrix -------------------------------------------------------------------------------

#: A meeting change: the row itself and its event on the meeting's stream.
EVENT = {"events": 1}

#: Who is refused how, besides the defaults of `Row`.
ID_ROW = {"operator": NOT_FOUND}  # names a row of A: an operator finds none
#: A case change: its event on the case's stream and the note to the unit's inbox.
CASE_EVENT = {"events": 2}
#: A new case: its row and stream, its first event, and the note to the county root's inbox
#: (the inbox's stream is new too: nothing was raised in A before).
CASE_RAISED = {"cases": 1, "event_streams": 2, **CASE_EVENT}
#: A case sent to a new department: the assignment, the events, the department's new inbox.
CASE_SENT = {"case_assignments": 1, "event_streams": 1, **CASE_EVENT}

MATRIX: dict[str, Row] = {
    # platform
    "createCounty": Row(
        frozenset({OPERATOR}),
        create_county,
        {"platform.tenants": 1},
        other_county=FORBIDDEN,
    ),
    "operatorLogin": Row(EVERYONE, operator_login, {}),
    # county administration (the org tree's changes go on the county's stream too)
    "createOrgUnit": Row(
        ADMIN,
        create_org_unit,
        {"org_units": 1, "audit_entries": 1, "events": 1, "event_streams": 1},
    ),
    "updateOrgUnit": Row(ADMIN, update_org_unit, {"audit_entries": 1, **EVENT}, **ID_ROW),
    "createVenue": Row(ADMIN, create_venue, {"venues": 1, "audit_entries": 1, **EVENT}),
    # an account without roles: any tenant admin, a township's too (it then grants roles
    # within its township)
    "createUser": Row(
        ADMIN | {TOWNSHIP_ADMIN},
        create_user,
        {"users": 1, "audit_entries": 1},
        other_county=OWN,
    ),
    "grantRole": Row(ADMIN, grant_role, {"memberships": 1, "audit_entries": 1}),
    "revokeRole": Row(ADMIN, revoke_role, {"memberships": -1, "audit_entries": 1}),
    # signing in and accounts: the credentials sent are what authorises
    "login": Row(
        MEMBERS | {ANONYMOUS},
        login,
        {"refresh_tokens": 1},
        other_county=in_own_county(payload("INVALID_CREDENTIALS")),
    ),
    "refreshToken": Row(EVERYONE, refresh_token, {"refresh_tokens": 1}),
    "logout": Row(EVERYONE, refresh_token, {}),
    "register": Row(
        MEMBERS | {ANONYMOUS},
        register,
        {"users": 1, "memberships": 1, "refresh_tokens": 1},
        other_county=OWN,
    ),
    "changePassword": Row(MEMBERS, change_password, {"refresh_tokens": 1}, other_county=OWN),
    # personal data (PIPL): one's own, or a county-wide administrator for someone else
    "exportPersonalData": Row(ADMIN, export_personal_data, {"audit_entries": 1}),
    "erasePerson": Row(ADMIN, erase_person, {"memberships": -1, "audit_entries": 1}),
    "eraseMyAccount": Row(
        MEMBERS,
        erase_my_account,
        {"memberships": -1, "audit_entries": 1},
        actor_effects={TOWNSHIP_ADMIN: {"memberships": -2, "audit_entries": 1}},
        # B's admin is B's last one: refused there
        other_county=in_own_county(payload("LAST_ADMIN")),
    ),
    "redeemVotingCode": Row(
        MEMBERS | {ANONYMOUS},
        redeem_voting_code,
        {"refresh_tokens": 1, **EVENT},
        other_county=payload("INVALID_CODE"),
    ),
    # meetings: hosts
    "createMeeting": Row(HOSTS, create_meeting, {"meetings": 1, "event_streams": 1, **EVENT}),
    "announceMeeting": Row(HOSTS, on_meeting("DRAFT"), EVENT, **ID_ROW),
    "startMeeting": Row(HOSTS, on_meeting("ANNOUNCED"), EVENT, **ID_ROW),
    "closeMeeting": Row(HOSTS, on_meeting("LIVE"), {"events": 2}, **ID_ROW),  # closed, sealed
    "publishMeetingRecord": Row(HOSTS, on_meeting("CLOSED"), {}, **ID_ROW),  # sealed: no event
    "inviteParticipants": Row(
        HOSTS, invite_participants, {"meeting_participants": 1, **EVENT}, **ID_ROW
    ),
    "checkIn": Row(HOSTS, check_in, EVENT, **ID_ROW),
    "addMaterial": Row(HOSTS, add_material, {"meeting_materials": 1, **EVENT}, **ID_ROW),
    "addAgendaItem": Row(HOSTS, add_agenda_item, {"agenda_items": 1, **EVENT}, **ID_ROW),
    "controlTimer": Row(HOSTS, control_timer, EVENT, **ID_ROW),
    "createPoll": Row(HOSTS, create_poll, {"polls": 1, **EVENT}, **ID_ROW),
    "openPoll": Row(HOSTS, open_poll, EVENT, **ID_ROW),
    "closePoll": Row(HOSTS, close_poll, EVENT, **ID_ROW),
    "openScoring": Row(HOSTS, open_scoring, {"scoring_sheets": 1, **EVENT}, **ID_ROW),
    "closeScoring": Row(HOSTS, close_scoring, EVENT, **ID_ROW),
    "hideComment": Row(HOSTS, hide_comment, EVENT, **ID_ROW),
    "answerQuestion": Row(HOSTS, answer_question, EVENT, **ID_ROW),
    "updateSpeakingRequest": Row(HOSTS, update_speaking_request, EVENT, **ID_ROW),
    "setMinutes": Row(HOSTS, set_minutes, EVENT, **ID_ROW),
    "issueVotingCodes": Row(
        HOSTS,
        issue_voting_codes,
        {"users": 2, "meeting_participants": 2, "voting_codes": 2, "audit_entries": 1, **EVENT},
        **ID_ROW,
    ),
    "revokeVotingCodes": Row(HOSTS, revoke_voting_codes, {"audit_entries": 1}, **ID_ROW),
    # meetings: participants and the public of the county (signed in)
    "registerForMeeting": Row(
        MEMBERS, on_meeting("ANNOUNCED"), {"meeting_participants": 1, **EVENT}
    ),
    "postComment": Row(MEMBERS, post_comment, {"meeting_comments": 1, **EVENT}),
    "raiseHand": Row(MEMBERS, raise_hand, {"speaking_requests": 1, **EVENT}),
    # cases: handlers (the county office, staff of the accountable unit: here the county
    # root) and the county office alone (重派, 督办, 办结, 合并, 公开, the county's rules)
    "raiseCase": Row(MEMBERS | {ANONYMOUS}, raise_case, CASE_RAISED, other_county=OWN),
    "intakeCases": Row(MEMBERS | {ANONYMOUS}, intake_cases, CASE_RAISED, other_county=OWN),
    "classifyCase": Row(
        HOSTS,
        on_case(kind="DEMAND", matterClass="PUBLIC_INTEREST", handlingClass="IMMEDIATE"),
        EVENT,
        **ID_ROW,
    ),
    "markCaseOutOfScope": Row(HOSTS, on_case(flag="ABUSE", reason="恶意"), EVENT, **ID_ROW),
    "dispatchCase": Row(HOSTS, dispatch_case, CASE_SENT, **ID_ROW),
    "signCaseAssignment": Row(HOSTS, on_assignment(), CASE_EVENT, **ID_ROW),
    "returnCaseAssignment": Row(
        HOSTS, on_assignment(reason="不属于本单位职责"), CASE_EVENT, **ID_ROW
    ),
    "escalateCase": Row(
        HOSTS, on_case(direction="COUNTY", reason="需要县级协调"), CASE_EVENT, **ID_ROW
    ),
    "replyCase": Row(
        HOSTS,
        on_case(kind="INITIAL", body="已收到，正在处理"),
        {"case_replies": 1, **EVENT},
        **ID_ROW,
    ),
    "followUpCase": Row(HOSTS, follow_up_case, {"case_replies": 1, **EVENT}, **ID_ROW),
    "suggestCaseClassification": Row(HOSTS, on_case(), {}),
    # the submitter alone rates (each member rates a case it raised)
    "rateCase": Row(MEMBERS, rate_case, CASE_EVENT),
    # the county office (a county-wide TENANT_ADMIN): an operator is asked for a county first
    "redispatchCase": Row(ADMIN, redispatch_case, CASE_SENT),
    "superviseCase": Row(ADMIN, supervise_case, {"case_replies": 1, **CASE_EVENT}),
    "closeCase": Row(ADMIN, close_case, EVENT),
    "mergeCases": Row(ADMIN, merge_cases, {"events": 2}),
    "publishCase": Row(ADMIN, publish_case, EVENT),
    "deleteCaseTopicRule": Row(ADMIN, delete_topic_rule, {"case_topic_rules": -1}),
    # the county's own rules and ledger: another county's admin sets its own
    "saveCaseTopicRule": Row(ADMIN, save_topic_rule, {"case_topic_rules": 1}, other_county=OWN),
    "setCaseVocabulary": Row(ADMIN, set_case_vocabulary, {"case_terms": 2}, other_county=OWN),
    "importCaseLedger": Row(  # an imported case is history: no inbox note
        ADMIN, import_case_ledger, {"cases": 1, "event_streams": 1, "events": 1}, other_county=OWN
    ),
    # the working calendar: operators enter and publish the official tables (a platform
    # matter: everyone else is refused outright); a county's admin closes its own days
    "setCalendarYear": Row(
        frozenset({OPERATOR}),
        set_calendar_year,
        {},  # a draft, on the platform's tables
        member=FORBIDDEN,
        anonymous=FORBIDDEN,
        other_county=FORBIDDEN,
    ),
    "publishCalendarYear": Row(
        frozenset({OPERATOR}),
        publish_calendar_year,
        {"event_streams": 1, "events": 1},  # every county is told (its calendar stream)
        member=FORBIDDEN,
        anonymous=FORBIDDEN,
        other_county=FORBIDDEN,
    ),
    "addLocalClosure": Row(
        ADMIN,
        add_local_closure,
        {"local_closures": 1, "audit_entries": 1, "event_streams": 1, **EVENT},
        other_county=OWN,
    ),
    "removeLocalClosure": Row(
        ADMIN,
        remove_local_closure,
        {"local_closures": -1, "audit_entries": 1, **EVENT},
        other_county=in_own_county(NOT_FOUND),  # B has no such closure
    ),
    # hearings (听证会): organisers are hosts of A's root; applying and confirming the
    # transcript are for members (the confirming actor applied and was drawn)
    "createHearing": Row(
        HOSTS,
        create_hearing,
        {"hearings": 1, "event_streams": 1, **EVENT},
        other_county=payload("UNKNOWN_UNIT"),
    ),
    "addHearingWitness": Row(
        HOSTS, add_hearing_witness, {"hearing_witnesses": 1, **EVENT}, **ID_ROW
    ),
    "publishHearingNotice": Row(HOSTS, publish_hearing_notice, EVENT, **ID_ROW),
    "openHearingApplications": Row(HOSTS, open_hearing_applications, EVENT, **ID_ROW),
    "applyToHearing": Row(MEMBERS, apply_to_hearing, {"hearing_applications": 1, **EVENT}),
    "addAttendanceCandidates": Row(
        HOSTS, add_attendance_candidates, {"hearing_applications": 1, **EVENT}, **ID_ROW
    ),
    "closeHearingApplications": Row(HOSTS, on_open_hearing, EVENT, **ID_ROW),
    "revealHearingSecret": Row(HOSTS, reveal_hearing_secret, EVENT, **ID_ROW),
    "drawHearingRepresentatives": Row(HOSTS, draw_hearing_representatives, EVENT, **ID_ROW),
    "setHearingTranscript": Row(HOSTS, set_hearing_transcript, EVENT, **ID_ROW),
    "confirmHearingTranscript": Row(
        MEMBERS, confirm_hearing_transcript, {"hearing_confirmations": 1, **EVENT}
    ),
    "recordHearingReport": Row(
        HOSTS, record_hearing_report, {"hearing_views": 1, **EVENT}, **ID_ROW
    ),
    "sealHearingRecord": Row(HOSTS, seal_hearing_record, EVENT, **ID_ROW),
    # the drawn representatives (here the acting member) invited to an ANNOUNCED meeting:
    # their participant row, the meeting's event and the hearing's
    "inviteDrawnToMeeting": Row(
        HOSTS, invite_drawn_to_meeting, {"meeting_participants": 1, "events": 2}, **ID_ROW
    ),
    # hot mutations (schema.mutations.mutate_on_stream): operators are refused first; a
    # 测评票 waits in memory for its mixing batch, so nothing is written yet
    "castVote": Row(MEMBERS, cast_vote, {"votes": 1, **EVENT}, operator=FORBIDDEN),
    "castScoringBallot": Row(MEMBERS, cast_scoring_ballot, {}, operator=FORBIDDEN),
    # 云视频 rooms (backend/video): hosts open, grant the floor and record; participants
    # join, renegotiate and leave (a refused join writes nothing and opens no peer)
    "openVideoRoom": Row(
        HOSTS, open_video_room, {"video_rooms": 1, "event_streams": 1, **EVENT}, **ID_ROW
    ),
    "joinVideoRoom": Row(MEMBERS, join_video_room, {"video_attendance": 1, **EVENT}),
    "renegotiateVideo": Row(MEMBERS, renegotiate_video, {}),
    "leaveVideoRoom": Row(MEMBERS, leave_video_room, EVENT),
    "grantVideoFloor": Row(HOSTS, grant_video_floor, {"video_grants": 1, **EVENT}, **ID_ROW),
    "revokeVideoFloor": Row(HOSTS, revoke_video_floor, EVENT, **ID_ROW),
    "startVideoRecording": Row(
        HOSTS, start_video_recording, {"video_recordings": 1, **EVENT}, **ID_ROW
    ),
    "stopVideoRecording": Row(HOSTS, stop_video_recording, EVENT, **ID_ROW),
}


#: Mutations not yet in the one table, each with the test file that checks who may call it
#: (its refusals and that they write nothing): a stopgap for a branch, folded into MATRIX
#: before it lands. The matrix test fails for a mutation in neither, and for a name here
#: that its file does not use.
PENDING: dict[str, tuple[str, str]] = {}
