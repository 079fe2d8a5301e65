"""Opinions collected before a 述职报告会 (seed 001, 三民活动 “听市民意见”: 述职报告会前一个月
… 开通意见建议征集通道 …；对各个渠道征集到的意见建议，采取“集中录入—审核分办—部门研究—归口答复”
的办理方式，对意见建议区分转阅件和转办件进行办理。建立了意见建议网上办理满意度评价系统).

- `open_collection` (county office): for a meeting of kind WORK_REPORT and its reporting
  units, at least `meeting.opinion_collection_lead` (30 days, one month) before the
  meeting, else TOO_LATE citing the rule; it closes when the meeting starts.
- `enter_opinion` (集中录入, county office): for one reporting unit, with its channel and
  the giver (an account, to rate online, or a name and phone: whoever then signs in with
  that number proven — `PHONE_VERIFIED` or above, e.g. by SMS code — is the giver online).
- `review_opinion` (审核, county office): accepted, or rejected with a reason.
- `dispatch_opinion` (分办, county office): to the unit as 转办件 (TO_HANDLE) or 转阅件
  (FOR_REFERENCE).
- `answer_opinion` (部门研究—归口答复, staff of the unit it was dispatched to).
- `rate_opinion` (the giver, online): 满意/基本满意/不满意, once, only after the answer
  (NOT_ANSWERED).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import phonenumbers
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar
from backend.cases.models import Satisfaction
from backend.core import rules
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role, Verification
from backend.core.validation import clean_text
from backend.inquiries import stream
from backend.inquiries.access import (
    get_collection,
    get_opinion,
    get_unit,
    require_county_office,
    require_staff_of,
)
from backend.inquiries.errors import InquiryErrorCode as Code
from backend.inquiries.events import (
    CollectionOpened,
    OpinionDispatched,
    OpinionEntered,
    OpinionEvent,
    OpinionRated,
    OpinionReviewed,
    ReportOpinionAnswered,
)
from backend.inquiries.models import (
    OpinionCollection,
    OpinionCollectionUnit,
    OpinionHandling,
    OpinionSource,
    OpinionState,
    ReportOpinion,
)
from backend.inquiries.visibility import is_office, is_staff_of
from backend.meetings.models import Meeting, MeetingKind
from backend.people.models import User
from realtime.event_types import Logged
from tenants.models import OrgUnit, Tenant

P = TypeVar("P")

LEAD_RULE = "meeting.opinion_collection_lead"
MAX_UNITS = 100
BODY_MAX = 5000


async def open_collection(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    unit_ids: Sequence[int],
    title: str,
) -> OpinionCollection:
    """Open the collection of a 述职报告会 now for its reporting units."""
    require_county_office(principal)
    tenant_id = principal.require_tenant()
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(Code.NOT_FOUND, "会议不存在", field="meetingId")
    if meeting.kind is not MeetingKind.WORK_REPORT:
        raise DomainError(
            Code.WRONG_MEETING_KIND, "意见建议征集须关联述职报告会", field="meetingId"
        )
    text = clean_text(title, field="title", code=Code.INVALID, label="征集标题", max_length=200)
    if not unit_ids:
        raise DomainError(Code.INVALID, "请选择述职单位", field="unitIds")
    if len(unit_ids) > MAX_UNITS or len(set(unit_ids)) != len(unit_ids):
        raise DomainError(Code.INVALID, f"述职单位不能重复，且不超过{MAX_UNITS}个", field="unitIds")
    for i, unit_id in enumerate(unit_ids):
        await get_unit(session, unit_id, field=f"unitIds.{i}")
    if await session.scalar(
        select(OpinionCollection.id).where(OpinionCollection.meeting_id == meeting_id)
    ):
        raise DomainError(Code.ALREADY_OPEN, "该述职报告会已开通意见征集", field="meetingId")
    opened_at = stream.now()
    tenant = await session.get(Tenant, tenant_id)
    assert tenant is not None
    rule = rules.effective_rule(tenant.settings or {}, LEAD_RULE)
    check = rules.lead_time_check(
        opened_at,
        meeting.starts_at,
        rule,
        tenant.timezone,
        await load_calendar(session, tenant_id),
    )
    if not check.ok:
        raise DomainError(Code.TOO_LATE, check.message, field="meetingId")
    collection = OpinionCollection(
        tenant_id=tenant_id,
        meeting_id=meeting_id,
        title=text,
        opened_at=opened_at,
        closes_at=meeting.starts_at,
        opened_by_user_id=principal.require_user(),
    )
    session.add(collection)
    await session.flush()
    session.add_all(
        OpinionCollectionUnit(tenant_id=tenant_id, collection_id=collection.id, org_unit_id=u)
        for u in unit_ids
    )
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=tenant_id,
        stream=stream.opinion_stream(collection.id),
        type=OpinionEvent.COLLECTION_OPENED,
        payload=CollectionOpened(
            id=collection.id,
            meetingId=meeting_id,
            title=text,
            unitIds=list(unit_ids),
            openedAt=opened_at.isoformat(),
            closesAt=collection.closes_at.isoformat(),
        ),
    )
    return collection


async def collection_units(session: AsyncSession, collection_id: int) -> list[int]:
    return list(
        (
            await session.scalars(
                select(OpinionCollectionUnit.org_unit_id)
                .where(OpinionCollectionUnit.collection_id == collection_id)
                .order_by(OpinionCollectionUnit.id)
            )
        ).all()
    )


def _phone(value: str | None) -> str | None:
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(Code.INVALID, "联系电话格式不正确", field="giverPhone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class OpinionDraft:
    unit_id: int
    source: OpinionSource
    body: str
    giver_user_id: int | None = None
    giver_name: str | None = None
    giver_phone: str | None = None


async def _emit(
    session: AsyncSession, principal: Principal, opinion: ReportOpinion, type: Logged[P], payload: P
) -> None:
    await stream.append_event(
        session,
        principal,
        tenant_id=opinion.tenant_id,
        stream=stream.opinion_stream(opinion.collection_id),
        type=type,
        payload=payload,
    )


async def enter_opinion(
    session: AsyncSession, principal: Principal, *, collection_id: int, draft: OpinionDraft
) -> ReportOpinion:
    """集中录入: the county office enters an opinion from any channel while the collection
    is open."""
    principal.require_user()
    collection = await get_collection(session, collection_id)
    require_county_office(principal)
    if stream.now() >= collection.closes_at:
        raise DomainError(Code.CLOSED, "述职报告会已召开，意见征集已截止", field="collectionId")
    if draft.unit_id not in await collection_units(session, collection_id):
        raise DomainError(Code.NOT_REPORTING_UNIT, "该单位不是本次述职单位", field="unitId")
    body = clean_text(
        draft.body, field="body", code=Code.INVALID, label="意见建议", max_length=BODY_MAX
    )
    name = clean_text(
        draft.giver_name,
        field="giverName",
        code=Code.INVALID,
        label="提出人姓名",
        max_length=50,
        required=False,
    )
    phone = _phone(draft.giver_phone)
    if draft.giver_user_id is not None:
        giver = await session.get(User, draft.giver_user_id)
        if giver is None:
            raise DomainError(Code.NOT_FOUND, "提出人账号不存在", field="giverId")
    elif name is None or phone is None:
        raise DomainError(
            Code.CONTACT_REQUIRED,
            "请填写提出人账号，或提出人姓名和联系电话",
            field="giverName" if name is None else "giverPhone",
        )
    opinion = ReportOpinion(
        tenant_id=collection.tenant_id,
        collection_id=collection.id,
        unit_id=draft.unit_id,
        source=draft.source,
        body=body,
        giver_user_id=draft.giver_user_id,
        giver_name=name,
        giver_phone=phone,
        entered_by_user_id=principal.user_id,
        state=OpinionState.ENTERED,
    )
    session.add(opinion)
    await session.flush()
    await _emit(
        session,
        principal,
        opinion,
        OpinionEvent.ENTERED,
        OpinionEntered(
            id=opinion.id,
            unitId=opinion.unit_id,
            source=opinion.source.value,
            body=body,
            giverId=opinion.giver_user_id,
            state=opinion.state.value,
        ),
    )
    return opinion


async def review_opinion(
    session: AsyncSession,
    principal: Principal,
    *,
    opinion_id: int,
    accepted: bool,
    reason: str | None,
) -> ReportOpinion:
    """审核: accepted, or rejected with a reason (kept; never public)."""
    principal.require_user()
    opinion = await get_opinion(session, opinion_id)
    require_county_office(principal)
    if opinion.state is not OpinionState.ENTERED:
        raise DomainError(Code.INVALID_STATE, "该意见建议已审核", field="opinionId")
    text = clean_text(
        reason,
        field="reason",
        code=Code.REASON_REQUIRED,
        label="不予采用的理由",
        max_length=500,
        required=not accepted,
    )
    opinion.state = OpinionState.ACCEPTED if accepted else OpinionState.REJECTED
    opinion.review_reason, opinion.reviewed_at = text, stream.now()
    await session.flush()
    await _emit(
        session,
        principal,
        opinion,
        OpinionEvent.REVIEWED,
        OpinionReviewed(id=opinion.id, accepted=accepted, reason=text, state=opinion.state.value),
    )
    return opinion


async def dispatch_opinion(
    session: AsyncSession,
    principal: Principal,
    *,
    opinion_id: int,
    handling: OpinionHandling,
    unit_id: int | None,
) -> ReportOpinion:
    """分办: to its reporting unit (or another unit of the county) as 转办件 or 转阅件."""
    principal.require_user()
    opinion = await get_opinion(session, opinion_id)
    require_county_office(principal)
    if opinion.state is not OpinionState.ACCEPTED:
        raise DomainError(Code.INVALID_STATE, "只能分办审核通过的意见建议", field="opinionId")
    target = await get_unit(session, unit_id or opinion.unit_id, field="unitId")
    opinion.state = OpinionState.DISPATCHED
    opinion.handling, opinion.dispatched_unit_id = handling, target.id
    opinion.dispatched_at = stream.now()
    await session.flush()
    await _emit(
        session,
        principal,
        opinion,
        OpinionEvent.DISPATCHED,
        OpinionDispatched(
            id=opinion.id,
            unitId=target.id,
            handling=handling.value,
            state=opinion.state.value,
        ),
    )
    return opinion


async def answer_opinion(
    session: AsyncSession, principal: Principal, *, opinion_id: int, answer: str
) -> ReportOpinion:
    """归口答复: the unit it was dispatched to answers the giver."""
    principal.require_user()
    opinion = await get_opinion(session, opinion_id)
    unit_id = opinion.dispatched_unit_id or opinion.unit_id
    await require_staff_of(session, principal, unit_id, what="答复意见建议")
    if opinion.state is not OpinionState.DISPATCHED:
        raise DomainError(Code.INVALID_STATE, "该意见建议尚未分办或已答复", field="opinionId")
    text = clean_text(answer, field="answer", code=Code.INVALID, label="答复", max_length=BODY_MAX)
    opinion.answer, opinion.answered_at = text, stream.now()
    opinion.answered_by_user_id = principal.user_id
    opinion.state = OpinionState.ANSWERED
    await session.flush()
    await _emit(
        session,
        principal,
        opinion,
        OpinionEvent.ANSWERED,
        ReportOpinionAnswered(
            id=opinion.id,
            unitId=unit_id,
            answer=text,
            state=opinion.state.value,
        ),
    )
    return opinion


async def proven_phone(session: AsyncSession, principal: Principal) -> str | None:
    """The caller's phone number when they have proven it (PHONE_VERIFIED or above: an SMS
    code answered, a provider's verified number, a staff ID check), else None. It makes
    them the giver of the opinions entered with that number and no account."""
    if principal.user_id is None or not principal.verification.at_least(
        Verification.PHONE_VERIFIED
    ):
        return None
    phone = await session.scalar(select(User.phone).where(User.id == principal.user_id))
    return phone or None


def given_by(opinion: ReportOpinion, user_id: int | None, phone: str | None) -> bool:
    """Whether the caller gave the opinion: its giver's account, or (entered by name and
    phone, with no account) the number the caller has proven."""
    if opinion.giver_user_id is not None:
        return user_id is not None and opinion.giver_user_id == user_id
    return phone is not None and opinion.giver_phone == phone


async def rate_opinion(
    session: AsyncSession, principal: Principal, *, opinion_id: int, satisfaction: Satisfaction
) -> ReportOpinion:
    """The giver rates the handling online (满意/基本满意/不满意), once, after the answer:
    the giver's account, or whoever signed in with the giver's number proven."""
    user_id = principal.require_user()
    opinion = await get_opinion(session, opinion_id)
    if not given_by(opinion, user_id, await proven_phone(session, principal)):
        raise PermissionDenied("只有提出意见建议的本人可以评价")
    if opinion.state is OpinionState.RATED:
        raise DomainError(Code.ALREADY_RATED, "已评价过该意见建议的办理", field="opinionId")
    if opinion.state is not OpinionState.ANSWERED:
        raise DomainError(
            Code.NOT_ANSWERED, "该意见建议尚未答复，答复后才能评价", field="opinionId"
        )
    opinion.satisfaction, opinion.rated_at = satisfaction, stream.now()
    opinion.state = OpinionState.RATED
    await session.flush()
    await _emit(
        session,
        principal,
        opinion,
        OpinionEvent.RATED,
        OpinionRated(id=opinion.id, satisfaction=satisfaction.value, state=opinion.state.value),
    )
    return opinion


@dataclass(frozen=True, slots=True)
class UnitCounts:
    """Counts of one reporting unit's opinions (`answered` includes the rated ones)."""

    unit_id: int
    total: int
    pending_review: int
    accepted: int
    rejected: int
    dispatched: int
    answered: int
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


