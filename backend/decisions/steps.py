"""The five steps (五步走, seed 004) and the gate before the collective decision.

Steps run in order: a step starts only once the one before it has started
(`STEP_SKIPPED` otherwise), and completes with at least one document and one responsible
person (`DOCUMENT_REQUIRED`, `RESPONSIBLE_REQUIRED`); 公众参与 completes only with a
participation report (意见收集和采纳情况) that is up to date.

**The gate** (DESIGN §4: "no collective decision without the participation report"):
starting 集体讨论决定 is refused, with one error per missing item, while any earlier step
is not completed (`STEP_INCOMPLETE`, field `steps.<STEP>`), there is no participation
report (`REPORT_MISSING`), the report no longer matches the opinions and answers
(`REPORT_OUTDATED`), an opinion is unanswered (`OPINIONS_UNANSWERED`), or a published
民意调查 has no written report (`SURVEY_REPORT_MISSING`, field `surveys`, seed 002
第八条). Completing 集体讨论决定 records the decision (DECIDED).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, DomainErrors
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import (
    DecisionDecided,
    DecisionEvent,
    DocumentAdded,
    StepChanged,
    StepPeopleSet,
)
from backend.decisions.models import (
    STEP_LABELS,
    STEP_ORDER,
    Decision,
    DecisionDocument,
    DecisionState,
    DecisionStep,
    DecisionStepRow,
    Opinion,
)
from backend.decisions.stream import append_event, now
from backend.people.models import User

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # small uploads through the API; larger: by reference
SHA256 = re.compile(r"^[0-9a-f]{64}$")


async def step_rows(session: AsyncSession, decision_id: int) -> dict[DecisionStep, DecisionStepRow]:
    rows = (
        await session.scalars(
            select(DecisionStepRow).where(DecisionStepRow.decision_id == decision_id)
        )
    ).all()
    return {r.step: r for r in rows}


async def _document_counts(session: AsyncSession, decision_id: int) -> dict[DecisionStep, int]:
    rows = await session.execute(
        select(DecisionDocument.step, func.count())
        .where(DecisionDocument.decision_id == decision_id)
        .group_by(DecisionDocument.step)
    )
    return {step: int(n) for step, n in rows.all()}


def _label(step: DecisionStep) -> str:
    return STEP_LABELS[step]


async def gate_problems(session: AsyncSession, decision: Decision) -> list[DomainError]:
    """Everything missing before 集体讨论决定, one error per item (empty: may start)."""
    from backend.decisions.report import report_is_current

    problems: list[DomainError] = []
    steps = await step_rows(session, decision.id)
    for step in STEP_ORDER[:-1]:
        row = steps[step]
        if row.completed_at is None:
            what = "尚未开始" if row.started_at is None else "尚未完成"
            problems.append(
                DomainError(
                    Code.STEP_INCOMPLETE,
                    f"“{_label(step)}”{what}，不能进入集体讨论决定",
                    field=f"steps.{step.value}",
                )
            )
    unanswered = await session.scalar(
        select(func.count())
        .select_from(Opinion)
        .where(Opinion.decision_id == decision.id, Opinion.outcome.is_(None))
    )
    if unanswered:
        problems.append(
            DomainError(
                Code.OPINIONS_UNANSWERED,
                f"尚有{unanswered}条意见未逐条答复",
                field="opinions",
            )
        )
    from backend.decisions.surveys import RULE_SOURCE, unreported

    for survey in await unreported(session, decision.id):
        problems.append(
            DomainError(
                Code.SURVEY_REPORT_MISSING,
                f"民意调查“{survey.title}”尚未形成书面报告（{RULE_SOURCE}：民意调查应当形成"
                "书面报告，连同决策草案一并提交审议），不能进入集体讨论决定",
                field="surveys",
            )
        )
    current = await report_is_current(session, decision)
    if current is None:
        problems.append(
            DomainError(
                Code.REPORT_MISSING,
                "尚未形成意见收集和采纳情况报告，不能进入集体讨论决定",
                field="participationReport",
            )
        )
    elif not current:
        problems.append(
            DomainError(
                Code.REPORT_OUTDATED,
                "意见收集和采纳情况报告生成后意见或答复有变化，请重新生成",
                field="participationReport",
            )
        )
    return problems


async def start_step(
    session: AsyncSession, principal: Principal, *, decision_id: int, step: DecisionStep
) -> Decision:
    """Start `step`: the one before it must have started (no skipping); 集体讨论决定 only
    through the gate."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    steps = await step_rows(session, decision.id)
    row = steps[step]
    if row.started_at is not None:
        raise DomainError(Code.INVALID_STATE, f"“{_label(step)}”已经开始", field="step")
    index = STEP_ORDER.index(step)
    if step is DecisionStep.COLLECTIVE_DECISION:
        problems = await gate_problems(session, decision)
        if problems:
            raise DomainErrors(problems)
    else:
        skipped = [s for s in STEP_ORDER[:index] if steps[s].started_at is None]
        if skipped:
            names = "、".join(f"“{_label(s)}”" for s in skipped)
            raise DomainError(
                Code.STEP_SKIPPED,
                f"不能跳过{names}直接开始“{_label(step)}”（五步走须依次进行）",
                field="step",
            )
    row.started_at = now()
    decision.current_step = step
    decision.state = DecisionState.IN_PROGRESS
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.STEP_STARTED,
        StepChanged(step=step.value, state="STARTED"),
    )
    return decision


