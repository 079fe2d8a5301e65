"""GraphQL types of major administrative decisions (重大行政决策). What a decision shows
depends on the caller's view (`backend.decisions.visibility`): the staff of the lead unit
and co-units and the county office see who gave each opinion; everyone else of the county
sees the draft, the steps, the periods, the opinions and their answers without names."""

from __future__ import annotations

import base64
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.decisions import models, reads
from backend.decisions.errors import DecisionErrorCode as _Code
from schema.context import Info
from schema.errors import UserError
from schema.relay import (
    Connection,
    DatabaseNode,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_node_ids,
    page_size,
    to_global_id,
)

if TYPE_CHECKING:
    from schema.decisions.surveys import DecisionSession, DecisionSurvey
    from schema.opinion_map.types import OpinionMap

DecisionErrorCode = _Code
strawberry.enum(
    DecisionErrorCode,
    description="Why a decision action was refused (each with a Chinese message naming "
    "the rule or the missing item).",
)
DecisionStep = models.DecisionStep
strawberry.enum(
    DecisionStep,
    description="The five steps (五步走), in order: PUBLIC_PARTICIPATION 公众参与, "
    "EXPERT_REVIEW 专家论证, RISK_ASSESSMENT 风险评估, LEGALITY_REVIEW 合法性审查, "
    "COLLECTIVE_DECISION 集体讨论决定.",
)
DecisionState = models.DecisionState
strawberry.enum(
    DecisionState,
    description="DRAFTING 起草中, IN_PROGRESS 五步走进行中, DECIDED 已集体讨论决定.",
)
OpinionChannel = models.OpinionChannel
strawberry.enum(
    OpinionChannel,
    description="ONLINE 网上征求意见, MEETING 座谈会/听证会等会议, WRITTEN 书面意见, "
    "UNIT_CONSULTATION 书面征询.",
)
AnchorState = models.AnchorState
strawberry.enum(
    AnchorState,
    description="WHOLE 针对草案整体, ANCHORED 针对某一段落, CARRIED 已随新版本移至对应段落, "
    "REMOVED 所针对的段落已在新版本中删除.",
)
OpinionOutcome = models.OpinionOutcome
strawberry.enum(
    OpinionOutcome,
    description="ADOPTED 采纳, PARTLY_ADOPTED 部分采纳, NOT_ADOPTED 不予采纳.",
)


Rating = models.Rating
strawberry.enum(
    Rating,
    description="A 群众评议表 answer: GOOD 好/满意/可操作/合理, FAIR 一般/基本满意, "
    "POOR 差/不满意/难操作/不合理.",
)


@strawberry.type(description="The 群众评议表 collected so far (counts only).")
class EvaluationSummary:
    evaluations: int = strawberry.field(description="Forms received.")
    dissatisfied: int = strawberry.field(description="Forms rating satisfaction POOR (不满意).")


@strawberry.type(description="A 后评估 opened for a decision: a task of its lead unit.")
class PostEvaluation:
    id: strawberry.ID = strawberry.field(description="Global id.")
    decision_id: strawberry.ID = strawberry.field(description="The decision.")
    unit_id: strawberry.ID = strawberry.field(description="The lead unit that must carry it out.")
    reason: str = strawberry.field(description="Why it opened, citing the rule.")
    evaluations: int = strawberry.field(description="Forms when it opened.")
    dissatisfied: int = strawberry.field(description="不满意 forms when it opened.")
    created_at: datetime = strawberry.field(description="When it opened.")

    @classmethod
    def from_model(cls, p: models.PostEvaluation) -> PostEvaluation:
        return cls(
            id=strawberry.ID(to_global_id("PostEvaluation", p.id)),
            decision_id=strawberry.ID(to_global_id("Decision", p.decision_id)),
            unit_id=strawberry.ID(to_global_id("OrgUnit", p.unit_id)),
            reason=p.reason,
            evaluations=p.evaluations,
            dissatisfied=p.dissatisfied,
            created_at=p.created_at,
        )


