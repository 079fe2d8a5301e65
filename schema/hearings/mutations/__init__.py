"""The hearing mutations, one module per workflow of `backend.hearings`."""

from __future__ import annotations

import strawberry

from schema.hearings.mutations.applications import HearingApplicationMutations
from schema.hearings.mutations.attendance import HearingAttendanceMutations
from schema.hearings.mutations.drawing import HearingDrawMutations
from schema.hearings.mutations.notice import HearingNoticeMutations
from schema.hearings.mutations.record import HearingRecordMutations
from schema.hearings.mutations.transcript import HearingTranscriptMutations


@strawberry.type
class HearingMutations(
    HearingNoticeMutations,
    HearingApplicationMutations,
    HearingDrawMutations,
    HearingTranscriptMutations,
    HearingAttendanceMutations,
    HearingRecordMutations,
):
    """Every hearing mutation."""
