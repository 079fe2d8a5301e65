"""A county's rulebook (议事规则) as its administrators read and change it.

The rules themselves (keys, defaults, units, legal sources, binding minimums) are
`backend.core.rules`; a county's overrides live in ``Tenant.settings["rules"]``. The app
role may only read the county registry, so a change runs in a platform transaction
(`schema.mutations.mutate(platform=True)`) after the caller is checked here to be a
county-wide administrator, and touches only the caller's own county. Every change is in
the audit log (``rule.set``, ``rule.reset``) with the rule before and after.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.errors import TenantErrorCode as Code
from tenants.models import Tenant


async def county_rulebook(session: AsyncSession, principal: Principal) -> list[rules.RuleValue]:
    """Every rule as it applies in the caller's county (county staff and admins).

    A broken override (only possible by editing the settings by hand) shows as the default."""
    principal.require_user()
    tenant_id = principal.require_tenant()
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    out: list[rules.RuleValue] = []
    for key in rules.RULES:
        try:
            out.append(rules.effective_rule(settings or {}, key))
        except ValueError:
            out.append(rules.effective_rule({}, key))
    return out


def _snapshot(rule: rules.RuleValue) -> dict[str, Any]:
    return {
        "key": rule.key,
        "value": rule.value,
        "unit": rule.unit.value,
        "source": rule.source,
        "reason": rule.reason,
        "overridden": rule.overridden,
    }


async def _own_tenant(session: AsyncSession, principal: Principal) -> Tenant:
    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    tenant = await session.scalar(select(Tenant).where(Tenant.id == tenant_id).with_for_update())
    if tenant is None:  # pragma: no cover - the principal's county exists
        raise DomainError(Code.NOT_FOUND, "本县不存在", field="key")
    return tenant


def _definition(key: str) -> rules.RuleDefinition:
    definition = rules.RULES.get(key)
    if definition is None:
        raise DomainError(Code.NOT_FOUND, f"没有规则“{key}”", field="key")
    return definition


async def set_county_rule(
    session: AsyncSession,
    principal: Principal,
    *,
    key: str,
    value: int,
    unit: rules.RuleUnit | None,
    source: str,
    reason: str | None,
) -> rules.RuleValue:
    """Set the county's value of rule `key` (county-wide administrators), with the document
    and article it comes from. Below a binding minimum (a national rule) only with a reason,
    which is kept and published wherever the rule is cited."""
    tenant = await _own_tenant(session, principal)
    definition = _definition(key)
    if value < 1:
        raise DomainError(
            Code.INVALID, f"“{definition.title}”的取值应为正整数，当前为 {value}", field="value"
        )
    if value > 1_000_000:
        raise DomainError(Code.INVALID, f"“{definition.title}”的取值过大", field="value")
    clean_source = clean_text(
        source, field="source", code=Code.INVALID, label="依据（文件名称及条款）", max_length=200
    )
    clean_reason = clean_text(
        reason or "",
        field="reason",
        code=Code.INVALID,
        label="理由",
        max_length=500,
        required=False,
    )
    chosen = unit or definition.unit
    if chosen != definition.unit and not (
        chosen in rules.DAY_UNITS and definition.unit in rules.DAY_UNITS
    ):
        raise DomainError(
            Code.INVALID,
            f"“{definition.title}”的单位只能为"
            + ("自然日或工作日" if definition.unit in rules.DAY_UNITS else "默认单位"),
            field="unit",
        )
    override: dict[str, Any] = {"value": value, "source": clean_source}
    if chosen != definition.unit:
        override["unit"] = chosen.value
    if clean_reason:
        override["reason"] = clean_reason
    settings = dict(tenant.settings or {})
    section = dict(settings.get("rules") or {})
    try:
        before = rules.effective_rule(settings, key)
    except ValueError:  # a broken override (edited by hand): replaced now
        before = rules.effective_rule({}, key)
    section[key] = override
    settings["rules"] = section
    problems = rules.validate_overrides(settings)
    if problems:
        # below a binding minimum is what the reason is for: say where it goes
        probe = rules.effective_rule({"rules": {key: {**override, "reason": "-"}}}, key)
        below = probe.below_binding_minimum and not clean_reason
        raise DomainError(
            Code.INVALID,
            problems[0].replace(f"规则“{key}”", f"“{definition.title}”")
            + ("（请在“理由”中说明）" if below else ""),
            field="value",
        )
    tenant.settings = settings
    await session.flush()
    after = rules.effective_rule(settings, key)
    await audit.record(
        session,
        principal,
        action="rule.set",
        target_type="Rule",
        target_id=None,
        before=_snapshot(before),
        after=_snapshot(after),
    )
    return after


async def reset_county_rule(
    session: AsyncSession, principal: Principal, *, key: str
) -> rules.RuleValue:
    """Drop the county's own value of rule `key`: the default applies again."""
    tenant = await _own_tenant(session, principal)
    _definition(key)
    settings = dict(tenant.settings or {})
    section = dict(settings.get("rules") or {})
    if key not in section:
        raise DomainError(Code.INVALID, "该规则未设本县取值，已是默认值", field="key")
    try:
        before = rules.effective_rule(settings, key)
    except ValueError:
        before = rules.effective_rule({}, key)
    del section[key]
    settings["rules"] = section
    problems = rules.validate_overrides(settings)
    if problems:
        raise DomainError(Code.INVALID, problems[0], field="key")
    tenant.settings = settings
    await session.flush()
    after = rules.effective_rule(settings, key)
    await audit.record(
        session,
        principal,
        action="rule.reset",
        target_type="Rule",
        target_id=None,
        before=_snapshot(before),
        after=_snapshot(after),
    )
    return after
