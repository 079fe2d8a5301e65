"""GET /exports/case-statistics.xlsx?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=UNIT: the
statistics table (the caseStatistics query's figures) as an Excel workbook, with the month's
unit ranking as a second sheet when grouped by unit over one month.

Same access as the caseStatistics query (Authorization / X-Tenant headers): a download is
as good as a query, so it is no wider."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.cases import statistics
from backend.cases.stats_export import XLSX, statistics_xlsx
from backend.core.errors import AccessError, DomainError
from schema.context import credentials_from_headers, resolve_principal


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
