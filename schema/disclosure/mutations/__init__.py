"""The 政务公开 mutations, one module per workflow: `publications` and `requests`."""

from __future__ import annotations

import strawberry

from schema.disclosure.mutations.publications import PublicationMutations
from schema.disclosure.mutations.requests import RequestMutations


@strawberry.type
class DisclosureMutations(PublicationMutations, RequestMutations):
    """Every 政务公开 mutation, in the order the schema lists them."""