async def counts_per_unit(
    session: AsyncSession, principal: Principal, *, collection_id: int
) -> list[UnitCounts]:
    """Per reporting unit, in the collection's order (anyone of the county: counts carry no
    one's words)."""
    principal.require_tenant()
    await get_collection(session, collection_id)
    rows = (
        await session.execute(
            select(
                ReportOpinion.unit_id, ReportOpinion.state, ReportOpinion.satisfaction, func.count()
            )
            .where(ReportOpinion.collection_id == collection_id)
            .group_by(ReportOpinion.unit_id, ReportOpinion.state, ReportOpinion.satisfaction)
        )
    ).all()
    out: list[UnitCounts] = []
    for unit_id in await collection_units(session, collection_id):
        by: dict[OpinionState, int] = {}
        rated: dict[Satisfaction, int] = {}
        for u, state, satisfaction, n in rows:
            if u != unit_id:
                continue
            by[state] = by.get(state, 0) + n
            if satisfaction is not None:
                rated[satisfaction] = rated.get(satisfaction, 0) + n
        answered = by.get(OpinionState.ANSWERED, 0) + by.get(OpinionState.RATED, 0)
        out.append(
            UnitCounts(
                unit_id=unit_id,
                total=sum(by.values()),
                pending_review=by.get(OpinionState.ENTERED, 0),
                accepted=sum(by.values())
                - by.get(OpinionState.ENTERED, 0)
                - by.get(OpinionState.REJECTED, 0),
                rejected=by.get(OpinionState.REJECTED, 0),
                dispatched=by.get(OpinionState.DISPATCHED, 0) + answered,
                answered=answered,
                satisfied=rated.get(Satisfaction.SATISFIED, 0),
                basically_satisfied=rated.get(Satisfaction.BASICALLY_SATISFIED, 0),
                dissatisfied=rated.get(Satisfaction.DISSATISFIED, 0),
            )
        )
    return out


