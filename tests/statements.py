"""Counting the SQL statements a request costs (the "a page costs a constant number of
statements" tests of every domain).

The listener hears everything the app's engine runs, including the service's background
work on the same engine (timer looks, reminder sweeps, a grants cache refilled after a
notification), which only ever adds statements: so a request's own count is the fewest
of a few tries, not the count of one try — one try flakes on a loaded machine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import event

T = TypeVar("T")


async def fewest_statements(
    server: Any, sizes: Iterable[int], fetch: Callable[[int], Awaitable[T]], *, tries: int = 3
) -> tuple[dict[int, list[str]], dict[int, T]]:
    """For each page size, the statements of the cheapest of `tries` calls of `fetch(size)`,
    and the result of that call."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    per_size: dict[int, list[str]] = {}
    results: dict[int, T] = {}
    event.listen(engine, "before_cursor_execute", count)
    try:
        for size in sizes:
            for _ in range(tries):
                statements.clear()
                result = await fetch(size)
                if size not in per_size or len(statements) < len(per_size[size]):
                    per_size[size], results[size] = list(statements), result
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return per_size, results
