"""Shared machinery of the fuzzers (tests/test_fuzz_*.py).

- `seed_county` fills a county with demo-like data through the API and the factories:
  units, venues, a user for every role, meetings in every state with polls, scoring
  sheets, agenda items, materials, comments (one hidden), a question and a raised hand.
- `OperationGenerator` builds GraphQL operations for any root field from the schema's
  introspection result, as hypothesis strategies: arguments are passed as variables, drawn
  from pools of real ids and strings; selections are at most `MAX_DEPTH` deep and always
  select the fields that identify a row (`id`, `…Id`, hashes), so a leaked row shows.
- `Secrets` holds what must never come back to another county: every text value of the
  county's rows (titles, names, hashes, timestamps…), its global ids and its streams.
- `Findings` keeps one minimal reproduction (operation, variables, response) per distinct
  failure class.

Budgets come from the environment, so CI runs a bounded fuzz and `make fuzz` a long one:
FUZZ_EXAMPLES (operations of the cross-tenant HTTP fuzzer), FUZZ_SCHEMA_EXAMPLES
(schemathesis examples per operation and caller), FUZZ_SECONDS (wall-clock cap of each
fuzz test), FUZZ_TIMEOUT (seconds one request may take before it counts as a hang) and
FUZZ_REPORT (the folder the reports are written to, .yishi/fuzz by default).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import graphql
from hypothesis import strategies as st

from backend.core.db import async_url
from backend.core.rules import RULES
from backend.people.models import Role
from schema.relay import encode_cursor
from tenants.models import OrgUnitKind, VenueLevel
from tests.conftest import COUNTY_TABLES, LiveServer, asyncpg_dsn
from tests.factories.meetings import attend
from tests.factories.people import PASSWORD, make_user
from tests.factories.tenants import Account, County, gid, make_county, make_unit, make_venue
from tests.meetings_api import (
    ADD_AGENDA,
    ADD_MATERIAL,
    ANNOUNCE,
    CAST_BALLOT,
    CLOSE,
    CLOSE_POLL,
    CLOSE_SCORING,
    CREATE_POLL,
    HIDE,
    OPEN_POLL,
    OPEN_SCORING,
    POST_COMMENT,
    PUBLISH,
    RAISE_HAND,
    SET_MINUTES,
    START,
    VOTE,
    ok,
)

MAX_DEPTH = 4


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


@dataclass(frozen=True)
class Budget:
    """How much to fuzz: CI defaults keep all fuzzers within about two minutes on 2 cores."""

    examples: int = field(default_factory=lambda: env_int("FUZZ_EXAMPLES", 500))
    schema_examples: int = field(default_factory=lambda: env_int("FUZZ_SCHEMA_EXAMPLES", 5))
    seconds: float = field(default_factory=lambda: env_float("FUZZ_SECONDS", 30))
    timeout: float = field(default_factory=lambda: env_float("FUZZ_TIMEOUT", 10))

    def deadline(self) -> float:
        return time.monotonic() + self.seconds


# -- a county full of demo-like data -------------------------------------------------------

CREATE_MEETING = """
mutation($input: CreateMeetingInput!) {
  createMeeting(input: $input) { meeting { id state } errors { field code message } }
}"""
ANSWER_LIVE = """
mutation($c: ID!) { answerQuestion(commentId: $c) { comment { id } errors { field code message } } }"""
HAND_OVER = """
mutation($c: ID!, $u: ID) { answerQuestion(commentId: $c, unitId: $u) {
  comment { id } errors { field code message } } }"""

SCOPED_ROLES: dict[Role, str | None] = {
    Role.DEPARTMENT_STAFF: "department",
    Role.MEDIATOR: "township",
    Role.COLLECTOR: "grid",
    Role.NPC_DEPUTY: "village",
    Role.CPPCC_MEMBER: "township",
    Role.OBSERVER: None,
    Role.EXPERT: None,
    Role.CITIZEN: None,
}


@dataclass
class World:
    """One seeded county: who is in it, what it holds, and the marker in all its text."""

    county: County
    marker: str
    accounts: dict[str, Account]  # role name -> a member holding (only) that role
    units: dict[str, str]  # label -> OrgUnit global id
    venues: list[str]
    meetings: dict[str, str]  # state -> Meeting global id
    polls: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    agenda: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    voters: list[Account] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    hearings: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    @property
    def admin(self) -> Account:
        return self.county.admin


async def _meeting(gql: Any, county: County, title: str, unit: str, venue: str | None) -> str:
    data = await gql.data(
        CREATE_MEETING,
        {
            "input": {
                "kind": "WORK_REPORT",
                "mode": "HYBRID",
                "title": title,
                "description": f"{title}：议程与材料",
                "hostUnitId": unit,
                "venueId": venue,
                "startsAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
                "capacity": 50,
            }
        },
        token=county.admin.token,
    )
    payload = data["createMeeting"]
    assert payload["errors"] == [], payload
    return payload["meeting"]["id"]


async def seed_county(server: LiveServer, gql: Any, label: str) -> World:
    """A county like the demo one, every name and text carrying a unique marker."""
    marker = f"{label}FZ{uuid.uuid4().hex[:8]}"
    county = await make_county(server, name=f"{marker}县")
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name=f"{marker}北屏乡")
    village = await make_unit(
        server, county, parent_id=township, kind=OrgUnitKind.VILLAGE, name=f"{marker}苍坪村"
    )
    grid = await make_unit(
        server, county, parent_id=village, kind=OrgUnitKind.GRID, name=f"{marker}第一网格"
    )
    department = await make_unit(
        server, county, kind=OrgUnitKind.DEPARTMENT, name=f"{marker}县住房城乡建委"
    )
    unit_ids = {"township": township, "village": village, "grid": grid, "department": department}
    office = await make_venue(
        server, county, unit_id=township, level=VenueLevel.OFFICE, name=f"{marker}群众说事处"
    )
    station = await make_venue(
        server, county, unit_id=village, level=VenueLevel.STATION, name=f"{marker}群众说事站"
    )
    accounts: dict[str, Account] = {Role.TENANT_ADMIN.name: county.admin}
    for role, scope in SCOPED_ROLES.items():
        accounts[role.name] = await make_user(
            server,
            county,
            roles=[(role, unit_ids[scope] if scope else None)],
            name=f"{marker}{role.value.lower()}",
        )
    voters = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"{marker}群众{i}")
        for i in range(3)
    ]
    world = World(
        county=county,
        marker=marker,
        accounts=accounts,
        units={"root": county.root_gid} | {k: gid("OrgUnit", v) for k, v in unit_ids.items()},
        venues=[gid("Venue", office), gid("Venue", station)],
        meetings={},
        voters=voters,
    )
    admin = county.admin.token
    root, venue = county.root_gid, world.venues[0]
    people = [v.gid for v in voters] + [accounts["NPC_DEPUTY"].gid, accounts["CITIZEN"].gid]

    world.meetings["DRAFT"] = await _meeting(gql, county, f"{marker}草稿协商会", root, None)

    announced = await _meeting(gql, county, f"{marker}专题协商会", root, venue)
    await ok(gql, ADD_MATERIAL, {"m": announced, "t": f"{marker}会议材料"}, admin)
    item = await ok(
        gql, ADD_AGENDA, {"m": announced, "t": f"{marker}议程一", "s": f"{marker}发言人"}, admin
    )
    world.agenda.append(item["agendaItem"]["id"])
    await ok(gql, ANNOUNCE, {"m": announced}, admin)
    world.meetings["ANNOUNCED"] = announced

    live = await _meeting(gql, county, f"{marker}述职报告会", root, venue)
    await ok(gql, START, {"m": live}, admin)
    await attend(gql, county, live, people)
    item = await ok(gql, ADD_AGENDA, {"m": live, "t": f"{marker}述职", "d": 600}, admin)
    world.agenda.append(item["agendaItem"]["id"])
    open_poll = (
        await ok(
            gql, CREATE_POLL, {"m": live, "q": f"{marker}是否同意", "o": ["同意", "反对"]}, admin
        )
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": open_poll}, admin)
    for voter, choice in zip(voters, [0, 1, 0], strict=True):
        await ok(gql, VOTE, {"p": open_poll, "c": [choice], "k": uuid.uuid4().hex}, voter.token)
    closed_poll = (
        await ok(gql, CREATE_POLL, {"m": live, "q": f"{marker}选址", "o": ["东", "西"]}, admin)
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": closed_poll}, admin)
    await ok(gql, VOTE, {"p": closed_poll, "c": [1], "k": uuid.uuid4().hex}, voters[0].token)
    await ok(gql, CLOSE_POLL, {"p": closed_poll}, admin)
    world.polls += [open_poll, closed_poll]
    sheet = (
        await ok(
            gql, OPEN_SCORING, {"m": live, "t": f"{marker}满意度测评", "g": ["县住建委"]}, admin
        )
    )["sheet"]["id"]
    for voter in voters:
        await ok(gql, CAST_BALLOT, {"s": sheet, "a": ["满意"]}, voter.token)
    await ok(gql, CLOSE_SCORING, {"s": sheet}, admin)
    open_sheet = (
        await ok(gql, OPEN_SCORING, {"m": live, "t": f"{marker}第二轮测评", "g": ["乡政府"]}, admin)
    )["sheet"]["id"]
    world.sheets += [sheet, open_sheet]
    author = voters[0].token
    comment = (await ok(gql, POST_COMMENT, {"m": live, "b": f"{marker}停车位太少"}, author))[
        "comment"
    ]["id"]
    reply = (
        await ok(gql, POST_COMMENT, {"m": live, "b": f"{marker}同意楼上", "p": comment}, author)
    )["comment"]["id"]
    hidden = (await ok(gql, POST_COMMENT, {"m": live, "b": f"{marker}隐藏的发言"}, author))[
        "comment"
    ]["id"]
    await ok(gql, HIDE, {"c": hidden, "r": f"{marker}隐藏理由"}, admin)
    question = (
        await ok(gql, POST_COMMENT, {"m": live, "b": f"{marker}何时修路", "k": "QUESTION"}, author)
    )["comment"]["id"]
    await ok(gql, ANSWER_LIVE, {"c": question}, admin)
    world.comments += [comment, reply, hidden, question]
    hand = await ok(gql, RAISE_HAND, {"m": live, "t": f"{marker}想发言"}, voters[1].token)
    world.requests.append(hand["requestId"])
    await ok(gql, SET_MINUTES, {"m": live, "t": f"{marker}会议纪要正文"}, admin)
    world.meetings["LIVE"] = live
    await _seed_opinion_map(gql, world, live, voters)

    closed = await _meeting(gql, county, f"{marker}民意恳谈会", root, None)
    await ok(gql, START, {"m": closed}, admin)
    await attend(gql, county, closed, people[:2])
    await ok(gql, POST_COMMENT, {"m": closed, "b": f"{marker}闭会前发言"}, author)
    await ok(gql, CLOSE, {"m": closed}, admin)
    world.meetings["CLOSED"] = closed

    published = await _meeting(gql, county, f"{marker}听证会", root, None)
    await ok(gql, START, {"m": published}, admin)
    await ok(gql, SET_MINUTES, {"m": published, "t": f"{marker}听证纪要"}, admin)
    await ok(gql, CLOSE, {"m": published}, admin)
    await ok(gql, PUBLISH, {"m": published}, admin)
    world.meetings["RECORD_PUBLISHED"] = published
    await _seed_cases(gql, world)
    await _seed_hearings(gql, world)
    await _seed_decisions(server, gql, world)
    await _seed_inquiries(gql, world)
    await _seed_agenda(server, gql, world)
    await _seed_mediators(gql, world)
    await _seed_representatives(gql, world)
    await _seed_video(gql, world)
    return world


async def _seed_video(gql: Any, world: World) -> None:
    """A 云视频 room of the live meeting with a (short, empty) recording."""
    from tests.factories import video as v

    room = await v.open_room(gql, world.county, world.meetings["LIVE"])
    await ok(gql, v.START_RECORDING, {"r": room}, world.admin.token)
    await ok(gql, v.STOP_RECORDING, {"r": room}, world.admin.token)


async def _seed_opinion_map(gql: Any, world: World, live: str, voters: list[Account]) -> None:
    """The live meeting's opinion map: a shown statement voted on, a pending and a hidden one."""
    from tests.factories import opinion_map as om

    m, county = world.marker, world.county
    opinion_map = await om.open_map(gql, county, live, f"{m}老旧小区改造")
    shown = await om.add_statement(gql, county, opinion_map, f"{m}应当加装电梯")
    hidden = await om.add_statement(gql, county, opinion_map, f"{m}无关内容")
    await ok(gql, om.MODERATE, {"s": hidden, "show": False, "r": f"{m}屏蔽理由"}, world.admin.token)
    await ok(gql, om.SUBMIT, {"o": opinion_map, "b": f"{m}待审核观点"}, voters[1].token)
    for voter, choice in zip(voters, ["AGREE", "DISAGREE", "PASS"], strict=False):
        await ok(gql, om.VOTE, {"s": shown, "c": choice}, voter.token)


