"""Queries, mutations and the live subscription of meetings."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.errors import DomainError, PermissionDenied
from backend.limits import Action
from backend.meetings import models, scoring, service
from backend.meetings.errors import MeetingErrorCode as Code
from realtime.log import LoggedEvent
from realtime.ws import Plan, direct_mutation, multiplexed
from schema.context import Context
from schema.limits import refuse_if_rate_limited
from schema.meetings.types import (
    AgendaItem,
    BallotStatus,
    CommentKind,
    Eligibility,
    Meeting,
    MeetingComment,
    MeetingError,
    MeetingErrorCode,
    MeetingKind,
    MeetingLiveEvent,
    MeetingMode,
    MeetingState,
    Participant,
    ParticipantRole,
    Poll,
    PollKind,
    ScoringScale,
    ScoringSheet,
    SpeakingState,
    gid,
    live_data,
)
from schema.mutations import mutate, user_errors
from schema.realtime.api import _authorized, _check_after
from schema.relay import (
    Connection,
    decode_id,
    decode_id_argument,
)


def _errors(errors):  # type: ignore[no-untyped-def]
    return user_errors(errors, MeetingError, MeetingErrorCode)


def _id(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


@strawberry.enum(description="What to do with a speech timer.")
class TimerAction(enum.Enum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"


@strawberry.input(description="Schedule a meeting (as a draft).")
class CreateMeetingInput:
    kind: MeetingKind = strawberry.field(description="Kind of meeting.")
    mode: MeetingMode = strawberry.field(description="In person, online or both.")
    title: str = strawberry.field(description="Title, up to 200 characters.")
    description: str | None = strawberry.field(default=None, description="Purpose, arrangements.")
    host_unit_id: relay.GlobalID = strawberry.field(description="Host unit (主办单位).")
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Venue (说事场所)."
    )
    starts_at: datetime = strawberry.field(description="Start, with time zone.")
    ends_at: datetime | None = strawberry.field(default=None, description="End, with time zone.")
    capacity: int | None = strawberry.field(default=None, description="Registration limit.")


@strawberry.type(description="Result of a meeting change.")
class MeetingPayload:
    meeting: Meeting | None = strawberry.field(description="The meeting after the change.")
    warnings: list[str] = strawberry.field(
        description="Things the host should know (e.g. "
        "座谈会 materials sent late), citing the rule."
    )
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of inviting, registering or checking in.")
class ParticipantsPayload:
    participants: list[Participant] = strawberry.field(description="The participants changed.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of an agenda or timer change.")
class AgendaItemPayload:
    agenda_item: AgendaItem | None = strawberry.field(description="The item after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of a poll change.")
class PollPayload:
    poll: Poll | None = strawberry.field(description="The poll after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of castVote.")
class VotePayload:
    accepted: bool = strawberry.field(
        description="True when the vote is recorded (now or by an "
        "earlier request with the same idempotency key)."
    )
    duplicate: bool = strawberry.field(description="True when this was a retry of a recorded vote.")
    errors: list[MeetingError] = strawberry.field(description="Why the vote was refused.")


@strawberry.type(description="Result of a scoring change or ballot.")
class ScoringPayload:
    sheet: ScoringSheet | None = strawberry.field(description="The sheet (null for a ballot).")
    accepted: bool = strawberry.field(
        description="True when the change is recorded, or the ballot accepted (see status)."
    )
    status: BallotStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="For a ballot: PENDING, it waits for its mixing batch (ScoringSheet."
        "myBallot says when it is COUNTED). Null for sheet changes and refusals.",
    )
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a comment action.")
class CommentPayload:
    comment: MeetingComment | None = strawberry.field(description="The comment after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a speaking-queue action.")
class SpeakingPayload:
    request_id: strawberry.ID | None = strawberry.field(description="The request.")
    state: SpeakingState | None = strawberry.field(description="Its state now.")
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


def _meeting(
    m: models.Meeting | None, errors: list[DomainError], warnings: list[str] | None = None
) -> MeetingPayload:
    return MeetingPayload(
        meeting=Meeting.from_model(m) if m else None,
        warnings=warnings or [],
        errors=_errors(errors),
    )


def _participants(
    rows: list[models.Participant] | None, errors: list[DomainError]
) -> ParticipantsPayload:
    return ParticipantsPayload(
        errors=_errors(errors),
        participants=[
            Participant(
                user_id=gid("User", p.user_id),
                role=p.role,
                invited=p.invited,
                checked_in_at=p.checked_in_at,
                check_in_mode=p.check_in_mode,
            )
            for p in rows or []
        ],
    )


@strawberry.type
class MeetingQueries:
    @strawberry.field(description="Meetings of the county, newest first.")
    async def meetings(
        self,
        info: Info,
        states: Annotated[
            list[MeetingState] | None, strawberry.argument(description="Only these states.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size, 1–100 (20).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
    ) -> Connection[Meeting]:
        from schema.meetings.pages import meetings_page

        return await meetings_page(info, states=states, first=first, after=after)

    @strawberry.field(
        description="The consultation record of a meeting (JSON export: meeting, "
        "agenda, results, comments, minutes, every event and the chain check). "
        "A Word version is at /meetings/<id>/record.docx."
    )
    async def meeting_record(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> strawberry.scalars.JSON:
        from backend.meetings import export, visibility

        mid = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()

        async def run(s):  # type: ignore[no-untyped-def]
            await service.require_record_access(s, principal, await service.get_meeting(s, mid))
            view = await visibility.view_of(s, principal, mid)
            return visibility.record_for(await export.build_record(s, mid), view)

        try:
            return await info.context.read(run)
        except DomainError as error:
            from backend.errors import InvalidArgument

            raise InvalidArgument(error.message) from error


async def _cast_vote(
    ctx: Context, poll_id: relay.GlobalID, choices: list[int], idempotency_key: str
) -> VotePayload:
    """castVote, over HTTP (the resolver) and over the meeting socket (`cast_vote_direct`)."""
    principal = await ctx.principal()
    if principal.is_operator:
        raise PermissionDenied("只有县内用户可以投票")
    # Before any read: a flood of votes from one user or address costs next to nothing.
    refused = refuse_if_rate_limited(
        ctx, Action.VOTE, user=(principal.tenant_id, principal.user_id)
    )
    if refused is not None:
        return VotePayload(accepted=False, duplicate=False, errors=_errors([refused]))
    # A vote is authorised in its own group-commit transaction (the participant list, the
    # account's status): no read connection may be held while it waits for the writer.
    await ctx.release_reader()
    try:
        pid = _id(poll_id, "Poll", "pollId")
        tenant_id = principal.require_tenant()
        directory: service.MeetingDirectory = ctx.services.extras["meetings"]
        meeting_id = directory.cached_poll_meeting(tenant_id, pid)
        if meeting_id is None:
            meeting_id = await ctx.reader.run(
                lambda s: directory.poll_meeting(s, tenant_id, pid),
                tenant_id=tenant_id,
                user_id=principal.user_id,
            )
            # Give the read connection back before queueing for the writer: held while
            # waiting, concurrent votes would take the whole pool and the writer could
            # never get a connection to commit them.
            await ctx.release_reader()
        outcome = await service.cast_vote(
            ctx.services.extras["writer"],
            meeting_id,
            principal,
            poll_id=pid,
            choices=choices,
            idempotency_key=idempotency_key,
        )
    except DomainError as error:
        return VotePayload(accepted=False, duplicate=False, errors=_errors([error]))
    if outcome.error is not None:
        return VotePayload(accepted=False, duplicate=False, errors=_errors([outcome.error]))
    return VotePayload(accepted=True, duplicate=outcome.duplicate, errors=[])


@direct_mutation("castVote")
async def cast_vote_direct(ctx: Context, args: dict[str, Any]) -> VotePayload:
    """castVote sent over the socket, run without graphql-core's executor (realtime.ws)."""
    return await _cast_vote(ctx, **args)


