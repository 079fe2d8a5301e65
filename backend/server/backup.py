"""Backup and restore of the whole database, and the restore drill's check of every sealed
record (docs/operations.md, "Backup and restore").

A backup is `pg_dump --format=custom` of the database (every county, the event log, the
seals); a restore is `pg_restore` into an empty database followed by `verify_sealed`, which
rechecks every sealed stream of every county exactly as `yishi record verify` does. The
PostgreSQL client tools come from the `pgserver` package (always installed) or the PATH,
whichever is at least the server's major version (pg_dump refuses a newer server).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from cryptography import x509
from sqlalchemy import text

from backend.core.db import Database
from backend.record import sm2
from backend.record.verify import RecordBuilder, verify_record


class BackupError(RuntimeError):
    """A tool is missing or failed; the message says which and why (Chinese first)."""


def libpq_url(url: str) -> str:
    """The URL as libpq tools take it (no SQLAlchemy driver suffix)."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    return urlunsplit(parts._replace(scheme="postgresql" if scheme == "postgres" else scheme))


def _tool_dirs() -> list[Path]:
    dirs: list[Path] = []
    try:
        import pgserver

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:  # pragma: no cover - pgserver is a dependency
        pass
    return dirs


def _major(tool: Path) -> int:
    out = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=True)
    # "pg_dump (PostgreSQL) 16.2" / "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    return int(out.stdout.split(")")[1].strip().split(".")[0])


def find_tool(name: str, server_major: int) -> Path:
    """`pg_dump`/`pg_restore` of at least the server's major version."""
    candidates = [d / name for d in _tool_dirs()]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    found = [(c, _major(c)) for c in candidates if c.exists()]
    usable = sorted((m, str(c)) for c, m in found if m >= server_major)
    if not usable:
        have = ", ".join(f"{c} ({m})" for c, m in found) or "none"
        raise BackupError(f"找不到版本不低于 PostgreSQL {server_major} 的 {name}（已找到：{have}）")
    # The oldest usable one: closest to the server.
    return Path(usable[0][1])


async def server_major(url: str) -> int:
    conn = await asyncpg.connect(libpq_url(url))
    try:
        return int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()


def _run(args: Sequence[str]) -> None:
    done = subprocess.run(list(args), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} 失败：{done.stderr.strip()[-2000:]}")


async def backup(url: str, file: Path) -> Path:
    """Dump the database at `url` to `file` (custom format, compressed)."""
    major = await server_major(url)

    def dump() -> None:
        tool = find_tool("pg_dump", major)
        file.parent.mkdir(parents=True, exist_ok=True)
        _run([str(tool), "--format=custom", "--file", str(file), "--dbname", libpq_url(url)])

    await asyncio.to_thread(dump)  # the tools are processes: not on the event loop
    return file


async def restore(file: Path, url: str) -> None:
    """Restore `file` into the database at `url`, which must exist and hold no tables
    (restoring over a live database would mix two histories)."""
    if not await asyncio.to_thread(file.is_file):
        raise BackupError(f"备份文件不存在：{file}")
    conn = await asyncpg.connect(libpq_url(url))
    try:
        tables = await conn.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
            "'information_schema')"
        )
        major = int(await conn.fetchval("SHOW server_version_num")) // 10000
    finally:
        await conn.close()
    if tables:
        raise BackupError(f"目标数据库不是空库（已有 {tables} 张表），请恢复到新建的空库")

    def load() -> None:
        tool = find_tool("pg_restore", major)
        _run([str(tool), "--exit-on-error", "--single-transaction", "--dbname", libpq_url(url),
              str(file)])  # fmt: skip

    await asyncio.to_thread(load)


@dataclass(frozen=True, slots=True)
class SealedCheck:
    """One sealed stream rechecked after a restore."""

    county: str
    stream: str
    valid: bool
    events: int
    head_hash: str | None
    problems: tuple[str, ...]


async def verify_sealed(
    db: Database,
    *,
    public_keys: Mapping[str, sm2.PublicKey | None],
    builders: Mapping[str, RecordBuilder],
    tsa_roots: Sequence[x509.Certificate] = (),
    only: str | None = None,
) -> list[SealedCheck]:
    """Recheck every sealed stream of every county: its chain, its seal and, where the
    county's public key is given (`public_keys[slug]`), its signature and every section of
    its record. A county without a key has its chains and record digests checked, and its
    signature reported missing. `only` limits it to one county (slug)."""
    async with db.platform_transaction() as session:
        rows = (
            await session.execute(
                text(
                    "SELECT t.id, t.slug, s.stream FROM event_streams s JOIN tenants t "
                    "ON t.id = s.tenant_id WHERE s.sealed_at IS NOT NULL ORDER BY t.slug, s.stream"
                )
            )
        ).all()
    checks: list[SealedCheck] = []
    for tenant_id, slug, stream in rows:
        if only is not None and slug != only:
            continue
        key = public_keys.get(slug)
        async with db.transaction(tenant_id=tenant_id, read_only=True) as session:
            check = await verify_record(
                session,
                stream=stream,
                public_key=key,
                tsa_roots=tsa_roots,
                require_signature=key is not None,
                builders=builders,
            )
        problems: list[str] = [] if check.chain.valid else [check.chain.reason or "链断裂"]
        if check.export is not None:
            problems += check.export.problems + check.export.seal.problems
            if check.export.content:
                problems.append("内容与封存摘要不一致：" + "、".join(check.export.content))
        checks.append(
            SealedCheck(
                county=slug,
                stream=stream,
                valid=not problems,
                events=check.chain.events,
                head_hash=check.chain.head_hash,
                problems=tuple(problems),
            )
        )
    return checks
