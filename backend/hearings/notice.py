"""Creating a hearing, registering the witnesses' commitments, publishing the notice
(听证公告) and opening applications.

Rules (the county's rulebook, `backend.core.rules`): the notice goes out at least
`meeting.hearing_notice` (10 days, seed 002 第十二条) before the hearing; a hearing has at
least `meeting.hearing_min_representatives` seats (10, 第十三条); a 列席 selection at most
`decision.attending_representatives` (35, 第十八条). The notice publishes the quotas,
seats, alternates, the draw's algorithm and version and the witnesses' commitments; they
cannot change afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal, Verification
from backend.core.validation import clean_text
from backend.decisions.access import get_decision
from backend.hearings import draw
from backend.hearings.access import (
    get_hearing,
    organises_at,
    require_organiser,
    require_state,
    unit_path,
)
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import (
    HearingCreated,
    HearingEvent,
    NoticePublished,
    QuotaPayload,
    StateChanged,
    WitnessAdded,
)
from backend.hearings.models import (
    Hearing,
    HearingCategory,
    HearingKind,
    HearingState,
    HearingWitness,
)
from backend.hearings.stream import append_event, now
from tenants.models import Tenant

HEX64 = re.compile(r"^[0-9a-f]{64}$")
MAX_SEATS_PER_CATEGORY = 500


@dataclass(frozen=True, slots=True)
class QuotaInput:
    category: HearingCategory
    seats: int
    alternates: int


async def county_rule(session: AsyncSession, tenant_id: int, key: str) -> rules.RuleValue:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    return rules.effective_rule(settings or {}, key)


def quota_payload(hearing: Hearing) -> list[QuotaPayload]:
    return [
        QuotaPayload(category=q["category"], seats=q["seats"], alternates=q["alternates"])
        for q in hearing.quotas
    ]


def quotas_of(hearing: Hearing) -> list[draw.Quota]:
    return [draw.Quota(q["category"], q["seats"], q["alternates"]) for q in hearing.quotas]


def total_seats(hearing: Hearing) -> int:
    return sum(int(q["seats"]) for q in hearing.quotas)


async def _check_quotas(
    session: AsyncSession, tenant_id: int, kind: HearingKind, quotas: Sequence[QuotaInput]
) -> list[dict[str, object]]:
    if not quotas:
        raise DomainError(Code.INVALID, "请至少设置一类代表名额", field="quotas")
    seen: set[HearingCategory] = set()
    out: list[dict[str, object]] = []
    for i, q in enumerate(quotas):
        if q.category in seen:
            raise DomainError(
                Code.DUPLICATE, "同一类代表的名额只能设置一次", field=f"quotas.{i}.category"
            )
        seen.add(q.category)
        if not 1 <= q.seats <= MAX_SEATS_PER_CATEGORY:
            raise DomainError(
                Code.INVALID,
                f"每类代表名额应为1至{MAX_SEATS_PER_CATEGORY}人",
                field=f"quotas.{i}.seats",
            )
        if not 0 <= q.alternates <= MAX_SEATS_PER_CATEGORY:
            raise DomainError(
                Code.INVALID,
                f"候补人数应为0至{MAX_SEATS_PER_CATEGORY}人",
                field=f"quotas.{i}.alternates",
            )
        out.append({"category": q.category.value, "seats": q.seats, "alternates": q.alternates})
    seats = sum(q.seats for q in quotas)
    if kind is HearingKind.HEARING:
        rule = await county_rule(session, tenant_id, "meeting.hearing_min_representatives")
        if seats < rule.value:
            raise DomainError(
                Code.TOO_FEW_SEATS,
                f"听证会代表共{seats}人，少于{rule.title}（{rules.cite(rule)}）",
                field="quotas",
            )
    else:
        rule = await county_rule(session, tenant_id, "decision.attending_representatives")
        if seats > rule.value:
            raise DomainError(
                Code.TOO_MANY_SEATS,
                f"列席公众代表共{seats}人，超过{rule.title}（{rules.cite(rule)}）",
                field="quotas",
            )
    return out


async def create_hearing(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: HearingKind,
    host_unit_id: int,
    title: str,
    matter: str,
    place: str,
    starts_at: datetime,
    how_to_apply: str,
    selection_method: str,
    quotas: Sequence[QuotaInput],
    decision_id: int | None = None,
    public_randomness_source: str | None = None,
    required_verification: Verification = Verification.UNVERIFIED,
) -> Hearing:
    """A DRAFT hearing (or 列席 selection) with its quotas; checks the seat rules.
    `required_verification` (实名制) is the level a person needs to apply or be put
    forward."""
    tenant_id = principal.require_tenant()
    principal.require_user()
    path = await unit_path(session, host_unit_id)
    if path is None:
        raise DomainError(Code.UNKNOWN_UNIT, "承办单位不存在或不属于本县", field="hostUnitId")
    if not organises_at(principal, path):
        from backend.core.errors import PermissionDenied

        raise PermissionDenied("无权组织听证：需要县级管理员或承办单位工作人员")
    title = clean_text(title, field="title", code=Code.INVALID, label="标题", max_length=200)
    matter = clean_text(
        matter, field="matter", code=Code.INVALID, label="听证事项", max_length=5000
    )
    place = clean_text(place, field="place", code=Code.INVALID, label="地点", max_length=200)
    how_to_apply = clean_text(
        how_to_apply, field="howToApply", code=Code.INVALID, label="报名方式", max_length=2000
    )
    selection_method = clean_text(
        selection_method,
        field="selectionMethod",
        code=Code.INVALID,
        label="代表产生方式",
        max_length=2000,
    )
    source = clean_text(
        public_randomness_source,
        field="publicRandomnessSource",
        code=Code.INVALID,
        label="公开随机数来源",
        max_length=500,
        required=False,
    )
    if starts_at.tzinfo is None:
        raise DomainError(Code.INVALID, "时间须带时区", field="startsAt")
    if starts_at <= now():
        raise DomainError(Code.INVALID, "举行时间应在当前时间之后", field="startsAt")
    if decision_id is not None:  # a decision of this county (RLS hides the others')
        try:
            await get_decision(session, decision_id)
        except DomainError:
            raise DomainError(Code.NOT_FOUND, "决策事项不存在", field="decisionId") from None
    checked = await _check_quotas(session, tenant_id, kind, quotas)
    hearing = Hearing(
        tenant_id=tenant_id,
        kind=kind,
        state=HearingState.DRAFT,
        decision_id=decision_id,
        host_unit_id=host_unit_id,
        created_by=principal.user_id,
        title=title,
        matter=matter,
        place=place,
        starts_at=starts_at,
        how_to_apply=how_to_apply,
        selection_method=selection_method,
        quotas=checked,
        algorithm=draw.ALGORITHM,
        algorithm_version=draw.ALGORITHM_VERSION,
        public_randomness_source=source,
        transcript_version=0,
        required_verification=required_verification,
    )
    session.add(hearing)
    await session.flush()
    payload = HearingCreated(
        id=hearing.id,
        kind=kind.value,
        title=title,
        matter=matter,
        place=place,
        startsAt=starts_at.isoformat(),
        decisionId=decision_id,
        hostUnitId=host_unit_id,
        quotas=quota_payload(hearing),
        state=hearing.state.value,
    )
    if required_verification is not Verification.UNVERIFIED:
        payload["requiredVerification"] = required_verification.value
    await append_event(session, principal, hearing, HearingEvent.CREATED, payload)
    return hearing


async def add_witness(
    session: AsyncSession, principal: Principal, *, hearing_id: int, name: str, commitment: str
) -> HearingWitness:
    """Register a witness's commitment (its position is the order of registration). A
    commitment registered after applications opened is kept (the record shows it) but the
    draw then refuses (COMMITMENTS_LATE)."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(
        hearing,
        HearingState.DRAFT,
        HearingState.NOTICED,
        HearingState.APPLICATIONS_OPEN,
        action="登记见证人承诺",
    )
    name = clean_text(name, field="name", code=Code.INVALID, label="见证人", max_length=100)
    value = (commitment or "").strip().lower()
    if not HEX64.match(value):
        raise DomainError(Code.INVALID, "承诺值应为64位十六进制的 SHA-256 摘要", field="commitment")
    existing = (
        await session.scalars(
            select(HearingWitness.commitment).where(HearingWitness.hearing_id == hearing.id)
        )
    ).all()
    if value in existing:
        raise DomainError(Code.DUPLICATE, "该承诺值已登记", field="commitment")
    position = (
        await session.scalar(
            select(func.coalesce(func.max(HearingWitness.position), 0)).where(
                HearingWitness.hearing_id == hearing.id
            )
        )
        or 0
    ) + 1
    witness = HearingWitness(
        tenant_id=hearing.tenant_id,
        hearing_id=hearing.id,
        position=position,
        name=name,
        commitment=value,
        committed_at=now(),
    )
    session.add(witness)
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.WITNESS_ADDED,
        WitnessAdded(
            witnessId=witness.id,
            position=position,
            name=name,
            commitment=value,
            committedAt=witness.committed_at.isoformat(),
        ),
    )
    return witness


