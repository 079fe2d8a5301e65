"""`yishi` command line: serve, migrate, manage counties and users, seed the demo."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError

import schema as schema_package
from backend.core.db import Database
from backend.core.settings import Settings
from backend.people.models import Role
from backend.people.passwords import Passwords
from backend.record import sm2
from backend.record.seal import ExportCheck
from schema.realtime.verification import RECORD_BUILDERS

T = TypeVar("T")

app = typer.Typer(
    help="Yishi (议事): public participation for county governments.", no_args_is_help=True
)
db_app = typer.Typer(help="Database migrations.")
tenants_app = typer.Typer(help="Counties (tenants).")
users_app = typer.Typer(help="Accounts in a county.")
schema_app = typer.Typer(help="The GraphQL schema file.")
record_app = typer.Typer(help="Consultation records (event streams).")
audit_app = typer.Typer(help="The audit log: export and retention.")
draw_app = typer.Typer(help="Hearing draws (听证代表随机选取): re-run a published draw.")
app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")
app.add_typer(users_app, name="users")
app.add_typer(schema_app, name="schema")
app.add_typer(record_app, name="record")
app.add_typer(audit_app, name="audit")
app.add_typer(draw_app, name="draw")


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()
        ]
        typer.secho("配置无效 (invalid configuration):\n" + "\n".join(lines), fg="red", err=True)
        raise typer.Exit(2) from None


def resolve_database(settings: Settings) -> tuple[str, bool]:
    """(owner URL, embedded?) — starts the embedded PostgreSQL when no DATABASE_URL is set."""
    if settings.database_url:
        return settings.database_url, False
    from backend.server.embedded import start_embedded

    return start_embedded(settings.data_dir), True


def command_passwords(settings: Settings) -> Passwords:
    """A password pool for one command (argon2 off the loop, as in the service)."""
    return Passwords(threads=1, nice=settings.password_hash_nice)


def run_with_database(work: Callable[[Database], Awaitable[T]], *, migrate: bool = False) -> T:
    """Run `work` against the configured database (embedded when DATABASE_URL is unset),
    migrated first if asked; a DomainError is printed with its field and exits 1."""
    from backend.core.errors import DomainError
    from backend.server.migrate import upgrade

    settings = load_settings()
    url, _ = resolve_database(settings)

    async def run() -> T:
        if migrate:
            await upgrade(url)
        db = Database(
            owner_url=url,
            app_url=settings.app_database_url,
            app_role=settings.app_role,
            platform_role=settings.platform_role,
            pool_size=2,
        )
        try:
            return await work(db)
        except DomainError as exc:
            typer.secho(f"{exc.field}: {exc.message}", fg="red", err=True)
            raise typer.Exit(1) from None
        finally:
            await db.dispose()

    return asyncio.run(run())


async def county_id(db: Database, slug: str) -> int:
    """The id of the county `slug`, or exit 2 naming it."""
    from tenants.directory import TenantDirectory

    tenant_id = await TenantDirectory(db).resolve(slug)
    if tenant_id is None:
        typer.secho(f"未知的县：{slug}", fg="red", err=True)
        raise typer.Exit(2)
    return tenant_id


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (as the owner role in DATABASE_URL)."""
    from backend.server.migrate import upgrade

    settings = load_settings()
    url, _ = resolve_database(settings)
    asyncio.run(upgrade(url, revision))
    typer.echo(f"database at {revision}")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write (pg_dump custom format).")],
) -> None:
    """Dump the whole database (every county, the event log, the seals) to FILE."""
    from backend.server.backup import BackupError, backup

    settings = load_settings()
    url, _ = resolve_database(settings)
    try:
        asyncio.run(backup(url, file))
    except BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"backup written to {file} ({file.stat().st_size} bytes)")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="Backup file written by `yishi db backup`.")],
) -> None:
    """Restore FILE into the database of DATABASE_URL, which must be empty; then run
    `yishi record verify-all` against it (the restore drill, docs/operations.md)."""
    from backend.server.backup import BackupError, restore

    settings = load_settings()
    url, _ = resolve_database(settings)
    try:
        asyncio.run(restore(file, url))
    except BackupError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"restored {file}; now check it: yishi record verify-all")


