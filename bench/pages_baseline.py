"""Baseline for bench/pages.py: a bare Starlette + asyncpg endpoint for the meetings page.

POST /page returns what `meetings(first: 50) { edges { node { id title kind state startsAt
venue { name } hostUnit { name } } cursor } pageInfo { hasNextPage endCursor } }` returns
for the bench's county: the same rows, read with the same joins (meetings, their venue,
their host unit) from the same database in one statement, the same global ids and
cursors, encoded with orjson. No GraphQL, no authorisation, no row-level security: the
floor a list page could reach in Python on this machine. Served by uvicorn with the
options of `yishi serve` (one worker, no access log).

    DATABASE_URL=… TENANT_ID=… ID_KEY=… .venv/bin/python bench/pages_baseline.py --port 8101
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schema.relay import to_global_id  # noqa: E402  (the service's global ids)

PAGE = """
SELECT m.id, m.title, m.kind, m.state, m.starts_at, v.name AS venue, u.name AS host_unit
FROM meetings m
LEFT JOIN venues v ON v.id = m.venue_id
JOIN org_units u ON u.id = m.host_unit_id
WHERE m.tenant_id = $1
ORDER BY m.id DESC
LIMIT $2
"""

pool: asyncpg.Pool | None = None


def cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


async def page(request: Request) -> Response:
    first = 50
    assert pool is not None
    async with pool.acquire() as conn:
        rows = await conn.fetch(PAGE, TENANT_ID, first + 1)
    edges = [
        {
            "node": {
                "id": to_global_id("Meeting", r["id"]),
                "title": r["title"],
                "kind": r["kind"],
                "state": r["state"],
                "startsAt": r["starts_at"].isoformat(),
                "venue": None if r["venue"] is None else {"name": r["venue"]},
                "hostUnit": {"name": r["host_unit"]},
            },
            "cursor": cursor(r["id"]),
        }
        for r in rows[:first]
    ]
    body = {
        "data": {
            "meetings": {
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
            }
        }
    }
    return Response(orjson.dumps(body), media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=10)
    try:
        yield
    finally:
        await pool.close()


TENANT_ID = int(os.environ.get("TENANT_ID", "0"))
app = Starlette(routes=[Route("/page", page, methods=["GET", "POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8101)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
