"""Votes on statements (backend.opinion_map.voting)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.limits import Action
from backend.core.security import Principal
from backend.opinion_map import voting
from schema.context import Info
from schema.mutations import mutate
from schema.opinion_map.loading import computer_of, key_of
from schema.opinion_map.mutations.common import OpinionVotePayload, decode, errors_of
from schema.opinion_map.types import OpinionStatement, VoteChoice


@strawberry.type
class VotingMutations:
    @strawberry.mutation(
        description="Vote on a shown statement: agree, disagree or pass. Once per "
        "statement; voting again with another choice replaces it (the last one counts, "
        "recorded as a change), with the same choice changes nothing. Rate-limited as "
        "votes in meetings are."
    )
    async def vote_on_statement(
        self,
        info: Info,
        statement_id: Annotated[relay.GlobalID, strawberry.argument(description="The statement.")],
        choice: Annotated[VoteChoice, strawberry.argument(description="Your vote.")],
    ) -> OpinionVotePayload:
        key, computer = key_of(info), computer_of(info)

        async def run(s: AsyncSession, p: Principal) -> voting.VoteOutcome:
            return await voting.vote(
                s,
                p,
                statement_id=decode(statement_id, "OpinionStatement", "statementId"),
                choice=choice,
                key=key,
                computer=computer,
            )

        outcome, errors = await mutate(info, run, limit=Action.VOTE)
        if outcome is None:
            return OpinionVotePayload(
                statement=None, choice=None, first=False, changed=False, errors=errors_of(errors)
            )
        return OpinionVotePayload(
            statement=OpinionStatement.from_model(outcome.statement),
            choice=outcome.choice,
            first=outcome.first,
            changed=outcome.changed,
            errors=[],
        )
