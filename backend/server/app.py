"""The ASGI application: /graphql (HTTP + websockets), health, readiness and metrics, the
meeting page (/meet/<meeting>) and the staff console (/console/)."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from backend.cases.attachments import UploadBodyLimit
from backend.cases.reminders import ReminderSweep
from backend.core import outages
from backend.core.clock import SYSTEM_CLOCK, Clock
from backend.core.db import Database, describe_url
from backend.core.limits import RequestLimits, SharedBuckets
from backend.core.observability import (
    RequestMiddleware,
    configure_logging,
    metrics_text,
    tune_gc,
    worker_exited,
)
from backend.core.pseudonyms import install_pseudonym_key
from backend.core.settings import Settings, get_settings
from backend.meetings.access import MeetingDirectory
from backend.meetings.polls import VOTE_OPERATION, run_vote
from backend.meetings.scoring import BallotMixer
from backend.meetings.timers import TimerScheduler
from backend.opinion_map.compute import MapComputer
from backend.people.oidc import OidcClient
from backend.people.passwords import Passwords
from backend.people.principals import PrincipalResolver
from backend.people.sms import LogGateway, load_gateway
from backend.record.seal import Sealer
from backend.record.verify import VerificationCache
from backend.server.console import console_routes
from backend.server.graphiql import ASSETS, graphiql_html
from realtime.hub import Hub
from realtime.owners import StreamOwners, relay_for
from realtime.video.server import VideoServer
from realtime.writer import StreamWriter
from realtime.ws import websocket_endpoint
from realtime.ws.admission import SocketCounts
from schema.cases.http import case_attachment, case_statistics_xlsx
from schema.context import Context
from schema.hearings.http import record_docx as hearing_record_docx
from schema.meetings.http import record_docx
from schema.pages import encode_json
from schema.relay import install_id_key
from schema.schema import build_schema
from schema.services import AppServices
from schema.video.channel import DataChannelBridge
from tenants.directory import TenantDirectory

#: The meeting page's files (/meet/<meeting>), served from the package.
MEET_ASSETS = Path(__file__).parent / "static" / "meet"
log = logging.getLogger("yishi")


# strawberry's refusals of a request (English, plain text) and what we answer instead.
_REFUSALS = {
    "Batching is not enabled": "不支持批量请求：请求体须为一个 JSON 对象",
    "Unsupported content type": (
        "不支持的 Content-Type：请使用 application/json（上传文件用 multipart/form-data）"
    ),
    "Unable to parse the multipart body": "multipart 请求体无法解析",
    "File(s) missing in form data": "multipart 请求中缺少 map 所指的文件",
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询（query）",
    "mutations are not allowed when using GET": "GET 请求不能执行变更（mutation），请使用 POST",
    "The GraphQL operation's `query` must be a string or null, if provided.": (
        "query 必须是字符串"
    ),
    "The GraphQL operation's `variables` must be an object or null, if provided.": (
        "variables 必须是 JSON 对象"
    ),
    "The GraphQL operation's `extensions` must be an object or null, if provided.": (
        "extensions 必须是 JSON 对象"
    ),
    "Not Found": "未找到",
    "GraphQL only supports GET and POST requests.": "只支持 GET 和 POST 请求",
}


def refusal_response(status: int, reason: str) -> Response:
    """A refused request as a GraphQL-shaped JSON error: a Chinese message, `code`
    BAD_REQUEST (or the status's name) and strawberry's own reason for developers."""
    code = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(
        status, "BAD_REQUEST"
    )
    message = _REFUSALS.get(reason)
    if message is None:
        if reason.startswith("Unknown operation named"):
            message = "请求中没有这个名字的操作（operationName）"
        elif reason.isascii():
            message = "请求无效"  # a reason of strawberry's we do not know yet
        else:
            message, reason = reason, ""  # one of ours, already in Chinese
    reason = reason if len(reason) <= 200 else reason[:200] + "…"  # it may echo the input
    extensions = {"code": code, **({"reason": reason} if reason else {})}
    return JSONResponse(
        {"data": None, "errors": [{"message": message, "extensions": extensions}]},
        status_code=status,
    )


class YishiGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view (HTTP only) with our context and request cleanup; websockets
    are served by `realtime.ws`, which multiplexes subscriptions.

    Request bodies are parsed by orjson: invalid UTF-8, lone surrogates and nesting deeper
    than 1,024 are refused by the parser itself (no recursion in Python), and a body that
    is JSON but not an object (null, a string, a number) is refused too; every refusal is a
    JSON error with a code (`refusal_response`), never a 500.

    File uploads follow the GraphQL multipart request spec (`multipart_uploads_enabled`;
    cases' attachments). A browser sends a multipart form cross-site without a preflight,
    so a multipart request must carry a non-empty `Apollo-Require-Preflight` (or
    `X-Apollo-Operation-Name`) header, as Apollo Server's CSRF prevention asks: a header a
    cross-site form cannot set. Its `operations` part is JSON like a body, and is refused
    above `max_json_values` values as a body is (`RequestLimits`)."""

    PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")

    def __init__(self, *args: Any, max_json_values: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_json_values = max_json_values

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        if not any(request.headers.get(h, "").strip() for h in self.PREFLIGHT_HEADERS):
            raise HTTPException(
                400,
                "multipart 上传须带请求头 Apollo-Require-Preflight（防跨站请求伪造）",
            )
        return await super().parse_multipart(request)

    def decode_json(self, data: str | bytes) -> object:
        if isinstance(data, str) and self.max_json_values is not None:
            # a multipart request's `operations` (a body's values are counted upstream)
            values = data.count(",") + data.count("[") + data.count("{")
            if values > self.max_json_values:
                raise HTTPException(
                    400, f"operations 包含的值过多（{values}个以上，上限 {self.max_json_values}）"
                )
        value = orjson.loads(data)
        if isinstance(data, bytes) and not isinstance(value, dict | list):
            # The body (query parameters arrive as str and are checked by strawberry)
            raise HTTPException(400, "请求体须为一个 JSON 对象（含 query）")
        return value

    def encode_json(self, data: object) -> bytes:
        return encode_json(data)  # orjson (schema.pages)

    def parse_json(self, data: str | bytes) -> object:
        try:
            return self.decode_json(data)
        except orjson.JSONDecodeError as exc:
            where = "请求体" if isinstance(data, bytes) else "参数 variables/extensions"
            raise HTTPException(
                400, f"{where}不是有效的 JSON（须为 UTF-8，嵌套不超过 1024 层）"
            ) from exc

    async def get_context(self, request: Request | WebSocket, response: Response | None) -> Context:  # type: ignore[override]
        state = request.scope.setdefault("state", {})
        ctx = Context(
            services=request.app.state.services,
            request=request,
            response=response,
            request_id=state.get("request_id", "-"),
        )
        state["yishi_context"] = ctx
        return ctx

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: Any,
    ) -> ExecutionResult:
        """As strawberry executes one operation, except that a subscription (only a
        websocket carries one) is a client error with a code, not an executor failure,
        and that an answer with SERVICE_UNAVAILABLE is a 503 with `Retry-After`."""
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is not OperationType.SUBSCRIPTION:
                raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
            error = GraphQLError(
                "订阅需通过 websocket 连接 /graphql（graphql-transport-ws 协议）",
                extensions={"code": "SUBSCRIPTION_NEEDS_WEBSOCKET"},
            )
            return ExecutionResult(data=None, errors=[error])
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request") from exc
        if any((e.extensions or {}).get("code") == outages.CODE for e in result.errors or ()):
            # A dependency is down (backend.core.outages): a 503 that proxies and clients
            # know to retry, after the delay the error's `retryAfter` also says.
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
        return result

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["type"] == "http":
                request = Request(scope=scope, receive=receive)
                try:
                    try:
                        response = await self.run(request)
                    except HTTPException as exc:
                        response = refusal_response(exc.status_code, exc.reason)
                    await response(scope, receive, send)
                finally:
                    await request.close()  # a multipart form's spooled files, at once
            else:
                await super().__call__(scope, receive, send)
        finally:
            ctx: Context | None = scope.get("state", {}).pop("yishi_context", None)
            if ctx is not None:
                await ctx.close()

    @property
    def graphql_ide_html(self) -> str:
        return graphiql_html()  # assets from this package, not a CDN


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from backend.server.embedded import start_embedded

    return start_embedded(settings.data_dir)


def create_app(
    settings: Settings | None = None, *, migrate: bool | None = None, clock: Clock | None = None
) -> Starlette:
    """The service. With no DATABASE_URL it starts the embedded PostgreSQL and migrates it.
    `clock` is the time meeting timers run on (the wall clock unless a test gives one)."""
    settings = settings or get_settings()
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    install_id_key(settings.id_key.get_secret_value())
    install_pseudonym_key(settings.id_key.get_secret_value())
    schema = build_schema(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = database_url(settings)
        if migrate if migrate is not None else settings.database_url is None:
            from backend.server.migrate import upgrade

            await upgrade(url)
        db = Database(
            owner_url=url,
            app_url=settings.app_database_url,
            app_role=settings.app_role,
            platform_role=settings.platform_role,
            pool_size=settings.db_pool_size,
            check_events=settings.checks_events,
        )
        directory = TenantDirectory(db)
        principals = PrincipalResolver(db, directory, secret=settings.jwt_secret.get_secret_value())
        the_clock = clock or SYSTEM_CLOCK
        await principals.start()
        namespace = settings.broadcast_namespace or f"yishi:{urlsplit(url).path.lstrip('/')}"
        hub = Hub(
            settings.broadcast_url,
            db,
            namespace=namespace,
            live_budget=settings.live_frame_budget / settings.workers,
        )
        await hub.start()
        db.publisher = hub  # every session of this app's Database publishes on its hub
        # One owner per hot stream across workers and hosts (realtime.owners): the others
        # hand it their votes and 测评票, so one writer batches them and one mixer holds a
        # sheet's pending ballots.
        owners = StreamOwners(
            db.app_engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
            relay_for(settings.broadcast_url, settings.jwt_secret.get_secret_value()),
            namespace=namespace,
        )
        await owners.start()
        writer = StreamWriter(db, owners=owners)
        ballots = BallotMixer(writer)  # pending 测评票, in the stream owner's memory only
        timers = TimerScheduler(db, clock=the_clock)
        timers.start()
        reminders = ReminderSweep(db, interval=settings.case_reminder_seconds)
        reminders.start()
        app.state.upload_limit = UploadBodyLimit(db, hard_cap=settings.max_upload_body_bytes)
        services = AppServices(
            settings=settings,
            db=db,
            tenants=directory,
            principals=principals,
            hub=hub,
            writer=writer,
            ballots=ballots,
            meetings=MeetingDirectory(),
            sealer=Sealer(
                settings.record_keys_dir,
                settings.record_tsa_url,
                settings.record_tsa_timeout_seconds,
            ),
            timers=timers,
            ws_sockets=SocketCounts(),
            verifications=VerificationCache(ttl_seconds=settings.record_verify_cache_seconds),
            passwords=Passwords(
                threads=settings.password_hash_threads, nice=settings.password_hash_nice
            ),
            clock=the_clock,
            sms=load_gateway(settings.sms_gateway),
            oidc=OidcClient(timeout=settings.oidc_http_timeout_seconds),
        )
        # Votes are run by the meeting stream's owner, which holds the voters' budgets.
        writer.register(
            VOTE_OPERATION, functools.partial(run_vote, writer, services.limits), anywhere=True
        )
        services.opinion_maps = opinion_maps = MapComputer(db)
        if settings.environment == "production" and isinstance(services.sms, LogGateway):
            log.warning("SMS_GATEWAY is not set: sign-in codes go to the log only")
        services.video_channel = DataChannelBridge(db)
        services.video = video = VideoServer(
            ice_addresses=settings.video_ice_addresses,
            storage_dir=settings.video_storage_dir,
            disconnect_timeout=settings.video_disconnect_timeout_seconds,
            keyframe_interval=settings.video_keyframe_interval_seconds,
            socket_buffer=settings.video_socket_buffer_bytes,
            remote_networks=settings.video_ice_remote_networks,
            on_closed=services.video_channel.on_closed,
            on_message=services.video_channel.on_message,
        )
        if not settings.broadcast_url.startswith("memory://"):
            # Rate budgets shared by every worker and host on this Redis (falling back to
            # each process's own while Redis is away).
            services.limits.shared = SharedBuckets(settings.broadcast_url, namespace=namespace)
        app.state.services = services
        tune_gc(settings.gc_threshold)
        log.info(
            "Yishi serving with database %s, pub/sub %s",
            describe_url(url),
            settings.broadcast_url.split("@")[-1],
        )
        try:
            yield
        finally:
            # Peers first, while the database is up: their departures go into the record.
            await video.close()
            await opinion_maps.close()
            db.publisher = None  # what commits from now on is caught up from the log
            await timers.stop()
            await reminders.stop()
            await ballots.close()
            await writer.close()
            await hub.stop()
            if services.limits.shared is not None:
                await services.limits.shared.close()
            await principals.stop()
            await db.dispose()
            services.passwords.close()
            await services.oidc.close()
            worker_exited()

    graphql = YishiGraphQL(
        schema,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        subscription_protocols=(),
        multipart_uploads_enabled=True,
        max_json_values=settings.max_json_values,
    )

    async def multipart_limit(scope: Scope) -> int:
        upload_limit: UploadBodyLimit = scope["app"].state.upload_limit
        return await upload_limit.bytes()

    async def graphql_socket(websocket: WebSocket) -> None:
        # The socket gets what it needs of the schema and of the app from here
        # (realtime.ws.wiring); mypy checks that AppServices is what it needs.
        services: AppServices = websocket.app.state.services
        await websocket_endpoint(websocket, schema.socket, services)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            async with request.app.state.services.db.app_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # readiness reports, it does not crash
            log.warning("readiness check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "up"})

    async def metrics(request: Request) -> Response:
        return PlainTextResponse(metrics_text(), media_type=CONTENT_TYPE_LATEST)

    async def meet_page(request: Request) -> Response:
        # The meeting page (plain HTML + JS from this package, no CDN): docs/video.md.
        return FileResponse(MEET_ASSETS / "index.html", media_type="text/html; charset=utf-8")

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_socket),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/meetings/{meeting_id}/record.docx", record_docx),
            Route("/hearings/{hearing_id}/record.docx", hearing_record_docx),
            Route("/exports/case-statistics.xlsx", case_statistics_xlsx),
            Route("/cases/attachments/{attachment_id}", case_attachment),
            Route("/meet/{meeting_id}", meet_page),
            Mount("/static/graphiql", StaticFiles(directory=ASSETS), name="graphiql-assets"),
            Mount("/static/meet", StaticFiles(directory=MEET_ASSETS), name="meet-assets"),
            *console_routes(),  # the staff console's build (docs/console.md)
        ],
        lifespan=lifespan,
    )
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_json_values=settings.max_json_values,
        multipart_limit=multipart_limit,
    )
    app.add_middleware(RequestMiddleware)  # outermost: refusals get an id and metrics too
    return app
