"""The agenda mutations, one module per workflow: `catalogue` (协商目录) and `livelihood`
(民生实事); `common` holds what they share."""

from __future__ import annotations

import strawberry

from schema.agenda.mutations.catalogue import CatalogueMutations
from schema.agenda.mutations.livelihood import LivelihoodMutations


@strawberry.type
class AgendaMutations(CatalogueMutations, LivelihoodMutations):
    """Every agenda mutation, in the order the schema lists them."""
