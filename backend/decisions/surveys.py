"""Public opinion surveys (民意调查) on a decision, seed 002 第五条 and 第八条.

"文化教育、医疗卫生、资源开发、环境保护、公用事业等重大民生决策事项，实行民意调查制度"
(第五条); "民意调查应当形成书面报告，连同决策草案一并提交县人民政府审议。民意调查报告以及
民意调查报告的采纳情况，应当在重大决策公布前……予以公开" (第八条).

- The lead unit drafts a questionnaire (`create_survey`, `update_survey`: title, intro,
  ordered questions — single choice, multiple choice with an optional maximum, a 1–5
  scale, free text — each optionally required), editable only while DRAFT.
- `publish_survey` opens it for a period (days in the county's time, both counted), only
  while the decision is not decided; `close_survey` ends it early.
- `answer_survey`: members of the county answer once each; the client's idempotency key
  makes a retry harmless, and answering again replaces the earlier answers (`revision`
  counts the changes). Anonymous answers only where the questionnaire allows them (one per
  key; the schema rate-limits them per address as case intake is). Every answer is checked
  against its question: each refusal names `answers.<i>` (a missing required question: its
  index in the questionnaire) and the reason, and nothing is written.
- `submit_survey_report`: the written report (书面报告: 调查结论 and 采纳情况), after the
  survey ended. The gate before 集体讨论决定 refuses while a published survey has none
  (`SURVEY_REPORT_MISSING`, 第八条); the participation report carries each survey.

Who answered what is kept apart from every reading: results are counts (per option, the
scale's distribution and mean, respondents), free text is read by the lead unit without
names, and no event is appended for an answer (the stream says that a survey opened,
closed or was reported, never who answered or when).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, DomainErrors
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import (
    DecisionEvent,
    SurveyClosed,
    SurveyDrafted,
    SurveyOpened,
    SurveyReported,
)
from backend.decisions.models import (
    Decision,
    QuestionKind,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    SurveyState,
)
from backend.decisions.stream import append_event, now, today

RULE_SOURCE = "《（县）重大行政决策公众参与制度》第八条"
TITLE_MAX = 200
INTRO_MAX = 5000
PROMPT_MAX = 500
OPTION_MAX = 100
MAX_QUESTIONS = 50
MAX_OPTIONS = 20
TEXT_ANSWER_MAX = 1000
KEY_MAX = 80
SCALE = range(1, 6)
REPORT_MAX = 10000
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    kind: QuestionKind
    prompt: str
    options: tuple[str, ...] = ()
    max_choices: int | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class AnswerDraft:
    """One answer: `choices` (option numbers from 0) for a choice question, `scale` (1–5)
    or `text`."""

    question_id: int
    choices: tuple[int, ...] | None = None
    scale: int | None = None
    text: str | None = None


# -- loading --------------------------------------------------------------------------------


async def get_survey(session: AsyncSession, survey_id: int, *, lock: bool = False) -> Survey:
    query = select(Survey).where(Survey.id == survey_id)
    if lock:
        query = query.with_for_update()
    survey = await session.scalar(query)
    if survey is None:
        raise DomainError(Code.NOT_FOUND, "民意调查不存在", field="surveyId")
    return survey


async def questions_of(session: AsyncSession, survey_id: int) -> list[SurveyQuestion]:
    return list(
        (
            await session.scalars(
                select(SurveyQuestion)
                .where(SurveyQuestion.survey_id == survey_id)
                .order_by(SurveyQuestion.position)
            )
        ).all()
    )


def accepting(survey: Survey, day: date | None = None) -> bool:
    """Whether answers are taken now: published, not closed, within its days."""
    day = day or today()
    return (
        survey.state is SurveyState.OPEN
        and survey.opens_on is not None
        and survey.closes_on is not None
        and survey.opens_on <= day <= survey.closes_on
    )


def ended(survey: Survey, day: date | None = None) -> bool:
    """Published and over: closed, or past its closing day."""
    day = day or today()
    if survey.state is SurveyState.CLOSED:
        return True
    return (
        survey.state is SurveyState.OPEN and survey.closes_on is not None and day > survey.closes_on
    )


# -- the questionnaire ----------------------------------------------------------------------


def _questions(drafts: list[QuestionDraft]) -> list[QuestionDraft]:
    """The questions cleaned, or every problem at once (fields `questions.<i>.<what>`)."""
    if not drafts:
        raise DomainError(Code.INVALID, "问卷至少需要一个问题", field="questions")
    if len(drafts) > MAX_QUESTIONS:
        raise DomainError(Code.INVALID, f"问卷最多{MAX_QUESTIONS}个问题", field="questions")
    problems: list[DomainError] = []
    out: list[QuestionDraft] = []
    for i, q in enumerate(drafts):
        at = f"questions.{i}"
        try:
            prompt = clean_text(
                q.prompt, field=f"{at}.prompt", code=Code.INVALID, label="问题", max_length=500
            )
        except DomainError as error:
            problems.append(error)
            continue
        options: list[str] = []
        if q.kind in CHOICE_KINDS:
            if not 2 <= len(q.options) <= MAX_OPTIONS:
                problems.append(
                    DomainError(
                        Code.INVALID,
                        f"第{i + 1}题为选择题，须有2至{MAX_OPTIONS}个选项",
                        field=f"{at}.options",
                    )
                )
                continue
            for j, option in enumerate(q.options):
                try:
                    options.append(
                        clean_text(
                            option,
                            field=f"{at}.options.{j}",
                            code=Code.INVALID,
                            label=f"第{i + 1}题的选项",
                            max_length=OPTION_MAX,
                        )
                    )
                except DomainError as error:
                    problems.append(error)
            if len(set(options)) != len(options):
                problems.append(
                    DomainError(Code.INVALID, f"第{i + 1}题的选项重复", field=f"{at}.options")
                )
        elif q.options:
            problems.append(
                DomainError(
                    Code.INVALID, f"第{i + 1}题不是选择题，不能设选项", field=f"{at}.options"
                )
            )
        if q.max_choices is not None and (
            q.kind is not QuestionKind.MULTIPLE_CHOICE or not 1 <= q.max_choices <= len(options)
        ):
            problems.append(
                DomainError(
                    Code.INVALID,
                    f"第{i + 1}题：最多可选项数只用于多选题，且应在1至选项数之间",
                    field=f"{at}.maxChoices",
                )
            )
        out.append(QuestionDraft(q.kind, prompt, tuple(options), q.max_choices, q.required))
    if problems:
        raise DomainErrors(problems)
    return out


def _texts(title: str, intro: str | None) -> tuple[str, str | None]:
    return (
        clean_text(title, field="title", code=Code.INVALID, label="问卷标题", max_length=TITLE_MAX),
        clean_text(
            intro,
            field="intro",
            code=Code.INVALID,
            label="问卷说明",
            max_length=INTRO_MAX,
            required=False,
        ),
    )


async def _put_questions(
    session: AsyncSession, survey: Survey, questions: list[QuestionDraft]
) -> None:
    await session.execute(delete(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id))
    for position, q in enumerate(questions, start=1):
        session.add(
            SurveyQuestion(
                tenant_id=survey.tenant_id,
                survey_id=survey.id,
                position=position,
                kind=q.kind,
                prompt=q.prompt,
                options=list(q.options),
                max_choices=q.max_choices,
                required=q.required,
            )
        )
    await session.flush()


async def _drafted(
    session: AsyncSession, principal: Principal, decision: Decision, survey: Survey, n: int
) -> None:
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.SURVEY_DRAFTED,
        SurveyDrafted(
            surveyId=survey.id,
            title=survey.title,
            questions=n,
            allowAnonymous=survey.allow_anonymous,
        ),
    )


async def create_survey(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    title: str,
    intro: str | None,
    allow_anonymous: bool,
    questions: list[QuestionDraft],
) -> Survey:
    """A draft questionnaire of the decision (the lead unit; not once decided)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    name, about = _texts(title, intro)
    cleaned = _questions(questions)
    survey = Survey(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        title=name,
        intro=about,
        allow_anonymous=allow_anonymous,
        state=SurveyState.DRAFT,
        created_by=principal.user_id,
    )
    session.add(survey)
    await session.flush()
    await _put_questions(session, survey, cleaned)
    await _drafted(session, principal, decision, survey, len(cleaned))
    return survey


