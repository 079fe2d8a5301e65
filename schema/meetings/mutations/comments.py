"""Mutations: Live comments and questions, moderation and answers (`backend.meetings.comments`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.limits import Action
from backend.meetings import comments, models
from schema.context import Info
from schema.limits import refuse_if_rate_limited
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import CommentKind, MeetingComment, MeetingError
from schema.mutations import mutate


@strawberry.type(description="Result of a comment action.")
class CommentPayload:
    comment: MeetingComment | None = strawberry.field(description="The comment after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class CommentMutations:
    @strawberry.mutation(description="Post a live comment or question (or a reply).")
    async def post_comment(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        body: Annotated[
            str, strawberry.argument(description="Text, up to the county's limit (500).")
        ],
        kind: Annotated[
            CommentKind, strawberry.argument(description="Comment or question.")
        ] = models.CommentKind.COMMENT,
        parent_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Replying to.")
        ] = None,
    ) -> CommentPayload:
        principal = await info.context.principal()
        refused = await refuse_if_rate_limited(
            info.context, Action.COMMENT, user=(principal.tenant_id, principal.user_id)
        )
        if refused is not None:
            return CommentPayload(comment=None, errors=payload_errors([refused]))
        comment, errors = await mutate(
            info,
            lambda s, p: comments.post_comment(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                body=body,
                kind=kind,
                parent_id=decode(parent_id, "MeetingComment", "parentId") if parent_id else None,
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=False) if comment else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="Hide a comment with a reason (the text stays in the record).")
    async def hide_comment(
        self,
        info: Info,
        comment_id: Annotated[relay.GlobalID, strawberry.argument(description="The comment.")],
        reason: Annotated[str, strawberry.argument(description="Why, recorded.")],
    ) -> CommentPayload:
        comment, errors = await mutate(
            info,
            lambda s, p: comments.hide_comment(
                s, p, comment_id=decode(comment_id, "MeetingComment", "commentId"), reason=reason
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=True) if comment else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Approve a comment (审核通过): a host reviewed it and keeps it public, so "
        "it no longer waits for review in any host's console; recorded (comment.approved). "
        "Hosts of the meeting; refused for a hidden or an already approved comment."
    )
    async def approve_comment(
        self,
        info: Info,
        comment_id: Annotated[relay.GlobalID, strawberry.argument(description="The comment.")],
    ) -> CommentPayload:
        comment, errors = await mutate(
            info,
            lambda s, p: comments.approve_comment(
                s, p, comment_id=decode(comment_id, "MeetingComment", "commentId")
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=True) if comment else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Mark a question answered live, or hand it over to the "
        "responsible unit (unitId) to answer as a case."
    )
    async def answer_question(
        self,
        info: Info,
        comment_id: Annotated[relay.GlobalID, strawberry.argument(description="The question.")],
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Hand over to this unit.")
        ] = None,
    ) -> CommentPayload:
        comment, errors = await mutate(
            info,
            lambda s, p: comments.answer_comment(
                s,
                p,
                comment_id=decode(comment_id, "MeetingComment", "commentId"),
                hand_over_unit_id=decode(unit_id, "OrgUnit", "unitId") if unit_id else None,
            ),
        )
        return CommentPayload(
            comment=MeetingComment.from_model(comment, host=True) if comment else None,
            errors=payload_errors(errors),
        )
