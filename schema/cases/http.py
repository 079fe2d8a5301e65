"""HTTP routes of cases beside the GraphQL endpoint.

GET /exports/case-statistics.xlsx?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=UNIT: the
statistics table (the caseStatistics query's figures) as an Excel workbook, with the month's
unit ranking as a second sheet when grouped by unit over one month.

Same access as the caseStatistics query (Authorization / X-Tenant headers): a download is
as good as a query, so it is no wider."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from backend.cases import attachments, models, statistics, visibility
from backend.cases.stats_export import XLSX, statistics_xlsx
from backend.core.errors import AccessError, DomainError
from schema.context import credentials_from_headers, resolve_principal
from schema.relay import from_global_id


def _refusal(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def case_statistics_xlsx(request: Request) -> Response:
    services = request.app.state.services
    params = request.query_params
    try:
        start = date.fromisoformat(params.get("from", ""))
        end = date.fromisoformat(params.get("to", ""))
        group_by = statistics.GroupBy(params.get("groupBy", "UNIT"))
    except ValueError:
        return _refusal(
            400,
            "BAD_REQUEST",
            "参数须为 from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=UNIT|CHANNEL|KIND|MONTH",
        )
    try:
        resolved = await resolve_principal(
            services,
            credentials_from_headers(request),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )
        principal = resolved.principal
        async with services.db.transaction(
            tenant_id=principal.tenant_id, user_id=principal.user_id, read_only=True
        ) as s:
            stats = await statistics.case_statistics(
                s, principal, start=start, end=end, group_by=group_by
            )
            ranking = None
            one_month = start.day == 1 and (start.year, start.month) == (end.year, end.month)
            if group_by is statistics.GroupBy.UNIT and one_month:
                ranking = await statistics.unit_ranking(s, principal, month=start)
            tz = await statistics.county_timezone(s)
            county = await s.scalar(text("SELECT name FROM tenants WHERE id = app_tenant_id()"))
    except AccessError as exc:
        status = 401 if exc.code == "UNAUTHENTICATED" else 403
        return _refusal(status, exc.code, exc.message)
    except DomainError as exc:
        return _refusal(400, exc.code.value, exc.message)
    body = statistics_xlsx(stats, county=county or "", made_at=datetime.now(tz), ranking=ranking)
    filename = quote(f"{county}办理情况统计-{start.isoformat()}-{end.isoformat()}.xlsx")
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


async def case_attachment(request: Request) -> Response:
    """GET /cases/attachments/{global id}: an attachment's content, streamed chunk by chunk
    (`backend.cases.attachments`), to those who see the case's attachments in the API —
    staff of the case and its submitter (`Case.attachments`); 404 for anyone else, as for
    a case they may not see, or one of another county."""
    services = request.app.state.services
    try:
        found = from_global_id(request.path_params["attachment_id"], "CaseAttachment")
    except ValueError:
        return _refusal(400, "BAD_REQUEST", "附件编号无效")
    if found is None:
        return _refusal(404, "NOT_FOUND", "附件不存在")
    attachment_id = found
    try:
        resolved = await resolve_principal(
            services,
            credentials_from_headers(request),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )
    except AccessError as exc:
        status = 401 if exc.code == "UNAUTHENTICATED" else 403
        return _refusal(status, exc.code, exc.message)
    principal = resolved.principal
    if principal.tenant_id is None:
        return _refusal(404, "NOT_FOUND", "附件不存在")
    async with services.db.transaction(
        tenant_id=principal.tenant_id, user_id=principal.user_id, read_only=True
    ) as s:
        row = await s.get(models.CaseAttachment, attachment_id)
        view = None
        if row is not None:
            view = (await visibility.views_of(s, principal, [row.case_id])).get(row.case_id)
        count = await attachments.chunk_count(s, attachment_id) if row is not None else 0
    if row is None or view not in (visibility.STAFF_VIEW, visibility.SUBMITTER_VIEW):
        return _refusal(404, "NOT_FOUND", "附件不存在")
    filename = quote(row.file_name)
    return StreamingResponse(
        attachments.iterate(
            services.db, tenant_id=principal.tenant_id, attachment_id=row.id, count=count
        ),
        media_type=row.content_type,
        headers={
            "Content-Length": str(row.size_bytes),
            "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
            "X-Content-SHA256": row.sha256,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