async def witnesses_of(session: AsyncSession, hearing_id: int) -> list[HearingWitness]:
    return list(
        (
            await session.scalars(
                select(HearingWitness)
                .where(HearingWitness.hearing_id == hearing_id)
                .order_by(HearingWitness.position)
            )
        ).all()
    )


async def publish_notice(
    session: AsyncSession, principal: Principal, *, hearing_id: int
) -> Hearing:
    """DRAFT → NOTICED, at least the rule's lead time before the hearing (a 列席 selection
    has no notice rule). Publishes the commitments registered so far; without any, an
    oversubscribed pool cannot be drawn (`drawing.run_draw`)."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.DRAFT, action="发布公告")
    witnesses = await witnesses_of(session, hearing.id)
    at = now()
    rule = await county_rule(session, hearing.tenant_id, "meeting.hearing_notice")
    cited = rules.cite(rule)
    if hearing.kind is HearingKind.HEARING:
        timezone = await session.scalar(
            select(Tenant.timezone).where(Tenant.id == hearing.tenant_id)
        )
        check = rules.lead_time_check(
            at,
            hearing.starts_at,
            rule,
            timezone or "Asia/Shanghai",
            await load_calendar(session, hearing.tenant_id),
        )
        if not check.ok:
            raise DomainError(Code.NOTICE_TOO_LATE, check.message, field="startsAt")
        cited = check.message
    hearing.state = HearingState.NOTICED
    hearing.notice_published_at = at
    await session.flush()
    payload = NoticePublished(
        publishedAt=at.isoformat(),
        startsAt=hearing.starts_at.isoformat(),
        place=hearing.place,
        matter=hearing.matter,
        howToApply=hearing.how_to_apply,
        selectionMethod=hearing.selection_method,
        quotas=quota_payload(hearing),
        algorithm=hearing.algorithm,
        algorithmVersion=hearing.algorithm_version,
        publicRandomnessSource=hearing.public_randomness_source,
        commitments=[w.commitment for w in witnesses],
        rule=cited,
        state=hearing.state.value,
    )
    await append_event(session, principal, hearing, HearingEvent.NOTICE_PUBLISHED, payload)
    return hearing


async def open_applications(
    session: AsyncSession, principal: Principal, *, hearing_id: int
) -> Hearing:
    """NOTICED → APPLICATIONS_OPEN: from now on commitments are late."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.NOTICED, action="开始报名")
    hearing.state = HearingState.APPLICATIONS_OPEN
    hearing.applications_opened_at = now()
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.APPLICATIONS_OPENED,
        StateChanged(state=hearing.state.value, at=hearing.applications_opened_at.isoformat()),
    )
    return hearing
