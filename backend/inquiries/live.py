"""A live 网络问政 session (seed 001: 严格实行首问负责制。针对不同问题类型采取不同办理方式，
对咨询类问题现场给予答复，对建议类问题进行可行性判断 …，对不能现场解决的诉求类问题，初步回应后
线下调查研究再办理回复).

The department's staff start and end their session. While it is LIVE, any signed-in
member of the county asks (`ask_question`), or staff enter a caller's question with the
caller's name and phone (`enter_question`). Each question is assigned to the session's
leader (首问负责人) unless reassigned to another staff member of the department. It is
then answered live (咨询: `answer_question`) or turned into a case through the cases
intake (`turn_into_case`): channel ONLINE_INQUIRY (网络问政), the department accountable
(首接负责), the asker the submitter (or the caller's contact details), linked both ways
(`inquiry_questions.case_id`, unique, and the case's `case.received` on its stream; the
question's event names the case). A 建议 is classified 研究办 (RESEARCH: the feasibility
study runs on the case's deadline); a 诉求 needs an initial reply, recorded on the case
(`case.replied` INITIAL) before it is handled offline.
"""

from __future__ import annotations

import phonenumbers
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import classification, replies
from backend.cases import text as case_text
from backend.cases.events import CaseEvent, InboxEvent
from backend.cases.intake import next_number, received_snapshot
from backend.cases.models import (
    Case,
    CaseChannel,
    CaseKind,
    CaseState,
    HandlingClass,
    MatterClass,
    ReplyKind,
)
from backend.cases.stream import append_event as append_case_event
from backend.cases.stream import local_day, notify_inbox
from backend.cases.topics import check_topic
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.inquiries import stream
from backend.inquiries.access import get_question, get_session, get_unit, require_staff_of
from backend.inquiries.errors import InquiryErrorCode as Code
from backend.inquiries.events import (
    QuestionAnswered,
    QuestionAsked,
    QuestionAssigned,
    QuestionTurnedIntoCase,
    SessionEvent,
    SessionStateChanged,
)
from backend.inquiries.models import InquiryQuestion, InquirySession, QuestionState, SessionState
from backend.inquiries.schedule import _check_leader

BODY_MAX = 2000
ANSWER_MAX = 5000


async def _state_change(
    session: AsyncSession,
    principal: Principal,
    *,
    session_id: int,
    source: SessionState,
    target: SessionState,
) -> InquirySession:
    principal.require_user()
    row = await get_session(session, session_id, lock=True)
    await require_staff_of(session, principal, row.org_unit_id, what="主持问政")
    if row.state is not source:
        verb = "开始" if target is SessionState.LIVE else "结束"
        raise DomainError(Code.INVALID_STATE, f"该场次当前不能{verb}", field="sessionId")
    row.state = target
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.STARTED if target is SessionState.LIVE else SessionEvent.ENDED,
        payload=SessionStateChanged(state=target.value),
    )
    return row


async def start_session(
    session: AsyncSession, principal: Principal, *, session_id: int
) -> InquirySession:
    """SCHEDULED → LIVE (the department's staff or the county office)."""
    return await _state_change(
        session,
        principal,
        session_id=session_id,
        source=SessionState.SCHEDULED,
        target=SessionState.LIVE,
    )


async def end_session(
    session: AsyncSession, principal: Principal, *, session_id: int
) -> InquirySession:
    """LIVE → ENDED; questions still open stay on the record, answerable afterwards."""
    return await _state_change(
        session,
        principal,
        session_id=session_id,
        source=SessionState.LIVE,
        target=SessionState.ENDED,
    )


def asked_snapshot(q: InquiryQuestion) -> QuestionAsked:
    return {
        "id": q.id,
        "body": q.body,
        "askerId": q.asker_user_id,
        "enteredById": q.entered_by_user_id,
        "responderId": q.responder_user_id,
        "state": q.state.value,
    }