def _exit_normally_on_sigterm() -> None:
    """uvicorn shuts down gracefully on SIGTERM and then re-raises the signal; dying by it
    would skip the atexit handlers, which stop the embedded PostgreSQL. Leave through
    SystemExit instead, with the status a shell reports for SIGTERM (143)."""

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int | None, typer.Option(help="uvicorn worker processes.")] = None,
    migrate: Annotated[bool, typer.Option(help="Apply migrations first.")] = False,
    ws_max_size: Annotated[
        int | None,
        typer.Option(help="Largest websocket message in bytes (default: WS_MAX_SIZE, 64 KiB)."),
    ] = None,
) -> None:
    """Run the service (embedded PostgreSQL when DATABASE_URL is unset)."""
    import uvicorn

    from backend.server.migrate import upgrade

    settings = load_settings()
    _exit_normally_on_sigterm()
    url, embedded = resolve_database(settings)
    if embedded or migrate:
        asyncio.run(upgrade(url))
    os.environ["DATABASE_URL"] = url  # workers join the same server
    # Each worker takes its share of the host's live-frame budget (settings.workers).
    n_workers = workers or settings.workers
    os.environ["WORKERS"] = str(n_workers)
    metrics_dir = None
    if n_workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers share their metrics through files here (observability.metrics_text).
        metrics_dir = tempfile.mkdtemp(prefix="yishi-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "backend.server.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=n_workers,
            # The supervisor restarts a worker that misses its health check; a worker still
            # importing the app on a busy host needs more than uvicorn's 5 s default.
            timeout_worker_healthcheck=30,
            # uvicorn's sans-I/O websockets, offering the app each connection's transport
            # through the ASGI scope (live frames are written straight to it). A string
            # (realtime.ws.transport.WS_PROTOCOL): the supervisor never imports the app.
            ws="realtime.ws.transport:YishiWebSockets",
            # Frames are small JSON (~300 bytes); per-connection compression of every copy
            # cost more CPU than the whole fan-out (bench/results, fanout --no-deflate).
            ws_per_message_deflate=False,
            # A larger message closes the socket (1009) as soon as its header is read,
            # before its payload is buffered or parsed.
            ws_max_size=ws_max_size or settings.ws_max_size,
            log_level=settings.log_level.lower(),
            access_log=False,
        )
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve", help="Serve once seeded.")] = False,
    host: Annotated[str | None, typer.Option(help="Bind address (with --serve).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (with --serve).")] = None,
) -> None:
    """Seed the demo county (城口县) idempotently and print how to sign in."""
    from backend.server import demo as demo_data

    settings = load_settings()
    logins = run_with_database(demo_data.seed, migrate=True)
    # The address printed is the one served: the options win over HOST/PORT, as in `serve`.
    base = f"http://{host or settings.host}:{port or settings.port}"
    typer.echo(f"""
演示县 城口县 (slug: {demo_data.DEMO_SLUG}) is ready.
  GraphiQL:  {base}/graphql   (add the header  X-Tenant: {demo_data.DEMO_SLUG})
  Console:   {base}/console/?county={demo_data.DEMO_SLUG}   (staff: county office and units)
  Password for every demo account: {demo_data.DEMO_PASSWORD}
  Platform operator: {demo_data.OPERATOR[0]} (mutation operatorLogin)
  Demo meeting: {demo_data.DEMO_MEETING} (announced; meetings {{ edges {{ node {{ id }} }} }},
    then startMeeting, openPoll, castVote, and subscribe to meetingLive)
  Accounts (mutation login with phone + password):""")
    for login in logins:
        typer.echo(f"    {login.phone}  {login.name}  {login.role.value}")
    typer.echo(
        '  Example: mutation { login(input: {phone: "13800000001", password: '
        f'"{demo_data.DEMO_PASSWORD}"}}) {{ tokens {{ accessToken }} errors {{ message }} }} }}'
    )
    if serve_after:
        serve(host=host, port=port, workers=None, migrate=False, ws_max_size=None)


@tenants_app.command("create")
def tenants_create(
    name: str,
    slug: str,
    division_code: str,
    admin_name: Annotated[str | None, typer.Option(help="First admin's name.")] = None,
    admin_phone: Annotated[str | None, typer.Option(help="First admin's phone.")] = None,
    admin_password: Annotated[str | None, typer.Option(help="First admin's password.")] = None,
) -> None:
    """Register a county (as the platform)."""
    from backend.core.security import Principal
    from backend.people import counties

    admin = None
    if admin_phone:
        admin = counties.AdminAccount(
            display_name=admin_name or "管理员", phone=admin_phone, password=admin_password or ""
        )

    passwords = command_passwords(load_settings())

    async def work(db: Database) -> None:
        async with db.platform_transaction() as session:
            tenant = await counties.create_county(
                session,
                Principal(tenant_id=None, operator_id=0),
                name=name,
                slug=slug,
                division_code=division_code,
                admin=admin,
                passwords=passwords,
            )
        typer.echo(f"created county {tenant.id} {tenant.slug} {tenant.name}")

    run_with_database(work)


