"""Intake (受理): a case raised online (signed in, or anonymous with contact details), by a
collector on someone's behalf at a venue (代录), at the 12345 hotline, from a 网络问政
session, or handed over from a meeting's comment; never imported here (ledger import is
`ledger_import`).

Each case gets its county's next number (受理编号 `2026-000123`), the 首接负责 unit (the
unit that received it: the venue's, the place's, the meeting host's, or the county), its
keywords (`text.keywords`) and a `case.received` event; the receiving unit's inbox is told.

A client idempotency key (`clientKey`, e.g. a collector's offline queue) makes intake
replayable: the same key with the same content returns the case made the first time; the
same key with other content is IDEMPOTENCY_CONFLICT.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import attachments as files
from backend.cases import text as case_text
from backend.cases.access import get_unit, is_county_office
from backend.cases.attachments import Upload
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.events import CaseEvent, InboxEvent
from backend.cases.models import Case, CaseChannel, CaseKind, CaseState
from backend.cases.stream import append_event, local_day, notify_inbox, now
from backend.cases.topics import check_topic
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.meetings.models import Comment, Meeting, MeetingKind
from tenants.models import OrgUnit, Venue

TITLE_MAX = 200
BODY_MAX = 5000
#: Channels a person or app may raise a case through here (IMPORT: `ledger_import`;
#: MEETING: a comment's hand-over, `hand_over_comment`).
INTAKE_CHANNELS = (
    CaseChannel.ONLINE,
    CaseChannel.VENUE,
    CaseChannel.COLLECTOR,
    CaseChannel.ONLINE_INQUIRY,
    CaseChannel.HOTLINE,
)
#: Who enters a case on someone's behalf, by channel.
ON_BEHALF_ROLES = (Role.COLLECTOR, Role.MEDIATOR, Role.DEPARTMENT_STAFF, Role.TENANT_ADMIN)


@dataclass(frozen=True, slots=True)
class CaseDraft:
    channel: CaseChannel
    kind: CaseKind
    title: str
    body: str
    is_private: bool = False
    place_unit_id: int | None = None
    venue_id: int | None = None
    meeting_id: int | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    client_key: str | None = None
    attachments: Sequence[Upload] = field(default_factory=tuple)

    def digest(self, measured: Sequence[files.Measured]) -> str:
        """What a replayed key must match: every field but the key, attachments by hash."""
        content: dict[str, Any] = {
            "channel": self.channel.value,
            "kind": self.kind.value,
            "title": self.title,
            "body": self.body,
            "isPrivate": self.is_private,
            "placeUnitId": self.place_unit_id,
            "venueId": self.venue_id,
            "meetingId": self.meeting_id,
            "contactName": self.contact_name,
            "contactPhone": self.contact_phone,
            "attachments": [[m.file_name, m.content_type, m.sha256] for m in measured],
        }
        encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def _phone(value: str | None, *, required: bool) -> str | None:
    raw = (value or "").strip()
    if not raw:
        if required:
            raise DomainError(
                Code.CONTACT_REQUIRED, "请留下联系电话，以便回复", field="contactPhone"
            )
        return None
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(Code.INVALID, "联系电话格式不正确", field="contactPhone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def next_number(session: AsyncSession, tenant_id: int, year: int) -> str:
    """The county's next 受理编号 for `year` (`2026-000123`), under a transaction lock per
    county so two intakes never draw the same number."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('cases.number'), CAST(:t AS integer))"),
        {"t": tenant_id % 2_147_483_647},
    )
    prefix = f"{year}-"
    last = await session.scalar(
        select(func.max(Case.number)).where(Case.number.startswith(prefix, autoescape=True))
    )
    seq = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{seq:06d}"


async def _replayed(session: AsyncSession, tenant_id: int, key: str, digest: str) -> Case | None:
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('cases.client_key'), hashtext(:k))"),
        {"k": f"{tenant_id}:{key}"},
    )
    case = await session.scalar(select(Case).where(Case.client_key == key))
    if case is None:
        return None
    if case.content_digest != digest:
        raise DomainError(
            Code.IDEMPOTENCY_CONFLICT,
            "该提交编号已用于另一件不同内容的事项，请勿重复使用",
            field="clientKey",
        )
    return case


def received_snapshot(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "number": case.number,
        "channel": case.channel.value,
        "kind": case.kind.value,
        "title": case.title,
        "state": case.state.value,
        "isPrivate": case.is_private,
        "accountableUnitId": case.accountable_unit_id,
        "placeUnitId": case.place_unit_id,
        "submitterId": case.submitter_user_id,
        "meetingId": case.meeting_id,
        "meetingCommentId": case.meeting_comment_id,
    }


