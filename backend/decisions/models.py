"""Major administrative decisions (重大行政决策事项), DESIGN §4 and seeds 002 and 004.

A decision has a lead unit (承办单位) and co-units, a draft in numbered versions (each
split into numbered paragraphs or articles, 第一条…; a version may carry several
alternatives, 方案), the five steps (五步走: 公众参与, 专家论证, 风险评估, 合法性审查,
集体讨论决定) with their documents, responsible people and completion, public comment
periods (征求意见), opinions (意见) from every channel each answered one by one, and the
participation report (意见收集和采纳情况). No ORM relationships: loaders and services read.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column


class DecisionStep(enum.Enum):
    """The five steps (五步走, seed 004), in order."""

    PUBLIC_PARTICIPATION = "PUBLIC_PARTICIPATION"  # 公众参与
    EXPERT_REVIEW = "EXPERT_REVIEW"  # 专家论证
    RISK_ASSESSMENT = "RISK_ASSESSMENT"  # 风险评估
    LEGALITY_REVIEW = "LEGALITY_REVIEW"  # 合法性审查
    COLLECTIVE_DECISION = "COLLECTIVE_DECISION"  # 集体讨论决定


STEP_ORDER: tuple[DecisionStep, ...] = tuple(DecisionStep)
STEP_LABELS: dict[DecisionStep, str] = {
    DecisionStep.PUBLIC_PARTICIPATION: "公众参与",
    DecisionStep.EXPERT_REVIEW: "专家论证",
    DecisionStep.RISK_ASSESSMENT: "风险评估",
    DecisionStep.LEGALITY_REVIEW: "合法性审查",
    DecisionStep.COLLECTIVE_DECISION: "集体讨论决定",
}


class DecisionState(enum.Enum):
    DRAFTING = "DRAFTING"  # 起草中 (no step started)
    IN_PROGRESS = "IN_PROGRESS"  # 五步走进行中
    DECIDED = "DECIDED"  # 已集体讨论决定


class OpinionChannel(enum.Enum):
    ONLINE = "ONLINE"  # 网上征求意见 (a comment on the draft or a paragraph)
    MEETING = "MEETING"  # 座谈会/协商会/听证会/云视频 (a linked meeting's comment)
    WRITTEN = "WRITTEN"  # 书面意见 (letters, e-mail, forms)
    UNIT_CONSULTATION = "UNIT_CONSULTATION"  # 书面征询 of units


class AnchorState(enum.Enum):
    WHOLE = "WHOLE"  # on the draft as a whole
    ANCHORED = "ANCHORED"  # on a paragraph of the version it was written on
    CARRIED = "CARRIED"  # carried to the matching paragraph of a newer version
    REMOVED = "REMOVED"  # its paragraph was removed in a newer version


class OpinionOutcome(enum.Enum):
    ADOPTED = "ADOPTED"  # 采纳
    PARTLY_ADOPTED = "PARTLY_ADOPTED"  # 部分采纳
    NOT_ADOPTED = "NOT_ADOPTED"  # 不予采纳


class Decision(TenantOwned, Timestamped, Base):
    """One major administrative decision (重大行政决策事项)."""

    __tablename__ = "decisions"

    id: Mapped[int] = id_column()
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    lead_unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    co_unit_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger), server_default=text("'{}'"))
    compare_alternatives: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[DecisionState] = mapped_column(enum_column(DecisionState))
    current_step: Mapped[DecisionStep | None] = mapped_column(enum_column(DecisionStep))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sealed_hash: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # After the decision (决策后): publication, 政策解读 due on the county calendar.
    published_on: Mapped[date | None] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(100))  # 文号
    interpretation_due_on: Mapped[date | None] = mapped_column(Date)
    interpretation_due_provisional: Mapped[bool] = mapped_column(
        Boolean, server_default=text("false")
    )
    interpreted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DecisionVersion(TenantOwned, Timestamped, Base):
    """A version of the draft (征求意见稿, 修改稿…), numbered 1, 2, … per decision."""

    __tablename__ = "decision_versions"
    __table_args__ = (UniqueConstraint("decision_id", "number"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    alternatives: Mapped[list[str]] = mapped_column(ARRAY(String(50)), server_default=text("'{}'"))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class DecisionParagraph(TenantOwned, Base):
    """A numbered paragraph or article (第一条…) of a version, in one alternative (方案)
    or in the common text (`alternative` empty)."""

    __tablename__ = "decision_paragraphs"
    __table_args__ = (UniqueConstraint("version_id", "alternative", "position"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    version_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("decision_versions.id"), index=True
    )
    alternative: Mapped[str] = mapped_column(String(50), server_default=text("''"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)


class DecisionStepRow(TenantOwned, Base):
    """One of the five steps of a decision: when it started and was completed, who is
    responsible (负责人)."""

    __tablename__ = "decision_steps"
    __table_args__ = (UniqueConstraint("decision_id", "step"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    step: Mapped[DecisionStep] = mapped_column(enum_column(DecisionStep))
    responsible_user_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'")
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class DecisionDocument(TenantOwned, Timestamped, Base):
    """A document of a step (论证意见, 风险评估报告, 合法性审查意见…): name, SHA-256 and
    where it is stored (`storage`: `db:` for a small upload kept in `content`)."""

    __tablename__ = "decision_documents"

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    step: Mapped[DecisionStep] = mapped_column(enum_column(DecisionStep))
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    storage: Mapped[str] = mapped_column(String(500))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    added_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class CommentPeriod(TenantOwned, Timestamped, Base):
    """A published public comment period (公开征求意见) on one version: the publication
    record lists name, draft, basis, reasons, how to comment and the dates."""

    __tablename__ = "decision_comment_periods"

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    version_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decision_versions.id"))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)  # 制定依据
    reasons: Mapped[str] = mapped_column(Text)  # 起草说明/理由
    how_to_comment: Mapped[str] = mapped_column(Text)  # 意见提交方式
    shortening_reason: Mapped[str | None] = mapped_column(Text)  # 缩短期限的说明
    rule_cited: Mapped[str] = mapped_column(Text)
    published_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class Opinion(TenantOwned, Timestamped, Base):
    """An opinion (意见) from any channel, answered one by one by the lead unit.

    `paragraph_id` is the paragraph it was written on; `current_paragraph_id` where it
    sits in the newest version (`anchor_state` says whether it was carried or its
    paragraph removed)."""

    __tablename__ = "decision_opinions"
    __table_args__ = (
        Index(
            "uq_decision_opinions_meeting_comment_id",
            "meeting_comment_id",
            unique=True,
            postgresql_where=text("meeting_comment_id IS NOT NULL"),
        ),
        Index("ix_decision_opinions_current_paragraph_id", "current_paragraph_id"),
    )

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    channel: Mapped[OpinionChannel] = mapped_column(enum_column(OpinionChannel))
    category: Mapped[str | None] = mapped_column(String(50))
    body: Mapped[str] = mapped_column(Text)
    author_user_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id"), index=True
    )
    author_label: Mapped[str | None] = mapped_column(String(100))
    source_unit_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    meeting_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("meetings.id"))
    meeting_comment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("meeting_comments.id")
    )
    version_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("decision_versions.id"))
    paragraph_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("decision_paragraphs.id")
    )
    current_paragraph_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("decision_paragraphs.id")
    )
    anchor_state: Mapped[AnchorState] = mapped_column(enum_column(AnchorState))
    outcome: Mapped[OpinionOutcome | None] = mapped_column(enum_column(OpinionOutcome))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class ParticipationReport(TenantOwned, Timestamped, Base):
    """The participation report (意见收集和采纳情况) generated from the data: `content` is
    the JSON of the report, `sha256` of its RFC 8785 encoding (appended to the chain)."""

    __tablename__ = "decision_reports"

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    sha256: Mapped[str] = mapped_column(String(64))
    opinions: Mapped[int] = mapped_column(Integer)
    generated_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class Interpretation(TenantOwned, Timestamped, Base):
    """A 政策解读 by the drafting (lead) unit: "谁起草、谁解读"."""

    __tablename__ = "decision_interpretations"

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    submitted_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class Rating(enum.Enum):
    """A 群众评议表 answer on a three-point scale."""

    GOOD = "GOOD"  # 好 / 满意 / 可操作 / 合理
    FAIR = "FAIR"  # 一般 / 基本满意
    POOR = "POOR"  # 差 / 不满意 / 难操作 / 不合理


def _rating_column(name: str) -> Any:
    """A Rating column with its own CHECK constraint name (four in one table)."""
    return Enum(
        Rating,
        native_enum=False,
        length=32,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        name=f"rating_{name}",
    )


class Evaluation(TenantOwned, Timestamped, Base):
    """One person's 群众评议表 (seed 000 三（五）3): 实施效果, 满意度, 可操作性, 合理性,
    存在的不足, 存在风险, 改进建议. One per person and decision."""

    __tablename__ = "decision_evaluations"
    __table_args__ = (UniqueConstraint("decision_id", "author_user_id"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    author_user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    effect: Mapped[Rating] = mapped_column(_rating_column("effect"))
    satisfaction: Mapped[Rating] = mapped_column(_rating_column("satisfaction"))
    operability: Mapped[Rating] = mapped_column(_rating_column("operability"))
    reasonableness: Mapped[Rating] = mapped_column(_rating_column("reasonableness"))
    shortcomings: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    suggestions: Mapped[str | None] = mapped_column(Text)


class PostEvaluation(TenantOwned, Timestamped, Base):
    """A 后评估 opened for a decision, a task of its lead unit: automatically when the
    county's dissatisfaction threshold is crossed (rulebook)."""

    __tablename__ = "decision_post_evaluations"
    __table_args__ = (UniqueConstraint("decision_id"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"))
    unit_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("org_units.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    evaluations: Mapped[int] = mapped_column(Integer)
    dissatisfied: Mapped[int] = mapped_column(Integer)


class SurveyState(enum.Enum):
    """A questionnaire (民意调查问卷) of a decision: drafted, published for a period, closed."""

    DRAFT = "DRAFT"  # 草稿: the lead unit edits it
    OPEN = "OPEN"  # 已发布: answered between its opening and closing days
    CLOSED = "CLOSED"  # 已结束: closed early or after its period, then reported


class QuestionKind(enum.Enum):
    SINGLE_CHOICE = "SINGLE_CHOICE"  # 单选
    MULTIPLE_CHOICE = "MULTIPLE_CHOICE"  # 多选 (at most `max_choices`, if set)
    SCALE = "SCALE"  # 1–5 分量表
    TEXT = "TEXT"  # 文字


class Survey(TenantOwned, Timestamped, Base):
    """A public opinion survey (民意调查, seed 002 第五条、第八条) on a decision: its
    questionnaire, its period and its written report (书面报告: summary and how it was
    adopted, 采纳情况)."""

    __tablename__ = "decision_surveys"

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str | None] = mapped_column(Text)
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    state: Mapped[SurveyState] = mapped_column(enum_column(SurveyState))
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    report_summary: Mapped[str | None] = mapped_column(Text)  # 调查结论
    report_adoption: Mapped[str | None] = mapped_column(Text)  # 采纳情况
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reported_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))


