"""GraphQL types of 网络问政 and the opinions collected before a 述职报告会. What a field
shows depends on the caller, fixed when the object is made: `staff` (the county office, the
department's or unit's staff) see who asked or gave and their contact; others see the
questions' text with phone and ID numbers masked, and of opinions only their own."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.cases.masking import mask_name, mask_phone, mask_text
from backend.inquiries import models
from backend.inquiries.errors import InquiryErrorCode as _Code
from backend.inquiries.opinions import UnitCounts
from schema.cases.types import Satisfaction
from schema.context import Info
from schema.errors import UserError
from schema.relay import to_global_id
from schema.tenants.types import OrgUnit

Frequency = models.Frequency
strawberry.enum(
    Frequency,
    description="WEEKLY 每周, MONTHLY 每月, QUARTERLY 每季度, HALF_YEARLY 每半年 (seed 001).",
)
SessionState = models.SessionState
strawberry.enum(
    SessionState,
    description="SCHEDULED 已排期 → LIVE 正在问政 → ENDED 已结束; CANCELLED 已取消.",
)
QuestionState = models.QuestionState
strawberry.enum(
    QuestionState,
    description="ASKED 待答复, ANSWERED 已现场答复 (咨询), CASE 已转为事项 (建议/诉求).",
)
OpinionSource = models.OpinionSource
strawberry.enum(
    OpinionSource,
    description=(
        "Where an opinion came from: GOV_WEBSITE 政务网, WECHAT 微信公众号, GOV_APP 政务通, "
        "INSTITUTION 机关事业单位, UNIVERSITY 高校, SOCIAL_ORGANIZATION 社会组织/协会商会, OTHER."
    ),
)
OpinionState = models.OpinionState
strawberry.enum(
    OpinionState,
    description=(
        "ENTERED 已录入(待审核) → ACCEPTED 审核通过 (or REJECTED 未通过) → DISPATCHED 已分办 → "
        "ANSWERED 已答复 → RATED 已评价."
    ),
)
OpinionHandling = models.OpinionHandling
strawberry.enum(
    OpinionHandling, description="TO_HANDLE 转办件 (must answer), FOR_REFERENCE 转阅件."
)
InquiryErrorCode = _Code
strawberry.enum(InquiryErrorCode, description="Why a 网络问政 or opinion action was refused.")


@strawberry.type(description="A failure of a 网络问政 or opinion-collection action.")
class InquiryError(UserError):
    code: InquiryErrorCode = strawberry.field(description="Machine-readable reason.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


def _id(type_name: str, db_id: int) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, db_id))


async def _unit(info: Info, unit_id: int | None) -> OrgUnit | None:
    if unit_id is None:
        return None
    row = await info.context.loaders.org_unit.load(unit_id)
    return OrgUnit.from_model(row) if row else None


@strawberry.type(description="A department of a schedule group, in the group's order.")
class InquiryGroupUnit:
    unit_id: strawberry.ID = strawberry.field(description="The department (OrgUnit).")
    position: int = strawberry.field(description="Its place in the group's order (0 first).")
    leader_id: strawberry.ID | None = strawberry.field(
        description="The leader's account (首问负责人; county office only)."
    )

    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The department.")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await _unit(info, self.unit_db_id)


@strawberry.type(
    description="A schedule group (上线频次组别): its departments appear once per period, "
    "one after another from the start time, on the slot rule's day."
)
class InquiryGroup:
    id: strawberry.ID = strawberry.field(description="Global id of the group.")
    name: str = strawberry.field(description="Name, e.g. 第一组（每周）.")
    frequency: Frequency = strawberry.field(description="How often its departments appear.")
    weekday: int = strawberry.field(description="Day of the week, 1 (Monday) to 5 (Friday).")
    ordinal: int = strawberry.field(
        description="Which such weekday of the month (1–4; not used for WEEKLY)."
    )
    month_in_period: int = strawberry.field(
        description="Which month of the quarter or half-year (1–3 / 1–6)."
    )
    start_time: str = strawberry.field(description="Start of the first slot, HH:MM (county time).")
    duration_minutes: int = strawberry.field(description="Length of each department's slot.")
    units: list[InquiryGroupUnit] = strawberry.field(description="Its departments, in order.")
    stream: str = strawberry.field(description="Its event stream, inquirygroup:<id>.")

    @classmethod
    def from_model(
        cls, g: models.InquiryGroup, units: list[models.InquiryGroupUnit], *, office: bool
    ) -> InquiryGroup:
        group_id = _id("InquiryGroup", g.id)
        return cls(
            id=group_id,
            name=g.name,
            frequency=g.frequency,
            weekday=g.weekday,
            ordinal=g.ordinal,
            month_in_period=g.month_in_period,
            start_time=g.start_time.isoformat(timespec="minutes"),
            duration_minutes=g.duration_minutes,
            units=[
                InquiryGroupUnit(
                    unit_id=_id("OrgUnit", u.org_unit_id),
                    position=u.position,
                    leader_id=gid("User", u.leader_user_id) if office else None,
                    unit_db_id=u.org_unit_id,
                )
                for u in units
            ],
            stream=f"inquirygroup:{group_id}",
        )


@strawberry.type(description="One department's 网络问政 session.")
class InquirySession:
    id: strawberry.ID = strawberry.field(description="Global id of the session.")
    group_id: strawberry.ID = strawberry.field(description="Its schedule group.")
    unit_id: strawberry.ID = strawberry.field(description="The department on line.")
    year: int = strawberry.field(description="The year of the plan.")
    period: int = strawberry.field(description="Which period of the year (week, month, …), 1…")
    planned_on: date = strawberry.field(description="The day the slot rule gives.")
    scheduled_on: date = strawberry.field(description="The day it is held (a working day).")
    starts_at: datetime = strawberry.field(description="When it starts.")
    ends_at: datetime = strawberry.field(description="When it ends.")
    moved_reason: str | None = strawberry.field(
        description="Why it is not on the planned day (e.g. 国庆节放假，顺延至下一个工作日)."
    )
    provisional: bool = strawberry.field(
        description="True when the year's official holidays were not yet published (the "
        "day may move)."
    )
    state: SessionState = strawberry.field(description="Where the session is.")
    rescheduled_reason: str | None = strawberry.field(description="Why it was rescheduled.")
    cancelled_reason: str | None = strawberry.field(description="Why it was cancelled.")
    stream: str = strawberry.field(
        description="Its live feed of questions and answers, inquiry:<id> (streamEvents and "
        "the stream subscription)."
    )
    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The department on line.")
    async def unit(self, info: Info) -> OrgUnit | None:
        return await _unit(info, self.unit_db_id)

    @classmethod
    def from_model(cls, s: models.InquirySession) -> InquirySession:
        session_id = _id("InquirySession", s.id)
        return cls(
            id=session_id,
            group_id=_id("InquiryGroup", s.group_id),
            unit_id=_id("OrgUnit", s.org_unit_id),
            year=s.year,
            period=s.period,
            planned_on=s.planned_on,
            scheduled_on=s.scheduled_on,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            moved_reason=s.moved_reason,
            provisional=s.provisional,
            state=s.state,
            rescheduled_reason=s.rescheduled_reason,
            cancelled_reason=s.cancelled_reason,
            stream=f"inquiry:{session_id}",
            unit_db_id=s.org_unit_id,
        )


@strawberry.type(description="A question asked in a 网络问政 session.")
class InquiryQuestion:
    id: strawberry.ID = strawberry.field(description="Global id of the question.")
    session_id: strawberry.ID = strawberry.field(description="The session.")
    body: str = strawberry.field(
        description="The question (phone and ID numbers masked except for staff)."
    )
    state: QuestionState = strawberry.field(description="Answered, turned into a case, or not yet.")
    answer: str | None = strawberry.field(description="The live answer (咨询).")
    answered_at: datetime | None = strawberry.field(
        description="When it was answered or turned into a case."
    )
    asked_at: datetime = strawberry.field(description="When it was asked.")
    case_id: strawberry.ID | None = strawberry.field(
        description="The case it became (建议/诉求), to follow with node(id:)."
    )
    mine: bool = strawberry.field(description="True when the caller asked it.")
    asker_id: strawberry.ID | None = strawberry.field(
        description="Who asked (staff only; null for a caller's question)."
    )
    caller_name: str | None = strawberry.field(
        description="The caller's name, for a question entered by staff (staff only)."
    )
    caller_phone: str | None = strawberry.field(
        description="The caller's phone (staff only, masked: 138****1234)."
    )
    responder_id: strawberry.ID | None = strawberry.field(
        description="Who answers it (首问负责人 by default; staff only)."
    )
    db_id: strawberry.Private[int]

    @classmethod
    def from_model(
        cls, q: models.InquiryQuestion, *, staff: bool, viewer: int | None
    ) -> InquiryQuestion:
        return cls(
            id=_id("InquiryQuestion", q.id),
            session_id=_id("InquirySession", q.session_id),
            body=q.body if staff else (mask_text(q.body) or ""),
            state=q.state,
            answer=q.answer if staff else mask_text(q.answer),
            answered_at=q.answered_at,
            asked_at=q.created_at,
            case_id=gid("Case", q.case_id),
            mine=viewer is not None and q.asker_user_id == viewer,
            asker_id=gid("User", q.asker_user_id) if staff else None,
            caller_name=q.caller_name if staff else None,
            caller_phone=mask_phone(q.caller_phone) if staff else None,
            responder_id=gid("User", q.responder_user_id) if staff else None,
            db_id=q.id,
        )


@strawberry.type(description="An opinion collection (意见建议征集) before a 述职报告会.")
class OpinionCollection:
    id: strawberry.ID = strawberry.field(description="Global id of the collection.")
    meeting_id: strawberry.ID = strawberry.field(description="The 述职报告会 (Meeting).")
    title: str = strawberry.field(description="Title of the collection.")
    opened_at: datetime = strawberry.field(description="When it opened.")
    closes_at: datetime = strawberry.field(description="When it closes (the meeting's start).")
    unit_ids: list[strawberry.ID] = strawberry.field(description="The reporting units.")
    stream: str = strawberry.field(description="Its event stream, opinions:<id>.")

    @classmethod
    def from_model(cls, c: models.OpinionCollection, unit_ids: list[int]) -> OpinionCollection:
        collection_id = _id("OpinionCollection", c.id)
        return cls(
            id=collection_id,
            meeting_id=_id("Meeting", c.meeting_id),
            title=c.title,
            opened_at=c.opened_at,
            closes_at=c.closes_at,
            unit_ids=[_id("OrgUnit", u) for u in unit_ids],
            stream=f"opinions:{collection_id}",
        )


@strawberry.type(description="An opinion or suggestion (意见建议) for a reporting unit.")
class ReportOpinion:
    id: strawberry.ID = strawberry.field(description="Global id of the opinion.")
    collection_id: strawberry.ID = strawberry.field(description="Its collection.")
    unit_id: strawberry.ID = strawberry.field(description="The reporting unit it is about.")
    source: OpinionSource = strawberry.field(description="The channel it came by.")
    body: str = strawberry.field(description="What was said.")
    state: OpinionState = strawberry.field(description="Where its handling is.")
    review_reason: str | None = strawberry.field(
        description="Why it was not accepted (handling staff only)."
    )
    handling: OpinionHandling | None = strawberry.field(
        description="转办件 or 转阅件, once dispatched."
    )
    dispatched_unit_id: strawberry.ID | None = strawberry.field(
        description="The unit it was dispatched to (分办)."
    )
    answer: str | None = strawberry.field(description="The unit's answer (归口答复).")
    answered_at: datetime | None = strawberry.field(description="When it was answered.")
    satisfaction: Satisfaction | None = strawberry.field(description="The giver's rating.")
    rated_at: datetime | None = strawberry.field(description="When it was rated.")
    mine: bool = strawberry.field(
        description="True when the caller gave it: their account, or the giver's number they "
        "have proven (PHONE_VERIFIED or above) for one entered by name and phone."
    )
    giver_id: strawberry.ID | None = strawberry.field(
        description="The giver's account (handling staff only)."
    )
    giver_name: str | None = strawberry.field(description="The giver's name (masked: 王**).")
    giver_phone: str | None = strawberry.field(description="The giver's phone (masked).")
    db_id: strawberry.Private[int]

    @classmethod
    def from_model(
        cls, o: models.ReportOpinion, *, staff: bool, viewer: int | None, mine: bool = False
    ) -> ReportOpinion:
        return cls(
            id=_id("ReportOpinion", o.id),
            collection_id=_id("OpinionCollection", o.collection_id),
            unit_id=_id("OrgUnit", o.unit_id),
            source=o.source,
            body=o.body,
            state=o.state,
            review_reason=o.review_reason if staff else None,
            handling=o.handling,
            dispatched_unit_id=gid("OrgUnit", o.dispatched_unit_id),
            answer=o.answer,
            answered_at=o.answered_at,
            satisfaction=o.satisfaction,
            rated_at=o.rated_at,
            mine=mine or (viewer is not None and o.giver_user_id == viewer),
            giver_id=gid("User", o.giver_user_id) if staff else None,
            giver_name=mask_name(o.giver_name) if staff else None,
            giver_phone=mask_phone(o.giver_phone) if staff else None,
            db_id=o.id,
        )


@strawberry.type(description="Counts of one reporting unit's opinions.")
class OpinionUnitCounts:
    unit_id: strawberry.ID = strawberry.field(description="The reporting unit.")
    total: int = strawberry.field(description="Opinions entered for it.")
    pending_review: int = strawberry.field(description="Not yet reviewed (待审核).")
    accepted: int = strawberry.field(
        description="Accepted at review (审核通过), in any later state."
    )
    rejected: int = strawberry.field(description="Not accepted.")
    dispatched: int = strawberry.field(description="Dispatched to a unit (分办), answered or not.")
    answered: int = strawberry.field(description="Answered (归口答复), rated or not.")
    satisfied: int = strawberry.field(description="Rated 满意.")
    basically_satisfied: int = strawberry.field(description="Rated 基本满意.")
    dissatisfied: int = strawberry.field(description="Rated 不满意.")

    @classmethod
    def from_counts(cls, c: UnitCounts) -> OpinionUnitCounts:
        return cls(
            unit_id=_id("OrgUnit", c.unit_id),
            total=c.total,
            pending_review=c.pending_review,
            accepted=c.accepted,
            rejected=c.rejected,
            dispatched=c.dispatched,
            answered=c.answered,
            satisfied=c.satisfied,
            basically_satisfied=c.basically_satisfied,
            dissatisfied=c.dissatisfied,
        )