async def _runner_survey(
    session: AsyncSession, principal: Principal, survey_id: int
) -> tuple[Survey, Decision]:
    survey = await get_survey(session, survey_id, lock=True)
    decision = await get_decision(session, survey.decision_id, lock=True)
    await require_runner(session, principal, decision)
    return survey, decision


async def update_survey(
    session: AsyncSession,
    principal: Principal,
    *,
    survey_id: int,
    title: str,
    intro: str | None,
    allow_anonymous: bool,
    questions: list[QuestionDraft],
) -> Survey:
    """Replace a draft questionnaire's text and questions (only while DRAFT)."""
    survey, decision = await _runner_survey(session, principal, survey_id)
    require_not_decided(decision)
    if survey.state is not SurveyState.DRAFT:
        raise DomainError(Code.INVALID_STATE, "问卷已发布，不能再修改", field="surveyId")
    survey.title, survey.intro = _texts(title, intro)
    survey.allow_anonymous = allow_anonymous
    cleaned = _questions(questions)
    await _put_questions(session, survey, cleaned)
    await _drafted(session, principal, decision, survey, len(cleaned))
    return survey


async def publish_survey(
    session: AsyncSession,
    principal: Principal,
    *,
    survey_id: int,
    opens_on: date,
    closes_on: date,
) -> Survey:
    """Publish a draft for its period (opening today or later, both days counted)."""
    survey, decision = await _runner_survey(session, principal, survey_id)
    require_not_decided(decision)
    if survey.state is not SurveyState.DRAFT:
        raise DomainError(Code.INVALID_STATE, "问卷已经发布", field="surveyId")
    if opens_on < today():
        raise DomainError(Code.INVALID, "调查开始日期不能早于今天", field="opensOn")
    if closes_on < opens_on:
        raise DomainError(Code.INVALID, "调查截止日期不能早于开始日期", field="closesOn")
    n = len(await questions_of(session, survey.id))
    survey.state = SurveyState.OPEN
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.published_at = now()
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.SURVEY_OPENED,
        SurveyOpened(
            surveyId=survey.id,
            title=survey.title,
            opensOn=opens_on.isoformat(),
            closesOn=closes_on.isoformat(),
            questions=n,
            allowAnonymous=survey.allow_anonymous,
        ),
    )
    return survey


