"""Who may watch the streams of this domain, decided from the caller's grants alone
(`view_of`: joining reads nothing).

- `representative:<id>`, `proposal:<id>`, `wconsultation:<id>`, `counterpart:<id>`: the
  county office and department staff (who handle proposals and consultations) and the
  county's representatives (人大代表, 政协委员: proposers, recipients, participants) see
  every event as recorded; the payloads carry no phone number (events.py). Anyone else
  (citizens, anonymous callers) is refused: these are working records of the county, not
  yet published (their publication is the 人大/政协 office's, outside this service).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from backend.core.security import Principal, Role
from backend.representatives.events import (
    CONSULTATION_EVENTS,
    COUNTERPART_EVENTS,
    PROPOSAL_EVENTS,
    REPRESENTATIVE_EVENTS,
)
from realtime import streams
from realtime.event_types import EventTypes

WORKING_VIEW = "working"
ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, Role.NPC_DEPUTY, Role.CPPCC_MEMBER)


def _view_of(example: str) -> Callable[[Principal, str | None], Hashable]:
    def view_of(principal: Principal, ident: str | None) -> Hashable:
        streams.numeric_ident(ident, example=example)
        if principal.user_id is None or not principal.has(*ROLES):
            raise streams.StreamRefused(
                streams.StreamErrorCode.FORBIDDEN,
                "无权查看：需要县级管理员、部门工作人员或人大代表、政协委员",
            )
        return WORKING_VIEW

    return view_of


def _register(types: EventTypes, example: str) -> None:
    streams.register_kind(types.kind, view_of=_view_of(example), events=types)


_register(REPRESENTATIVE_EVENTS, "representative:<编号>")
_register(PROPOSAL_EVENTS, "proposal:<编号>")
_register(CONSULTATION_EVENTS, "wconsultation:<编号>")
_register(COUNTERPART_EVENTS, "counterpart:<编号>")