async def raise_case(session: AsyncSession, principal: Principal, draft: CaseDraft) -> Case:
    """Receive one case (see the module's docstring for who may use which channel)."""
    tenant_id = principal.require_tenant()
    if draft.channel not in INTAKE_CHANNELS:
        raise DomainError(
            Code.INVALID,
            "会议中的留言请由主持人转交办理；台账请通过导入功能录入",
            field="channel",
        )
    # Files are measured (size against the county's cap, SHA-256) before anything else:
    # a replay is recognised by their hashes, and an oversize file is refused unread.
    measured = await files.measure(session, tenant_id, list(draft.attachments))
    digest = draft.digest(measured)
    key = None
    if draft.client_key is not None:
        key = clean_text(
            draft.client_key, field="clientKey", code=Code.INVALID, label="提交编号", max_length=80
        )
        replayed = await _replayed(session, tenant_id, key, digest)
        if replayed is not None:
            return replayed
    title = clean_text(
        draft.title, field="title", code=Code.INVALID, label="标题", max_length=TITLE_MAX
    )
    body = clean_text(
        draft.body, field="body", code=Code.INVALID, label="内容", max_length=BODY_MAX
    )
    contact_name = clean_text(
        draft.contact_name,
        field="contactName",
        code=Code.INVALID,
        label="联系人",
        max_length=50,
        required=False,
    )

    on_behalf = draft.channel in (CaseChannel.VENUE, CaseChannel.COLLECTOR, CaseChannel.HOTLINE)
    if on_behalf:
        principal.require_user()
        if not principal.has(*ON_BEHALF_ROLES):
            raise PermissionDenied("代录事项需要民情收集员、解事员、承办单位工作人员或管理员角色")
    anonymous = principal.user_id is None
    contact_phone = _phone(draft.contact_phone, required=anonymous or on_behalf)
    if (anonymous or on_behalf) and contact_name is None:
        raise DomainError(Code.CONTACT_REQUIRED, "请留下联系人姓名", field="contactName")

    venue: Venue | None = None
    if draft.venue_id is not None:
        venue = await session.get(Venue, draft.venue_id)
        if venue is None:
            raise DomainError(Code.NOT_FOUND, "议事场所不存在", field="venueId")
    elif draft.channel is CaseChannel.VENUE:
        raise DomainError(Code.INVALID, "现场受理须注明议事场所", field="venueId")
    place: OrgUnit | None = None
    if draft.place_unit_id is not None:
        place = await get_unit(session, draft.place_unit_id, field="placeUnitId")
    meeting: Meeting | None = None
    if draft.channel is CaseChannel.ONLINE_INQUIRY:
        if draft.meeting_id is None:
            raise DomainError(Code.INVALID, "网络问政须注明问政场次", field="meetingId")
        meeting = await session.get(Meeting, draft.meeting_id)
        if meeting is None or meeting.kind is not MeetingKind.ONLINE_INQUIRY:
            raise DomainError(Code.NOT_FOUND, "网络问政场次不存在", field="meetingId")
    elif draft.meeting_id is not None:
        raise DomainError(Code.INVALID, "只有网络问政事项可关联会议", field="meetingId")

    receiving: OrgUnit
    if venue is not None:
        receiving = await get_unit(session, venue.org_unit_id, field="venueId")
    elif place is not None:
        receiving = place
    elif meeting is not None:
        receiving = await get_unit(session, meeting.host_unit_id, field="meetingId")
    else:
        receiving = await _root(session)
    if on_behalf and not is_county_office(principal):
        if not principal.has(*ON_BEHALF_ROLES, at_path=receiving.path):
            raise PermissionDenied("只能代录本场所、本辖区的事项")
    await check_topic(session, (place or receiving).path, f"{title}\n{body}")

    received_at = now()
    case = Case(
        tenant_id=tenant_id,
        number=await next_number(session, tenant_id, local_day(received_at).year),
        channel=draft.channel,
        venue_id=venue.id if venue else None,
        meeting_id=meeting.id if meeting else None,
        kind=draft.kind,
        title=title,
        body=body,
        is_private=draft.is_private,
        state=CaseState.RECEIVED,
        submitter_user_id=None if on_behalf else principal.user_id,
        contact_name=contact_name,
        contact_phone=contact_phone,
        entered_by_user_id=principal.user_id if on_behalf else None,
        place_unit_id=place.id if place else (receiving.id if venue else None),
        accountable_unit_id=receiving.id,
        received_at=received_at,
        client_key=key,
        content_digest=digest if key else None,
        keywords=case_text.keywords(f"{title}\n{body}"),
    )
    session.add(case)
    await session.flush()
    await files.store(session, tenant_id, case.id, measured)
    await append_event(session, principal, case, CaseEvent.CASE_RECEIVED, received_snapshot(case))
    await notify_inbox(session, principal, case, receiving.id, InboxEvent.RECEIVED)
    return case


async def _root(session: AsyncSession) -> OrgUnit:
    root = await session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))
    if root is None:  # pragma: no cover - every county has its root unit
        raise DomainError(Code.UNKNOWN_UNIT, "本县尚未设置组织机构", field="placeUnitId")
    return root


async def hand_over_comment(
    session: AsyncSession, principal: Principal, comment: Comment, meeting: Meeting, unit: OrgUnit
) -> int:
    """A meeting comment handed over to `unit` becomes a case of the MEETING channel, the
    unit accountable (首接), linked both ways. Registered with
    `backend.meetings.comments.on_hand_over`; runs in the hand-over's transaction."""
    received_at = now()
    title = comment.body.strip().splitlines()[0][:60] or "会议留言转办"
    case = Case(
        tenant_id=meeting.tenant_id,
        number=await next_number(session, meeting.tenant_id, local_day(received_at).year),
        channel=CaseChannel.MEETING,
        venue_id=meeting.venue_id,
        meeting_id=meeting.id,
        meeting_comment_id=comment.id,
        kind=CaseKind.DEMAND if comment.kind.value == "QUESTION" else CaseKind.SUGGESTION,
        title=title,
        body=comment.body,
        state=CaseState.RECEIVED,
        submitter_user_id=comment.author_user_id,
        entered_by_user_id=principal.user_id,
        accountable_unit_id=unit.id,
        received_at=received_at,
        keywords=case_text.keywords(comment.body),
    )
    session.add(case)
    await session.flush()
    comment.handed_over_case_id = case.id
    await append_event(session, principal, case, CaseEvent.CASE_RECEIVED, received_snapshot(case))
    await notify_inbox(session, principal, case, unit.id, InboxEvent.RECEIVED)
    return case.id
