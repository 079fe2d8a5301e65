"""Votes on statements (agree / disagree / pass) and which statement to show next.

One vote per person per statement, enforced by the table's unique key on (map, statement,
voter pseudonym): voting again with the same choice changes nothing (a retry is
harmless); with another choice the last one counts and the change is counted
(`changes`). A vote writes its own row only: it takes no lock on the map's stream, so
votes do not queue behind each other; what watchers see is the recomputed map
(`compute.MapComputer`), told after the vote commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import after_commit
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.opinion_map.access import (
    get_map,
    get_statement,
    map_and_host,
    require_open,
    voter_pseudonym,
)
from backend.opinion_map.compute import MapComputer
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.math import choose_next, priorities
from backend.opinion_map.models import (
    CHOICE_VALUE,
    OpinionStatement,
    OpinionVote,
    StatementState,
    VoteChoice,
)

_UPSERT = text(
    "INSERT INTO opinion_votes (tenant_id, map_id, statement_id, voter, choice, changes, seq)"
    " VALUES (:tenant, :map, :statement, :voter, :choice, 0, :seq)"
    " ON CONFLICT (map_id, statement_id, voter) DO UPDATE SET"
    " choice = EXCLUDED.choice,"
    " changes = opinion_votes.changes + (opinion_votes.choice <> EXCLUDED.choice)::int,"
    " seq = CASE WHEN opinion_votes.choice <> EXCLUDED.choice THEN EXCLUDED.seq"
    " ELSE opinion_votes.seq END"
    " RETURNING seq, changes"
)


@dataclass(frozen=True)
class VoteOutcome:
    statement: OpinionStatement
    choice: VoteChoice
    first: bool  # the person's first vote on this statement
    changed: bool  # an earlier, different choice was replaced (the last one counts)


def notify_after_commit(
    session: AsyncSession, computer: MapComputer | None, tenant_id: int, map_id: int
) -> None:
    if computer is None:
        return

    async def tell() -> None:
        computer.changed(tenant_id, map_id)

    after_commit(session, tell)


async def vote(
    session: AsyncSession,
    principal: Principal,
    *,
    statement_id: int,
    choice: VoteChoice,
    key: bytes,
    computer: MapComputer | None = None,
) -> VoteOutcome:
    """The caller's vote on a shown statement of an open map in a meeting in progress (or
    in a decision's open comment period)."""
    user_id = principal.require_user()
    statement = await get_statement(session, statement_id)
    opinion_map, host = await map_and_host(session, statement.map_id)
    await host.require_participant(session, principal)
    require_open(opinion_map)
    host.require_in_progress(action="表态")
    if statement.state is not StatementState.SHOWN:
        raise DomainError(
            Code.STATEMENT_NOT_SHOWN,
            "该观点未展示（待审核或已屏蔽），不能表态",
            field="statementId",
        )
    seq = int(await session.scalar(select(func.nextval("opinion_vote_seq"))) or 0)
    row = (
        await session.execute(
            _UPSERT,
            {
                "tenant": opinion_map.tenant_id,
                "map": opinion_map.id,
                "statement": statement.id,
                "voter": voter_pseudonym(
                    key, tenant_id=opinion_map.tenant_id, map_id=opinion_map.id, user_id=user_id
                ),
                "choice": CHOICE_VALUE[choice],
                "seq": seq,
            },
        )
    ).one()
    first = row.seq == seq and row.changes == 0
    changed = row.seq == seq and row.changes > 0
    if first or changed:
        notify_after_commit(session, computer, opinion_map.tenant_id, opinion_map.id)
    return VoteOutcome(statement=statement, choice=choice, first=first, changed=changed)


async def my_votes(
    session: AsyncSession, principal: Principal, *, map_id: int, key: bytes
) -> dict[int, VoteChoice]:
    """The caller's own votes in the map, by statement (only the caller can ask)."""
    user_id = principal.require_user()
    opinion_map = await get_map(session, map_id)
    voter = voter_pseudonym(
        key, tenant_id=opinion_map.tenant_id, map_id=opinion_map.id, user_id=user_id
    )
    by_value = {v: c for c, v in CHOICE_VALUE.items()}
    rows = await session.execute(
        select(OpinionVote.statement_id, OpinionVote.choice).where(
            OpinionVote.map_id == opinion_map.id, OpinionVote.voter == voter
        )
    )
    return {sid: by_value[value] for sid, value in rows.all()}


async def next_statement(
    session: AsyncSession,
    principal: Principal,
    *,
    map_id: int,
    key: bytes,
    computer: MapComputer | None = None,
    draw: float | None = None,
) -> OpinionStatement | None:
    """A shown statement the caller has not voted on, chosen so that the map fills in
    (Pol.is's routing, `math.choose_next`): few votes and divisive statements first. The
    priorities come from the latest computed map of this process, else from the counts."""
    votes = await my_votes(session, principal, map_id=map_id, key=key)
    statements = list(
        (
            await session.scalars(
                select(OpinionStatement)
                .where(
                    OpinionStatement.map_id == map_id,
                    OpinionStatement.state == StatementState.SHOWN,
                )
                .order_by(OpinionStatement.id)
            )
        ).all()
    )
    open_ones = [s for s in statements if s.id not in votes]
    if not open_ones:
        return None
    latest = computer.latest(principal.require_tenant(), map_id) if computer else None
    if latest is not None and all(s.id in latest.priorities for s in open_ones):
        weights = {s.id: latest.priorities[s.id] for s in open_ones}
    else:
        import numpy as np

        counted = {
            sid: (agree, disagree, total)
            for sid, agree, disagree, total in (
                await session.execute(
                    select(
                        OpinionVote.statement_id,
                        func.count().filter(OpinionVote.choice == 1),
                        func.count().filter(OpinionVote.choice == -1),
                        func.count(),
                    )
                    .where(OpinionVote.map_id == map_id)
                    .group_by(OpinionVote.statement_id)
                )
            ).all()
        }
        figures = [counted.get(s.id, (0, 0, 0)) for s in open_ones]
        p = priorities(
            np.array([f[0] for f in figures]),
            np.array([f[1] for f in figures]),
            np.array([f[2] for f in figures]),
            np.zeros(len(figures)),
        )
        weights = {s.id: float(w) for s, w in zip(open_ones, p, strict=True)}
    chosen = choose_next(
        [(s.id, weights[s.id]) for s in open_ones],
        draw=random.random() if draw is None else draw,
    )
    return next(s for s in open_ones if s.id == chosen)
