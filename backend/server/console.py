"""The county staff console (工作台) at /console/: the Vite build of `web/`, shipped in this
package (`static/console/`, committed, so `make run` needs no node) and served with the
cache and security headers a browser on a county intranet needs (docs/console.md).

- `/console/assets/<name>-<hash>.<ext>`: content-hashed, so `immutable` for a year.
- Any other path under `/console/` is a page of the app (client-side routes such as
  `/console/cases/<id>`): the index, `no-cache`, so a new build is picked up at once.
- Every answer carries a Content-Security-Policy allowing only the service itself
  ('self': scripts, styles, images, fonts, the GraphQL socket); no inline script or
  style, no CDN, no frame.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: Where `npm run build` (web/vite.config.ts) writes the console.
CONSOLE_DIR = Path(__file__).parent / "static" / "console"
PREFIX = "/console"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


def _secure(response: Response, cache: str) -> Response:
    response.headers["Cache-Control"] = cache
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


class HashedAssets(StaticFiles):
    """The build's hashed files, cached for good; an unknown name is a plain 404 (never
    the index: a stale page asking for an old chunk must fail visibly, not parse HTML)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:  # StaticFiles raises its 404 (and 405)
            return _secure(PlainTextResponse("未找到", status_code=exc.status_code), NO_CACHE)
        return _secure(response, IMMUTABLE if response.status_code == 200 else NO_CACHE)


def _index() -> Response:
    index = CONSOLE_DIR / "index.html"
    if not index.is_file():  # a checkout whose build was removed: say how to make it
        return _secure(
            PlainTextResponse("工作台尚未构建：请运行 make web-build", status_code=503), NO_CACHE
        )
    return _secure(FileResponse(index, media_type="text/html; charset=utf-8"), NO_CACHE)


async def console_page(request: Request) -> Response:
    """Any client route of the console: the app's index (it routes in the browser)."""
    return _index()


async def console_root(request: Request) -> Response:
    return RedirectResponse(PREFIX + "/", status_code=308)


def console_routes() -> list[BaseRoute]:
    """The console's routes, to put in the app's route list."""
    return [
        Route(PREFIX, console_root),
        Mount(
            PREFIX + "/assets",
            HashedAssets(directory=CONSOLE_DIR / "assets", check_dir=False),
            name="console-assets",
        ),
        Route(PREFIX + "/{path:path}", console_page),
    ]
