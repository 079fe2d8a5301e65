"""Comments and questions (留言/提问): posting, moderation (屏蔽), answering live or handing over
to the responsible unit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting, require_host
from backend.meetings.codes import require_meeting_scope
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import (
    CommentHandedOver,
    CommentHidden,
    CommentPosted,
    CommentRef,
    MeetingEvent,
)
from backend.meetings.models import Comment, CommentKind, Meeting, MeetingState
from backend.meetings.stream import append_event, now
from tenants.models import OrgUnit, Tenant

COMMENT_MAX_LENGTH = 500

#: What a hand-over also does, in its transaction: a domain above meetings (cases) makes
#: the case and returns its id (meetings never import it). Registered at import.
HandOverHook = Callable[[AsyncSession, Principal, Comment, Meeting, OrgUnit], Awaitable[int | None]]
_HAND_OVER_HOOKS: list[HandOverHook] = []


def on_hand_over(hook: HandOverHook) -> HandOverHook:
    """Register `hook` to run when a question is handed over to a unit (once per hook)."""
    if hook not in _HAND_OVER_HOOKS:
        _HAND_OVER_HOOKS.append(hook)
    return hook


def comment_snapshot(c: Comment, author: str | None) -> CommentPosted:
    return {
        "id": c.id,
        "kind": c.kind.value,
        "body": c.body,
        "authorId": c.author_user_id,
        "authorName": author,
        "parentId": c.parent_id,
        "at": c.created_at.isoformat(),
        "hidden": c.hidden_at is not None,
        "hiddenReason": c.hidden_reason,
        "answeredLive": c.answered_live_at is not None,
        "handedOverUnitId": c.handed_over_unit_id,
    }


async def post_comment(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    body: str,
    kind: CommentKind,
    parent_id: int | None,
) -> Comment:
    user_id = principal.require_user()
    meeting = await get_meeting(session, meeting_id)
    await require_meeting_scope(session, principal, meeting.id)
    if meeting.sealed_at is not None:
        raise DomainError(
            Code.RECORD_SEALED, "会议已结束，记录已封存，不能再留言", field="meetingId"
        )
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(Code.MEETING_NOT_LIVE, "会议未在进行中，不能发言", field="meetingId")
    from backend.core import rules

    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == meeting.tenant_id))
    limit = int(rules.effective_rule(settings or {}, "meeting.comment_max_length").value)
    text = (body or "").strip()
    if not text:
        raise DomainError(Code.INVALID, "内容不能为空", field="body")
    if len(text) > limit:
        raise DomainError(
            Code.COMMENT_TOO_LONG, f"内容不能超过{limit}个字（当前{len(text)}个字）", field="body"
        )
    if parent_id is not None:
        parent = await session.get(Comment, parent_id)
        if parent is None or parent.meeting_id != meeting.id:
            raise DomainError(Code.NOT_FOUND, "回复的留言不存在", field="parentId")
    comment = Comment(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        author_user_id=user_id,
        parent_id=parent_id,
        kind=kind,
        body=text,
        created_at=now(),
    )
    session.add(comment)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.COMMENT_POSTED,
        comment_snapshot(comment, principal.display_name),
    )
    return comment


async def _comment_for_host(
    session: AsyncSession, principal: Principal, comment_id: int
) -> tuple[Comment, Meeting]:
    comment = await session.scalar(
        select(Comment).where(Comment.id == comment_id).with_for_update()
    )
    if comment is None:
        raise DomainError(Code.NOT_FOUND, "留言不存在", field="commentId")
    meeting = await get_meeting(session, comment.meeting_id)
    await require_host(session, principal, meeting)
    return comment, meeting


async def hide_comment(
    session: AsyncSession, principal: Principal, *, comment_id: int, reason: str
) -> Comment:
    """Moderation: hidden from the audience, kept (text and reason) in the record."""
    comment, meeting = await _comment_for_host(session, principal, comment_id)
    clean_reason = clean_text(
        reason, field="reason", code=Code.INVALID, label="屏蔽理由", max_length=200
    )
    if comment.hidden_at is not None:
        raise DomainError(Code.ALREADY_HIDDEN, "该留言已被屏蔽", field="commentId")
    comment.hidden_at, comment.hidden_reason, comment.hidden_by = (
        now(),
        clean_reason,
        principal.user_id,
    )
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.COMMENT_HIDDEN,
        CommentHidden(id=comment.id, reason=clean_reason, by=principal.user_id),
    )
    return comment


async def approve_comment(
    session: AsyncSession, principal: Principal, *, comment_id: int
) -> Comment:
    """Moderation: a host reviewed the comment and keeps it public (审核通过), so the other
    hosts no longer see it waiting for review; recorded. A hidden comment cannot be
    approved (hiding is final: the text is only in the record); an approved one can still
    be hidden later."""
    comment, meeting = await _comment_for_host(session, principal, comment_id)
    if comment.hidden_at is not None:
        raise DomainError(Code.ALREADY_HIDDEN, "该留言已被屏蔽，不能审核通过", field="commentId")
    if comment.approved_at is not None:
        raise DomainError(Code.ALREADY_APPROVED, "该留言已审核通过", field="commentId")
    comment.approved_at, comment.approved_by = now(), principal.user_id
    await session.flush()
    await append_event(
        session, principal, meeting, MeetingEvent.COMMENT_APPROVED, CommentRef(id=comment.id)
    )
    return comment


async def answer_comment(
    session: AsyncSession, principal: Principal, *, comment_id: int, hand_over_unit_id: int | None
) -> Comment:
    """Mark a question answered live, or hand it to the responsible unit: the hand-over
    hooks (the cases domain) make it a case in the same transaction, and the event names
    the case (`caseId`)."""
    comment, meeting = await _comment_for_host(session, principal, comment_id)
    if hand_over_unit_id is None:
        comment.answered_live_at = now()
        await session.flush()
        await append_event(
            session,
            principal,
            meeting,
            MeetingEvent.COMMENT_ANSWERED_LIVE,
            CommentRef(id=comment.id),
        )
        return comment
    unit = await session.get(OrgUnit, hand_over_unit_id)
    if unit is None:
        raise DomainError(Code.NOT_FOUND, "责任单位不存在", field="unitId")
    if comment.handed_over_unit_id is not None:
        raise DomainError(Code.INVALID_STATE, "该留言已转交办理", field="commentId")
    comment.handed_over_unit_id, comment.handed_over_at = unit.id, now()
    await session.flush()
    case_id: int | None = None
    for hook in _HAND_OVER_HOOKS:
        case_id = await hook(session, principal, comment, meeting, unit) or case_id
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.COMMENT_HANDED_OVER,
        CommentHandedOver(id=comment.id, unitId=unit.id, unitName=unit.name, caseId=case_id),
    )
    return comment
