"""Mutations of 民生实事 (`backend.agenda.livelihood`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry import relay

from backend.agenda import livelihood
from backend.core.limits import Action
from schema.agenda.mutations.common import (
    LivelihoodPayload,
    decode,
    decode_unit,
    gid,
    payload_errors,
    round_after,
)
from schema.agenda.types import LivelihoodSatisfaction
from schema.context import Info
from schema.mutations import mutate

_ROUND = Annotated[relay.GlobalID, strawberry.argument(description="The 民生实事 round.")]
_PROJECT = Annotated[relay.GlobalID, strawberry.argument(description="The project.")]


@strawberry.type
class LivelihoodMutations:
    @strawberry.mutation(
        description="Open a year's 民生实事 round for proposals (群众开单); county staff, one "
        "per year."
    )
    async def open_livelihood_round(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year.")],
        title: Annotated[str, strawberry.argument(description="Its title.")],
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info, lambda s, p: livelihood.open_round(s, p, year=year, title=title)
        )
        return LivelihoodPayload(
            round=await round_after(info, row.id if row else None),
            project_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="群众开单: propose a project while the round collects (any signed-in member)."
    )
    async def propose_livelihood_project(
        self,
        info: Info,
        round_id: _ROUND,
        title: Annotated[str, strawberry.argument(description="The project (≤ 200).")],
        description: Annotated[str, strawberry.argument(description="What and why (≤ 2000).")],
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.propose(
                s,
                p,
                round_id=decode(round_id, "LivelihoodRound", "roundId"),
                title=title,
                description=description,
            ),
            limit=Action.LIVELIHOOD_PROPOSAL,
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="筛选: shortlist a proposal, or not with a reason that is published "
        "(county staff, while collecting)."
    )
    async def review_livelihood_proposal(
        self,
        info: Info,
        project_id: _PROJECT,
        shortlisted: Annotated[bool, strawberry.argument(description="入围 or not.")],
        reason: Annotated[
            str | None,
            strawberry.argument(description="Why not shortlisted (required then)."),
        ] = None,
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.review(
                s,
                p,
                project_id=decode(project_id, "LivelihoodProject", "projectId"),
                shortlisted=shortlisted,
                reason=reason,
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Open the public vote on the shortlist now, until closesAt; each person "
        "may vote for up to the rulebook's livelihood.max_votes projects (county staff)."
    )
    async def open_livelihood_voting(
        self,
        info: Info,
        round_id: _ROUND,
        closes_at: Annotated[datetime, strawberry.argument(description="When voting ends.")],
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.open_voting(
                s, p, round_id=decode(round_id, "LivelihoodRound", "roundId"), closes_at=closes_at
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.id if row else None),
            project_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Vote for a shortlisted project (any signed-in member; one vote per "
        "project, up to maxVotes projects, inside the voting window)."
    )
    async def vote_livelihood_project(self, info: Info, project_id: _PROJECT) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.vote(
                s, p, project_id=decode(project_id, "LivelihoodProject", "projectId")
            ),
            limit=Action.LIVELIHOOD_VOTE,
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="End the vote now (county staff).")
    async def close_livelihood_voting(self, info: Info, round_id: _ROUND) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.close_voting(
                s, p, round_id=decode(round_id, "LivelihoodRound", "roundId")
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.id if row else None),
            project_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="确定: adopt shortlisted projects of the closed vote as the year's "
        "民生实事 (county office); the other shortlisted ones are not adopted."
    )
    async def adopt_livelihood_projects(
        self,
        info: Info,
        round_id: _ROUND,
        project_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="The projects adopted.")
        ],
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.adopt(
                s,
                p,
                round_id=decode(round_id, "LivelihoodRound", "roundId"),
                project_ids=[
                    decode(v, "LivelihoodProject", f"projectIds.{i}")
                    for i, v in enumerate(project_ids)
                ],
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.id if row else None),
            project_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="分解: add a sub-project under an adopted project or sub-project, with an "
        "optional weight among its siblings (county staff); the parent's progress is then "
        "derived from its children."
    )
    async def add_livelihood_subproject(
        self,
        info: Info,
        parent_id: Annotated[relay.GlobalID, strawberry.argument(description="The parent.")],
        title: Annotated[str, strawberry.argument(description="Its title.")],
        weight: Annotated[
            str | None,
            strawberry.argument(
                description="Its weight (a positive decimal, up to 6 places; normalised among "
                "siblings). Null: the mean of its siblings' declared weights."
            ),
        ] = None,
        lead_unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The responsible unit.")
        ] = None,
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.add_subproject(
                s,
                p,
                parent_id=decode(parent_id, "LivelihoodProject", "parentId"),
                title=title,
                weight=weight,
                lead_unit_id=decode_unit(lead_unit_id, "leadUnitId") if lead_unit_id else None,
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="月度进展: publish a project's progress for a month (county staff). Only "
        "projects without sub-projects report; a second report for a month corrects it."
    )
    async def report_livelihood_progress(
        self,
        info: Info,
        project_id: _PROJECT,
        month: Annotated[str, strawberry.argument(description="The month, YYYY-MM.")],
        percent: Annotated[
            str, strawberry.argument(description="Percentage complete, 0–100 (≤ 2 decimals).")
        ],
        milestones: Annotated[
            list[str], strawberry.argument(description="Milestones reached (≤ 20).")
        ],
        note: Annotated[str | None, strawberry.argument(description="A remark.")] = None,
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.report_progress(
                s,
                p,
                project_id=decode(project_id, "LivelihoodProject", "projectId"),
                month=month,
                percent=percent,
                milestones=milestones,
                note=note,
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="Open the year-end evaluation by the public (county staff).")
    async def open_livelihood_evaluation(self, info: Info, round_id: _ROUND) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.open_evaluation(
                s, p, round_id=decode(round_id, "LivelihoodRound", "roundId")
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.id if row else None),
            project_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="群众评价: rate an adopted project at year end (any signed-in member, once)."
    )
    async def evaluate_livelihood_project(
        self,
        info: Info,
        project_id: _PROJECT,
        satisfaction: Annotated[
            LivelihoodSatisfaction, strawberry.argument(description="满意, 基本满意 or 不满意.")
        ],
        comment: Annotated[str | None, strawberry.argument(description="An opinion.")] = None,
    ) -> LivelihoodPayload:
        row, errors = await mutate(
            info,
            lambda s, p: livelihood.evaluate(
                s,
                p,
                project_id=decode(project_id, "LivelihoodProject", "projectId"),
                satisfaction=satisfaction,
                comment=comment,
            ),
        )
        return LivelihoodPayload(
            round=await round_after(info, row.round_id if row else None),
            project_id=gid("LivelihoodProject", row.id if row else None),
            errors=payload_errors(errors),
        )
