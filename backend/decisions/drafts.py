"""A decision project (立项) and its draft in versions.

- `create_decision`: title, lead unit (承办单位) and co-units, whether alternatives are
  compared (需多方案比较); the five steps are made at once, none started.
- `add_version`: a new version of the draft, its text split into numbered paragraphs
  (`backend.decisions.text`); with `compare_alternatives` the version must carry at least
  `decision.min_alternatives` alternatives (方案, seed 002 第四条). Opinions anchored to
  paragraphs of the previous version are carried to the matching paragraphs of the new one,
  or marked REMOVED (the opinion says its paragraph is gone).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import rules
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import (
    get_decision,
    get_unit,
    is_county_office,
    require_not_decided,
    require_runner,
    staff_of,
)
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import DecisionCreated, DecisionEvent, VersionAdded
from backend.decisions.models import (
    STEP_ORDER,
    AnchorState,
    Decision,
    DecisionParagraph,
    DecisionState,
    DecisionStepRow,
    DecisionVersion,
    Opinion,
)
from backend.decisions.stream import append_event
from backend.decisions.text import match_paragraph, split_paragraphs
from tenants.models import Tenant

MAX_DRAFT = 100_000
MAX_PARAGRAPHS = 500


@dataclass(frozen=True, slots=True)
class AlternativeText:
    """One alternative (方案) of a version: its label (方案一) and its text."""

    label: str
    text: str


async def county_rule(session: AsyncSession, tenant_id: int, key: str) -> rules.RuleValue:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    try:
        return rules.effective_rule(settings or {}, key)
    except (KeyError, ValueError) as exc:
        raise DomainError(Code.INVALID, f"本县规则“{key}”配置有误：{exc}") from exc


async def create_decision(
    session: AsyncSession,
    principal: Principal,
    *,
    title: str,
    lead_unit_id: int,
    co_unit_ids: list[int],
    summary: str | None = None,
    compare_alternatives: bool = False,
) -> Decision:
    """A new decision project (DRAFTING) with its five steps, none started."""
    principal.require_user()
    lead = await get_unit(session, lead_unit_id, field="leadUnitId")
    if not (is_county_office(principal) or staff_of(principal, lead.path)):
        raise PermissionDenied("无权立项：需要承办单位工作人员或县级管理员")
    name = clean_text(title, field="title", code=Code.INVALID, label="决策事项名称", max_length=200)
    text = clean_text(
        summary, field="summary", code=Code.INVALID, label="简介", max_length=5000, required=False
    )
    co: list[int] = []
    for uid in co_unit_ids:
        unit = await get_unit(session, uid, field="coUnitIds")
        if unit.id != lead.id and unit.id not in co:
            co.append(unit.id)
    decision = Decision(
        tenant_id=principal.require_tenant(),
        title=name,
        summary=text,
        lead_unit_id=lead.id,
        co_unit_ids=co,
        compare_alternatives=compare_alternatives,
        state=DecisionState.DRAFTING,
        current_step=None,
        created_by=principal.user_id,
    )
    session.add(decision)
    await session.flush()
    for step in STEP_ORDER:
        session.add(
            DecisionStepRow(tenant_id=decision.tenant_id, decision_id=decision.id, step=step)
        )
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.DECISION_CREATED,
        DecisionCreated(
            id=decision.id,
            title=decision.title,
            leadUnitId=decision.lead_unit_id,
            coUnitIds=list(co),
            compareAlternatives=compare_alternatives,
            state=decision.state.value,
        ),
    )
    return decision


async def latest_version(session: AsyncSession, decision_id: int) -> DecisionVersion | None:
    return await session.scalar(
        select(DecisionVersion)
        .where(DecisionVersion.decision_id == decision_id)
        .order_by(DecisionVersion.number.desc())
        .limit(1)
    )


async def add_version(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    text: str | None,
    alternatives: list[AlternativeText],
    note: str | None = None,
) -> DecisionVersion:
    """A new version of the draft; opinions on the previous version's paragraphs are
    carried to this one (or marked REMOVED)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    common = (text or "").strip()
    if len(common) > MAX_DRAFT:
        raise DomainError(Code.INVALID, f"草案正文不能超过{MAX_DRAFT}字", field="text")
    pieces: list[tuple[str, int, str, str]] = [
        ("", p.position, p.label, p.body) for p in split_paragraphs(common)
    ]
    labels: list[str] = []
    for i, alt in enumerate(alternatives):
        label = clean_text(
            alt.label,
            field=f"alternatives.{i}.label",
            code=Code.INVALID,
            label="方案名称",
            max_length=50,
        )
        if label in labels:
            raise DomainError(
                Code.INVALID, f"方案名称“{label}”重复", field=f"alternatives.{i}.label"
            )
        body = (alt.text or "").strip()
        if len(body) > MAX_DRAFT:
            raise DomainError(
                Code.INVALID, f"方案正文不能超过{MAX_DRAFT}字", field=f"alternatives.{i}.text"
            )
        split = split_paragraphs(body)
        if not split:
            raise DomainError(
                Code.EMPTY_DRAFT, f"方案“{label}”没有正文", field=f"alternatives.{i}.text"
            )
        labels.append(label)
        pieces += [(label, p.position, p.label, p.body) for p in split]
    if not pieces:
        raise DomainError(Code.EMPTY_DRAFT, "草案没有正文", field="text")
    if len(pieces) > MAX_PARAGRAPHS:
        raise DomainError(Code.INVALID, f"草案不能超过{MAX_PARAGRAPHS}段", field="text")
    if decision.compare_alternatives:
        rule = await county_rule(session, decision.tenant_id, "decision.min_alternatives")
        if len(labels) < rule.value:
            raise DomainError(
                Code.TOO_FEW_ALTERNATIVES,
                f"本事项需比较方案，应提出不少于{rule.value}个备选方案（{rules.cite(rule)}），"
                f"当前为{len(labels)}个",
                field="alternatives",
            )
    note_text = clean_text(
        note, field="note", code=Code.INVALID, label="修改说明", max_length=2000, required=False
    )
    previous = await latest_version(session, decision.id)
    number = (previous.number + 1) if previous else 1
    version = DecisionVersion(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        number=number,
        note=note_text,
        alternatives=labels,
        created_by=principal.user_id,
    )
    session.add(version)
    await session.flush()
    new_rows = [
        DecisionParagraph(
            tenant_id=decision.tenant_id,
            decision_id=decision.id,
            version_id=version.id,
            alternative=alt,
            position=pos,
            label=label,
            body=body,
        )
        for alt, pos, label, body in pieces
    ]
    session.add_all(new_rows)
    await session.flush()
    carried = removed = 0
    if previous is not None:
        carried, removed = await _carry(session, previous.id, new_rows)
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.VERSION_ADDED,
        VersionAdded(
            versionId=version.id,
            number=number,
            paragraphs=len(new_rows),
            alternatives=labels,
            carried=carried,
            removed=removed,
        ),
    )
    return version


