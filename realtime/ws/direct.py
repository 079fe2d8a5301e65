"""Operations over the socket without graphql-core's executor: the cached, validated
documents, and the plans of direct hot mutations (a vote; `realtime.ws.fields`)
projected onto their selection. The schema, its document cache and its limit rules come
from the app (`realtime.ws.wiring.SocketGraphQL`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    parse,
    specified_rules,
    validate,
)

from realtime.ws.fields import DirectHandler, socket_fields
from realtime.ws.wiring import SocketGraphQL


def _parse_and_validate(
    graphql: SocketGraphQL, query: str, max_tokens: int, max_depth: int, max_aliases: int
) -> DocumentNode:
    """The parsed document, or its first validation error; cached per query text (a crowd
    joining a meeting sends the same document thousands of times)."""
    document, errors = _validated(graphql, query, max_tokens, max_depth, max_aliases)
    if errors:
        raise errors[0]
    return document


def _validated(
    graphql: SocketGraphQL, query: str, max_tokens: int, max_depth: int, max_aliases: int
) -> tuple[DocumentNode, list[GraphQLError]]:
    """Parsed and validated as over HTTP, and kept in the schema's own bounded document
    cache (`graphql.documents`: by entries and characters; a long text is never kept),
    beside the HTTP path's entries. `max_depth` and `max_aliases` are enforced by the
    schema's limit rules; they key the entry with the token limit, as they did."""
    cache = graphql.documents
    key = (query, ("socket", max_tokens, max_depth, max_aliases))
    document = cache.documents.get(key)
    if document is None:
        document = parse(query, max_tokens=max_tokens)
        cache.documents.put(key, document, len(query))
    errors = cache.validations.get(key)
    if errors is None:
        # The schema's own limit rules (depth, aliases, list lengths), as over HTTP.
        rules = (*specified_rules, *graphql.limit_rules)
        errors = validate(graphql.schema._schema, document, rules)
        cache.validations.put(key, errors, len(query))
    return document, errors


@dataclass(frozen=True, slots=True)
class _DirectPlan:
    """How to run one mutation document without graphql-core's executor."""

    handler: DirectHandler
    field_def: GraphQLField
    node: FieldNode
    key: str  # the response key (alias or name)
    project: Callable[[Any], Any]  # payload object → the selected JSON value
    arguments: list[Any]  # the field's strawberry arguments (computed on each access)


#: Longest document planned as direct: a vote's document is a few hundred characters, and
#: the plans (cached per query text, by entries only) hold their text.
DIRECT_MAX_CHARS = 4096


@functools.lru_cache(maxsize=512)
def _direct_plan(
    graphql: SocketGraphQL,
    query: str,
    operation_name: str | None,
    max_tokens: int,
    max_depth: int,
    max_aliases: int,
) -> _DirectPlan | None:
    """A plan when the document is a mutation of one direct field (`direct_mutation` in
    its metadata, `realtime.ws.fields`) whose selection is plain: fields only (no
    fragments, directives or arguments below the root), each a stored attribute of a
    strawberry object (no resolver, no extension), scalars and enums serialised by their
    GraphQL types, `__typename` on object types. Anything else returns None and runs on
    graphql-core as usual."""
    document = _parse_and_validate(graphql, query, max_tokens, max_depth, max_aliases)
    operation = _operation(document, operation_name)
    selections = operation.selection_set.selections
    if operation.operation is not OperationType.MUTATION or len(selections) != 1:
        return None
    node = selections[0]
    schema = graphql.schema
    handlers = socket_fields(schema).direct
    if not isinstance(node, FieldNode) or node.directives or node.name.value not in handlers:
        return None
    field_def = schema._schema.mutation_type.fields[node.name.value]
    project = _projector(field_def.type, node.selection_set)
    if project is None:
        return None
    key = node.alias.value if node.alias else node.name.value
    arguments = list(field_def.extensions["strawberry-definition"].arguments)
    return _DirectPlan(handlers[node.name.value], field_def, node, key, project, arguments)


def _projector(
    type_: GraphQLOutputType, selection_set: SelectionSetNode | None
) -> Callable[[Any], Any] | None:
    """value → its JSON for `selection_set`, exactly as graphql-core would complete it;
    None when the selection is not plain (see `_direct_plan`)."""
    if is_non_null_type(type_):
        return _projector(type_.of_type, selection_set)  # values of a non-null are present
    if is_list_type(type_):
        item = _projector(type_.of_type, selection_set)
        if item is None:
            return None
        return lambda value: None if value is None else [item(v) for v in value]
    if is_leaf_type(type_):
        serialize = type_.serialize
        return lambda value: None if value is None else serialize(value)
    if not isinstance(type_, GraphQLObjectType) or selection_set is None:
        return None
    fields: list[tuple[str, str | None, Callable[[Any], Any] | None]] = []
    keys: set[str] = set()
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives or selection.arguments:
            return None
        key = selection.alias.value if selection.alias else selection.name.value
        if key in keys:  # graphql-core merges repeated fields; leave that to it
            return None
        keys.add(key)
        if selection.name.value == "__typename":
            fields.append((key, None, None))
            continue
        field_def = type_.fields[selection.name.value]
        definition = (field_def.extensions or {}).get("strawberry-definition")
        if definition is None or definition.base_resolver is not None or definition.extensions:
            return None
        inner = _projector(field_def.type, selection.selection_set)
        if inner is None:
            return None
        fields.append((key, definition.python_name, inner))
    type_name = type_.name

    def project(value: Any) -> Any:
        if value is None:
            return None
        return {
            key: type_name if attr is None else inner(getattr(value, attr))  # type: ignore[misc]
            for key, attr, inner in fields
        }

    return project


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        operations = [o for o in operations if o.name and o.name.value == name]
    if len(operations) != 1:
        raise GraphQLError("请指定唯一的操作 (operationName)")
    return operations[0]


def _formatted(result: ExecutionResult) -> dict[str, Any]:
    out: dict[str, Any] = {"data": result.data}
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    return out
