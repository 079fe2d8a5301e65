"""Mutations: routing (`backend.cases.routing`): dispatch, sign, return, re-dispatch,
escalation, 督办 and 回访."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.cases import routing
from backend.core.errors import DomainError
from schema.cases.mutations.common import (
    CaseAssignmentPayload,
    CasePayload,
    CaseReplyPayload,
    case_node,
    decode,
    decode_unit,
    payload_errors,
)
from schema.cases.types import AssignmentRole, CaseAssignment, CaseReply, EscalationDirection
from schema.context import Info
from schema.mutations import mutate

_CASE = Annotated[relay.GlobalID, strawberry.argument(description="The case.")]
_ASSIGNMENT = Annotated[relay.GlobalID, strawberry.argument(description="The assignment.")]


async def _assignment_payload(
    info: Info, a: object, errors: list[DomainError]
) -> CaseAssignmentPayload:
    from backend.cases.models import CaseAssignment as Row

    row = a if isinstance(a, Row) else None
    return CaseAssignmentPayload(
        assignment=CaseAssignment.from_model(row, staff=True) if row else None,
        case=await case_node(info, row.case_id if row else None),
        errors=payload_errors(errors),
    )


@strawberry.type
class RoutingMutations:
    @strawberry.mutation(
        description="派单: send a case to a unit as LEAD (主办, one at a time), CO (协办) or "
        "FOR_REFERENCE (转阅件), with a sign-for deadline (county office or the accountable "
        "unit's staff)."
    )
    async def dispatch_case(
        self,
        info: Info,
        case_id: _CASE,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The unit.")],
        role: Annotated[
            AssignmentRole, strawberry.argument(description="LEAD, CO or FOR_REFERENCE.")
        ] = AssignmentRole.LEAD,
    ) -> CaseAssignmentPayload:
        a, errors = await mutate(
            info,
            lambda s, p: routing.dispatch_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                unit_id=decode_unit(unit_id, "unitId"),
                role=role,
            ),
        )
        return await _assignment_payload(info, a, errors)

    @strawberry.mutation(
        description="签收: the unit takes the assignment; a LEAD's unit becomes accountable."
    )
    async def sign_case_assignment(
        self, info: Info, assignment_id: _ASSIGNMENT
    ) -> CaseAssignmentPayload:
        a, errors = await mutate(
            info,
            lambda s, p: routing.sign_assignment(
                s, p, assignment_id=decode(assignment_id, "CaseAssignment", "assignmentId")
            ),
        )
        return await _assignment_payload(info, a, errors)

    @strawberry.mutation(
        description="退单: the unit refuses a pending assignment with a reason; the county "
        "office re-dispatches it. Counts a bounce."
    )
    async def return_case_assignment(
        self,
        info: Info,
        assignment_id: _ASSIGNMENT,
        reason: Annotated[str, strawberry.argument(description="Why it is not this unit's.")],
    ) -> CaseAssignmentPayload:
        a, errors = await mutate(
            info,
            lambda s, p: routing.return_assignment(
                s,
                p,
                assignment_id=decode(assignment_id, "CaseAssignment", "assignmentId"),
                reason=reason,
            ),
        )
        return await _assignment_payload(info, a, errors)

    @strawberry.mutation(
        description="重派: the county office names the LEAD unit of a returned case."
    )
    async def redispatch_case(
        self,
        info: Info,
        case_id: _CASE,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The new LEAD.")],
    ) -> CaseAssignmentPayload:
        a, errors = await mutate(
            info,
            lambda s, p: routing.redispatch_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                unit_id=decode_unit(unit_id, "unitId"),
            ),
        )
        return await _assignment_payload(info, a, errors)

    @strawberry.mutation(
        description="吹哨报到: hand the case UP to the parent unit, DOWN to a unit below "
        "(unitId), or to the COUNTY office to arbitrate."
    )
    async def escalate_case(
        self,
        info: Info,
        case_id: _CASE,
        direction: Annotated[
            EscalationDirection, strawberry.argument(description="UP, DOWN or COUNTY.")
        ],
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The unit below (DOWN).")
        ] = None,
        reason: Annotated[str | None, strawberry.argument(description="Why.")] = None,
    ) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: routing.escalate_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                direction=direction,
                unit_id=decode_unit(unit_id, "unitId") if unit_id else None,
                reason=reason,
            ),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(description="督办: the county office presses on an overdue case.")
    async def supervise_case(
        self,
        info: Info,
        case_id: _CASE,
        body: Annotated[str, strawberry.argument(description="督办意见.")],
    ) -> CaseReplyPayload:
        reply, errors = await mutate(
            info,
            lambda s, p: routing.supervise_case(
                s, p, case_id=decode(case_id, "Case", "caseId"), body=body
            ),
        )
        return CaseReplyPayload(
            reply=CaseReply.from_model(reply, public=False) if reply else None,
            case=await case_node(info, reply.case_id if reply else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="回访: record a follow-up visit or call and its result.")
    async def follow_up_case(
        self,
        info: Info,
        case_id: _CASE,
        result: Annotated[str, strawberry.argument(description="回访结果, e.g. 已解决.")],
        body: Annotated[str, strawberry.argument(description="What was found.")],
    ) -> CaseReplyPayload:
        reply, errors = await mutate(
            info,
            lambda s, p: routing.follow_up_case(
                s, p, case_id=decode(case_id, "Case", "caseId"), result=result, body=body
            ),
        )
        return CaseReplyPayload(
            reply=CaseReply.from_model(reply, public=False) if reply else None,
            case=await case_node(info, reply.case_id if reply else None),
            errors=payload_errors(errors),
        )
