"""Statements (观点) of a map and their moderation.

A host enters a statement, or takes one from a comment of the meeting that is not
hidden (or, on a comment period's map, from an opinion of the decision): both are shown
at once. A participant submits one: it waits (PENDING) for a host
to show or hide it, as comments are moderated (屏蔽 with a reason, kept for the host
view only). Only SHOWN statements are voted on and counted in the map.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.opinion_map.access import (
    STATEMENT_MAX_LENGTH,
    get_statement,
    map_and_host,
    require_open,
)
from backend.opinion_map.compute import MapComputer
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.events import (
    OpinionMapEvent,
    OpinionStatementChanged,
    OpinionStatementHidden,
)
from backend.opinion_map.models import (
    OpinionMap,
    OpinionStatement,
    StatementSource,
    StatementState,
)
from backend.opinion_map.stream import append_event
from backend.opinion_map.voting import notify_after_commit


async def _statements_changed(
    session: AsyncSession, opinion_map: OpinionMap, computer: MapComputer | None
) -> None:
    """The shown statements changed: a newer map version, recomputed after commit."""
    await session.execute(
        update(OpinionMap)
        .where(OpinionMap.id == opinion_map.id)
        .values(version=OpinionMap.version + 1)
    )
    notify_after_commit(session, computer, opinion_map.tenant_id, opinion_map.id)


def statement_snapshot(s: OpinionStatement) -> OpinionStatementChanged:
    return {"id": s.id, "body": s.body, "source": s.source.value, "state": s.state.value}


def _body(body: str) -> str:
    text = (body or "").strip()
    if len(text) > STATEMENT_MAX_LENGTH:
        raise DomainError(
            Code.TOO_LONG,
            f"观点不能超过{STATEMENT_MAX_LENGTH}个字（当前{len(text)}个字）",
            field="body",
        )
    return clean_text(
        text, field="body", code=Code.INVALID, label="观点", max_length=STATEMENT_MAX_LENGTH
    )


async def add_statement(
    session: AsyncSession,
    principal: Principal,
    *,
    map_id: int,
    body: str | None = None,
    comment_id: int | None = None,
    opinion_id: int | None = None,
    computer: MapComputer | None = None,
) -> OpinionStatement:
    """A host adds a statement, shown at once: its text, or a comment of the meeting (an
    opinion of the decision, on a comment period's map)."""
    opinion_map, host = await map_and_host(session, map_id)
    await host.require_manager(session, principal)
    require_open(opinion_map)
    source = StatementSource.HOST
    if comment_id is not None or opinion_id is not None:
        taken = await host.take(session, comment_id=comment_id, opinion_id=opinion_id)
        text = _body(taken.body)
        source = StatementSource.COMMENT
        comment_id, opinion_id = taken.comment_id, taken.opinion_id
    elif body is not None:
        text = _body(body)
    else:
        raise DomainError(Code.INVALID, "请填写观点或选择一条留言", field="body")
    statement = OpinionStatement(
        tenant_id=opinion_map.tenant_id,
        map_id=opinion_map.id,
        body=text,
        state=StatementState.SHOWN,
        source=source,
        comment_id=comment_id,
        opinion_id=opinion_id,
        submitted_by=principal.require_user(),
    )
    session.add(statement)
    await session.flush()
    await append_event(
        session,
        principal,
        opinion_map,
        OpinionMapEvent.STATEMENT_SHOWN,
        statement_snapshot(statement),
    )
    await _statements_changed(session, opinion_map, computer)
    return statement


async def submit_statement(
    session: AsyncSession, principal: Principal, *, map_id: int, body: str
) -> OpinionStatement:
    """A participant submits a statement; it waits for moderation (PENDING)."""
    user_id = principal.require_user()
    opinion_map, host = await map_and_host(session, map_id)
    await host.require_participant(session, principal)
    require_open(opinion_map)
    host.require_in_progress(action="提交观点")
    statement = OpinionStatement(
        tenant_id=opinion_map.tenant_id,
        map_id=opinion_map.id,
        body=_body(body),
        state=StatementState.PENDING,
        source=StatementSource.PARTICIPANT,
        submitted_by=user_id,
    )
    session.add(statement)
    await session.flush()
    await append_event(
        session,
        principal,
        opinion_map,
        OpinionMapEvent.STATEMENT_SUBMITTED,
        statement_snapshot(statement),
    )
    return statement


async def moderate_statement(
    session: AsyncSession,
    principal: Principal,
    *,
    statement_id: int,
    show: bool,
    reason: str | None = None,
    computer: MapComputer | None = None,
) -> OpinionStatement:
    """A host shows a pending statement, or hides a pending or shown one (with a reason);
    votes on a hidden statement stay stored and no longer count."""
    statement = await get_statement(session, statement_id)
    opinion_map, host = await map_and_host(session, statement.map_id)
    await host.require_manager(session, principal)
    require_open(opinion_map)
    if show:
        if statement.state is not StatementState.PENDING:
            raise DomainError(Code.NOT_PENDING, "该观点已审核", field="statementId")
        statement.state = StatementState.SHOWN
        await session.flush()
        await append_event(
            session,
            principal,
            opinion_map,
            OpinionMapEvent.STATEMENT_SHOWN,
            statement_snapshot(statement),
        )
        await _statements_changed(session, opinion_map, computer)
        return statement
    if statement.state is StatementState.HIDDEN:
        raise DomainError(Code.NOT_PENDING, "该观点已被屏蔽", field="statementId")
    clean_reason = clean_text(
        reason, field="reason", code=Code.INVALID, label="屏蔽理由", max_length=200
    )
    was_shown = statement.state is StatementState.SHOWN
    statement.state, statement.hidden_reason = StatementState.HIDDEN, clean_reason
    await session.flush()
    await append_event(
        session,
        principal,
        opinion_map,
        OpinionMapEvent.STATEMENT_HIDDEN,
        OpinionStatementHidden(id=statement.id, reason=clean_reason),
    )
    if was_shown:
        await _statements_changed(session, opinion_map, computer)
    return statement
