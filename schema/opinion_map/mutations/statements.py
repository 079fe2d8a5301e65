"""Statements of an opinion map and their moderation (backend.opinion_map.statements)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.limits import Action
from backend.core.security import Principal
from backend.opinion_map import statements
from schema.context import Info
from schema.mutations import mutate
from schema.opinion_map.loading import computer_of
from schema.opinion_map.mutations.common import OpinionStatementPayload, decode, errors_of
from schema.opinion_map.types import OpinionStatement


@strawberry.type
class StatementMutations:
    @strawberry.mutation(
        description="Host: add a statement, shown at once: its text, or a comment of the "
        "meeting that is not hidden (on a decision's map: an opinion of the decision)."
    )
    async def add_opinion_statement(
        self,
        info: Info,
        map_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion map.")],
        body: Annotated[
            str | None, strawberry.argument(description="The statement (≤ 140 characters).")
        ] = None,
        comment_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="A comment of the meeting (MeetingComment), or an opinion of the "
                "decision (Opinion), to take it from."
            ),
        ] = None,
    ) -> OpinionStatementPayload:
        computer = computer_of(info)

        async def run(s: AsyncSession, p: Principal) -> OpinionStatement:
            comment = opinion = None
            if comment_id is not None and comment_id.type_name == "Opinion":
                opinion = decode(comment_id, "Opinion", "commentId")
            elif comment_id is not None:
                comment = decode(comment_id, "MeetingComment", "commentId")
            added = await statements.add_statement(
                s,
                p,
                map_id=decode(map_id, "OpinionMap", "mapId"),
                body=body,
                comment_id=comment,
                opinion_id=opinion,
                computer=computer,
            )
            return OpinionStatement.from_model(added)

        result, errors = await mutate(info, run)
        return OpinionStatementPayload(statement=result, errors=errors_of(errors))

    @strawberry.mutation(
        description="Participant: submit a statement; it is shown once a host approves it "
        "(rate-limited as comments are)."
    )
    async def submit_opinion_statement(
        self,
        info: Info,
        map_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion map.")],
        body: Annotated[str, strawberry.argument(description="The statement (≤ 140 characters).")],
    ) -> OpinionStatementPayload:
        async def run(s: AsyncSession, p: Principal) -> OpinionStatement:
            submitted = await statements.submit_statement(
                s, p, map_id=decode(map_id, "OpinionMap", "mapId"), body=body
            )
            return OpinionStatement.from_model(submitted)

        result, errors = await mutate(info, run, limit=Action.COMMENT)
        return OpinionStatementPayload(statement=result, errors=errors_of(errors))

    @strawberry.mutation(
        description="Host: show a pending statement, or hide one (屏蔽) with a reason."
    )
    async def moderate_opinion_statement(
        self,
        info: Info,
        statement_id: Annotated[relay.GlobalID, strawberry.argument(description="The statement.")],
        show: Annotated[bool, strawberry.argument(description="true: show; false: hide.")],
        reason: Annotated[
            str | None, strawberry.argument(description="Why it is hidden (hiding only).")
        ] = None,
    ) -> OpinionStatementPayload:
        computer = computer_of(info)

        async def run(s: AsyncSession, p: Principal) -> OpinionStatement:
            moderated = await statements.moderate_statement(
                s,
                p,
                statement_id=decode(statement_id, "OpinionStatement", "statementId"),
                show=show,
                reason=reason,
                computer=computer,
            )
            return OpinionStatement.from_model(moderated)

        result, errors = await mutate(info, run)
        return OpinionStatementPayload(statement=result, errors=errors_of(errors))
