"""Merging (合并): several cases of the same matter become one. The merged cases end in
MERGED, point at the primary (`merged_into_id`) and mirror it from then on: every reply,
answer and closing of the primary is appended to their streams too, and the API shows
them the primary's replies and state, so the answer reaches every submitter."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import get_case, require_county_office, require_open
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.events import CaseEvent
from backend.cases.models import Case, CaseState
from backend.cases.stream import append_event, now
from backend.core.errors import DomainError
from backend.core.security import Principal

MAX_MERGE = 50


async def merge_cases(
    session: AsyncSession, principal: Principal, *, primary_id: int, case_ids: Sequence[int]
) -> Case:
    require_county_office(principal)
    ids = sorted(set(case_ids) - {primary_id})
    if not ids:
        raise DomainError(Code.INVALID, "请选择要合并的其他事项", field="caseIds")
    if len(ids) > MAX_MERGE:
        raise DomainError(Code.INVALID, f"一次最多合并{MAX_MERGE}件", field="caseIds")
    primary = await get_case(session, primary_id, lock=True)
    require_open(primary, action="合并其他事项")
    merged: list[Case] = []
    for case_id in ids:
        try:
            case = await get_case(session, case_id, lock=True)
        except DomainError as exc:
            raise DomainError(Code.NOT_FOUND, "要合并的事项不存在", field="caseIds") from exc
        if case.state not in (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.IN_PROGRESS):
            raise DomainError(
                Code.INVALID_STATE, f"事项{case.number}已办结或已合并，不能合并", field="caseIds"
            )
        merged.append(case)
    at = now()
    for case in merged:
        case.state, case.merged_into_id, case.closed_at = CaseState.MERGED, primary.id, at
    await session.flush()
    payload = {"primaryId": primary.id, "mergedIds": [c.id for c in merged]}
    await append_event(session, principal, primary, CaseEvent.CASE_MERGED, payload)
    for case in merged:
        await append_event(session, principal, case, CaseEvent.CASE_MERGED, payload)
    return primary
