"""Applications by category (报名) while applications are open, the eligible people of a
列席 selection (put forward by the organiser from an earlier hearing's applicants or a list),
and the close: the pool is frozen and its hash published.

Each application gets a pseudonymous pool id (16 random hex digits) at once; the person
sees their own (to find themselves in the published pool), nobody else is named.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal, Verification
from backend.core.validation import clean_text
from backend.hearings import draw
from backend.hearings.access import get_hearing, require_organiser, require_state
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import Applied, HearingEvent, PoolFrozen
from backend.hearings.models import (
    Hearing,
    HearingApplication,
    HearingCategory,
    HearingKind,
    HearingState,
)
from backend.hearings.stream import append_event, now
from backend.meetings.access import require_verification
from backend.people.models import User

MAX_CANDIDATES = 1000


def _check_category(hearing: Hearing, category: HearingCategory, field: str) -> None:
    if category.value not in {q["category"] for q in hearing.quotas}:
        raise DomainError(Code.UNKNOWN_CATEGORY, "本次听证未设置该类代表名额", field=field)


async def _count(session: AsyncSession, hearing_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(HearingApplication)
            .where(HearingApplication.hearing_id == hearing_id)
        )
        or 0
    )


async def _add(
    session: AsyncSession,
    principal: Principal,
    hearing: Hearing,
    *,
    user_id: int,
    category: HearingCategory,
    statement: str,
    entered_by: int | None,
) -> HearingApplication:
    application = HearingApplication(
        tenant_id=hearing.tenant_id,
        hearing_id=hearing.id,
        user_id=user_id,
        category=category,
        statement=statement,
        pseudonym=secrets.token_hex(8),
        entered_by=entered_by,
    )
    session.add(application)
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.APPLIED,
        Applied(
            poolId=application.pseudonym,
            category=category.value,
            count=await _count(session, hearing.id),
        ),
    )
    return application


async def apply(
    session: AsyncSession,
    principal: Principal,
    *,
    hearing_id: int,
    category: HearingCategory,
    statement: str,
) -> HearingApplication:
    """The caller applies to a hearing in `category` (one application per person)."""
    user_id = principal.require_user()
    hearing = await get_hearing(session, hearing_id, lock=True)
    if hearing.state is HearingState.DRAFT:
        raise DomainError(Code.NOT_FOUND, "听证会不存在", field="hearingId")
    if hearing.kind is HearingKind.ATTENDANCE:
        raise DomainError(
            Code.INVALID_STATE,
            "列席代表由承办单位从已参与该决策讨论的人员中确定，不能直接报名",
            field="hearingId",
        )
    require_state(hearing, HearingState.APPLICATIONS_OPEN, action="报名")
    # 实名制: the same check as a meeting's (the level comes with the principal)
    require_verification(
        principal.verification,
        hearing.required_verification,
        field="hearingId",
        what="报名参加本次听证会",
    )
    _check_category(hearing, category, "category")
    statement = clean_text(
        statement, field="statement", code=Code.INVALID, label="报名说明", max_length=2000
    )
    taken = await session.scalar(
        select(HearingApplication.id).where(
            HearingApplication.hearing_id == hearing.id, HearingApplication.user_id == user_id
        )
    )
    if taken is not None:
        raise DomainError(Code.DUPLICATE, "您已报名本次听证会", field="hearingId")
    return await _add(
        session,
        principal,
        hearing,
        user_id=user_id,
        category=category,
        statement=statement,
        entered_by=None,
    )


async def add_candidates(
    session: AsyncSession,
    principal: Principal,
    *,
    hearing_id: int,
    category: HearingCategory,
    user_ids: Sequence[int] = (),
    from_hearing_id: int | None = None,
) -> list[HearingApplication]:
    """The eligible people of a 列席 selection (seed 002 第十八条: from those who took part
    in the decision earlier): the applicants of an earlier hearing and/or people listed by
    the organiser. People already in the pool are skipped; unknown people are refused."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    if hearing.kind is not HearingKind.ATTENDANCE:
        raise DomainError(
            Code.INVALID_STATE, "只有列席代表遴选可由承办单位添加候选人", field="hearingId"
        )
    require_state(hearing, HearingState.APPLICATIONS_OPEN, action="添加候选人")
    _check_category(hearing, category, "category")
    wanted = list(dict.fromkeys(user_ids))
    listed = len(wanted)  # the rest come from the earlier hearing
    if from_hearing_id is not None:
        source = await session.get(Hearing, from_hearing_id)
        if source is None or source.id == hearing.id:
            raise DomainError(Code.NOT_FOUND, "来源听证会不存在", field="fromHearingId")
        wanted += [
            u
            for u in (
                await session.scalars(
                    select(HearingApplication.user_id)
                    .where(HearingApplication.hearing_id == source.id)
                    .order_by(HearingApplication.id)
                )
            ).all()
            if u not in wanted
        ]
    if not wanted:
        raise DomainError(Code.INVALID, "请指定候选人或来源听证会", field="userIds")
    if len(wanted) > MAX_CANDIDATES:
        raise DomainError(Code.INVALID, f"一次最多添加{MAX_CANDIDATES}人", field="userIds")
    known: dict[int, Verification] = {
        u: level
        for u, level in (
            await session.execute(select(User.id, User.verification).where(User.id.in_(wanted)))
        ).all()
    }
    for i, u in enumerate(wanted):
        if u not in known:
            raise DomainError(Code.NOT_FOUND, "候选人不存在", field=f"userIds.{i}")
        # 实名制: a person put forward is held to the level an applicant needs
        require_verification(
            known[u],
            hearing.required_verification,
            field=f"userIds.{i}" if i < listed else "fromHearingId",
            what="列席候选人",
        )
    present = set(
        (
            await session.scalars(
                select(HearingApplication.user_id).where(
                    HearingApplication.hearing_id == hearing.id,
                    HearingApplication.user_id.in_(wanted),
                )
            )
        ).all()
    )
    out = []
    for u in wanted:
        if u in present:
            continue
        out.append(
            await _add(
                session,
                principal,
                hearing,
                user_id=u,
                category=category,
                statement="",
                entered_by=principal.user_id,
            )
        )
    return out


async def applicants_of(session: AsyncSession, hearing_id: int) -> list[HearingApplication]:
    return list(
        (
            await session.scalars(
                select(HearingApplication)
                .where(HearingApplication.hearing_id == hearing_id)
                .order_by(HearingApplication.pseudonym)
            )
        ).all()
    )


async def close_applications(
    session: AsyncSession, principal: Principal, *, hearing_id: int
) -> Hearing:
    """APPLICATIONS_OPEN → POOL_FROZEN: the pool (pool ids and categories) and its hash
    are fixed and published."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.APPLICATIONS_OPEN, action="截止报名")
    pool = [
        draw.Applicant(a.pseudonym, a.category.value)
        for a in await applicants_of(session, hearing.id)
    ]
    hearing.pool = draw.pool_document(hearing.id, pool)
    hearing.pool_hash = draw.pool_hash(hearing.id, pool)
    hearing.pool_frozen_at = now()
    hearing.state = HearingState.POOL_FROZEN
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.POOL_FROZEN,
        PoolFrozen(
            poolHash=hearing.pool_hash,
            applicants=len(pool),
            frozenAt=hearing.pool_frozen_at.isoformat(),
            state=hearing.state.value,
        ),
    )
    return hearing