async def _seed_representatives(gql: Any, world: World) -> None:
    """The deputy of the county (NPC_DEPUTY's account) serving the village, a proposal
    replied by the department, a written consultation of the department and a 对口协商."""
    from tests.factories import representatives as r

    m, admin, units = world.marker, world.admin.token, world.units
    staff = world.accounts["DEPARTMENT_STAFF"].token
    rep = await r.register(
        gql,
        world.county,
        r.deputy(f"{m}代表", userId=world.accounts["NPC_DEPUTY"].gid, phone="13812345678"),
    )
    await r.link(gql, world.county, rep["id"], units["village"], "2020-01-01")
    await r.link(gql, world.county, rep["id"], world.venues[1], "2020-01-01", "2020-12-31")
    member = await r.register(gql, world.county, r.member(f"{m}委员"))
    for rep_id, title in ((rep["id"], "建议"), (member["id"], "提案")):
        p = (await ok(gql, r.REGISTER_PROPOSAL, {"r": rep_id, "t": f"{m}{title}", "b": m}, admin))[
            "proposal"
        ]["id"]
        await ok(gql, r.ASSIGN, {"p": p, "l": units["department"], "c": [units["township"]]}, admin)
    await ok(gql, r.REPLY, {"p": p, "b": f"{m}答复"}, staff)
    await ok(
        gql,
        r.SEND,
        {
            "input": {
                "senderUnitId": units["department"],
                "title": f"{m}征询",
                "draft": f"{m}征求意见稿",
                "unitIds": [units["township"]],
                "committees": [f"{m}专委会"],
                "representativeIds": [rep["id"]],
            }
        },
        admin,
    )
    await ok(
        gql,
        r.RECORD_COUNTERPART,
        {
            "input": {
                "departmentId": units["department"],
                "committee": f"{m}对口委员会",
                "title": f"{m}对口协商",
                "heldOn": "2026-01-05",
                "topics": [f"{m}议题"],
                "participants": [{"representativeId": rep["id"]}, {"name": f"{m}主任"}],
                "minutes": f"{m}纪要",
            }
        },
        admin,
    )


