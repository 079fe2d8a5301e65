"""Input refused before anything runs: text PostgreSQL cannot store, too many node ids.

PostgreSQL `text` holds no NUL character and the driver cannot encode a lone UTF-16
surrogate (JSON allows `"\\u0000"` and `"\\ud800"`, GraphQL allows `"\\u0000"`), so such a
string reaching a query fails deep inside the database layer. One pass over the
variables, and over the document's string literals when it has an escape at all, turns
that into a BAD_USER_INPUT error naming the variable or argument.

`nodes(ids:)` takes at most MAX_NODES ids, and this is the one check of it: counting them
here, before graphql-core coerces a list of 100,000 ids into GlobalIDs, refuses a flood
for the price of a `len`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectFieldNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from schema.relay import MAX_NODES

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


class _NodeIds(Visitor):
    """The largest number of ids any `nodes` field of the document is given."""

    def __init__(self, variables: dict[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.most = 0

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value != "nodes":
            return
        for argument in node.arguments or ():
            if argument.name.value != "ids":
                continue
            value = argument.value
            if isinstance(value, ListValueNode):
                self.most = max(self.most, len(value.values))
            elif isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                if isinstance(given, list):
                    self.most = max(self.most, len(given))


def too_many_node_ids(
    query: str | None, document: DocumentNode | None, variables: dict[str, Any] | None
) -> bool:
    if document is None or not query or "nodes" not in query:
        return False
    counter = _NodeIds(variables or {})
    visit(document, counter)
    return counter.most > MAX_NODES


def refuse_bad_input(
    query: str | None, document: DocumentNode | None, variables: dict[str, Any] | None
) -> None:
    """Raises a BAD_USER_INPUT GraphQLError (with `field`) for an operation asking `nodes`
    for more than MAX_NODES ids or holding text PostgreSQL cannot store. For any path that
    executes a document (the HTTP view through `InputChecks`, a websocket handler)."""
    if too_many_node_ids(query, document, variables):
        raise GraphQLError(
            f"参数 ids 最多 {MAX_NODES} 个标识",
            extensions={"code": "BAD_USER_INPUT", "field": "ids"},
        )
    found = bad_variable(variables)
    if found is not None:
        path, reason = found
        raise GraphQLError(
            f"变量 {path} {reason}，无法保存", extensions={"code": "BAD_USER_INPUT", "field": path}
        )
    found = bad_literal(query, document)
    if found is not None:
        name, reason = found
        raise GraphQLError(
            f"参数 {name} {reason}，无法保存", extensions={"code": "BAD_USER_INPUT", "field": name}
        )


class InputChecks(SchemaExtension):
    """`refuse_bad_input` before an operation runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        refuse_bad_input(context.query, context.graphql_document, context.variables)
        yield
