"""The type checker ties an event type to its payload (`realtime.event_types`): mypy, run
on a small module that uses the real helpers of `backend.meetings.stream`, accepts the
well-typed calls and refuses each mismatch on exactly the line that makes it.

mypy runs with the project's configuration and cache (`make check` warms it, so this
takes seconds); nothing here needs the database."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.meetings.events import (
    TIMER_ACTIONS,
    CommentRef,
    MeetingEvent,
    MinutesUpdated,
    PollChanged,
    PollTally,
    TimerChanged,
    VoteCast,
)
from backend.meetings.models import Meeting
from backend.meetings.stream import append_event, draft, publish_live


async def producers(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    poll: PollChanged,
    tally: PollTally,
    vote: VoteCast,
    timer: TimerChanged,
    untyped: dict[str, Any],
) -> None:
    E = MeetingEvent
    # well typed: no error expected on these
    await append_event(session, principal, meeting, E.POLL_CREATED, poll)
    await append_event(session, principal, meeting, TIMER_ACTIONS["start"], timer)
    draft(session, E.COMMENT_ANSWERED_LIVE, CommentRef(id=1))
    draft(session, E.VOTE_CAST, vote, actor_user_id=1)
    fits: MinutesUpdated = {"length": 1, "sha256": None}
    draft(session, E.MINUTES_UPDATED, fits)
    publish_live(session, tenant_id=1, meeting_id=1, type=E.POLL_TALLY, key="1", version=1, value=tally)

    # mismatches: one error each
    await append_event(session, principal, meeting, E.POLL_CREATED, tally)  # another type's payload
    await append_event(session, principal, meeting, E.VOTE_CAST, poll)  # and the other way round
    draft(session, E.COMMENT_HIDDEN, CommentRef(id=1))  # members missing for that type
    draft(session, E.MINUTES_UPDATED, MinutesUpdated(length=1))  # a member missing
    draft(session, E.MINUTES_UPDATED, {"length": 1, "sha256": None})  # a bare dict: no shape
    draft(session, E.COMMENT_ANSWERED_LIVE, untyped)  # an untyped payload
    CommentRef(id="1")  # a member of the wrong type
    draft(session, E.POLL_TALLY, tally)  # a live value appended as an event
    publish_live(session, tenant_id=1, meeting_id=1, type=E.VOTE_CAST, key="1", version=1, value=vote)  # an event published live
    draft(session, E.SCORE_CAST, {"sheetId": 1})  # a legacy type appended
    draft(session, "poll.created", poll)  # a bare string
    draft(session, E.POLL_CREATD, poll)  # a misspelt type
"""


def _error_lines(output: str, path: Path) -> dict[int, str]:
    found: dict[int, str] = {}
    # mypy names the file as it was given, or relative to the working directory
    pattern = rf"^(?:.*/)?{re.escape(path.name)}:(\d+): error: (.*)$"
    for match in re.finditer(pattern, output, re.M):
        found.setdefault(int(match[1]), match[2])
    return found


def test_mypy_refuses_a_payload_that_does_not_fit_its_event_type(tmp_path, monkeypatch):
    api = pytest.importorskip("mypy.api")
    source = textwrap.dedent(SNIPPET)
    path = tmp_path / "producers.py"
    path.write_text(source)
    lines = source.splitlines()
    start = next(n for n, line in enumerate(lines, 1) if "# mismatches" in line)
    expected = {n for n, line in enumerate(lines, 1) if n > start and line.strip() and "#" in line}
    assert len(expected) == 12

    monkeypatch.chdir(ROOT)  # the project's modules, configuration and cache
    out, err, status = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            "--hide-error-context",
            "--show-error-codes",
            str(path),
        ]
    )

    errors = _error_lines(out, path)
    report = f"mypy said:\n{out}{err}"
    assert status == 1, report
    # each mismatch is refused on its own line, and nothing else is
    assert set(errors) == expected, report
    # and the reasons are the ones meant (a sample: the call, the type, the name)
    by_line = {lines[n - 1].split("#")[1].strip(): errors[n] for n in expected}
    assert "Cannot infer value" in by_line["another type's payload"], report
    assert 'expected "Logged[' in by_line["a live value appended as an event"], report
    assert 'expected "Live[' in by_line["an event published live"], report
    assert "has no attribute" in by_line["a misspelt type"], report
