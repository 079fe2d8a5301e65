"""Figures: proposals per handling unit (交办, 答复, 按期, 超期, 满意度) and each
representative's participation in a year, for their yearly report (履职报告): meetings
attended (checked in), opinions given (meeting comments, cases they raised and opinions on
draft decisions, 重大行政决策征求意见), proposals filed, written consultations answered and
对口协商 sessions attended.

A year is a county year (China Standard Time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.models import Case
from backend.cases.stream import CHINA, local_day, now
from backend.core.errors import InvalidArgument
from backend.core.security import Principal
from backend.decisions.models import Opinion as DecisionOpinion
from backend.meetings.models import Comment, Participant
from backend.representatives import access
from backend.representatives.models import (
    ConsultationRecipient,
    CounterpartSession,
    Proposal,
    ProposalState,
    ProposalUnit,
    ProposalUnitRole,
    Representative,
    Satisfaction,
)


@dataclass(frozen=True, slots=True)
class UnitFigures:
    unit_id: int
    assigned: int  # as lead unit (主办)
    co_assigned: int  # as co-unit (协办)
    replied: int
    on_time: int  # replied by the deadline
    overdue: int  # replied late, or unreplied past the deadline
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


#: The years a figure may be asked for (those of the county calendar).
FIRST_YEAR, LAST_YEAR = 1949, 2199

_FIGURES = (
    "assigned",
    "co_assigned",
    "replied",
    "on_time",
    "overdue",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
)


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidArgument(f"参数 year 须在 {FIRST_YEAR} 到 {LAST_YEAR} 之间")
    start = datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC)
    return start, datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(UTC)


async def unit_figures(
    session: AsyncSession, principal: Principal, *, year: int | None
) -> list[UnitFigures]:
    """Per unit that holds an assignment (of proposals registered in `year`, or all)."""
    access.require_working_reader(principal)
    query = select(
        ProposalUnit.unit_id,
        ProposalUnit.role,
        Proposal.state,
        Proposal.due_on,
        Proposal.replied_on,
        Proposal.satisfaction,
    ).join(Proposal, Proposal.id == ProposalUnit.proposal_id)
    if year is not None:
        start, end = _year_bounds(year)
        query = query.where(Proposal.registered_at >= start, Proposal.registered_at < end)
    today = local_day(now())
    counts: dict[int, dict[str, int]] = {}
    for unit_id, role, state, due, replied_on, satisfaction in (await session.execute(query)).all():
        c = counts.setdefault(unit_id, dict.fromkeys(_FIGURES, 0))
        if role is ProposalUnitRole.CO:
            c["co_assigned"] += 1
            continue
        c["assigned"] += 1
        if state in (ProposalState.REPLIED, ProposalState.RATED):
            c["replied"] += 1
            if due is not None and replied_on is not None and replied_on > due:
                c["overdue"] += 1
            else:
                c["on_time"] += 1
        elif due is not None and today > due:
            c["overdue"] += 1
        if satisfaction is Satisfaction.SATISFIED:
            c["satisfied"] += 1
        elif satisfaction is Satisfaction.BASICALLY_SATISFIED:
            c["basically_satisfied"] += 1
        elif satisfaction is Satisfaction.DISSATISFIED:
            c["dissatisfied"] += 1
    return [UnitFigures(unit_id=u, **c) for u, c in sorted(counts.items())]


@dataclass(frozen=True, slots=True)
class Participation:
    representative_id: int
    year: int
    meetings_attended: int
    opinions_given: int
    proposals_filed: int
    consultations_answered: int
    counterpart_sessions: int


async def participation(
    session: AsyncSession, principal: Principal, *, representative_ids: Sequence[int], year: int
) -> list[Participation]:
    """Each representative's figures for `year` (the county office and staff read anyone's;
    a representative their own)."""
    user_id = principal.require_user()
    reps = (
        await session.scalars(
            select(Representative)
            .where(Representative.id.in_(list(representative_ids)))
            .order_by(Representative.id)
        )
    ).all()
    if not principal.has(*access.STAFF_ROLES):
        reps = [r for r in reps if r.user_id == user_id]
    start, end = _year_bounds(year)  # before anything: a bad year is the caller's error
    out: list[Participation] = []
    for rep in reps:
        attended = opinions = 0
        if rep.user_id is not None:
            attended = (
                await session.scalar(
                    select(func.count(func.distinct(Participant.meeting_id))).where(
                        Participant.user_id == rep.user_id,
                        Participant.checked_in_at >= start,
                        Participant.checked_in_at < end,
                    )
                )
                or 0
            )
            comments = (
                await session.scalar(
                    select(func.count())
                    .select_from(Comment)
                    .where(
                        Comment.author_user_id == rep.user_id,
                        Comment.created_at >= start,
                        Comment.created_at < end,
                    )
                )
                or 0
            )
            cases = (
                await session.scalar(
                    select(func.count())
                    .select_from(Case)
                    .where(
                        Case.submitter_user_id == rep.user_id,
                        Case.received_at >= start,
                        Case.received_at < end,
                    )
                )
                or 0
            )
            # opinions on a draft decision, not those imported from a meeting's comments
            # (counted above)
            on_decisions = (
                await session.scalar(
                    select(func.count())
                    .select_from(DecisionOpinion)
                    .where(
                        DecisionOpinion.author_user_id == rep.user_id,
                        DecisionOpinion.meeting_comment_id.is_(None),
                        DecisionOpinion.created_at >= start,
                        DecisionOpinion.created_at < end,
                    )
                )
                or 0
            )
            opinions = comments + cases + on_decisions
        filed = (
            await session.scalar(
                select(func.count())
                .select_from(Proposal)
                .where(
                    Proposal.representative_id == rep.id,
                    Proposal.registered_at >= start,
                    Proposal.registered_at < end,
                )
            )
            or 0
        )
        answered = (
            await session.scalar(
                select(func.count())
                .select_from(ConsultationRecipient)
                .where(
                    ConsultationRecipient.representative_id == rep.id,
                    ConsultationRecipient.replied_at >= start,
                    ConsultationRecipient.replied_at < end,
                )
            )
            or 0
        )
        sessions = (
            await session.scalar(
                select(func.count())
                .select_from(CounterpartSession)
                .where(
                    CounterpartSession.participants.contains([{"representativeId": rep.id}]),
                    CounterpartSession.held_on >= date(year, 1, 1),
                    CounterpartSession.held_on < date(year + 1, 1, 1),
                )
            )
            or 0
        )
        out.append(
            Participation(
                representative_id=rep.id,
                year=year,
                meetings_attended=attended,
                opinions_given=opinions,
                proposals_filed=filed,
                consultations_answered=answered,
                counterpart_sessions=sessions,
            )
        )
    return out
