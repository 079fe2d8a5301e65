"""建议提案办理 (seed 004 二(五) and 三(三)): a representative's suggestion (人大代表建议)
or proposal (政协提案) is registered, assigned (交办) to a lead unit (主办) and co-units
(协办), perhaps taken personally by a county leader (领办) and handled face to face with
the proposer (面对面: a meeting of the meetings capability); the lead unit replies within
the county rule `proposal.reply` (working days on the county calendar, counted from the
day of 交办), and the proposer rates the reply (满意/基本满意/不满意). Every change goes on
the proposal's stream `proposal:<id>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.classification import county_rule
from backend.cases.deadlines import due_date
from backend.cases.stream import local_day, now
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting
from backend.people.models import User
from backend.representatives import access
from backend.representatives.errors import RepresentativeErrorCode as Code
from backend.representatives.events import (
    PROPOSAL_EVENTS,
    ProposalAssigned,
    ProposalEvent,
    ProposalMeetingLinked,
    ProposalRated,
    ProposalRegistered,
    ProposalReplied,
    ProposalTaken,
)
from backend.representatives.models import (
    Proposal,
    ProposalKind,
    ProposalState,
    ProposalUnit,
    ProposalUnitRole,
    RepresentativeKind,
    Satisfaction,
)
from backend.representatives.stream import append_event
from realtime.event_types import Logged
from tenants.models import OrgUnitKind

P = TypeVar("P")

REPLY_RULE = "proposal.reply"
#: Which kind of representative files which kind.
KIND_OF = {
    RepresentativeKind.NPC_DEPUTY: ProposalKind.SUGGESTION,
    RepresentativeKind.CPPCC_MEMBER: ProposalKind.PROPOSAL,
}
STATE_LABELS = {
    ProposalState.REGISTERED: "已登记",
    ProposalState.ASSIGNED: "已交办",
    ProposalState.REPLIED: "已答复",
    ProposalState.RATED: "已评价",
}


def _require_state(proposal: Proposal, *states: ProposalState, action: str) -> None:
    if proposal.state not in states:
        raise DomainError(
            Code.INVALID_STATE,
            f"建议提案当前状态（{STATE_LABELS[proposal.state]}）不能{action}",
            field="proposalId",
        )


async def _next_number(session: AsyncSession, tenant_id: int, kind: ProposalKind, year: int) -> str:
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('proposals.number'), CAST(:t AS integer))"),
        {"t": tenant_id % 2_147_483_647},
    )
    prefix = f"{'JY' if kind is ProposalKind.SUGGESTION else 'TA'}{year}-"
    last = await session.scalar(
        select(func.max(Proposal.number)).where(Proposal.number.startswith(prefix, autoescape=True))
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:04d}"


async def register_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    representative_id: int,
    title: str,
    body: str,
) -> Proposal:
    """Register a suggestion (人大代表) or proposal (政协委员): the county office, or the
    representative through their own account."""
    user_id = principal.require_user()
    rep = await access.get_representative(session, representative_id, field="representativeId")
    if not access.is_county_office(principal) and rep.user_id != user_id:
        raise PermissionDenied("无权登记：需要县级管理员或代表委员本人")
    title = clean_text(title, field="title", code=Code.INVALID, label="标题", max_length=200)
    body = clean_text(body, field="body", code=Code.INVALID, label="内容", max_length=20000)
    kind = KIND_OF[rep.kind]
    at = now()
    proposal = Proposal(
        tenant_id=rep.tenant_id,
        number=await _next_number(session, rep.tenant_id, kind, local_day(at).year),
        kind=kind,
        state=ProposalState.REGISTERED,
        representative_id=rep.id,
        title=title,
        body=body,
        registered_at=at,
    )
    session.add(proposal)
    await session.flush()
    payload: ProposalRegistered = {
        "id": proposal.id,
        "number": proposal.number,
        "kind": kind.value,
        "title": title,
        "representativeId": rep.id,
        "state": proposal.state.value,
    }
    await _append(session, principal, proposal, ProposalEvent.REGISTERED, payload)
    return proposal


async def _append(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    type: Logged[P],
    payload: P,
) -> None:
    await append_event(
        session,
        principal,
        PROPOSAL_EVENTS,
        tenant_id=proposal.tenant_id,
        row_id=proposal.id,
        type=type,
        payload=payload,
    )


async def assign_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    lead_unit_id: int,
    co_unit_ids: Sequence[int] = (),
) -> Proposal:
    """交办 to a lead unit (主办) and co-units (协办); the reply is due `proposal.reply`
    working days after today (the day of 交办 not counted). Only once."""
    access.require_county_office(principal)
    proposal = await access.get_proposal(session, proposal_id, lock=True)
    _require_state(proposal, ProposalState.REGISTERED, action="交办")
    lead = await access.get_unit(session, lead_unit_id, field="leadUnitId")
    if lead.kind is OrgUnitKind.COUNTY:
        raise DomainError(Code.UNKNOWN_UNIT, "主办单位须是具体单位，不能是全县", field="leadUnitId")
    co = list(dict.fromkeys(co_unit_ids))
    if lead.id in co:
        raise DomainError(Code.INVALID, "主办单位不能同时为协办单位", field="coUnitIds")
    for unit_id in co:
        await access.get_unit(session, unit_id, field="coUnitIds")
    days = await county_rule(session, proposal.tenant_id, REPLY_RULE, field="leadUnitId")
    assigned_on = local_day(now())
    due, provisional = await due_date(session, proposal.tenant_id, assigned_on, days)
    session.add(
        ProposalUnit(
            tenant_id=proposal.tenant_id,
            proposal_id=proposal.id,
            unit_id=lead.id,
            role=ProposalUnitRole.LEAD,
        )
    )
    for unit_id in co:
        session.add(
            ProposalUnit(
                tenant_id=proposal.tenant_id,
                proposal_id=proposal.id,
                unit_id=unit_id,
                role=ProposalUnitRole.CO,
            )
        )
    proposal.state = ProposalState.ASSIGNED
    proposal.assigned_on, proposal.due_on, proposal.due_provisional = assigned_on, due, provisional
    await session.flush()
    payload: ProposalAssigned = {
        "leadUnitId": lead.id,
        "coUnitIds": co,
        "assignedOn": assigned_on.isoformat(),
        "dueOn": due.isoformat(),
        "dueProvisional": provisional,
        "state": proposal.state.value,
    }
    await _append(session, principal, proposal, ProposalEvent.ASSIGNED, payload)
    return proposal


async def take_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    leader_user_id: int,
    note: str | None = None,
) -> Proposal:
    """A county leader takes the proposal personally (领办); recorded by the county office."""
    access.require_county_office(principal)
    proposal = await access.get_proposal(session, proposal_id, lock=True)
    _require_state(proposal, ProposalState.REGISTERED, ProposalState.ASSIGNED, action="领办")
    if await session.get(User, leader_user_id) is None:
        raise DomainError(Code.NOT_FOUND, "领办领导的账号不存在", field="leaderId")
    note = clean_text(
        note, field="note", code=Code.INVALID, label="领办说明", max_length=200, required=False
    )
    proposal.leader_user_id, proposal.leader_note = leader_user_id, note
    await session.flush()
    payload: ProposalTaken = {"leaderUserId": leader_user_id, "note": note}
    await _append(session, principal, proposal, ProposalEvent.TAKEN, payload)
    return proposal


async def _require_lead_staff(
    session: AsyncSession, principal: Principal, proposal: Proposal
) -> None:
    principal.require_user()
    if access.is_county_office(principal):
        return
    lead = await session.scalar(
        select(ProposalUnit.unit_id).where(
            ProposalUnit.proposal_id == proposal.id, ProposalUnit.role == ProposalUnitRole.LEAD
        )
    )
    if not access.staff_of(principal, await access.unit_path(session, lead)):
        raise PermissionDenied("无权办理：需要主办单位工作人员或县级管理员")


async def link_meeting(
    session: AsyncSession, principal: Principal, *, proposal_id: int, meeting_id: int
) -> Proposal:
    """面对面: the meeting (of the meetings capability) where the unit met the proposer."""
    proposal = await access.get_proposal(session, proposal_id, lock=True)
    await _require_lead_staff(session, principal, proposal)
    _require_state(proposal, ProposalState.ASSIGNED, ProposalState.REPLIED, action="关联面对面会议")
    meeting = await get_meeting(session, meeting_id)
    proposal.meeting_id = meeting.id
    await session.flush()
    payload: ProposalMeetingLinked = {"meetingId": meeting.id}
    await _append(session, principal, proposal, ProposalEvent.MEETING_LINKED, payload)
    return proposal


async def reply_proposal(
    session: AsyncSession, principal: Principal, *, proposal_id: int, body: str
) -> Proposal:
    """The lead unit's reply (答复); on time when given by `due_on`."""
    proposal = await access.get_proposal(session, proposal_id, lock=True)
    await _require_lead_staff(session, principal, proposal)
    if proposal.state in (ProposalState.REPLIED, ProposalState.RATED):
        raise DomainError(Code.ALREADY_REPLIED, "该建议提案已答复", field="proposalId")
    _require_state(proposal, ProposalState.ASSIGNED, action="答复")
    body = clean_text(body, field="body", code=Code.INVALID, label="答复内容", max_length=20000)
    at = now()
    proposal.reply, proposal.replied_at, proposal.replied_on = body, at, local_day(at)
    proposal.state = ProposalState.REPLIED
    await session.flush()
    payload: ProposalReplied = {
        "body": body,
        "repliedOn": proposal.replied_on.isoformat(),
        "onTime": proposal.replied_on <= proposal.due_on if proposal.due_on else None,
        "state": proposal.state.value,
    }
    await _append(session, principal, proposal, ProposalEvent.REPLIED, payload)
    return proposal


