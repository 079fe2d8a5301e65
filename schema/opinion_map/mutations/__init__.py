"""Mutations of the opinion map, one class per workflow module."""

import strawberry

from schema.opinion_map.mutations.maps import MapMutations
from schema.opinion_map.mutations.statements import StatementMutations
from schema.opinion_map.mutations.voting import VotingMutations


@strawberry.type
class OpinionMapMutations(MapMutations, StatementMutations, VotingMutations):
    pass
