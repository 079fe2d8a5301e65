"""Publication (政务村务公开): an answered case that is not private (点对点) and not a
personal matter may be published by the county office; the public sees what was asked and
the result, personal data masked (`masking`), never the submitter."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import get_case, require_county_office
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.events import CaseEvent
from backend.cases.models import Case, CaseState, MatterClass
from backend.cases.stream import append_event, now
from backend.core.errors import DomainError
from backend.core.security import Principal


def published() -> ColumnElement[bool]:
    """Cases anyone of the county may read (masked)."""
    return and_(Case.published_at.is_not(None), Case.is_private.is_(False))


async def publish_case(session: AsyncSession, principal: Principal, *, case_id: int) -> Case:
    require_county_office(principal)
    case = await get_case(session, case_id, lock=True)
    if case.is_private or case.matter_class is MatterClass.PERSONAL:
        raise DomainError(Code.PRIVATE_CASE, "个人事项（点对点）不公开", field="caseId")
    if case.state not in (CaseState.ANSWERED, CaseState.CLOSED):
        raise DomainError(Code.NOT_ANSWERED, "事项答复后才能公开", field="caseId")
    if case.published_at is not None:
        raise DomainError(Code.INVALID_STATE, "事项已公开", field="caseId")
    case.published_at = now()
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_PUBLISHED,
        {"publishedAt": case.published_at.isoformat()},
    )
    return case
