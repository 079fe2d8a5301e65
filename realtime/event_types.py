"""The event types of a stream kind, declared once by the domain that owns the kind
(Zulip's `event_schema` idea): a `StrEnum` of every type and, per type, its payload shape
(a `TypedDict`), whether it is logged or only a live value, and its label in the record.

The domain's producers pass enum members (a misspelt type is an AttributeError at import
and a type error for mypy, not an event that silently never shows live); its projections
(`realtime.streams.register_kind`), its live view and its record export key their tables
by the same members, and tests check that every member has an entry in each. Payloads are
checked against their shapes where the app asks for it (`Database.check_events`: on in
development and tests, off in production, where a mismatch would cost every append a
validation): `check` raises `EventShapeError` naming the type and the member.

Payload declarations are `typing_extensions.TypedDict`s (pydantic validates them; the
stdlib one is refused on Python 3.11), decorated with `shape` so that an unknown member is
an error and no value is coerced (a `"1"` is not an int).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

#: A payload declaration's config: no undeclared member, no coercion.
shape = with_config(ConfigDict(extra="forbid", strict=True))


class EventShapeError(ValueError):
    """An event whose type is not declared, or whose payload does not fit its declaration."""


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One event type: its payload shape, its label in the record (Chinese), and how it
    travels: logged (appended to the stream, the default) or a live value (published after
    commit, coalesced, never logged). A `legacy` type is found in older streams but no
    longer appended (it keeps its label and its projection)."""

    payload: type
    label: str
    live: bool = False
    legacy: bool = False


@dataclass(slots=True)
class EventTypes:
    """The registry of one stream kind's event types."""

    kind: str
    names: type[enum.StrEnum]
    specs: Mapping[enum.StrEnum, EventSpec]
    _adapters: dict[str, TypeAdapter[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [t.value for t in self.names if t not in self.specs]
        stray = [t for t in self.specs if t not in set(self.names)]
        if missing or stray:
            raise TypeError(f"{self.kind} event types without a spec {missing} or stray {stray}")

    def spec(self, type: str) -> EventSpec:
        try:
            return self.specs[self.names(type)]
        except ValueError:
            raise EventShapeError(f"{self.kind}: undeclared event type {type!r}") from None

    @property
    def logged(self) -> frozenset[enum.StrEnum]:
        """Types that go into the stream's log (the record), legacy ones included."""
        return frozenset(t for t, s in self.specs.items() if not s.live)

    @property
    def appended(self) -> frozenset[enum.StrEnum]:
        """Types the code appends today (logged, not legacy)."""
        return frozenset(t for t, s in self.specs.items() if not s.live and not s.legacy)

    @property
    def live(self) -> frozenset[enum.StrEnum]:
        """Live values: published after commit and coalesced, never logged."""
        return frozenset(t for t, s in self.specs.items() if s.live)

    def label(self, type: str) -> str | None:
        """The type's label in the record, None for a type this kind does not declare."""
        try:
            return self.specs[self.names(type)].label
        except ValueError:
            return None

    def check(self, type: str, payload: Any, *, live: bool = False) -> None:
        """Raise `EventShapeError` unless `type` is a declared type of this kind (a live
        value when `live`, else a logged type appended today) and `payload` fits its shape."""
        spec = self.spec(type)
        if spec.live != live or spec.legacy:
            what = "a live value" if spec.live else ("legacy" if spec.legacy else "logged")
            raise EventShapeError(f"{self.kind}: {type} is {what}, not to be sent this way")
        self.check_payload(type, payload)

    def check_payload(self, type: str, payload: Any) -> None:
        """Raise `EventShapeError` unless `payload` fits the declaration of `type` (as
        appended, or as read back from the log: the same JSON values)."""
        spec = self.spec(type)
        adapter = self._adapters.get(type)
        if adapter is None:
            adapter = self._adapters[type] = TypeAdapter(spec.payload)
        try:
            adapter.validate_python(payload)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(payload)'}: {e['msg']}"
                for e in exc.errors()[:5]
            )
            raise EventShapeError(f"{self.kind}: {type} payload does not fit: {problems}") from None
