"""The meeting mutations, one module per workflow (the same split as `backend.meetings`):
`lifecycle`, `participants`, `materials`, `agenda`, `polls`, `scoring`, `comments`,
`speaking`, `minutes`; `common` holds what they share.
"""

from __future__ import annotations

import strawberry

from schema.meetings.mutations.agenda import AgendaMutations
from schema.meetings.mutations.comments import CommentMutations
from schema.meetings.mutations.lifecycle import LifecycleMutations
from schema.meetings.mutations.materials import MaterialMutations
from schema.meetings.mutations.minutes import MinutesMutations
from schema.meetings.mutations.participants import ParticipantMutations
from schema.meetings.mutations.polls import PollMutations
from schema.meetings.mutations.scoring import ScoringMutations
from schema.meetings.mutations.speaking import SpeakingMutations


@strawberry.type
class MeetingMutations(
    LifecycleMutations,
    ParticipantMutations,
    MaterialMutations,
    AgendaMutations,
    PollMutations,
    ScoringMutations,
    CommentMutations,
    SpeakingMutations,
    MinutesMutations,
):
    """Every meeting mutation, in the order the schema lists them."""