@tenants_app.command("list")
def tenants_list() -> None:
    """List counties."""
    from sqlalchemy import select

    from tenants.models import Tenant

    async def work(db: Database) -> None:
        async with db.platform_transaction() as session:
            for t in (await session.scalars(select(Tenant).order_by(Tenant.id))).all():
                typer.echo(f"{t.id}\t{t.slug}\t{t.division_code}\t{t.name}")

    run_with_database(work)


@users_app.command("create")
def users_create(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    name: Annotated[str, typer.Option(help="Display name.")],
    phone: Annotated[str, typer.Option(help="Mobile number.")],
    password: Annotated[str, typer.Option(help="Password (8+).")],
    role: Annotated[list[Role], typer.Option(help="Role(s), county-wide.")] = [],  # noqa: B006
) -> None:
    """Create an account in a county (as the platform, e.g. the first admin)."""
    from backend.people import service
    from backend.people.models import Membership

    passwords = command_passwords(load_settings())

    async def work(db: Database) -> None:
        tenant_id = await county_id(db, tenant)
        password_hash = await service.new_password(passwords, password)
        async with db.platform_transaction() as session:
            user = await service.insert_user(
                session,
                tenant_id=tenant_id,
                display_name=name,
                phone=phone,
                password=None,
                password_hash=password_hash,
            )
            for r in role:
                session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=r))
        typer.echo(f"created user {user.id} in {tenant}")

    run_with_database(work)


@app.command("operator")
def operator_create(username: str, password: str) -> None:
    """Create or reset a platform operator."""
    from backend.people import service

    passwords = command_passwords(load_settings())

    async def work(db: Database) -> None:
        async with db.platform_transaction() as session:
            await service.ensure_operator(session, passwords, username=username, password=password)
        typer.echo(f"operator {username} ready")

    run_with_database(work)


# Found through the `schema` package, not this file's folder, so it holds wherever the CLI lives.
SCHEMA_FILE = Path(schema_package.__file__).resolve().parent / "schema.graphql"


@schema_app.command("export")
def schema_export(path: Path = SCHEMA_FILE) -> None:
    """Write the GraphQL schema (SDL) to schema/schema.graphql."""
    from schema.schema import build_schema

    path.write_text(build_schema(load_settings()).as_str() + "\n", encoding="utf-8")
    typer.echo(f"wrote {path}")


def _read_public_key(path: Path | None) -> sm2.PublicKey | None:
    if path is None:
        return None
    try:
        return sm2.PublicKey.from_pem(path.read_text(encoding="ascii"))
    except (OSError, ValueError) as exc:
        typer.secho(f"--public-key {path}: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


def _read_certificates(paths: list[Path]) -> list[Any]:
    from cryptography import x509

    certs = []
    for path in paths:
        try:
            certs += x509.load_pem_x509_certificates(path.read_bytes())
        except (OSError, ValueError) as exc:
            typer.secho(f"--tsa-cert {path}: {exc}", fg="red", err=True)
            raise typer.Exit(2) from None
    return certs


def _report_export(check: ExportCheck) -> bool:
    """Print what verifying a record found, one line per check; True if all hold."""
    chain = check.chain
    if chain.valid:
        typer.echo(f"链 chain: OK {chain.events} events, head {chain.head_hash}")
    else:
        typer.secho(f"链 chain: BROKEN at seq {chain.first_broken_seq}: {chain.reason}", fg="red")
    for problem in check.problems:
        typer.secho(f"记录 record: {problem}", fg="red")
    if check.content:
        typer.secho(f"内容 content: DIFFERS from the seal: {', '.join(check.content)}", fg="red")
    elif chain.valid and not check.problems:
        typer.echo("内容 content: OK every section matches the sealed digests")
    seal = check.seal
    if seal.signed:
        typer.echo(f"签名 signature: OK {sm2.ALGORITHM}, key {seal.key_id}")
    if seal.timestamp is not None:
        trusted = "trusted TSA" if seal.timestamped else "TSA not checked: no --tsa-cert"
        typer.echo(f"时间戳 timestamp: {seal.timestamp.isoformat()} ({trusted})")
    for problem in seal.problems:
        typer.secho(f"封存 seal: {problem}", fg="red")
    typer.echo("OK" if check.ok else "FAILED")
    return check.ok


@record_app.command("keygen")
def record_keygen(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    keys_dir: Annotated[
        Path | None, typer.Option(help="Key directory (default: RECORD_KEYS_DIR).")
    ] = None,
    public_out: Annotated[
        Path | None, typer.Option(help="Also write the public key (PEM) here.")
    ] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing key.")] = False,
) -> None:
    """Create a county's SM2 seal-signing key (<dir>/<slug>.sm2.pem, owner-only) and print
    its public key, to publish: verifiers need it (`record verify-export --public-key`)."""
    from backend.record.seal import SealError, generate_key

    directory = keys_dir or load_settings().record_keys_dir
    if directory is None:
        typer.secho("RECORD_KEYS_DIR is not set (or pass --keys-dir)", fg="red", err=True)
        raise typer.Exit(2)
    try:
        public = generate_key(directory, tenant, overwrite=overwrite)
    except SealError as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(1) from None
    if public_out is not None:
        public_out.write_text(public.pem(), encoding="ascii")
    typer.echo(public.pem(), nl=False)
    typer.echo(f"key id (SM3 of the public key): {public.key_id}")


@record_app.command("public-key")
def record_public_key(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    keys_dir: Annotated[
        Path | None, typer.Option(help="Key directory (default: RECORD_KEYS_DIR).")
    ] = None,
) -> None:
    """Print a county's public seal key (PEM) from its key file."""
    from backend.record.seal import load_key

    directory = keys_dir or load_settings().record_keys_dir
    key = load_key(directory, tenant) if directory is not None else None
    if key is None:
        typer.secho(f"no key for {tenant} (record keygen)", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(key.public.pem(), nl=False)


@record_app.command("verify")
def record_verify(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    stream: Annotated[str, typer.Option(help="Stream, e.g. meeting:42.")],
    expect: Annotated[
        str | None, typer.Option(help="The head hash printed in the document (记录链哈希).")
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="County public key (PEM); default: from RECORD_KEYS_DIR."),
    ] = None,
    tsa_cert: Annotated[list[Path], typer.Option(help="Trusted TSA (root) certificate, PEM.")] = [],  # noqa: B006
) -> None:
    """Recompute a stream's hash chain; exit 1 and name the first broken link if any. A
    sealed stream must end with its seal; for a meeting, every section of the record must
    match the digests sealed in the chain and the county's signature must verify."""
    from backend.record.seal import load_key
    from backend.record.verify import verify_record

    settings = load_settings()
    key = _read_public_key(public_key)
    if key is None and settings.record_keys_dir is not None:
        private = load_key(settings.record_keys_dir, tenant)
        key = private.public if private is not None else None
    roots = _read_certificates(tsa_cert)

    async def work(db: Database) -> bool:
        tenant_id = await county_id(db, tenant)
        async with db.transaction(tenant_id=tenant_id, read_only=True) as session:
            # The same check as the API's verifyStream (which accepts an unsigned seal only
            # when the service has no key for the county; here a signature is required).
            check = await verify_record(
                session,
                stream=stream,
                public_key=key,
                tsa_roots=roots,
                expect=expect,
                builders=RECORD_BUILDERS,
            )
        result = check.chain
        if not result.valid:
            typer.secho(
                f"BROKEN {stream} at seq {result.first_broken_seq}: {result.reason} "
                f"({result.events} events checked)",
                fg="red",
            )
            return False
        if check.export is None:
            typer.echo(f"OK {stream}: {result.events} events, head {result.head_hash}")
            return True
        return _report_export(check.export)

    if not run_with_database(work):
        raise typer.Exit(1)


@record_app.command("verify-all")
def record_verify_all(
    tsa_cert: Annotated[list[Path], typer.Option(help="Trusted TSA (root) certificate, PEM.")] = [],  # noqa: B006
    tenant: Annotated[
        str | None, typer.Option(help="Only this county (slug); default: every county.")
    ] = None,
) -> None:
    """Recheck every sealed stream of every county (after a restore, or on a schedule):
    chain, seal, record sections, and the signature where RECORD_KEYS_DIR holds the
    county's key. One line per stream; exit 1 if any fails."""
    from backend.record.seal import load_key
    from backend.server.backup import verify_sealed

    settings = load_settings()
    roots = _read_certificates(tsa_cert)

    async def work(db: Database) -> bool:
        slugs = await db.run_platform(_county_slugs)
        keys: dict[str, sm2.PublicKey | None] = {}
        for slug in slugs:
            private = load_key(settings.record_keys_dir, slug) if settings.record_keys_dir else None
            keys[slug] = private.public if private is not None else None
        checks = await verify_sealed(
            db, public_keys=keys, builders=RECORD_BUILDERS, tsa_roots=roots, only=tenant
        )
        for c in checks:
            if c.valid:
                signed = "signed" if keys.get(c.county) else "no key: signature not checked"
                typer.echo(
                    f"OK {c.county} {c.stream}: {c.events} events, head {c.head_hash} ({signed})"
                )
            else:
                typer.secho(f"FAILED {c.county} {c.stream}: {'; '.join(c.problems)}", fg="red")
        failed = sum(not c.valid for c in checks)
        typer.echo(f"{len(checks)} sealed streams checked, {failed} failed")
        return failed == 0

    if not run_with_database(work):
        raise typer.Exit(1)


async def _county_slugs(session: Any) -> list[str]:
    from sqlalchemy import select

    from tenants.models import Tenant

    return list((await session.execute(select(Tenant.slug))).scalars())


@record_app.command("seal")
def record_seal(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    stream: Annotated[str, typer.Option(help="A sealed stream, e.g. meeting:42.")],
) -> None:
    """Complete a sealed stream's seal: sign it if it was sealed before the county had a key,
    timestamp it if the TSA was unavailable. Refuses a chain or record that does not verify."""
    from backend.record.seal import Sealer, content_differences
    from realtime import log as event_log

    settings = load_settings()
    sealer = Sealer(
        settings.record_keys_dir, settings.record_tsa_url, settings.record_tsa_timeout_seconds
    )

    async def work(db: Database) -> bool:
        tenant_id = await county_id(db, tenant)
        async with db.transaction(tenant_id=tenant_id) as session:
            head = await event_log.lock_head(session, tenant_id=tenant_id, stream=stream)
            result = await event_log.verify_stream(session, stream=stream)
            row = await event_log.head_of(session, stream=stream)
            problem, sealed_at = None, head.sealed_at
            if sealed_at is None or row is None:
                problem = "记录尚未封存"
            elif not result.valid:
                problem = f"事件链未通过校验（第{result.first_broken_seq}条：{result.reason}）"
            elif (build := RECORD_BUILDERS.get(stream.split(":", 1)[0])) is not None:
                record = await build(session, int(stream.split(":", 1)[1]))
                sealed = record["events"][-1]["payload"].get("content")
                differs = content_differences(record, sealed)
                if differs:
                    problem = "记录内容与封存时不一致：" + "、".join(differs)
            if problem is not None or row is None or sealed_at is None:
                typer.secho(f"{stream}: {problem}", fg="red", err=True)
                return False
            seal = dict(row.seal or {})
            if not seal.get("signature"):
                seal = await sealer.seal(
                    tenant_id=tenant_id,
                    county_slug=tenant,
                    stream=stream,
                    seq=head.last_seq,
                    head_hash=head.last_hash,
                    hash_version=head.hash_version,
                    sealed_at=sealed_at,
                )
            else:
                seal = await sealer.timestamp(seal)
            await event_log.store_seal(session, head, seal)
        signed = "signed" if seal.get("signature") else "UNSIGNED (no key file)"
        stamped = (seal.get("timestamp") or {}).get("time") or seal.get("timestamp_error")
        typer.echo(f"{stream}: {signed}, timestamp {stamped or 'none (RECORD_TSA_URL unset)'}")
        return bool(seal.get("signature"))

    if not run_with_database(work):
        raise typer.Exit(1)


@record_app.command("verify-export")
def record_verify_export(
    record_file: Annotated[Path, typer.Argument(help="The exported record (JSON).")],
    public_key: Annotated[Path, typer.Option(help="The county's public key (PEM).")],
    tsa_cert: Annotated[list[Path], typer.Option(help="Trusted TSA (root) certificate, PEM.")] = [],  # noqa: B006
    expect: Annotated[
        str | None, typer.Option(help="The head hash printed in the document (记录链哈希).")
    ] = None,
) -> None:
    """Verify an exported record with no database: its chain, that every section matches
    what was sealed, the county's SM2 signature and the TSA's timestamp. Exit 1 if not."""
    import json

    from backend.record.seal import verify_export

    key = _read_public_key(public_key)
    roots = _read_certificates(tsa_cert)
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
        record = record.get("data", {}).get("meetingRecord", record) if "data" in record else record
        check = verify_export(record, public_key=key, tsa_roots=roots, expect=expect)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        typer.secho(f"{record_file}: 不是可校验的记录 ({exc})", fg="red", err=True)
        raise typer.Exit(2) from None
    if not _report_export(check):
        raise typer.Exit(1)


@audit_app.command("purge")
def audit_purge(
    dry_run: Annotated[bool, typer.Option(help="Only count what would be removed.")] = False,
) -> None:
    """Remove audit entries older than AUDIT_RETENTION_DAYS (default 365, at least 183) in
    every county; the database itself refuses to delete younger ones."""
    from backend.audit import service as audit

    settings = load_settings()
    days = settings.audit_retention_days

    async def work(db: Database) -> int:
        return await db.run_platform(lambda s: audit.purge(s, retention_days=days, dry_run=dry_run))

    count = run_with_database(work)
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"{verb} {count} audit entries older than {days} days")