async def respondents(session: AsyncSession, survey_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.survey_id == survey_id)
        )
        or 0
    )


async def _close(
    session: AsyncSession, principal: Principal, decision: Decision, survey: Survey
) -> None:
    survey.state = SurveyState.CLOSED
    survey.closed_at = now()
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.SURVEY_CLOSED,
        SurveyClosed(surveyId=survey.id, respondents=await respondents(session, survey.id)),
    )


async def close_survey(session: AsyncSession, principal: Principal, *, survey_id: int) -> Survey:
    """End a published survey now (before or after its closing day)."""
    survey, decision = await _runner_survey(session, principal, survey_id)
    if survey.state is not SurveyState.OPEN:
        what = "尚未发布" if survey.state is SurveyState.DRAFT else "已经结束"
        raise DomainError(Code.INVALID_STATE, f"问卷{what}", field="surveyId")
    await _close(session, principal, decision, survey)
    return survey


async def submit_survey_report(
    session: AsyncSession,
    principal: Principal,
    *,
    survey_id: int,
    summary: str,
    adoption: str,
) -> Survey:
    """The written report (书面报告) of an ended survey: its conclusions and how they were
    adopted (采纳情况); a survey past its closing day is closed first. Once per survey."""
    survey, decision = await _runner_survey(session, principal, survey_id)
    require_not_decided(decision)
    if not ended(survey):
        what = "尚未发布" if survey.state is SurveyState.DRAFT else "尚未结束"
        raise DomainError(Code.INVALID_STATE, f"民意调查{what}，不能形成调查报告", field="surveyId")
    if survey.reported_at is not None:
        raise DomainError(Code.INVALID_STATE, "已形成民意调查报告", field="surveyId")
    text_summary = clean_text(
        summary, field="summary", code=Code.INVALID, label="调查报告", max_length=REPORT_MAX
    )
    text_adoption = clean_text(
        adoption, field="adoption", code=Code.INVALID, label="采纳情况", max_length=REPORT_MAX
    )
    if survey.state is SurveyState.OPEN:
        await _close(session, principal, decision, survey)
    survey.report_summary, survey.report_adoption = text_summary, text_adoption
    survey.reported_at, survey.reported_by = now(), principal.user_id
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.SURVEY_REPORTED,
        SurveyReported(
            surveyId=survey.id,
            respondents=await respondents(session, survey.id),
            summary=text_summary,
            adoption=text_adoption,
        ),
    )
    return survey


