"""Every event type of a decision's stream (`decision:<id>`) and of a person's answers
stream (`opinionanswers:<user id>`), with their payloads.

No payload carries a person's name or phone number; people appear as ids where the view
decides (`authorId` is for the lead unit's staff and for the person only). Dates are
`YYYY-MM-DD`. To add a type: a `Logged` member, its public view in
`visibility.PUBLIC`, and `tests/test_decisions_*.py` must append it.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape
from realtime.log import SEALED_TYPE


@shape
class DecisionCreated(TypedDict):
    id: int
    title: str
    leadUnitId: int
    coUnitIds: list[int]
    compareAlternatives: bool
    state: str


@shape
class VersionAdded(TypedDict):
    versionId: int
    number: int
    paragraphs: int
    alternatives: list[str]
    carried: int  # opinions carried to a matching paragraph of this version
    removed: int  # opinions whose paragraph this version removed


@shape
class StepChanged(TypedDict):
    step: str
    state: str  # STARTED or COMPLETED


@shape
class StepPeopleSet(TypedDict):
    step: str
    userIds: list[int]


@shape
class DocumentAdded(TypedDict):
    documentId: int
    step: str
    name: str
    sha256: str
    size: int | None


@shape
class CommentPeriodPublished(TypedDict):
    periodId: int
    versionId: int
    opensOn: str
    closesOn: str
    days: int
    basis: str
    reasons: str
    howToComment: str
    shorteningReason: str | None
    rule: str


@shape
class OpinionReceived(TypedDict):
    opinionId: int
    channel: str
    category: str | None
    versionId: int | None
    paragraphId: int | None
    authorId: int | None
    body: str


@shape
class OpinionAnswered(TypedDict):
    opinionId: int
    outcome: str
    reason: str | None
    authorId: int | None


@shape
class ReportGenerated(TypedDict):
    reportId: int
    sha256: str
    opinions: int
    byChannel: dict[str, int]


@shape
class DecisionDecided(TypedDict):
    state: str
    decidedAt: str


@shape
class DecisionRecordSealed(TypedDict):
    events: int
    content: dict[str, Any]


@shape
class AnswerToPerson(TypedDict):
    decisionId: int
    title: str
    opinionId: int
    outcome: str
    reason: str | None


@shape
class DecisionPublished(TypedDict):
    publishedOn: str
    documentNumber: str | None
    interpretationDueOn: str
    interpretationDueProvisional: bool


@shape
class InterpretationSubmitted(TypedDict):
    interpretationId: int
    unitId: int
    title: str
    late: bool


@shape
class InterpretationDueChanged(TypedDict):
    interpretationDueOn: str
    interpretationDueProvisional: bool


@shape
class EvaluationSubmitted(TypedDict):
    evaluationId: int
    authorId: int
    effect: str
    satisfaction: str
    operability: str
    reasonableness: str
    evaluations: int
    dissatisfied: int


@shape
class PostEvaluationOpened(TypedDict):
    postEvaluationId: int
    unitId: int
    reason: str
    evaluations: int
    dissatisfied: int
    rule: str


@shape
class SurveyDrafted(TypedDict):
    surveyId: int
    title: str
    questions: int
    allowAnonymous: bool


@shape
class SurveyOpened(TypedDict):
    surveyId: int
    title: str
    opensOn: str
    closesOn: str
    questions: int
    allowAnonymous: bool


@shape
class SurveyClosed(TypedDict):
    surveyId: int
    respondents: int


@shape
class SurveyReported(TypedDict):
    surveyId: int
    respondents: int
    summary: str
    adoption: str


@shape
class SessionLinked(TypedDict):
    sessionId: int
    meetingId: int
    meetingKind: str
    startsAt: str
    versionId: int
    materialsSentAt: str
    recipientIds: list[int]  # the invited participants (staff view only)
    recipients: int
    rule: str


@shape
class OpinionMapConcludedOnDecision(TypedDict):
    """The final opinion map (意见地图, backend.opinion_map) of a comment period of the
    decision: groups, consensus and divisive statements, counts; never who voted what."""

    mapId: int
    periodId: int
    topic: str
    result: dict[str, Any]


class DecisionEvent(EventNames):
    """The types of a decision's stream (`noun.pastTense`): name, payload, label."""

    DECISION_CREATED = Logged("decision.created", DecisionCreated, "决策事项立项")
    VERSION_ADDED = Logged("decision.versionAdded", VersionAdded, "草案新版本")
    STEP_STARTED = Logged("decision.stepStarted", StepChanged, "步骤开始")
    STEP_COMPLETED = Logged("decision.stepCompleted", StepChanged, "步骤完成")
    STEP_PEOPLE_SET = Logged("decision.stepPeopleSet", StepPeopleSet, "步骤负责人")
    DOCUMENT_ADDED = Logged("decision.documentAdded", DocumentAdded, "步骤材料")
    COMMENT_PERIOD_PUBLISHED = Logged(
        "decision.commentPeriodPublished", CommentPeriodPublished, "公开征求意见"
    )
    OPINION_RECEIVED = Logged("opinion.received", OpinionReceived, "收到意见")
    OPINION_ANSWERED = Logged("opinion.answered", OpinionAnswered, "意见答复")
    REPORT_GENERATED = Logged("decision.reportGenerated", ReportGenerated, "意见收集和采纳情况")
    DECISION_DECIDED = Logged("decision.decided", DecisionDecided, "集体讨论决定")
    SURVEY_DRAFTED = Logged("survey.drafted", SurveyDrafted, "民意调查问卷草稿")
    SURVEY_OPENED = Logged("survey.opened", SurveyOpened, "民意调查开始")
    SURVEY_CLOSED = Logged("survey.closed", SurveyClosed, "民意调查结束")
    SURVEY_REPORTED = Logged("survey.reported", SurveyReported, "民意调查报告")
    SESSION_LINKED = Logged("decision.sessionLinked", SessionLinked, "座谈协商会及材料送达")
    OPINION_MAP_CONCLUDED = Logged(
        "opinionMap.concluded", OpinionMapConcludedOnDecision, "意见地图结果"
    )
    RECORD_SEALED = Logged(SEALED_TYPE, DecisionRecordSealed, "封存记录")


DECISION_EVENTS = EventTypes("decision", DecisionEvent)


class AnswerEvent(EventNames):
    """A person's answers stream (`opinionanswers:<user id>`): what they are told."""

    OPINION_ANSWERED = Logged("opinion.answeredToYou", AnswerToPerson, "您的意见已答复")


ANSWER_EVENTS = EventTypes("opinionanswers", AnswerEvent)


class ReviewEvent(EventNames):
    """The types of a decision's review stream (`decisionreview:<id>`): what happens after
    the decision, once its record may be sealed — publication, 政策解读, the 群众评议表 and
    the 后评估 they may open."""

    DECISION_PUBLISHED = Logged("decision.published", DecisionPublished, "决策公布")
    INTERPRETATION_SUBMITTED = Logged(
        "interpretation.submitted", InterpretationSubmitted, "政策解读"
    )
    INTERPRETATION_DUE_CHANGED = Logged(
        "interpretation.dueChanged", InterpretationDueChanged, "解读期限变更"
    )
    EVALUATION_SUBMITTED = Logged("evaluation.submitted", EvaluationSubmitted, "群众评议")
    POST_EVALUATION_OPENED = Logged("postEvaluation.opened", PostEvaluationOpened, "启动实施后评估")


REVIEW_EVENTS = EventTypes("decisionreview", ReviewEvent)
