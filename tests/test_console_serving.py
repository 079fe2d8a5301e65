"""The staff console's build is served by the service itself at /console/ (docs/console.md):
the index for every client route with no-cache, the hashed assets immutable, a CSP that
allows only the service, and nothing in the build that points outside it."""

from __future__ import annotations

import re

from backend.server.console import CONSOLE_DIR, CONTENT_SECURITY_POLICY


def _assets() -> list[str]:
    index = (CONSOLE_DIR / "index.html").read_text(encoding="utf-8")
    return re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', index)


async def test_every_client_route_gets_the_index_uncached_with_the_csp(server, gql):
    for path in ("/console/", "/console/inbox", "/console/cases/Q2FzZTox", "/console/stats"):
        response = await gql.http.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert '<div id="app">' in response.text
    bare = await gql.http.get("/console", follow_redirects=False)
    assert (bare.status_code, bare.headers["location"]) == (308, "/console/")


async def test_hashed_assets_are_immutable_and_an_unknown_one_is_a_404_not_the_index(server, gql):
    assets = _assets()
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for path in assets:
        response = await gql.http.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    missing = await gql.http.get("/console/assets/index-00000000.js")
    assert missing.status_code == 404
    assert missing.headers["cache-control"] == "no-cache"


def test_the_csp_allows_the_service_only_and_the_build_names_no_outside_address():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'" and directives["object-src"] == "'none'"
    for path in [CONSOLE_DIR / "index.html", *sorted((CONSOLE_DIR / "assets").iterdir())]:
        text = path.read_text(encoding="utf-8")
        # the only absolute addresses a bundle may hold are XML namespaces, never fetched
        outside = {
            url
            for url in re.findall(r"""https?://[^\s"'`)<>]+""", text)
            if not url.startswith("http://www.w3.org/")
        }
        assert not outside, (path.name, sorted(outside)[:5])
        assert "<script>" not in text and "fonts.googleapis" not in text
