"""座谈/协商 sessions of a decision and their materials (seed 002 第七条).

"通过座谈讨论、咨询协商方式征求意见的，决策承办单位应当邀请县人大代表、县政协委员、行业专家
学者以及有利害关系的公民、法人或者其他组织代表参加，并于座谈论证会召开的3个工作日前将决策
方案及起草说明送达与会代表。"

`link_session` links a meeting of the meetings capability (座谈会, 专题协商会, 对口协商,
民意恳谈会) to a decision with the record of its materials: the draft version and the
drafting explanation sent, when, and to whom (the meeting's invited participants, with
their roles: 人大代表/政协委员, experts, stakeholders' representatives…). It is refused
(`MATERIALS_TOO_LATE`, naming the rule and its source) when they were sent later than
the county's `meeting.forum_materials_lead` (3 working days, 第七条) before the meeting's
start, counted on the county calendar (`backend.calendar`: official tables with 调休,
local closures; Monday–Friday where no table is published, which the message says).
Starting such a meeting is refused the same way, counted to the moment it starts
(`before_meeting_starts`, a start hook of `backend.meetings.lifecycle`): a session started
earlier than planned must still have had its materials in time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar.loading import load_calendar
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.drafts import county_rule
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import DecisionEvent, SessionLinked
from backend.decisions.models import Decision, DecisionSession, DecisionVersion
from backend.decisions.stream import append_event, now
from backend.meetings.lifecycle import on_start
from backend.meetings.models import Meeting, MeetingKind, Participant
from tenants.models import Tenant

RULE_KEY = "meeting.forum_materials_lead"
#: Meetings that are 座谈讨论 or 咨询协商 (第七条); hearings have their own notice rule.
SESSION_KINDS = (
    MeetingKind.FORUM,
    MeetingKind.THEMATIC_CONSULTATION,
    MeetingKind.COUNTERPART_CONSULTATION,
    MeetingKind.CONSULTATION_TALK,
)


async def _check(
    session: AsyncSession, tenant_id: int, sent_at: datetime, starts_at: datetime
) -> rules.LeadTimeCheck:
    rule = await county_rule(session, tenant_id, RULE_KEY)
    zone = await session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    calendar = await load_calendar(session, tenant_id)
    return rules.lead_time_check(sent_at, starts_at, rule, zone or "Asia/Shanghai", calendar)


async def link_session(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    meeting_id: int,
    explanation: str,
    materials_sent_at: datetime | None = None,
    version_id: int | None = None,
) -> DecisionSession:
    """Link a 座谈/协商 meeting with its materials record (sent now unless said)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(Code.MEETING_NOT_FOUND, "会议不存在", field="meetingId")
    if meeting.kind not in SESSION_KINDS:
        raise DomainError(
            Code.INVALID,
            "只有座谈会、协商会、民意恳谈会可作为决策的座谈协商（听证会另有公告规定）",
            field="meetingId",
        )
    linked = await session.scalar(
        select(DecisionSession.id).where(
            DecisionSession.decision_id == decision.id, DecisionSession.meeting_id == meeting.id
        )
    )
    if linked is not None:
        raise DomainError(Code.INVALID_STATE, "该会议已关联本决策事项", field="meetingId")
    if version_id is None:
        version = await session.scalar(
            select(DecisionVersion)
            .where(DecisionVersion.decision_id == decision.id)
            .order_by(DecisionVersion.number.desc())
            .limit(1)
        )
        if version is None:
            raise DomainError(Code.EMPTY_DRAFT, "尚无决策方案，不能送达材料", field="versionId")
    else:
        version = await session.get(DecisionVersion, version_id)
        if version is None or version.decision_id != decision.id:
            raise DomainError(Code.NOT_FOUND, "草案版本不存在", field="versionId")
    about = clean_text(
        explanation, field="explanation", code=Code.INVALID, label="起草说明", max_length=10000
    )
    moment = now()
    sent_at = materials_sent_at or moment
    if sent_at.tzinfo is None:
        raise DomainError(Code.INVALID, "送达时间须带时区", field="materialsSentAt")
    if sent_at > moment:
        raise DomainError(
            Code.INVALID, "送达时间不能晚于现在（请在送达后登记）", field="materialsSentAt"
        )
    invited = (
        await session.scalars(
            select(Participant)
            .where(Participant.meeting_id == meeting.id, Participant.invited.is_(True))
            .order_by(Participant.id)
        )
    ).all()
    if not invited:
        raise DomainError(
            Code.INVALID,
            "会议尚未邀请与会代表（人大代表、政协委员、专家及利害关系人代表），无从送达材料",
            field="meetingId",
        )
    check = await _check(session, decision.tenant_id, sent_at, meeting.starts_at)
    if not check.ok:
        raise DomainError(Code.MATERIALS_TOO_LATE, check.message, field="materialsSentAt")
    row = DecisionSession(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        meeting_id=meeting.id,
        version_id=version.id,
        explanation=about,
        materials_sent_at=sent_at,
        recipients=[{"userId": p.user_id, "role": p.role.value} for p in invited],
        rule_cited=check.message,
        linked_by=principal.user_id,
    )
    session.add(row)
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.SESSION_LINKED,
        SessionLinked(
            sessionId=row.id,
            meetingId=meeting.id,
            meetingKind=meeting.kind.value,
            startsAt=meeting.starts_at.isoformat(),
            versionId=version.id,
            materialsSentAt=sent_at.isoformat(),
            recipientIds=[p.user_id for p in invited],
            recipients=len(invited),
            rule=check.message,
        ),
    )
    return row


async def sessions_of(session: AsyncSession, decision_id: int) -> list[DecisionSession]:
    return list(
        (
            await session.scalars(
                select(DecisionSession)
                .where(DecisionSession.decision_id == decision_id)
                .order_by(DecisionSession.id)
            )
        ).all()
    )


@on_start
async def before_meeting_starts(session: AsyncSession, meeting: Meeting) -> None:
    """Refuse to start a linked session whose materials were sent later than the rule
    allows before this moment (the start)."""
    links = (
        await session.scalars(
            select(DecisionSession)
            .where(DecisionSession.meeting_id == meeting.id)
            .order_by(DecisionSession.id)
        )
    ).all()
    moment = now()
    for link in links:
        check = await _check(session, meeting.tenant_id, link.materials_sent_at, moment)
        if not check.ok:
            decision = await session.get(Decision, link.decision_id)
            title = decision.title if decision else ""
            raise DomainError(
                Code.MATERIALS_TOO_LATE,
                f"本会议为重大行政决策“{title}”的座谈协商，现在开始则{check.message}",
                field="meetingId",
            )
