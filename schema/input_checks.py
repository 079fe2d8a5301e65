"""Text PostgreSQL cannot store is refused before anything runs.

PostgreSQL `text` holds no NUL character and the driver cannot encode a lone UTF-16
surrogate (JSON allows `"\\u0000"` and `"\\ud800"`, GraphQL allows `"\\u0000"`), so such a
string reaching a query fails deep inside the database layer. One pass over the
variables, and over the document's string literals when it has an escape at all, turns
that into a BAD_USER_INPUT error naming the variable or argument."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ObjectFieldNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

NUL = "\x00"
_SCALARS = frozenset({int, float, bool, type(None)})


def text_problem(value: str) -> str | None:
    """Why PostgreSQL cannot store `value` (in Chinese), or None."""
    if NUL in value:
        return "含有 NUL 字符（\\u0000）"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "含有不成对的 UTF-16 代理字符"
    return None


def bad_variable(variables: dict[str, Any] | None) -> tuple[str, str] | None:
    """The first string in `variables` PostgreSQL cannot store: (path, reason). Paths are
    only spelled out for the string found: a long list of numbers costs one cheap pass."""
    if not variables:
        return None
    # (parent entry, key, value): the path is rebuilt from the parents when needed
    stack: list[tuple[Any, Any, Any]] = [(None, f"${name}", v) for name, v in variables.items()]
    while stack:
        entry = stack.pop()
        value = entry[2]
        if isinstance(value, str):
            reason = text_problem(value)
        elif isinstance(value, dict):
            reason = next(filter(None, map(text_problem, filter(_is_str, value))), None)
            stack.extend((entry, key, item) for key, item in value.items() if _nested(item))
        elif isinstance(value, list):
            kinds = set(map(type, value))  # one C-level pass: lists of scalars are common
            if kinds <= _SCALARS or (kinds == {str} and text_problem("".join(value)) is None):
                continue
            stack.extend((entry, i, item) for i, item in enumerate(value) if _nested(item))
            continue
        else:
            continue
        if reason is not None:
            return _path(entry), reason
    return None


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _nested(value: Any) -> bool:
    return isinstance(value, str | dict | list)


def _path(entry: tuple[Any, Any, Any]) -> str:
    parts: list[str] = []
    node: Any = entry
    while node is not None:
        key = node[1]
        parts.append(f"[{key}]" if isinstance(key, int) else (f".{key}" if node[0] else key))
        node = node[0]
    return "".join(reversed(parts))


class _Literals(Visitor):
    """Finds the first string literal PostgreSQL cannot store, with its argument."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.found: tuple[str, str] | None = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.names.pop()

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.names.append(node.name.value)

    def leave_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        self.names.pop()

    def enter_string_value(self, node: StringValueNode, *_: Any) -> Any:
        if (reason := text_problem(node.value)) is not None:
            self.found = (".".join(self.names) or "query", reason)
            return Visitor.BREAK
        return None


def bad_literal(query: str | None, document: DocumentNode | None) -> tuple[str, str] | None:
    """The first string literal of the document PostgreSQL cannot store: (argument, reason).
    Only a document with a `\\u` escape can have one (the parser refuses raw control
    characters), so most documents are not walked."""
    if document is None or not query or "\\u" not in query:
        return None
    finder = _Literals()
    visit(document, finder)
    return finder.found


class StorableText(SchemaExtension):
    """Refuses an operation whose variables or string literals hold text PostgreSQL
    cannot store (NUL, lone surrogates), before it runs: BAD_USER_INPUT naming where."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        found = bad_variable(context.variables)
        if found is not None:
            path, reason = found
            raise GraphQLError(
                f"变量 {path} {reason}，无法保存",
                extensions={"code": "BAD_USER_INPUT", "field": path},
            )
        found = bad_literal(context.query, context.graphql_document)
        if found is not None:
            name, reason = found
            raise GraphQLError(
                f"参数 {name} {reason}，无法保存",
                extensions={"code": "BAD_USER_INPUT", "field": name},
            )
        yield
