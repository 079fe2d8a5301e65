"""Recompute hooks: what a domain registers to hear, in the changing transaction, that the
working days of some years changed (cases recompute their provisional deadlines and append
their own events).

A callback is ``callback(session, years_changed)``, awaited in the transaction of the
change, after it is written (a `load_calendar` in it sees the new calendar). The session's
scope says whose working days changed: a publication runs in a platform transaction
(every county; RLS does not filter it), a local closure in its county's transaction (only
that county's rows are visible). A callback that raises rolls the change back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

CalendarHook = Callable[[AsyncSession, frozenset[int]], Awaitable[None]]

# The registry, filled at import by the domains that count working days (as stream kinds
# are registered), and by tests.
_HOOKS: list[CalendarHook] = []


def on_calendar_changed(callback: CalendarHook) -> Callable[[], None]:
    """Register ``callback``; returns the function that unregisters it."""
    _HOOKS.append(callback)

    def unregister() -> None:
        if callback in _HOOKS:
            _HOOKS.remove(callback)

    return unregister


async def calendar_changed(session: AsyncSession, years: frozenset[int]) -> None:
    """Run every registered hook, in registration order, in the caller's transaction."""
    for callback in list(_HOOKS):
        await callback(session, years)