@audit_app.command("export")
def audit_export(
    tenant: Annotated[str, typer.Option(help="County slug.")],
    out: Annotated[Path, typer.Argument(help="CSV file to write (UTF-8 with BOM, for Excel).")],
    since: Annotated[
        datetime | None, typer.Option(help="From this time (inclusive), e.g. 2026-06-01.")
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="Until this time (exclusive).")] = None,
) -> None:
    """Write one county's audit log (oldest first) to a CSV file."""
    import csv
    import json

    from backend.audit import service as audit

    def aware(value: datetime | None) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=ZoneInfo("Asia/Shanghai"))

    async def work(db: Database) -> int:
        tenant_id = await county_id(db, tenant)
        async with db.transaction(tenant_id=tenant_id, read_only=True) as session:
            rows = await audit.entries_between(session, since=aware(since), until=aware(until))
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "时间", "操作人", "操作", "对象类型", "对象ID", "变更前", "变更后",
                        "请求ID"])  # fmt: skip
            for e in rows:
                w.writerow([
                    e.id, e.created_at.isoformat(), e.actor_label, e.action, e.target_type,
                    e.target_id if e.target_id is not None else "",
                    json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                    e.request_id or "",
                ])  # fmt: skip
        return len(rows)

    count = run_with_database(work)
    typer.echo(f"{count} audit entries written to {out}")


