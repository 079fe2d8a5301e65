"""The event types of a stream kind, declared once by the domain that owns the kind
(Zulip's `event_schema` idea): one declaration per type carries its name (the string in
the log), its payload shape (a `TypedDict`), how it travels and its label in the record.

    class MeetingEvent(EventNames):
        POLL_CREATED = Logged("poll.created", PollChanged, "创建表决")
        POLL_TALLY = Live("poll.tally", PollTally, "表决实时计票")
        SCORE_CAST = Legacy("score.cast", ScoreCast, "提交测评票")

    MEETING_EVENTS = EventTypes("meeting", MeetingEvent)

Each member is an `EventKey[P]`, `P` its payload, so the type checker ties the two: a
domain's append helper typed `(type: Logged[P], payload: P)` refuses a payload of another
shape for a type, a live value where an event is appended (and the reverse), and a
misspelt member (tests/test_event_types_static.py proves it with mypy). A key is a `str`
(its `.value`, as stored): the domain's projections (`realtime.streams.register_kind`),
live view and record export key their tables by the members and look them up with the
type read from the log, as they did with an enum; iterating `MeetingEvent` gives every
member, and tests check that each has an entry in each table.

Payloads are also checked at run time where the app asks for it (`Database.check_events`:
on in development and tests, off in production, where a mismatch would cost every append
a validation): `check` raises `EventShapeError` naming the type and the member.

Payload declarations are `typing_extensions.TypedDict`s (pydantic validates them; the
stdlib one is refused on Python 3.11), decorated with `shape` so that an unknown member is
an error and no value is coerced (a `"1"` is not an int).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError, with_config

#: A payload declaration's config: no undeclared member, no coercion.
shape = with_config(ConfigDict(extra="forbid", strict=True))

#: The payload shape (a TypedDict) of an event type.
P = TypeVar("P")


class EventShapeError(ValueError):
    """An event whose type is not declared, or whose payload does not fit its declaration."""


class EventKey(str, Generic[P]):
    """One declared event type, its payload `P`: equal to (and hashed as) its name, so it
    keys tables read with the stored type. Use a subclass: `Logged` (appended to the
    stream), `Live` (published after commit, coalesced, never logged) or `Legacy` (found in
    older streams, no longer appended: it keeps its label and its projection)."""

    #: How the type travels (set by the subclasses).
    live: ClassVar[bool] = False
    legacy: ClassVar[bool] = False

    value: str  # the name as a plain str (what goes into the log and onto the wire)
    payload: type[P]  # the payload's declaration
    label: str  # its label in the record (Chinese)
    name: str  # the attribute it is declared as (`POLL_CREATED`), like an enum member's
    owner: str  # the namespace it is declared in (`MeetingEvent`)

    def __new__(cls, value: str, payload: type[P], label: str) -> Self:
        key = super().__new__(cls, value)
        key.value = str.__str__(key)
        key.payload = payload
        key.label = label
        key.name = key.owner = ""
        return key

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner.__name__, name

    def __repr__(self) -> str:
        if not self.owner:  # made outside a namespace class
            return f"{type(self).__name__}({self.value!r})"
        return f"<{self.owner}.{self.name}: {self.value!r}>"

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (self.value,))  # a copy or a pickle is the plain name


class Logged(EventKey[P]):
    """A type appended to the stream's log (the record)."""


class Live(EventKey[P]):
    """A live value: published after commit and coalesced, never logged."""

    live = True


class Legacy(EventKey[P]):
    """A type found in older streams but no longer appended."""

    legacy = True


class _Names(type):
    """The metaclass of `EventNames`: the class iterates over its members, in order."""

    _members: tuple[EventKey[Any], ...]

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        cls._members = tuple(v for v in namespace.values() if isinstance(v, EventKey))

    def __iter__(cls) -> Iterator[EventKey[Any]]:
        return iter(cls._members)

    def __len__(cls) -> int:
        return len(cls._members)


class EventNames(metaclass=_Names):
    """Base of a kind's namespace of event types: a class whose attributes are its
    `EventKey`s (`MeetingEvent.POLL_CREATED`); iterating the class gives them all."""


@dataclass(slots=True)
class EventTypes:
    """The registry of one stream kind's event types."""

    kind: str
    names: type[EventNames]
    _by_value: dict[str, EventKey[Any]] = field(init=False)
    _adapters: dict[str, TypeAdapter[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_value = {}
        for key in self.names:
            if key.value in self._by_value:
                raise TypeError(f"{self.kind}: event type {key.value!r} declared twice")
            self._by_value[key.value] = key

    def __iter__(self) -> Iterator[EventKey[Any]]:
        return iter(self.names)

    def key(self, type: str) -> EventKey[Any]:
        """The declared key of `type` (a member or the name read from the log)."""
        try:
            return self._by_value[type]
        except KeyError:
            raise EventShapeError(f"{self.kind}: undeclared event type {type!r}") from None

    @property
    def logged(self) -> frozenset[EventKey[Any]]:
        """Types that go into the stream's log (the record), legacy ones included."""
        return frozenset(t for t in self.names if not t.live)

    @property
    def appended(self) -> frozenset[EventKey[Any]]:
        """Types the code appends today (logged, not legacy)."""
        return frozenset(t for t in self.names if not t.live and not t.legacy)

    @property
    def live(self) -> frozenset[EventKey[Any]]:
        """Live values: published after commit and coalesced, never logged."""
        return frozenset(t for t in self.names if t.live)

    def label(self, type: str) -> str | None:
        """The type's label in the record, None for a type this kind does not declare."""
        key = self._by_value.get(type)
        return None if key is None else key.label

    def check(self, type: str, payload: Any, *, live: bool = False) -> None:
        """Raise `EventShapeError` unless `type` is a declared type of this kind (a live
        value when `live`, else a logged type appended today) and `payload` fits its shape."""
        key = self.key(type)
        if key.live != live or key.legacy:
            what = "a live value" if key.live else ("legacy" if key.legacy else "logged")
            raise EventShapeError(f"{self.kind}: {type} is {what}, not to be sent this way")
        self.check_payload(type, payload)

    def check_payload(self, type: str, payload: Any) -> None:
        """Raise `EventShapeError` unless `payload` fits the declaration of `type` (as
        appended, or as read back from the log: the same JSON values)."""
        key = self.key(type)
        adapter = self._adapters.get(key.value)
        if adapter is None:
            adapter = self._adapters[key.value] = TypeAdapter(key.payload)
        try:
            adapter.validate_python(payload)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(payload)'}: {e['msg']}"
                for e in exc.errors()[:5]
            )
            raise EventShapeError(f"{self.kind}: {type} payload does not fit: {problems}") from None
