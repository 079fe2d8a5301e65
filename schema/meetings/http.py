"""GET /meetings/{id}/record.docx: the consultation record as a Word document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from backend.core.security import Principal
from backend.meetings import access
from backend.meetings.errors import MeetingErrorCode as Code
from schema.downloads import docx_download


async def _read(
    s: AsyncSession, principal: Principal, meeting_id: int
) -> tuple[Mapping[str, Any], str]:
    from backend.meetings import visibility
    from backend.meetings.record.build import build_record

    meeting = await access.get_meeting(s, meeting_id)
    await access.require_record_access(s, principal, meeting)
    view = await visibility.view_of(s, principal, meeting_id)
    return visibility.record_for(
        await build_record(s, meeting_id), view
    ), f"{meeting.title}-协商记录"


async def record_docx(request: Request) -> Response:
    """Same access as the meetingRecord query (Authorization / X-Tenant headers)."""
    from backend.meetings.record.docx import render_docx

    return await docx_download(
        request,
        path_param="meeting_id",
        type_name="Meeting",
        field="meetingId",
        not_found=Code.NOT_FOUND,
        read=_read,
        render=render_docx,
    )
