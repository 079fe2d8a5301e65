"""The host of a map: a meeting (民意恳谈会, 专题协商会, 网络问政 …) or a decision's comment
period (征求意见期). Each says who manages the map, who takes part and when, where a
statement may be taken from, and which record the final map goes to.

- A meeting: its hosts (backend.meetings.access.is_host) manage the map; members of the
  county vote and submit while the meeting is LIVE (a voting-code account in its own
  meeting only); statements come from the meeting's comments that are not hidden; the
  result goes to the meeting's record (`opinionMap.concluded`).
- A comment period: those who run the decision (county office, lead unit's staff:
  backend.decisions.access.runs) manage it; any signed-in member of the county votes and
  submits while the period is open and the decision is not decided, as
  `commentOnDecision` allows (`PERIOD_NOT_OPEN` otherwise); statements come from the
  decision's opinions; the result goes to the decision's record
  (`DecisionEvent.OPINION_MAP_CONCLUDED`), from which the participation report takes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.decisions import stream as decision_stream
from backend.decisions.access import get_decision, require_runner, runs
from backend.decisions.events import DecisionEvent, OpinionMapConcludedOnDecision
from backend.decisions.models import CommentPeriod, Decision, DecisionState, Opinion
from backend.meetings import stream as meeting_stream
from backend.meetings.access import get_meeting, is_host, require_host, visible_to
from backend.meetings.codes import require_meeting_scope
from backend.meetings.events import MeetingEvent, OpinionMapConcluded
from backend.meetings.models import Comment, Meeting, MeetingState
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.models import OpinionMap


@dataclass(frozen=True)
class Taken:
    """The text of a statement taken from the host's own comments or opinions."""

    body: str
    comment_id: int | None = None
    opinion_id: int | None = None


@dataclass(frozen=True)
class Host:
    """A map's host: exactly one of `meeting` or (`decision`, `period`)."""

    meeting: Meeting | None = None
    decision: Decision | None = None
    period: CommentPeriod | None = None

    async def manages(self, session: AsyncSession, principal: Principal) -> bool:
        if self.meeting is not None:
            return await is_host(session, principal, self.meeting)
        assert self.decision is not None
        return await runs(session, principal, self.decision)

    async def require_manager(self, session: AsyncSession, principal: Principal) -> None:
        if self.meeting is not None:
            await require_host(session, principal, self.meeting)
        else:
            assert self.decision is not None
            await require_runner(session, principal, self.decision)

    async def require_participant(self, session: AsyncSession, principal: Principal) -> None:
        """Who may vote and submit: a voting-code account only in its own meeting."""
        principal.require_user()
        if self.meeting is not None:
            await require_meeting_scope(session, principal, self.meeting.id)

    def require_in_progress(self, *, action: str) -> None:
        """The meeting is LIVE, or the comment period open and the decision not decided."""
        if self.meeting is not None:
            if self.meeting.state is not MeetingState.LIVE:
                raise DomainError(
                    Code.MEETING_NOT_LIVE, f"会议未在进行中，不能{action}", field="mapId"
                )
            return
        assert self.decision is not None and self.period is not None
        if not period_is_open(self.period) or self.decision.state is DecisionState.DECIDED:
            raise DomainError(
                Code.PERIOD_NOT_OPEN, f"征求意见期未开始或已截止，不能{action}", field="mapId"
            )

    async def take(
        self,
        session: AsyncSession,
        *,
        comment_id: int | None = None,
        opinion_id: int | None = None,
        field: str = "commentId",
    ) -> Taken:
        """A meeting's comment that is not hidden, or an opinion of the decision (a
        decision's opinions are not hidden: each is answered one by one); the other kind
        is not of this host (NOT_FOUND)."""
        if self.meeting is not None:
            comment = (
                await session.scalar(select(Comment).where(Comment.id == comment_id))
                if comment_id is not None
                else None
            )
            if comment is None or comment.meeting_id != self.meeting.id:
                raise DomainError(Code.NOT_FOUND, "留言不存在", field=field)
            if comment.hidden_at is not None:
                raise DomainError(Code.STATEMENT_NOT_SHOWN, "已屏蔽的留言不能作为观点", field=field)
            return Taken(body=comment.body, comment_id=comment.id)
        assert self.decision is not None
        opinion = (
            await session.scalar(select(Opinion).where(Opinion.id == opinion_id))
            if opinion_id is not None
            else None
        )
        if opinion is None or opinion.decision_id != self.decision.id:
            raise DomainError(Code.NOT_FOUND, "意见不存在", field=field)
        return Taken(body=opinion.body, opinion_id=opinion.id)

    async def conclude(
        self,
        session: AsyncSession,
        principal: Principal | None,
        opinion_map: OpinionMap,
        figures: dict[str, Any],
    ) -> None:
        """The final map into the host's record, in the caller's transaction."""
        if self.meeting is not None:
            assert principal is not None
            await meeting_stream.append_event(
                session,
                principal,
                self.meeting,
                MeetingEvent.OPINION_MAP_CONCLUDED,
                OpinionMapConcluded(mapId=opinion_map.id, topic=opinion_map.topic, result=figures),
            )
            return
        assert self.decision is not None and self.period is not None
        await decision_stream.append_event(
            session,
            principal,
            self.decision,
            DecisionEvent.OPINION_MAP_CONCLUDED,
            OpinionMapConcludedOnDecision(
                mapId=opinion_map.id,
                periodId=self.period.id,
                topic=opinion_map.topic,
                result=figures,
            ),
        )


def period_is_open(period: CommentPeriod) -> bool:
    day = decision_stream.today()
    return period.opens_on <= day <= period.closes_on


async def host_of(session: AsyncSession, opinion_map: OpinionMap) -> Host:
    if opinion_map.meeting_id is not None:
        return Host(meeting=await get_meeting(session, opinion_map.meeting_id))
    assert opinion_map.decision_id is not None and opinion_map.comment_period_id is not None
    period = await session.get(CommentPeriod, opinion_map.comment_period_id)
    assert period is not None  # the foreign key, in the same county
    return Host(decision=await get_decision(session, opinion_map.decision_id), period=period)


async def may_see(session: AsyncSession, principal: Principal, opinion_map: OpinionMap) -> bool:
    """A meeting's map: whoever may see the meeting; a decision's: everyone of the county
    (a major decision is a public consultation; RLS keeps other counties out)."""
    if opinion_map.meeting_id is None:
        return True
    found = await session.scalar(
        select(Meeting.id).where(Meeting.id == opinion_map.meeting_id, visible_to(principal))
    )
    return found is not None
