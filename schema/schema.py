"""The root schema: every domain's queries and mutations, limits, caches and error policy."""

from __future__ import annotations

import functools
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from backend.core.settings import Settings
from realtime.ws.wiring import OperationCheck, SocketGraphQL
from schema.agenda.mutations import AgendaMutations
from schema.agenda.queries import AgendaQueries
from schema.audit.api import AuditQueries
from schema.calendar.api import CalendarMutations, CalendarQueries
from schema.cases.analytics import CaseAnalyticsQueries
from schema.cases.mutations import CaseMutations
from schema.cases.queries import CaseQueries
from schema.cases.subscriptions import CaseSubscriptions
from schema.context import socket_context
from schema.decisions.mutations import DecisionMutations
from schema.decisions.queries import DecisionQueries
from schema.decisions.surveys import SurveyMutations, SurveyQueries
from schema.disclosure.mutations import DisclosureMutations
from schema.disclosure.queries import DisclosureQueries
from schema.errors import ErrorPolicy
from schema.hearings.mutations import HearingMutations
from schema.hearings.queries import HearingQueries
from schema.input_checks import InputChecks, refuse_bad_input
from schema.inquiries.mutations import InquiryMutations
from schema.inquiries.queries import InquiryQueries
from schema.limits import (
    CachedDocuments,
    DocumentCache,
    InputListLimits,
    list_length_rule,
    oversize_variable,
    query_cost_rule,
    query_too_long,
)
from schema.mediators.mutations import MediatorMutations
from schema.mediators.queries import MediatorQueries
from schema.meetings.codes import VotingCodeMutations, VotingCodeQueries
from schema.meetings.mutations import MeetingMutations
from schema.meetings.queries import MeetingQueries
from schema.meetings.subscriptions import MeetingSubscriptions
from schema.opinion_map.mutations import OpinionMapMutations
from schema.opinion_map.queries import OpinionMapQueries
from schema.opinion_map.subscriptions import OpinionMapSubscriptions
from schema.oversight.mutations import OversightMutations
from schema.oversight.queries import OversightQueries
from schema.pages import PageExecutor
from schema.people.api import PeopleMutations, PeopleQueries
from schema.people.identity import IdentityMutations, IdentityQueries
from schema.people.personal_data import PersonalDataMutations
from schema.realtime.api import RealtimeQueries, RealtimeSubscriptions
from schema.relay import MAX_NODES
from schema.representatives.mutations import RepresentativeMutations
from schema.representatives.queries import RepresentativeQueries
from schema.tenants.api import TenantMutations, TenantQueries
from schema.video.mutations import VideoMutations
from schema.video.queries import VideoQueries


@strawberry.type(description="Everything that can be read.")
class Query(
    TenantQueries,
    PeopleQueries,
    IdentityQueries,
    AuditQueries,
    RealtimeQueries,
    MeetingQueries,
    VotingCodeQueries,
    CalendarQueries,
    CaseQueries,
    CaseAnalyticsQueries,
    HearingQueries,
    DecisionQueries,
    SurveyQueries,
    InquiryQueries,
    AgendaQueries,
    DisclosureQueries,
    MediatorQueries,
    OversightQueries,
    RepresentativeQueries,
    VideoQueries,
    OpinionMapQueries,
):
    node: relay.Node | None = relay.node(description="Any object by its global id.")
    nodes: list[relay.Node | None] = relay.node(
        # The cap is refused before execution (schema.input_checks, on every path).
        description=f"Objects by their global ids (at most {MAX_NODES}).",
    )


@strawberry.type(
    description="Everything that can be changed. Each mutation is one transaction: "
    "it either applies fully or returns errors and changes nothing."
)
class Mutation(
    TenantMutations,
    PeopleMutations,
    IdentityMutations,
    PersonalDataMutations,
    MeetingMutations,
    VotingCodeMutations,
    CalendarMutations,
    CaseMutations,
    HearingMutations,
    DecisionMutations,
    SurveyMutations,
    InquiryMutations,
    AgendaMutations,
    DisclosureMutations,
    MediatorMutations,
    OversightMutations,
    RepresentativeMutations,
    VideoMutations,
    OpinionMapMutations,
):
    pass


@strawberry.type(description="Live feeds, over websockets at /graphql.")
class Subscription(
    RealtimeSubscriptions, MeetingSubscriptions, CaseSubscriptions, OpinionMapSubscriptions
):
    pass


class YishiSchema(strawberry.Schema):
    #: Parsed and validated documents of this schema (bounded; schema.limits).
    document_cache: DocumentCache
    #: Validation rules of the limits, beside graphql-core's specified rules.
    limit_rules: tuple[Any, ...]
    #: What the input-checking extensions (InputChecks, InputListLimits) refuse, for paths
    #: that execute without strawberry's extensions (the websocket endpoint, realtime.ws).
    operation_checks: tuple[OperationCheck, ...]
    #: What the websocket endpoint needs of this schema (realtime.ws.wiring): the context
    #: factory, the error policy and the limits above, handed to it by the app.
    socket: SocketGraphQL

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Client mistakes are not server errors; ErrorPolicy logs the unexpected ones."""


def build_schema(settings: Settings) -> YishiSchema:
    """The schema for these limits. Built once per set of limits: strawberry's relay `node`
    field cannot be converted twice in one process."""
    return _schema(
        settings.max_query_depth,
        settings.max_aliases,
        settings.max_tokens,
        settings.max_query_chars,
        settings.max_list_items,
        settings.max_query_cost,
    )


@functools.cache
def _schema(
    max_depth: int,
    max_aliases: int,
    max_tokens: int,
    max_query_chars: int,
    max_list_items: int,
    max_cost: int,
) -> YishiSchema:
    # The limits' validation rules are classes made by each limiter: made once here, not per
    # request, so that the validation cache (keyed on the rules) hits instead of validating
    # every request again.
    limit_rules = [
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
        list_length_rule(max_list_items),
        query_cost_rule(max_cost),
    ]
    documents = DocumentCache(max_entries=1000, max_chars=4_000_000)
    schema = YishiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(auto_camel_case=True, relay_max_results=100),
        # Plain fields (attributes, ids, prefetched relations) without graphql-core's
        # per-field machinery: a page of 50 costs what its rows cost (schema.pages).
        execution_context_class=PageExecutor,
        extensions=[
            # Factories: strawberry builds extensions per request; the parse and validation
            # cache (bounded by entries and characters) is this schema's, shared.
            ErrorPolicy,
            InputChecks,
            lambda: AddValidationRules(limit_rules),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: CachedDocuments(documents, max_query_chars=max_query_chars),
            lambda: InputListLimits(max_items=max_list_items),
        ],
    )
    schema.document_cache = documents
    schema.limit_rules = tuple(limit_rules)

    def check_input(
        query: str, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]
    ) -> None:
        refuse_bad_input(query, document, variables)
        error: GraphQLError | None = oversize_variable(
            document, operation_name, variables, max_items=max_list_items
        )
        if error is not None:
            raise error

    schema.operation_checks = (check_input,)

    def check_text(query: str) -> GraphQLError | None:
        # on every operation over the socket: the length test inline, as over HTTP
        return None if len(query) <= max_query_chars else query_too_long(query, max_query_chars)

    schema.socket = SocketGraphQL(
        schema=schema,
        new_context=socket_context,
        classify_error=ErrorPolicy._classify,
        check_text=check_text,
        documents=documents,
        limit_rules=schema.limit_rules,
        operation_checks=schema.operation_checks,
    )
    return schema
