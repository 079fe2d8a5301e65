"""The case mutations, one module per workflow (the split of `backend.cases`): `intake`,
`handling` (classification, out of scope, the 议事内容清单), `routing`, `replies` (the
closed loop, merging, publication); `common` holds what they share."""

from __future__ import annotations

import strawberry

from schema.cases.mutations.handling import HandlingMutations
from schema.cases.mutations.intake import IntakeMutations
from schema.cases.mutations.replies import ReplyMutations
from schema.cases.mutations.routing import RoutingMutations


@strawberry.type
class CaseMutations(IntakeMutations, HandlingMutations, RoutingMutations, ReplyMutations):
    """Every case mutation, in the order the schema lists them."""
