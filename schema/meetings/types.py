"""GraphQL types of meetings and of their live events."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, overload

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from backend.meetings import models, scoring
from backend.meetings.errors import MeetingErrorCode as _Code
from backend.meetings.events import MeetingEvent
from realtime.log import LoggedEvent
from realtime.streams import RESYNC_TYPE
from schema.context import Info
from schema.errors import UserError
from schema.pages import MISSING, plain, prefetched, prefetched_value
from schema.people.types import Verification
from schema.relay import (
    Connection,
    DatabaseNode,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_node_ids,
    page_size,
    to_global_id,
)
from schema.tenants.types import OrgUnit, Venue

# The domain's enums, marked as GraphQL enums in place (strawberry.enum returns the class
# it is given): the names stay plain aliases, so annotations using them are types to mypy.
MeetingKind = models.MeetingKind
strawberry.enum(
    MeetingKind,
    description=(
        "民意恳谈会 CONSULTATION_TALK, 述职报告会 WORK_REPORT, 专题协商会 THEMATIC_CONSULTATION, "
        "座谈会 FORUM, 听证会 HEARING, 形势通报会 SITUATION_BRIEFING, 对口协商 "
        "COUNTERPART_CONSULTATION, 网络问政 ONLINE_INQUIRY, 云视频会议 VIDEO_MEETING."
    ),
)
MeetingMode = models.MeetingMode
strawberry.enum(MeetingMode, description="In person, online, or both.")
MeetingState = models.MeetingState
strawberry.enum(
    MeetingState,
    description=("DRAFT → ANNOUNCED → LIVE → CLOSED (record sealed) → RECORD_PUBLISHED."),
)
ParticipantRole = models.ParticipantRole
strawberry.enum(
    ParticipantRole,
    description=(
        "HOST 主持, SPEAKER 发言/述职人, DEPUTY 人大代表/政协委员, EXPERT 专家, REPRESENTATIVE "
        "群众/市民/听证代表, ATTENDEE 参会群众."
    ),
)
TimerStatus = models.TimerStatus
strawberry.enum(TimerStatus, description="State of a speech timer.")
PollKind = models.PollKind
strawberry.enum(PollKind, description="Single or multiple choice.")
PollState = models.PollState
strawberry.enum(PollState, description="DRAFT, OPEN (voting) or CLOSED.")
Eligibility = models.Eligibility
strawberry.enum(
    Eligibility,
    description=(
        "Who may vote or score: ATTENDEES (checked in), REGISTERED (invited or signed up), "
        "REPRESENTATIVES (代表委员、专家、群众代表 among the participants)."
    ),
)
ScoringScale = models.ScoringScale
strawberry.enum(
    ScoringScale,
    description=(
        "SATISFACTION: 满意/基本满意/不满意 per target; SCORE_100: a 0–100 score per target."
    ),
)
BallotStatus = scoring.BallotStatus
strawberry.enum(
    BallotStatus,
    description=(
        "Where your 测评票 is: NOT_CAST; PENDING (accepted, waiting for its mixing batch of "
        "at least k ballots); COUNTED (written with its batch); WITHHELD (you took part but "
        "fewer than k scored, so no ballot was kept and no result published)."
    ),
)
ScoringState = models.ScoringState
strawberry.enum(ScoringState, description="OPEN or CLOSED (results published).")
CommentKind = models.CommentKind
strawberry.enum(CommentKind, description="A comment or a question.")
SpeakingState = models.SpeakingState
strawberry.enum(SpeakingState, description="State of a raised hand.")
MeetingErrorCode = _Code
strawberry.enum(MeetingErrorCode, description="Why a meeting action was refused.")


@strawberry.enum(description="Which warning a timer event carries: 1 minute left, or time is up.")
class TimerWarning(enum.Enum):
    ONE_MINUTE_LEFT = "ONE_MINUTE_LEFT"
    TIME_UP = "TIME_UP"


@overload
def gid(type_name: str, db_id: int) -> strawberry.ID: ...
@overload
def gid(type_name: str, db_id: int | None) -> strawberry.ID | None: ...
def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="A failure of a meeting action.")
class MeetingError(UserError):
    code: MeetingErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A speech timer, computed from server-side deadlines.")
class Timer:
    status: TimerStatus = strawberry.field(description="IDLE, RUNNING, PAUSED or STOPPED.")
    duration_seconds: int = strawberry.field(description="Allotted time (述职 default 600 s).")
    deadline: datetime | None = strawberry.field(description="When time is up, while running.")
    remaining_seconds: float | None = strawberry.field(description="Time left when paused/stopped.")


@strawberry.type(name="AgendaItem", description="An agenda item and its speaker.")
class AgendaItem(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    position: int = strawberry.field(description="Order in the agenda, from 1.")
    title: str = strawberry.field(description="Title of the item.")
    speaker_name: str | None = strawberry.field(description="Who speaks (name as printed).")
    timer: Timer = strawberry.field(description="The speech timer.")

    @classmethod
    def from_model(cls, a: models.AgendaItem) -> AgendaItem:
        return cls(
            id=a.id,
            position=a.position,
            title=a.title,
            speaker_name=a.speaker_name,
            timer=Timer(
                status=a.timer_status,
                duration_seconds=a.duration_seconds,
                deadline=a.deadline,
                remaining_seconds=a.remaining_seconds,
            ),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AgendaItem | None]:
        return await _nodes(info, "AgendaItem", models.AgendaItem, cls.from_model, node_ids)


@strawberry.type(name="Poll", description="A live poll (表决). Counts are live while open.")
class Poll(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    question: str = strawberry.field(description="What is voted on.")
    kind: PollKind = strawberry.field(description="Single or multiple choice.")
    options: list[str] = strawberry.field(description="The options, in order (choices index them).")
    max_choices: int = strawberry.field(description="How many options a voter may pick.")
    eligibility: Eligibility = strawberry.field(description="Who may vote.")
    state: PollState = strawberry.field(description="DRAFT, OPEN or CLOSED.")
    counts: list[int] = strawberry.field(description="Votes per option (exact once closed).")
    total_votes: int = strawberry.field(description="Number of voters.")
    required_verification: Verification | None = strawberry.field(
        description="The verification level (实名制) voters need when stricter than the "
        "meeting's; null: the meeting's."
    )

    @classmethod
    def from_model(cls, p: models.Poll) -> Poll:
        return cls(
            id=p.id,
            question=p.question,
            kind=p.kind,
            options=list(p.options),
            max_choices=p.max_choices,
            eligibility=p.eligibility,
            state=p.state,
            counts=list(p.counts),
            total_votes=p.total_votes,
            required_verification=p.required_verification,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Poll | None]:
        return await _nodes(info, "Poll", models.Poll, cls.from_model, node_ids)


@strawberry.type(description="Someone who may score and is not counted yet.")
class ScoringAbsentee:
    user_id: strawberry.ID = strawberry.field(description="The person.")
    name: str = strawberry.field(description="Display name.")


@strawberry.type(description="Turnout of an open evaluation: how many, never what.")
class ScoringTurnoutInfo:
    eligible: int = strawberry.field(description="Participants who may score now.")
    counted: int = strawberry.field(description="Ballots written (in mixing batches).")
    pending: int = strawberry.field(
        description="Ballots accepted by this server and waiting for their batch."
    )
    not_counted: list[ScoringAbsentee] = strawberry.field(
        description="Who may score and is not counted yet (pending ones included)."
    )


@strawberry.type(name="ScoringSheet", description="An anonymous evaluation (测评票).")
class ScoringSheet(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="What is evaluated.")
    scale: ScoringScale = strawberry.field(description="满意度 levels or 0–100 scores.")
    targets: list[str] = strawberry.field(description="Units or officials evaluated, in order.")
    state: ScoringState = strawberry.field(description="OPEN or CLOSED.")
    min_ballots: int = strawberry.field(
        description="k: ballots are written only in shuffled batches of at least k, and "
        "results are withheld when fewer than k scored."
    )
    results: JSON | None = strawberry.field(
        description="Per-target results, once closed (`withheld: true` when fewer than "
        "`minBallots` scored)."
    )

    @classmethod
    def from_model(cls, s: models.ScoringSheet) -> ScoringSheet:
        return cls(
            id=s.id,
            title=s.title,
            scale=s.scale,
            targets=list(s.targets),
            state=s.state,
            min_ballots=s.min_ballots,
            results=JSON(s.results) if s.state is models.ScoringState.CLOSED else None,
        )

    @strawberry.field(
        description="Your own 测评票: PENDING until its batch is written, then COUNTED. "
        "Ask again when a `scoring.counted` event or a turnout update arrives."
    )
    async def my_ballot(self, info: Info) -> BallotStatus:
        principal = await info.context.principal()
        mixer = info.context.services.ballots

        async def run(session: AsyncSession) -> scoring.BallotStatus:
            sheet = await session.get(models.ScoringSheet, self.id)
            return await scoring.my_ballot(session, mixer, principal, sheet)

        return await info.context.read(run)

    @strawberry.field(
        description="Turnout while it runs: how many may score, are counted, are pending, "
        "and who is not counted yet. Hosts only (null for others); never what was scored."
    )
    async def turnout(self, info: Info) -> ScoringTurnoutInfo | None:
        principal = await info.context.principal()
        mixer = info.context.services.ballots

        async def run(session: AsyncSession) -> scoring.Turnout | None:
            sheet = await session.get(models.ScoringSheet, self.id)
            return await scoring.turnout(session, mixer, principal, sheet)

        seen = await info.context.read(run)
        if seen is None:
            return None
        return ScoringTurnoutInfo(
            eligible=seen.eligible,
            counted=seen.counted,
            pending=seen.pending,
            not_counted=[
                ScoringAbsentee(user_id=gid("User", uid), name=name)
                for uid, name in seen.not_counted
            ],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ScoringSheet | None]:
        return await _nodes(info, "ScoringSheet", models.ScoringSheet, cls.from_model, node_ids)


@strawberry.type(name="MeetingComment", description="A live comment or question.")
class MeetingComment(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    kind: CommentKind = strawberry.field(description="Comment or question.")
    body: str | None = strawberry.field(description="The text; null when hidden (hosts see it).")
    author_id: strawberry.ID | None = strawberry.field(
        description="Global id of the author (hosts only; docs/meetings.md, visibility)."
    )
    parent_id: strawberry.ID | None = strawberry.field(description="The comment this replies to.")
    created_at: datetime = strawberry.field(description="When posted.")
    hidden: bool = strawberry.field(description="True when moderated away.")
    hidden_reason: str | None = strawberry.field(description="Why (hosts only).")
    approved: bool = strawberry.field(
        description="True when a host reviewed it and kept it public (审核通过, approveComment)."
    )
    answered_live: bool = strawberry.field(description="A question answered on the spot.")
    handed_over_unit_id: strawberry.ID | None = strawberry.field(
        description="Unit the question was handed to, as a case to answer."
    )

    @classmethod
    def from_model(cls, c: models.Comment, *, host: bool) -> MeetingComment:
        hidden = c.hidden_at is not None
        return cls(
            id=c.id,
            kind=c.kind,
            body=c.body if host or not hidden else None,
            author_id=gid("User", c.author_user_id) if host else None,
            parent_id=gid("MeetingComment", c.parent_id),
            created_at=c.created_at,
            hidden=hidden,
            hidden_reason=c.hidden_reason if host else None,
            approved=c.approved_at is not None,
            answered_live=c.answered_live_at is not None,
            handed_over_unit_id=gid("OrgUnit", c.handed_over_unit_id),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[MeetingComment | None]:
        return await _nodes(
            info,
            "MeetingComment",
            models.Comment,
            lambda c: cls.from_model(c, host=False),
            node_ids,
        )


@strawberry.type(description="A participant of a meeting.")
class Participant:
    user_id: strawberry.ID | None = strawberry.field(
        description="Global id of the user (hosts only; docs/meetings.md, visibility)."
    )
    role: ParticipantRole = strawberry.field(description="Role in the meeting.")
    invited: bool = strawberry.field(description="Invited (rather than self-registered).")
    checked_in_at: datetime | None = strawberry.field(description="Attendance time, if present.")
    check_in_mode: str | None = strawberry.field(description="IN_PERSON or ONLINE.")


@strawberry.type(description="A raised hand in the speaking queue.")
class SpeakingRequest:
    id: strawberry.ID = strawberry.field(description="Global id of the request.")
    user_id: strawberry.ID | None = strawberry.field(description="Who asked to speak (hosts only).")
    state: SpeakingState = strawberry.field(description="WAITING, SPEAKING, DONE or WITHDRAWN.")
    topic: str | None = strawberry.field(description="What about.")


@strawberry.type(description="A document for participants.")
class Material:
    title: str = strawberry.field(description="Title.")
    url: str | None = strawberry.field(description="Where to read it.")
    distributed_at: datetime | None = strawberry.field(description="When it reached participants.")


@strawberry.type(name="Meeting", description="A live consultation meeting.")
class Meeting(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    kind: MeetingKind = strawberry.field(description="Kind of meeting.")
    mode: MeetingMode = strawberry.field(description="In person, online or both.")
    state: MeetingState = strawberry.field(description="Lifecycle state.")
    title: str = strawberry.field(description="Title.")
    description: str | None = strawberry.field(description="Purpose and arrangements.")
    starts_at: datetime = strawberry.field(description="Scheduled start.")
    ends_at: datetime | None = strawberry.field(description="Scheduled end.")
    capacity: int | None = strawberry.field(description="Registration limit, if any.")
    minutes: str | None = strawberry.field(description="Minutes (会议纪要) written by the host.")
    sealed_hash: str | None = strawberry.field(description="Final hash of the sealed record.")
    sealed_at: datetime | None = strawberry.field(description="When the record was sealed.")
    required_verification: Verification = strawberry.field(
        description="The verification level (实名制) needed to register, check in and vote."
    )
    venue_db_id: strawberry.Private[int | None]
    host_unit_db_id: strawberry.Private[int]

    @strawberry.field(
        description="The meeting's stream for `streamEvents`, `verifyStream` and `events`: "
        "meeting:<this meeting's global id>."
    )
    @plain
    def stream(self) -> str:
        return f"meeting:{to_global_id('Meeting', self.id)}"

    @classmethod
    def from_model(cls, m: models.Meeting) -> Meeting:
        return cls(
            id=m.id,
            kind=m.kind,
            mode=m.mode,
            state=m.state,
            title=m.title,
            description=m.description,
            starts_at=m.starts_at,
            ends_at=m.ends_at,
            capacity=m.capacity,
            minutes=m.minutes,
            sealed_hash=m.sealed_hash,
            sealed_at=m.sealed_at,
            required_verification=m.required_verification,
            venue_db_id=m.venue_id,
            host_unit_db_id=m.host_unit_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Meeting | None]:
        return await _nodes(info, "Meeting", models.Meeting, cls.from_model, node_ids)

    @strawberry.field(description="The venue (说事场所), if any.")
    @prefetched("venue")  # by a page of meetings (schema.meetings.pages)
    async def venue(self, info: Info) -> Venue | None:
        if (value := prefetched_value(self, "venue")) is not MISSING:
            return value  # type: ignore[no-any-return]
        if self.venue_db_id is None:
            return None
        row = await info.context.loaders.venue.load(self.venue_db_id)
        return Venue.from_model(row) if row else None

    @strawberry.field(description="The host unit (主办单位).")
    @prefetched("hostUnit")
    async def host_unit(self, info: Info) -> OrgUnit | None:
        if (value := prefetched_value(self, "hostUnit")) is not MISSING:
            return value  # type: ignore[no-any-return]
        row = await info.context.loaders.org_unit.load(self.host_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The agenda, in order.")
    async def agenda(self, info: Info) -> list[AgendaItem]:
        rows = await info.context.loaders.agenda_by_meeting.load(self.id)
        return [AgendaItem.from_model(r) for r in rows]

    @strawberry.field(description="Polls, in creation order.")
    async def polls(self, info: Info) -> list[Poll]:
        rows = await info.context.loaders.polls_by_meeting.load(self.id)
        return [Poll.from_model(r) for r in rows]

    @strawberry.field(description="Anonymous evaluations (测评).")
    async def scoring_sheets(self, info: Info) -> list[ScoringSheet]:
        rows = await info.context.loaders.sheets_by_meeting.load(self.id)
        return [ScoringSheet.from_model(r) for r in rows]

    @strawberry.field(description="Materials for participants.")
    async def materials(self, info: Info) -> list[Material]:
        rows = await info.context.loaders.materials_by_meeting.load(self.id)
        return [Material(title=r.title, url=r.url, distributed_at=r.distributed_at) for r in rows]

    @strawberry.field(description="Waiting and speaking hands, in order.")
    async def speaking_queue(self, info: Info) -> list[SpeakingRequest]:
        view = _view(info, self.id)  # asked with the rows: one batch for the page
        rows = await info.context.loaders.queue_by_meeting.load(self.id)
        host = await _hosts(view)
        return [
            SpeakingRequest(
                id=gid("SpeakingRequest", r.id),
                user_id=gid("User", r.user_id) if host else None,
                state=r.state,
                topic=r.topic,
            )
            for r in rows
        ]

    @strawberry.field(description="Number of participants checked in.")
    async def attendance(self, info: Info) -> int:
        return await info.context.loaders.attendance_by_meeting.load(self.id)

    @strawberry.field(description="Participants, in the order they joined the list.")
    async def participants(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[Participant]:
        size, after_id = page_size(first), decode_cursor(after)
        view = _view(info, self.id)  # asked with the rows: one batch for the page
        rows = await info.context.loaders.participants_page.load(
            self.id, first=size, after=after_id
        )
        host = await _hosts(view)
        return build_connection(
            rows,
            first=size,
            key=lambda r: r.id,
            to_node=lambda p: Participant(
                user_id=gid("User", p.user_id) if host else None,
                role=p.role,
                invited=p.invited,
                checked_in_at=p.checked_in_at,
                check_in_mode=p.check_in_mode,
            ),
        )

    @strawberry.field(
        description="Comments and questions, newest first; hidden ones show "
        "their text to hosts only."
    )
    async def comments(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[MeetingComment]:
        size, after_id = page_size(first), decode_cursor(after)
        view = _view(info, self.id)  # asked with the rows: one batch for the page
        rows = await info.context.loaders.comments_page.load(self.id, first=size, after=after_id)
        host = await _hosts(view)
        return build_connection(
            rows,
            first=size,
            key=lambda r: r.id,
            to_node=lambda c: MeetingComment.from_model(c, host=host),
        )


def _view(info: Info, meeting_id: int) -> Any:
    """The caller's view of the meeting, as a future: ask it before awaiting anything else,
    so that every meeting of a page is in the same batch (one statement)."""
    return info.context.loaders.meeting_view.load(meeting_id)


async def _hosts(view: Any) -> bool:
    """Whether the caller sees the meeting as its host (user ids are for hosts only)."""
    from backend.meetings import visibility

    seen: Any = await view
    return bool(seen == visibility.HOST_VIEW)


async def _rows(info: Info, query: Any) -> list[Any]:
    async def run(s: AsyncSession) -> list[Any]:
        return list((await s.execute(query)).scalars().all())

    return await info.context.read(run)


async def _nodes(
    info: Info, type_name: str, model: Any, convert: Any, node_ids: Iterable[str]
) -> list[Any]:
    """Rows of a meeting, or meetings, by node id; those of a meeting the caller may not
    see (a draft: `access.visible_to`) are null, as if they did not exist."""
    from backend.meetings import access

    ids = decode_node_ids(type_name, node_ids)
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return [None] * len(ids)
    principal = await info.context.principal()
    query = select(model).where(model.id.in_(wanted), access.visible_to(principal))
    if model is not models.Meeting:
        query = query.join(models.Meeting, models.Meeting.id == model.meeting_id)
    rows = {r.id: r for r in await _rows(info, query)}
    return [convert(rows[i]) if i in rows else None for i in ids]


# -- live events ----------------------------------------------------------------------------


@strawberry.type(description="The meeting moved to another state.")
class MeetingStateChanged:
    state: MeetingState = strawberry.field(description="The new state.")


@strawberry.type(description="A person in a participant change.")
class ParticipantBrief:
    user_id: strawberry.ID | None = strawberry.field(
        description="Global id of the user (hosts only; see docs/meetings.md, visibility)."
    )
    name: str | None = strawberry.field(description="Display name (hosts only).")
    role: str | None = strawberry.field(description="Role in the meeting.")
    mode: str | None = strawberry.field(description="IN_PERSON or ONLINE, for check-ins.")


@strawberry.type(description="People were invited, registered or checked in.")
class ParticipantUpdate:
    change: str = strawberry.field(description="INVITED, REGISTERED or CHECKED_IN.")
    participants: list[ParticipantBrief] = strawberry.field(description="Who.")


@strawberry.type(description="An agenda item was added.")
class AgendaUpdate:
    agenda_item_id: strawberry.ID = strawberry.field(description="The item.")
    title: str = strawberry.field(description="Its title.")
    position: int = strawberry.field(description="Its position.")
    speaker_name: str | None = strawberry.field(description="Its speaker.")
    duration_seconds: int = strawberry.field(description="Allotted time.")


@strawberry.type(description="A speech timer changed, or warns (1 minute left / time is up).")
class TimerUpdate:
    agenda_item_id: strawberry.ID = strawberry.field(description="The agenda item.")
    status: TimerStatus = strawberry.field(description="Timer state after the change.")
    deadline: datetime | None = strawberry.field(description="When time is up, while running.")
    remaining_seconds: float | None = strawberry.field(description="Time left.")
    duration_seconds: int = strawberry.field(description="Allotted time.")
    warning: TimerWarning | None = strawberry.field(description="Set on warning events.")


@strawberry.type(description="A poll was created, opened or closed (closed: exact final counts).")
class PollUpdate:
    change: str = strawberry.field(description="CREATED, OPENED or CLOSED.")
    poll: Poll = strawberry.field(description="The poll after the change.")


@strawberry.type(
    description="Live tally of an open poll (coalesced: a few per second, "
    "ending on the exact count)."
)
class PollTally:
    poll_id: strawberry.ID = strawberry.field(description="The poll.")
    counts: list[int] = strawberry.field(description="Votes per option.")
    total_votes: int = strawberry.field(description="Voters so far.")


@strawberry.type(description="An evaluation (测评) opened or closed with its results.")
class ScoringUpdate:
    change: str = strawberry.field(description="OPENED or CLOSED.")
    sheet: ScoringSheet = strawberry.field(description="The sheet after the change.")


@strawberry.type(
    description="Turnout of an evaluation changed: a ballot was accepted (pending) or a "
    "mixing batch was written (counted). Counts only, never who or what."
)
class ScoringTurnout:
    sheet_id: strawberry.ID = strawberry.field(description="The evaluation.")
    counted: int | None = strawberry.field(
        description="Ballots written so far (set when a batch was written)."
    )
    pending: int | None = strawberry.field(
        description="Ballots waiting for their batch on the server that sent this."
    )
    ballots: int | None = strawberry.field(
        description="Size of the batch just written (recorded `scoring.counted` events)."
    )


@strawberry.type(description="A comment was posted, hidden, answered or handed over.")
class CommentUpdate:
    change: str = strawberry.field(
        description="POSTED, HIDDEN, APPROVED, ANSWERED_LIVE or HANDED_OVER."
    )
    comment_id: strawberry.ID = strawberry.field(description="The comment.")
    kind: CommentKind | None = strawberry.field(description="Comment or question (POSTED).")
    body: str | None = strawberry.field(description="The text (POSTED).")
    author_name: str | None = strawberry.field(
        description="Author (POSTED; hosts and participants, not for a hidden comment)."
    )
    parent_id: strawberry.ID | None = strawberry.field(description="Replied-to comment.")
    hidden_reason: str | None = strawberry.field(description="Why hidden (hosts only).")
    unit_name: str | None = strawberry.field(description="Unit it was handed to.")


@strawberry.type(description="An entry of the speaking queue.")
class QueueEntry:
    request_id: strawberry.ID = strawberry.field(description="The request.")
    user_id: strawberry.ID | None = strawberry.field(description="Who (hosts only).")
    name: str | None = strawberry.field(description="Display name (hosts and participants).")
    state: SpeakingState = strawberry.field(description="WAITING or SPEAKING.")
    topic: str | None = strawberry.field(description="About what.")


@strawberry.type(description="The speaking queue changed; here it is whole.")
class QueueUpdate:
    queue: list[QueueEntry] = strawberry.field(description="Waiting and speaking, in order.")


@strawberry.type(description="The minutes were edited.")
class MinutesUpdate:
    length: int = strawberry.field(description="Characters.")
    sha256: str | None = strawberry.field(description="Hash of the text, as recorded.")


@strawberry.type(description="A material was added.")
class MaterialUpdate:
    title: str = strawberry.field(description="Title.")
    distributed_at: datetime | None = strawberry.field(description="When it reached participants.")


@strawberry.type(description="The record is sealed: no more events.")
class RecordSealed:
    events: int = strawberry.field(description="Events in the sealed record.")


@strawberry.type(
    description="The client fell too far behind: reload the meeting and "
    "resubscribe with `after` = this event's seq."
)
class ResyncRequired:
    reason: str = strawberry.field(description="Why.")


MeetingLiveData = Annotated[
    MeetingStateChanged
    | ParticipantUpdate
    | AgendaUpdate
    | TimerUpdate
    | PollUpdate
    | PollTally
    | ScoringUpdate
    | ScoringTurnout
    | CommentUpdate
    | QueueUpdate
    | MinutesUpdate
    | MaterialUpdate
    | RecordSealed
    | ResyncRequired,
    strawberry.union("MeetingLiveData", description="What happened in a meeting."),
]


@strawberry.type(description="One thing that happened in a meeting, in order.")
class MeetingLiveEvent:
    seq: int = strawberry.field(
        description="Position in the meeting's record; resume with "
        "`after: seq`. Live tallies repeat the last seq."
    )
    at: datetime = strawberry.field(description="When it was recorded.")
    type: str = strawberry.field(description="Event type, e.g. timer.oneMinuteLeft.")
    hash: str = strawberry.field(
        description="Chain hash of the event (empty for live tallies, and for "
        "events reduced for the caller's view)."
    )
    data: MeetingLiveData = strawberry.field(description="The details.")


def _poll_from_payload(p: dict[str, Any]) -> Poll:
    return Poll(
        id=p["id"],
        question=p["question"],
        kind=models.PollKind(p["kind"]),
        options=p["options"],
        max_choices=p["maxChoices"],
        eligibility=models.Eligibility(p["eligibility"]),
        state=models.PollState(p["state"]),
        counts=p["counts"],
        total_votes=p["totalVotes"],
        required_verification=models.Verification(p["requiredVerification"])
        if p.get("requiredVerification")
        else None,
    )


def _sheet_from_payload(p: dict[str, Any]) -> ScoringSheet:
    state = models.ScoringState(p["state"])
    return ScoringSheet(
        id=p["id"],
        title=p["title"],
        scale=models.ScoringScale(p["scale"]),
        targets=p["targets"],
        state=state,
        min_ballots=p.get("minBallots", scoring.DEFAULT_MIN_BALLOTS),
        results=p.get("results") if state is models.ScoringState.CLOSED else None,
    )


def _timer(p: dict[str, Any], warning: Any = None) -> TimerUpdate:
    return TimerUpdate(
        agenda_item_id=gid("AgendaItem", p["agendaItemId"]),
        status=models.TimerStatus(p["status"]),
        deadline=datetime.fromisoformat(p["deadline"]) if p.get("deadline") else None,
        remaining_seconds=p.get("remainingSeconds"),
        duration_seconds=p["durationSeconds"],
        warning=warning,
    )


def _comment(change: str, p: dict[str, Any], host: bool) -> CommentUpdate:
    return CommentUpdate(
        change=change,
        comment_id=gid("MeetingComment", p["id"]),
        kind=models.CommentKind(p["kind"]) if "kind" in p else None,
        body=p.get("body"),
        author_name=p.get("authorName"),
        parent_id=gid("MeetingComment", p.get("parentId")),
        hidden_reason=p.get("reason") if host else None,
        unit_name=p.get("unitName"),
    )


E = MeetingEvent
_TIMER_TYPES = frozenset(
    {
        E.TIMER_START,
        E.TIMER_PAUSE,
        E.TIMER_RESUME,
        E.TIMER_STOP,
        E.TIMER_ONE_MINUTE_LEFT,
        E.TIMER_TIME_UP,
    }
)
#: The meeting's event types `meetingLive` does not show (the `events` subscription and the
#: record do); every other type has a member of `MeetingLiveData`.
NOT_IN_MEETING_LIVE = frozenset(
    {
        E.MEETING_CREATED,
        E.MEETING_VERIFICATION_CHANGED,
        E.VOTE_CAST,
        E.SCORE_CAST,
        # 云视频 recordings: in the record; the room's own stream is the live view
        E.VIDEO_RECORDING_STARTED,
        E.VIDEO_RECORDING_STOPPED,
        E.OPINION_MAP_CONCLUDED,
    }
)
_PARTICIPANT_CHANGES: dict[str, str] = {
    E.PARTICIPANT_INVITED: "INVITED",
    E.PARTICIPANT_REGISTERED: "REGISTERED",
}
_TIMER_WARNINGS: dict[str, TimerWarning] = {
    E.TIMER_ONE_MINUTE_LEFT: TimerWarning.ONE_MINUTE_LEFT,
    E.TIMER_TIME_UP: TimerWarning.TIME_UP,
}


def live_data(event: LoggedEvent, *, host: bool) -> Any | None:
    """The union member for an event, or None when it is not shown live."""
    p, t = event.payload, event.type
    if t == E.MEETING_STATE_CHANGED:
        return MeetingStateChanged(state=models.MeetingState(p["state"]))
    if t in (E.PARTICIPANT_INVITED, E.PARTICIPANT_REGISTERED, E.PARTICIPANT_CHECKED_IN):
        people = p.get("participants") or [p]
        return ParticipantUpdate(
            change=_PARTICIPANT_CHANGES.get(t, "CHECKED_IN"),
            participants=[
                ParticipantBrief(
                    user_id=gid("User", x.get("userId")),
                    name=x.get("name"),
                    role=x.get("role"),
                    mode=x.get("mode"),
                )
                for x in people
            ],
        )
    if t == E.AGENDA_ITEM_ADDED:
        return AgendaUpdate(
            agenda_item_id=gid("AgendaItem", p["id"]),
            title=p["title"],
            position=p["position"],
            speaker_name=p.get("speakerName"),
            duration_seconds=p["durationSeconds"],
        )
    if t in _TIMER_TYPES:
        return _timer(p, _TIMER_WARNINGS.get(t))
    if t in (E.POLL_CREATED, E.POLL_OPENED, E.POLL_CLOSED):
        return PollUpdate(change=t.split(".")[1].upper(), poll=_poll_from_payload(p))
    if t == E.POLL_TALLY:
        return PollTally(
            poll_id=gid("Poll", p["pollId"]), counts=p["counts"], total_votes=p["totalVotes"]
        )
    if t in (E.SCORING_OPENED, E.SCORING_CLOSED):
        return ScoringUpdate(change=t.split(".")[1].upper(), sheet=_sheet_from_payload(p))
    if t in (E.SCORING_TURNOUT, E.SCORING_COUNTED):
        return ScoringTurnout(
            sheet_id=gid("ScoringSheet", p["sheetId"]),
            counted=p.get("counted"),
            pending=p.get("pending"),
            ballots=p.get("ballots"),
        )
    if t == E.COMMENT_POSTED:
        return _comment("POSTED", p, host)
    if t == E.COMMENT_HIDDEN:
        return _comment("HIDDEN", p, host)
    if t == E.COMMENT_APPROVED:
        return _comment("APPROVED", p, host)
    if t == E.COMMENT_ANSWERED_LIVE:
        return _comment("ANSWERED_LIVE", p, host)
    if t == E.COMMENT_HANDED_OVER:
        return _comment("HANDED_OVER", p, host)
    if t == E.QUEUE_CHANGED:
        return QueueUpdate(
            queue=[
                QueueEntry(
                    request_id=gid("SpeakingRequest", q["id"]),
                    user_id=gid("User", q.get("userId")),
                    name=q.get("name"),
                    state=models.SpeakingState(q["state"]),
                    topic=q.get("topic"),
                )
                for q in p["queue"]
            ]
        )
    if t == E.MINUTES_UPDATED:
        return MinutesUpdate(length=p["length"], sha256=p.get("sha256"))
    if t == E.MATERIAL_ADDED:
        return MaterialUpdate(
            title=p["title"],
            distributed_at=datetime.fromisoformat(p["distributedAt"])
            if p.get("distributedAt")
            else None,
        )
    if t == E.RECORD_SEALED:
        return RecordSealed(events=p["events"])
    if t == RESYNC_TYPE:
        return ResyncRequired(reason=p.get("reason", "too_far_behind"))
    return None  # NOT_IN_MEETING_LIVE: in the record, not live
