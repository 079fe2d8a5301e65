"""The socket finds its direct mutations and multiplexed subscriptions in the schema,
from each field's strawberry metadata (`realtime.ws.fields`), not from name strings."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest
import strawberry

from realtime.ws import direct_mutation, multiplexed, socket_fields
from schema.meetings import subscriptions as meetings_subscriptions
from schema.meetings.mutations import polls as meetings_polls
from schema.realtime import api as realtime_api
from schema.schema import build_schema


def test_the_schema_declares_which_fields_the_socket_serves_its_own_way(server):
    # given: the service's schema
    schema = build_schema(server.services.settings)

    # when: the socket reads it
    fields = socket_fields(schema)

    # then: castVote runs direct, meetingLive, caseInbox, opinionMapLive and events are
    # multiplexed, with the handlers the fields name
    from schema.cases import subscriptions as cases_subscriptions
    from schema.opinion_map import subscriptions as opinion_map_subscriptions

    assert dict(fields.direct) == {"castVote": meetings_polls.cast_vote_direct}
    assert dict(fields.multiplexed) == {
        "events": realtime_api.plan_events,
        "meetingLive": meetings_subscriptions.plan_meeting_live,
        "caseInbox": cases_subscriptions.plan_case_inbox,
        "opinionMapLive": opinion_map_subscriptions.plan_opinion_map_live,
    }


async def _handler(ctx, args):  # a stand-in handler: only its place in the schema matters
    return None


def test_a_declaration_on_a_field_of_the_wrong_root_type_is_refused():
    # given: a direct mutation declared on a query field, and a multiplexed subscription
    # declared on a mutation field
    @strawberry.type
    class Query:
        @strawberry.field(metadata=direct_mutation(_handler))
        def hello(self) -> str:
            return "hi"

    @strawberry.type
    class Mutation:
        @strawberry.mutation(metadata=multiplexed(_handler))
        def ping(self) -> str:
            return "pong"

    @strawberry.type
    class Subscription:
        @strawberry.subscription
        async def ticks(self) -> AsyncGenerator[int, None]:
            yield 1

    @strawberry.type
    class PlainQuery:
        ok: bool = True

    # when / then: reading either schema says which field is wrong
    with pytest.raises(TypeError, match=r"Query\.hello: yishi\.ws\.direct_mutation"):
        socket_fields(strawberry.Schema(query=Query, subscription=Subscription))
    with pytest.raises(TypeError, match=r"Mutation\.ping: yishi\.ws\.multiplexed"):
        socket_fields(strawberry.Schema(query=PlainQuery, mutation=Mutation))


def test_the_registration_names_a_handler_not_a_field_name():
    # the former API took a field name; that mistake is refused where it is made
    with pytest.raises(TypeError):
        direct_mutation("castVote")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        multiplexed("meetingLive")  # type: ignore[arg-type]


def test_a_field_is_found_under_whatever_name_it_has():
    # given: a direct mutation and a multiplexed subscription in another schema
    @strawberry.type
    class Query:
        ok: bool = True

    @strawberry.type
    class Mutation:
        @strawberry.mutation(name="voteNow", metadata=direct_mutation(_handler))
        def cast(self) -> str:
            return "done"

    @strawberry.type
    class Subscription:
        @strawberry.subscription(metadata=multiplexed(_handler))
        async def live_feed(self) -> AsyncGenerator[int, None]:
            yield 1

    # when
    fields = socket_fields(
        strawberry.Schema(query=Query, mutation=Mutation, subscription=Subscription)
    )

    # then: by the GraphQL names the schema gives them
    assert dict(fields.direct) == {"voteNow": _handler}
    assert dict(fields.multiplexed) == {"liveFeed": _handler}
