"""The 执法自我纠错台账 (seed 000 三(五)3, "向上+向下"行政执法自我纠错衔接机制): leads from the
三级说事 platform sent up to the enforcing unit (向上转办: 有案必接、有错必纠, a self-correction
procedure started first whatever the complaint), and the county's enforcement supervisor's
reviews down (向下监督: 案卷评查、实地走访, an investigation for a serious unlawful act).

Entries are the enforcement units' working files: tenant admins and department staff
covering the unit see and keep them; nobody else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, extract, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access as case_access
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.oversight import access
from backend.oversight.errors import OversightErrorCode as Code
from backend.oversight.events import CorrectionConcluded, CorrectionRecorded, OversightEvent
from backend.oversight.models import (
    CorrectionDirection,
    CorrectionEntry,
    CorrectionOutcome,
)
from backend.oversight.stream import append_event
from tenants.models import OrgUnit

FINAL = (CorrectionOutcome.CORRECTED, CorrectionOutcome.NO_ERROR, CorrectionOutcome.INVESTIGATION)


def _require_staff(principal: Principal, unit: OrgUnit) -> None:
    principal.require(Role.DEPARTMENT_STAFF, at_path=unit.path)


async def record_correction(
    session: AsyncSession,
    principal: Principal,
    *,
    direction: CorrectionDirection,
    matter: str,
    unit_id: int,
    received_on: date,
    started_on: date | None = None,
    case_id: int | None = None,
) -> CorrectionEntry:
    """A new ledger entry, pending: received (not after today), the self-correction started
    on or after that (not after today), optionally the case it came from."""
    principal.require_user()
    unit = await access.get_unit(session, unit_id, field="unitId")
    _require_staff(principal, unit)
    access.not_future(received_on, field="receivedOn", label="受理日期")
    if started_on is not None:
        access.not_future(started_on, field="startedOn", label="启动纠错日期")
        if started_on < received_on:
            raise DomainError(Code.BAD_DATES, "启动纠错日期不能早于受理日期", field="startedOn")
    if case_id is not None:
        await case_access.get_case(session, case_id)
    entry = CorrectionEntry(
        tenant_id=principal.require_tenant(),
        direction=direction,
        matter=clean_text(matter, field="matter", code=Code.INVALID, label="事项", max_length=2000),
        unit_id=unit.id,
        case_id=case_id,
        received_on=received_on,
        started_on=started_on,
        outcome=CorrectionOutcome.PENDING,
        recorded_by=principal.user_id,
    )
    session.add(entry)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.CORRECTION_RECORDED,
        CorrectionRecorded(
            id=entry.id,
            direction=direction.value,
            unitId=unit.id,
            caseId=case_id,
            receivedOn=received_on.isoformat(),
            startedOn=started_on.isoformat() if started_on else None,
            outcome=entry.outcome.value,
        ),
    )
    return entry


async def conclude_correction(
    session: AsyncSession,
    principal: Principal,
    *,
    entry_id: int,
    outcome: CorrectionOutcome,
    concluded_on: date,
    note: str | None = None,
) -> CorrectionEntry:
    """办结: the outcome (not PENDING) on a day between receipt and today; once."""
    principal.require_user()
    entry = await session.scalar(
        select(CorrectionEntry).where(CorrectionEntry.id == entry_id).with_for_update()
    )
    if entry is None:
        raise DomainError(Code.NOT_FOUND, "台账记录不存在", field="entryId")
    unit = await access.get_unit(session, entry.unit_id, field="entryId")
    _require_staff(principal, unit)
    if entry.outcome is not CorrectionOutcome.PENDING:
        raise DomainError(Code.ALREADY_CONCLUDED, "该记录已办结", field="entryId")
    if outcome is CorrectionOutcome.PENDING:
        raise DomainError(Code.INVALID, "办结结果不能为办理中", field="outcome")
    access.not_future(concluded_on, field="concludedOn", label="办结日期")
    if concluded_on < entry.received_on:
        raise DomainError(Code.BAD_DATES, "办结日期不能早于受理日期", field="concludedOn")
    entry.outcome = outcome
    entry.concluded_on = concluded_on
    entry.outcome_note = clean_text(
        note,
        field="note",
        code=Code.INVALID,
        label="办理结果说明",
        max_length=2000,
        required=False,
    )
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.CORRECTION_CONCLUDED,
        CorrectionConcluded(
            id=entry.id, concludedOn=concluded_on.isoformat(), outcome=outcome.value
        ),
    )
    return entry


def _scope(principal: Principal) -> ColumnElement[bool]:
    """The units whose entries the caller sees (SQL over `OrgUnit.path`)."""
    principal.require_user()
    if access.is_county_office(principal):
        return OrgUnit.id.is_not(None)
    paths = [g.org_path for g in principal.grants if g.role in access.STAFF_ROLES]
    if not paths:
        raise PermissionDenied("无权查看执法自我纠错台账：需要县级管理员或执法部门工作人员")
    if None in paths:
        return OrgUnit.id.is_not(None)
    return or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths if p))


@dataclass(frozen=True, slots=True)
class CorrectionFilter:
    direction: CorrectionDirection | None = None
    unit_id: int | None = None
    outcome: CorrectionOutcome | None = None
    year: int | None = None  # of `received_on`


async def list_corrections(
    session: AsyncSession,
    principal: Principal,
    *,
    f: CorrectionFilter,
    after: int | None,
    limit: int,
) -> list[CorrectionEntry]:
    """Entries the caller may see, newest first (keyset on id, descending)."""
    conditions = [_scope(principal)]
    if f.direction is not None:
        conditions.append(CorrectionEntry.direction == f.direction)
    if f.unit_id is not None:
        conditions.append(CorrectionEntry.unit_id == f.unit_id)
    if f.outcome is not None:
        conditions.append(CorrectionEntry.outcome == f.outcome)
    if f.year is not None:
        conditions.append(extract("year", CorrectionEntry.received_on) == f.year)
    if after is not None:
        conditions.append(CorrectionEntry.id < after)
    rows = await session.scalars(
        select(CorrectionEntry)
        .join(OrgUnit, OrgUnit.id == CorrectionEntry.unit_id)
        .where(*conditions)
        .order_by(CorrectionEntry.id.desc())
        .limit(limit)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class UnitYear:
    unit_id: int
    unit_name: str
    upward: int
    downward: int
    corrected: int
    no_error: int
    investigation: int
    pending: int

    @property
    def total(self) -> int:
        return self.upward + self.downward


async def yearly_counts(
    session: AsyncSession, principal: Principal, *, year: int
) -> list[UnitYear]:
    """Per enforcing unit, the entries received in `year` (向上转办 and 向下监督) and their
    outcomes, units by name; units without entries are left out."""
    if not 2000 <= year <= 2100:
        raise DomainError(Code.INVALID, "年份须在2000到2100之间", field="year")
    E = CorrectionEntry

    def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.count(case((condition, 1)))

    rows = (
        await session.execute(
            select(
                OrgUnit.id,
                OrgUnit.name,
                count(E.direction == CorrectionDirection.UPWARD),
                count(E.direction == CorrectionDirection.DOWNWARD),
                count(E.outcome == CorrectionOutcome.CORRECTED),
                count(E.outcome == CorrectionOutcome.NO_ERROR),
                count(E.outcome == CorrectionOutcome.INVESTIGATION),
                count(E.outcome == CorrectionOutcome.PENDING),
            )
            .join(OrgUnit, OrgUnit.id == E.unit_id)
            .where(_scope(principal), extract("year", E.received_on) == year)
            .group_by(OrgUnit.id, OrgUnit.name)
            .order_by(OrgUnit.name, OrgUnit.id)
        )
    ).all()
    return [UnitYear(*r) for r in rows]
