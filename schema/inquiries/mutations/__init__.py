"""The 网络问政 and opinion mutations, one module per workflow of `backend.inquiries`:
`schedule`, `live` (a live session) and `opinions`; `common` holds what they share."""

from __future__ import annotations

import strawberry

from schema.inquiries.mutations.live import LiveMutations
from schema.inquiries.mutations.opinions import OpinionMutations
from schema.inquiries.mutations.schedule import ScheduleMutations


@strawberry.type
class InquiryMutations(ScheduleMutations, LiveMutations, OpinionMutations):
    """Every 网络问政 and opinion mutation."""
