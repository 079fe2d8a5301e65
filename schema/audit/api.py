"""The audit log, readable by tenant admins."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from backend.audit import models, service
from schema.context import Info
from schema.relay import (
    Connection,
    DatabaseNode,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    page_size,
    resolve_by_ids,
)


@strawberry.type(
    name="AuditEntry",
    description="One administrative action: who, what, when, and the record before and after.",
)
class AuditEntry(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    action: str = strawberry.field(description="What was done, e.g. membership.grant.")
    actor: str = strawberry.field(description="Who did it (user:<id>:<name> or operator:<id>).")
    target_type: str = strawberry.field(description="Kind of record changed.")
    target_id: int | None = strawberry.field(description="Database id of the record changed.")
    before: JSON | None = strawberry.field(description="The record before (null on create).")
    after: JSON | None = strawberry.field(description="The record after (null on delete).")
    request_id: str | None = strawberry.field(description="Request id, to find the logs.")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, e: models.AuditEntry) -> AuditEntry:
        return cls(
            id=e.id,
            action=e.action,
            actor=e.actor_label,
            target_type=e.target_type,
            target_id=e.target_id,
            before=JSON(e.before),
            after=JSON(e.after),
            request_id=e.request_id,
            created_at=e.created_at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AuditEntry | None]:
        principal = await info.context.principal()

        async def load_many(ids: list[int]) -> list[models.AuditEntry | None]:
            rows = await info.context.read(
                lambda s: service.get_entries(s, principal, ids=set(ids))
            )
            found = {e.id: e for e in rows}
            return [found.get(i) for i in ids]

        return await resolve_by_ids("AuditEntry", load_many, node_ids, cls.from_model)


@strawberry.type
class AuditQueries:
    @strawberry.field(
        description="Administrative actions in the county, newest first (tenant admins)."
    )
    async def audit_log(
        self,
        info: Info,
        action: Annotated[str | None, strawberry.argument(description="Only this action.")] = None,
        actor: Annotated[
            str | None,
            strawberry.argument(description="Only actors whose label contains this (name or id)."),
        ] = None,
        since: Annotated[
            datetime | None, strawberry.argument(description="Only entries at or after this.")
        ] = None,
        until: Annotated[
            datetime | None, strawberry.argument(description="Only entries before this.")
        ] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[AuditEntry]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: service.list_entries(
                s,
                principal,
                after_id=after_id,
                limit=size + 1,
                action=action,
                actor=actor,
                since=since,
                until=until,
            )
        )
        return build_connection(rows, first=size, to_node=AuditEntry.from_model, key=lambda r: r.id)