async def rate_proposal(
    session: AsyncSession,
    principal: Principal,
    *,
    proposal_id: int,
    satisfaction: Satisfaction,
    text: str | None = None,
) -> Proposal:
    """The proposer rates the reply (满意/基本满意/不满意); 不满意 needs a reason."""
    user_id = principal.require_user()
    proposal = await access.get_proposal(session, proposal_id, lock=True)
    rep = await access.get_representative(session, proposal.representative_id, field="proposalId")
    if rep.user_id is None or rep.user_id != user_id:
        raise DomainError(
            Code.NOT_PROPOSER, "只有提出建议提案的代表委员本人可以评价", field="proposalId"
        )
    if proposal.state in (ProposalState.REGISTERED, ProposalState.ASSIGNED):
        raise DomainError(Code.NOT_REPLIED, "承办单位尚未答复，不能评价", field="proposalId")
    _require_state(proposal, ProposalState.REPLIED, action="评价")
    reason = clean_text(
        text,
        field="text",
        code=Code.INVALID,
        label="不满意的理由",
        max_length=500,
        required=satisfaction is Satisfaction.DISSATISFIED,
    )
    proposal.satisfaction, proposal.rating_text, proposal.rated_at = satisfaction, reason, now()
    proposal.state = ProposalState.RATED
    await session.flush()
    payload: ProposalRated = {
        "satisfaction": satisfaction.value,
        "text": reason,
        "state": proposal.state.value,
    }
    await _append(session, principal, proposal, ProposalEvent.RATED, payload)
    return proposal


# -- reads -----------------------------------------------------------------------------------


async def list_proposals(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: ProposalKind | None,
    state: ProposalState | None,
    unit_id: int | None,
    representative_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[Proposal]:
    """Proposals of the county, newest first: the county office, staff and the county's
    representatives (the working records, as their streams)."""
    access.require_working_reader(principal)
    query = select(Proposal).order_by(Proposal.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(Proposal.kind == kind)
    if state is not None:
        query = query.where(Proposal.state == state)
    if representative_id is not None:
        query = query.where(Proposal.representative_id == representative_id)
    if unit_id is not None:
        query = query.where(
            Proposal.id.in_(select(ProposalUnit.proposal_id).where(ProposalUnit.unit_id == unit_id))
        )
    if after_id is not None:
        query = query.where(Proposal.id < after_id)
    return list((await session.scalars(query)).all())


async def units_of(
    session: AsyncSession, proposal_ids: Sequence[int]
) -> dict[int, list[ProposalUnit]]:
    out: dict[int, list[ProposalUnit]] = {i: [] for i in proposal_ids}
    if proposal_ids:
        for row in await session.scalars(
            select(ProposalUnit)
            .where(ProposalUnit.proposal_id.in_(list(proposal_ids)))
            .order_by(ProposalUnit.id)
        ):
            out[row.proposal_id].append(row)
    return out