async def _seed_hearings(gql: Any, world: World) -> None:
    """Hearings at three steps: a draft, one open with an application, one drawn with a
    transcript (no witnesses: its pool is within the seats)."""
    from tests.factories import hearings as h

    m, county, admin = world.marker, world.county, world.admin.token
    draft = await h.make_hearing(gql, county, noticed=False, title=f"{m}草稿听证会")
    opened = await h.make_hearing(gql, county, title=f"{m}水价听证会")
    await h.ok(
        gql,
        h.APPLY,
        {"h": opened.id, "c": "PUBLIC", "s": f"{m}报名说明"},
        world.accounts["CITIZEN"].token,
    )
    drawn = await h.make_hearing(gql, county, witnesses=0, title=f"{m}已抽选听证会")
    for voter in world.voters[:2]:
        await h.ok(gql, h.APPLY, {"h": drawn.id, "c": "EXPERT", "s": f"{m}专家"}, voter.token)
    await h.ok(gql, h.CLOSE, {"h": drawn.id}, admin)
    await h.ok(gql, h.DRAW, {"h": drawn.id}, admin)
    await h.ok(gql, h.SET_TRANSCRIPT, {"h": drawn.id, "t": f"{m}听证笔录"}, admin)
    world.hearings = [draft.id, opened.id, drawn.id]


async def _seed_inquiries(gql: Any, world: World) -> None:
    """网络问政 and opinions with real ids: a half-yearly group of the department, its
    sessions (one live, with a question answered and one open), and a collection before a
    述职报告会 with an opinion entered, accepted and dispatched."""
    from tests.factories import inquiries as inq
    from tests.factories.meetings import make_meeting

    m, admin, department = world.marker, world.admin.token, world.units["department"]
    leader = world.accounts["DEPARTMENT_STAFF"]
    group = {
        "name": f"{m}第四组",
        "frequency": "HALF_YEARLY",
        "weekday": 2,
        "startTime": "09:00",
        "durationMinutes": 60,
        "units": [{"unitId": department, "leaderId": leader.gid}],
    }
    await inq.ok(gql, inq.CREATE_GROUP, {"i": group}, admin)
    await inq.ok(gql, inq.GENERATE, {"y": 2026}, admin)
    session = (await gql.data(inq.SESSIONS, {"y": 2026}, token=admin))["inquirySessions"][0]
    await inq.ok(gql, inq.START, {"s": session["id"]}, admin)
    citizen = world.accounts["CITIZEN"].token
    for body in (f"{m}加装电梯怎么申请", f"{m}物业费标准"):
        await inq.ok(gql, inq.ASK, {"s": session["id"], "b": body}, citizen)
    questions = inq.nodes(
        (await gql.data(inq.QUESTIONS, {"s": session["id"]}, token=admin))["inquiryQuestions"]
    )
    await inq.ok(gql, inq.ANSWER, {"q": questions[0]["id"], "a": f"{m}现场答复"}, leader.token)
    meeting = await make_meeting(gql, world.county, live=False, starts_in=timedelta(days=40))
    opened = await inq.ok(
        gql,
        inq.OPEN_COLLECTION,
        {"i": {"meetingId": meeting, "unitIds": [department], "title": f"{m}意见征集"}},
        admin,
    )
    entered = await inq.ok(
        gql,
        inq.ENTER_OPINION,
        {
            "i": {
                "collectionId": opened["collection"]["id"],
                "unitId": department,
                "source": "WECHAT",
                "body": f"{m}建议加快老旧小区改造",
                "giverId": world.accounts["CITIZEN"].gid,
            }
        },
        admin,
    )
    opinion = entered["opinion"]["id"]
    await inq.ok(gql, inq.REVIEW, {"o": opinion, "a": True}, admin)
    await inq.ok(gql, inq.DISPATCH, {"o": opinion, "h": "TO_HANDLE"}, admin)


async def _seed_agenda(server: LiveServer, gql: Any, world: World) -> None:
    """The annual agenda and 政务公开 in the states the workflows reach: a published
    catalogue with an adjusted item, a 民生实事 round adopted with a weighted sub-project and
    a month's progress (and a proposal not shortlisted), a published, a withdrawn and a
    draft publication, and two requests (one extended, one answered)."""
    from tests.factories import agenda as a

    m, admin, units = world.marker, world.admin.token, world.units
    citizen = world.accounts["CITIZEN"].token
    # 政务公开 is the county's business: its staff hold a county-wide grant
    staff = (
        await make_user(
            server, world.county, roles=[(Role.DEPARTMENT_STAFF, None)], name=f"{m}公开办"
        )
    ).token
    made = await ok(gql, a.CREATE_CATALOGUE, {"y": 2027, "t": f"{m}协商目录"}, admin)
    c = made["catalogue"]["id"]
    item = await ok(
        gql, a.ADD_ITEM, {"c": c, "i": a.item_input(units["department"], topic=f"{m}停车难")},
        admin,
    )  # fmt: skip
    await ok(gql, a.APPROVE_CATALOGUE, {"c": c}, admin)
    await ok(gql, a.PUBLISH_CATALOGUE, {"c": c}, admin)
    await ok(gql, a.ADJUST_ITEM, {"i": item["itemId"], "r": f"{m}调整理由", "q": 3}, admin)
    r = (await ok(gql, a.OPEN_ROUND, {"y": 2027, "t": f"{m}民生实事"}, admin))["round"]["id"]
    chosen = (await ok(gql, a.PROPOSE, {"r": r, "t": f"{m}加装电梯", "d": f"{m}开单"}, citizen))[
        "projectId"
    ]
    dropped = (await ok(gql, a.PROPOSE, {"r": r, "t": f"{m}广场", "d": f"{m}开单"}, citizen))[
        "projectId"
    ]
    await ok(gql, a.REVIEW, {"p": chosen, "s": True}, admin)
    await ok(gql, a.REVIEW, {"p": dropped, "s": False, "r": f"{m}未入围理由"}, admin)
    await ok(gql, a.OPEN_VOTING, {"r": r, "c": a.later()}, admin)
    await ok(gql, a.VOTE, {"p": chosen}, citizen)
    await ok(gql, a.CLOSE_VOTING, {"r": r}, admin)
    await ok(gql, a.ADOPT, {"r": r, "p": [chosen]}, admin)
    sub = (await ok(gql, a.ADD_SUB, {"p": chosen, "t": f"{m}一期", "w": "2"}, admin))["projectId"]
    await ok(gql, a.REPORT, {"p": sub, "m": "2027-03", "c": "30", "s": [f"{m}开工"]}, admin)
    for title, state in (("已发布", "PUBLISHED"), ("已撤回", "WITHDRAWN"), ("草稿", "DRAFT")):
        p = (await ok(gql, a.DRAFT, {"t": f"{m}{title}", "b": f"{m}正文", "c": "NEWS"}, staff))[
            "publication"
        ]["id"]
        if state != "DRAFT":
            await ok(gql, a.APPROVE, {"p": p}, admin)
        if state == "WITHDRAWN":
            await ok(gql, a.WITHDRAW, {"p": p, "r": f"{m}撤回理由"}, admin)
    for answered in (False, True):
        request = (
            await ok(
                gql,
                a.FILE_REQUEST,
                {"i": {"name": f"{m}王", "phone": "13812345678", "description": f"{m}申请"}},
                citizen,
            )
        )["request"]["id"]
        if answered:
            await ok(gql, a.ANSWER, {"r": request, "t": "NOT_EXIST", "x": f"{m}答复"}, staff)
        else:
            await ok(gql, a.EXTEND, {"r": request, "d": 5, "why": f"{m}延期理由"}, admin)


