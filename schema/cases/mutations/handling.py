"""Mutations: classification, out-of-scope flags (`backend.cases.classification`) and the
议事内容清单 (`backend.cases.topics`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.cases import classification, topics
from schema.cases.mutations.common import (
    CasePayload,
    case_node,
    decode,
    decode_unit,
    payload_errors,
)
from schema.cases.types import (
    CaseError,
    CaseKind,
    CaseTopicRule,
    HandlingClass,
    MatterClass,
    OutOfScope,
)
from schema.context import Info
from schema.mutations import mutate

_CASE = Annotated[relay.GlobalID, strawberry.argument(description="The case.")]


@strawberry.input(description="A line of the 议事内容清单.")
class CaseTopicRuleInput:
    included: bool = strawberry.field(description="True: may be raised; false: excluded.")
    topic: str = strawberry.field(description="The topic, e.g. 涉法涉诉事项.")
    keywords: list[str] = strawberry.field(description="Words that identify it (1–30).")
    redirect: str | None = strawberry.field(
        default=None, description="Where an excluded matter belongs (required when excluded)."
    )
    source: str | None = strawberry.field(default=None, description="The document it comes from.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The unit (and its subtree) it applies to; null: county-wide."
    )


@strawberry.type(description="Result of a change to the 议事内容清单.")
class CaseTopicRulePayload:
    rule: CaseTopicRule | None = strawberry.field(description="The line after the change.")
    deleted_id: strawberry.ID | None = strawberry.field(description="The line deleted.")
    errors: list[CaseError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class HandlingMutations:
    @strawberry.mutation(
        description="Confirm or change a case's classes (staff of a handling unit); the "
        "handling class sets the deadline in working days (county rulebook). A personal "
        "matter becomes private."
    )
    async def classify_case(
        self,
        info: Info,
        case_id: _CASE,
        kind: Annotated[CaseKind, strawberry.argument(description="咨询, 建议 or 诉求.")],
        matter_class: Annotated[MatterClass, strawberry.argument(description="事项类别.")],
        handling_class: Annotated[HandlingClass, strawberry.argument(description="办理类别.")],
        is_private: Annotated[
            bool | None, strawberry.argument(description="点对点 (unchanged when null).")
        ] = None,
    ) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: classification.classify_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                kind=kind,
                matter_class=matter_class,
                handling_class=handling_class,
                is_private=is_private,
            ),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="不予受理: flag a case 涉诉, 信访, 涉密, 恶意 or other, with the reason told "
        "to the person (staff of a handling unit)."
    )
    async def mark_case_out_of_scope(
        self,
        info: Info,
        case_id: _CASE,
        flag: Annotated[OutOfScope, strawberry.argument(description="Why not handled here.")],
        reason: Annotated[str, strawberry.argument(description="The reason, for the person.")],
    ) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: classification.mark_out_of_scope(
                s, p, case_id=decode(case_id, "Case", "caseId"), flag=flag, reason=reason
            ),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Add (ruleId null) or replace a line of the 议事内容清单 (county office)."
    )
    async def save_case_topic_rule(
        self,
        info: Info,
        input: Annotated[CaseTopicRuleInput, strawberry.argument(description="The line.")],
        rule_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The line to replace.")
        ] = None,
    ) -> CaseTopicRulePayload:
        rule, errors = await mutate(
            info,
            lambda s, p: topics.save_topic_rule(
                s,
                p,
                rule_id=decode(rule_id, "CaseTopicRule", "ruleId") if rule_id else None,
                org_unit_id=decode_unit(input.org_unit_id, "orgUnitId")
                if input.org_unit_id
                else None,
                included=input.included,
                topic=input.topic,
                keywords=input.keywords,
                redirect=input.redirect,
                source=input.source,
            ),
        )
        return CaseTopicRulePayload(
            rule=CaseTopicRule.from_model(rule) if rule else None,
            deleted_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="Delete a line of the 议事内容清单 (county office).")
    async def delete_case_topic_rule(
        self,
        info: Info,
        rule_id: Annotated[relay.GlobalID, strawberry.argument(description="The line.")],
    ) -> CaseTopicRulePayload:
        deleted, errors = await mutate(
            info,
            lambda s, p: topics.delete_topic_rule(
                s, p, rule_id=decode(rule_id, "CaseTopicRule", "ruleId")
            ),
        )
        return CaseTopicRulePayload(
            rule=None,
            deleted_id=strawberry.ID(str(rule_id)) if deleted else None,
            errors=payload_errors(errors),
        )
