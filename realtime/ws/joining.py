"""The join of a multiplexed subscription, made cheap for crowds.

Ten thousand watchers of a meeting send the same document with the same variables; each
used to coerce them again (graphql-core's `get_variable_values` and `get_argument_values`).
The coerced arguments are kept per (schema, document, operation, field, variables), so a
join repeats none of it. The document itself is parsed and validated once per text
(`realtime.ws.direct._parse_and_validate`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import orjson
from graphql import GraphQLSchema, OperationDefinitionNode
from graphql.execution.values import get_argument_values, get_variable_values

MAX_CACHED = 1024  # distinct (document, variables) pairs kept
MAX_VARIABLES_BYTES = 2048  # larger variables are coerced every time, never kept

_Key = tuple[GraphQLSchema, str, str | None, str, bytes]
_ARGUMENTS: OrderedDict[_Key, dict[str, Any]] = OrderedDict()


def subscription_arguments(
    schema: GraphQLSchema,
    query: str,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    field_name: str,
) -> dict[str, Any]:
    """The arguments of the operation's root subscription field `field_name`, coerced as
    graphql-core does (its errors raised as they are), from the cache when the same
    document came with the same variables before. The caller gets its own dict."""
    try:
        encoded = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        encoded = b""
    name = operation.name.value if operation.name else None
    key: _Key | None = None
    if encoded and len(encoded) <= MAX_VARIABLES_BYTES:
        key = (schema, query, name, field_name, encoded)
        cached = _ARGUMENTS.get(key)
        if cached is not None:
            _ARGUMENTS.move_to_end(key)
            return dict(cached)
    field_def = schema.subscription_type.fields[field_name]  # type: ignore[union-attr]
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):  # variables that do not fit their definitions
        raise coerced[0]
    args = get_argument_values(field_def, operation.selection_set.selections[0], coerced)  # type: ignore[arg-type]
    if key is not None:
        _ARGUMENTS[key] = args
        while len(_ARGUMENTS) > MAX_CACHED:
            _ARGUMENTS.popitem(last=False)
    return dict(args)