async def list_opinions(
    session: AsyncSession,
    principal: Principal,
    *,
    collection_id: int,
    unit_id: int | None,
    limit: int,
    after: int | None = None,
) -> list[ReportOpinion]:
    """A page of a collection's opinions in order, after the id `after`: the county
    office sees all, staff of a unit those for their unit or dispatched to it, a giver
    their own (filtered in the statement, so a page is full)."""
    user_id = principal.require_user()
    await get_collection(session, collection_id)
    query = select(ReportOpinion).where(
        ReportOpinion.collection_id == collection_id, ReportOpinion.id > (after or 0)
    )
    if unit_id is not None:
        query = query.where(
            (ReportOpinion.unit_id == unit_id) | (ReportOpinion.dispatched_unit_id == unit_id)
        )
    if not is_office(principal):
        scopes = [
            g.org_path
            for g in principal.grants
            if g.role in (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)
        ]
        mine = ReportOpinion.giver_user_id == user_id
        phone = await proven_phone(session, principal)
        if phone is not None:  # entered by name and this number, with no account
            mine = mine | (
                ReportOpinion.giver_user_id.is_(None) & (ReportOpinion.giver_phone == phone)
            )
        if any(path is None for path in scopes):
            pass  # county-wide staff: every unit's opinions
        elif scopes:
            staffed = select(OrgUnit.id).where(
                or_(*(OrgUnit.path.startswith(path, autoescape=True) for path in scopes if path))
            )
            query = query.where(
                mine
                | ReportOpinion.unit_id.in_(staffed)
                | ReportOpinion.dispatched_unit_id.in_(staffed)
            )
        else:
            query = query.where(mine)
    return list((await session.scalars(query.order_by(ReportOpinion.id).limit(limit))).all())


def staff_sees(principal: Principal, opinion: ReportOpinion, paths: dict[int, str]) -> bool:
    """Whether the caller handles the opinion (the office, staff of its unit or of the
    unit it was dispatched to): they see its giver, contact and review reason."""
    return is_office(principal) or any(
        u is not None and is_staff_of(principal, paths.get(u))
        for u in (opinion.unit_id, opinion.dispatched_unit_id)
    )


__all__ = [
    "UnitCounts",
    "answer_opinion",
    "counts_per_unit",
    "dispatch_opinion",
    "enter_opinion",
    "given_by",
    "list_opinions",
    "open_collection",
    "proven_phone",
    "rate_opinion",
    "review_opinion",
]