@strawberry.type(description="A refused decision action: which field, why, in Chinese.")
class DecisionError(UserError):
    code: DecisionErrorCode = strawberry.field(description="What kind of refusal.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return strawberry.ID(to_global_id(type_name, db_id)) if db_id is not None else None


@strawberry.type(description="A numbered paragraph or article (第一条…) of a version.")
class DecisionParagraph:
    id: strawberry.ID = strawberry.field(description="Global id (anchor comments to it).")
    alternative: str | None = strawberry.field(
        description="The alternative (方案) it belongs to; null: the common text."
    )
    position: int = strawberry.field(description="Its number, from 1, within its alternative.")
    label: str = strawberry.field(description="第一条 for an article, else 第N段.")
    body: str = strawberry.field(description="Its text.")
    opinion_count: int = strawberry.field(
        description="Opinions anchored to it now (carried ones included)."
    )

    @classmethod
    def from_model(cls, p: models.DecisionParagraph, count: int) -> DecisionParagraph:
        return cls(
            id=strawberry.ID(to_global_id("DecisionParagraph", p.id)),
            alternative=p.alternative or None,
            position=p.position,
            label=p.label,
            body=p.body,
            opinion_count=count,
        )


@strawberry.type(description="A version of the draft (征求意见稿, 修改稿…).")
class DecisionVersion:
    id: strawberry.ID = strawberry.field(description="Global id.")
    number: int = strawberry.field(description="1, 2, … per decision.")
    note: str | None = strawberry.field(description="What changed (修改说明).")
    alternatives: list[str] = strawberry.field(description="Its alternatives (方案), if any.")
    created_at: datetime = strawberry.field(description="When it was added.")
    paragraphs: list[DecisionParagraph] = strawberry.field(
        description="Its paragraphs, the common text first, then each alternative's."
    )

    @classmethod
    def from_read(cls, r: reads.VersionRead) -> DecisionVersion:
        v = r.version
        return cls(
            id=strawberry.ID(to_global_id("DecisionVersion", v.id)),
            number=v.number,
            note=v.note,
            alternatives=list(v.alternatives),
            created_at=v.created_at,
            paragraphs=[DecisionParagraph.from_model(p, n) for p, n in r.paragraphs],
        )


@strawberry.type(description="A document of a step (name, SHA-256, where it is kept).")
class DecisionDocument:
    id: strawberry.ID = strawberry.field(description="Global id.")
    step: DecisionStep = strawberry.field(description="The step it belongs to.")
    name: str = strawberry.field(description="Its name.")
    sha256: str = strawberry.field(description="SHA-256 of its content, hex.")
    size: int | None = strawberry.field(description="Bytes, for an upload.")
    storage: str = strawberry.field(description="Where it is kept (`db` for an upload).")
    created_at: datetime = strawberry.field(description="When it was added.")

    @classmethod
    def from_model(cls, d: models.DecisionDocument) -> DecisionDocument:
        return cls(
            id=strawberry.ID(to_global_id("DecisionDocument", d.id)),
            step=d.step,
            name=d.name,
            sha256=d.sha256,
            size=d.size,
            storage=d.storage,
            created_at=d.created_at,
        )


@strawberry.type(description="One of the five steps of a decision.")
class DecisionStepInfo:
    step: DecisionStep = strawberry.field(description="Which step.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    completed_at: datetime | None = strawberry.field(description="When it was completed.")
    note: str | None = strawberry.field(description="The completion note.")
    responsible_ids: list[strawberry.ID] | None = strawberry.field(
        description="The people responsible (负责人; staff view only, else null)."
    )
    documents: list[DecisionDocument] = strawberry.field(description="Its documents.")


@strawberry.type(description="A published public comment period (公开征求意见) and its record.")
class CommentPeriod:
    id: strawberry.ID = strawberry.field(description="Global id.")
    version_id: strawberry.ID = strawberry.field(description="The version under comment.")
    opens_on: date = strawberry.field(description="First day.")
    closes_on: date = strawberry.field(description="Last day (inclusive).")
    basis: str = strawberry.field(description="制定依据.")
    reasons: str = strawberry.field(description="起草说明 / reasons.")
    how_to_comment: str = strawberry.field(description="How to comment (意见提交方式).")
    shortening_reason: str | None = strawberry.field(
        description="Why the period is shorter than the rule, published with it."
    )
    rule: str = strawberry.field(description="The rule applied, with its source.")

    @classmethod
    def from_model(cls, p: models.CommentPeriod) -> CommentPeriod:
        return cls(
            id=strawberry.ID(to_global_id("CommentPeriod", p.id)),
            version_id=strawberry.ID(to_global_id("DecisionVersion", p.version_id)),
            opens_on=p.opens_on,
            closes_on=p.closes_on,
            basis=p.basis,
            reasons=p.reasons,
            how_to_comment=p.how_to_comment,
            shortening_reason=p.shortening_reason,
            rule=p.rule_cited,
        )


@strawberry.type(description="An opinion (意见) on a decision and its answer (逐条答复).")
class Opinion:
    id: strawberry.ID = strawberry.field(description="Global id.")
    decision_id: strawberry.ID = strawberry.field(description="The decision.")
    decision_title: str | None = strawberry.field(description="The decision's title.")
    channel: OpinionChannel = strawberry.field(description="Where it came from.")
    category: str | None = strawberry.field(description="Its category (e.g. 利害关系人).")
    body: str = strawberry.field(description="What was said.")
    author_id: strawberry.ID | None = strawberry.field(
        description="Who gave it (staff view and the person themself; else null)."
    )
    paragraph_id: strawberry.ID | None = strawberry.field(
        description="The paragraph it was written on (null: the draft as a whole)."
    )
    current_paragraph_id: strawberry.ID | None = strawberry.field(
        description="Where it sits in the newest version (null when whole or removed)."
    )
    current_paragraph_label: str | None = strawberry.field(
        description="The label of that paragraph (第三条)."
    )
    anchor_state: AnchorState = strawberry.field(
        description="Whether it was carried to a new version or its paragraph removed."
    )
    outcome: OpinionOutcome | None = strawberry.field(description="The answer (null: not yet).")
    answer: str | None = strawberry.field(description="The reason given with the answer.")
    answered_at: datetime | None = strawberry.field(description="When it was answered.")
    created_at: datetime = strawberry.field(description="When it was given.")

    @classmethod
    def from_model(
        cls,
        o: models.Opinion,
        *,
        names_shown: bool,
        labels: dict[int, str],
        title: str | None = None,
    ) -> Opinion:
        return cls(
            id=strawberry.ID(to_global_id("Opinion", o.id)),
            decision_id=strawberry.ID(to_global_id("Decision", o.decision_id)),
            decision_title=title,
            channel=o.channel,
            category=o.category,
            body=o.body,
            author_id=gid("User", o.author_user_id) if names_shown else None,
            paragraph_id=gid("DecisionParagraph", o.paragraph_id),
            current_paragraph_id=gid("DecisionParagraph", o.current_paragraph_id),
            current_paragraph_label=labels.get(o.current_paragraph_id)
            if o.current_paragraph_id
            else None,
            anchor_state=o.anchor_state,
            outcome=o.outcome,
            answer=o.answer,
            answered_at=o.answered_at,
            created_at=o.created_at,
        )


@strawberry.type(description="The participation report (意见收集和采纳情况).")
class ParticipationReport:
    id: strawberry.ID = strawberry.field(description="Global id.")
    sha256: str = strawberry.field(description="SHA-256 of its RFC 8785 JSON (in the chain).")
    opinions: int = strawberry.field(description="Opinions it lists.")
    created_at: datetime = strawberry.field(description="When it was generated.")
    content: strawberry.scalars.JSON = strawberry.field(
        description="The report: periods, counts by channel and category, every opinion "
        "with its answer."
    )

    @strawberry.field(description="The report as a Word document (.docx), base64.")
    def docx_base64(self) -> str:
        from backend.decisions.report import report_docx

        return base64.b64encode(
            report_docx(cast(dict[str, Any], self.content), sha256=self.sha256)
        ).decode()

    @classmethod
    def from_model(cls, r: models.ParticipationReport) -> ParticipationReport:
        return cls(
            id=strawberry.ID(to_global_id("ParticipationReport", r.id)),
            sha256=r.sha256,
            opinions=r.opinions,
            created_at=r.created_at,
            content=cast(Any, r.content),
        )


@strawberry.type(description="A major administrative decision (重大行政决策事项).")
class Decision(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="Its name.")
    summary: str | None = strawberry.field(description="A short description.")
    lead_unit_id: strawberry.ID = strawberry.field(description="The lead unit (承办单位).")
    co_unit_ids: list[strawberry.ID] = strawberry.field(description="Co-units (协办单位).")
    compare_alternatives: bool = strawberry.field(
        description="Whether alternatives (方案) are compared: each version then carries "
        "at least the rulebook's number of them."
    )
    state: DecisionState = strawberry.field(description="Where it stands.")
    current_step: DecisionStep | None = strawberry.field(description="The step started last.")
    decided_at: datetime | None = strawberry.field(description="When it was decided.")
    sealed_hash: str | None = strawberry.field(description="Head hash of its sealed record.")
    created_at: datetime = strawberry.field(description="When it was created.")
    published_on: date | None = strawberry.field(description="When it was published (公布).")
    document_number: str | None = strawberry.field(description="Its document number (文号).")
    interpretation_due_on: date | None = strawberry.field(
        description="政策解读 due by (working days after publication, county calendar)."
    )
    interpretation_due_provisional: bool = strawberry.field(
        description="The due date was counted over a year without a published official "
        "table (Monday–Friday assumed); it moves when the table is published."
    )
    interpreted_at: datetime | None = strawberry.field(description="When it was interpreted.")
    staff: strawberry.Private[bool]

    @strawberry.field(description="The 政策解读 is past due and missing.")
    def interpretation_overdue(self) -> bool:
        from backend.decisions.stream import today

        return (
            self.interpretation_due_on is not None
            and self.interpreted_at is None
            and today() > self.interpretation_due_on
        )

    @strawberry.field(
        description="The review stream after the decision (publication, 解读, 评议, 后评估): "
        "decisionreview:<this decision's global id>."
    )
    def review_stream(self) -> str:
        return f"decisionreview:{to_global_id('Decision', self.id)}"

    @strawberry.field(description="The 群众评议表 received so far.")
    async def evaluation_summary(self, info: Info) -> EvaluationSummary:
        from backend.decisions.aftermath import evaluation_counts

        total, poor = await info.context.read(lambda s: evaluation_counts(s, self.id))
        return EvaluationSummary(evaluations=total, dissatisfied=poor)

    @strawberry.field(description="The 后评估 opened for it (null: none).")
    async def post_evaluation(self, info: Info) -> PostEvaluation | None:
        from sqlalchemy import select

        async def run(s: AsyncSession) -> models.PostEvaluation | None:
            return await s.scalar(
                select(models.PostEvaluation).where(models.PostEvaluation.decision_id == self.id)
            )

        row = await info.context.read(run)
        return PostEvaluation.from_model(row) if row else None

    @strawberry.field(
        description="The opinion map (意见地图) of its latest comment period that has one "
        "(null: none): statements, the map as computed, your own votes."
    )
    async def opinion_map(
        self, info: Info
    ) -> Annotated[OpinionMap, strawberry.lazy("schema.opinion_map.types")] | None:
        from schema.opinion_map.queries import decision_map

        return await decision_map(info, self.id)

    @strawberry.field(
        description="The decision's stream for `streamEvents` and `verifyStream`: "
        "decision:<this decision's global id>."
    )
    def stream(self) -> str:
        return f"decision:{to_global_id('Decision', self.id)}"

    @strawberry.field(description="Whether the caller sees the staff view (who said what).")
    def staff_view(self) -> bool:
        return self.staff

    @classmethod
    def from_model(cls, d: models.Decision, *, staff: bool) -> Decision:
        return cls(
            id=d.id,
            title=d.title,
            summary=d.summary,
            lead_unit_id=strawberry.ID(to_global_id("OrgUnit", d.lead_unit_id)),
            co_unit_ids=[strawberry.ID(to_global_id("OrgUnit", u)) for u in d.co_unit_ids],
            compare_alternatives=d.compare_alternatives,
            state=d.state,
            current_step=d.current_step,
            decided_at=d.decided_at,
            sealed_hash=d.sealed_hash,
            created_at=d.created_at,
            published_on=d.published_on,
            document_number=d.document_number,
            interpretation_due_on=d.interpretation_due_on,
            interpretation_due_provisional=d.interpretation_due_provisional,
            interpreted_at=d.interpreted_at,
            staff=staff,
        )

    async def _versions(self, info: Info) -> list[reads.VersionRead]:
        loaders = info.context.loaders
        versions, paragraphs, counts = (
            await loaders.decision_versions.load(self.id),
            await loaders.decision_paragraphs.load(self.id),
            await loaders.decision_paragraph_counts.load(self.id),
        )
        by_version: dict[int, list[tuple[models.DecisionParagraph, int]]] = {}
        for p in sorted(paragraphs, key=lambda p: (p.alternative, p.position)):
            by_version.setdefault(p.version_id, []).append((p, counts.get(p.id, 0)))
        return [reads.VersionRead(v, by_version.get(v.id, [])) for v in versions]

    @strawberry.field(description="Every version of the draft, oldest first, with paragraphs.")
    async def versions(self, info: Info) -> list[DecisionVersion]:
        return [DecisionVersion.from_read(r) for r in await self._versions(info)]

    @strawberry.field(description="The newest version of the draft (null: none yet).")
    async def latest_version(self, info: Info) -> DecisionVersion | None:
        rows = await self._versions(info)
        return DecisionVersion.from_read(rows[-1]) if rows else None

    @strawberry.field(description="The five steps in order, with their documents.")
    async def steps(self, info: Info) -> list[DecisionStepInfo]:
        loaders = info.context.loaders
        step_rows = await loaders.decision_steps.load(self.id)
        documents = await loaders.decision_documents.load(self.id)
        order = {s: i for i, s in enumerate(models.STEP_ORDER)}
        return [
            DecisionStepInfo(
                step=r.step,
                started_at=r.started_at,
                completed_at=r.completed_at,
                note=r.note,
                responsible_ids=[
                    strawberry.ID(to_global_id("User", u)) for u in r.responsible_user_ids
                ]
                if self.staff
                else None,
                documents=[DecisionDocument.from_model(d) for d in documents if d.step is r.step],
            )
            for r in sorted(step_rows, key=lambda r: order[r.step])
        ]

    @strawberry.field(description="The published comment periods, oldest first.")
    async def comment_periods(self, info: Info) -> list[CommentPeriod]:
        rows = await info.context.loaders.decision_periods.load(self.id)
        return [CommentPeriod.from_model(p) for p in rows]

    @strawberry.field(description="Its opinions, oldest first (optionally on one paragraph).")
    async def opinions(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        paragraph_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only those anchored now to this paragraph."),
        ] = None,
    ) -> Connection[Opinion]:
        size = page_size(first)
        key = decode_cursor(after)
        if paragraph_id is None:
            rows = await info.context.loaders.decision_opinions_page.load(
                self.id, first=size, after=key
            )
        else:
            (para,) = decode_node_ids("DecisionParagraph", [paragraph_id])
            rows = await info.context.read(
                lambda s: reads.opinions(
                    s, self.id, limit=size + 1, after=key, paragraph_id=para or 0
                )
            )
        wanted = [o.current_paragraph_id for o in rows if o.current_paragraph_id]
        found = await info.context.loaders.decision_paragraph_label.load_many(wanted)
        labels = {i: label for i, label in zip(wanted, found, strict=True) if label is not None}
        return build_connection(
            rows,
            first=size,
            to_node=lambda o: Opinion.from_model(o, names_shown=self.staff, labels=labels),
            key=lambda o: o.id,
        )

    @strawberry.field(
        description="Its 民意调查 questionnaires, oldest first (drafts: the staff view only)."
    )
    async def surveys(
        self, info: Info
    ) -> list[Annotated[DecisionSurvey, strawberry.lazy("schema.decisions.surveys")]]:
        from schema.decisions.surveys import survey_nodes

        return await survey_nodes(info, self.id, staff=self.staff)

    @strawberry.field(
        description="Its 座谈/协商 sessions with their materials records (第七条), oldest first."
    )
    async def sessions(
        self, info: Info
    ) -> list[Annotated[DecisionSession, strawberry.lazy("schema.decisions.surveys")]]:
        from schema.decisions.surveys import DecisionSession

        rows = await info.context.loaders.decision_sessions.load(self.id)
        return [DecisionSession.from_model(r, staff=self.staff) for r in rows]

    @strawberry.field(description="The newest participation report (null: none yet).")
    async def participation_report(self, info: Info) -> ParticipationReport | None:
        rows = await info.context.loaders.decision_reports.load(self.id)
        return ParticipationReport.from_model(rows[-1]) if rows else None

    @strawberry.field(
        description="What is still missing before 集体讨论决定 (the gate), one entry per "
        "item; empty when the collective decision may start."
    )
    async def missing_for_decision(self, info: Info) -> list[DecisionError]:
        from backend.decisions.access import get_decision
        from backend.decisions.steps import gate_problems
        from schema.mutations import user_errors

        async def run(s: AsyncSession) -> list[Any]:
            return await gate_problems(s, await get_decision(s, self.id))

        return user_errors(await info.context.read(run), DecisionError, DecisionErrorCode)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[Decision | None]:
        ids = decode_node_ids("Decision", node_ids)
        found = await decision_nodes(info, [i for i in ids if i is not None])
        it = iter(found)
        return [next(it) if i is not None else None for i in ids]


async def decision_node(info: Info, decision_id: int) -> Decision | None:
    """The decision as the caller may see it (None: not in this county)."""
    (node,) = await decision_nodes(info, [decision_id])
    return node


async def decision_nodes(info: Info, decision_ids: list[int]) -> list[Decision | None]:
    """Decisions by row id as the caller may see them, in two batches whatever their number."""
    loaders = info.context.loaders
    rows = await loaders.decision.load_many(decision_ids)
    staff = await loaders.decision_staff.load_many(decision_ids)
    return [
        Decision.from_model(row, staff=seen) if row is not None else None
        for row, seen in zip(rows, staff, strict=True)
    ]
