"""The ASGI application: /graphql (HTTP + websockets), health, readiness and metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from backend.db import Database, describe_url
from backend.limits import RequestLimits
from backend.meetings.service import MeetingDirectory
from backend.meetings.timers import TimerScheduler
from backend.observability import (
    RequestMiddleware,
    configure_logging,
    metrics_text,
    tune_gc,
    worker_exited,
)
from backend.services import AppServices, TenantDirectory
from backend.settings import Settings, get_settings
from realtime.hub import Hub, install_hub
from realtime.writer import StreamWriter
from realtime.ws import websocket_endpoint
from schema.context import Context
from schema.meetings.http import record_docx
from schema.schema import build_schema

log = logging.getLogger("yishi")


class YishiGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view (HTTP only) with our context and request cleanup; websockets
    are served by `realtime.ws`, which multiplexes subscriptions."""

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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            ctx: Context | None = scope.get("state", {}).pop("yishi_context", None)
            if ctx is not None:
                await ctx.close()


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    from backend.embedded import start_embedded

    return start_embedded(settings.data_dir)


def create_app(settings: Settings | None = None, *, migrate: bool | None = None) -> Starlette:
    """The service. With no DATABASE_URL it starts the embedded PostgreSQL and migrates it."""
    settings = settings or get_settings()
    configure_logging(json_lines=settings.json_logs, level=settings.log_level)
    schema = build_schema(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        url = database_url(settings)
        if migrate if migrate is not None else settings.database_url is None:
            from backend.migrate import upgrade

            await upgrade(url)
        db = Database(
            owner_url=url,
            app_url=settings.app_database_url,
            app_role=settings.app_role,
            platform_role=settings.platform_role,
            pool_size=settings.db_pool_size,
        )
        services = AppServices(settings=settings, db=db, tenants=TenantDirectory(db))
        namespace = settings.broadcast_namespace or f"yishi:{urlsplit(url).path.lstrip('/')}"
        hub = Hub(
            settings.broadcast_url,
            db,
            namespace=namespace,
            live_budget=settings.live_frame_budget / settings.workers,
        )
        await hub.start()
        install_hub(hub)
        services.extras["hub"] = hub
        writer = StreamWriter(db)
        services.extras["writer"] = writer
        services.extras["meetings"] = MeetingDirectory()
        timers = TimerScheduler(db)
        timers.start()
        services.extras["timers"] = timers
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
            install_hub(None)
            await timers.stop()
            await writer.close()
            await hub.stop()
            await db.dispose()
            worker_exited()

    graphql = YishiGraphQL(
        schema,
        graphql_ide="graphiql",
        allow_queries_via_get=True,
        subscription_protocols=(),
    )

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

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", lambda ws: websocket_endpoint(ws, schema)),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/meetings/{meeting_id}/record.docx", record_docx),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(
        RequestLimits,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_json_values=settings.max_json_values,
    )
    app.add_middleware(RequestMiddleware)  # outermost: refusals get an id and metrics too
    return app
