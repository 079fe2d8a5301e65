"""Logs, metrics and the request id.

Each request gets an id (from `X-Request-ID` or new), kept in a contextvar so every log
line of the request carries it and the county; JSON lines in production.
"""

from __future__ import annotations

import contextvars
import gc
import json
import logging
import os
import sys
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


class _TenantCell:
    """The county of the request (or socket) in progress, filled in once its caller is
    known. A mutable cell in a context variable: GraphQL resolves fields in tasks of their
    own, which copy the context, so a plain variable set where the principal is resolved
    would not reach the request's other tasks or its error log; the cell they all share
    does."""

    __slots__ = ("tenant_id",)

    def __init__(self) -> None:
        self.tenant_id: int | None = None


_tenant_cell: contextvars.ContextVar[_TenantCell | None] = contextvars.ContextVar(
    "tenant_cell", default=None
)


def note_tenant(tenant_id: int | None) -> None:
    """The county the current request acts in (called where its principal is resolved);
    every later log line of the request carries it. Outside a request: nothing."""
    cell = _tenant_cell.get()
    if cell is not None:
        cell.tenant_id = tenant_id


def current_tenant() -> int | None:
    cell = _tenant_cell.get()
    return cell.tenant_id if cell is not None else None


HTTP_REQUESTS = Counter("yishi_http_requests_total", "HTTP requests", ["method", "path", "status"])
HTTP_LATENCY = Histogram(
    "yishi_http_request_seconds",
    "HTTP request latency",
    ["method", "path"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
HTTP_ERRORS = Counter("yishi_http_errors_total", "HTTP responses with status >= 500", ["path"])
KNOWN_PATHS = frozenset({"/graphql", "/healthz", "/readyz", "/metrics", "/"})
GRAPHQL_ERRORS = Counter("yishi_graphql_errors_total", "GraphQL errors by code", ["code"])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "tenant": current_tenant(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        record.tenant = current_tenant() or "-"
        return True


def configure_logging(*, json_lines: bool, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if json_lines:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s tenant=%(tenant)s] "
                "%(message)s"
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # logs every pg_ctl call at INFO


class RequestMiddleware:
    """Pure ASGI: request id, latency/status metrics, and the id echoed in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = incoming or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        cell_token = _tenant_cell.set(_TenantCell())
        path = scope.get("path", "")
        path = path if path in KNOWN_PATHS else "other"  # bounded label cardinality
        method = scope.get("method", "WS")
        status = {"code": 500}
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            # Websocket sends go straight to the server (realtime.ws writes frames to the
            # transport it offers in the scope, and reads its buffer size).
            await self.app(scope, receive, send_wrapper if scope["type"] == "http" else send)
        finally:
            if scope["type"] == "http":
                HTTP_REQUESTS.labels(method, path, str(status["code"])).inc()
                HTTP_LATENCY.labels(method, path).observe(time.perf_counter() - started)
                if status["code"] >= 500:
                    HTTP_ERRORS.labels(path).inc()
            request_id_var.reset(token)
            _tenant_cell.reset(cell_token)


def tune_gc(threshold: int) -> None:
    """Garbage-collector settings for a serving process, applied once it has started.

    Every GraphQL execution leaves a few dozen objects in reference cycles (graphql-core's
    executor); with Python's defaults (a collection every 700 allocations) the many
    requests in flight at any moment are promoted to the old generations, and full
    collections of the ~250,000 objects of a warm worker stopped the event loop for ~90 ms
    about once a second under live voting — the p99 of a vote (bench/live_vote.py). So:
    everything allocated at startup (modules, schema, pools) is frozen out of collection,
    and the young generation is collected every `threshold` allocations, by which time
    nearly all of a request's objects are garbage: short pauses, little promotion. The
    oldest generation waits for 100 middle collections rather than 10: with thousands of
    sockets waiting on a read, each full pass walks all their coroutines (100+ ms)."""
    if threshold <= 0:
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(threshold, max(middle, 20), max(old, 100))


def metrics_text() -> bytes:
    """The Prometheus exposition of this service. Under `yishi serve --workers N` every
    worker writes its metrics to PROMETHEUS_MULTIPROC_DIR and any worker answering a scrape
    reports all of them (counters summed; gauges summed over live workers)."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def worker_exited() -> None:
    """Drop this worker's live gauges from the shared metrics (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())