async def _carry(
    session: AsyncSession, previous_version_id: int, new_rows: list[DecisionParagraph]
) -> tuple[int, int]:
    """Move the anchors of opinions on `previous_version_id`'s paragraphs to `new_rows`
    (same alternative first, by difflib similarity or same label); (carried, removed)."""
    old = {
        p.id: p
        for p in (
            await session.scalars(
                select(DecisionParagraph).where(DecisionParagraph.version_id == previous_version_id)
            )
        ).all()
    }
    if not old:
        return 0, 0
    opinions = (
        await session.scalars(
            select(Opinion).where(Opinion.current_paragraph_id.in_(list(old))).order_by(Opinion.id)
        )
    ).all()
    by_alt: dict[str, list[tuple[int, str, str]]] = {}
    for p in new_rows:
        by_alt.setdefault(p.alternative, []).append((p.id, p.label, p.body))
    everywhere = [(p.id, p.label, p.body) for p in new_rows]
    matched: dict[int, int | None] = {}
    carried = removed = 0
    for opinion in opinions:
        pid = opinion.current_paragraph_id
        assert pid is not None
        if pid not in matched:
            para = old[pid]
            target = match_paragraph(para.label, para.body, by_alt.get(para.alternative, []))
            if target is None and para.alternative not in by_alt:
                target = match_paragraph(para.label, para.body, everywhere)
            matched[pid] = target
        target = matched[pid]
        if target is None:
            opinion.current_paragraph_id = None
            opinion.anchor_state = AnchorState.REMOVED
            removed += 1
        else:
            opinion.current_paragraph_id = target
            opinion.anchor_state = AnchorState.CARRIED
            carried += 1
    await session.flush()
    return carried, removed
