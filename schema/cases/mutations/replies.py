"""Mutations: the closed loop (`backend.cases.replies`), merging and publication."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.cases import merging, publication, replies
from schema.cases.mutations.common import (
    CasePayload,
    CaseReplyPayload,
    case_node,
    decode,
    payload_errors,
)
from schema.cases.types import CaseReply, ReplyKind, Satisfaction
from schema.context import Info
from schema.mutations import mutate

_CASE = Annotated[relay.GlobalID, strawberry.argument(description="The case.")]


@strawberry.type
class ReplyMutations:
    @strawberry.mutation(
        description="Reply on a case: INITIAL (初步答复), NOTE (internal) or RESULT (办理结果: "
        "the case is ANSWERED and waits for the submitter's rating)."
    )
    async def reply_case(
        self,
        info: Info,
        case_id: _CASE,
        kind: Annotated[ReplyKind, strawberry.argument(description="INITIAL, RESULT or NOTE.")],
        body: Annotated[str, strawberry.argument(description="The text.")],
        adopted: Annotated[
            bool | None,
            strawberry.argument(description="For a suggestion's result: adopted (采纳)?"),
        ] = None,
    ) -> CaseReplyPayload:
        reply, errors = await mutate(
            info,
            lambda s, p: replies.reply_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                kind=kind,
                body=body,
                adopted=adopted,
            ),
        )
        return CaseReplyPayload(
            reply=CaseReply.from_model(reply, public=False) if reply else None,
            case=await case_node(info, reply.case_id if reply else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="The submitter rates the answer: 满意/基本满意 close the case; 不满意 "
        "(with text) reopens it once, a second 不满意 closes it, flagged."
    )
    async def rate_case(
        self,
        info: Info,
        case_id: _CASE,
        satisfaction: Annotated[Satisfaction, strawberry.argument(description="The rating.")],
        text: Annotated[
            str | None, strawberry.argument(description="Why (required for 不满意).")
        ] = None,
    ) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: replies.rate_case(
                s,
                p,
                case_id=decode(case_id, "Case", "caseId"),
                satisfaction=satisfaction,
                text=text,
            ),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="The county office closes an answered case that has no submitter "
        "account to rate it."
    )
    async def close_case(self, info: Info, case_id: _CASE) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: replies.close_case(s, p, case_id=decode(case_id, "Case", "caseId")),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Merge cases of the same matter into a primary (county office): they "
        "become MERGED and mirror its replies and state."
    )
    async def merge_cases(
        self,
        info: Info,
        primary_id: Annotated[relay.GlobalID, strawberry.argument(description="The primary.")],
        case_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="The cases merged into it.")
        ],
    ) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: merging.merge_cases(
                s,
                p,
                primary_id=decode(primary_id, "Case", "primaryId"),
                case_ids=[decode(c, "Case", "caseIds") for c in case_ids],
            ),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Publish an answered, non-private case (政务村务公开), personal data "
        "masked (county office)."
    )
    async def publish_case(self, info: Info, case_id: _CASE) -> CasePayload:
        case, errors = await mutate(
            info,
            lambda s, p: publication.publish_case(s, p, case_id=decode(case_id, "Case", "caseId")),
        )
        return CasePayload(
            case=await case_node(info, case.id if case else None), errors=payload_errors(errors)
        )
