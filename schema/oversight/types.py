"""GraphQL types of oversight: observers, 三评, the self-correction ledger, contact points
and review requests. Personal data (phones, applicants) is shown as `backend.oversight.access`
and the services decide: in full to tenant admins covering the unit, masked to other staff,
not at all to others."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.cases.masking import mask_name, mask_phone, mask_text
from backend.core.security import Principal, Role
from backend.oversight import models
from backend.oversight.errors import OversightErrorCode as _Code
from schema.context import Info
from schema.errors import UserError
from schema.relay import to_global_id
from schema.tenants.types import OrgUnit, Venue

EvaluationKind = models.EvaluationKind
strawberry.enum(
    EvaluationKind,
    description="三评: PUBLIC 群众评议, EXPERT 专家评审, THIRD_PARTY 第三方评估.",
)
Grade = models.Grade
strawberry.enum(
    Grade,
    description="EXCELLENT 优秀/很满意, GOOD 良好/满意, FAIR 一般/基本满意, POOR 差/不满意.",
)
CorrectionDirection = models.CorrectionDirection
strawberry.enum(
    CorrectionDirection,
    description="UPWARD 向上转办 (a lead sent up to the enforcing unit), DOWNWARD 向下监督 "
    "(the county's enforcement supervisor reviewing).",
)
CorrectionOutcome = models.CorrectionOutcome
strawberry.enum(
    CorrectionOutcome,
    description="PENDING 纠错程序进行中, CORRECTED 有错已纠, NO_ERROR 经查无错, "
    "INVESTIGATION 启动纠错调查程序.",
)
ReviewOutcome = models.ReviewOutcome
strawberry.enum(
    ReviewOutcome,
    description="PENDING 已转交待处理, ACCEPTED 已受理, REJECTED 不予受理, RESOLVED 协调化解, "
    "WITHDRAWN 申请人撤回, DECIDED 已作出复议决定.",
)
OversightErrorCode = _Code
strawberry.enum(OversightErrorCode, description="Why an oversight action was refused.")


@strawberry.type(description="A failure of an oversight action.")
class OversightError(UserError):
    code: OversightErrorCode = strawberry.field(description="Machine-readable reason.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


def _contact(principal: Principal, path: str, owner: int | None) -> str:
    """How the caller sees a phone: "full" (their own; admins covering the unit), "masked"
    (other staff) or "none"."""
    if principal.user_id is None:
        return "none"
    if owner is not None and owner == principal.user_id:
        return "full"
    if principal.has(Role.TENANT_ADMIN, at_path=path):
        return "full"
    if principal.has(Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF):
        return "masked"
    return "none"


def _phone(value: str | None, how: str) -> str | None:
    return value if how == "full" else mask_phone(value) if how == "masked" else None


@strawberry.type(description="A 民意观察员 appointed by the county.")
class Observer:
    id: strawberry.ID = strawberry.field(description="Global id of the observer.")
    name: str = strawberry.field(description="Name.")
    phone: str | None = strawberry.field(
        description="Phone: full for admins covering the unit and the observer, masked for "
        "staff, null for others."
    )
    area: str | None = strawberry.field(description="What they watch, e.g. 老旧小区改造.")
    term_start: date = strawberry.field(description="First day of the term (聘期).")
    term_end: date | None = strawberry.field(description="Last day of the term, if set.")
    org_unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The area's unit.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, o: models.Observer, path: str, principal: Principal) -> Observer:
        return cls(
            id=strawberry.ID(to_global_id("Observer", o.id)),
            name=o.name,
            phone=_phone(o.phone, _contact(principal, path, o.user_id)),
            area=o.area,
            term_start=o.term_start,
            term_end=o.term_end,
            org_unit_db_id=o.org_unit_id,
        )


@strawberry.type(description="One evaluation of a closed case (三评).")
class CaseEvaluation:
    id: strawberry.ID = strawberry.field(description="Global id of the evaluation.")
    kind: EvaluationKind = strawberry.field(description="群众评议, 专家评审 or 第三方评估.")
    grade: Grade = strawberry.field(description="The grade.")
    score: int | None = strawberry.field(description="Score 0–100, if given.")
    text: str = strawberry.field(description="The opinion (personal data masked).")
    evaluator: str | None = strawberry.field(description="The expert or agency, if named.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, e: models.CaseEvaluation) -> CaseEvaluation:
        return cls(
            id=strawberry.ID(to_global_id("CaseEvaluation", e.id)),
            kind=e.kind,
            grade=e.grade,
            score=e.score,
            text=mask_text(e.text) or "",
            evaluator=e.evaluator,
            created_at=e.created_at,
        )


@strawberry.type(description="The evaluations of one kind of a case, with their count and mean.")
class EvaluationGroup:
    kind: EvaluationKind = strawberry.field(description="The kind.")
    count: int = strawberry.field(description="How many.")
    average_score: float | None = strawberry.field(
        description="Mean of the scores given (null when none gave one)."
    )
    items: list[CaseEvaluation] = strawberry.field(description="The evaluations, oldest first.")


@strawberry.type(description="三评 of a case side by side: 群众评议, 专家评审 and 第三方评估.")
class CaseEvaluations:
    case_id: strawberry.ID = strawberry.field(description="The case.")
    closed: bool = strawberry.field(description="The case is closed (it may be evaluated).")
    public: EvaluationGroup = strawberry.field(description="群众评议.")
    expert: EvaluationGroup = strawberry.field(description="专家评审.")
    third_party: EvaluationGroup = strawberry.field(description="第三方评估.")


def evaluation_group(
    kind: models.EvaluationKind, rows: list[models.CaseEvaluation]
) -> EvaluationGroup:
    mine = [r for r in rows if r.kind is kind]
    scores = [r.score for r in mine if r.score is not None]
    return EvaluationGroup(
        kind=kind,
        count=len(mine),
        average_score=round(sum(scores) / len(scores), 1) if scores else None,
        items=[CaseEvaluation.from_model(r) for r in mine],
    )


@strawberry.type(
    description="A line of the 执法自我纠错台账 (law-enforcement self-correction ledger)."
)
class CorrectionEntry:
    id: strawberry.ID = strawberry.field(description="Global id of the entry.")
    direction: CorrectionDirection = strawberry.field(description="向上转办 or 向下监督.")
    matter: str = strawberry.field(description="The matter.")
    case_id: strawberry.ID | None = strawberry.field(description="The case it came from, if any.")
    received_on: date = strawberry.field(description="When it came in.")
    started_on: date | None = strawberry.field(description="When self-correction started.")
    concluded_on: date | None = strawberry.field(description="When it was concluded.")
    outcome: CorrectionOutcome = strawberry.field(description="The outcome.")
    outcome_note: str | None = strawberry.field(description="What was found and done.")
    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The enforcing unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, e: models.CorrectionEntry) -> CorrectionEntry:
        return cls(
            id=strawberry.ID(to_global_id("CorrectionEntry", e.id)),
            direction=e.direction,
            matter=e.matter,
            case_id=gid("Case", e.case_id),
            received_on=e.received_on,
            started_on=e.started_on,
            concluded_on=e.concluded_on,
            outcome=e.outcome,
            outcome_note=e.outcome_note,
            unit_db_id=e.unit_id,
        )


@strawberry.type(description="A unit's self-correction entries received in a year.")
class CorrectionYearCount:
    unit_id: strawberry.ID = strawberry.field(description="The enforcing unit.")
    unit_name: str = strawberry.field(description="Its name.")
    upward: int = strawberry.field(description="向上转办 entries.")
    downward: int = strawberry.field(description="向下监督 entries.")
    total: int = strawberry.field(description="All entries.")
    corrected: int = strawberry.field(description="有错已纠.")
    no_error: int = strawberry.field(description="经查无错.")
    investigation: int = strawberry.field(description="纠错调查.")
    pending: int = strawberry.field(description="Still in progress.")


@strawberry.type(description="Someone serving at a 行政复议便民联系点.")
class ReviewPointStaff:
    id: strawberry.ID = strawberry.field(description="Global id.")
    name: str = strawberry.field(description="Name.")
    position: str | None = strawberry.field(description="Position, e.g. 司法所工作人员.")
    phone: str | None = strawberry.field(
        description="Phone: full for admins covering the point, masked for staff, null for others."
    )

    @classmethod
    def from_model(
        cls, s: models.ReviewPointStaff, path: str, principal: Principal
    ) -> ReviewPointStaff:
        return cls(
            id=strawberry.ID(to_global_id("ReviewPointStaff", s.id)),
            name=s.name,
            position=s.position,
            phone=_phone(s.phone, _contact(principal, path, s.user_id)),
        )


@strawberry.type(description="A 行政复议便民联系点 (administrative review contact point).")
class ReviewPoint:
    id: strawberry.ID = strawberry.field(description="Global id of the point.")
    name: str = strawberry.field(description="Name.")
    address: str | None = strawberry.field(description="Address.")
    staff: list[ReviewPointStaff] = strawberry.field(description="Who serves there.")
    org_unit_db_id: strawberry.Private[int]
    venue_db_id: strawberry.Private[int | None]

    @strawberry.field(description="The township or village.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The 说事处/说事站 it sits in, if named.")
    async def venue(self, info: Info) -> Venue | None:
        if self.venue_db_id is None:
            return None
        row = await info.context.loaders.venue.load(self.venue_db_id)
        return Venue.from_model(row) if row else None

    @classmethod
    def from_model(
        cls,
        p: models.ReviewPoint,
        path: str,
        staff: list[models.ReviewPointStaff],
        principal: Principal,
    ) -> ReviewPoint:
        return cls(
            id=strawberry.ID(to_global_id("ReviewPoint", p.id)),
            name=p.name,
            address=p.address,
            staff=[ReviewPointStaff.from_model(s, path, principal) for s in staff],
            org_unit_db_id=p.org_unit_id,
            venue_db_id=p.venue_id,
        )


@strawberry.type(description="A review request received at a contact point and forwarded.")
class ReviewRequest:
    id: strawberry.ID = strawberry.field(description="Global id of the request.")
    point_id: strawberry.ID = strawberry.field(description="The contact point.")
    received_on: date = strawberry.field(description="When it was received.")
    applicant_name: str = strawberry.field(
        description="The applicant: full for admins covering the point and the applicant, "
        "张** for other staff."
    )
    applicant_phone: str | None = strawberry.field(
        description="The applicant's phone, as the name (masked 138****1234)."
    )
    matter: str = strawberry.field(description="What the request is about.")
    forwarded_to: str = strawberry.field(description="Where it was forwarded.")
    forwarded_on: date | None = strawberry.field(description="When.")
    outcome: ReviewOutcome = strawberry.field(description="The outcome so far.")
    outcome_note: str | None = strawberry.field(description="About the outcome.")

    @classmethod
    def from_model(cls, r: models.ReviewRequest, path: str, principal: Principal) -> ReviewRequest:
        how = _contact(principal, path, r.applicant_user_id)
        if how == "none":
            how = "masked"  # the point's own staff (the list is for workers only)
        return cls(
            id=strawberry.ID(to_global_id("ReviewRequest", r.id)),
            point_id=strawberry.ID(to_global_id("ReviewPoint", r.point_id)),
            received_on=r.received_on,
            applicant_name=r.applicant_name if how == "full" else mask_name(r.applicant_name) or "",
            applicant_phone=_phone(r.applicant_phone, how),
            matter=r.matter,
            forwarded_to=r.forwarded_to,
            forwarded_on=r.forwarded_on,
            outcome=r.outcome,
            outcome_note=r.outcome_note,
        )
