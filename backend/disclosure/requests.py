"""依申请公开 requests on the legal clock (《中华人民共和国政府信息公开条例》第三十三条):
"不能当场答复的，应当自收到申请之日起20个工作日内予以答复；需要延长答复期限的，应当经政府
信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。"

The periods are the county rulebook's `disclosure.reply_period` and
`disclosure.extension_max` (working days, defaulting to the regulation), counted on the
county's calendar (`backend.calendar`: official tables with 调休 and local closures; the day
of receipt is not counted). A period that reaches a year without a published table is
provisional (Monday–Friday) and is recounted when the table is published
(`recompute_provisional`, a calendar hook)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar, on_calendar_changed
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.disclosure.access import (
    get_row,
    is_county_staff,
    require_county_staff,
    require_reviewer,
)
from backend.disclosure.errors import DisclosureErrorCode as Code
from backend.disclosure.events import (
    RequestAnswered,
    RequestDeadlineChanged,
    RequestEvent,
    RequestExtended,
    RequestReceived,
)
from backend.disclosure.models import InformationRequest, ReplyType, RequestState
from backend.disclosure.stream import on_request
from tenants.models import Tenant

CHINA = timezone(timedelta(hours=8), "CST")
REGULATION = "《中华人民共和国政府信息公开条例》第三十三条"
#: Replies that withhold something must say why (第三十六条: 告知申请人并说明理由).
REASONED = (ReplyType.PARTLY_DISCLOSED, ReplyType.NOT_DISCLOSED)


def today() -> date:
    return datetime.now(UTC).astimezone(CHINA).date()


def effective_due(request: InformationRequest) -> date:
    return request.extended_due_on or request.due_on


async def _rule(session: AsyncSession, tenant_id: int, key: str, field: str) -> rules.RuleValue:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    try:
        rule = rules.effective_rule(settings or {}, key)
    except (KeyError, ValueError) as exc:
        raise DomainError(
            Code.DEADLINE_NOT_CONFIGURED, f"本县未正确配置“{key}”：{exc}", field=field
        ) from exc
    if rule.unit is not rules.RuleUnit.WORKING_DAYS:
        raise DomainError(Code.DEADLINE_NOT_CONFIGURED, f"“{rule.title}”应以工作日计", field=field)
    return rule


async def _add(session: AsyncSession, tenant_id: int, start: date, days: int) -> tuple[date, bool]:
    deadline = (await load_calendar(session, tenant_id)).add_working_days(start, days)
    return deadline.due, deadline.provisional


async def file_request(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    phone: str | None,
    description: str,
    received_on: date | None,
) -> InformationRequest:
    """A request, filed by the requester online (received today) or entered by county
    staff from a letter or a visit (`received_on`: the day it was received, not in the
    future; the register may be filled in late, the clock still runs from receipt)."""
    user_id = principal.require_user()
    tenant_id = principal.require_tenant()
    now = today()
    if received_on is not None and received_on != now:
        if not is_county_staff(principal):
            raise DomainError(
                Code.INVALID, "网上提交的申请以提交当日为收到日期", field="receivedOn"
            )
        if received_on > now or received_on.year < 2000:
            raise DomainError(Code.INVALID, "收到日期不能晚于今天", field="receivedOn")
    received = received_on or now
    clean_phone = clean_text(
        phone, field="phone", code=Code.INVALID, label="联系电话", max_length=20, required=False
    )
    if clean_phone is not None and not all(c.isdigit() or c in "+-" for c in clean_phone):
        raise DomainError(Code.INVALID, "联系电话只能包含数字", field="phone")
    rule = await _rule(session, tenant_id, "disclosure.reply_period", "receivedOn")
    due, provisional = await _add(session, tenant_id, received, rule.value)
    # numbers are drawn one at a time per county (a transaction-scoped lock), so two
    # requests filed at once never get the same number
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('information_requests.number'), :t)"),
        {"t": tenant_id},
    )
    year_count = await session.scalar(
        select(func.count())
        .select_from(InformationRequest)
        .where(func.extract("year", InformationRequest.received_on) == received.year)
    )
    request = InformationRequest(
        tenant_id=tenant_id,
        number=f"{received.year}-{int(year_count or 0) + 1:05d}",
        requester_user_id=None if is_county_staff(principal) and received_on else user_id,
        requester_name=clean_text(
            name, field="name", code=Code.INVALID, label="申请人姓名或名称", max_length=50
        ),
        requester_phone=clean_phone,
        description=clean_text(
            description,
            field="description",
            code=Code.INVALID,
            label="所需信息描述",
            max_length=5000,
        ),
        received_on=received,
        due_on=due,
        due_provisional=provisional,
        state=RequestState.RECEIVED,
    )
    session.add(request)
    await session.flush()
    await on_request(
        session,
        principal,
        request,
        RequestEvent.RECEIVED,
        RequestReceived(
            id=request.id,
            number=request.number,
            receivedOn=received.isoformat(),
            dueOn=due.isoformat(),
            dueProvisional=provisional,
            state=request.state.value,
        ),
    )
    return request


async def extend(
    session: AsyncSession,
    principal: Principal,
    *,
    request_id: int,
    working_days: int,
    reason: str | None,
) -> InformationRequest:
    """延长答复期限: once, by at most `disclosure.extension_max` working days counted from
    the original due day, with the agreed reason, before the period has run out."""
    require_reviewer(principal)
    request = await get_row(
        session, InformationRequest, request_id, field="requestId", what="申请", lock=True
    )
    if request.state is not RequestState.RECEIVED:
        raise DomainError(Code.INVALID_STATE, "该申请已答复", field="requestId")
    rule = await _rule(session, request.tenant_id, "disclosure.extension_max", "workingDays")
    if request.extension_days is not None:
        raise DomainError(
            Code.EXTENSION_ALREADY_USED,
            f"答复期限只能延长一次，本申请已延长{request.extension_days}个工作日"
            f"（依据{REGULATION}）",
            field="requestId",
        )
    why = (reason or "").strip()
    if not why:
        raise DomainError(
            Code.REASON_REQUIRED,
            f"延长答复期限须经政府信息公开工作机构负责人同意并说明理由（依据{REGULATION}）",
            field="reason",
        )
    why = clean_text(why, field="reason", code=Code.INVALID, label="延长理由", max_length=1000)
    if working_days < 1 or working_days > rule.value:
        raise DomainError(
            Code.EXTENSION_TOO_LONG,
            f"延长的期限应为1至{rule.value}个工作日（{rules.cite(rule)}）",
            field="workingDays",
        )
    if today() > request.due_on:
        raise DomainError(
            Code.INVALID_STATE, "答复期限已过，不能再延长（须在期限内决定延长）", field="requestId"
        )
    due, provisional = await _add(session, request.tenant_id, request.due_on, working_days)
    request.extension_days = working_days
    request.extension_reason = why
    request.extended_due_on, request.extended_provisional = due, provisional
    await session.flush()
    await on_request(
        session,
        principal,
        request,
        RequestEvent.EXTENDED,
        RequestExtended(
            workingDays=working_days,
            reason=why,
            dueOn=due.isoformat(),
            dueProvisional=provisional,
        ),
    )
    return request


async def answer(
    session: AsyncSession,
    principal: Principal,
    *,
    request_id: int,
    reply_type: ReplyType,
    text: str | None,
) -> InformationRequest:
    """答复: the reply and its type; one that withholds information says why."""
    require_county_staff(principal)
    request = await get_row(
        session, InformationRequest, request_id, field="requestId", what="申请", lock=True
    )
    if request.state is not RequestState.RECEIVED:
        raise DomainError(Code.INVALID_STATE, "该申请已答复", field="requestId")
    body = clean_text(
        text,
        field="text",
        code=Code.REASON_REQUIRED if reply_type in REASONED else Code.INVALID,
        label="不予公开的理由及答复内容" if reply_type in REASONED else "答复内容",
        max_length=20000,
    )
    answered = today()
    request.state = RequestState.ANSWERED
    request.reply_type, request.reply_text, request.answered_on = reply_type, body, answered
    await session.flush()
    await on_request(
        session,
        principal,
        request,
        RequestEvent.ANSWERED,
        RequestAnswered(
            replyType=reply_type.value,
            text=body,
            answeredOn=answered.isoformat(),
            late=answered > effective_due(request),
            state=request.state.value,
        ),
    )
    return request


async def recompute_provisional(session: AsyncSession, years: frozenset[int]) -> None:
    """Recount every open request whose period was provisional (the calendar hook), in the
    changing transaction, each move an `inforequest.deadlineChanged` event."""
    if not years:
        return
    # Days after the last due date are never counted: a request whose (extended) period ends
    # before the first changed year cannot move, so only the others are read and locked.
    first_changed = date(min(years), 1, 1)
    requests = (
        await session.scalars(
            select(InformationRequest)
            .where(
                InformationRequest.state == RequestState.RECEIVED,
                InformationRequest.due_provisional.is_(True)
                | InformationRequest.extended_provisional.is_(True),
                func.coalesce(InformationRequest.extended_due_on, InformationRequest.due_on)
                >= first_changed,
            )
            .order_by(InformationRequest.tenant_id, InformationRequest.id)
            .with_for_update()
        )
    ).all()
    for request in requests:
        rule = await _rule(session, request.tenant_id, "disclosure.reply_period", "receivedOn")
        before = (request.due_on, request.due_provisional, request.extended_due_on)
        request.due_on, request.due_provisional = await _add(
            session, request.tenant_id, request.received_on, rule.value
        )
        if request.extension_days is not None:
            request.extended_due_on, request.extended_provisional = await _add(
                session, request.tenant_id, request.due_on, request.extension_days
            )
        if before == (request.due_on, request.due_provisional, request.extended_due_on):
            continue
        await on_request(
            session,
            None,
            request,
            RequestEvent.DEADLINE_CHANGED,
            RequestDeadlineChanged(
                dueOn=request.due_on.isoformat(),
                dueProvisional=request.due_provisional,
                extendedDueOn=(
                    request.extended_due_on.isoformat() if request.extended_due_on else None
                ),
                extendedProvisional=request.extended_provisional,
            ),
        )
    await session.flush()


on_calendar_changed(recompute_provisional)
