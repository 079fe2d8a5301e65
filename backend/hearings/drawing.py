"""The witnesses' reveals and the draw (随机选取) itself, by `backend.hearings.draw`.

The draw is refused when no commitment was published before applications opened, when a
commitment came later (it could have been chosen knowing the applicants), when a witness
has not revealed, or when the public randomness named in advance is not given. Its
publication (the JSON `yishi draw verify` reads) is stored and its SHA-256 is in the
`hearing.drawn` event, so the record binds it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.hearings import draw
from backend.hearings.access import get_hearing, require_organiser, require_state
from backend.hearings.applications import applicants_of
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import Drawn, HearingEvent, SecretRevealed
from backend.hearings.models import DrawOutcome, Hearing, HearingState, HearingWitness
from backend.hearings.notice import quotas_of, witnesses_of
from backend.hearings.stream import append_event, now


async def reveal_secret(
    session: AsyncSession, principal: Principal, *, witness_id: int, secret: str
) -> HearingWitness:
    """A witness's secret, once the pool is frozen; it must hash to their commitment."""
    witness = await session.scalar(
        select(HearingWitness).where(HearingWitness.id == witness_id).with_for_update()
    )
    if witness is None:
        raise DomainError(Code.NOT_FOUND, "见证人不存在", field="witnessId")
    hearing = await get_hearing(session, witness.hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.POOL_FROZEN, action="公开见证人秘密")
    if witness.secret is not None:
        raise DomainError(Code.DUPLICATE, "该见证人已公开秘密", field="witnessId")
    if not isinstance(secret, str) or len(secret) < draw.MIN_SECRET_LENGTH or len(secret) > 200:
        raise DomainError(
            Code.INVALID,
            f"秘密应为{draw.MIN_SECRET_LENGTH}至200个字符",
            field="secret",
        )
    if draw.commitment(hearing.id, secret) != witness.commitment:
        raise DomainError(
            Code.REVEAL_MISMATCH,
            f"见证人“{witness.name}”公开的秘密与其事先公布的承诺值不符，不予接受",
            field="secret",
        )
    witness.secret = secret
    witness.revealed_at = now()
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.SECRET_REVEALED,
        SecretRevealed(witnessId=witness.id, position=witness.position, secret=secret),
    )
    return witness


async def run_draw(
    session: AsyncSession,
    principal: Principal,
    *,
    hearing_id: int,
    public_randomness: str | None = None,
) -> Hearing:
    """POOL_FROZEN → DRAWN: the seed from the reveals, the result per category, each
    application's outcome, and the publication. A pool no larger than the seats of any
    category (everyone is selected) may be drawn without witnesses; once any category is
    oversubscribed, commitments published before applications opened are required."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.POOL_FROZEN, action="抽选")
    witnesses = await witnesses_of(session, hearing.id)
    opened = hearing.applications_opened_at
    assert opened is not None and hearing.pool_hash is not None
    applications = await applicants_of(session, hearing.id)
    counts: dict[str, int] = {}
    for a in applications:
        counts[a.category.value] = counts.get(a.category.value, 0) + 1
    oversubscribed = any(counts.get(q.category, 0) > q.seats for q in quotas_of(hearing))
    if oversubscribed and not witnesses:
        raise DomainError(
            Code.NO_COMMITMENTS,
            "报名人数超过名额，须随机选取，但报名开始前未公布见证人（公证处、人大/政协观察员）"
            "的承诺值，不能抽选",
            field="hearingId",
        )
    late = [w for w in witnesses if w.committed_at >= opened]
    if late:
        names = "、".join(w.name for w in late)
        raise DomainError(
            Code.COMMITMENTS_LATE,
            f"见证人“{names}”的承诺值在报名开始后才登记，本次抽选不能进行"
            "（承诺值须在报名开始前公布，参见听证公告）",
            field="hearingId",
        )
    missing = [w for w in witnesses if w.secret is None]
    if missing:
        names = "、".join(w.name for w in missing)
        raise DomainError(Code.REVEALS_MISSING, f"见证人“{names}”尚未公开秘密", field="hearingId")
    value = clean_text(
        public_randomness,
        field="publicRandomness",
        code=Code.INVALID,
        label="公开随机数",
        max_length=200,
        required=False,
    )
    if hearing.public_randomness_source is not None and value is None:
        raise DomainError(
            Code.PUBLIC_RANDOMNESS_REQUIRED,
            f"公告已指定公开随机数来源（{hearing.public_randomness_source}），请填写其数值",
            field="publicRandomness",
        )
    if hearing.public_randomness_source is None and value is not None:
        raise DomainError(
            Code.INVALID, "公告未指定公开随机数来源，不能临时加入随机数", field="publicRandomness"
        )
    pool = [draw.Applicant(a.pseudonym, a.category.value) for a in applications]
    if draw.pool_hash(hearing.id, pool) != hearing.pool_hash:
        raise DomainError(Code.INVALID_STATE, "报名名单与冻结时不一致", field="hearingId")
    document = draw.publication(
        hearing_id=hearing.id,
        kind=hearing.kind.value,
        quotas=quotas_of(hearing),
        commitments=[
            {"position": w.position, "witness": w.name, "commitment": w.commitment}
            for w in witnesses
        ],
        public_randomness_source=hearing.public_randomness_source,
        applicants=pool,
        reveals=[w.secret for w in witnesses if w.secret is not None],
        public_randomness=value,
    )
    text = draw.dumps(document)
    selected: list[str] = []
    alternates: list[str] = []
    for result in document["results"]:
        selected += result["selected"]
        alternates += result["alternates"]
    ranks = {
        pid: rank
        for result in document["results"]
        for rank, pid in enumerate(result["alternates"], start=1)
    }
    chosen = set(selected)
    for a in applications:
        if a.pseudonym in chosen:
            a.outcome, a.alternate_rank = DrawOutcome.SELECTED, None
        elif a.pseudonym in ranks:
            a.outcome, a.alternate_rank = DrawOutcome.ALTERNATE, ranks[a.pseudonym]
        else:
            a.outcome, a.alternate_rank = DrawOutcome.NOT_SELECTED, None
    hearing.public_randomness = value
    hearing.seed = document["seed"]
    hearing.publication = text
    hearing.drawn_at = now()
    hearing.state = HearingState.DRAWN
    await session.flush()
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.DRAWN,
        Drawn(
            seed=document["seed"],
            poolHash=hearing.pool_hash,
            publicRandomness=value,
            publicationSha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            selected=selected,
            alternates=alternates,
            state=hearing.state.value,
        ),
    )
    return hearing


def is_drawn(hearing: Hearing) -> bool:
    return hearing.state in (HearingState.DRAWN, HearingState.REPORTED)
