"""Mutations of oversight: appointing 民意观察员 (`backend.oversight.observers`), 三评
(`evaluations`), the self-correction ledger (`corrections`) and the review contact points
(`review`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.oversight import corrections, evaluations, models, observers, review
from backend.oversight.errors import OversightErrorCode as Code
from schema.context import Info
from schema.mutations import mutate, user_errors
from schema.oversight.types import (
    CaseEvaluation,
    CorrectionDirection,
    CorrectionEntry,
    CorrectionOutcome,
    EvaluationKind,
    Grade,
    Observer,
    OversightError,
    OversightErrorCode,
    ReviewOutcome,
    ReviewPoint,
    ReviewRequest,
)
from schema.relay import decode_id


def _errors(errors: list[DomainError]) -> list[OversightError]:
    return user_errors(errors, OversightError, OversightErrorCode)


def _id(value: relay.GlobalID, type_name: str, field: str) -> int:
    code = {"OrgUnit": Code.UNKNOWN_UNIT, "Venue": Code.UNKNOWN_VENUE}.get(
        type_name, Code.NOT_FOUND
    )
    return decode_id(value, type_name, field=field, code=code)


def _opt(value: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    return None if value is None else _id(value, type_name, field)


@strawberry.input(description="A 民意观察员 to appoint (聘请).")
class AppointObserverInput:
    name: str = strawberry.field(description="Name (≤ 50).")
    org_unit_id: relay.GlobalID = strawberry.field(description="The unit of their area.")
    term_start: date = strawberry.field(description="First day of the term.")
    term_end: date | None = strawberry.field(
        default=None, description="Last day of the term (not before the first)."
    )
    area: str | None = strawberry.field(default=None, description="What they watch (≤ 200).")
    phone: str | None = strawberry.field(default=None, description="Contact phone.")
    user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Their account in this county, if any."
    )


@strawberry.input(description="An evaluation of a closed case (三评).")
class EvaluateCaseInput:
    case_id: relay.GlobalID = strawberry.field(description="The case (closed).")
    kind: EvaluationKind = strawberry.field(description="群众评议, 专家评审 or 第三方评估.")
    grade: Grade = strawberry.field(description="The grade.")
    text: str = strawberry.field(description="The opinion (≤ 2000).")
    score: int | None = strawberry.field(default=None, description="Score 0–100.")
    evaluator: str | None = strawberry.field(
        default=None, description="The expert or agency (required for 第三方评估)."
    )


@strawberry.input(description="A new line of the 执法自我纠错台账.")
class RecordCorrectionInput:
    direction: CorrectionDirection = strawberry.field(description="向上转办 or 向下监督.")
    matter: str = strawberry.field(description="The matter (≤ 2000).")
    unit_id: relay.GlobalID = strawberry.field(description="The enforcing unit.")
    received_on: date = strawberry.field(description="When it came in (not after today).")
    started_on: date | None = strawberry.field(
        default=None, description="When self-correction started (on or after receipt)."
    )
    case_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The case it came from (问题线索), if any."
    )


@strawberry.input(description="The conclusion of a ledger entry (办结).")
class ConcludeCorrectionInput:
    entry_id: relay.GlobalID = strawberry.field(description="The entry.")
    outcome: CorrectionOutcome = strawberry.field(description="The outcome (not PENDING).")
    concluded_on: date = strawberry.field(description="When (between receipt and today).")
    note: str | None = strawberry.field(default=None, description="What was found and done.")


@strawberry.input(description="A new 行政复议便民联系点.")
class CreateReviewPointInput:
    org_unit_id: relay.GlobalID = strawberry.field(
        description="The township/街道 or village/社区 it serves."
    )
    name: str = strawberry.field(description="Name (≤ 100).")
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The unit's 说事处/说事站 it sits in."
    )
    address: str | None = strawberry.field(default=None, description="Address (≤ 200).")


@strawberry.input(description="Someone serving at a contact point.")
class ReviewPointStaffInput:
    point_id: relay.GlobalID = strawberry.field(description="The contact point.")
    name: str = strawberry.field(description="Name (≤ 50).")
    position: str | None = strawberry.field(default=None, description="Position, e.g. 司法所所长.")
    phone: str | None = strawberry.field(default=None, description="Phone.")
    user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Their account (they may then record requests)."
    )


@strawberry.input(description="A review request received at a contact point.")
class RecordReviewRequestInput:
    point_id: relay.GlobalID = strawberry.field(description="The contact point.")
    received_on: date = strawberry.field(description="When it was received (not after today).")
    applicant_name: str = strawberry.field(description="The applicant (personal data).")
    applicant_phone: str | None = strawberry.field(default=None, description="Their phone.")
    applicant_user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Their account, if any."
    )
    matter: str = strawberry.field(description="What the request is about (≤ 2000).")
    forwarded_to: str = strawberry.field(description="Where it was forwarded (≤ 100).")
    forwarded_on: date | None = strawberry.field(
        default=None, description="When (on or after receipt, not after today)."
    )


@strawberry.type(description="Result of appointing an observer.")
class ObserverPayload:
    observer: Observer | None = strawberry.field(description="The observer.")
    errors: list[OversightError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of an evaluation (三评).")
class CaseEvaluationPayload:
    evaluation: CaseEvaluation | None = strawberry.field(description="The evaluation.")
    errors: list[OversightError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a change to the self-correction ledger.")
class CorrectionPayload:
    entry: CorrectionEntry | None = strawberry.field(description="The entry after the change.")
    errors: list[OversightError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a change to a contact point.")
class ReviewPointPayload:
    point: ReviewPoint | None = strawberry.field(description="The point after the change.")
    errors: list[OversightError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a change to a review request.")
class ReviewRequestPayload:
    request: ReviewRequest | None = strawberry.field(description="The request after the change.")
    errors: list[OversightError] = strawberry.field(description="Why it was refused.")


async def _point(info: Info, point_id: int | None) -> ReviewPoint | None:
    if point_id is None:
        return None
    principal = await info.context.principal()
    rows = await info.context.read(lambda s: review.list_points(s, principal))
    return next(
        (
            ReviewPoint.from_model(p, path, st, principal)
            for p, path, st in rows
            if p.id == point_id
        ),
        None,
    )


@strawberry.type
class OversightMutations:
    @strawberry.mutation(description="聘请 a 民意观察员 for a term (a county-wide tenant admin).")
    async def appoint_observer(
        self,
        info: Info,
        input: Annotated[AppointObserverInput, strawberry.argument(description="The observer.")],
    ) -> ObserverPayload:
        row, errors = await mutate(
            info,
            lambda s, p: observers.appoint_observer(
                s,
                p,
                name=input.name,
                org_unit_id=_id(input.org_unit_id, "OrgUnit", "orgUnitId"),
                term_start=input.term_start,
                term_end=input.term_end,
                area=input.area,
                phone=input.phone,
                user_id=_opt(input.user_id, "User", "userId"),
            ),
        )
        node = None
        if row is not None:
            principal = await info.context.principal()
            path = await info.context.read(lambda s: observers.unit_path(s, row.org_unit_id))
            node = Observer.from_model(row, path, principal)
        return ObserverPayload(observer=node, errors=_errors(errors))

    @strawberry.mutation(
        description="三评: evaluate a closed case — 群众评议 (any member who may see it), "
        "专家评审 (an expert or the county office), 第三方评估 (entered by the county office). "
        "A case not yet closed is refused (CASE_NOT_CLOSED)."
    )
    async def evaluate_case(
        self,
        info: Info,
        input: Annotated[EvaluateCaseInput, strawberry.argument(description="The evaluation.")],
    ) -> CaseEvaluationPayload:
        row, errors = await mutate(
            info,
            lambda s, p: evaluations.evaluate_case(
                s,
                p,
                case_id=_id(input.case_id, "Case", "caseId"),
                kind=input.kind,
                grade=input.grade,
                text=input.text,
                score=input.score,
                evaluator=input.evaluator,
            ),
        )
        return CaseEvaluationPayload(
            evaluation=CaseEvaluation.from_model(row) if row else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Enter a line of the 执法自我纠错台账 (tenant admins and department staff "
        "covering the enforcing unit)."
    )
    async def record_correction(
        self,
        info: Info,
        input: Annotated[RecordCorrectionInput, strawberry.argument(description="The entry.")],
    ) -> CorrectionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: corrections.record_correction(
                s,
                p,
                direction=input.direction,
                matter=input.matter,
                unit_id=_id(input.unit_id, "OrgUnit", "unitId"),
                received_on=input.received_on,
                started_on=input.started_on,
                case_id=_opt(input.case_id, "Case", "caseId"),
            ),
        )
        return CorrectionPayload(
            entry=CorrectionEntry.from_model(row) if row else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Conclude a ledger entry with its outcome, once (staff covering the unit)."
    )
    async def conclude_correction(
        self,
        info: Info,
        input: Annotated[
            ConcludeCorrectionInput, strawberry.argument(description="The conclusion.")
        ],
    ) -> CorrectionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: corrections.conclude_correction(
                s,
                p,
                entry_id=_id(input.entry_id, "CorrectionEntry", "entryId"),
                outcome=input.outcome,
                concluded_on=input.concluded_on,
                note=input.note,
            ),
        )
        return CorrectionPayload(
            entry=CorrectionEntry.from_model(row) if row else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Set up a 行政复议便民联系点 in a township or village (a tenant admin "
        "covering the unit)."
    )
    async def create_review_point(
        self,
        info: Info,
        input: Annotated[CreateReviewPointInput, strawberry.argument(description="The point.")],
    ) -> ReviewPointPayload:
        row, errors = await mutate(
            info,
            lambda s, p: review.create_point(
                s,
                p,
                org_unit_id=_id(input.org_unit_id, "OrgUnit", "orgUnitId"),
                name=input.name,
                venue_id=_opt(input.venue_id, "Venue", "venueId"),
                address=input.address,
            ),
        )
        return ReviewPointPayload(
            point=await _point(info, row.id if row else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Add someone serving at a contact point (a tenant admin covering it)."
    )
    async def add_review_point_staff(
        self,
        info: Info,
        input: Annotated[ReviewPointStaffInput, strawberry.argument(description="The person.")],
    ) -> ReviewPointPayload:
        row, errors = await mutate(
            info,
            lambda s, p: review.add_staff(
                s,
                p,
                point_id=_id(input.point_id, "ReviewPoint", "pointId"),
                name=input.name,
                position=input.position,
                phone=input.phone,
                user_id=_opt(input.user_id, "User", "userId"),
            ),
        )
        return ReviewPointPayload(
            point=await _point(info, row.point_id if row else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Record a review request received at a contact point and where it was "
        "forwarded (staff covering the point, or its own staff)."
    )
    async def record_review_request(
        self,
        info: Info,
        input: Annotated[RecordReviewRequestInput, strawberry.argument(description="The request.")],
    ) -> ReviewRequestPayload:
        row, errors = await mutate(
            info,
            lambda s, p: review.record_request(
                s,
                p,
                point_id=_id(input.point_id, "ReviewPoint", "pointId"),
                received_on=input.received_on,
                applicant_name=input.applicant_name,
                applicant_phone=input.applicant_phone,
                applicant_user_id=_opt(input.applicant_user_id, "User", "applicantUserId"),
                matter=input.matter,
                forwarded_to=input.forwarded_to,
                forwarded_on=input.forwarded_on,
            ),
        )
        return ReviewRequestPayload(request=await _request(info, row), errors=_errors(errors))

    @strawberry.mutation(
        description="Set the outcome of a review request (staff covering the point, or its "
        "own staff)."
    )
    async def set_review_request_outcome(
        self,
        info: Info,
        request_id: Annotated[relay.GlobalID, strawberry.argument(description="The request.")],
        outcome: Annotated[ReviewOutcome, strawberry.argument(description="The outcome.")],
        note: Annotated[
            str | None, strawberry.argument(description="About the outcome (≤ 2000).")
        ] = None,
    ) -> ReviewRequestPayload:
        row, errors = await mutate(
            info,
            lambda s, p: review.set_request_outcome(
                s,
                p,
                request_id=_id(request_id, "ReviewRequest", "requestId"),
                outcome=outcome,
                note=note,
            ),
        )
        return ReviewRequestPayload(request=await _request(info, row), errors=_errors(errors))


async def _request(info: Info, row: models.ReviewRequest | None) -> ReviewRequest | None:
    """The request after the change, as the caller may see it."""
    if row is None:
        return None
    principal = await info.context.principal()
    path = await info.context.read(lambda s: review.request_path(s, row))
    return ReviewRequest.from_model(row, path, principal)
