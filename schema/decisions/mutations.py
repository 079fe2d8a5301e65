"""Mutations of major administrative decisions, one per workflow step of
`backend.decisions` (drafts, steps, consultation, answers, report, record)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.limits import Action
from backend.decisions import aftermath, answers, consultation, drafts, record, report, steps
from backend.decisions.errors import DecisionErrorCode as Code
from schema.context import Info
from schema.decisions.types import (
    CommentPeriod,
    Decision,
    DecisionDocument,
    DecisionError,
    DecisionErrorCode,
    DecisionStep,
    DecisionVersion,
    Opinion,
    OpinionChannel,
    OpinionOutcome,
    ParticipationReport,
    Rating,
    decision_node,
)
from schema.mutations import mutate, user_errors
from schema.relay import decode_id, to_global_id


def _errors(errors: list[DomainError]) -> list[DecisionError]:
    return user_errors(errors, DecisionError, DecisionErrorCode)


def _id(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def _unit(value: relay.GlobalID, field: str) -> int:
    return decode_id(value, "OrgUnit", field=field, code=Code.UNKNOWN_UNIT)


async def _node(info: Info, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    info.context.fresh_loaders()
    return await decision_node(info, decision_id)


_DECISION = Annotated[relay.GlobalID, strawberry.argument(description="The decision.")]
_STEP = Annotated[DecisionStep, strawberry.argument(description="The step.")]


@strawberry.type(description="Result of a decision action.")
class DecisionPayload:
    decision: Decision | None = strawberry.field(description="The decision after the change.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of adding a version of the draft.")
class DecisionVersionPayload:
    version: DecisionVersion | None = strawberry.field(description="The new version.")
    decision: Decision | None = strawberry.field(description="The decision after the change.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of adding a step's document.")
class DecisionDocumentPayload:
    document: DecisionDocument | None = strawberry.field(description="The document.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of publishing a comment period.")
class CommentPeriodPayload:
    period: CommentPeriod | None = strawberry.field(description="The published period.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of giving, recording or answering an opinion.")
class OpinionPayload:
    opinion: Opinion | None = strawberry.field(description="The opinion after the change.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of importing a meeting's comments as opinions.")
class ImportOpinionsPayload:
    imported: int = strawberry.field(description="Opinions added (0 when nothing was new).")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of generating the participation report.")
class ParticipationReportPayload:
    report: ParticipationReport | None = strawberry.field(description="The report.")
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="A new decision project (立项).")
class CreateDecisionInput:
    title: str = strawberry.field(description="Its name (≤ 200).")
    lead_unit_id: relay.GlobalID = strawberry.field(description="The lead unit (承办单位).")
    co_unit_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Co-units (协办单位)."
    )
    summary: str | None = strawberry.field(default=None, description="Description (≤ 5000).")
    compare_alternatives: bool = strawberry.field(
        default=False, description="Whether alternatives (方案) are compared."
    )


@strawberry.input(description="An alternative (方案) of a version.")
class AlternativeInput:
    label: str = strawberry.field(description="Its name, e.g. 方案一 (≤ 50).")
    text: str = strawberry.field(description="Its text, split like the draft.")


@strawberry.input(description="A new version of the draft.")
class AddDecisionVersionInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    text: str | None = strawberry.field(
        default=None,
        description="The common text: articles (第一条…) or paragraphs separated by blank lines.",
    )
    alternatives: list[AlternativeInput] = strawberry.field(
        default_factory=list, description="Its alternatives (方案), when compared."
    )
    note: str | None = strawberry.field(default=None, description="What changed (≤ 2000).")


@strawberry.input(description="A document of a step: an upload, or a reference with its hash.")
class AddDecisionDocumentInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    step: DecisionStep = strawberry.field(description="The step.")
    name: str = strawberry.field(description="Its name (≤ 200).")
    content_base64: str | None = strawberry.field(
        default=None, description="The file, base64 (≤ 2 MiB)."
    )
    sha256: str | None = strawberry.field(
        default=None, description="For a reference: SHA-256 of the file, hex."
    )
    storage: str | None = strawberry.field(
        default=None, description="For a reference: where the file is kept."
    )


@strawberry.input(description="A public comment period and its publication record.")
class PublishCommentPeriodInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    opens_on: date = strawberry.field(description="First day (today or later).")
    closes_on: date = strawberry.field(description="Last day (inclusive).")
    basis: str = strawberry.field(description="制定依据.")
    reasons: str = strawberry.field(description="起草说明 / reasons.")
    how_to_comment: str = strawberry.field(description="How to comment.")
    shortening_reason: str | None = strawberry.field(
        default=None,
        description="Why the period is shorter than the county's rule (published with it).",
    )


@strawberry.input(description="An opinion entered by the lead unit (书面意见, 书面征询).")
class RecordOpinionInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    channel: OpinionChannel = strawberry.field(description="WRITTEN or UNIT_CONSULTATION.")
    body: str = strawberry.field(description="What was said (≤ 5000).")
    category: str | None = strawberry.field(default=None, description="Its category (≤ 50).")
    author_label: str | None = strawberry.field(
        default=None, description="Who gave it, as written (≤ 100)."
    )
    author_user_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Their account, so they are told the answer."
    )
    source_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The unit consulted (required for UNIT_CONSULTATION)."
    )
    paragraph_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A paragraph of the newest version it is about."
    )


@strawberry.type(description="Result of a 群众评议表.")
class EvaluationPayload:
    evaluation_id: strawberry.ID | None = strawberry.field(description="The form received.")
    decision: Decision | None = strawberry.field(
        description="The decision after it (its summary, and a 后评估 it may have opened)."
    )
    errors: list[DecisionError] = strawberry.field(description="Why it was refused.")


@strawberry.input(description="A 群众评议表 (seed 000 三（五）3).")
class EvaluateDecisionInput:
    decision_id: relay.GlobalID = strawberry.field(description="The decision.")
    effect: Rating = strawberry.field(description="实施效果.")
    satisfaction: Rating = strawberry.field(description="满意度 (POOR: 不满意).")
    operability: Rating = strawberry.field(description="可操作性.")
    reasonableness: Rating = strawberry.field(description="合理性.")
    shortcomings: str | None = strawberry.field(default=None, description="存在的不足.")
    risks: str | None = strawberry.field(default=None, description="存在的风险.")
    suggestions: str | None = strawberry.field(default=None, description="改进建议.")


@strawberry.type
class DecisionMutations:
    @strawberry.mutation(description="Create a decision project with its five steps.")
    async def create_decision(
        self,
        info: Info,
        input: Annotated[CreateDecisionInput, strawberry.argument(description="The input.")],
    ) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: drafts.create_decision(
                s,
                p,
                title=input.title,
                lead_unit_id=_unit(input.lead_unit_id, "leadUnitId"),
                co_unit_ids=[_unit(u, "coUnitIds") for u in input.co_unit_ids],
                summary=input.summary,
                compare_alternatives=input.compare_alternatives,
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Add a version of the draft; opinions on the previous version's "
        "paragraphs are carried to the matching paragraphs (or marked REMOVED)."
    )
    async def add_decision_version(
        self,
        info: Info,
        input: Annotated[AddDecisionVersionInput, strawberry.argument(description="The input.")],
    ) -> DecisionVersionPayload:
        from backend.decisions import reads

        version, errors = await mutate(
            info,
            lambda s, p: drafts.add_version(
                s,
                p,
                decision_id=_id(input.decision_id, "Decision", "decisionId"),
                text=input.text,
                alternatives=[drafts.AlternativeText(a.label, a.text) for a in input.alternatives],
                note=input.note,
            ),
        )
        if version is None:
            return DecisionVersionPayload(version=None, decision=None, errors=_errors(errors))
        all_versions = await info.context.read(lambda s: reads.versions(s, version.decision_id))
        return DecisionVersionPayload(
            version=next(
                DecisionVersion.from_read(r) for r in all_versions if r.version.id == version.id
            ),
            decision=await _node(info, version.decision_id),
            errors=[],
        )

    @strawberry.mutation(
        description="Start a step; steps go in order (STEP_SKIPPED), and 集体讨论决定 only "
        "through the gate: one error per missing item."
    )
    async def start_decision_step(
        self, info: Info, decision_id: _DECISION, step: _STEP
    ) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: steps.start_step(
                s, p, decision_id=_id(decision_id, "Decision", "decisionId"), step=step
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Complete a started step (documents and responsible people needed; "
        "公众参与 needs a current participation report; 集体讨论决定 records the decision)."
    )
    async def complete_decision_step(
        self,
        info: Info,
        decision_id: _DECISION,
        step: _STEP,
        note: Annotated[
            str | None, strawberry.argument(description="A completion note (≤ 2000).")
        ] = None,
    ) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: steps.complete_step(
                s, p, decision_id=_id(decision_id, "Decision", "decisionId"), step=step, note=note
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(description="Set the people responsible for a step (负责人).")
    async def set_decision_step_people(
        self,
        info: Info,
        decision_id: _DECISION,
        step: _STEP,
        user_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="People of the county.")
        ],
    ) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: steps.set_step_people(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                step=step,
                user_ids=[
                    decode_id(u, "User", field="userIds", code=Code.UNKNOWN_USER) for u in user_ids
                ],
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(description="Add a document to a step (an upload or a reference).")
    async def add_decision_document(
        self,
        info: Info,
        input: Annotated[AddDecisionDocumentInput, strawberry.argument(description="The input.")],
    ) -> DecisionDocumentPayload:
        document, errors = await mutate(
            info,
            lambda s, p: steps.add_document(
                s,
                p,
                decision_id=_id(input.decision_id, "Decision", "decisionId"),
                step=input.step,
                name=input.name,
                content_base64=input.content_base64,
                sha256=input.sha256,
                storage=input.storage,
            ),
        )
        return DecisionDocumentPayload(
            document=DecisionDocument.from_model(document) if document else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Publish a public comment period on the newest version; shorter than "
        "the county's rule only with a published reason (COMMENT_PERIOD_TOO_SHORT)."
    )
    async def publish_comment_period(
        self,
        info: Info,
        input: Annotated[PublishCommentPeriodInput, strawberry.argument(description="The input.")],
    ) -> CommentPeriodPayload:
        period, errors = await mutate(
            info,
            lambda s, p: consultation.publish_comment_period(
                s,
                p,
                decision_id=_id(input.decision_id, "Decision", "decisionId"),
                opens_on=input.opens_on,
                closes_on=input.closes_on,
                basis=input.basis,
                reasons=input.reasons,
                how_to_comment=input.how_to_comment,
                shortening_reason=input.shortening_reason,
            ),
        )
        return CommentPeriodPayload(
            period=CommentPeriod.from_model(period) if period else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Comment on the draft as a whole or on one paragraph of its newest "
        "version, during an open period (any member of the county)."
    )
    async def comment_on_decision(
        self,
        info: Info,
        decision_id: _DECISION,
        body: Annotated[str, strawberry.argument(description="The opinion (≤ 5000).")],
        paragraph_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The paragraph (null: the draft as a whole)."),
        ] = None,
        category: Annotated[
            str | None,
            strawberry.argument(description="The commenter's category, e.g. 利害关系人 (≤ 50)."),
        ] = None,
    ) -> OpinionPayload:
        opinion, errors = await mutate(
            info,
            lambda s, p: consultation.comment_on_draft(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                body=body,
                paragraph_id=_id(paragraph_id, "DecisionParagraph", "paragraphId")
                if paragraph_id is not None
                else None,
                category=category,
            ),
            limit=Action.DECISION_COMMENT,
        )
        return await _opinion_payload(info, opinion, errors, names_shown=True)

    @strawberry.mutation(description="Record a written opinion or a 书面征询 answer (lead unit).")
    async def record_decision_opinion(
        self,
        info: Info,
        input: Annotated[RecordOpinionInput, strawberry.argument(description="The input.")],
    ) -> OpinionPayload:
        opinion, errors = await mutate(
            info,
            lambda s, p: consultation.record_opinion(
                s,
                p,
                decision_id=_id(input.decision_id, "Decision", "decisionId"),
                channel=input.channel,
                body=input.body,
                category=input.category,
                author_label=input.author_label,
                author_user_id=decode_id(
                    input.author_user_id, "User", field="authorUserId", code=Code.UNKNOWN_USER
                )
                if input.author_user_id is not None
                else None,
                source_unit_id=_unit(input.source_unit_id, "sourceUnitId")
                if input.source_unit_id is not None
                else None,
                paragraph_id=_id(input.paragraph_id, "DecisionParagraph", "paragraphId")
                if input.paragraph_id is not None
                else None,
            ),
        )
        return await _opinion_payload(info, opinion, errors, names_shown=True)

    @strawberry.mutation(
        description="Bring a linked meeting's comments and questions in as opinions (once each)."
    )
    async def import_meeting_opinions(
        self,
        info: Info,
        decision_id: _DECISION,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        category: Annotated[
            str | None, strawberry.argument(description="Their category (≤ 50).")
        ] = None,
    ) -> ImportOpinionsPayload:
        made, errors = await mutate(
            info,
            lambda s, p: consultation.import_meeting_opinions(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                meeting_id=decode_id(
                    meeting_id, "Meeting", field="meetingId", code=Code.MEETING_NOT_FOUND
                ),
                category=category,
            ),
        )
        return ImportOpinionsPayload(imported=len(made or []), errors=_errors(errors))

    @strawberry.mutation(
        description="Answer an opinion (lead unit): adopted, partly or not adopted — the "
        "latter two with the reason (REASON_REQUIRED). The person is told."
    )
    async def answer_opinion(
        self,
        info: Info,
        opinion_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion.")],
        outcome: Annotated[OpinionOutcome, strawberry.argument(description="The answer.")],
        reason: Annotated[str | None, strawberry.argument(description="Why (≤ 5000).")] = None,
    ) -> OpinionPayload:
        opinion, errors = await mutate(
            info,
            lambda s, p: answers.answer_opinion(
                s,
                p,
                opinion_id=_id(opinion_id, "Opinion", "opinionId"),
                outcome=outcome,
                reason=reason,
            ),
        )
        return await _opinion_payload(info, opinion, errors, names_shown=True)

    @strawberry.mutation(
        description="Generate the participation report (意见收集和采纳情况) from the data; "
        "every opinion must be answered."
    )
    async def generate_participation_report(
        self, info: Info, decision_id: _DECISION
    ) -> ParticipationReportPayload:
        made, errors = await mutate(
            info,
            lambda s, p: report.generate_report(
                s, p, decision_id=_id(decision_id, "Decision", "decisionId")
            ),
        )
        return ParticipationReportPayload(
            report=ParticipationReport.from_model(made) if made else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Seal a decided decision's record (signed by the county, as meetings)."
    )
    async def seal_decision_record(self, info: Info, decision_id: _DECISION) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: record.seal_record(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                sealer=info.context.services.sealer,
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Publish a decided decision (公布); its 政策解读 falls due on the county "
        "calendar (policy.interpretation_deadline working days)."
    )
    async def publish_decision(
        self,
        info: Info,
        decision_id: _DECISION,
        published_on: Annotated[
            date | None,
            strawberry.argument(description="The day it was published (default today)."),
        ] = None,
        document_number: Annotated[
            str | None, strawberry.argument(description="Its document number (文号).")
        ] = None,
    ) -> DecisionPayload:
        decision, errors = await mutate(
            info,
            lambda s, p: aftermath.publish_decision(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                published_on=published_on,
                document_number=document_number,
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision.id if decision else None), errors=_errors(errors)
        )

    @strawberry.mutation(description="The drafting unit's 政策解读 (谁起草、谁解读).")
    async def submit_interpretation(
        self,
        info: Info,
        decision_id: _DECISION,
        title: Annotated[str, strawberry.argument(description="Its title (≤ 200).")],
        body: Annotated[str, strawberry.argument(description="The interpretation.")],
    ) -> DecisionPayload:
        decision_row, errors = await mutate(
            info,
            lambda s, p: aftermath.submit_interpretation(
                s,
                p,
                decision_id=_id(decision_id, "Decision", "decisionId"),
                title=title,
                body=body,
            ),
        )
        return DecisionPayload(
            decision=await _node(info, decision_row.decision_id if decision_row else None),
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Fill in the 群众评议表 of a published decision (once per person); "
        "enough 不满意 opens a 后评估 automatically."
    )
    async def evaluate_decision(
        self,
        info: Info,
        input: Annotated[EvaluateDecisionInput, strawberry.argument(description="The form.")],
    ) -> EvaluationPayload:
        evaluation, errors = await mutate(
            info,
            lambda s, p: aftermath.evaluate_decision(
                s,
                p,
                decision_id=_id(input.decision_id, "Decision", "decisionId"),
                effect=input.effect,
                satisfaction=input.satisfaction,
                operability=input.operability,
                reasonableness=input.reasonableness,
                shortcomings=input.shortcomings,
                risks=input.risks,
                suggestions=input.suggestions,
            ),
        )
        if evaluation is None:
            return EvaluationPayload(evaluation_id=None, decision=None, errors=_errors(errors))
        return EvaluationPayload(
            evaluation_id=strawberry.ID(to_global_id("DecisionEvaluation", evaluation.id)),
            decision=await _node(info, evaluation.decision_id),
            errors=[],
        )


async def _opinion_payload(
    info: Info, opinion: object, errors: list[DomainError], *, names_shown: bool
) -> OpinionPayload:
    from backend.decisions import models

    if not isinstance(opinion, models.Opinion):
        return OpinionPayload(opinion=None, errors=_errors(errors))
    from backend.decisions import reads

    labels = await info.context.read(
        lambda s: reads.paragraph_labels(
            s, [opinion.current_paragraph_id] if opinion.current_paragraph_id else []
        )
    )
    return OpinionPayload(
        opinion=Opinion.from_model(opinion, names_shown=names_shown, labels=labels), errors=[]
    )
