"""Baseline for bench/cases.py: a bare Starlette + asyncpg endpoint for the cases page.

POST /page returns what `cases(first: 50) { edges { node { id number title state dueOn
accountableUnit { name } handler { name } lastEvent { seq type at } } cursor } pageInfo {
hasNextPage endCursor } }` returns for the bench's county admin: the same rows read with the
same joins (the accountable unit, the lead assignment's unit, the stream's head event) in
one statement, the same global ids and cursors, encoded with orjson. No GraphQL, no
authorisation, no row-level security: the floor a list page could reach in Python here.

    DATABASE_URL=… TENANT_ID=… ID_KEY=… .venv/bin/python bench/cases_baseline.py --port 8102
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
SELECT c.id, c.number, c.title, c.state, c.due_on, acc.name AS acc, h.name AS handler,
       e.seq, e.type, e.created_at
FROM cases c
JOIN org_units acc ON acc.id = c.accountable_unit_id
LEFT JOIN LATERAL (
  SELECT a.unit_id FROM case_assignments a
  WHERE a.case_id = c.id AND a.role = 'LEAD' AND a.state IN ('PENDING', 'SIGNED', 'DONE')
  ORDER BY a.id DESC LIMIT 1
) lead ON true
LEFT JOIN org_units h ON h.id = lead.unit_id
LEFT JOIN event_streams sh ON sh.tenant_id = c.tenant_id AND sh.stream = 'case:' || c.id
LEFT JOIN events e ON e.tenant_id = sh.tenant_id AND e.stream = sh.stream AND e.seq = sh.last_seq
WHERE c.tenant_id = $1
ORDER BY c.id DESC
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
                "id": to_global_id("Case", r["id"]),
                "number": r["number"],
                "title": r["title"],
                "state": r["state"],
                "dueOn": r["due_on"].isoformat() if r["due_on"] else None,
                "accountableUnit": {"name": r["acc"]},
                "handler": None if r["handler"] is None else {"name": r["handler"]},
                "lastEvent": None
                if r["seq"] is None
                else {"seq": r["seq"], "type": r["type"], "at": r["created_at"].isoformat()},
            },
            "cursor": cursor(r["id"]),
        }
        for r in rows[:first]
    ]
    body = {
        "data": {
            "cases": {
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
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=5)
    try:
        yield
    finally:
        await pool.close()


TENANT_ID = int(os.environ.get("TENANT_ID", "0"))
app = Starlette(routes=[Route("/page", page, methods=["GET", "POST"])], lifespan=lifespan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8102)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
