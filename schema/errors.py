"""How failures reach clients.

- Expected failures are payload data: `errors: [XError!]!` with field, code and a Chinese
  message (see `schema.mutations.mutate`).
- Access failures are top-level GraphQL errors with `extensions.code` FORBIDDEN or
  UNAUTHENTICATED; bad arguments (cursors, page sizes) get BAD_USER_INPUT.
- A dependency that is down (PostgreSQL restarting, no owner of a stream reachable) is
  SERVICE_UNAVAILABLE with `retryAfter` seconds (`backend.core.outages`); over HTTP the
  response is a 503 with `Retry-After`. Logged as a warning, not as a bug.
- Anything else is a bug: logged with the request id, masked for the client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import SchemaExtension

from backend.core import outages
from backend.core.errors import AccessError, DomainError

log = logging.getLogger("yishi.graphql")


@strawberry.interface(description="A failure the user can act on, returned in a payload.")
class UserError:
    field: str | None = strawberry.field(
        description="The input field the error is about (camelCase), or null for the whole input."
    )
    message: str = strawberry.field(description="What went wrong, in Chinese, for people.")


_ID_COERCION = re.compile(
    r"Variable '\$(?P<name>\w+)' has invalid value(?: at (?P<at>\S+))?: ID cannot represent"
)


def _global_id_message(reason: str) -> str:
    """strawberry's reasons for refusing a global id (English, echoing the input), in
    Chinese and without the input."""
    if "requires a GraphQL Node type" in reason or "requires a GraphQL type" in reason:
        return "标识无效：它指向的类型不存在或不能按标识读取"
    return "标识无效：不是本系统生成的全局标识"


class ErrorPolicy(SchemaExtension):
    """Classifies every error of a result and masks the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLError as error:
            # A document the parser refuses (syntax, too many tokens) is raised from the
            # parsing hook and reaches the client without passing the result below.
            if error.original_error is None and "code" not in (error.extensions or {}):
                error.extensions = {**(error.extensions or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
            raise
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        result.errors = [self._classify(e, request_id) for e in result.errors]

    @staticmethod
    def _classify(error: GraphQLError, request_id: str | None) -> GraphQLError:
        if (match := _ID_COERCION.match(error.message)) is not None:
            # graphql-core's English for an id that is not a string or a number
            where = match["name"] + (match["at"] or "")
            error.message = f"变量 ${where} 不是有效的标识（须为字符串）"
        original = error.original_error
        if original is None:  # syntax/validation/limits: already a clear message
            extensions = error.extensions or {}
            if "code" not in extensions:
                error.extensions = {**extensions, "code": "GRAPHQL_VALIDATION_FAILED"}
            return error
        if isinstance(original, AccessError):
            error.extensions = {"code": original.code}
            return error
        if isinstance(original, relay.GlobalIDValueError):
            error.message = _global_id_message(str(original))
            error.extensions = {"code": "BAD_USER_INPUT"}
            return error
        if isinstance(original, DomainError):
            # An expected failure outside a mutation payload (a query's argument): the
            # client's mistake, said in the domain's words.
            error.message = original.message
            error.extensions = {
                "code": "BAD_USER_INPUT",
                "reason": getattr(original.code, "value", str(original.code)),
                **({"field": original.field} if original.field else {}),
            }
            return error
        if isinstance(original, GraphQLError):
            # graphql-core's own refusals, e.g. a variable of the wrong type
            if not original.extensions and "code" not in (error.extensions or {}):
                error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
            return error
        if outages.is_outage(original):
            log.warning("%s unavailable: %r (request %s)", error.path, original, request_id)
            return GraphQLError(
                outages.MESSAGE,
                nodes=error.nodes,
                path=error.path,
                extensions={
                    "code": outages.CODE,
                    "retryAfter": outages.RETRY_AFTER_SECONDS,
                    "requestId": request_id,
                },
            )
        log.error(
            "unexpected error in %s (request %s)",
            error.path,
            request_id,
            exc_info=(type(original), original, original.__traceback__),
        )
        return GraphQLError(
            "服务器内部错误，请稍后重试",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
