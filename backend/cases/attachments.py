"""Attachments of a case (附件): measured, stored and read back in chunks.

A file reaches intake either as a multipart upload (the GraphQL multipart request spec:
starlette spools it to a temporary file) or, for small files, as base64 in the JSON body.
Either way it is an `Upload` over an async `read`/`seek` source, so nothing here holds a
whole file: `measure` hashes it chunk by chunk and stops at the county's cap
(`case.attachment_max_size`), `store` writes it as rows of `case_attachment_chunks`
(`CHUNK_BYTES` each), and `chunks` reads them back one at a time for the download route.

The multipart body limit (`UploadBodyLimit`) follows the largest cap any county has set:
`MAX_ATTACHMENTS` files of it plus the form's other fields, never above the deployment's
hard cap (`max_upload_body_bytes`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.errors import CaseErrorCode as Code
from backend.cases.models import CaseAttachment, CaseAttachmentChunk
from backend.core import rules
from backend.core.db import Database
from backend.core.errors import DomainError
from backend.core.validation import clean_text
from tenants.models import Tenant

MAX_ATTACHMENTS = 5
CHUNK_BYTES = 256 * 1024
#: Room for a multipart body's other parts (`operations`, `map`) and its framing.
FORM_OVERHEAD_BYTES = 1024 * 1024
RULE = "case.attachment_max_size"


class Source(Protocol):
    """Where an upload's bytes are (starlette's `UploadFile` is one)."""

    async def read(self, size: int = -1) -> bytes: ...

    async def seek(self, offset: int) -> None: ...


class BytesSource:
    """An upload already in memory (a small base64 attachment)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    async def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._at + size
        chunk = self._data[self._at : end]
        self._at += len(chunk)
        return chunk

    async def seek(self, offset: int) -> None:
        self._at = offset


@dataclass(frozen=True, slots=True)
class Upload:
    """One file given at intake; `declared_size` is what the transport says (None: unknown),
    never trusted beyond refusing early."""

    file_name: str
    content_type: str
    source: Source
    declared_size: int | None = None

    @classmethod
    def of_bytes(cls, file_name: str, content_type: str, data: bytes) -> Upload:
        return cls(file_name, content_type, BytesSource(data), len(data))


@dataclass(frozen=True, slots=True)
class Measured:
    """An upload checked against the cap: its real size and SHA-256 (hex)."""

    upload: Upload
    file_name: str
    content_type: str
    size: int
    sha256: str


async def attachment_cap(session: AsyncSession, tenant_id: int) -> int:
    """The county's cap on one attachment, in bytes (its rule, in KiB)."""
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    return int(rules.effective_rule(settings or {}, RULE).value) * 1024


def _too_large(i: int, upload: Upload, cap: int) -> DomainError:
    return DomainError(
        Code.ATTACHMENT_TOO_LARGE,
        f"附件“{upload.file_name[:50]}”超过{cap // 1024}KiB（{RULE}）",
        field=f"attachments.{i}",
    )


async def measure(
    session: AsyncSession, tenant_id: int, uploads: Sequence[Upload]
) -> list[Measured]:
    """Check count, names and sizes and hash every upload, reading at most cap + 1 bytes of
    each (a file over the cap is refused as soon as it shows, whatever it declared);
    every source is left at its start for `store`. Raises the first problem found, naming
    `attachments.<i>`."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(Code.INVALID, f"附件不能超过{MAX_ATTACHMENTS}个", field="attachments")
    if not uploads:
        return []
    cap = await attachment_cap(session, tenant_id)
    for i, upload in enumerate(uploads):  # the cheap refusals first, before reading any
        if upload.declared_size is not None and upload.declared_size > cap:
            raise _too_large(i, upload, cap)
    measured = []
    for i, upload in enumerate(uploads):
        name = clean_text(
            upload.file_name,
            field=f"attachments.{i}.fileName",
            code=Code.INVALID,
            label="文件名",
            max_length=200,
        )
        digest, size = hashlib.sha256(), 0
        await upload.source.seek(0)
        while chunk := await upload.source.read(CHUNK_BYTES):
            size += len(chunk)
            if size > cap:
                raise _too_large(i, upload, cap)
            digest.update(chunk)
        await upload.source.seek(0)
        if size == 0:
            raise DomainError(Code.INVALID, "附件不能为空", field=f"attachments.{i}")
        content_type = (upload.content_type or "application/octet-stream").strip()[:100]
        measured.append(Measured(upload, name, content_type, size, digest.hexdigest()))
    return measured


async def store(
    session: AsyncSession, tenant_id: int, case_id: int, measured: Sequence[Measured]
) -> list[CaseAttachment]:
    """Write each measured upload as an attachment row and its chunks, one chunk in memory
    at a time; a source that changed since it was measured is refused (INVALID)."""
    rows = []
    for i, m in enumerate(measured):
        row = CaseAttachment(
            tenant_id=tenant_id,
            case_id=case_id,
            file_name=m.file_name,
            content_type=m.content_type,
            size_bytes=m.size,
            sha256=m.sha256,
        )
        session.add(row)
        await session.flush()
        digest, seq = hashlib.sha256(), 0
        await m.upload.source.seek(0)
        while chunk := await m.upload.source.read(CHUNK_BYTES):
            digest.update(chunk)
            session.add(
                CaseAttachmentChunk(tenant_id=tenant_id, attachment_id=row.id, seq=seq, data=chunk)
            )
            await session.flush()  # one chunk held at a time
            seq += 1
        if digest.hexdigest() != m.sha256:  # pragma: no cover - a spooled file does not change
            raise DomainError(Code.INVALID, "附件在上传过程中发生变化", field=f"attachments.{i}")
        rows.append(row)
    return rows


async def chunk_count(session: AsyncSession, attachment_id: int) -> int:
    return len(
        (
            await session.scalars(
                select(CaseAttachmentChunk.seq).where(
                    CaseAttachmentChunk.attachment_id == attachment_id
                )
            )
        ).all()
    )


async def chunk(session: AsyncSession, attachment_id: int, seq: int) -> bytes | None:
    """One chunk of an attachment (row-level security: of this county only)."""
    return await session.scalar(
        select(CaseAttachmentChunk.data).where(
            CaseAttachmentChunk.attachment_id == attachment_id, CaseAttachmentChunk.seq == seq
        )
    )


async def content(session: AsyncSession, attachment_id: int) -> bytes:
    """The whole content (the base64 field, for small files)."""
    parts = (
        await session.scalars(
            select(CaseAttachmentChunk.data)
            .where(CaseAttachmentChunk.attachment_id == attachment_id)
            .order_by(CaseAttachmentChunk.seq)
        )
    ).all()
    return b"".join(parts)


async def largest_cap(session: AsyncSession) -> int:
    """The largest attachment cap of any county, in bytes (the default when none sets one)."""
    caps = [
        int(rules.effective_rule(s or {}, RULE).value) * 1024
        for s in (await session.scalars(select(Tenant.settings))).all()
    ]
    return max(caps, default=int(rules.effective_rule({}, RULE).value) * 1024)


class UploadBodyLimit:
    """The body limit of multipart requests: `MAX_ATTACHMENTS` × the largest county cap +
    `FORM_OVERHEAD_BYTES`, at most `hard_cap`; read again after `ttl` seconds, so a county
    raising its cap is followed within a minute. Owned by the app (its lifespan)."""

    def __init__(self, db: Database, *, hard_cap: int, ttl: float = 60.0) -> None:
        self.db = db
        self.hard_cap = hard_cap
        self.ttl = ttl
        self._value: int | None = None
        self._expires = 0.0

    async def bytes(self) -> int:
        now = time.monotonic()
        if self._value is None or now >= self._expires:
            async with self.db.transaction(tenant_id=None, read_only=True) as session:
                largest = await largest_cap(session)
            self._value = min(self.hard_cap, MAX_ATTACHMENTS * largest + FORM_OVERHEAD_BYTES)
            self._expires = now + self.ttl
        return self._value


async def iterate(
    db: Database, *, tenant_id: int, attachment_id: int, count: int
) -> AsyncIterator[bytes]:
    """The chunks of an attachment, each read in its own short read transaction (a slow
    downloader holds no connection between chunks)."""
    for seq in range(count):
        async with db.transaction(tenant_id=tenant_id, read_only=True) as session:
            data = await chunk(session, attachment_id, seq)
        if data is None:  # pragma: no cover - chunks are never deleted
            return
        yield data
