"""GraphQL types of the opinion map."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any

import strawberry

from backend.opinion_map import models
from backend.opinion_map.errors import OpinionMapErrorCode as _Code
from backend.opinion_map.events import OpinionMapEvent
from schema.errors import UserError
from schema.relay import to_global_id

OpinionMapErrorCode = _Code
strawberry.enum(
    OpinionMapErrorCode,
    description=(
        "Why an opinion map action was refused: INVALID, RATE_LIMITED, NOT_FOUND, "
        "MAP_EXISTS (the meeting or comment period has its map), MAP_CLOSED, "
        "MEETING_NOT_LIVE, PERIOD_NOT_OPEN (a decision's map outside its open comment "
        "period), STATEMENT_NOT_SHOWN (a pending or hidden statement), TOO_LONG (a "
        "statement over 140 characters), NOT_PENDING (moderated already), RECORD_SEALED."
    ),
)
StatementState = models.StatementState
strawberry.enum(
    StatementState,
    description="PENDING (awaiting moderation), SHOWN (open to votes), HIDDEN (屏蔽).",
)
StatementSource = models.StatementSource
strawberry.enum(
    StatementSource,
    description="HOST (entered by a host), COMMENT (from a meeting's comment or a decision's "
    "opinion), PARTICIPANT (submitted).",
)
VoteChoice = models.VoteChoice
strawberry.enum(VoteChoice, description="AGREE (同意), DISAGREE (不同意), PASS (跳过/不确定).")


def gid(type_name: str, db_id: int) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="A refused opinion map action: the field and the reason.")
class OpinionMapError(UserError):
    code: OpinionMapErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A short statement (观点) of an opinion map.")
class OpinionStatement:
    id: strawberry.ID = strawberry.field(description="The statement (global id).")
    body: str = strawberry.field(description="Its text (at most 140 characters).")
    state: StatementState = strawberry.field(description="Whether it is shown, pending, hidden.")
    source: StatementSource = strawberry.field(description="Where it came from.")
    created_at: datetime = strawberry.field(description="When it was entered or submitted.")

    @classmethod
    def from_model(cls, s: models.OpinionStatement) -> OpinionStatement:
        return cls(
            id=gid("OpinionStatement", s.id),
            body=s.body,
            state=s.state,
            source=s.source,
            created_at=s.created_at,
        )


@strawberry.type(description="A statement that represents a group, and in which direction.")
class OpinionRepresentative:
    statement_id: strawberry.ID = strawberry.field(description="The statement (global id).")
    direction: str = strawberry.field(description="`agree` or `disagree`.")
    share: float = strawberry.field(
        description="The group's (smoothed) share voting in that direction."
    )


@strawberry.type(description="A group of participants who vote alike (观点群组).")
class OpinionGroup:
    index: int = strawberry.field(description="Its number (0: the largest group).")
    size: int = strawberry.field(description="How many participants it holds.")
    x: float = strawberry.field(description="Its centre on the map, first component.")
    y: float = strawberry.field(description="Its centre on the map, second component.")
    representative: list[OpinionRepresentative] = strawberry.field(
        description="The statements that set it apart (Pol.is repness), strongest first."
    )


@strawberry.type(description="A statement with a score (consensus or division).")
class OpinionRanked:
    statement_id: strawberry.ID = strawberry.field(description="The statement (global id).")
    score: float = strawberry.field(
        description="Consensus: the product over groups of their agree share; divisive: "
        "the spread between the groups' agree shares."
    )


@strawberry.type(description="The votes on one statement, counted (never who voted what).")
class OpinionStatementCounts:
    statement_id: strawberry.ID = strawberry.field(description="The statement (global id).")
    body: str = strawberry.field(description="Its text.")
    agree: int = strawberry.field(description="Votes to agree.")
    disagree: int = strawberry.field(description="Votes to disagree.")
    passed: int = strawberry.field(description="Votes to pass.")


@strawberry.type(description="The opinion map as computed: groups, consensus, counts.")
class OpinionMapResult:
    version: int = strawberry.field(
        description="How many changes (votes written, statements shown or hidden) it includes."
    )
    participants: int = strawberry.field(description="Everyone who voted at all.")
    placed: int = strawberry.field(description="Those with enough votes to be grouped.")
    votes: int = strawberry.field(description="Votes counted.")
    groups: list[OpinionGroup] = strawberry.field(description="The groups, largest first.")
    consensus: list[OpinionRanked] = strawberry.field(
        description="Statements every group tends to agree with (group-informed consensus)."
    )
    divisive: list[OpinionRanked] = strawberry.field(
        description="The statements that divide the groups most."
    )
    statements: list[OpinionStatementCounts] = strawberry.field(
        description="Counts per shown statement."
    )

    @classmethod
    def from_figures(cls, f: dict[str, Any]) -> OpinionMapResult:
        def sid(value: int) -> strawberry.ID:
            return gid("OpinionStatement", value)

        return cls(
            version=f["version"],
            participants=f["participants"],
            placed=f["placed"],
            votes=f["votes"],
            groups=[
                OpinionGroup(
                    index=g["index"],
                    size=g["size"],
                    x=g["x"],
                    y=g["y"],
                    representative=[
                        OpinionRepresentative(
                            statement_id=sid(r["statementId"]),
                            direction=r["direction"],
                            share=r["share"],
                        )
                        for r in g["representative"]
                    ],
                )
                for g in f["groups"]
            ],
            consensus=[
                OpinionRanked(statement_id=sid(c["statementId"]), score=c["score"])
                for c in f["consensus"]
            ],
            divisive=[
                OpinionRanked(statement_id=sid(d["statementId"]), score=d["score"])
                for d in f["divisive"]
            ],
            statements=[
                OpinionStatementCounts(
                    statement_id=sid(s["statementId"]),
                    body=s["body"],
                    agree=s["agree"],
                    disagree=s["disagree"],
                    passed=s["passed"],
                )
                for s in f["statements"]
            ],
        )


@strawberry.type(description="Where you are on the map (shown to you only).")
class OpinionPosition:
    x: float = strawberry.field(description="First component.")
    y: float = strawberry.field(description="Second component.")
    group: int = strawberry.field(description="The index of your group.")


@strawberry.type(description="Your own vote on a statement.")
class OpinionOwnVote:
    statement_id: strawberry.ID = strawberry.field(description="The statement (global id).")
    choice: VoteChoice = strawberry.field(description="Your choice.")


@strawberry.type(
    description="The opinion map (意见地图) of a meeting or of a decision's comment period."
)
class OpinionMap:
    id: strawberry.ID = strawberry.field(description="The map (global id).")
    meeting_id: strawberry.ID | None = strawberry.field(
        description="Its meeting (global id; null: a decision's map)."
    )
    decision_id: strawberry.ID | None = strawberry.field(
        description="Its decision, whose comment period hosts it (global id; null: a meeting's)."
    )
    topic: str = strawberry.field(description="What it is about.")
    is_open: bool = strawberry.field(description="Whether statements are voted on now.")
    statements: list[OpinionStatement] = strawberry.field(
        description="Its statements: the shown ones; hosts also see pending and hidden ones."
    )
    result: OpinionMapResult | None = strawberry.field(
        description="The map as last computed (null: nothing computed yet)."
    )
    my_position: OpinionPosition | None = strawberry.field(
        description="Your place on the map (null: not enough votes yet, or not signed in)."
    )
    my_votes: list[OpinionOwnVote] = strawberry.field(description="Your own votes.")

    @strawberry.field(
        description="Its event stream (`opinionmap:<this map's global id>`), for `opinionMapLive`."
    )
    def stream(self) -> str:
        return f"opinionmap:{self.id}"


@strawberry.type(description="A change of an opinion map, live.")
class OpinionMapLiveEvent:
    seq: int = strawberry.field(
        description="The stream position (the last logged event for a live map)."
    )
    at: datetime = strawberry.field(description="When.")
    type: str = strawberry.field(
        description="opinionMap.opened, opinionMap.closed, opinionMap.computed (live, "
        "coalesced), opinionStatement.submitted (hosts only), opinionStatement.shown, "
        "opinionStatement.hidden."
    )
    statement_id: strawberry.ID | None = strawberry.field(
        description="The statement a statement event is about."
    )
    statement: OpinionStatement | None = strawberry.field(
        description="The statement as submitted or shown."
    )
    result: OpinionMapResult | None = strawberry.field(
        description="The map, for opinionMap.computed and opinionMap.closed."
    )


def live_event(seq: int, at: datetime, type: str, payload: dict[str, Any]) -> OpinionMapLiveEvent:
    E = OpinionMapEvent
    statement: OpinionStatement | None = None
    statement_id: strawberry.ID | None = None
    result: OpinionMapResult | None = None
    if type in (E.STATEMENT_SUBMITTED, E.STATEMENT_SHOWN):
        statement_id = gid("OpinionStatement", payload["id"])
        statement = OpinionStatement(
            id=statement_id,
            body=payload["body"],
            state=models.StatementState(payload["state"]),
            source=models.StatementSource(payload["source"]),
            created_at=at,
        )
    elif type == E.STATEMENT_HIDDEN:
        statement_id = gid("OpinionStatement", payload["id"])
    elif type == E.MAP_COMPUTED:
        result = OpinionMapResult.from_figures(payload)
    elif type == E.MAP_CLOSED:
        result = OpinionMapResult.from_figures(payload["result"])
    return OpinionMapLiveEvent(
        seq=seq, at=at, type=type, statement_id=statement_id, statement=statement, result=result
    )


def position_of(
    positions: dict[Hashable, tuple[float, float, int]], voter: int
) -> OpinionPosition | None:
    found = positions.get(voter)
    if found is None:
        return None
    return OpinionPosition(x=round(found[0], 4), y=round(found[1], 4), group=found[2])
