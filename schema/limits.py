"""GraphQL-side limits: the bounded document cache, list sizes in inputs, rate-limit refusals.

- `DocumentCache` replaces strawberry's ParserCache and ValidationCache, which bound entries
  but not their size: a document keeps its whole query text, so 40 distinct 2 MiB queries
  stayed cached (+232 MiB). Here a query text above `max_query_chars` is refused before it
  is parsed, and the cache is bounded by entries and by total characters (`SizedLRU`).
- `InputListLimits` refuses any list argument or variable longer than `max_list_items`
  (smaller domain caps per argument, `LIST_CAPS`) before graphql-core coerces a single item:
  coercing a 5,000,000-item `choices` blocked the loop 5 s.
- `query_cost_rule` estimates what an operation asks for before it runs (every field
  counts 1; a connection's page multiplies what is under its `edges`, an unpaged list of
  objects multiplies by `LIST_FACTOR`) and refuses it above the budget.
- `refuse_if_rate_limited` applies `backend.core.limits.RateLimits` in a mutation and sets
  `Retry-After` on the HTTP response.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_composite_type,
    is_list_type,
    parse,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from backend.core.limits import Action, RateLimited, SizedLRU, client_address
from schema.context import Context
from schema.relay import DEFAULT_PAGE, MAX_NODES, MAX_PAGE

#: Domain caps smaller than the general one, per top-level field and argument; the service
#: checks the exact rule (e.g. the poll's own option count), this only stops floods early.
LIST_CAPS: dict[tuple[str, str], int] = {
    ("castVote", "choices"): 20,  # a poll has 2-20 options
    ("createPoll", "options"): 20,
    ("openScoring", "targets"): 100,  # 1-100 targets
    ("castScoringBallot", "answers"): 100,  # one per target
}


class DocumentCache:
    """Parsed documents and their validation errors per query text, for one schema.

    At most `max_entries` texts and `max_chars` characters in all; a text longer than
    `max_chars / 8` is parsed and validated every time it comes, and never kept."""

    def __init__(self, *, max_entries: int = 1000, max_chars: int = 4_000_000) -> None:
        self.documents: SizedLRU[tuple[str, Any], DocumentNode] = SizedLRU(
            max_entries=max_entries, max_weight=max_chars
        )
        self.validations: SizedLRU[tuple[str, Any], list[GraphQLError]] = SizedLRU(
            max_entries=max_entries, max_weight=max_chars
        )


def query_too_long(query: str, max_query_chars: int) -> GraphQLError | None:
    """The refusal of a query text above `max_query_chars`, before it is parsed (over HTTP
    and on the socket); None when it is short enough."""
    if len(query) <= max_query_chars:
        return None
    return GraphQLError(
        f"查询文本过长（{len(query)}个字符，上限{max_query_chars}）",
        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
    )


class CachedDocuments(SchemaExtension):
    """Parse and validate through `cache`, refusing query texts above `max_query_chars`."""

    def __init__(self, cache: DocumentCache, *, max_query_chars: int) -> None:
        self.cache = cache
        self.max_query_chars = max_query_chars

    def on_parse(self) -> Iterator[None]:
        ec = self.execution_context
        query = ec.query
        if query is not None and ec.graphql_document is None:
            too_long = query_too_long(query, self.max_query_chars)
            if too_long is not None:
                raise too_long
            options = ec.parse_options
            key = (query, tuple(sorted(options.items())))
            document = self.cache.documents.get(key)
            if document is None:
                document = parse(query, **options)
                self.cache.documents.put(key, document, len(query))
            ec.graphql_document = document
        yield

    def on_validate(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.query is not None and ec.graphql_document is not None:
            rules = tuple(ec.validation_rules)
            key = (ec.query, rules)
            errors = self.cache.validations.get(key)
            if errors is None:
                errors = validate_document(ec.schema._schema, ec.graphql_document, rules)
                self.cache.validations.put(key, errors, len(ec.query))
            ec.pre_execution_errors = errors
        yield


def _too_long(what: str, count: int, cap: int, argument: str) -> GraphQLError:
    return GraphQLError(
        f"{what}最多{cap}项，收到{count}项",
        extensions={"code": "BAD_USER_INPUT", "argument": argument, "maxItems": cap},
    )


def list_length_rule(max_items: int) -> type[ValidationRule]:
    """A validation rule (cached with the document) for list literals in the query text."""

    class ListLengthRule(ValidationRule):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for arg in node.arguments or ():
                if isinstance(arg.value, ListValueNode):
                    cap = LIST_CAPS.get((node.name.value, arg.name.value))
                    count = len(arg.value.values)
                    if cap is not None and cap < count <= max_items:
                        self.report_error(
                            _too_long(f"参数 {arg.name.value} ", count, cap, arg.name.value)
                        )

        def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
            if len(node.values) > max_items:
                self.report_error(_too_long("列表", len(node.values), max_items, "-"))

    return ListLengthRule


#: What an unpaged list of objects (a meeting's agenda, a unit's children) is assumed to
#: hold, for the cost estimate.
LIST_FACTOR = 10


def query_cost_rule(max_cost: int) -> type[ValidationRule]:
    """A validation rule (cached with the document, so it runs once per query text) that
    refuses an operation whose estimated cost is above `max_cost`.

    The estimate is an upper bound of the fields the operation resolves: every field counts
    1, times the number of objects it is resolved for. A connection resolves what is under
    its `edges` `first` times (a literal, a variable's default, else the largest page,
    100, for a variable: the value is not known when the document is validated; 20 when
    `first` is left out), `nodes(ids:)` once per id (100 for a variable), an unpaged list
    of objects `LIST_FACTOR` times. Both branches of fragments on different types count.
    Introspection fields count 1 each and are not looked into. Fragments are costed once
    per page size, so a document of fragments spreading fragments costs time linear in
    its size."""

    class QueryCostRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            defaults = {
                v.variable.name.value: v.default_value for v in node.variable_definitions or ()
            }
            memo: dict[tuple[str, int | None], int] = {}
            cost = _selection_cost(self, root, node.selection_set, None, defaults, memo, ())
            if cost > max_cost:
                name = f"操作 {node.name.value} " if node.name else "查询"
                self.report_error(
                    GraphQLError(
                        f"{name}的估算代价为{cost}，超过上限{max_cost}"
                        "（分页的 first 与嵌套列表相乘；请减小 first 或拆分查询）",
                        node,
                        extensions={
                            "code": "GRAPHQL_VALIDATION_FAILED",
                            "cost": cost,
                            "maxCost": max_cost,
                        },
                    )
                )

    return QueryCostRule


def _page_value(value: ValueNode | None, defaults: dict[str, Any], absent: int, cap: int) -> int:
    """The size a `first` / `ids` argument asks for, as far as the document tells."""
    if isinstance(value, VariableNode):
        value = defaults.get(value.name.value)
        if value is None:
            return cap
    if isinstance(value, IntValueNode):
        try:
            return max(0, min(int(value.value), cap))
        except ValueError:
            return cap
    if isinstance(value, ListValueNode):
        return min(len(value.values), cap)
    return absent


def _selection_cost(
    rule: ValidationRule,
    parent: Any,
    selection_set: SelectionSetNode,
    page: int | None,
    defaults: dict[str, Any],
    memo: dict[tuple[str, int | None], int],
    spreading: tuple[str, ...],
) -> int:
    """The cost of `selection_set` on type `parent`, once; `page` is the `first` of the
    connection `parent` is (None when it is none)."""
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1
            name = selection.name.value
            if name.startswith("__") or selection.selection_set is None:
                continue
            if not isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
                continue
            field = parent.fields.get(name)
            if field is None:  # reported by graphql-core's own rules
                continue
            named = get_named_type(field.type)
            if not is_composite_type(named):
                continue
            arguments = {a.name.value: a.value for a in selection.arguments or ()}
            factor = 1
            if is_list_type(get_nullable_type(field.type)):
                if page is not None and parent.name.endswith("Connection"):
                    factor = page
                elif name == "nodes" and "ids" in field.args:
                    factor = _page_value(arguments.get("ids"), defaults, MAX_NODES, MAX_NODES)
                else:
                    factor = LIST_FACTOR
            child_page = None
            if "first" in field.args and named.name.endswith("Connection"):
                child_page = _page_value(arguments.get("first"), defaults, DEFAULT_PAGE, MAX_PAGE)
            total += factor * _selection_cost(
                rule, named, selection.selection_set, child_page, defaults, memo, spreading
            )
        elif isinstance(selection, InlineFragmentNode):
            on = parent
            if selection.type_condition is not None:
                on = rule.context.schema.get_type(selection.type_condition.name.value) or parent
            total += _selection_cost(
                rule, on, selection.selection_set, page, defaults, memo, spreading
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = rule.context.get_fragment(name)
            if fragment is None or name in spreading:  # unknown or a cycle: reported elsewhere
                continue
            key = (name, page)
            if key not in memo:
                on = rule.context.schema.get_type(fragment.type_condition.name.value) or parent
                memo[key] = _selection_cost(
                    rule, on, fragment.selection_set, page, defaults, memo, (*spreading, name)
                )
            total += memo[key]
    return total


def oversize_variable(
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    *,
    max_items: int,
) -> GraphQLError | None:
    """The first list in `variables` longer than allowed, as an error; None if none is.

    Looks at lengths only (never at the items of a list that is too long) and walks nested
    values without recursion, so it costs little whatever the client sent. Usable before
    any coercion, over HTTP (`InputListLimits`) and on the websocket path."""
    if not variables or not isinstance(variables, dict):
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is not None:
        for selection in operation.selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue
            for arg in selection.arguments or ():
                cap = LIST_CAPS.get((selection.name.value, arg.name.value))
                if cap is None or not isinstance(arg.value, VariableNode):
                    continue
                value = variables.get(arg.value.name.value)
                if isinstance(value, list) and len(value) > min(cap, max_items):
                    cap = min(cap, max_items)
                    name = arg.name.value
                    return _too_long(f"参数 {name} ", len(value), cap, name)
    stack: list[tuple[str, Any]] = [(f"${k}", v) for k, v in variables.items()]
    while stack:
        path, value = stack.pop()
        if isinstance(value, list):
            if len(value) > max_items:
                return _too_long(f"变量 {path} ", len(value), max_items, path)
            stack.extend(
                (f"{path}[{i}]", item)
                for i, item in enumerate(value)
                if isinstance(item, (list, dict))
            )
        elif isinstance(value, dict):
            stack.extend(
                (f"{path}.{k}", item) for k, item in value.items() if isinstance(item, (list, dict))
            )
    return None


class InputListLimits(SchemaExtension):
    """Refuses an operation whose variables hold a list that is too long, before
    execution (and so before graphql-core coerces the variables)."""

    def __init__(self, *, max_items: int) -> None:
        self.max_items = max_items

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None and ec.result is None:
            error = oversize_variable(
                ec.graphql_document, ec.operation_name, ec.variables, max_items=self.max_items
            )
            if error is not None:
                ec.result = ExecutionResult(data=None, errors=[error])
        yield


async def refuse_if_rate_limited(
    ctx: Context,
    action: Action,
    *,
    user: Hashable | None,
    behind: bool = False,
    here: bool = False,
) -> RateLimited | None:
    """Spend one of `action`'s tokens for this user and the client's address, or return the
    refusal (a payload error, RATE_LIMITED) and set `Retry-After` on the HTTP response.
    `behind`: the shared budget may be spent after the action; `here`: only this process's
    buckets (`RateLimits.check`)."""
    try:
        await ctx.services.limits.check(
            action,
            user=user,
            address=client_address(ctx.request.scope),
            behind=behind,
            here=here,
        )
    except RateLimited as error:
        if ctx.response is not None:
            ctx.response.headers["Retry-After"] = str(error.retry_after)
        return error
    return None