class SurveyQuestion(TenantOwned, Base):
    """One question of a questionnaire, in order (`position` from 1)."""

    __tablename__ = "decision_survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = id_column()
    survey_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("decision_surveys.id"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    prompt: Mapped[str] = mapped_column(String(500))
    options: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    max_choices: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class SurveyResponse(TenantOwned, Timestamped, Base):
    """One respondent's answers (答卷): one per person (or per anonymous idempotency key);
    answering again replaces it (`revision` counts the changes). Read only as counts, and
    the free text by the lead unit, never with who gave it."""

    __tablename__ = "decision_survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "idempotency_key"),
        Index(
            "uq_decision_survey_responses_respondent",
            "survey_id",
            "respondent_user_id",
            unique=True,
            postgresql_where=text("respondent_user_id IS NOT NULL"),
        ),
        Index("ix_decision_survey_responses_respondent_user_id", "respondent_user_id"),
    )

    id: Mapped[int] = id_column()
    survey_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("decision_surveys.id"), index=True
    )
    respondent_user_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    # {"<question id>": [option indexes] | scale 1–5 | "text"}
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    revision: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DecisionSession(TenantOwned, Timestamped, Base):
    """A meeting linked to a decision as a 座谈/协商 session (seed 002 第七条), with the
    record of its materials: the draft version and the drafting explanation (决策方案及起草
    说明) sent to the invited participants, when, and to whom."""

    __tablename__ = "decision_sessions"
    __table_args__ = (UniqueConstraint("decision_id", "meeting_id"),)

    id: Mapped[int] = id_column()
    decision_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decisions.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("meetings.id"), index=True)
    version_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("decision_versions.id"))
    explanation: Mapped[str] = mapped_column(Text)  # 起草说明
    materials_sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # [{"userId": …, "role": "DEPUTY" | "EXPERT" | …}]: the meeting's invited participants
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    rule_cited: Mapped[str] = mapped_column(Text)
    linked_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
