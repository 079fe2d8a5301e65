"""Mutations: 建议提案办理 (`backend.representatives.proposals`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.representatives import proposals
from schema.cases.types import Satisfaction
from schema.context import Info
from schema.mutations import mutate
from schema.representatives.mutations.common import (
    ProposalPayload,
    decode,
    decode_unit,
    payload_errors,
    proposal_node,
)

_PROPOSAL = Annotated[relay.GlobalID, strawberry.argument(description="The proposal.")]


@strawberry.type
class ProposalMutations:
    @strawberry.mutation(
        description="Register a representative's suggestion (人大代表 → 建议) or proposal "
        "(政协委员 → 提案): the county office, or the representative's own account."
    )
    async def register_proposal(
        self,
        info: Info,
        representative_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The representative filing it.")
        ],
        title: Annotated[str, strawberry.argument(description="Title.")],
        body: Annotated[str, strawberry.argument(description="Text.")],
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.register_proposal(
                s,
                p,
                representative_id=decode(representative_id, "Representative", "representativeId"),
                title=title,
                body=body,
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="交办: assign to a lead unit (主办) and co-units (协办) of the county; the "
        "reply is due after the county rule `proposal.reply` (county office)."
    )
    async def assign_proposal(
        self,
        info: Info,
        proposal_id: _PROPOSAL,
        lead_unit_id: Annotated[relay.GlobalID, strawberry.argument(description="主办单位.")],
        co_unit_ids: Annotated[
            list[relay.GlobalID] | None, strawberry.argument(description="协办单位.")
        ] = None,
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.assign_proposal(
                s,
                p,
                proposal_id=decode(proposal_id, "Proposal", "proposalId"),
                lead_unit_id=decode_unit(lead_unit_id, "leadUnitId"),
                co_unit_ids=[decode_unit(u, "coUnitIds") for u in co_unit_ids or []],
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="领办: record that a county leader takes the proposal personally "
        "(county office)."
    )
    async def take_proposal(
        self,
        info: Info,
        proposal_id: _PROPOSAL,
        leader_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The leader's account (User).")
        ],
        note: Annotated[str | None, strawberry.argument(description="Note.")] = None,
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.take_proposal(
                s,
                p,
                proposal_id=decode(proposal_id, "Proposal", "proposalId"),
                leader_user_id=decode(leader_id, "User", "leaderId"),
                note=note,
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="面对面: link the meeting where the lead unit met the proposer (lead "
        "unit's staff or county office)."
    )
    async def link_proposal_meeting(
        self,
        info: Info,
        proposal_id: _PROPOSAL,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.link_meeting(
                s,
                p,
                proposal_id=decode(proposal_id, "Proposal", "proposalId"),
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="The lead unit's reply (答复): staff of the lead unit or county office."
    )
    async def reply_proposal(
        self,
        info: Info,
        proposal_id: _PROPOSAL,
        body: Annotated[str, strawberry.argument(description="The reply.")],
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.reply_proposal(
                s, p, proposal_id=decode(proposal_id, "Proposal", "proposalId"), body=body
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="The proposer rates the reply (满意/基本满意/不满意; 不满意 needs a reason). "
        "Before a reply: NOT_REPLIED."
    )
    async def rate_proposal(
        self,
        info: Info,
        proposal_id: _PROPOSAL,
        satisfaction: Annotated[Satisfaction, strawberry.argument(description="The rating.")],
        text: Annotated[str | None, strawberry.argument(description="Why.")] = None,
    ) -> ProposalPayload:
        row, errors = await mutate(
            info,
            lambda s, p: proposals.rate_proposal(
                s,
                p,
                proposal_id=decode(proposal_id, "Proposal", "proposalId"),
                satisfaction=satisfaction,
                text=text,
            ),
        )
        return ProposalPayload(
            proposal=await proposal_node(info, row.id if row else None),
            errors=payload_errors(errors),
        )
