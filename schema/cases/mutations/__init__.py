"""The case mutations, one module per workflow (the same split as `backend.cases`)."""

from __future__ import annotations

import strawberry

from schema.cases.mutations.analytics import CaseAnalyticsMutations
from schema.cases.mutations.ledger_import import LedgerImportMutations


@strawberry.type
class CaseMutations(LedgerImportMutations, CaseAnalyticsMutations):
    """Every case mutation, in the order the schema lists them."""
