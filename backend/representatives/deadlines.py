"""Provisional deadlines of proposals and written consultations: a reply deadline counted
into a year whose official calendar table is not yet published is provisional (Monday to
Friday assumed, `backend.cases.deadlines.due_date`); when the year's table is published or
a county closure changes, every open provisional deadline is recounted from its start
(the day of 交办, the day sent) and the change is appended to the row's stream."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import on_calendar_changed
from backend.cases.classification import county_rule
from backend.cases.deadlines import due_date
from backend.cases.stream import local_day
from backend.representatives.events import (
    CONSULTATION_EVENTS,
    PROPOSAL_EVENTS,
    ConsultationEvent,
    DeadlineChanged,
    ProposalEvent,
)
from backend.representatives.models import Proposal, ProposalState, WrittenConsultation
from backend.representatives.stream import append_event


async def recompute_provisional(session: AsyncSession, years: frozenset[int]) -> None:
    from backend.representatives.consultations import REPLY_RULE as CONSULTATION_RULE
    from backend.representatives.proposals import REPLY_RULE as PROPOSAL_RULE

    proposals = (
        await session.scalars(
            select(Proposal)
            .where(Proposal.due_provisional.is_(True), Proposal.state == ProposalState.ASSIGNED)
            .order_by(Proposal.tenant_id, Proposal.id)
            .with_for_update()
        )
    ).all()
    for p in proposals:
        if p.assigned_on is None:  # pragma: no cover - an assigned proposal has its day
            continue
        days = await county_rule(session, p.tenant_id, PROPOSAL_RULE, field="leadUnitId")
        due, provisional = await due_date(session, p.tenant_id, p.assigned_on, days)
        if (due, provisional) == (p.due_on, p.due_provisional):
            continue
        p.due_on, p.due_provisional = due, provisional
        payload: DeadlineChanged = {"dueOn": due.isoformat(), "dueProvisional": provisional}
        await append_event(
            session,
            None,
            PROPOSAL_EVENTS,
            tenant_id=p.tenant_id,
            row_id=p.id,
            type=ProposalEvent.DEADLINE_CHANGED,
            payload=payload,
        )
    consultations = (
        await session.scalars(
            select(WrittenConsultation)
            .where(WrittenConsultation.due_provisional.is_(True))
            .order_by(WrittenConsultation.tenant_id, WrittenConsultation.id)
            .with_for_update()
        )
    ).all()
    for c in consultations:
        days = await county_rule(session, c.tenant_id, CONSULTATION_RULE, field="dueOn")
        due, provisional = await due_date(session, c.tenant_id, local_day(c.sent_at), days)
        if (due, provisional) == (c.due_on, c.due_provisional):
            continue
        c.due_on, c.due_provisional = due, provisional
        changed: DeadlineChanged = {"dueOn": due.isoformat(), "dueProvisional": provisional}
        await append_event(
            session,
            None,
            CONSULTATION_EVENTS,
            tenant_id=c.tenant_id,
            row_id=c.id,
            type=ConsultationEvent.DEADLINE_CHANGED,
            payload=changed,
        )
    await session.flush()


on_calendar_changed(recompute_provisional)