async def unreported(session: AsyncSession, decision_id: int) -> list[Survey]:
    """Published surveys of the decision without their written report (the gate)."""
    return list(
        (
            await session.scalars(
                select(Survey)
                .where(
                    Survey.decision_id == decision_id,
                    Survey.state != SurveyState.DRAFT,
                    Survey.reported_at.is_(None),
                )
                .order_by(Survey.id)
            )
        ).all()
    )


# -- answers --------------------------------------------------------------------------------


def check_answers(questions: list[SurveyQuestion], answers: list[AnswerDraft]) -> dict[str, Any]:
    """The answers as stored (`{"<question id>": value}`), or every problem at once, each
    naming `answers.<i>` and the reason."""
    by_id = {q.id: q for q in questions}
    problems: list[DomainError] = []
    stored: dict[str, Any] = {}
    seen: set[int] = set()

    def refuse(code: Code, message: str, i: int) -> None:
        problems.append(DomainError(code, message, field=f"answers.{i}"))

    for i, a in enumerate(answers):
        q = by_id.get(a.question_id)
        if q is None:
            refuse(Code.UNKNOWN_QUESTION, f"第{i + 1}个回答所对应的问题不在本问卷中", i)
            continue
        if q.id in seen:
            refuse(Code.INVALID, f"第{q.position}题重复作答", i)
            continue
        seen.add(q.id)
        label = f"第{q.position}题"
        given = [v is not None for v in (a.choices, a.scale, a.text)]
        if sum(given) > 1:
            refuse(Code.INVALID, f"{label}只能以一种方式作答", i)
            continue
        if q.kind in CHOICE_KINDS:
            if a.scale is not None or a.text is not None:
                refuse(Code.INVALID, f"{label}为选择题，请选择选项", i)
                continue
            choices = list(a.choices or ())
            if not choices:
                continue  # not answered
            if len(set(choices)) != len(choices):
                refuse(Code.INVALID, f"{label}的选项重复", i)
                continue
            if any(not 0 <= c < len(q.options) for c in choices):
                refuse(
                    Code.CHOICE_OUT_OF_RANGE,
                    f"{label}只有{len(q.options)}个选项（编号0至{len(q.options) - 1}）",
                    i,
                )
                continue
            limit = 1 if q.kind is QuestionKind.SINGLE_CHOICE else q.max_choices
            if limit is not None and len(choices) > limit:
                refuse(Code.TOO_MANY_CHOICES, f"{label}最多可选{limit}项", i)
                continue
            stored[str(q.id)] = sorted(choices)
        elif q.kind is QuestionKind.SCALE:
            if a.choices is not None or a.text is not None:
                refuse(Code.INVALID, f"{label}为1至5分的评分题", i)
                continue
            if a.scale is None:
                continue
            if a.scale not in SCALE:
                refuse(Code.SCALE_OUT_OF_RANGE, f"{label}的评分应为1至5分", i)
                continue
            stored[str(q.id)] = a.scale
        else:
            if a.choices is not None or a.scale is not None:
                refuse(Code.INVALID, f"{label}为文字题，请填写文字", i)
                continue
            body = (a.text or "").strip()
            if not body:
                continue
            if len(body) > TEXT_ANSWER_MAX:
                refuse(Code.TEXT_TOO_LONG, f"{label}的回答不能超过{TEXT_ANSWER_MAX}个字", i)
                continue
            if "\x00" in body:
                refuse(Code.INVALID, f"{label}的回答含有不能保存的字符", i)
                continue
            stored[str(q.id)] = body
    refused_at = {int(p.field.split(".")[1]) for p in problems if p.field}
    for index, q in enumerate(questions):
        if not q.required or str(q.id) in stored:
            continue
        given_at = _indexes(answers, q.id)
        if any(i in refused_at for i in given_at):
            continue  # already refused for what was given
        # an empty answer is named where it was given, a missing one by the question's index
        refuse(
            Code.ANSWER_REQUIRED, f"第{q.position}题为必答题", given_at[0] if given_at else index
        )
    if problems:
        raise DomainErrors(problems)
    if not stored:
        raise DomainError(Code.ANSWER_REQUIRED, "请至少回答一个问题", field="answers")
    return stored


