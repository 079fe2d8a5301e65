"""Mutation: importing a case ledger (`backend.cases.ledger_import`).

The file comes base64-encoded in the JSON body (not a multipart upload: the GraphQL
endpoint takes JSON only, which keeps it out of reach of cross-site form posts); the
request body limit (`max_body_bytes`, 1 MiB by default) caps a ledger at about 750 KB,
some thousands of rows: a bigger ledger is imported in parts."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import ledger_import
from backend.cases.errors import CaseErrorCode as Code
from backend.core.errors import DomainError
from backend.core.security import Principal
from schema.cases.mutations.common import payload_errors as case_errors
from schema.cases.types import CaseError
from schema.context import Info
from schema.mutations import mutate
from schema.relay import to_global_id

RowStatus = ledger_import.RowStatus
strawberry.enum(RowStatus, description="What became of a ledger row.")


@strawberry.input(description="A ledger file (.xlsx or .csv) to import.")
class ImportCaseLedgerInput:
    file_name: str = strawberry.field(description="The file's name; .xlsx or .csv.")
    content_base64: str = strawberry.field(description="The file's bytes, base64-encoded.")
    dry_run: bool = strawberry.field(
        default=False, description="Check every row and report, but create nothing."
    )


@strawberry.type(description="Why a row was rejected.")
class CaseLedgerProblem:
    column: str = strawberry.field(description="The column, as the file's header names it.")
    reason: str = strawberry.field(description="What is wrong with it, in Chinese.")


@strawberry.type(description="What became of one row of the ledger.")
class CaseLedgerRow:
    line: int = strawberry.field(description="The row's number in the file (header: 1).")
    status: RowStatus = strawberry.field(description="Created, duplicate or rejected.")
    case_id: strawberry.ID | None = strawberry.field(
        description="The case it created (or, for a duplicate, created before); null when "
        "rejected or in a dry run."
    )
    problems: list[CaseLedgerProblem] = strawberry.field(
        description="Every problem found in a rejected row (nothing of it was written)."
    )


@strawberry.type(description="The row-by-row report of an import.")
class CaseLedgerReport:
    total: int = strawberry.field(description="Data rows read (blank rows skipped).")
    created: int = strawberry.field(description="Rows that created a case.")
    duplicates: int = strawberry.field(description="Rows imported before: nothing new.")
    rejected: int = strawberry.field(description="Rows not imported.")
    unknown_columns: list[str] = strawberry.field(
        description="Header cells that name no known column (their cells are ignored)."
    )
    rows: list[CaseLedgerRow] = strawberry.field(description="One line per data row, in order.")


@strawberry.type(description="Result of importCaseLedger.")
class ImportCaseLedgerPayload:
    report: CaseLedgerReport | None = strawberry.field(
        description="The report; null when the file could not be read as a ledger."
    )
    errors: list[CaseError] = strawberry.field(description="Why the file was refused as a whole.")


def _report(report: ledger_import.LedgerReport) -> CaseLedgerReport:
    return CaseLedgerReport(
        total=len(report.rows),
        created=report.count(RowStatus.CREATED),
        duplicates=report.count(RowStatus.DUPLICATE),
        rejected=report.count(RowStatus.REJECTED),
        unknown_columns=report.unknown_columns,
        rows=[
            CaseLedgerRow(
                line=r.line,
                status=r.status,
                case_id=strawberry.ID(to_global_id("Case", r.case_id)) if r.case_id else None,
                problems=[CaseLedgerProblem(column=p.column, reason=p.reason) for p in r.problems],
            )
            for r in report.rows
        ],
    )


@strawberry.type
class LedgerImportMutations:
    @strawberry.mutation(
        description="Import a ledger of cases (台账, .xlsx or .csv; county admins). Each row "
        "is created whole or rejected with its problems; a row imported before is reported "
        "DUPLICATE and creates nothing."
    )
    async def import_case_ledger(
        self,
        info: Info,
        input: Annotated[
            ImportCaseLedgerInput, strawberry.argument(description="The file and how to import it.")
        ],
    ) -> ImportCaseLedgerPayload:

        async def work(s: AsyncSession, p: Principal) -> ledger_import.LedgerReport:
            p.require_county_admin()  # before the input is looked at
            try:
                data = base64.b64decode(input.content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise DomainError(
                    Code.INVALID, "文件内容不是有效的 base64", field="contentBase64"
                ) from exc
            return await ledger_import.import_ledger(
                s, p, file_name=input.file_name, data=data, dry_run=input.dry_run
            )

        report, errors = await mutate(info, work)
        if report is None:
            return ImportCaseLedgerPayload(report=None, errors=case_errors(errors))
        return ImportCaseLedgerPayload(report=_report(report), errors=[])
