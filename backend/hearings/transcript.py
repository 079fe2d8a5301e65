"""The transcript (听证笔录) and its confirmations by the representatives, and the hearing
report (听证报告) with its adopted and not-adopted views (seed 002 第十五条: 笔录应当经听证会
代表确认无误后签字; 不予采纳的，应当说明理由).

A transcript has versions; each change makes a new version with its SHA-256 (of the UTF-8
text), and a confirmation names the hash the representative saw: confirmations of an older
version do not count for a newer one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.hearings.access import get_hearing, require_organiser, require_state
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import (
    HearingEvent,
    ReportRecorded,
    ReportViewPayload,
    TranscriptConfirmed,
    TranscriptSet,
)
from backend.hearings.models import (
    DrawOutcome,
    Hearing,
    HearingApplication,
    HearingState,
    HearingView,
    TranscriptConfirmation,
)
from backend.hearings.stream import append_event, now

MAX_VIEWS = 200


def transcript_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def set_transcript(
    session: AsyncSession, principal: Principal, *, hearing_id: int, text: str
) -> Hearing:
    """A new version of the transcript (after the draw, before the report)."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.DRAWN, action="修改听证笔录")
    if hearing.kind.value != "HEARING":
        raise DomainError(Code.INVALID_STATE, "列席代表遴选没有听证笔录", field="hearingId")
    text = clean_text(text, field="text", code=Code.INVALID, label="听证笔录", max_length=100_000)
    if hearing.transcript == text:
        raise DomainError(Code.INVALID, "笔录内容没有变化", field="text")
    hearing.transcript = text
    hearing.transcript_version += 1
    hearing.transcript_sha256 = transcript_hash(text)
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.TRANSCRIPT_SET,
        TranscriptSet(version=hearing.transcript_version, sha256=hearing.transcript_sha256),
    )
    return hearing


async def confirm_transcript(
    session: AsyncSession, principal: Principal, *, hearing_id: int, sha256: str
) -> TranscriptConfirmation:
    """A selected representative confirms (signs) the current transcript, naming its hash."""
    user_id = principal.require_user()
    hearing = await get_hearing(session, hearing_id, lock=True)
    if hearing.state is HearingState.DRAFT:
        raise DomainError(Code.NOT_FOUND, "听证会不存在", field="hearingId")
    require_state(hearing, HearingState.DRAWN, action="确认听证笔录")
    application = await session.scalar(
        select(HearingApplication).where(
            HearingApplication.hearing_id == hearing.id, HearingApplication.user_id == user_id
        )
    )
    if application is None or application.outcome is not DrawOutcome.SELECTED:
        raise DomainError(
            Code.NOT_REPRESENTATIVE, "只有本次听证会的代表可以确认笔录", field="hearingId"
        )
    if hearing.transcript_sha256 is None:
        raise DomainError(Code.INVALID_STATE, "听证笔录尚未形成", field="hearingId")
    if (sha256 or "").strip().lower() != hearing.transcript_sha256:
        raise DomainError(
            Code.TRANSCRIPT_CHANGED,
            f"笔录已更新为第{hearing.transcript_version}版，请阅读最新版本后再确认",
            field="sha256",
        )
    done = await session.scalar(
        select(TranscriptConfirmation.id).where(
            TranscriptConfirmation.hearing_id == hearing.id,
            TranscriptConfirmation.user_id == user_id,
            TranscriptConfirmation.transcript_version == hearing.transcript_version,
        )
    )
    if done is not None:
        raise DomainError(Code.ALREADY_CONFIRMED, "您已确认此版本笔录", field="hearingId")
    confirmation = TranscriptConfirmation(
        tenant_id=hearing.tenant_id,
        hearing_id=hearing.id,
        user_id=user_id,
        transcript_version=hearing.transcript_version,
        transcript_sha256=hearing.transcript_sha256,
        confirmed_at=now(),
    )
    session.add(confirmation)
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.TRANSCRIPT_CONFIRMED,
        TranscriptConfirmed(
            poolId=application.pseudonym,
            version=confirmation.transcript_version,
            sha256=confirmation.transcript_sha256,
            confirmedAt=confirmation.confirmed_at.isoformat(),
        ),
    )
    return confirmation


@dataclass(frozen=True, slots=True)
class ViewInput:
    summary: str
    adopted: bool
    reason: str | None = None


async def record_report(
    session: AsyncSession,
    principal: Principal,
    *,
    hearing_id: int,
    conclusion: str,
    views: Sequence[ViewInput],
) -> Hearing:
    """The hearing report: its conclusion (结论性建议意见) and every view with whether it
    was adopted; a view not adopted needs its reason. DRAWN → REPORTED (it may be recorded
    again while REPORTED: the newer report replaces the views, and both are in the record)."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.DRAWN, HearingState.REPORTED, action="形成听证报告")
    if hearing.kind.value != "HEARING":
        raise DomainError(Code.INVALID_STATE, "列席代表遴选没有听证报告", field="hearingId")
    conclusion = clean_text(
        conclusion, field="conclusion", code=Code.INVALID, label="结论性意见", max_length=5000
    )
    if not views:
        raise DomainError(Code.INVALID, "听证报告应列明代表的意见", field="views")
    if len(views) > MAX_VIEWS:
        raise DomainError(Code.INVALID, f"一次最多{MAX_VIEWS}条意见", field="views")
    cleaned: list[ReportViewPayload] = []
    for i, v in enumerate(views, start=0):
        summary = clean_text(
            v.summary, field=f"views.{i}.summary", code=Code.INVALID, label="意见", max_length=2000
        )
        reason = clean_text(
            v.reason,
            field=f"views.{i}.reason",
            code=Code.INVALID,
            label="理由",
            max_length=2000,
            required=False,
        )
        if not v.adopted and reason is None:
            raise DomainError(
                Code.REASON_REQUIRED,
                f"第{i + 1}条意见不予采纳，应当说明理由"
                "（《（县）重大行政决策公众参与制度》第十五条）",
                field=f"views.{i}.reason",
            )
        cleaned.append(
            ReportViewPayload(position=i + 1, summary=summary, adopted=v.adopted, reason=reason)
        )
    await session.execute(delete(HearingView).where(HearingView.hearing_id == hearing.id))
    for c in cleaned:
        session.add(
            HearingView(
                tenant_id=hearing.tenant_id,
                hearing_id=hearing.id,
                position=c["position"],
                summary=c["summary"],
                adopted=c["adopted"],
                reason=c["reason"],
            )
        )
    hearing.report_conclusion = conclusion
    hearing.reported_at = now()
    hearing.state = HearingState.REPORTED
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.REPORT_RECORDED,
        ReportRecorded(conclusion=conclusion, views=cleaned, state=hearing.state.value),
    )
    return hearing