async def complete_step(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    step: DecisionStep,
    note: str | None = None,
) -> Decision:
    """Complete a started step (documents and responsible people present; for 公众参与 a
    current participation report); completing 集体讨论决定 records the decision."""
    from backend.decisions.report import report_is_current

    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    steps = await step_rows(session, decision.id)
    row = steps[step]
    if row.started_at is None:
        raise DomainError(Code.INVALID_STATE, f"“{_label(step)}”尚未开始", field="step")
    if row.completed_at is not None:
        raise DomainError(Code.INVALID_STATE, f"“{_label(step)}”已经完成", field="step")
    problems: list[DomainError] = []
    if not row.responsible_user_ids:
        problems.append(
            DomainError(
                Code.RESPONSIBLE_REQUIRED, f"“{_label(step)}”尚未确定负责人", field="responsible"
            )
        )
    if not (await _document_counts(session, decision.id)).get(step):
        problems.append(
            DomainError(
                Code.DOCUMENT_REQUIRED, f"“{_label(step)}”尚无材料（文件）", field="documents"
            )
        )
    if step is DecisionStep.PUBLIC_PARTICIPATION:
        current = await report_is_current(session, decision)
        if current is None:
            problems.append(
                DomainError(
                    Code.REPORT_MISSING,
                    "公众参与须形成意见收集和采纳情况报告",
                    field="participationReport",
                )
            )
        elif not current:
            problems.append(
                DomainError(
                    Code.REPORT_OUTDATED,
                    "意见收集和采纳情况报告生成后意见或答复有变化，请重新生成",
                    field="participationReport",
                )
            )
    if problems:
        raise DomainErrors(problems)
    row.completed_at = now()
    row.completed_by = principal.user_id
    row.note = clean_text(
        note, field="note", code=Code.INVALID, label="说明", max_length=2000, required=False
    )
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.STEP_COMPLETED,
        StepChanged(step=step.value, state="COMPLETED"),
    )
    if step is DecisionStep.COLLECTIVE_DECISION:
        decision.state = DecisionState.DECIDED
        decision.decided_at = row.completed_at
        await session.flush()
        await append_event(
            session,
            principal,
            decision,
            DecisionEvent.DECISION_DECIDED,
            DecisionDecided(state=decision.state.value, decidedAt=decision.decided_at.isoformat()),
        )
    return decision


async def set_step_people(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    step: DecisionStep,
    user_ids: list[int],
) -> Decision:
    """The people responsible for a step (负责人), people of this county."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    unique = list(dict.fromkeys(user_ids))
    if not unique:
        raise DomainError(Code.RESPONSIBLE_REQUIRED, "请至少指定一名负责人", field="userIds")
    found = set(
        (
            await session.scalars(
                select(User.id).where(User.id.in_(unique), User.erased_at.is_(None))
            )
        ).all()
    )
    for uid in unique:
        if uid not in found:
            raise DomainError(Code.UNKNOWN_USER, "负责人不存在或不属于本县", field="userIds")
    row = (await step_rows(session, decision.id))[step]
    if row.completed_at is not None:
        raise DomainError(Code.INVALID_STATE, f"“{_label(step)}”已经完成", field="step")
    row.responsible_user_ids = unique
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.STEP_PEOPLE_SET,
        StepPeopleSet(step=step.value, userIds=unique),
    )
    return decision


async def add_document(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    step: DecisionStep,
    name: str,
    content_base64: str | None = None,
    sha256: str | None = None,
    storage: str | None = None,
) -> DecisionDocument:
    """A document of a step: uploaded (`content_base64`, up to 2 MiB, hashed here) or by
    reference (`sha256` and `storage`, e.g. the county's document system)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    title = clean_text(name, field="name", code=Code.INVALID, label="文件名称", max_length=200)
    content: bytes | None = None
    if content_base64 is not None:
        if sha256 is not None or storage is not None:
            raise DomainError(
                Code.INVALID, "上传文件时不能另填摘要或存储位置", field="contentBase64"
            )
        try:
            content = base64.b64decode(content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DomainError(
                Code.INVALID, "文件内容不是有效的 base64", field="contentBase64"
            ) from exc
        if not content:
            raise DomainError(Code.INVALID, "文件内容为空", field="contentBase64")
        if len(content) > MAX_DOCUMENT_BYTES:
            raise DomainError(
                Code.DOCUMENT_TOO_LARGE,
                f"经接口上传的文件不能超过{MAX_DOCUMENT_BYTES // 1024 // 1024} MiB，请登记存储位置",
                field="contentBase64",
            )
        digest, where, size = hashlib.sha256(content).hexdigest(), "db", len(content)
    else:
        digest = (sha256 or "").strip().lower()
        if not SHA256.match(digest):
            raise DomainError(
                Code.INVALID, "请上传文件，或填写64位十六进制的 SHA-256 摘要", field="sha256"
            )
        where = clean_text(
            storage, field="storage", code=Code.INVALID, label="存储位置", max_length=500
        )
        size = None
    document = DecisionDocument(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        step=step,
        name=title,
        sha256=digest,
        size=size,
        storage=where,
        content=content,
        added_by=principal.user_id,
    )
    session.add(document)
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.DOCUMENT_ADDED,
        DocumentAdded(
            documentId=document.id, step=step.value, name=title, sha256=digest, size=size
        ),
    )
    return document
