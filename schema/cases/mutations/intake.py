"""Mutations: intake (`backend.cases.intake`), one case or a batch (a collector's offline
queue), each item in its own transaction with its own result."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.file_uploads import Upload

from backend.cases import attachments, intake
from backend.cases.errors import CaseErrorCode as Code
from backend.core.errors import DomainError
from backend.core.limits import Action
from backend.core.security import Principal
from schema.cases.mutations.common import case_node, decode, decode_unit, payload_errors
from schema.cases.types import Case, CaseChannel, CaseError, CaseKind
from schema.context import Info
from schema.limits import refuse_if_rate_limited
from schema.mutations import mutate

MAX_BATCH = 50


@strawberry.input(
    description="A file to attach, at most the county's cap (`case.attachment_max_size`, "
    "10 MiB by default): `file` in a multipart request (the GraphQL multipart request spec, "
    "with an `Apollo-Require-Preflight` header), or `dataBase64` for a small file. Exactly "
    "one of the two."
)
class CaseAttachmentInput:
    file: Upload | None = strawberry.field(
        default=None,
        description="The file, as a part of a multipart request (`map` points it here). "
        "Its part's file name and type are used unless `fileName`/`contentType` are given.",
    )
    file_name: str | None = strawberry.field(
        default=None, description="File name (required with `dataBase64`)."
    )
    content_type: str | None = strawberry.field(
        default=None, description="MIME type, e.g. image/jpeg."
    )
    data_base64: str | None = strawberry.field(
        default=None,
        description="Deprecated for anything but small files: the content, base64, inside "
        "the JSON body, which is limited to 1 MiB (so files up to about 700 KiB). Use `file`.",
    )


@strawberry.input(description="A case to receive (受理).")
class RaiseCaseInput:
    channel: CaseChannel = strawberry.field(
        description="ONLINE (signed in, or anonymous with contact details), VENUE or COLLECTOR "
        "(entered on someone's behalf), HOTLINE (12345, by staff), ONLINE_INQUIRY (a 网络问政 "
        "session: meetingId). MEETING and IMPORT are refused here."
    )
    kind: CaseKind = strawberry.field(description="咨询, 建议 or 诉求 (staff may change it).")
    title: str = strawberry.field(description="Short title, up to 200 characters.")
    body: str = strawberry.field(description="What it is about, up to 5000 characters.")
    is_private: bool = strawberry.field(
        default=False, description="点对点: to be answered privately, never published."
    )
    place_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Where the matter is (村/社区/乡镇): the receiving unit."
    )
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The 说事 venue where it was raised (VENUE)."
    )
    meeting_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The 网络问政 session (ONLINE_INQUIRY)."
    )
    contact_name: str | None = strawberry.field(
        default=None, description="Contact person (required unless signed in and online)."
    )
    contact_phone: str | None = strawberry.field(
        default=None, description="Contact phone (required unless signed in and online)."
    )
    client_key: str | None = strawberry.field(
        default=None,
        description="Idempotency key from the client (up to 80 characters): a replay with "
        "the same content returns the same case; other content is IDEMPOTENCY_CONFLICT.",
    )
    attachments: list[CaseAttachmentInput] | None = strawberry.field(
        default=None, description="Up to 5 files."
    )


@strawberry.type(description="Result of receiving one case.")
class RaiseCasePayload:
    number: str | None = strawberry.field(description="受理编号 of the case, to quote later.")
    client_key: str | None = strawberry.field(description="The item's idempotency key, echoed.")
    case: Case | None = strawberry.field(
        description="The case (null for an anonymous caller, who quotes its number)."
    )
    errors: list[CaseError] = strawberry.field(description="Why it was refused.")


def _upload(i: int, a: CaseAttachmentInput) -> attachments.Upload:
    """One attachment of the input: a multipart part (starlette's `UploadFile`, spooled to a
    temporary file, read in chunks by the service) or base64 in the JSON body."""
    if (a.file is None) == (a.data_base64 is None):
        raise DomainError(
            Code.INVALID, "每个附件须且只能提供 file 或 dataBase64 之一", field=f"attachments.{i}"
        )
    if a.file is not None:
        part: Any = a.file
        if not (hasattr(part, "read") and hasattr(part, "seek")):
            raise DomainError(
                Code.INVALID,
                "附件 file 须以 multipart 请求上传（GraphQL multipart request）",
                field=f"attachments.{i}",
            )
        return attachments.Upload(
            file_name=a.file_name or getattr(part, "filename", None) or "",
            content_type=a.content_type or getattr(part, "content_type", None) or "",
            source=part,
            declared_size=getattr(part, "size", None),
        )
    try:
        data = base64.b64decode(a.data_base64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError(
            Code.INVALID, "附件内容不是有效的 base64", field=f"attachments.{i}"
        ) from exc
    return attachments.Upload.of_bytes(a.file_name or "", a.content_type or "", data)


def _draft(item: RaiseCaseInput) -> intake.CaseDraft:
    uploads = [_upload(i, a) for i, a in enumerate(item.attachments or [])]
    return intake.CaseDraft(
        channel=item.channel,
        kind=item.kind,
        title=item.title,
        body=item.body,
        is_private=item.is_private,
        place_unit_id=decode_unit(item.place_unit_id, "placeUnitId")
        if item.place_unit_id
        else None,
        venue_id=decode(item.venue_id, "Venue", "venueId") if item.venue_id else None,
        meeting_id=decode(item.meeting_id, "Meeting", "meetingId") if item.meeting_id else None,
        contact_name=item.contact_name,
        contact_phone=item.contact_phone,
        client_key=item.client_key,
        attachments=tuple(uploads),
    )


async def _raise(info: Info, item: RaiseCaseInput) -> RaiseCasePayload:
    principal = await info.context.principal()
    refused = await refuse_if_rate_limited(
        info.context, Action.CASE_INTAKE, user=(principal.tenant_id, principal.user_id)
    )
    if refused is not None:
        return RaiseCasePayload(
            number=None, client_key=item.client_key, case=None, errors=payload_errors([refused])
        )

    async def work(s: AsyncSession, p: Principal) -> tuple[int, str]:
        case = await intake.raise_case(s, p, _draft(item))
        return case.id, case.number

    done, errors = await mutate(info, work)
    return RaiseCasePayload(
        number=done[1] if done else None,
        client_key=item.client_key,
        case=await case_node(info, done[0]) if done and principal.user_id else None,
        errors=payload_errors(errors),
    )


@strawberry.type
class IntakeMutations:
    @strawberry.mutation(description="Receive a case (受理).")
    async def raise_case(
        self,
        info: Info,
        input: Annotated[RaiseCaseInput, strawberry.argument(description="The case.")],
    ) -> RaiseCasePayload:
        return await _raise(info, input)

    @strawberry.mutation(
        description="Receive a batch of cases (a collector's offline queue, up to 50): each "
        "item in its own transaction with its own result, in order. Replaying a batch with "
        "the same client keys makes each case once."
    )
    async def intake_cases(
        self,
        info: Info,
        input: Annotated[list[RaiseCaseInput], strawberry.argument(description="The cases.")],
    ) -> list[RaiseCasePayload]:
        if len(input) > MAX_BATCH:
            from backend.core.errors import InvalidArgument

            raise InvalidArgument(f"一次最多提交{MAX_BATCH}件")
        return [await _raise(info, item) for item in input]