def _indexes(answers: list[AnswerDraft], question_id: int) -> list[int]:
    return [i for i, a in enumerate(answers) if a.question_id == question_id]


@dataclass(frozen=True, slots=True)
class Answered:
    survey: Survey
    revision: int
    replaced: bool  # an earlier answer of this respondent was replaced


async def answer_survey(
    session: AsyncSession,
    principal: Principal,
    *,
    survey_id: int,
    idempotency_key: str,
    answers: list[AnswerDraft],
) -> Answered:
    """A respondent's answers: new, a harmless retry (same key, same answers), or a
    replacement of their earlier answers (recorded as a change: `revision` + 1)."""
    principal.require_tenant()
    survey = await get_survey(session, survey_id)
    if principal.user_id is None and not survey.allow_anonymous:
        principal.require_user()  # UNAUTHENTICATED: this questionnaire needs a signed-in member
    key = clean_text(
        idempotency_key,
        field="idempotencyKey",
        code=Code.INVALID,
        label="提交编号",
        max_length=KEY_MAX,
    )
    decision = await get_decision(session, survey.decision_id)
    require_not_decided(decision)
    if not accepting(survey):
        raise DomainError(Code.SURVEY_CLOSED, "当前不在民意调查期内", field="surveyId")
    stored = check_answers(await questions_of(session, survey.id), answers)
    # One writer per respondent (or anonymous key) at a time: a retry racing its original
    # waits for it and then finds it.
    who = str(principal.user_id) if principal.user_id is not None else f"key:{key}"
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('decision_survey_responses'), hashtext(:w))"),
        {"w": f"{survey.id}:{who}"},
    )
    by_key = await session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.idempotency_key == key
        )
    )
    mine: SurveyResponse | None
    if principal.user_id is not None:
        mine = await session.scalar(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id,
                SurveyResponse.respondent_user_id == principal.user_id,
            )
        )
        if by_key is not None and by_key is not mine:
            raise DomainError(
                Code.IDEMPOTENCY_CONFLICT, "提交编号已被另一份答卷使用", field="idempotencyKey"
            )
    else:
        mine = by_key
        if mine is not None and mine.respondent_user_id is not None:
            raise DomainError(
                Code.IDEMPOTENCY_CONFLICT, "提交编号已被另一份答卷使用", field="idempotencyKey"
            )
    if mine is None:
        session.add(
            SurveyResponse(
                tenant_id=survey.tenant_id,
                survey_id=survey.id,
                respondent_user_id=principal.user_id,
                idempotency_key=key,
                answers=stored,
            )
        )
        await session.flush()
        return Answered(survey, 1, replaced=False)
    if mine.idempotency_key == key and mine.answers == stored:
        return Answered(survey, mine.revision, replaced=False)  # a retry: nothing changes
    mine.answers = stored
    mine.idempotency_key = key
    mine.revision += 1
    mine.changed_at = now()
    await session.flush()
    return Answered(survey, mine.revision, replaced=True)


# -- results --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: SurveyQuestion
    answered: int  # respondents who answered it
    counts: list[int]  # per option (choice questions), per score 1–5 (scale), else []
    mean: float | None  # the scale's mean (2 decimals), else None


@dataclass(frozen=True, slots=True)
class SurveyResults:
    respondents: int
    questions: list[QuestionResult]


async def results(session: AsyncSession, survey: Survey) -> SurveyResults:
    """Counts only: no answer is read with who gave it."""
    questions = await questions_of(session, survey.id)
    rows = (
        await session.scalars(
            select(SurveyResponse.answers).where(SurveyResponse.survey_id == survey.id)
        )
    ).all()
    out: list[QuestionResult] = []
    for q in questions:
        key = str(q.id)
        given = [r[key] for r in rows if key in r]
        counts: list[int] = []
        mean: float | None = None
        if q.kind in CHOICE_KINDS:
            counts = [0] * len(q.options)
            for choices in given:
                for c in choices:
                    if 0 <= c < len(counts):
                        counts[c] += 1
        elif q.kind is QuestionKind.SCALE:
            counts = [sum(1 for v in given if v == s) for s in SCALE]
            mean = round(sum(given) / len(given), 2) if given else None
        out.append(QuestionResult(q, len(given), counts, mean))
    return SurveyResults(len(rows), out)


async def text_answers(
    session: AsyncSession,
    survey: Survey,
    question: SurveyQuestion,
    *,
    limit: int,
    after: int | None,
) -> list[tuple[int, str]]:
    """(response id, text) of a free-text question, oldest first; never who wrote it. The
    caller checks that the reader is the lead unit's."""
    key = str(question.id)
    query = (
        select(SurveyResponse.id, SurveyResponse.answers[key].astext)
        .where(SurveyResponse.survey_id == survey.id, SurveyResponse.answers.has_key(key))
        .order_by(SurveyResponse.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(SurveyResponse.id > after)
    return [(int(i), str(t)) for i, t in (await session.execute(query)).all()]


async def surveys_of(session: AsyncSession, decision_id: int, *, drafts: bool) -> list[Survey]:
    query = select(Survey).where(Survey.decision_id == decision_id).order_by(Survey.id)
    if not drafts:
        query = query.where(Survey.state != SurveyState.DRAFT)
    return list((await session.scalars(query)).all())


def result_content(survey: Survey, found: SurveyResults) -> dict[str, Any]:
    """A survey as the participation report and the record carry it (no free text)."""
    return {
        "id": survey.id,
        "title": survey.title,
        "intro": survey.intro,
        "allow_anonymous": survey.allow_anonymous,
        "opens_on": survey.opens_on.isoformat() if survey.opens_on else None,
        "closes_on": survey.closes_on.isoformat() if survey.closes_on else None,
        "respondents": found.respondents,
        "questions": [
            {
                "position": r.question.position,
                "kind": r.question.kind.value,
                "prompt": r.question.prompt,
                "options": list(r.question.options),
                "max_choices": r.question.max_choices,
                "required": r.question.required,
                "answered": r.answered,
                "counts": r.counts,
                "mean": r.mean,
            }
            for r in found.questions
        ],
        "report": {
            "summary": survey.report_summary,
            "adoption": survey.report_adoption,
        }
        if survey.reported_at is not None
        else None,
        "rule": RULE_SOURCE,
    }