@strawberry.type
class MeetingMutations:
    @strawberry.mutation(
        description="Schedule a meeting as a draft. Admins or staff of the host unit."
    )
    async def create_meeting(
        self,
        info: Info,
        input: Annotated[CreateMeetingInput, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        async def run(s, p):  # type: ignore[no-untyped-def]
            return await service.create_meeting(
                s,
                p,
                kind=input.kind,
                mode=input.mode,
                title=input.title,
                description=input.description,
                host_unit_id=_id(input.host_unit_id, "OrgUnit", "hostUnitId"),
                venue_id=_id(input.venue_id, "Venue", "venueId") if input.venue_id else None,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
            )

        meeting, errors = await mutate(info, run)
        return _meeting(meeting, errors)

    @strawberry.mutation(
        description="Announce (公告) a draft meeting; returns warnings such as "
        "座谈会 materials not sent early enough."
    )
    async def announce_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        return await _transition(info, meeting_id, "announce")

    @strawberry.mutation(description="Start the meeting (LIVE): polls, comments and timers work.")
    async def start_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        return await _transition(info, meeting_id, "start")

    @strawberry.mutation(
        description="End the meeting and seal its record (final hash): open "
        "polls and scoring close, timers stop, nothing more is recorded."
    )
    async def close_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: service.close_meeting(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                sealer=info.context.services.extras.get("sealer"),
            ),
        )
        return _meeting(meeting, errors)

    @strawberry.mutation(description="Publish the sealed record to everyone in the county.")
    async def publish_meeting_record(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: service.publish_record(
                s, p, meeting_id=_id(meeting_id, "Meeting", "meetingId")
            ),
        )
        return _meeting(meeting, errors)

    @strawberry.mutation(description="Invite people (代表委员, experts, speakers, hosts).")
    async def invite_participants(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        user_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="Users to invite.")
        ],
        role: Annotated[ParticipantRole, strawberry.argument(description="Their role.")],
    ) -> ParticipantsPayload:
        rows, errors = await mutate(
            info,
            lambda s, p: service.invite(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                user_ids=[_id(u, "User", "userIds") for u in user_ids],
                role=role,
            ),
        )
        return _participants(rows, errors)

    @strawberry.mutation(description="Register yourself for a meeting (within capacity).")
    async def register_for_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> ParticipantsPayload:
        row, errors = await mutate(
            info,
            lambda s, p: service.register(s, p, meeting_id=_id(meeting_id, "Meeting", "meetingId")),
        )
        return _participants([row] if row else None, errors)

    @strawberry.mutation(
        description="Attendance: staff check someone in at the venue "
        "(userId), or you join an online meeting yourself (no userId)."
    )
    async def check_in(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        user_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Who (staff only).")
        ] = None,
    ) -> ParticipantsPayload:
        row, errors = await mutate(
            info,
            lambda s, p: service.check_in(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                user_id=_id(user_id, "User", "userId") if user_id else None,
            ),
        )
        return _participants([row] if row else None, errors)

    @strawberry.mutation(
        description="Attach a material; for a 座谈会 returns a warning when it "
        "reached participants later than the county's rule (3 working days)."
    )
    async def add_material(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="Title.")],
        url: Annotated[str | None, strawberry.argument(description="Where to read it.")] = None,
        distributed_at: Annotated[
            datetime | None, strawberry.argument(description="When it reached participants.")
        ] = None,
    ) -> MeetingPayload:
        async def run(s, p):  # type: ignore[no-untyped-def]
            mid = _id(meeting_id, "Meeting", "meetingId")
            _, warnings = await service.add_material(
                s, p, meeting_id=mid, title=title, url=url, distributed_at=distributed_at
            )
            return await service.get_meeting(s, mid), warnings

        result, errors = await mutate(info, run)
        return _meeting(result[0] if result else None, errors, result[1] if result else None)

    @strawberry.mutation(
        description="Add an agenda item; duration defaults to the county's 述职 rule (600 s)."
    )
    async def add_agenda_item(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="Title.")],
        speaker_name: Annotated[
            str | None, strawberry.argument(description="Speaker as printed.")
        ] = None,
        speaker_user_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Speaker's account.")
        ] = None,
        speaker_unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Reporting unit.")
        ] = None,
        duration_seconds: Annotated[
            int | None,
            strawberry.argument(
                description="Allotted time in seconds (at least 5; 述职 default 600). A "
                'speech of 60 s or less gets no "one minute left" warning (it would '
                "come at or before the start), only time up."
            ),
        ] = None,
    ) -> AgendaItemPayload:
        item, errors = await mutate(
            info,
            lambda s, p: service.add_agenda_item(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                title=title,
                speaker_user_id=_id(speaker_user_id, "User", "speakerUserId")
                if speaker_user_id
                else None,
                speaker_name=speaker_name,
                speaker_unit_id=_id(speaker_unit_id, "OrgUnit", "speakerUnitId")
                if speaker_unit_id
                else None,
                duration_seconds=duration_seconds,
            ),
        )
        return AgendaItemPayload(
            agenda_item=AgendaItem.from_model(item) if item else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Start, pause, resume or stop a speech timer. Everyone "
        "gets the change, then 1-minute-left and time-up warnings on time."
    )
    async def control_timer(
        self,
        info: Info,
        agenda_item_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The agenda item.")
        ],
        action: Annotated[TimerAction, strawberry.argument(description="What to do.")],
    ) -> AgendaItemPayload:
        item, errors = await mutate(
            info,
            lambda s, p: service.timer_action(
                s,
                p,
                agenda_item_id=_id(agenda_item_id, "AgendaItem", "agendaItemId"),
                action=action.value,
            ),
        )
        if item is not None:
            info.context.services.extras["timers"].wake()
        return AgendaItemPayload(
            agenda_item=AgendaItem.from_model(item) if item else None, errors=_errors(errors)
        )

    @strawberry.mutation(description="Create a poll (draft).")
    async def create_poll(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        question: Annotated[str, strawberry.argument(description="What is voted on.")],
        options: Annotated[list[str], strawberry.argument(description="2–20 options.")],
        kind: Annotated[
            PollKind, strawberry.argument(description="Single or multiple choice.")
        ] = models.PollKind.SINGLE,
        max_choices: Annotated[
            int | None, strawberry.argument(description="For MULTIPLE: how many may be picked.")
        ] = None,
        eligibility: Annotated[
            Eligibility, strawberry.argument(description="Who may vote.")
        ] = models.Eligibility.ATTENDEES,
    ) -> PollPayload:
        poll, errors = await mutate(
            info,
            lambda s, p: service.create_poll(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                question=question,
                kind=kind,
                options=options,
                max_choices=max_choices,
                eligibility=eligibility,
            ),
        )
        return PollPayload(poll=Poll.from_model(poll) if poll else None, errors=_errors(errors))

    @strawberry.mutation(description="Open a poll for voting (meeting must be LIVE).")
    async def open_poll(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
    ) -> PollPayload:
        poll, errors = await mutate(
            info, lambda s, p: service.open_poll(s, p, poll_id=_id(poll_id, "Poll", "pollId"))
        )
        return PollPayload(poll=Poll.from_model(poll) if poll else None, errors=_errors(errors))

    @strawberry.mutation(description="Close a poll; its exact final result goes into the record.")
    async def close_poll(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
    ) -> PollPayload:
        poll, errors = await mutate(
            info, lambda s, p: service.close_poll(s, p, poll_id=_id(poll_id, "Poll", "pollId"))
        )
        return PollPayload(poll=Poll.from_model(poll) if poll else None, errors=_errors(errors))

    @strawberry.mutation(
        description="Vote. One vote per person per poll (enforced by the "
        "database); retrying with the same idempotencyKey is harmless."
    )
    async def cast_vote(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
        choices: Annotated[
            list[int], strawberry.argument(description="Indexes of the chosen options.")
        ],
        idempotency_key: Annotated[
            str, strawberry.argument(description="A client-made key, the same on retries.")
        ],
    ) -> VotePayload:
        return await _cast_vote(info.context, poll_id, choices, idempotency_key)

    @strawberry.mutation(description="Open an anonymous evaluation (测评票).")
    async def open_scoring(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="What is evaluated.")],
        targets: Annotated[
            list[str],
            strawberry.argument(description="Units or officials, in order, each once."),
        ],
        scale: Annotated[
            ScoringScale, strawberry.argument(description="满意度 or 0–100.")
        ] = models.ScoringScale.SATISFACTION,
        eligibility: Annotated[
            Eligibility, strawberry.argument(description="Who may score.")
        ] = models.Eligibility.ATTENDEES,
        min_ballots: Annotated[
            int,
            strawberry.argument(
                description="k, 3–1000: ballots are written only in shuffled batches of at "
                "least k (a voter's ballot is PENDING until then) and results are withheld "
                "when fewer than k score."
            ),
        ] = scoring.DEFAULT_MIN_BALLOTS,
    ) -> ScoringPayload:
        sheet, errors = await mutate(
            info,
            lambda s, p: scoring.open_scoring(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                title=title,
                scale=scale,
                targets=targets,
                eligibility=eligibility,
                min_ballots=min_ballots,
            ),
        )
        return ScoringPayload(
            sheet=ScoringSheet.from_model(sheet) if sheet else None,
            accepted=sheet is not None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Cast your secret 测评票: one answer per target. Nothing is written "
        "yet: the ballot is PENDING in the server's memory until a batch of at least k "
        "ballots is written together with its receipts, shuffled (the sheet's close writes "
        "the last one). Who scored is stored apart from what; nothing links them."
    )
    async def cast_scoring_ballot(
        self,
        info: Info,
        sheet_id: Annotated[relay.GlobalID, strawberry.argument(description="The evaluation.")],
        answers: Annotated[
            list[str],
            strawberry.argument(description="满意/基本满意/不满意, or 0–100, per target."),
        ],
    ) -> ScoringPayload:
        ctx: Context = info.context
        principal = await ctx.principal()
        try:
            sid = _id(sheet_id, "ScoringSheet", "sheetId")
            tenant_id = principal.require_tenant()
            directory = ctx.services.extras["meetings"]
            mixer = ctx.services.extras["ballots"]

            async def run(s):  # type: ignore[no-untyped-def]
                meeting_id = await directory.sheet_meeting(s, tenant_id, sid)
                return await scoring.cast_ballot(
                    s, mixer, principal, meeting_id=meeting_id, sheet_id=sid, answers=answers
                )

            status = await ctx.read(run)
        except DomainError as error:
            return ScoringPayload(sheet=None, accepted=False, errors=_errors([error]))
        return ScoringPayload(sheet=None, accepted=True, status=status, errors=[])

    @strawberry.mutation(
        description="Close an evaluation: the ballots still pending are written as the "
        "last batch, then the results are published (withheld when fewer than k scored)."
    )
    async def close_scoring(
        self,
        info: Info,
        sheet_id: Annotated[relay.GlobalID, strawberry.argument(description="The evaluation.")],
    ) -> ScoringPayload:
        sheet, errors = await mutate(
            info,
            lambda s, p: scoring.close_scoring(
                s, p, sheet_id=_id(sheet_id, "ScoringSheet", "sheetId")
            ),
        )
        return ScoringPayload(
            sheet=ScoringSheet.from_model(sheet) if sheet else None,
            accepted=sheet is not None,
            errors=_errors(errors),
        )

    @strawberry.mutation(description="Post a live comment or question (or a reply).")
    async def post_comment(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        body: Annotated[
            str, strawberry.argument(description="Text, up to the county's limit (500).")
        ],
        kind: Annotated[
            CommentKind, strawberry.argument(description="Comment or question.")
        ] = models.CommentKind.COMMENT,
        parent_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Replying to.")
        ] = None,
    ) -> CommentPayload:
        principal = await info.context.principal()
        refused = refuse_if_rate_limited(
            info.context, Action.COMMENT, user=(principal.tenant_id, principal.user_id)
        )
        if refused is not None:
            return CommentPayload(comment=None, errors=_errors([refused]))
        comment, errors = await mutate(
            info,
            lambda s, p: service.post_comment(
                s,
                p,
                meeting_id=_id(meeting_id, "Meeting", "meetingId"),
                body=body,
                kind=kind,
                parent_id=_id(parent_id, "MeetingComment", "parentId") if parent_id else None,
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=False) if comment else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(description="Hide a comment with a reason (the text stays in the record).")
    async def hide_comment(
        self,
        info: Info,
        comment_id: Annotated[relay.GlobalID, strawberry.argument(description="The comment.")],
        reason: Annotated[str, strawberry.argument(description="Why, recorded.")],
    ) -> CommentPayload:
        comment, errors = await mutate(
            info,
            lambda s, p: service.hide_comment(
                s, p, comment_id=_id(comment_id, "MeetingComment", "commentId"), reason=reason
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=True) if comment else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Mark a question answered live, or hand it over to the "
        "responsible unit (unitId) to answer as a case."
    )
    async def answer_question(
        self,
        info: Info,
        comment_id: Annotated[relay.GlobalID, strawberry.argument(description="The question.")],
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Hand over to this unit.")
        ] = None,
    ) -> CommentPayload:
        comment, errors = await mutate(
            info,
            lambda s, p: service.answer_comment(
                s,
                p,
                comment_id=_id(comment_id, "MeetingComment", "commentId"),
                hand_over_unit_id=_id(unit_id, "OrgUnit", "unitId") if unit_id else None,
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=True) if comment else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(description="Raise your hand to speak (join the speaking queue).")
    async def raise_hand(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        topic: Annotated[str | None, strawberry.argument(description="About what.")] = None,
    ) -> SpeakingPayload:
        req, errors = await mutate(
            info,
            lambda s, p: service.raise_hand(
                s, p, meeting_id=_id(meeting_id, "Meeting", "meetingId"), topic=topic
            ),
        )
        return SpeakingPayload(
            request_id=gid("SpeakingRequest", req.id) if req else None,
            state=req.state if req else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Host: give the floor, finish or drop a request; anyone: withdraw your own."
    )
    async def update_speaking_request(
        self,
        info: Info,
        request_id: Annotated[relay.GlobalID, strawberry.argument(description="The request.")],
        state: Annotated[
            SpeakingState, strawberry.argument(description="SPEAKING, DONE or WITHDRAWN.")
        ],
    ) -> SpeakingPayload:
        req, errors = await mutate(
            info,
            lambda s, p: service.manage_queue(
                s, p, request_id=_id(request_id, "SpeakingRequest", "requestId"), state=state
            ),
        )
        return SpeakingPayload(
            request_id=gid("SpeakingRequest", req.id) if req else None,
            state=req.state if req else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(description="Write or replace the minutes (会议纪要), before closing.")
    async def set_minutes(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        text: Annotated[str, strawberry.argument(description="The minutes.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: service.set_minutes(
                s, p, meeting_id=_id(meeting_id, "Meeting", "meetingId"), text=text
            ),
        )
        return _meeting(meeting, errors)


async def _transition(info: Info, meeting_id: relay.GlobalID, action: str) -> MeetingPayload:
    result, errors = await mutate(
        info,
        lambda s, p: service.change_state(
            s, p, meeting_id=_id(meeting_id, "Meeting", "meetingId"), action=action
        ),
    )
    return _meeting(result[0] if result else None, errors, result[1] if result else None)


@multiplexed("meetingLive")
async def plan_meeting_live(ctx: Context, args: dict[str, Any]) -> Plan:
    mid = decode_id(args["meetingId"], "Meeting", field="meetingId", code=Code.NOT_FOUND)
    stream = service.stream_of(mid)
    after = _check_after(args.get("after"))
    _, visibility = await _authorized(ctx, stream)
    principal = await ctx.principal()
    host = visibility == service.HOST_VIEW

    def to_root(event: LoggedEvent) -> MeetingLiveEvent | None:
        data = live_data(event, host=host)
        if data is None:
            return None
        return MeetingLiveEvent(
            seq=event.seq, at=event.created_at, type=event.type, hash=event.hash, data=data
        )

    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=visibility,
        to_root=to_root,
    )


@strawberry.type
class MeetingSubscriptions:
    @strawberry.subscription(
        description="Everything a client needs to render a meeting live: "
        "state, attendance, timers and warnings, polls and live tallies, "
        "scoring, comments, the speaking queue, minutes. With `after`, "
        "replays what was missed first."
    )
    async def meeting_live(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        after: Annotated[
            int | None, strawberry.argument(description="Resume after this seq.")
        ] = None,
    ) -> AsyncGenerator[MeetingLiveEvent, None]:
        from backend.errors import InvalidArgument

        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover
