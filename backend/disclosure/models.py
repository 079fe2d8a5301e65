"""政务公开 (seed 002): publications that go out only after a reviewer's approval
(信息审核: "凡未经审核的信息严禁上网发布") and 依申请公开 requests answered on the legal
clock of 《中华人民共和国政府信息公开条例》第三十三条. docs/agenda.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class PublicationCategory(enum.Enum):
    ORGANISATION = "ORGANISATION"  # 机构信息
    NORMATIVE = "NORMATIVE"  # 规范性文件
    NEWS = "NEWS"  # 政务动态
    PUBLIC_INTEREST = "PUBLIC_INTEREST"  # 涉及切身利益的事项
    PROCEDURE = "PROCEDURE"  # 办事程序
    OTHER = "OTHER"  # 其他主动公开事项


class PublicationState(enum.Enum):
    DRAFT = "DRAFT"  # 待审核
    PUBLISHED = "PUBLISHED"  # 已发布
    WITHDRAWN = "WITHDRAWN"  # 已撤回


class Publication(TenantOwned, Timestamped, Base):
    """An item of 主动公开: written by staff, approved by a reviewer who is not its author
    (审核), published the day it is approved, withdrawn with a reason."""

    __tablename__ = "publications"

    id: Mapped[int] = id_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[PublicationCategory] = mapped_column(enum_column(PublicationCategory))
    state: Mapped[PublicationState] = mapped_column(enum_column(PublicationState))
    author_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    reviewer_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)


class RequestState(enum.Enum):
    RECEIVED = "RECEIVED"  # 已收到，办理中
    ANSWERED = "ANSWERED"  # 已答复


class ReplyType(enum.Enum):
    DISCLOSED = "DISCLOSED"  # 予以公开
    PARTLY_DISCLOSED = "PARTLY_DISCLOSED"  # 部分公开
    NOT_DISCLOSED = "NOT_DISCLOSED"  # 不予公开
    NOT_EXIST = "NOT_EXIST"  # 信息不存在
    NOT_THIS_AGENCY = "NOT_THIS_AGENCY"  # 非本机关负责公开
    ALREADY_PUBLIC = "ALREADY_PUBLIC"  # 已主动公开（告知获取途径）
    REPEATED = "REPEATED"  # 重复申请
    NOT_GOVERNMENT_INFORMATION = "NOT_GOVERNMENT_INFORMATION"  # 不属于政府信息


class InformationRequest(TenantOwned, Timestamped, Base):
    """A 依申请公开 request: received on `received_on` (a county date), due within the
    rulebook's `disclosure.reply_period` working days of it (`due_on`), once extendable by up
    to `disclosure.extension_max` working days with a reason (`extended_due_on`). The
    requester's name and phone are personal data (backend.disclosure.personal_data)."""

    __tablename__ = "information_requests"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    id: Mapped[int] = id_column()
    number: Mapped[str] = mapped_column(String(20))  # 申请编号
    requester_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    requester_name: Mapped[str | None] = mapped_column(String(50))
    requester_phone: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)  # 所需政府信息的描述
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    extension_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extended_provisional: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[RequestState] = mapped_column(enum_column(RequestState), index=True)
    reply_type: Mapped[ReplyType | None] = mapped_column(enum_column(ReplyType))
    reply_text: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
