"""GET /meetings/{id}/record.docx: the consultation record as a Word document."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.core.errors import AccessError, DomainError
from backend.meetings import access
from backend.meetings.errors import MeetingErrorCode as Code
from schema.context import credentials_from_headers, resolve_principal
from schema.relay import decode_id

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def record_docx(request: Request) -> Response:
    """Same access as the meetingRecord query (Authorization / X-Tenant headers)."""
    from backend.meetings import visibility
    from backend.meetings.record.build import build_record
    from backend.meetings.record.docx import render_docx

    services = request.app.state.services
    try:
        resolved = await resolve_principal(
            services,
            credentials_from_headers(request),
            request_id=request.scope.get("state", {}).get("request_id", "-"),
        )
        principal = resolved.principal
        meeting_id = decode_id(
            request.path_params["meeting_id"], "Meeting", field="meetingId", code=Code.NOT_FOUND
        )
        async with services.db.transaction(
            tenant_id=principal.tenant_id, user_id=principal.user_id, read_only=True
        ) as s:
            meeting = await access.get_meeting(s, meeting_id)
            await access.require_record_access(s, principal, meeting)
            view = await visibility.view_of(s, principal, meeting_id)
            record = visibility.record_for(await build_record(s, meeting_id), view)
    except AccessError as exc:
        status = 401 if exc.code == "UNAUTHENTICATED" else 403
        return JSONResponse(
            {"error": {"code": exc.code, "message": exc.message}}, status_code=status
        )
    except DomainError as exc:
        return JSONResponse(
            {"error": {"code": exc.code.value, "message": exc.message}}, status_code=404
        )
    filename = quote(f"{meeting.title}-协商记录.docx")
    return Response(
        render_docx(record),
        media_type=DOCX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )
