"""GraphQL API of a decision's 民意调查 (questionnaires, answers, results, the written
report) and of its 座谈/协商 sessions with their materials record (`backend.decisions.
surveys`, `backend.decisions.sessions`; docs/decisions.md "Public opinion surveys" and
"座谈 sessions")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.limits import Action
from backend.decisions import models, sessions, surveys
from backend.decisions.access import get_decision, runs
from backend.decisions.errors import DecisionErrorCode as Code
from schema.context import Info
from schema.decisions.types import DecisionError, DecisionErrorCode
from schema.limits import refuse_if_rate_limited
from schema.mutations import mutate, user_errors
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id,
    decode_id_argument,
    page_size,
    to_global_id,
)

SurveyState = models.SurveyState
strawberry.enum(
    SurveyState,
    description="DRAFT 草稿 (the lead unit edits it), OPEN 已发布 (answered within its "
    "days), CLOSED 已结束.",
)
QuestionKind = models.QuestionKind
strawberry.enum(
    QuestionKind,
    description="SINGLE_CHOICE 单选, MULTIPLE_CHOICE 多选 (at most maxChoices), SCALE 1–5 "
    "分评分, TEXT 文字.",
)


@strawberry.type(description="A question of a questionnaire.")
class SurveyQuestion:
    id: strawberry.ID = strawberry.field(description="Global id (answer it by this id).")
    position: int = strawberry.field(description="Its number, from 1.")
    kind: QuestionKind = strawberry.field(description="How it is answered.")
    prompt: str = strawberry.field(description="The question.")
    options: list[str] = strawberry.field(
        description="The options of a choice question, numbered from 0 in answers."
    )
    max_choices: int | None = strawberry.field(
        description="At most this many options (multiple choice; null: any number)."
    )
    required: bool = strawberry.field(description="Whether it must be answered (必答).")

    @classmethod
    def from_model(cls, q: models.SurveyQuestion) -> SurveyQuestion:
        return cls(
            id=strawberry.ID(to_global_id("SurveyQuestion", q.id)),
            position=q.position,
            kind=q.kind,
            prompt=q.prompt,
            options=list(q.options),
            max_choices=q.max_choices,
            required=q.required,
        )


@strawberry.type(description="A free-text answer, without who gave it.")
class SurveyTextAnswer:
    text: str = strawberry.field(description="What was written.")


@strawberry.type(description="The counts of one question (never who answered what).")
class SurveyQuestionResult:
    question_id: strawberry.ID = strawberry.field(description="The question.")
    position: int = strawberry.field(description="Its number.")
    answered: int = strawberry.field(description="Respondents who answered it.")
    counts: list[int] = strawberry.field(
        description="Per option (choice questions) or per score 1–5 (scale); empty for text."
    )
    mean: float | None = strawberry.field(description="The scale's mean (2 decimals).")
    survey_db_id: strawberry.Private[int]
    question_db_id: strawberry.Private[int]
    is_text: strawberry.Private[bool]

    @strawberry.field(
        description="The free-text answers, oldest first, without names: the lead unit's "
        "staff and the county office only (null for anyone else, and for other kinds)."
    )
    async def text_answers(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[SurveyTextAnswer] | None:
        if not self.is_text:
            return None
        size = page_size(first)
        key = decode_cursor(after)
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> list[tuple[int, str]] | None:
            survey = await surveys.get_survey(s, self.survey_db_id)
            if not await runs(s, principal, await get_decision(s, survey.decision_id)):
                return None
            question = await s.get(models.SurveyQuestion, self.question_db_id)
            if question is None:
                return []
            return await surveys.text_answers(s, survey, question, limit=size + 1, after=key)

        rows = await info.context.read(run)
        if rows is None:
            return None
        return build_connection(
            rows, first=size, to_node=lambda r: SurveyTextAnswer(text=r[1]), key=lambda r: r[0]
        )


@strawberry.type(description="The results of a survey: counts only.")
class SurveyResults:
    respondents: int = strawberry.field(description="Respondents (答卷份数).")
    questions: list[SurveyQuestionResult] = strawberry.field(description="Per question, in order.")


@strawberry.type(description="The written report of a survey (民意调查书面报告, 第八条).")
class SurveyReport:
    summary: str = strawberry.field(description="Its conclusions (调查结论).")
    adoption: str = strawberry.field(description="How they were adopted (采纳情况).")
    reported_at: datetime = strawberry.field(description="When it was written.")


@strawberry.type(description="A public opinion survey (民意调查问卷) on a decision.")
class DecisionSurvey:
    id: strawberry.ID = strawberry.field(description="Global id.")
    decision_id: strawberry.ID = strawberry.field(description="The decision.")
    title: str = strawberry.field(description="Its title.")
    intro: str | None = strawberry.field(description="Its introduction.")
    allow_anonymous: bool = strawberry.field(
        description="Whether it may be answered without signing in (X-Tenant only)."
    )
    state: SurveyState = strawberry.field(description="Where it stands.")
    opens_on: date | None = strawberry.field(description="First day of answers.")
    closes_on: date | None = strawberry.field(description="Last day of answers (inclusive).")
    accepting_answers: bool = strawberry.field(description="Whether it takes answers now.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    closed_at: datetime | None = strawberry.field(description="When it was closed.")
    questions: list[SurveyQuestion] = strawberry.field(description="Its questions, in order.")
    report: SurveyReport | None = strawberry.field(description="Its written report, if any.")
    db_id: strawberry.Private[int]
    results_shown: strawberry.Private[bool]

    @strawberry.field(
        description="Counts per option, the scale's distribution and mean, respondents: for "
        "the decision's staff at any time, for everyone else once the survey has ended "
        "(null before)."
    )
    async def results(self, info: Info) -> SurveyResults | None:
        if not self.results_shown:
            return None

        async def run(s: AsyncSession) -> surveys.SurveyResults:
            return await surveys.results(s, await surveys.get_survey(s, self.db_id))

        found = await info.context.read(run)
        return SurveyResults(
            respondents=found.respondents,
            questions=[
                SurveyQuestionResult(
                    question_id=strawberry.ID(to_global_id("SurveyQuestion", r.question.id)),
                    position=r.question.position,
                    answered=r.answered,
                    counts=r.counts,
                    mean=r.mean,
                    survey_db_id=self.db_id,
                    question_db_id=r.question.id,
                    is_text=r.question.kind is models.QuestionKind.TEXT,
                )
                for r in found.questions
            ],
        )

    @classmethod
    def from_model(
        cls, s: models.Survey, questions: list[models.SurveyQuestion], *, staff: bool
    ) -> DecisionSurvey:
        return cls(
            id=strawberry.ID(to_global_id("DecisionSurvey", s.id)),
            decision_id=strawberry.ID(to_global_id("Decision", s.decision_id)),
            title=s.title,
            intro=s.intro,
            allow_anonymous=s.allow_anonymous,
            state=s.state,
            opens_on=s.opens_on,
            closes_on=s.closes_on,
            accepting_answers=surveys.accepting(s),
            published_at=s.published_at,
            closed_at=s.closed_at,
            questions=[SurveyQuestion.from_model(q) for q in questions],
            report=SurveyReport(
                summary=s.report_summary or "",
                adoption=s.report_adoption or "",
                reported_at=s.reported_at,
            )
            if s.reported_at is not None
            else None,
            db_id=s.id,
            results_shown=staff or surveys.ended(s),
        )


@strawberry.type(description="A 座谈/协商 meeting of a decision and its materials record (第七条).")
class DecisionSession:
    id: strawberry.ID = strawberry.field(description="Global id.")
    meeting_id: strawberry.ID = strawberry.field(description="The meeting.")
    version_id: strawberry.ID = strawberry.field(description="The draft version sent (决策方案).")
    explanation: str = strawberry.field(description="The drafting explanation sent (起草说明).")
    materials_sent_at: datetime = strawberry.field(description="When they were sent.")
    recipients: int = strawberry.field(description="Invited participants they were sent to.")
    recipient_ids: list[strawberry.ID] | None = strawberry.field(
        description="Who they were sent to (staff view only, else null)."
    )
    recipient_roles: list[str] = strawberry.field(
        description="The recipients' roles (DEPUTY 人大代表/政协委员, EXPERT, REPRESENTATIVE…)."
    )
    rule: str = strawberry.field(description="The lead-time rule applied, with its source.")

    @classmethod
    def from_model(cls, x: models.DecisionSession, *, staff: bool) -> DecisionSession:
        return cls(
            id=strawberry.ID(to_global_id("DecisionSession", x.id)),
            meeting_id=strawberry.ID(to_global_id("Meeting", x.meeting_id)),
            version_id=strawberry.ID(to_global_id("DecisionVersion", x.version_id)),
            explanation=x.explanation,
            materials_sent_at=x.materials_sent_at,
            recipients=len(x.recipients),
            recipient_ids=[strawberry.ID(to_global_id("User", r["userId"])) for r in x.recipients]
            if staff
            else None,
            recipient_roles=[str(r["role"]) for r in x.recipients],
            rule=x.rule_cited,
        )


async def survey_nodes(info: Info, decision_id: int, *, staff: bool) -> list[DecisionSurvey]:
    """A decision's surveys as the caller sees them (drafts: staff only)."""
    loaders = info.context.loaders
    rows = await loaders.decision_surveys.load(decision_id)
    rows = [r for r in rows if staff or r.state is not models.SurveyState.DRAFT]
    questions = await loaders.decision_survey_questions.load_many([r.id for r in rows])
    return [
        DecisionSurvey.from_model(r, qs, staff=staff) for r, qs in zip(rows, questions, strict=True)
    ]


async def _survey_node(info: Info, survey_id: int | None) -> DecisionSurvey | None:
    if survey_id is None:
        return None
    info.context.fresh_loaders()
    principal = await info.context.principal()

    async def run(s: AsyncSession) -> DecisionSurvey | None:
        row = await s.get(models.Survey, survey_id)
        if row is None:
            return None
        from backend.decisions.access import is_staff

        staff = await is_staff(s, principal, await get_decision(s, row.decision_id))
        if row.state is models.SurveyState.DRAFT and not staff:
            return None
        return DecisionSurvey.from_model(row, await surveys.questions_of(s, row.id), staff=staff)

    return await info.context.read(run)


# -- inputs and payloads --------------------------------------------------------------------


def _errors(errors: list[DomainError]) -> list[DecisionError]:
    return user_errors(errors, DecisionError, DecisionErrorCode)


_SURVEY = Annotated[relay.GlobalID, strawberry.argument(description="The survey.")]


def _survey_id(value: relay.GlobalID) -> int:
    return decode_id(value, "DecisionSurvey", field="surveyId", code=Code.NOT_FOUND)


@strawberry.input(description="A question of a questionnaire.")
class SurveyQuestionInput:
    kind: QuestionKind = strawberry.field(description="How it is answered.")
    prompt: str = strawberry.field(description="The question (≤ 500).")
    options: list[str] = strawberry.field(
        default_factory=list, description="2–20 options for a choice question (≤ 100 each)."
    )
    max_choices: int | None = strawberry.field(
        default=None, description="At most this many choices (multiple choice only)."
    )
    required: bool = strawberry.field(default=False, description="Must be answered (必答).")


def _questions(items: list[SurveyQuestionInput]) -> list[surveys.QuestionDraft]:
    return [
        surveys.QuestionDraft(q.kind, q.prompt, tuple(q.options), q.max_choices, q.required)
        for q in items
    ]


@strawberry.input(description="A new questionnaire (draft) on a decision.")
class CreateDecisionSurveyInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    title: str = strawberry.field(description="Its title (≤ 200).")
    intro: str | None = strawberry.field(default=None, description="Its introduction (≤ 5000).")
    allow_anonymous: bool = strawberry.field(
        default=False, description="May be answered without signing in."
    )
    questions: list[SurveyQuestionInput] = strawberry.field(
        description="Its questions, in order (1–50)."
    )


@strawberry.input(description="A draft questionnaire's new text and questions (replacing them).")
class UpdateDecisionSurveyInput:
    survey_id: relay.GlobalID = strawberry.field(description="The survey (a DRAFT).")
    title: str = strawberry.field(description="Its title (≤ 200).")
    intro: str | None = strawberry.field(default=None, description="Its introduction (≤ 5000).")
    allow_anonymous: bool = strawberry.field(
        default=False, description="May be answered without signing in."
    )
    questions: list[SurveyQuestionInput] = strawberry.field(
        description="Its questions, in order (1–50)."
    )


@strawberry.input(description="The answer to one question.")
class SurveyAnswerInput:
    question_id: relay.GlobalID = strawberry.field(description="The question.")
    choices: list[int] | None = strawberry.field(
        default=None, description="Option numbers from 0 (choice questions)."
    )
    scale: int | None = strawberry.field(default=None, description="1–5 (scale questions).")
    text: str | None = strawberry.field(default=None, description="Free text (≤ 1000).")


@strawberry.input(description="A respondent's answers (答卷).")
class AnswerDecisionSurveyInput:
    survey_id: relay.GlobalID = strawberry.field(description="The survey.")
    idempotency_key: str = strawberry.field(
        description="The client's key for this answer sheet (≤ 80): a retry with it is "
        "harmless; anonymous respondents replace their answers with it."
    )
    answers: list[SurveyAnswerInput] = strawberry.field(description="The answers.")


@strawberry.input(description="A meeting linked to a decision as a 座谈/协商 session.")
class LinkDecisionSessionInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    meeting_id: relay.GlobalID = strawberry.field(
        description="The meeting (座谈会, 专题协商会, 对口协商 or 民意恳谈会)."
    )
    explanation: str = strawberry.field(description="The drafting explanation sent (起草说明).")
    materials_sent_at: datetime | None = strawberry.field(
        default=None,
        description="When the decision plan and explanation reached the invited "
        "participants (default now; not in the future).",
    )
    version_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The draft version sent (default the newest)."
    )


@strawberry.type(description="Result of a questionnaire action.")
class DecisionSurveyPayload:
    survey: DecisionSurvey | None = strawberry.field(description="The survey after the change.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of answering a survey.")
class SurveyAnswerPayload:
    accepted: bool = strawberry.field(description="Whether the answers are kept.")
    revision: int | None = strawberry.field(
        description="1 for a first answer sheet, more when it replaced earlier answers."
    )
    replaced: bool = strawberry.field(
        description="Whether earlier answers of the respondent were replaced (a change)."
    )
    errors: list[DecisionError] = strawberry.field(
        description="Why it was refused (answers.<i> names the answer and the reason)."
    )


@strawberry.type(description="Result of linking a 座谈/协商 session.")
class DecisionSessionPayload:
    session: DecisionSession | None = strawberry.field(description="The linked session.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


def _answers(items: list[SurveyAnswerInput]) -> list[surveys.AnswerDraft]:
    out = []
    for i, a in enumerate(items):
        out.append(
            surveys.AnswerDraft(
                question_id=decode_id(
                    a.question_id,
                    "SurveyQuestion",
                    field=f"answers.{i}",
                    code=Code.UNKNOWN_QUESTION,
                ),
                choices=tuple(a.choices) if a.choices is not None else None,
                scale=a.scale,
                text=a.text,
            )
        )
    return out


async def _survey_payload(
    info: Info, survey: models.Survey | None, errors: list[DomainError]
) -> DecisionSurveyPayload:
    return DecisionSurveyPayload(
        survey=await _survey_node(info, survey.id if survey else None), errors=_errors(errors)
    )


@strawberry.type
class SurveyQueries:
    @strawberry.field(
        description="A survey of a decision (drafts: the decision's staff only; null: none)."
    )
    async def decision_survey(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The survey.")],
    ) -> DecisionSurvey | None:
        (await info.context.principal()).require_tenant()
        return await _survey_node(info, decode_id_argument(id, "DecisionSurvey", field="id"))


@strawberry.type
class SurveyMutations:
    @strawberry.mutation(description="Draft a questionnaire (民意调查) on a decision (lead unit).")
    async def create_decision_survey(
        self,
        info: Info,
        input: Annotated[CreateDecisionSurveyInput, strawberry.argument(description="The input.")],
    ) -> DecisionSurveyPayload:
        survey, errors = await mutate(
            info,
            lambda s, p: surveys.create_survey(
                s,
                p,
                decision_id=decode_id(
                    input.decision_id, "Decision", field="decisionId", code=Code.NOT_FOUND
                ),
                title=input.title,
                intro=input.intro,
                allow_anonymous=input.allow_anonymous,
                questions=_questions(input.questions),
            ),
        )
        return await _survey_payload(info, survey, errors)

    @strawberry.mutation(description="Replace a draft questionnaire's text and questions.")
    async def update_decision_survey(
        self,
        info: Info,
        input: Annotated[UpdateDecisionSurveyInput, strawberry.argument(description="The input.")],
    ) -> DecisionSurveyPayload:
        survey, errors = await mutate(
            info,
            lambda s, p: surveys.update_survey(
                s,
                p,
                survey_id=_survey_id(input.survey_id),
                title=input.title,
                intro=input.intro,
                allow_anonymous=input.allow_anonymous,
                questions=_questions(input.questions),
            ),
        )
        return await _survey_payload(info, survey, errors)

    @strawberry.mutation(
        description="Publish a draft questionnaire for its days (while the decision is not "
        "decided): `survey.opened` on the decision's stream."
    )
    async def publish_decision_survey(
        self,
        info: Info,
        survey_id: _SURVEY,
        opens_on: Annotated[date, strawberry.argument(description="First day (today or later).")],
        closes_on: Annotated[date, strawberry.argument(description="Last day (inclusive).")],
    ) -> DecisionSurveyPayload:
        survey, errors = await mutate(
            info,
            lambda s, p: surveys.publish_survey(
                s, p, survey_id=_survey_id(survey_id), opens_on=opens_on, closes_on=closes_on
            ),
        )
        return await _survey_payload(info, survey, errors)

    @strawberry.mutation(description="End a published survey now: `survey.closed`.")
    async def close_decision_survey(self, info: Info, survey_id: _SURVEY) -> DecisionSurveyPayload:
        survey, errors = await mutate(
            info, lambda s, p: surveys.close_survey(s, p, survey_id=_survey_id(survey_id))
        )
        return await _survey_payload(info, survey, errors)

    @strawberry.mutation(
        description="Answer a survey (any member; anonymous where it allows): once each, "
        "answering again replaces the earlier answers. Every answer is checked against its "
        "question (answers.<i>); rate-limited per person and address."
    )
    async def answer_decision_survey(
        self,
        info: Info,
        input: Annotated[AnswerDecisionSurveyInput, strawberry.argument(description="The input.")],
    ) -> SurveyAnswerPayload:
        principal = await info.context.principal()
        refused = await refuse_if_rate_limited(
            info.context,
            Action.SURVEY_ANSWER,
            user=(principal.tenant_id, principal.user_id) if principal.user_id else None,
        )
        if refused is not None:
            return SurveyAnswerPayload(
                accepted=False, revision=None, replaced=False, errors=_errors([refused])
            )
        done, errors = await mutate(
            info,
            lambda s, p: surveys.answer_survey(
                s,
                p,
                survey_id=_survey_id(input.survey_id),
                idempotency_key=input.idempotency_key,
                answers=_answers(input.answers),
            ),
        )
        return SurveyAnswerPayload(
            accepted=done is not None,
            revision=done.revision if done else None,
            replaced=done.replaced if done else False,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Write an ended survey's report (书面报告: conclusions and 采纳情况; 第八条): "
        "`survey.reported`; the gate before 集体讨论决定 needs it."
    )
    async def submit_decision_survey_report(
        self,
        info: Info,
        survey_id: _SURVEY,
        summary: Annotated[str, strawberry.argument(description="调查结论 (≤ 10000).")],
        adoption: Annotated[str, strawberry.argument(description="采纳情况 (≤ 10000).")],
    ) -> DecisionSurveyPayload:
        survey, errors = await mutate(
            info,
            lambda s, p: surveys.submit_survey_report(
                s, p, survey_id=_survey_id(survey_id), summary=summary, adoption=adoption
            ),
        )
        return await _survey_payload(info, survey, errors)

    @strawberry.mutation(
        description="Link a 座谈/协商 meeting to a decision with its materials record (决策方案"
        "及起草说明, when, to the invited participants); refused when they were sent later "
        "than 3 working days before it starts (MATERIALS_TOO_LATE, seed 002 第七条)."
    )
    async def link_decision_session(
        self,
        info: Info,
        input: Annotated[LinkDecisionSessionInput, strawberry.argument(description="The input.")],
    ) -> DecisionSessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: sessions.link_session(
                s,
                p,
                decision_id=decode_id(
                    input.decision_id, "Decision", field="decisionId", code=Code.NOT_FOUND
                ),
                meeting_id=decode_id(
                    input.meeting_id, "Meeting", field="meetingId", code=Code.MEETING_NOT_FOUND
                ),
                explanation=input.explanation,
                materials_sent_at=input.materials_sent_at,
                version_id=decode_id(
                    input.version_id, "DecisionVersion", field="versionId", code=Code.NOT_FOUND
                )
                if input.version_id is not None
                else None,
            ),
        )
        return DecisionSessionPayload(
            session=DecisionSession.from_model(row, staff=True) if row else None,
            errors=_errors(errors),
        )
