"""GraphiQL without the internet: strawberry's page with its CDN addresses pointed at the
copies shipped in `backend/server/static/graphiql` (county intranets cannot reach a CDN)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).parent / "static" / "graphiql"
ASSET_PREFIX = "/static/graphiql/"

#: CDN address in strawberry's page → file shipped here.
_LOCAL = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


@functools.cache
def graphiql_html() -> str:
    """The GraphiQL page, every script and stylesheet served by this service.

    Raises if strawberry's page names an outside address this module does not map (an
    upgrade changed the versions): better a failed start than a page that hangs offline."""
    html = get_graphql_ide_html(graphql_ide="graphiql")
    for url, name in _LOCAL.items():
        html = html.replace(url, ASSET_PREFIX + name)
    remaining = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", html)
    if remaining:
        raise RuntimeError(f"GraphiQL page names assets this package does not ship: {remaining}")
    return html
