"""GraphQL types of 政务公开: plain dataclasses from rows (Core rows of the list pages or ORM
rows after a mutation; both have the columns as attributes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from backend.cases.masking import mask_name, mask_phone
from backend.disclosure import models
from backend.disclosure.errors import DisclosureErrorCode as _Code
from schema.errors import UserError
from schema.relay import to_global_id

PublicationCategory = models.PublicationCategory
strawberry.enum(
    PublicationCategory,
    description=(
        "ORGANISATION 机构信息, NORMATIVE 规范性文件, NEWS 政务动态, PUBLIC_INTEREST 涉及切身"
        "利益的事项, PROCEDURE 办事程序, OTHER 其他主动公开事项."
    ),
)
PublicationState = models.PublicationState
strawberry.enum(PublicationState, description="DRAFT 待审核 → PUBLISHED 已发布 → WITHDRAWN 已撤回.")
RequestState = models.RequestState
strawberry.enum(RequestState, description="RECEIVED 办理中, ANSWERED 已答复.")
ReplyType = models.ReplyType
strawberry.enum(
    ReplyType,
    description=(
        "DISCLOSED 予以公开, PARTLY_DISCLOSED 部分公开, NOT_DISCLOSED 不予公开, NOT_EXIST "
        "信息不存在, NOT_THIS_AGENCY 非本机关负责公开, ALREADY_PUBLIC 已主动公开, REPEATED "
        "重复申请, NOT_GOVERNMENT_INFORMATION 不属于政府信息."
    ),
)
DisclosureErrorCode = _Code
strawberry.enum(DisclosureErrorCode, description="Why a 政务公开 action was refused.")


@strawberry.type(description="A failure of a 政务公开 action.")
class DisclosureError(UserError):
    code: DisclosureErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="An item of 主动公开 (a publication).")
class Publication:
    id: strawberry.ID = strawberry.field(description="Global id (Publication).")
    title: str = strawberry.field(description="标题.")
    body: str = strawberry.field(description="正文.")
    category: PublicationCategory = strawberry.field(description="公开类别.")
    state: PublicationState = strawberry.field(description="DRAFT, PUBLISHED or WITHDRAWN.")
    published_at: datetime | None = strawberry.field(description="When it went out.")
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn.")
    withdrawn_reason: str | None = strawberry.field(description="Why (public).")
    stream: str = strawberry.field(
        description="Its stream for `streamEvents` and `events`: publication:<its global id>."
    )

    @classmethod
    def from_row(cls, row: Any) -> Publication:
        return cls(
            id=strawberry.ID(to_global_id("Publication", row.id)),
            title=row.title,
            body=row.body,
            category=row.category,
            state=row.state,
            published_at=row.published_at,
            withdrawn_at=row.withdrawn_at,
            withdrawn_reason=row.withdrawn_reason,
            stream=f"publication:{to_global_id('Publication', row.id)}",
        )


@strawberry.type(description="A 依申请公开 request with its legal clock (第三十三条).")
class InformationRequest:
    id: strawberry.ID = strawberry.field(description="Global id (InformationRequest).")
    number: str = strawberry.field(description="申请编号.")
    requester_name: str | None = strawberry.field(
        description="The requester (masked, 张**, except for the requester themselves)."
    )
    requester_phone: str | None = strawberry.field(
        description="Their phone (masked, 138****1234, except for the requester)."
    )
    description: str = strawberry.field(description="所需政府信息的描述.")
    received_on: date = strawberry.field(description="收到申请之日 (county date).")
    due_on: date = strawberry.field(description="Due within the reply period (20 working days).")
    due_provisional: bool = strawberry.field(
        description="Counted over a year without a published calendar (Monday–Friday)."
    )
    extension_days: int | None = strawberry.field(description="Working days of the extension.")
    extension_reason: str | None = strawberry.field(description="Why it was extended.")
    extended_due_on: date | None = strawberry.field(description="Due after the extension.")
    effective_due_on: date = strawberry.field(description="The due day that applies now.")
    state: RequestState = strawberry.field(description="RECEIVED or ANSWERED.")
    reply_type: ReplyType | None = strawberry.field(description="答复类型.")
    reply_text: str | None = strawberry.field(description="答复内容.")
    answered_on: date | None = strawberry.field(description="答复日期.")
    overdue: bool = strawberry.field(
        description="Unanswered and past its due day (today, county time), or answered late."
    )
    stream: str = strawberry.field(
        description="Its stream for `streamEvents` and `events`: inforequest:<its global id>."
    )

    @classmethod
    def from_row(cls, row: Any, *, mine: bool, today: date) -> InformationRequest:
        due = row.extended_due_on or row.due_on
        return cls(
            id=strawberry.ID(to_global_id("InformationRequest", row.id)),
            number=row.number,
            requester_name=row.requester_name if mine else mask_name(row.requester_name),
            requester_phone=row.requester_phone if mine else mask_phone(row.requester_phone),
            description=row.description,
            received_on=row.received_on,
            due_on=row.due_on,
            due_provisional=row.due_provisional,
            extension_days=row.extension_days,
            extension_reason=row.extension_reason,
            extended_due_on=row.extended_due_on,
            effective_due_on=due,
            state=row.state,
            reply_type=row.reply_type,
            reply_text=row.reply_text,
            answered_on=row.answered_on,
            overdue=(row.answered_on or today) > due,
            stream=f"inforequest:{to_global_id('InformationRequest', row.id)}",
        )
