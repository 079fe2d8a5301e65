"""The 议事内容清单: which topics may be raised where, and where excluded ones belong.

A rule applies to its unit's subtree (null: the whole county). At intake, a case whose
title or text contains a keyword of an excluded topic that applies to its place is
refused with the topic's redirect text (e.g. 涉法涉诉 → 依法通过诉讼渠道解决). County
admins keep the list (create, update, delete).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import get_unit, require_county_office
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.models import TopicRule
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.models import OrgUnit

MAX_KEYWORDS = 30


def _keywords(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(values):
        word = clean_text(
            raw, field=f"keywords.{i}", code=Code.INVALID, label="关键词", max_length=50
        )
        if word not in out:
            out.append(word)
    if not out:
        raise DomainError(Code.INVALID, "至少需要一个关键词", field="keywords")
    if len(out) > MAX_KEYWORDS:
        raise DomainError(Code.INVALID, f"关键词不能超过{MAX_KEYWORDS}个", field="keywords")
    return out


async def save_topic_rule(
    session: AsyncSession,
    principal: Principal,
    *,
    rule_id: int | None,
    org_unit_id: int | None,
    included: bool,
    topic: str,
    keywords: Sequence[str],
    redirect: str | None,
    source: str | None,
) -> TopicRule:
    """Create (rule_id None) or replace a line of the list."""
    require_county_office(principal)
    tenant_id = principal.require_tenant()
    if org_unit_id is not None:
        await get_unit(session, org_unit_id, field="orgUnitId")
    clean_topic = clean_text(topic, field="topic", code=Code.INVALID, label="事项", max_length=100)
    words = _keywords(keywords)
    clean_redirect = clean_text(
        redirect,
        field="redirect",
        code=Code.INVALID,
        label="引导去向",
        max_length=500,
        required=False,
    )
    if not included and clean_redirect is None:
        raise DomainError(Code.INVALID, "不予受理的事项须说明应通过什么渠道解决", field="redirect")
    clean_source = clean_text(
        source, field="source", code=Code.INVALID, label="依据", max_length=200, required=False
    )
    if rule_id is None:
        rule = TopicRule(tenant_id=tenant_id)
        session.add(rule)
    else:
        found = await session.get(TopicRule, rule_id)
        if found is None:
            raise DomainError(Code.NOT_FOUND, "清单条目不存在", field="ruleId")
        rule = found
    rule.org_unit_id = org_unit_id
    rule.included = included
    rule.topic = clean_topic
    rule.keywords = words
    rule.redirect = clean_redirect
    rule.source = clean_source
    await session.flush()
    return rule


async def delete_topic_rule(session: AsyncSession, principal: Principal, *, rule_id: int) -> int:
    require_county_office(principal)
    rule = await session.get(TopicRule, rule_id)
    if rule is None:
        raise DomainError(Code.NOT_FOUND, "清单条目不存在", field="ruleId")
    await session.delete(rule)
    await session.flush()
    return rule_id


async def rules_for(session: AsyncSession, unit_path: str | None) -> list[TopicRule]:
    """The rules that apply at the unit at `unit_path` (county-wide ones and those of the
    unit or a unit above it)."""
    query = select(TopicRule).outerjoin(OrgUnit, OrgUnit.id == TopicRule.org_unit_id)
    conditions = [TopicRule.org_unit_id.is_(None)]
    if unit_path:
        ancestors = [int(p) for p in unit_path.strip("/").split("/") if p]
        conditions.append(TopicRule.org_unit_id.in_(ancestors))
    return list((await session.scalars(query.where(or_(*conditions)).order_by(TopicRule.id))).all())


async def check_topic(session: AsyncSession, unit_path: str | None, text: str) -> None:
    """Refuse `text` when it raises a topic excluded where it is raised (EXCLUDED_TOPIC,
    with where the matter belongs)."""
    for rule in await rules_for(session, unit_path):
        if rule.included:
            continue
        hit = next((k for k in rule.keywords if k and k in text), None)
        if hit is not None:
            raise DomainError(
                Code.EXCLUDED_TOPIC,
                f"“{rule.topic}”不属于议事受理范围：{rule.redirect or '请通过其他渠道反映'}",
                field="body",
            )


async def list_rules(session: AsyncSession, principal: Principal) -> list[TopicRule]:
    principal.require_tenant()
    return list((await session.scalars(select(TopicRule).order_by(TopicRule.id))).all())
