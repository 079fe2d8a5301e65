"""A unit's live inbox (`caseInbox`), multiplexed by the socket (`realtime.ws`): new
cases and dispatches, signs, returns, escalations, 督办, reopenings and deadline reminders,
as they commit; with `after`, what was missed first."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.cases import models
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.stream import inbox_of
from realtime.log import LoggedEvent
from realtime.ws import Plan, multiplexed
from schema.cases.types import CaseInboxEvent, gid
from schema.context import Context, Info
from schema.realtime.api import _authorized, _check_after
from schema.relay import decode_id


def inbox_event(event: LoggedEvent) -> CaseInboxEvent:
    p = event.payload
    due = p.get("dueOn")
    return CaseInboxEvent(
        seq=event.seq,
        type=event.type,
        at=event.created_at,
        case_id=strawberry.ID(gid("Case", p["caseId"]) or ""),
        number=p["number"],
        title=p["title"],
        state=models.CaseState(p["state"]),
        assignment_id=gid("CaseAssignment", p.get("assignmentId")),
        role=models.AssignmentRole(p["role"]) if p.get("role") else None,
        due_on=date.fromisoformat(due) if due else None,
        note=p.get("note"),
    )


async def plan_case_inbox(ctx: Context, args: dict[str, Any]) -> Plan:
    unit_id = decode_id(args["unitId"], "OrgUnit", field="unitId", code=Code.NOT_FOUND)
    stream = inbox_of(unit_id)
    after = _check_after(args.get("after"))
    _, view = await _authorized(ctx, stream)
    principal = await ctx.principal()
    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=view,
        to_root=inbox_event,
    )


@strawberry.type
class CaseSubscriptions:
    @strawberry.subscription(
        description="A unit's inbox (待办), live: every case event that concerns the unit "
        "(inbox.received, inbox.dispatched, inbox.signed, inbox.returned, inbox.escalated, "
        "inbox.supervised, inbox.reopened, inbox.dueSoon, inbox.overdue). Staff of the unit "
        "and the county office. With `after`, replays what was missed first.",
        metadata=multiplexed(plan_case_inbox),  # realtime.ws.fields
    )
    async def case_inbox(
        self,
        info: Info,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The unit.")],
        after: Annotated[
            int | None, strawberry.argument(description="Resume after this seq.")
        ] = None,
    ) -> AsyncGenerator[CaseInboxEvent, None]:
        from backend.core.errors import InvalidArgument

        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover
