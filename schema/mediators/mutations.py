"""Mutations of the 解事员 pool: 入库 and changes (`backend.mediators.pool`), training
records, evaluations and awards, and assigning 解事员 to a case (`backend.mediators.matching`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.mediators import matching, pool
from backend.mediators.errors import MediatorErrorCode as Code
from schema.context import Info
from schema.mediators.queries import mediator_nodes
from schema.mediators.types import (
    EvaluationGrade,
    Mediator,
    MediatorAssignment,
    MediatorAward,
    MediatorError,
    MediatorErrorCode,
    MediatorEvaluation,
    MediatorLevel,
    MediatorRole,
    MediatorTraining,
)
from schema.mutations import mutate, user_errors
from schema.relay import decode_id, to_global_id

_MEDIATOR = "mediatorId"


def _errors(errors: list[DomainError]) -> list[MediatorError]:
    return user_errors(errors, MediatorError, MediatorErrorCode)


def _id(value: relay.GlobalID, type_name: str, field: str) -> int:
    code = {"OrgUnit": Code.UNKNOWN_UNIT, "Venue": Code.UNKNOWN_VENUE}.get(
        type_name, Code.NOT_FOUND
    )
    return decode_id(value, type_name, field=field, code=code)


async def _nodes(info: Info, mediator_ids: list[int]) -> dict[int, Mediator]:
    """The 解事员 after the change, as the caller sees them (read after the commit)."""
    if not mediator_ids:
        return {}
    info.context.fresh_loaders()
    principal = await info.context.principal()

    async def run(session: AsyncSession) -> dict[int, Mediator]:
        rows = await pool.mediator_rows(session, mediator_ids)
        nodes = await mediator_nodes(session, principal, rows)
        return {m.id: n for (m, _), n in zip(rows, nodes, strict=True)}

    return await info.context.read(run)


async def _node(info: Info, mediator_id: int | None) -> Mediator | None:
    if mediator_id is None:
        return None
    return (await _nodes(info, [mediator_id])).get(mediator_id)


@strawberry.input(description="A new 解事员 of the pool (入库).")
class RegisterMediatorInput:
    name: str = strawberry.field(description="Name (≤ 50).")
    level: MediatorLevel = strawberry.field(description="The pool: county, township or village.")
    org_unit_id: relay.GlobalID = strawberry.field(
        description="The unit of that level (the county root, a township/街道, a village/社区)."
    )
    roles: list[MediatorRole] = strawberry.field(description="Who they are (at least one).")
    skills: list[str] = strawberry.field(
        default_factory=list, description="Skills as tags (≤ 20, each ≤ 30), e.g. 土地纠纷."
    )
    venue_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="The 说事 venues they serve, within their unit."
    )
    phone: str | None = strawberry.field(default=None, description="Contact phone.")
    user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Their account in this county, if any."
    )
    note: str | None = strawberry.field(default=None, description="Note (≤ 500).")


@strawberry.input(description="Changes to a 解事员 (each null: unchanged).")
class UpdateMediatorInput:
    mediator_id: relay.GlobalID = strawberry.field(description="The 解事员.")
    name: str | None = strawberry.field(default=None, description="Name.")
    roles: list[MediatorRole] | None = strawberry.field(default=None, description="Roles.")
    skills: list[str] | None = strawberry.field(default=None, description="Skills.")
    venue_ids: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Venues served."
    )
    phone: str | None = strawberry.field(default=None, description="Contact phone.")
    active: bool | None = strawberry.field(
        default=None, description="False: out of service (no longer found for cases)."
    )
    note: str | None = strawberry.field(default=None, description="Note.")


@strawberry.input(description="A training record (集中培训/轮训).")
class MediatorTrainingInput:
    mediator_id: relay.GlobalID = strawberry.field(description="The 解事员.")
    course: str = strawberry.field(description="The course (≤ 100).")
    trained_on: date = strawberry.field(description="The day, not after today.")
    hours: float = strawberry.field(description="Hours, 0.5–200 in steps of 0.5.")
    provider: str | None = strawberry.field(default=None, description="Who gave it.")


@strawberry.input(description="An evaluation of a 解事员 (工作考评).")
class MediatorEvaluationInput:
    mediator_id: relay.GlobalID = strawberry.field(description="The 解事员.")
    period: str = strawberry.field(description="The period, e.g. 2026年度 (≤ 20).")
    grade: EvaluationGrade = strawberry.field(description="考评等次.")
    score: int | None = strawberry.field(default=None, description="Score 0–100.")
    comment: str | None = strawberry.field(default=None, description="评语 (≤ 1000).")
    evaluated_on: date = strawberry.field(description="The day, not after today.")


@strawberry.input(description="An award or title (评选表彰).")
class MediatorAwardInput:
    mediator_id: relay.GlobalID = strawberry.field(description="The 解事员.")
    title: str = strawberry.field(description="The title, e.g. 优秀解事员 (≤ 100).")
    awarded_on: date = strawberry.field(description="The day, not after today.")
    awarded_by: str | None = strawberry.field(default=None, description="The awarding body.")


@strawberry.type(description="Result of a change to a 解事员.")
class MediatorPayload:
    mediator: Mediator | None = strawberry.field(description="The 解事员 after the change.")
    errors: list[MediatorError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of recording a training.")
class MediatorTrainingPayload:
    training: MediatorTraining | None = strawberry.field(description="The record.")
    mediator: Mediator | None = strawberry.field(description="The 解事员 after the change.")
    errors: list[MediatorError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of recording an evaluation.")
class MediatorEvaluationPayload:
    evaluation: MediatorEvaluation | None = strawberry.field(description="The evaluation.")
    mediator: Mediator | None = strawberry.field(description="The 解事员 after the change.")
    errors: list[MediatorError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of granting an award.")
class MediatorAwardPayload:
    award: MediatorAward | None = strawberry.field(description="The award.")
    mediator: Mediator | None = strawberry.field(description="The 解事员 after the change.")
    errors: list[MediatorError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of assigning 解事员 to a case.")
class AssignMediatorsPayload:
    assignments: list[MediatorAssignment] = strawberry.field(
        description="The assignments made (empty when refused)."
    )
    errors: list[MediatorError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class MediatorMutations:
    @strawberry.mutation(
        description="入库: enter a 解事员 in the county, township or village pool (a tenant "
        "admin covering the unit)."
    )
    async def register_mediator(
        self,
        info: Info,
        input: Annotated[RegisterMediatorInput, strawberry.argument(description="The 解事员.")],
    ) -> MediatorPayload:
        row, errors = await mutate(
            info,
            lambda s, p: pool.register_mediator(
                s,
                p,
                name=input.name,
                level=input.level,
                org_unit_id=_id(input.org_unit_id, "OrgUnit", "orgUnitId"),
                roles=input.roles,
                skills=input.skills,
                venue_ids=[_id(v, "Venue", "venueIds") for v in input.venue_ids],
                phone=input.phone,
                user_id=_id(input.user_id, "User", "userId") if input.user_id else None,
                note=input.note,
            ),
        )
        return MediatorPayload(
            mediator=await _node(info, row.id if row else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Change a 解事员, or take them out of service (a tenant admin covering "
        "their unit)."
    )
    async def update_mediator(
        self,
        info: Info,
        input: Annotated[UpdateMediatorInput, strawberry.argument(description="The changes.")],
    ) -> MediatorPayload:
        row, errors = await mutate(
            info,
            lambda s, p: pool.update_mediator(
                s,
                p,
                mediator_id=_id(input.mediator_id, "Mediator", _MEDIATOR),
                changes=pool.MediatorChanges(
                    name=input.name,
                    roles=input.roles,
                    skills=input.skills,
                    venue_ids=[_id(v, "Venue", "venueIds") for v in input.venue_ids]
                    if input.venue_ids is not None
                    else None,
                    phone=input.phone,
                    active=input.active,
                    note=input.note,
                ),
            ),
        )
        return MediatorPayload(
            mediator=await _node(info, row.id if row else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Record a training a 解事员 took (a tenant admin covering their unit); "
        "a date after today is refused (FUTURE_DATE, field trainedOn)."
    )
    async def record_mediator_training(
        self,
        info: Info,
        input: Annotated[MediatorTrainingInput, strawberry.argument(description="The record.")],
    ) -> MediatorTrainingPayload:
        row, errors = await mutate(
            info,
            lambda s, p: pool.record_training(
                s,
                p,
                mediator_id=_id(input.mediator_id, "Mediator", _MEDIATOR),
                course=input.course,
                trained_on=input.trained_on,
                hours=input.hours,
                provider=input.provider,
            ),
        )
        return MediatorTrainingPayload(
            training=MediatorTraining.from_model(row) if row else None,
            mediator=await _node(info, row.mediator_id if row else None),
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Record an evaluation of a 解事员 (a tenant admin covering their unit)."
    )
    async def record_mediator_evaluation(
        self,
        info: Info,
        input: Annotated[
            MediatorEvaluationInput, strawberry.argument(description="The evaluation.")
        ],
    ) -> MediatorEvaluationPayload:
        row, errors = await mutate(
            info,
            lambda s, p: pool.record_evaluation(
                s,
                p,
                mediator_id=_id(input.mediator_id, "Mediator", _MEDIATOR),
                period=input.period,
                grade=input.grade,
                score=input.score,
                comment=input.comment,
                evaluated_on=input.evaluated_on,
            ),
        )
        return MediatorEvaluationPayload(
            evaluation=MediatorEvaluation.from_model(row) if row else None,
            mediator=await _node(info, row.mediator_id if row else None),
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Grant a 解事员 an award or title (a tenant admin covering their unit)."
    )
    async def grant_mediator_award(
        self,
        info: Info,
        input: Annotated[MediatorAwardInput, strawberry.argument(description="The award.")],
    ) -> MediatorAwardPayload:
        row, errors = await mutate(
            info,
            lambda s, p: pool.grant_award(
                s,
                p,
                mediator_id=_id(input.mediator_id, "Mediator", _MEDIATOR),
                title=input.title,
                awarded_on=input.awarded_on,
                awarded_by=input.awarded_by,
            ),
        )
        return MediatorAwardPayload(
            award=MediatorAward.from_model(row) if row else None,
            mediator=await _node(info, row.mediator_id if row else None),
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="选派: assign one or more 解事员 of the case's place (or above it, or of "
        "its venue) to an open case (whoever may handle it); all or nothing."
    )
    async def assign_mediators(
        self,
        info: Info,
        case_id: Annotated[relay.GlobalID, strawberry.argument(description="The case.")],
        mediator_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="The 解事员 (1–10).")
        ],
        note: Annotated[
            str | None, strawberry.argument(description="Why, or what to do (≤ 500).")
        ] = None,
    ) -> AssignMediatorsPayload:
        rows, errors = await mutate(
            info,
            lambda s, p: matching.assign_to_case(
                s,
                p,
                case_id=_id(case_id, "Case", "caseId"),
                mediator_ids=[_id(m, "Mediator", "mediatorIds") for m in mediator_ids],
                note=note,
            ),
        )
        made = rows or []
        nodes = await _nodes(info, [r.mediator_id for r in made])
        return AssignMediatorsPayload(
            assignments=[
                MediatorAssignment(
                    id=strawberry.ID(to_global_id("MediatorAssignment", r.id)),
                    case_id=strawberry.ID(to_global_id("Case", r.case_id)),
                    mediator=nodes[r.mediator_id],
                    note=r.note,
                    assigned_at=r.created_at,
                )
                for r in made
                if r.mediator_id in nodes
            ],
            errors=_errors(errors),
        )