async def _seed_cases(gql: Any, world: World) -> None:
    """Cases in every state the workflows reach, so the fuzzers meet real case ids: one
    received, one dispatched (pending), one returned, one in progress with a CO unit, one
    answered, one closed and published, one out of scope, one merged; a line of the
    议事内容清单; and the handed-over question of the live meeting."""
    from tests.factories import cases as c

    m, admin, units = world.marker, world.admin.token, world.units
    citizen = world.accounts["CITIZEN"].token
    staff = world.accounts["DEPARTMENT_STAFF"].token

    async def new(title: str, **extra: Any) -> str:
        payload = await c.raise_case(
            gql,
            citizen,
            c.online(
                title=f"{m}{title}",
                body=f"{m}{title}：村口路面坑洼，电话13812345678",
                placeUnitId=units["village"],
                contactPhone="13812345678",
                clientKey=f"{m}{title}",
                **extra,
            ),
        )
        return str(payload["case"]["id"])

    received = await new(
        "待分类",
        attachments=[
            {"fileName": f"{m}现场.png", "contentType": "image/png", "dataBase64": "iVBORw0KGgo="}
        ],
    )
    dispatched = await new("待签收")
    await c.act(gql, c.DISPATCH, {"c": dispatched, "u": units["department"]}, admin)
    returned = await new("已退单")
    sent = await c.act(gql, c.DISPATCH, {"c": returned, "u": units["department"]}, admin)
    await c.act(gql, c.RETURN, {"a": sent["assignment"]["id"], "r": f"{m}退单理由"}, staff)
    working = await new("办理中")
    await c.act(
        gql,
        c.CLASSIFY,
        {"c": working, "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "TIME_LIMITED"},
        admin,
    )
    lead = await c.act(gql, c.DISPATCH, {"c": working, "u": units["department"]}, admin)
    await c.act(gql, c.SIGN, {"a": lead["assignment"]["id"]}, staff)
    await c.act(gql, c.DISPATCH, {"c": working, "u": units["township"], "r": "CO"}, admin)
    await c.act(gql, c.REPLY, {"c": working, "k": "NOTE", "b": f"{m}内部备注"}, staff)
    answered = await new("已答复")
    await c.act(gql, c.REPLY, {"c": answered, "k": "RESULT", "b": f"{m}办理结果"}, admin)
    closed = await new("已办结")
    await c.act(gql, c.REPLY, {"c": closed, "k": "RESULT", "b": f"{m}已修复"}, admin)
    await c.act(gql, c.RATE, {"c": closed, "s": "SATISFIED"}, citizen)
    await c.act(gql, c.PUBLISH, {"c": closed}, admin)
    out = await new("涉诉")
    await c.act(gql, c.OUT_OF_SCOPE, {"c": out, "f": "IN_LITIGATION", "r": f"{m}已起诉"}, admin)
    merged = await new("重复件")
    await c.act(gql, c.MERGE, {"p": working, "c": [merged]}, admin)
    await c.act(
        gql,
        c.SAVE_TOPIC,
        {
            "input": {
                "included": False,
                "topic": f"{m}涉法涉诉",
                "keywords": [f"{m}诉讼"],
                "redirect": f"{m}请通过诉讼渠道解决",
            }
        },
        admin,
    )
    question = (
        await ok(
            gql,
            POST_COMMENT,
            {"m": world.meetings["LIVE"], "b": f"{m}路灯谁来修", "k": "QUESTION"},
            world.voters[0].token,
        )
    )["comment"]["id"]
    await ok(gql, HAND_OVER, {"c": question, "u": units["department"]}, admin)
    world.cases = [received, dispatched, returned, working, answered, closed, out, merged]


async def _seed_decisions(server: LiveServer, gql: Any, world: World) -> None:
    """A decision in consultation (a version, a period, an answered comment on a paragraph,
    a document), one drafted only, and one decided, published and evaluated with its
    后评估 open, their texts carrying the marker."""
    from tests.factories import decisions as d

    marker, admin = world.marker, world.admin.token
    consulting = (
        await d.act(
            gql,
            d.CREATE,
            {"i": {"title": f"{marker}停车管理办法", "leadUnitId": world.units["department"]}},
            admin,
        )
    )["decision"]["id"]
    version = await d.add_version(
        gql, admin, consulting, text=f"第一条 {marker}总则。\n第二条 {marker}收费。"
    )
    await d.open_consultation(gql, admin, consulting)
    given = await d.act(
        gql,
        d.COMMENT,
        {"d": consulting, "b": f"{marker}意见", "p": version["paragraphs"][1]["id"]},
        world.accounts["CITIZEN"].token,
    )
    await d.act(
        gql,
        d.ANSWER,
        {"o": given["opinion"]["id"], "x": "NOT_ADOPTED", "r": f"{marker}理由"},
        admin,
    )
    # the comment period's opinion map: a statement taken from the opinion, voted on
    from tests.factories import opinion_map as om

    opened = await ok(gql, om.OPEN_DECISION_MAP, {"d": consulting, "t": f"{marker}停车收费"}, admin)
    taken = await ok(
        gql, om.ADD, {"o": opened["opinionMap"]["id"], "c": given["opinion"]["id"]}, admin
    )
    await ok(
        gql,
        om.VOTE,
        {"s": taken["statement"]["id"], "c": "AGREE"},
        world.accounts["CITIZEN"].token,
    )
    drafting = (
        await d.act(
            gql,
            d.CREATE,
            {"i": {"title": f"{marker}养老服务方案", "leadUnitId": world.units["root"]}},
            admin,
        )
    )["decision"]["id"]
    # a 民意调查 on it with answers (free text carrying the marker) and a 座谈 session
    from datetime import timedelta

    from tests.factories.meetings import INVITE as INVITE_PARTICIPANTS
    from tests.factories.meetings import make_meeting

    questions = [
        {"kind": "SINGLE_CHOICE", "prompt": f"{marker}是否赞成", "options": ["赞成", "反对"]},
        {"kind": "TEXT", "prompt": f"{marker}其他意见"},
    ]
    survey = await d.make_survey(gql, admin, consulting, anonymous=True, questions=questions)
    await d.act(
        gql,
        d.ANSWER_SURVEY,
        d.sheet(survey, f"{marker}-answer", [0], f"{marker}答卷意见"),
        world.accounts["CITIZEN"].token,
    )
    await d.make_survey(gql, admin, consulting, publish=False, questions=questions)
    forum = await make_meeting(
        gql, world.county, kind="FORUM", live=False, starts_in=timedelta(days=30)
    )
    await d.act(
        gql,
        INVITE_PARTICIPANTS,
        {"m": forum, "u": [world.accounts["EXPERT"].gid], "r": "EXPERT"},
        admin,
    )
    await d.act(
        gql,
        d.LINK_SESSION,
        {"i": {"decisionId": consulting, "meetingId": forum, "explanation": f"{marker}起草说明"}},
        admin,
    )
    await d.act(
        gql,
        d.DOCUMENT,
        {
            "i": {
                "decisionId": consulting,
                "step": "PUBLIC_PARTICIPATION",
                "name": f"{marker}起草说明.pdf",
                "contentBase64": "JVBERi0=",
            }
        },
        admin,
    )
    # Decided, published and rated 不满意 by one resident, in a county whose rule opens a
    # 后评估 from one form: a participation report, an evaluation and a post-evaluation.
    staff = world.accounts["DEPARTMENT_STAFF"].gid
    decided = await d.decided_decision(gql, admin, world.units["department"], staff)
    await d.act(gql, d.PUBLISH, {"d": decided}, admin)
    rules = {"decision.post_evaluation_min_evaluations": {"value": 1, "source": f"{marker}方案"}}
    owner = await asyncpg.connect(asyncpg_dsn(async_url(server.owner_url)))
    try:
        await owner.execute(
            "UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'), '{rules}', "
            "coalesce(settings->'rules', '{}') || $2::jsonb) WHERE id = $1",
            world.county.id,
            json.dumps(rules),
        )
    finally:
        await owner.close()
    form = {
        "decisionId": decided,
        "effect": "POOR",
        "satisfaction": "POOR",
        "operability": "FAIR",
        "reasonableness": "FAIR",
        "shortcomings": f"{marker}评议意见",
    }
    await d.act(gql, d.EVALUATE, {"i": form}, world.voters[2].token)
    world.decisions = [consulting, drafting, decided]


async def _seed_mediators(gql: Any, world: World) -> None:
    """The 解事员 pool and oversight, so the fuzzers meet their ids: a village 解事员 with a
    training, an evaluation and an award, assigned to the first (open) case; an observer; a
    三评 of the closed case; a ledger entry; a contact point with staff and a request."""
    from tests.factories import cases as c
    from tests.factories import mediators as md

    m, admin, units = world.marker, world.admin.token, world.units
    mediator = await md.register(
        gql,
        admin,
        name=f"{m}解事员",
        level="VILLAGE",
        orgUnitId=units["village"],
        skills=[f"{m}土地"],
        venueIds=[world.venues[1]],
        phone="13912345678",
    )
    mid, day = mediator["id"], "2026-03-02"
    await c.act(
        gql,
        md.TRAIN,
        {"input": {"mediatorId": mid, "course": f"{m}调解课", "trainedOn": day, "hours": 2}},
        admin,
    )
    await c.act(
        gql,
        md.EVALUATE,
        {
            "input": {
                "mediatorId": mid,
                "period": "2026",
                "grade": "GOOD",
                "comment": f"{m}评语",
                "evaluatedOn": day,
            }
        },
        admin,
    )
    await c.act(
        gql,
        md.AWARD,
        {"input": {"mediatorId": mid, "title": f"{m}优秀解事员", "awardedOn": day}},
        admin,
    )
    await c.act(gql, md.ASSIGN, {"c": world.cases[0], "m": [mid], "n": f"{m}上门"}, admin)
    await c.act(
        gql,
        md.APPOINT,
        {
            "input": {
                "name": f"{m}观察员",
                "orgUnitId": units["village"],
                "termStart": day,
                "phone": "13712345678",
            }
        },
        admin,
    )
    await c.act(
        gql,
        md.EVALUATE_CASE,
        {
            "input": {
                "caseId": world.cases[5],
                "kind": "THIRD_PARTY",
                "grade": "GOOD",
                "text": f"{m}第三方意见",
                "evaluator": f"{m}评估公司",
            }
        },
        admin,
    )
    await c.act(
        gql,
        md.RECORD_CORRECTION,
        {
            "input": {
                "direction": "UPWARD",
                "matter": f"{m}纠错",
                "unitId": units["department"],
                "receivedOn": day,
            }
        },
        admin,
    )
    point = await c.act(
        gql,
        md.CREATE_POINT,
        {"input": {"orgUnitId": units["township"], "name": f"{m}联系点"}},
        admin,
    )
    pid = point["point"]["id"]
    await c.act(
        gql,
        md.ADD_STAFF,
        {"input": {"pointId": pid, "name": f"{m}所长", "phone": "13612345678"}},
        admin,
    )
    await c.act(
        gql,
        md.RECORD_REQUEST,
        {
            "input": {
                "pointId": pid,
                "receivedOn": day,
                "applicantName": f"{m}申请人",
                "applicantPhone": "13512345678",
                "matter": f"{m}复议事项",
                "forwardedTo": f"{m}复议机构",
            }
        },
        admin,
    )


# -- what another county must never see ---------------------------------------------------

# Tables whose rows are Relay nodes, and the node type of each.
NODE_TABLES = {
    "meetings": "Meeting",
    "agenda_items": "AgendaItem",
    "polls": "Poll",
    "scoring_sheets": "ScoringSheet",
    "meeting_comments": "MeetingComment",
    "speaking_requests": "SpeakingRequest",
    "cases": "Case",
    "case_assignments": "CaseAssignment",
    "case_topic_rules": "CaseTopicRule",
    "hearings": "Hearing",
    "hearing_witnesses": "HearingWitness",
    "hearing_applications": "HearingApplication",
    "decisions": "Decision",
    "audit_entries": "AuditEntry",
    "mediators": "Mediator",
    "representatives": "Representative",
    "representative_places": "RepresentativePlace",
    "proposals": "Proposal",
    "written_consultations": "WrittenConsultation",
    "consultation_recipients": "ConsultationRecipient",
    "counterpart_sessions": "CounterpartSession",
    "mediator_assignments": "MediatorAssignment",
    "observers": "Observer",
    "case_evaluations": "CaseEvaluation",
    "correction_entries": "CorrectionEntry",
    "review_points": "ReviewPoint",
    "review_requests": "ReviewRequest",
    "users": "User",
    "memberships": "Membership",
    "org_units": "OrgUnit",
    "venues": "Venue",
    "inquiry_groups": "InquiryGroup",
    "inquiry_sessions": "InquirySession",
    "inquiry_questions": "InquiryQuestion",
    "opinion_collections": "OpinionCollection",
    "opinion_maps": "OpinionMap",
    "opinion_statements": "OpinionStatement",
    "report_opinions": "ReportOpinion",
    "consultation_catalogues": "ConsultationCatalogue",
    "catalogue_items": "CatalogueItem",
    "livelihood_rounds": "LivelihoodRound",
    "livelihood_projects": "LivelihoodProject",
    "publications": "Publication",
    "information_requests": "InformationRequest",
    # rows the API names by global id without a node(id:) (tests/test_fuzz_coverage.py)
    "case_attachments": "CaseAttachment",
    "case_replies": "CaseReply",
    "catalogue_adjustments": "CatalogueAdjustment",
    "decision_comment_periods": "CommentPeriod",
    "decision_documents": "DecisionDocument",
    "decision_evaluations": "DecisionEvaluation",
    "decision_paragraphs": "DecisionParagraph",
    "decision_versions": "DecisionVersion",
    "decision_opinions": "Opinion",
    "decision_reports": "ParticipationReport",
    "decision_post_evaluations": "PostEvaluation",
    "decision_sessions": "DecisionSession",
    "decision_surveys": "DecisionSurvey",
    "decision_survey_questions": "SurveyQuestion",
    "mediator_awards": "MediatorAward",
    "mediator_evaluations": "MediatorEvaluation",
    "mediator_trainings": "MediatorTraining",
    "review_point_staff": "ReviewPointStaff",
    "video_rooms": "VideoRoom",
    "video_recordings": "VideoRecording",
}


async def county_values(owner_db: asyncpg.Connection, tenant_id: int) -> set[str]:
    """Every text value of every row the county owns (and of its tenants row)."""
    values: set[str] = set()
    for table in [*COUNTY_TABLES, "tenants"]:
        key = "id" if table == "tenants" else "tenant_id"
        rows = await owner_db.fetch(
            f"SELECT DISTINCT v.value FROM {table} t, jsonb_each_text(to_jsonb(t)) v "
            f"WHERE t.{key} = $1 AND v.value IS NOT NULL",
            tenant_id,
        )
        values.update(r["value"] for r in rows)
    return values


async def county_ids(owner_db: asyncpg.Connection, tenant_id: int) -> dict[str, list[int]]:
    """Database ids of the county's node rows, per node type (County: the tenant itself)."""
    out: dict[str, list[int]] = {"County": [tenant_id]}
    for table, type_name in NODE_TABLES.items():
        rows = await owner_db.fetch(
            f"SELECT id FROM {table} WHERE tenant_id = $1 ORDER BY id", tenant_id
        )
        out[type_name] = [r["id"] for r in rows]
    return out


async def county_streams(owner_db: asyncpg.Connection, tenant_id: int) -> set[str]:
    rows = await owner_db.fetch(
        "SELECT DISTINCT stream FROM events WHERE tenant_id = $1", tenant_id
    )
    return {r["stream"] for r in rows}


async def county_fingerprint(owner_db: asyncpg.Connection, tenant_id: int) -> dict[str, str]:
    """Row count and content digest per county table (and the tenants row), in one round
    trip: any insert, update or delete in the county changes it."""
    parts = [
        f"(SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
        f" FROM {table} t WHERE tenant_id = $1) AS {table}"
        for table in COUNTY_TABLES
    ]
    parts.append("(SELECT md5(t::text) FROM tenants t WHERE id = $1) AS tenants")
    row = await owner_db.fetchrow("SELECT " + ", ".join(parts), tenant_id)
    return dict(row)


def changed_tables(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}


@dataclass
class Secrets:
    """What of county B may never reach a caller of county A."""

    marker: str
    strings: set[str]  # text values of B's rows (long and distinctive ones only)
    gids: dict[str, str]  # global ids of B's rows -> their node type
    only_streams: set[str]  # B's streams that A does not have (e.g. meeting:<B id>)
    county_row: set[str]  # the values of B's own `tenants` row (name, slug, division code…)
    county_gid: str

    def beyond_county(
        self, response: Any, request_text: str, sent: Callable[[str], bool]
    ) -> list[str]:
        """The leaks of `response` other than B's County itself (its id, name, slug…)."""
        text = json.dumps(response, ensure_ascii=False)
        for value in sorted(self.county_row | {self.county_gid}, key=len, reverse=True):
            if len(value) >= 6:
                text = text.replace(value, "")
        return self.leaks(json.loads(text), request_text, sent)

    def leaks(self, response: Any, request_text: str, sent: Callable[[str], bool]) -> list[str]:
        """Why `response` shows B's data; [] when it does not. A value that the request
        itself carried (or that any earlier request stored in A) is an echo, not a leak,
        except a B global id as an object's `id` or anywhere in `data`: that is a B row."""
        reasons: list[str] = []
        data = response.get("data") if isinstance(response, dict) else None
        for path, value in walk(data):
            if isinstance(value, str) and value in self.gids:
                reasons.append(f"B {self.gids[value]} {value} at data.{path}")
        for path, value in walk(data):
            if path.endswith("events") and isinstance(value, int) and value > 0:
                parent = path.rsplit(".", 1)[0]
                stream = lookup(data, parent + ".stream")
                if stream in self.only_streams:
                    reasons.append(f"{value} events of B's stream {stream} at data.{parent}")
        text = json.dumps(response, ensure_ascii=False)
        if self.marker in text and self.marker not in request_text and not sent(self.marker):
            reasons.append(f"B marker {self.marker}")
        for secret in self.strings:
            if secret in text and secret not in request_text and not sent(secret):
                reasons.append(f"B value {secret[:60]!r}")
        return reasons


VOCABULARY = re.compile(r"[A-Z][A-Z0-9_]*|[a-z]+(\.[a-zA-Z]+)+")


async def collect_secrets(owner_db: asyncpg.Connection, a: World, b: World) -> Secrets:
    a_values = await county_values(owner_db, a.county.id)
    b_values = await county_values(owner_db, b.county.id)
    # Enum values (ANNOUNCED) and event types (meeting.started) are vocabulary, not B's
    # data: A may have had them and lost them to the fuzz (its meetings change state).
    strings = {
        v
        for v in b_values - a_values
        if len(v) >= 8
        and not v.lstrip("-").isdigit()
        and not v.startswith(("{", "["))
        and not VOCABULARY.fullmatch(v)
    }
    ids = await county_ids(owner_db, b.county.id)
    gids = {gid(t, i): t for t, rows in ids.items() for i in rows}
    only = await county_streams(owner_db, b.county.id) - await county_streams(owner_db, a.county.id)
    rows = await owner_db.fetch(
        "SELECT v.value FROM tenants t, jsonb_each_text(to_jsonb(t)) v WHERE t.id = $1",
        b.county.id,
    )
    return Secrets(
        marker=b.marker,
        strings=strings,
        gids=gids,
        only_streams=only,
        county_row={r["value"] for r in rows if r["value"]},
        county_gid=gid("County", b.county.id),
    )


def walk(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}.{i}" if path else str(i))
    else:
        yield path, value


def lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


# Everything a county's admin can read of the county, nested: after a fuzz, A's own state
# must hold no reference to B (a B user invited to A's meeting, a B unit hosting it…). Read
# in several documents, each within the query cost budget (MAX_QUERY_COST): the meetings
# page by page, each meeting's paged lists by its id, the org tree, the people and the log
# (`read_county`).
MEETINGS_PAGE = """
query Everything($after: String) { meetings(first: 50, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node {
    id title state minutes sealedHash hostUnit { id name } venue { id name orgUnit { id } }
    agenda { id title speakerName } polls { id question options counts totalVotes }
    scoringSheets { id title targets results } materials { title url }
    speakingQueue { id userId topic } attendance
  } }
} }"""
MEETING_LISTS = """
query Everything($id: ID!) { node(id: $id) { ... on Meeting {
  participants(first: 100) { edges { node { userId role } } }
  comments(first: 100) { edges { node {
    id body authorId parentId hiddenReason handedOverUnitId } } }
} } }"""
COUNTY_VIEW = """
query Everything {
  orgUnits(first: 100) { edges { node { id name code parent { id name } children { id } venues { id name } } } }
  venues(first: 100) { edges { node { id name address orgUnit { id name } } } }
  county { id name slug }
}"""
ADMIN_VIEW = """
query Everything {
  viewer { user { id displayName memberships { id role orgUnit { id name } } } roles }
  users(first: 100) { edges { node { id displayName phone memberships { id role orgUnit { id name } } } } }
  auditLog(first: 100) { edges { node { id action actor targetType targetId before after } } }
}"""


async def read_county(
    gql: Any, slug: str, token: str | None, *, admin: bool
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every document of the county's full read (the admin's parts too when `admin`), as
    (request body, answer) pairs; the answers are returned whatever they hold, so the
    caller checks them."""
    reads: list[tuple[dict[str, Any], dict[str, Any]]] = []

    async def read(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = await gql.execute(query, variables, tenant=slug, token=token)
        reads.append(({"query": query, "variables": variables}, answer))
        return answer

    after: str | None = None
    while True:
        page = await read(MEETINGS_PAGE, {"after": after})
        meetings = ((page.get("data") or {}).get("meetings")) or {}
        for edge in meetings.get("edges") or ():
            await read(MEETING_LISTS, {"id": edge["node"]["id"]})
        if not (meetings.get("pageInfo") or {}).get("hasNextPage"):
            break
        after = meetings["pageInfo"]["endCursor"]
    await read(COUNTY_VIEW, {})
    if admin:
        await read(ADMIN_VIEW, {})
    return reads


# -- pools of values the generator draws from ---------------------------------------------


@dataclass
class Pools:
    """Real ids and strings (mostly B's, some A's) for arguments."""

    target_ids: dict[str, list[int]]  # B's db ids per node type
    own_ids: dict[str, list[int]]  # A's db ids per node type
    streams: list[str]
    strings: list[str]  # names, titles, phones, slugs… of B (and a few of A)
    actions: list[str]  # audit actions

    def id_strategy(self) -> st.SearchStrategy[str]:
        # A type first, then one of its rows: County (one row) is as likely as User (many).
        target = st.sampled_from(sorted(self.target_ids)).flatmap(
            lambda t: st.sampled_from(self.target_ids[t]).map(lambda i: gid(t, i))
        )
        # Not A's memberships: revoking them would leave A's callers without their roles.
        own = [gid(t, i) for t, ids in self.own_ids.items() if t != "Membership" for i in ids]
        raw = sorted({str(i) for ids in self.target_ids.values() for i in ids})
        types = sorted(self.target_ids)
        numbers = sorted({i for ids in self.target_ids.values() for i in ids})
        retyped = st.builds(
            lambda t, i: gid(t, i), st.sampled_from(types), st.sampled_from(numbers)
        )
        return st.one_of(
            target,
            target,
            target,
            st.sampled_from(raw),
            retyped,
            st.sampled_from(own),
        )

    def int_strategy(self, name: str) -> st.SearchStrategy[int]:
        numbers = sorted({i for ids in self.target_ids.values() for i in ids})
        if name in ("first", "capacity", "maxChoices", "durationSeconds"):
            return st.one_of(st.integers(1, 5), st.sampled_from([0, 100, 101]))
        return st.one_of(
            st.sampled_from(numbers), st.integers(0, 5), st.integers(-(2**31), 2**31 - 1)
        )

    def string_strategy(self, name: str) -> st.SearchStrategy[str]:
        text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
        lowered = name.lower()
        if "stream" in lowered:
            return st.sampled_from(self.streams)
        if lowered == "after":
            numbers = sorted({i for ids in self.target_ids.values() for i in ids})
            return st.sampled_from(numbers).map(encode_cursor)
        if lowered == "action":
            return st.sampled_from(self.actions)
        if lowered == "key":  # the rulebook's keys (setCountyRule, resetCountyRule)
            return st.one_of(st.sampled_from(sorted(RULES)), text)
        if "password" in lowered:
            return st.one_of(st.just(PASSWORD), text)
        if lowered in ("idempotencykey",):
            return st.uuids().map(lambda u: u.hex)
        if lowered.endswith("at") or lowered == "distributedat":
            return st.just((datetime.now(UTC) + timedelta(days=3)).isoformat())
        return st.one_of(st.sampled_from(self.strings), st.sampled_from(self.strings), text)


async def build_pools(owner_db: asyncpg.Connection, a: World, b: World) -> Pools:
    target = await county_ids(owner_db, b.county.id)
    own = await county_ids(owner_db, a.county.id)
    streams = sorted(await county_streams(owner_db, b.county.id))
    streams += [f"meeting:{i}" for i in target["Meeting"]] + ["org", "meeting:"]
    streams += sorted(await county_streams(owner_db, a.county.id))[:3]
    rows = await owner_db.fetch(
        "SELECT display_name, phone FROM users WHERE tenant_id = $1", b.county.id
    )
    strings = [r["display_name"] for r in rows] + [r["phone"] for r in rows]
    strings += [r["phone"].removeprefix("+86") for r in rows]
    titles = await owner_db.fetch("SELECT title FROM meetings WHERE tenant_id = $1", b.county.id)
    strings += [r["title"] for r in titles] + [b.county.slug, b.county.name, b.marker, PASSWORD]
    strings += [a.county.slug, "operator", "中文", ""]
    actions = await owner_db.fetch(
        "SELECT DISTINCT action FROM audit_entries WHERE tenant_id = $1", b.county.id
    )
    return Pools(
        target_ids={k: v for k, v in target.items() if v},
        own_ids={k: v for k, v in own.items() if v},
        streams=streams,
        strings=strings,
        actions=[r["action"] for r in actions] or ["meeting.created"],
    )


# -- operations from the introspection result ---------------------------------------------

INTROSPECTION = graphql.get_introspection_query(descriptions=False)
# Always selected: what identifies a row or stream, and why a mutation was refused.
IDENTITY_FIELDS = {"id", "hash", "headHash", "sealedHash", "stream", "events", "errors", "code"}


def client_schema(introspection: dict[str, Any]) -> graphql.GraphQLSchema:
    return graphql.build_client_schema(introspection)


@dataclass
class Operation:
    kind: str  # query, mutation, subscription
    field: str
    document: str
    variables: dict[str, Any]

    def size(self) -> int:
        return len(self.document) + len(json.dumps(self.variables, ensure_ascii=False))


class _Vars:
    def __init__(self) -> None:
        self.definitions: list[str] = []
        self.values: dict[str, Any] = {}

    def add(self, type_: graphql.GraphQLInputType, value: Any) -> str:
        name = f"v{len(self.definitions)}"
        self.definitions.append(f"${name}: {type_}")
        self.values[name] = value
        return f"${name}"


class OperationGenerator:
    """Hypothesis strategies for operations on any root field of the schema."""

    def __init__(
        self,
        schema: graphql.GraphQLSchema,
        pools: Pools,
        ids: st.SearchStrategy[str] | None = None,
    ) -> None:
        self.schema = schema
        self.pools = pools
        self.ids = ids if ids is not None else pools.id_strategy()

    def with_ids(self, ids: st.SearchStrategy[str]) -> OperationGenerator:
        """The same generator with every ID drawn from `ids`."""
        return OperationGenerator(self.schema, self.pools, ids)

    def takes_ids(self, kind: str, field_name: str) -> bool:
        """True when an argument of the root field is or holds an ID."""

        def holds(type_: Any, seen: frozenset[str] = frozenset()) -> bool:
            named = graphql.get_named_type(type_)
            if named.name == "ID":
                return True
            if graphql.is_input_object_type(named) and named.name not in seen:
                return any(holds(f.type, seen | {named.name}) for f in named.fields.values())
            return False

        return any(holds(a.type) for a in self.roots()[kind].fields[field_name].args.values())

    def roots(self) -> dict[str, graphql.GraphQLObjectType]:
        out = {"query": self.schema.query_type, "mutation": self.schema.mutation_type}
        if self.schema.subscription_type is not None:
            out["subscription"] = self.schema.subscription_type
        return {k: v for k, v in out.items() if v is not None}

    def fields(self, kind: str) -> list[str]:
        return sorted(self.roots()[kind].fields)

    def operation(self, kind: str, field_name: str) -> st.SearchStrategy[Operation]:
        @st.composite
        def build(draw: Any) -> Operation:
            variables = _Vars()
            root_field = self.roots()[kind].fields[field_name]
            args = self._arguments(draw, variables, root_field)
            selection = self._selection(draw, variables, root_field.type, 1)
            head = f"({', '.join(variables.definitions)})" if variables.definitions else ""
            document = f"{kind} Fuzz{head} {{ {field_name}{args}{selection} }}"
            return Operation(kind, field_name, document, variables.values)

        return build()

    # arguments and values

    def _arguments(self, draw: Any, variables: _Vars, fld: graphql.GraphQLField) -> str:
        parts = []
        for name, arg in fld.args.items():
            required = graphql.is_non_null_type(arg.type) and arg.default_value is graphql.Undefined
            if not required and not draw(st.booleans()):
                continue
            parts.append(f"{name}: {variables.add(arg.type, self._value(draw, arg.type, name))}")
        return f"({', '.join(parts)})" if parts else ""

    def _value(self, draw: Any, type_: graphql.GraphQLInputType, name: str) -> Any:
        if graphql.is_non_null_type(type_):
            return self._present(draw, type_.of_type, name)  # type: ignore[union-attr]
        if draw(st.integers(0, 9)) == 0:
            return None
        return self._present(draw, type_, name)

    def _present(self, draw: Any, type_: Any, name: str) -> Any:
        if graphql.is_list_type(type_):
            # Lists of ids hold at least one: the simplest example must still name a row.
            least = 1 if graphql.get_named_type(type_).name == "ID" else 0
            size = draw(st.integers(least, 3))
            return [self._value(draw, type_.of_type, name) for _ in range(size)]
        if graphql.is_enum_type(type_):
            return draw(st.sampled_from(sorted(type_.values)))
        if graphql.is_input_object_type(type_):
            out = {}
            for fname, f in type_.fields.items():
                required = graphql.is_non_null_type(f.type) and f.default_value is graphql.Undefined
                if required or draw(st.booleans()):
                    out[fname] = self._value(draw, f.type, fname)
            return out
        scalar = type_.name
        if scalar == "ID":
            return draw(self.ids)
        if scalar == "Int":
            return draw(self.pools.int_strategy(name))
        if scalar == "Float":
            return draw(st.floats(-1e6, 1e6, allow_nan=False))
        if scalar == "Boolean":
            return draw(st.booleans())
        if scalar == "DateTime":
            days = draw(st.integers(-30, 30))
            return (datetime.now(UTC) + timedelta(days=days)).isoformat()
        if scalar == "JSON":
            return draw(st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3), max_size=2))
        return draw(self.pools.string_strategy(name))

    # selections

    def _selection(
        self, draw: Any, variables: _Vars, type_: Any, depth: int, alias: str | None = None
    ) -> str:
        """A selection set; inside a fragment on `alias`, fields are aliased `<alias>_<name>`
        so that same-named fields of other fragments (e.g. Poll.state and ScoringSheet.state,
        of different types) never conflict."""
        named = graphql.get_named_type(type_)
        if graphql.is_leaf_type(named):
            return ""
        if graphql.is_abstract_type(named):
            possible = sorted(self.schema.get_possible_types(named), key=lambda t: t.name)
            chosen = draw(st.lists(st.sampled_from(possible), min_size=1, max_size=3, unique=True))
            parts = ["__typename"]
            if isinstance(named, graphql.GraphQLInterfaceType) and "id" in named.fields:
                parts.append("id")
            for t in chosen:
                inner = self._selection(draw, variables, t, depth, alias=t.name)
                parts.append(f"... on {t.name}{inner}")
            return " { " + " ".join(parts) + " }"
        fields = named.fields
        forced = [
            n
            for n, f in fields.items()
            if n in IDENTITY_FIELDS
            or (n.endswith("Id") and graphql.get_named_type(f.type).name == "ID")
        ]
        others = sorted(set(fields) - set(forced))
        chosen = draw(st.lists(st.sampled_from(others), max_size=4, unique=True)) if others else []
        parts = ["__typename"]
        for name in forced + chosen:
            fld = fields[name]
            if not graphql.is_leaf_type(graphql.get_named_type(fld.type)) and depth >= MAX_DEPTH:
                continue
            args = self._arguments(draw, variables, fld)
            key = f"{alias}_{name}: {name}" if alias else name
            parts.append(f"{key}{args}{self._selection(draw, variables, fld.type, depth + 1)}")
        return " { " + " ".join(parts) + " }"


# -- findings -----------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    caller: str
    operation: str
    variables: Any
    response: Any
    detail: str

    def size(self) -> int:
        return len(self.operation) + len(
            json.dumps(self.variables, ensure_ascii=False, default=str)
        )

    def render(self) -> str:
        return (
            f"[{self.kind}] as {self.caller}: {self.detail}\n"
            f"  operation: {self.operation}\n"
            f"  variables: {json.dumps(self.variables, ensure_ascii=False, default=str)[:600]}\n"
            f"  response:  {json.dumps(self.response, ensure_ascii=False, default=str)[:600]}"
        )


_NUMBERS = re.compile(r"\d+")


class Findings:
    """One reproduction per failure class (the smallest seen), and how often each came."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.by_class: dict[str, Finding] = {}
        self.counts: dict[str, int] = {}

    def add(self, cls: str, finding: Finding) -> None:
        self.counts[cls] = self.counts.get(cls, 0) + 1
        best = self.by_class.get(cls)
        if best is None or finding.size() < best.size():
            self.by_class[cls] = finding

    def of_kind(self, *kinds: str) -> list[tuple[str, Finding]]:
        return [(c, f) for c, f in sorted(self.by_class.items()) if f.kind in kinds]

    def report(
        self, title: str, figures: dict[str, Any], samples: dict[str, str] | None = None
    ) -> str:
        lines = [f"== {title}: " + ", ".join(f"{k}={v}" for k, v in figures.items())]
        for outcome, sample in sorted((samples or {}).items()):
            lines.append(f"   e.g. {outcome}: {sample}")
        for cls, finding in sorted(self.by_class.items()):
            lines.append(f"-- {cls} (×{self.counts[cls]})")
            lines.append(finding.render())
        text = "\n".join(lines)
        folder = os.environ.get("FUZZ_REPORT", ".yishi/fuzz")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            Path(folder, f"{self.name}.txt").write_text(text + "\n", encoding="utf-8")
        print(text)
        return text


def outcome_of(response: Any) -> str:
    """ "ok", or the code of the first error (top-level, or of a mutation's payload)."""
    if isinstance(response, list):  # a websocket `error` message
        response = {"errors": response}
    if not isinstance(response, dict):
        return "not-json"
    for error in response.get("errors") or []:
        return str((error.get("extensions") or {}).get("code"))
    data = response.get("data")
    if isinstance(data, dict):
        for payload in data.values():
            if isinstance(payload, dict) and payload.get("errors"):
                first = payload["errors"][0]
                return "payload:" + str(first.get("code") if isinstance(first, dict) else first)
    return "ok"


def error_class(field_name: str, response: Any) -> str | None:
    """`field: CODE message` for an internal error in a GraphQL response, else None."""
    if isinstance(response, list):  # a websocket `error` message
        response = {"errors": response}
    if not isinstance(response, dict):
        return None
    for error in response.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL_SERVER_ERROR" or code is None:
            message = _NUMBERS.sub("N", str(error.get("message", "")))[:80]
            return f"{field_name}: {code} {message}"
    return None


def fuzz_each(
    items: list[Any],
    examples: int,
    seconds: float,
    body: Callable[[Any, Any, bool], None],
    *,
    enough: Callable[[], bool] | None = None,
) -> None:
    """Run `body(item, data, send)` as a hypothesis test of its own for every item, each with
    an even share of the examples (at least 1) and of the time still left. Past an item's
    share of the time, `send` is False: the body still draws (hypothesis needs the same draws
    for the same choices) but sends nothing, so the rest of the item's examples cost little.
    An item's first example is always sent, so a slow machine (a loaded CI host) fuzzes fewer
    examples per item, never none of an item that its turn reached. With `enough`, the items
    go on past the time (one example each) until it says the run is enough (a floor of
    requests the caller asserts), for at most three times `seconds` in all: a loaded host
    makes the sweep slower, not emptier."""
    from hypothesis import HealthCheck, Phase, given, settings

    start = time.monotonic()
    end = start + seconds
    per_item = max(1, examples // max(1, len(items)))

    def test_for(item: Any, item_end: float) -> Callable[[], None]:
        calls = [0]

        @settings(
            max_examples=per_item,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        @given(data=st.data())
        def one(data: Any) -> None:
            calls[0] += 1
            body(item, data, calls[0] == 1 or time.monotonic() < item_end)

        return one

    for index, item in enumerate(items):
        now = time.monotonic()
        left = end - now
        if left <= 0 and (enough is None or enough() or now - start > 3 * seconds):
            return
        test_for(item, now + max(0.0, left) / (len(items) - index))()


def run_in_loop(loop: asyncio.AbstractEventLoop, coro: Any, timeout: float = 60) -> Any:
    """Run a coroutine on the test's event loop from a fuzzing thread."""
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
