"""Mutations of 依申请公开 requests (`backend.disclosure.requests`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.limits import Action
from backend.disclosure import requests
from backend.disclosure.models import InformationRequest as RequestRow
from schema.context import Info
from schema.disclosure.mutations.common import InformationRequestPayload, decode, payload_errors
from schema.disclosure.types import InformationRequest, ReplyType
from schema.mutations import mutate

_REQUEST = Annotated[relay.GlobalID, strawberry.argument(description="The request.")]


@strawberry.input(description="A 依申请公开 request.")
class InformationRequestInput:
    name: str = strawberry.field(description="申请人姓名或名称 (≤ 50).")
    phone: str | None = strawberry.field(
        default=None, description="联系电话 (≤ 20, digits, + and -)."
    )
    description: str = strawberry.field(
        description="所需政府信息的名称、文号或者便于查询的特征性描述 (≤ 5000)."
    )
    received_on: date | None = strawberry.field(
        default=None,
        description="收到申请之日, for a paper request entered by county staff (not in the "
        "future); null: today.",
    )


async def _node(info: Info, row: RequestRow | None) -> InformationRequest | None:
    if row is None:
        return None
    principal = await info.context.principal()
    return InformationRequest.from_row(
        row, mine=row.requester_user_id == principal.user_id, today=requests.today()
    )


@strawberry.type
class RequestMutations:
    @strawberry.mutation(
        description="File a 依申请公开 request (any signed-in member; county staff may enter a "
        "paper one with its date of receipt). Due within 20 working days of receipt on the "
        "county calendar (《中华人民共和国政府信息公开条例》第三十三条)."
    )
    async def file_information_request(
        self,
        info: Info,
        input: Annotated[InformationRequestInput, strawberry.argument(description="The request.")],
    ) -> InformationRequestPayload:
        row, errors = await mutate(
            info,
            lambda s, p: requests.file_request(
                s,
                p,
                name=input.name,
                phone=input.phone,
                description=input.description,
                received_on=input.received_on,
            ),
            limit=Action.INFORMATION_REQUEST,
        )
        return InformationRequestPayload(
            request=await _node(info, row), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="延长答复期限: once, by at most 20 working days, with the reason agreed by "
        "the head of the disclosure office (a county-wide administrator; 第三十三条)."
    )
    async def extend_information_request(
        self,
        info: Info,
        request_id: _REQUEST,
        working_days: Annotated[int, strawberry.argument(description="Working days, 1–20.")],
        reason: Annotated[str, strawberry.argument(description="Why (required).")],
    ) -> InformationRequestPayload:
        row, errors = await mutate(
            info,
            lambda s, p: requests.extend(
                s,
                p,
                request_id=decode(request_id, "InformationRequest", "requestId"),
                working_days=working_days,
                reason=reason,
            ),
        )
        return InformationRequestPayload(
            request=await _node(info, row), errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="答复: answer a request with its reply type and text (county staff); a "
        "partial or refused disclosure gives its reason."
    )
    async def answer_information_request(
        self,
        info: Info,
        request_id: _REQUEST,
        reply_type: Annotated[ReplyType, strawberry.argument(description="答复类型.")],
        text: Annotated[str, strawberry.argument(description="答复内容 (with the reason).")],
    ) -> InformationRequestPayload:
        row, errors = await mutate(
            info,
            lambda s, p: requests.answer(
                s,
                p,
                request_id=decode(request_id, "InformationRequest", "requestId"),
                reply_type=reply_type,
                text=text,
            ),
        )
        return InformationRequestPayload(
            request=await _node(info, row), errors=payload_errors(errors)
        )
