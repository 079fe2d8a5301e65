"""GraphQL types of hearings (听证会) and 列席 selections. What a hearing shows of people
depends on the caller, fixed when the node is made: organisers see applicants' accounts and
statements; an applicant sees their own; everyone else sees the pool by pseudonym."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from fractions import Fraction

import strawberry
from strawberry import relay

from backend.hearings import models
from backend.hearings.errors import HearingErrorCode as _Code
from backend.hearings.reading import HearingDetails, details
from schema.context import Info
from schema.errors import UserError
from schema.people.types import Verification
from schema.relay import DatabaseNode, decode_node_ids, to_global_id

HearingKind = models.HearingKind
strawberry.enum(
    HearingKind,
    description="HEARING 听证会; ATTENDANCE 列席政府会议的公众代表遴选 (seed 002 第十八条).",
)
HearingState = models.HearingState
strawberry.enum(
    HearingState,
    description=(
        "DRAFT 草稿 → NOTICED 已公告 (quotas, algorithm and commitments published) → "
        "APPLICATIONS_OPEN 报名中 → POOL_FROZEN 报名截止、名单冻结 → DRAWN 已抽选 → "
        "REPORTED 已形成听证报告."
    ),
)
HearingCategory = models.HearingCategory
strawberry.enum(
    HearingCategory,
    description=(
        "Categories of representatives (seed 002 第十三条): STAKEHOLDER 利害关系人, PUBLIC "
        "普通公众, RESIDENT 城乡基层居民/村民, EXPERT 专家学者/专业技术人员, DEPUTY "
        "人大代表/政协委员, LEGAL 法律工作者, OTHER 承办单位认为应当参加的代表."
    ),
)
DrawOutcome = models.DrawOutcome
strawberry.enum(
    DrawOutcome,
    description="SELECTED 选中, ALTERNATE 候补 (see alternateRank), NOT_SELECTED 未选中.",
)
HearingErrorCode = _Code
strawberry.enum(
    HearingErrorCode,
    description=(
        "Why a hearing action was refused: INVALID, NOT_FOUND, INVALID_STATE, UNKNOWN_UNIT, "
        "NOTICE_TOO_LATE (听证会举行10日前公告), TOO_FEW_SEATS (代表不少于10人), "
        "TOO_MANY_SEATS (列席代表原则为35人), UNKNOWN_CATEGORY, DUPLICATE, NO_COMMITMENTS, "
        "COMMITMENTS_LATE (commitments after applications opened), REVEAL_MISMATCH, "
        "REVEALS_MISSING, PUBLIC_RANDOMNESS_REQUIRED, NOT_REPRESENTATIVE, "
        "TRANSCRIPT_CHANGED, ALREADY_CONFIRMED, REASON_REQUIRED (不予采纳应当说明理由)."
    ),
)


@strawberry.type(description="A refusal of a hearing action.")
class HearingError(UserError):
    code: HearingErrorCode = strawberry.field(description="What kind of refusal.")


@strawberry.type(description="Seats and ordered alternates of one category (名额、候补).")
class HearingQuota:
    category: HearingCategory = strawberry.field(description="The category.")
    seats: int = strawberry.field(description="Representatives of this category.")
    alternates: int = strawberry.field(description="Ordered alternates (候补) drawn after them.")


@strawberry.type(
    description="A witness of the draw (公证处, 人大/政协 observers): the commitment published "
    "before applications opened, and the secret once revealed."
)
class HearingWitness:
    id: strawberry.ID = strawberry.field(description="Global id of the witness.")
    position: int = strawberry.field(description="Commitment order (the seed takes secrets so).")
    name: str = strawberry.field(description="Who the witness is, e.g. 县公证处.")
    commitment: str = strawberry.field(
        description="sha256(frame(tag) ‖ frame(hearing id) ‖ frame(secret)), hex."
    )
    committed_at: datetime = strawberry.field(description="When the commitment was registered.")
    secret: str | None = strawberry.field(description="The revealed secret (null until then).")
    revealed_at: datetime | None = strawberry.field(description="When it was revealed.")


@strawberry.type(
    description="An applicant as the published pool shows them: pseudonymous id, category, "
    "chance and outcome."
)
class HearingPoolEntry:
    pool_id: str = strawberry.field(description="Pseudonymous pool id (16 hex digits).")
    category: HearingCategory = strawberry.field(description="Category applied in.")
    probability: str | None = strawberry.field(
        description="Chance of selection, exact (seats/applicants of the category, capped at "
        "1, e.g. '3/7'); null before the pool is frozen."
    )
    outcome: DrawOutcome | None = strawberry.field(description="After the draw.")
    alternate_rank: int | None = strawberry.field(description="1 = first alternate.")


@strawberry.type(description="An application (报名), as its author or an organiser sees it.")
class HearingApplication:
    id: strawberry.ID = strawberry.field(description="Global id of the application.")
    pool_id: str = strawberry.field(description="Pseudonymous id in the published pool.")
    category: HearingCategory = strawberry.field(description="Category applied in.")
    statement: str = strawberry.field(description="What the applicant wrote (报名说明).")
    user_id: strawberry.ID = strawberry.field(description="The applicant's account.")
    outcome: DrawOutcome | None = strawberry.field(description="After the draw.")
    alternate_rank: int | None = strawberry.field(description="1 = first alternate.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, a: models.HearingApplication) -> HearingApplication:
        return cls(
            id=strawberry.ID(to_global_id("HearingApplication", a.id)),
            pool_id=a.pseudonym,
            category=a.category,
            statement=a.statement,
            user_id=strawberry.ID(to_global_id("User", a.user_id)),
            outcome=a.outcome,
            alternate_rank=a.alternate_rank,
            created_at=a.created_at,
        )


@strawberry.type(description="A representative's confirmation (签字确认) of a transcript version.")
class TranscriptConfirmation:
    pool_id: str = strawberry.field(description="The representative, by pool id.")
    version: int = strawberry.field(description="Transcript version confirmed.")
    sha256: str = strawberry.field(description="SHA-256 of that version's text.")
    confirmed_at: datetime = strawberry.field(description="When.")


@strawberry.type(description="A view in the hearing report (听证报告), adopted or not.")
class HearingReportView:
    position: int = strawberry.field(description="Its number in the report.")
    summary: str = strawberry.field(description="The view.")
    adopted: bool = strawberry.field(description="Adopted (采纳)?")
    reason: str | None = strawberry.field(description="Why (required when not adopted).")


def _probability(seats: int, applicants: int) -> str:
    if applicants == 0:
        return "0/1"
    p = min(Fraction(1), Fraction(seats, applicants))
    return f"{p.numerator}/{p.denominator}"


@strawberry.type(description="A hearing (听证会) or a 列席 selection, with its published draw.")
class Hearing(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    kind: HearingKind = strawberry.field(description="Hearing or 列席 selection.")
    state: HearingState = strawberry.field(description="Where it is.")
    decision_id: strawberry.ID | None = strawberry.field(
        description="The decision project (重大行政决策) it belongs to (a Decision's id)."
    )
    host_unit_id: strawberry.ID = strawberry.field(description="The organising unit (承办单位).")
    title: str = strawberry.field(description="Title.")
    matter: str = strawberry.field(description="The matter (拟决策事项的内容、理由、依据).")
    place: str = strawberry.field(description="Where it is held.")
    starts_at: datetime = strawberry.field(description="When it is held.")
    how_to_apply: str = strawberry.field(description="How and when to apply (报名时间和方式).")
    selection_method: str = strawberry.field(
        description="Seats and how they are filled (代表名额及其产生方式)."
    )
    quotas: list[HearingQuota] = strawberry.field(description="Seats per category.")
    required_verification: Verification = strawberry.field(
        description="实名制: the verification level needed to apply (报名) or be put forward."
    )
    total_seats: int = strawberry.field(description="All seats.")
    algorithm: str = strawberry.field(description="The draw's algorithm (docs/hearings.md).")
    algorithm_version: str = strawberry.field(description="Its version.")
    public_randomness_source: str | None = strawberry.field(
        description="Public randomness named in advance (e.g. a lottery draw on a date)."
    )
    public_randomness: str | None = strawberry.field(description="Its value, given at the draw.")
    notice_published_at: datetime | None = strawberry.field(description="When the notice went out.")
    applications_opened_at: datetime | None = strawberry.field(description="When applying opened.")
    pool_frozen_at: datetime | None = strawberry.field(description="When the pool was frozen.")
    pool_hash: str | None = strawberry.field(
        description="SHA-256 of the frozen pool's RFC 8785 JSON (pool ids and categories)."
    )
    drawn_at: datetime | None = strawberry.field(description="When the draw ran.")
    seed: str | None = strawberry.field(description="The draw's seed, hex.")
    draw_publication: str | None = strawberry.field(
        description="The published draw, RFC 8785 JSON: exactly what `yishi draw verify` reads."
    )
    witnesses: list[HearingWitness] = strawberry.field(description="Witnesses, commitment order.")
    pool: list[HearingPoolEntry] = strawberry.field(
        description="The pool by pseudonym (everyone once frozen; organisers before)."
    )
    applicant_count: int = strawberry.field(description="Applications so far.")
    my_application: HearingApplication | None = strawberry.field(
        description="The caller's own application, if any."
    )
    applications: list[HearingApplication] | None = strawberry.field(
        description="Every application with its account and statement (organisers only)."
    )
    transcript: str | None = strawberry.field(description="The transcript (听证笔录).")
    transcript_version: int = strawberry.field(description="Its version (0: none yet).")
    transcript_sha256: str | None = strawberry.field(description="SHA-256 of its text.")
    confirmations: list[TranscriptConfirmation] = strawberry.field(
        description="Confirmations of the current version."
    )
    unconfirmed_pool_ids: list[str] = strawberry.field(
        description="Selected representatives who have not confirmed the current version."
    )
    report_conclusion: str | None = strawberry.field(description="The report's conclusion.")
    report_views: list[HearingReportView] = strawberry.field(description="The report's views.")
    reported_at: datetime | None = strawberry.field(description="When the report was recorded.")
    stream: str = strawberry.field(description="Its event stream (the record), hearing:<id>.")
    sealed_at: datetime | None = strawberry.field(description="When its record was sealed.")
    sealed_hash: str | None = strawberry.field(
        description="Head hash of the sealed record (记录链哈希), to verify against."
    )

    @classmethod
    def from_details(cls, d: HearingDetails, *, user_id: int | None) -> Hearing:
        h = d.hearing
        frozen = h.pool_hash is not None
        counts: dict[str, int] = {}
        for a in d.applications:
            counts[a.category.value] = counts.get(a.category.value, 0) + 1
        seats = {q["category"]: int(q["seats"]) for q in h.quotas}
        mine = next((a for a in d.applications if a.user_id == user_id), None)
        current = [c for c in d.confirmations if c.transcript_version == h.transcript_version]
        confirmed = {c.user_id for c in current}
        pseudonym = {a.user_id: a.pseudonym for a in d.applications}
        return cls(
            id=h.id,
            kind=h.kind,
            state=h.state,
            decision_id=None
            if h.decision_id is None
            else strawberry.ID(to_global_id("Decision", h.decision_id)),
            host_unit_id=strawberry.ID(to_global_id("OrgUnit", h.host_unit_id)),
            title=h.title,
            matter=h.matter,
            place=h.place,
            starts_at=h.starts_at,
            how_to_apply=h.how_to_apply,
            selection_method=h.selection_method,
            quotas=[
                HearingQuota(
                    category=HearingCategory(q["category"]),
                    seats=int(q["seats"]),
                    alternates=int(q["alternates"]),
                )
                for q in h.quotas
            ],
            total_seats=sum(seats.values()),
            required_verification=h.required_verification,
            algorithm=h.algorithm,
            algorithm_version=h.algorithm_version,
            public_randomness_source=h.public_randomness_source,
            public_randomness=h.public_randomness,
            notice_published_at=h.notice_published_at,
            applications_opened_at=h.applications_opened_at,
            pool_frozen_at=h.pool_frozen_at,
            pool_hash=h.pool_hash,
            drawn_at=h.drawn_at,
            seed=h.seed,
            draw_publication=h.publication,
            witnesses=[
                HearingWitness(
                    id=strawberry.ID(to_global_id("HearingWitness", w.id)),
                    position=w.position,
                    name=w.name,
                    commitment=w.commitment,
                    committed_at=w.committed_at,
                    secret=w.secret,
                    revealed_at=w.revealed_at,
                )
                for w in d.witnesses
            ],
            pool=[
                HearingPoolEntry(
                    pool_id=a.pseudonym,
                    category=a.category,
                    probability=_probability(
                        seats.get(a.category.value, 0), counts[a.category.value]
                    )
                    if frozen
                    else None,
                    outcome=a.outcome,
                    alternate_rank=a.alternate_rank,
                )
                for a in d.applications
            ]
            if frozen or d.organiser
            else [],
            applicant_count=len(d.applications),
            my_application=HearingApplication.from_model(mine) if mine else None,
            applications=[HearingApplication.from_model(a) for a in d.applications]
            if d.organiser
            else None,
            transcript=h.transcript,
            transcript_version=h.transcript_version,
            transcript_sha256=h.transcript_sha256,
            confirmations=[
                TranscriptConfirmation(
                    pool_id=pseudonym.get(c.user_id, ""),
                    version=c.transcript_version,
                    sha256=c.transcript_sha256,
                    confirmed_at=c.confirmed_at,
                )
                for c in current
            ],
            unconfirmed_pool_ids=[
                a.pseudonym
                for a in d.applications
                if a.outcome is models.DrawOutcome.SELECTED and a.user_id not in confirmed
            ],
            report_conclusion=h.report_conclusion,
            report_views=[
                HearingReportView(
                    position=v.position, summary=v.summary, adopted=v.adopted, reason=v.reason
                )
                for v in d.views
            ],
            reported_at=h.reported_at,
            stream=f"hearing:{h.id}",
            sealed_at=h.sealed_at,
            sealed_hash=h.sealed_hash,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Hearing | None]:
        ids = decode_node_ids("Hearing", node_ids)
        return await hearing_nodes(info, ids)


async def hearing_nodes(info: Info, ids: list[int | None]) -> list[Hearing | None]:
    """The hearings as the caller may see them (null: not found or not visible)."""
    principal = await info.context.principal()
    wanted = sorted({i for i in ids if i is not None})
    found = await info.context.read(lambda s: details(s, principal, wanted))
    return [
        Hearing.from_details(found[i], user_id=principal.user_id)
        if i is not None and i in found
        else None
        for i in ids
    ]
