"""书面征询 and 对口协商 (seed 004 二(二), 二(五)).

- A written consultation (书面征询): a unit sends a draft to units, to 人大/政协 专委会
  (named committees) or to representatives, with a reply deadline (`due_on`: the county
  rule `consultation.written_reply` in working days unless the sender sets a later day);
  each recipient's written reply is recorded; the overdue ones are listed.
- A counterpart consultation (对口协商): a department and its counterpart committee meet
  ("原则上每年召开一次对口协商会议"); the session is recorded with its participants, topics
  and minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.classification import county_rule
from backend.cases.deadlines import due_date
from backend.cases.stream import local_day, now
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.representatives import access
from backend.representatives.errors import RepresentativeErrorCode as Code
from backend.representatives.events import (
    CONSULTATION_EVENTS,
    COUNTERPART_EVENTS,
    ConsultationEvent,
    ConsultationReplied,
    ConsultationSent,
    CounterpartEvent,
    CounterpartRecorded,
)
from backend.representatives.models import (
    ConsultationRecipient,
    CounterpartSession,
    WrittenConsultation,
)
from backend.representatives.stream import append_event

REPLY_RULE = "consultation.written_reply"


async def _require_unit_staff(
    session: AsyncSession, principal: Principal, unit_id: int, *, field: str, action: str
) -> None:
    principal.require_user()
    unit = await access.get_unit(session, unit_id, field=field)
    if not (access.is_county_office(principal) or access.staff_of(principal, unit.path)):
        raise PermissionDenied(f"无权{action}：需要该单位工作人员或县级管理员")


async def send_written_consultation(
    session: AsyncSession,
    principal: Principal,
    *,
    sender_unit_id: int,
    title: str,
    draft: str,
    unit_ids: Sequence[int] = (),
    committees: Sequence[str] = (),
    representative_ids: Sequence[int] = (),
    due_on: date | None = None,
) -> tuple[WrittenConsultation, list[ConsultationRecipient]]:
    await _require_unit_staff(
        session, principal, sender_unit_id, field="senderUnitId", action="发起书面征询"
    )
    title = clean_text(title, field="title", code=Code.INVALID, label="标题", max_length=200)
    draft = clean_text(draft, field="draft", code=Code.INVALID, label="征询稿", max_length=50000)
    names = [
        clean_text(c, field="committees", code=Code.INVALID, label="专委会名称", max_length=100)
        for c in committees
    ]
    units = list(dict.fromkeys(unit_ids))
    reps = list(dict.fromkeys(representative_ids))
    if not units and not names and not reps:
        raise DomainError(Code.INVALID, "至少指定一个征询对象", field="unitIds")
    for unit_id in units:
        await access.get_unit(session, unit_id, field="unitIds")
    for rep_id in reps:
        await access.get_representative(session, rep_id, field="representativeIds")
    tenant_id = principal.require_tenant()
    sent_at = now()
    days = await county_rule(session, tenant_id, REPLY_RULE, field="dueOn")
    default_due, provisional = await due_date(session, tenant_id, local_day(sent_at), days)
    if due_on is not None and due_on < default_due:
        raise DomainError(
            Code.INVALID,
            f"反馈期限不能早于 {default_due.isoformat()}（书面征询意见反馈时限{days}个工作日）",
            field="dueOn",
        )
    consultation = WrittenConsultation(
        tenant_id=tenant_id,
        title=title,
        draft=draft,
        sender_unit_id=sender_unit_id,
        sent_at=sent_at,
        due_on=due_on or default_due,
        due_provisional=provisional if due_on is None else False,
        created_by=principal.user_id,
    )
    session.add(consultation)
    await session.flush()
    recipients = [
        *(ConsultationRecipient(unit_id=u) for u in units),
        *(ConsultationRecipient(committee=n) for n in dict.fromkeys(names)),
        *(ConsultationRecipient(representative_id=r) for r in reps),
    ]
    for r in recipients:
        r.tenant_id, r.consultation_id = tenant_id, consultation.id
        session.add(r)
    await session.flush()
    payload: ConsultationSent = {
        "id": consultation.id,
        "title": title,
        "senderUnitId": sender_unit_id,
        "dueOn": consultation.due_on.isoformat(),
        "dueProvisional": consultation.due_provisional,
        "recipients": [r.id for r in recipients],
    }
    await append_event(
        session,
        principal,
        CONSULTATION_EVENTS,
        tenant_id=tenant_id,
        row_id=consultation.id,
        type=ConsultationEvent.SENT,
        payload=payload,
    )
    return consultation, recipients


async def reply_written_consultation(
    session: AsyncSession, principal: Principal, *, recipient_id: int, body: str
) -> ConsultationRecipient:
    """A recipient's written reply: staff of the recipient unit, the representative
    addressed, or the county office (for a committee's reply, received on paper)."""
    user_id = principal.require_user()
    recipient = await session.scalar(
        select(ConsultationRecipient)
        .where(ConsultationRecipient.id == recipient_id)
        .with_for_update()
    )
    if recipient is None:
        raise DomainError(Code.NOT_FOUND, "征询对象不存在", field="recipientId")
    allowed = access.is_county_office(principal)
    if not allowed and recipient.unit_id is not None:
        allowed = access.staff_of(principal, await access.unit_path(session, recipient.unit_id))
    if not allowed and recipient.representative_id is not None:
        rep = await access.get_representative(
            session, recipient.representative_id, field="recipientId"
        )
        allowed = rep.user_id == user_id
    if not allowed:
        raise PermissionDenied("无权反馈：需要被征询单位工作人员、被征询的代表委员或县级管理员")
    if recipient.replied_at is not None:
        raise DomainError(Code.ALREADY_REPLIED, "已反馈过意见", field="recipientId")
    body = clean_text(body, field="body", code=Code.INVALID, label="反馈意见", max_length=20000)
    consultation = await session.get(WrittenConsultation, recipient.consultation_id)
    assert consultation is not None
    at = now()
    recipient.reply, recipient.replied_at, recipient.replied_by = body, at, user_id
    await session.flush()
    payload: ConsultationReplied = {
        "recipientId": recipient.id,
        "body": body,
        "onTime": local_day(at) <= consultation.due_on,
    }
    await append_event(
        session,
        principal,
        CONSULTATION_EVENTS,
        tenant_id=consultation.tenant_id,
        row_id=consultation.id,
        type=ConsultationEvent.REPLIED,
        payload=payload,
    )
    return recipient


async def list_written_consultations(
    session: AsyncSession,
    principal: Principal,
    *,
    overdue: bool | None,
    after_id: int | None,
    limit: int,
) -> list[WrittenConsultation]:
    """Newest first; `overdue`: past `due_on` with a recipient that has not replied."""
    access.require_working_reader(principal)
    query = select(WrittenConsultation).order_by(WrittenConsultation.id.desc()).limit(limit)
    if overdue is not None:
        late = WrittenConsultation.id.in_(
            select(ConsultationRecipient.consultation_id).where(
                ConsultationRecipient.replied_at.is_(None)
            )
        ) & (WrittenConsultation.due_on < local_day(now()))
        query = query.where(late if overdue else ~late)
    if after_id is not None:
        query = query.where(WrittenConsultation.id < after_id)
    return list((await session.scalars(query)).all())


async def recipients_of(
    session: AsyncSession, consultation_ids: Sequence[int]
) -> dict[int, list[ConsultationRecipient]]:
    out: dict[int, list[ConsultationRecipient]] = {i: [] for i in consultation_ids}
    if consultation_ids:
        for r in await session.scalars(
            select(ConsultationRecipient)
            .where(ConsultationRecipient.consultation_id.in_(list(consultation_ids)))
            .order_by(ConsultationRecipient.id)
        ):
            out[r.consultation_id].append(r)
    return out


@dataclass(frozen=True, slots=True)
class ParticipantIn:
    name: str | None
    role: str | None
    representative_id: int | None


async def record_counterpart_session(
    session: AsyncSession,
    principal: Principal,
    *,
    department_unit_id: int,
    committee: str,
    title: str,
    held_on: date,
    topics: Sequence[str],
    participants: Sequence[ParticipantIn],
    minutes: str | None,
) -> CounterpartSession:
    """Record a 对口协商 session of a department (its staff or the county office)."""
    await _require_unit_staff(
        session, principal, department_unit_id, field="departmentId", action="记录对口协商"
    )
    committee = clean_text(
        committee, field="committee", code=Code.INVALID, label="对口专门委员会", max_length=100
    )
    title = clean_text(title, field="title", code=Code.INVALID, label="协商议题", max_length=200)
    topic_list = [
        clean_text(t, field="topics", code=Code.INVALID, label="议题", max_length=200)
        for t in topics
    ]
    if not topic_list:
        raise DomainError(Code.INVALID, "至少列出一个协商议题", field="topics")
    minutes = clean_text(
        minutes,
        field="minutes",
        code=Code.INVALID,
        label="会议纪要",
        max_length=50000,
        required=False,
    )
    if held_on > local_day(now()):
        raise DomainError(
            Code.INVALID, "协商日期不能晚于今天（记录的是已召开的协商）", field="heldOn"
        )
    people: list[dict[str, object]] = []
    for p in participants:
        name = clean_text(
            p.name,
            field="participants",
            code=Code.INVALID,
            label="参加人姓名",
            max_length=50,
            required=p.representative_id is None,
        )
        if p.representative_id is not None:
            rep = await access.get_representative(
                session, p.representative_id, field="participants"
            )
            name = name or rep.name
        role = clean_text(
            p.role,
            field="participants",
            code=Code.INVALID,
            label="身份",
            max_length=50,
            required=False,
        )
        people.append({"name": name, "role": role, "representativeId": p.representative_id})
    if not people:
        raise DomainError(Code.INVALID, "至少记录一名参加人", field="participants")
    tenant_id = principal.require_tenant()
    row = CounterpartSession(
        tenant_id=tenant_id,
        department_unit_id=department_unit_id,
        committee=committee,
        title=title,
        held_on=held_on,
        topics=topic_list,
        participants=people,
        minutes=minutes,
        created_by=principal.user_id,
    )
    session.add(row)
    await session.flush()
    payload: CounterpartRecorded = {
        "id": row.id,
        "departmentUnitId": department_unit_id,
        "committee": committee,
        "title": title,
        "heldOn": held_on.isoformat(),
        "topics": topic_list,
        "participants": len(people),
    }
    await append_event(
        session,
        principal,
        COUNTERPART_EVENTS,
        tenant_id=tenant_id,
        row_id=row.id,
        type=CounterpartEvent.RECORDED,
        payload=payload,
    )
    return row


async def list_counterpart_sessions(
    session: AsyncSession,
    principal: Principal,
    *,
    department_unit_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[CounterpartSession]:
    access.require_working_reader(principal)
    query = select(CounterpartSession).order_by(CounterpartSession.id.desc()).limit(limit)
    if department_unit_id is not None:
        query = query.where(CounterpartSession.department_unit_id == department_unit_id)
    if after_id is not None:
        query = query.where(CounterpartSession.id < after_id)
    return list((await session.scalars(query)).all())