@draw_app.command("commit")
def draw_commit(
    hearing_id: Annotated[int, typer.Argument(help="The hearing's number.")],
    secret: Annotated[
        str | None,
        typer.Option(help="Your secret (16–200 characters); default: a new random one."),
    ] = None,
) -> None:
    """For a witness (公证处, 人大/政协 observer), offline: print a secret and the commitment
    to hand over before applications open (keep the secret until the draw)."""
    import secrets as random_secrets

    from backend.hearings import draw

    chosen = secret if secret is not None else random_secrets.token_hex(16)
    if not draw.MIN_SECRET_LENGTH <= len(chosen) <= 200:
        typer.secho(f"the secret must have {draw.MIN_SECRET_LENGTH}–200 characters", fg="red")
        raise typer.Exit(2)
    typer.echo(f"secret {chosen}")
    typer.echo(f"commitment {draw.commitment(hearing_id, chosen)}")


@draw_app.command("verify")
def draw_verify(
    published: Annotated[
        Path, typer.Argument(help="The published draw (JSON, as `drawPublication` gives it).")
    ],
) -> None:
    """Re-run a published hearing draw without the database: check every witness's reveal
    against their commitment, the pool's hash, the seed and each category's selected and
    alternates (docs/hearings.md, "The draw"). Prints MATCH, or MISMATCH and why (exit 1)."""
    from backend.hearings import draw

    try:
        document = draw.loads(published.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        typer.secho(f"MISMATCH {published}: unreadable ({exc})", fg="red")
        raise typer.Exit(1) from exc
    problems = draw.verify_publication(document)
    if problems:
        typer.secho(f"MISMATCH {published}:", fg="red")
        for p in problems:
            typer.echo(f"  - {p}")
        raise typer.Exit(1)
    results = document["results"]
    selected = sum(len(r["selected"]) for r in results)
    typer.secho(
        f"MATCH hearing {document['hearing']}: seed {document['seed']}, "
        f"{len(document['pool']['applicants'])} applicants, {selected} selected",
        fg="green",
    )
    for r in results:
        typer.echo(
            f"  {r['category']}: {r['applicants']} applicants, {r['seats']} seats, "
            f"p={r['probability']}, selected {' '.join(r['selected']) or '-'}; "
            f"alternates {' '.join(r['alternates']) or '-'}"
        )
