"""Mutations: a live 网络问政 session (`backend.inquiries.live`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.limits import Action
from backend.inquiries import live, models
from schema.cases.types import CaseKind
from schema.context import Info
from schema.inquiries.mutations.common import (
    InquiryQuestionPayload,
    InquirySessionPayload,
    decode,
    payload_errors,
)
from schema.inquiries.types import InquiryQuestion, InquirySession
from schema.mutations import mutate

_SESSION = Annotated[relay.GlobalID, strawberry.argument(description="The session.")]
_QUESTION = Annotated[relay.GlobalID, strawberry.argument(description="The question.")]


def _staff_view(q: models.InquiryQuestion | None) -> InquiryQuestion | None:
    """The question as its handlers see it (the callers of these mutations are staff)."""
    return InquiryQuestion.from_model(q, staff=True, viewer=None) if q else None


@strawberry.type
class LiveMutations:
    @strawberry.mutation(description="Start a scheduled session (the department's staff).")
    async def start_inquiry_session(
        self, info: Info, session_id: _SESSION
    ) -> InquirySessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.start_session(
                s, p, session_id=decode(session_id, "InquirySession", "sessionId")
            ),
        )
        return InquirySessionPayload(
            session=InquirySession.from_model(row) if row else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="End a live session (the department's staff).")
    async def end_inquiry_session(self, info: Info, session_id: _SESSION) -> InquirySessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.end_session(
                s, p, session_id=decode(session_id, "InquirySession", "sessionId")
            ),
        )
        return InquirySessionPayload(
            session=InquirySession.from_model(row) if row else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Ask in a live session (any signed-in member of the county); the "
        "question goes to the department's leader (首问负责制)."
    )
    async def ask_inquiry_question(
        self,
        info: Info,
        session_id: _SESSION,
        body: Annotated[str, strawberry.argument(description="The question (≤ 2000).")],
    ) -> InquiryQuestionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.ask_question(
                s, p, session_id=decode(session_id, "InquirySession", "sessionId"), body=body
            ),
            limit=Action.INQUIRY_QUESTION,
        )
        return InquiryQuestionPayload(
            question=InquiryQuestion.from_model(row, staff=False, viewer=row.asker_user_id)
            if row
            else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Enter a caller's question in a live session, with the caller's name "
        "and phone (the department's staff)."
    )
    async def enter_inquiry_question(
        self,
        info: Info,
        session_id: _SESSION,
        body: Annotated[str, strawberry.argument(description="The question.")],
        caller_name: Annotated[str, strawberry.argument(description="The caller's name.")],
        caller_phone: Annotated[str, strawberry.argument(description="The caller's phone.")],
    ) -> InquiryQuestionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.enter_question(
                s,
                p,
                session_id=decode(session_id, "InquirySession", "sessionId"),
                body=body,
                caller_name=caller_name,
                caller_phone=caller_phone,
            ),
        )
        return InquiryQuestionPayload(question=_staff_view(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Hand a question to another staff member of the department (the "
        "department's staff)."
    )
    async def assign_inquiry_question(
        self,
        info: Info,
        question_id: _QUESTION,
        responder_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The staff member's account.")
        ],
    ) -> InquiryQuestionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.assign_question(
                s,
                p,
                question_id=decode(question_id, "InquiryQuestion", "questionId"),
                responder_user_id=decode(responder_id, "User", "responderId"),
            ),
        )
        return InquiryQuestionPayload(question=_staff_view(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Answer a question live (咨询: the answer is recorded and shown; its "
        "responder or the department's staff)."
    )
    async def answer_inquiry_question(
        self,
        info: Info,
        question_id: _QUESTION,
        answer: Annotated[str, strawberry.argument(description="The answer.")],
    ) -> InquiryQuestionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.answer_question(
                s,
                p,
                question_id=decode(question_id, "InquiryQuestion", "questionId"),
                answer=answer,
            ),
        )
        return InquiryQuestionPayload(question=_staff_view(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Turn a question into a case of the department (channel ONLINE_INQUIRY "
        "网络问政): SUGGESTION 建议 (研究办, for feasibility study) or DEMAND 诉求 (with its "
        "initial reply, then handled offline). Linked both ways: the question's caseId."
    )
    async def turn_inquiry_question_into_case(
        self,
        info: Info,
        question_id: _QUESTION,
        kind: Annotated[CaseKind, strawberry.argument(description="SUGGESTION or DEMAND.")],
        title: Annotated[str, strawberry.argument(description="The case's title.")],
        initial_reply: Annotated[
            str | None,
            strawberry.argument(description="初步答复 given live (required for a DEMAND)."),
        ] = None,
    ) -> InquiryQuestionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: live.turn_into_case(
                s,
                p,
                question_id=decode(question_id, "InquiryQuestion", "questionId"),
                kind=kind,
                title=title,
                initial_reply=initial_reply,
            ),
        )
        return InquiryQuestionPayload(question=_staff_view(row), errors=payload_errors(errors))
