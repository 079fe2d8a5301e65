"""Loading meetings and deciding who may do what: hosts, visibility of drafts, the states an
action needs, the poll/sheet → meeting directory, and the list of meetings a principal sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import VERIFICATION_LABELS, Principal, Verification
from backend.meetings import personal_data as _personal_data  # noqa: F401  (registers the section)
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.models import (
    Meeting,
    MeetingState,
    Participant,
    ParticipantRole,
    Poll,
    ScoringSheet,
)
from backend.people.models import Role
from tenants.models import OrgUnit

MANAGER_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


def require_verification(
    have: Verification, required: Verification, *, field: str, what: str = "参加本次会议"
) -> None:
    """The one check of a meeting's or poll's verification requirement (实名制): refused
    with VERIFICATION_REQUIRED naming the level needed. `have` comes with the principal
    (or the participant's row, for staff acting for a person): no query of its own."""
    if not have.at_least(required):
        raise DomainError(
            Code.VERIFICATION_REQUIRED,
            f"{what}须先完成{VERIFICATION_LABELS[required]}（{required.value}）",
            field=field,
        )


def poll_requirement(
    meeting_required: Verification, poll_required: Verification | None
) -> Verification:
    """What a poll's voters need: the poll's own level when stricter than the meeting's."""
    if poll_required is None or meeting_required.at_least(poll_required):
        return meeting_required
    return poll_required


async def get_meeting(session: AsyncSession, meeting_id: int, *, lock: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        query = query.with_for_update()
    meeting = await session.scalar(query)
    if meeting is None:
        raise DomainError(Code.NOT_FOUND, "会议不存在", field="meetingId")
    return meeting


async def unit_path(session: AsyncSession, unit_id: int) -> str | None:
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


async def is_host(session: AsyncSession, principal: Principal, meeting: Meeting) -> bool:
    """Tenant admins, staff of the host unit (or above it), and the meeting's HOSTs."""
    if principal.user_id is None:
        return False
    path = await unit_path(session, meeting.host_unit_id)
    if hosts_by_role(principal, path):
        return True
    role = await session.scalar(
        select(Participant.role).where(
            Participant.meeting_id == meeting.id, Participant.user_id == principal.user_id
        )
    )
    return role is ParticipantRole.HOST


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The meetings `principal` may see: every meeting once announced; a DRAFT only for
    those who may host it (tenant admins and department staff whose scope covers the host
    unit) and for its participants (a HOST, or someone already invited). Anonymous callers
    and other members of the county never see drafts, not even their titles."""
    public = Meeting.state != MeetingState.DRAFT
    if principal.user_id is None:
        return public
    paths = [g.org_path for g in principal.grants if g.role in MANAGER_ROLES]
    if None in paths:
        return true()
    allowed: list[ColumnElement[bool]] = [
        public,
        exists().where(
            Participant.meeting_id == Meeting.id, Participant.user_id == principal.user_id
        ),
    ]
    if paths:
        allowed.append(
            Meeting.host_unit_id.in_(
                select(OrgUnit.id).where(
                    or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths if p))
                )
            )
        )
    return or_(*allowed)


def hosts_by_role(principal: Principal, host_unit_path: str | None) -> bool:
    return principal.has(Role.TENANT_ADMIN, at_path=host_unit_path) or principal.has(
        Role.DEPARTMENT_STAFF, at_path=host_unit_path
    )


async def require_host(session: AsyncSession, principal: Principal, meeting: Meeting) -> None:
    principal.require_user()
    if not await is_host(session, principal, meeting):
        from backend.core.errors import PermissionDenied

        raise PermissionDenied("无权管理此会议：需要县级管理员、主办单位工作人员或会议主持人")


async def require_record_access(
    session: AsyncSession, principal: Principal, meeting: Meeting
) -> None:
    """Hosts may read a record at any time; everyone in the county once it is published."""
    principal.require_tenant()
    if meeting.state is not MeetingState.RECORD_PUBLISHED:
        await require_host(session, principal, meeting)


def require_state(meeting: Meeting, *states: MeetingState, action: str) -> None:
    if meeting.state not in states:
        if meeting.sealed_at is not None:
            raise DomainError(Code.RECORD_SEALED, "会议记录已封存", field="meetingId")
        raise DomainError(
            Code.INVALID_STATE,
            f"会议当前状态（{STATE_LABELS[meeting.state]}）不能{action}",
            field="meetingId",
        )


STATE_LABELS = {
    MeetingState.DRAFT: "草稿",
    MeetingState.ANNOUNCED: "已公告",
    MeetingState.LIVE: "进行中",
    MeetingState.CLOSED: "已结束",
    MeetingState.RECORD_PUBLISHED: "记录已公开",
}


class MeetingDirectory:
    """poll/sheet → meeting, cached per process (that link never changes)."""

    def __init__(self) -> None:
        self._poll_meeting: dict[tuple[int, int], int] = {}
        self._sheet_meeting: dict[tuple[int, int], int] = {}

    def cached_poll_meeting(self, tenant_id: int, poll_id: int) -> int | None:
        return self._poll_meeting.get((tenant_id, poll_id))

    async def poll_meeting(self, session: AsyncSession, tenant_id: int, poll_id: int) -> int:
        key = (tenant_id, poll_id)
        if key not in self._poll_meeting:
            meeting_id = await session.scalar(select(Poll.meeting_id).where(Poll.id == poll_id))
            if meeting_id is None:
                raise DomainError(Code.NOT_FOUND, "表决不存在", field="pollId")
            self._poll_meeting[key] = meeting_id
        return self._poll_meeting[key]

    async def sheet_meeting(self, session: AsyncSession, tenant_id: int, sheet_id: int) -> int:
        key = (tenant_id, sheet_id)
        if key not in self._sheet_meeting:
            meeting_id = await session.scalar(
                select(ScoringSheet.meeting_id).where(ScoringSheet.id == sheet_id)
            )
            if meeting_id is None:
                raise DomainError(Code.NOT_FOUND, "测评不存在", field="sheetId")
            self._sheet_meeting[key] = meeting_id
        return self._sheet_meeting[key]


async def list_meetings(
    session: AsyncSession,
    principal: Principal,
    *,
    states: Sequence[MeetingState] | None,
    after_id: int | None,
    limit: int,
) -> list[Meeting]:
    """The meetings `principal` may see (`visible_to`), newest first."""
    query = select(Meeting).where(visible_to(principal)).order_by(Meeting.id.desc()).limit(limit)
    if states:
        query = query.where(Meeting.state.in_(states))
    if after_id is not None:
        query = query.where(Meeting.id < after_id)
    return list((await session.scalars(query)).all())


# The `meeting` stream kind (who may watch, what each sees) is registered by
# backend.meetings.visibility; importing access (which every workflow does) registers it.
from backend.meetings import visibility  # noqa: E402,F401
