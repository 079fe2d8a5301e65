"""The case mutations, one module per workflow (the split of `backend.cases`): `intake`,
`handling` (classification, out of scope, the 议事内容清单), `routing`, `replies` (the
closed loop, merging, publication), `ledger_import` (台账导入) and `analytics` (the
vocabulary of the hot-topic board, the classification suggester); `common` holds what they
share."""

from __future__ import annotations

import strawberry

from schema.cases.mutations.analytics import CaseAnalyticsMutations
from schema.cases.mutations.handling import HandlingMutations
from schema.cases.mutations.intake import IntakeMutations
from schema.cases.mutations.ledger_import import LedgerImportMutations
from schema.cases.mutations.replies import ReplyMutations
from schema.cases.mutations.routing import RoutingMutations


@strawberry.type
class CaseMutations(
    IntakeMutations,
    HandlingMutations,
    RoutingMutations,
    ReplyMutations,
    LedgerImportMutations,
    CaseAnalyticsMutations,
):
    """Every case mutation, in the order the schema lists them."""
