"""The representatives mutations, one class per workflow module."""

from __future__ import annotations

import strawberry

from schema.representatives.mutations.consultations import ConsultationMutations
from schema.representatives.mutations.linkage import LinkageMutations
from schema.representatives.mutations.places import PlaceMutations
from schema.representatives.mutations.proposals import ProposalMutations


@strawberry.type
class RepresentativeMutations(
    LinkageMutations, PlaceMutations, ProposalMutations, ConsultationMutations
):
    pass
