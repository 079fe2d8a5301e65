"""Record downloads over plain HTTP (a Word file is no GraphQL value): the one way a route
such as GET /meetings/{id}/record.docx resolves its caller, reads the record in a read-only
transaction of the caller's county and answers, so every record's download is authorised
and refused alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.core.errors import AccessError, DomainError
from backend.core.security import Principal
from schema.context import credentials_from_headers, resolve_principal
from schema.relay import decode_id

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Reads what the caller may see of a record (raising `AccessError` or `DomainError`):
#: (the record, the file name without its extension).
RecordReader = Callable[[AsyncSession, Principal, int], Awaitable[tuple[Mapping[str, Any], str]]]


async def docx_download(
    request: Request,
    *,
    path_param: str,
    type_name: str,
    field: str,
    not_found: Enum,
    read: RecordReader,
    render: Callable[[Mapping[str, Any]], bytes],
) -> Response:
    """The .docx of the record `read` returns, as an attachment. The caller comes from the
    Authorization / X-Tenant headers; refusals are JSON `{"error": {"code", "message"}}`:
    401 not signed in, 403 not allowed, 404 no such row in the caller's county (another
    county's is not found) or a malformed id."""
    services = request.app.state.services
    try:
        resolved = await resolve_principal(
            services,
            credentials_from_headers(request),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )
        principal = resolved.principal
        ident = decode_id(request.path_params[path_param], type_name, field=field, code=not_found)
        async with services.db.transaction(
            tenant_id=principal.tenant_id, user_id=principal.user_id, read_only=True
        ) as s:
            record, name = await read(s, principal, ident)
    except AccessError as exc:
        status = 401 if exc.code == "UNAUTHENTICATED" else 403
        return JSONResponse(
            {"error": {"code": exc.code, "message": exc.message}}, status_code=status
        )
    except DomainError as exc:
        return JSONResponse(
            {"error": {"code": exc.code.value, "message": exc.message}}, status_code=404
        )
    filename = quote(f"{name}.docx")
    return Response(
        render(record),
        media_type=DOCX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )
