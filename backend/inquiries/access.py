"""Loading the domain's rows and deciding who may do what.

- County office (县政府办公厅 in seed 001: a county-wide TENANT_ADMIN): the schedule (groups,
  generating a year, rescheduling, cancelling), opening opinion collections, the central
  entry, review and dispatch of opinions (集中录入—审核分办).
- Department staff (DEPARTMENT_STAFF or a TENANT_ADMIN whose grant covers the department):
  running their department's sessions (start, end, enter a caller's question, answer,
  assign, turn into a case) and answering the opinions dispatched to their unit (归口答复).
- Any signed-in member of the county: asking in a live session; the person who gave an
  opinion rates its handling.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.inquiries import visibility  # noqa: F401  - registers the stream kinds
from backend.inquiries.errors import InquiryErrorCode as Code
from backend.inquiries.models import (
    InquiryGroup,
    InquiryQuestion,
    InquirySession,
    OpinionCollection,
    ReportOpinion,
)
from backend.inquiries.visibility import is_office, is_staff_of
from tenants.models import OrgUnit


def require_county_office(principal: Principal) -> None:
    principal.require_user()
    if not is_office(principal):
        raise PermissionDenied("无权执行此操作：需要县级管理员（县政府办公室）")


async def get_unit(session: AsyncSession, unit_id: int, *, field: str) -> OrgUnit:
    """A unit of this county (row-level security hides other counties' units)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在", field=field)
    return unit


async def require_staff_of(
    session: AsyncSession, principal: Principal, unit_id: int, *, what: str
) -> OrgUnit:
    """The unit, if the caller is the county office or staff covering it."""
    principal.require_user()
    unit = await get_unit(session, unit_id, field="unitId")
    if not (is_office(principal) or is_staff_of(principal, unit.path)):
        raise PermissionDenied(f"无权{what}：需要该单位工作人员或县级管理员")
    return unit


async def get_group(session: AsyncSession, group_id: int, *, lock: bool = False) -> InquiryGroup:
    query = select(InquiryGroup).where(InquiryGroup.id == group_id)
    group = await session.scalar(query.with_for_update() if lock else query)
    if group is None:
        raise DomainError(Code.NOT_FOUND, "问政组别不存在", field="groupId")
    return group


async def get_session(
    session: AsyncSession, session_id: int, *, lock: bool = False
) -> InquirySession:
    query = select(InquirySession).where(InquirySession.id == session_id)
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise DomainError(Code.NOT_FOUND, "问政场次不存在", field="sessionId")
    return row


async def get_question(
    session: AsyncSession, question_id: int, *, lock: bool = False
) -> InquiryQuestion:
    query = select(InquiryQuestion).where(InquiryQuestion.id == question_id)
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise DomainError(Code.NOT_FOUND, "问题不存在", field="questionId")
    return row


async def get_collection(session: AsyncSession, collection_id: int) -> OpinionCollection:
    row = await session.get(OpinionCollection, collection_id)
    if row is None:
        raise DomainError(Code.NOT_FOUND, "意见征集不存在", field="collectionId")
    return row


async def get_opinion(
    session: AsyncSession, opinion_id: int, *, lock: bool = True
) -> ReportOpinion:
    query = select(ReportOpinion).where(ReportOpinion.id == opinion_id)
    row = await session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise DomainError(Code.NOT_FOUND, "意见建议不存在", field="opinionId")
    return row


from backend.inquiries import personal_data as _personal_data  # noqa: E402,F401  (its section)
