"""GET /hearings/{id}/record.docx: a hearing's record (听证会记录) as a Word document, served
as a meeting's record is (`schema.downloads`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from backend.core.security import Principal
from backend.hearings.errors import HearingErrorCode as Code
from schema.downloads import docx_download


async def _read(
    s: AsyncSession, principal: Principal, hearing_id: int
) -> tuple[Mapping[str, Any], str]:
    from backend.hearings.record import readable_record

    record, hearing = await readable_record(s, principal, hearing_id=hearing_id)
    return record, f"{hearing.title}-听证会记录"


async def record_docx(request: Request) -> Response:
    """Organisers at any time, anyone signed in to the county once the record is sealed
    (`backend.hearings.access.require_record_access`); 401 anonymous, 403 refused, 404 not
    found (another county's hearing is not found)."""
    from backend.hearings.docx import render_docx

    return await docx_download(
        request,
        path_param="hearing_id",
        type_name="Hearing",
        field="hearingId",
        not_found=Code.NOT_FOUND,
        read=_read,
        render=render_docx,
    )