async def _new_question(
    session: AsyncSession,
    principal: Principal,
    row: InquirySession,
    *,
    body: str,
    on_behalf: bool,
    caller_name: str | None,
    caller_phone: str | None,
) -> InquiryQuestion:
    if row.state is not SessionState.LIVE:
        raise DomainError(Code.INVALID_STATE, "该场次不在问政时间内", field="sessionId")
    text = clean_text(body, field="body", code=Code.INVALID, label="问题", max_length=BODY_MAX)
    question = InquiryQuestion(
        tenant_id=row.tenant_id,
        session_id=row.id,
        body=text,
        asker_user_id=None if on_behalf else principal.user_id,
        entered_by_user_id=principal.user_id if on_behalf else None,
        caller_name=caller_name,
        caller_phone=caller_phone,
        responder_user_id=row.leader_user_id,  # 首问负责制
        state=QuestionState.ASKED,
    )
    session.add(question)
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.QUESTION_ASKED,
        payload=asked_snapshot(question),
    )
    return question


async def ask_question(
    session: AsyncSession, principal: Principal, *, session_id: int, body: str
) -> InquiryQuestion:
    """A signed-in member of the county asks in a live session."""
    principal.require_user()
    row = await get_session(session, session_id, lock=True)
    return await _new_question(
        session, principal, row, body=body, on_behalf=False, caller_name=None, caller_phone=None
    )


def _caller_phone(value: str | None) -> str:
    raw = (value or "").strip()
    if not raw:
        raise DomainError(Code.CONTACT_REQUIRED, "请填写来电人联系电话", field="callerPhone")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(Code.INVALID, "联系电话格式不正确", field="callerPhone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def enter_question(
    session: AsyncSession,
    principal: Principal,
    *,
    session_id: int,
    body: str,
    caller_name: str,
    caller_phone: str,
) -> InquiryQuestion:
    """Staff of the department (or the county office) enter a caller's question (热线,
    留言) with the caller's name and phone."""
    principal.require_user()
    row = await get_session(session, session_id, lock=True)
    await require_staff_of(session, principal, row.org_unit_id, what="代录问题")
    name = clean_text(
        caller_name,
        field="callerName",
        code=Code.CONTACT_REQUIRED,
        label="来电人姓名",
        max_length=50,
    )
    return await _new_question(
        session,
        principal,
        row,
        body=body,
        on_behalf=True,
        caller_name=name,
        caller_phone=_caller_phone(caller_phone),
    )


async def _handler(
    session: AsyncSession, principal: Principal, question_id: int
) -> tuple[InquiryQuestion, InquirySession]:
    principal.require_user()
    question = await get_question(session, question_id, lock=True)
    row = await get_session(session, question.session_id)
    if principal.user_id != question.responder_user_id:
        await require_staff_of(session, principal, row.org_unit_id, what="答复问题")
    if question.state is not QuestionState.ASKED:
        raise DomainError(Code.INVALID_STATE, "该问题已答复或已转为事项", field="questionId")
    if row.state not in (SessionState.LIVE, SessionState.ENDED):
        raise DomainError(Code.INVALID_STATE, "该场次尚未开始", field="questionId")
    return question, row


async def assign_question(
    session: AsyncSession, principal: Principal, *, question_id: int, responder_user_id: int
) -> InquiryQuestion:
    """Hand a question to another staff member of the department (the leader stays
    accountable: the reassignment is on the record)."""
    question, row = await _handler(session, principal, question_id)
    unit = await get_unit(session, row.org_unit_id, field="questionId")
    await _check_leader(
        session, user_id=responder_user_id, unit_path=unit.path, field="responderId"
    )
    question.responder_user_id = responder_user_id
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.QUESTION_ASSIGNED,
        payload=QuestionAssigned(id=question.id, responderId=responder_user_id),
    )
    return question


async def answer_question(
    session: AsyncSession, principal: Principal, *, question_id: int, answer: str
) -> InquiryQuestion:
    """Answer live (咨询类问题现场给予答复): the answer is recorded and shown."""
    question, row = await _handler(session, principal, question_id)
    text = clean_text(
        answer, field="answer", code=Code.INVALID, label="答复", max_length=ANSWER_MAX
    )
    question.answer, question.answered_at = text, stream.now()
    question.state = QuestionState.ANSWERED
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.QUESTION_ANSWERED,
        payload=QuestionAnswered(id=question.id, answer=text, state=question.state.value),
    )
    return question


async def turn_into_case(
    session: AsyncSession,
    principal: Principal,
    *,
    question_id: int,
    kind: CaseKind,
    title: str,
    initial_reply: str | None,
) -> InquiryQuestion:
    """Turn a question into a case of the department (建议 → 研究办; 诉求 → with its
    initial reply), through the cases intake; linked both ways."""
    question, row = await _handler(session, principal, question_id)
    if kind is CaseKind.CONSULTATION:
        raise DomainError(Code.INVALID, "咨询类问题请现场答复", field="kind")
    case_title = clean_text(
        title, field="title", code=Code.INVALID, label="事项标题", max_length=200
    )
    reply = clean_text(
        initial_reply,
        field="initialReply",
        code=Code.INVALID,
        label="初步答复",
        max_length=ANSWER_MAX,
        required=kind is CaseKind.DEMAND,
    )
    unit = await get_unit(session, row.org_unit_id, field="questionId")
    try:
        await check_topic(session, unit.path, f"{case_title}\n{question.body}")
    except DomainError as refused:
        raise DomainError(Code.EXCLUDED_TOPIC, refused.message, field="title") from refused
    received_at = stream.now()
    case = Case(
        tenant_id=row.tenant_id,
        number=await next_number(session, row.tenant_id, local_day(received_at).year),
        channel=CaseChannel.ONLINE_INQUIRY,
        kind=kind,
        title=case_title,
        body=question.body,
        state=CaseState.RECEIVED,
        submitter_user_id=question.asker_user_id,
        contact_name=question.caller_name,
        contact_phone=question.caller_phone,
        entered_by_user_id=principal.user_id,
        accountable_unit_id=unit.id,  # 首接负责: the department that took the question
        received_at=received_at,
        keywords=case_text.keywords(f"{case_title}\n{question.body}"),
    )
    session.add(case)
    await session.flush()
    await append_case_event(
        session, principal, case, CaseEvent.CASE_RECEIVED, received_snapshot(case)
    )
    await notify_inbox(session, principal, case, unit.id, InboxEvent.RECEIVED)
    question.case_id = case.id
    question.state = QuestionState.CASE
    question.answered_at = received_at
    await session.flush()
    if kind is CaseKind.SUGGESTION:
        await classification.classify_case(
            session,
            principal,
            case_id=case.id,
            kind=kind,
            matter_class=MatterClass.PUBLIC_INTEREST,
            handling_class=HandlingClass.RESEARCH,  # 可行性判断
        )
    if reply is not None:
        await replies.reply_case(
            session, principal, case_id=case.id, kind=ReplyKind.INITIAL, body=reply
        )
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.QUESTION_TURNED_INTO_CASE,
        payload=QuestionTurnedIntoCase(
            id=question.id,
            caseId=case.id,
            caseNumber=case.number,
            kind=kind.value,
            initialReply=reply,
            state=question.state.value,
        ),
    )
    return question


async def list_questions(
    session: AsyncSession,
    principal: Principal,
    *,
    session_id: int,
    limit: int,
    after: int | None = None,
) -> tuple[InquirySession, list[InquiryQuestion]]:
    """A page of the session's questions in order, after the id `after` (anyone of the
    county: the session is public; what each caller sees of them is the schema's
    business)."""
    principal.require_tenant()
    row = await get_session(session, session_id)
    questions = (
        await session.scalars(
            select(InquiryQuestion)
            .where(
                InquiryQuestion.session_id == session_id,
                InquiryQuestion.id > (after or 0),
            )
            .order_by(InquiryQuestion.id)
            .limit(limit)
        )
    ).all()
    return row, list(questions)


__all__ = [
    "answer_question",
    "ask_question",
    "assign_question",
    "end_session",
    "enter_question",
    "list_questions",
    "start_session",
    "turn_into_case",
]
