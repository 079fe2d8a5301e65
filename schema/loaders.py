"""Per-request dataloaders: one query per kind of thing per request, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from strawberry.dataloader import DataLoader

from backend.cases import models as c
from backend.decisions import models as d
from backend.meetings import models as m
from backend.people.models import Membership, User
from schema.pages import NestedPages
from tenants.models import OrgUnit, Tenant, Venue

if TYPE_CHECKING:
    from schema.context import Context

R = TypeVar("R")  # a mapped class with an integer `id`
T = TypeVar("T")
Load = Callable[[Sequence[int]], Awaitable[list[T]]]


def _all(query: Any) -> Any:
    async def run(session: AsyncSession) -> list[Any]:
        return list((await session.scalars(query)).all())

    return run


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.org_unit = DataLoader(self._by_id(OrgUnit))
        self.user = DataLoader(self._by_id(User))
        self.tenant = DataLoader(self._by_id(Tenant))
        self.venue = DataLoader(self._by_id(Venue))
        self.membership = DataLoader(self._by_id(Membership))
        self.venues_by_unit = DataLoader(self._grouped(Venue, Venue.org_unit_id, Venue.id))
        self.children_by_unit = DataLoader(self._grouped(OrgUnit, OrgUnit.parent_id, OrgUnit.id))
        self.memberships_by_user = DataLoader(
            self._grouped(Membership, Membership.user_id, Membership.id)
        )
        # Meetings: a page of meetings with their agenda, polls… costs one query per field.
        self.agenda_by_meeting = DataLoader(
            self._grouped(m.AgendaItem, m.AgendaItem.meeting_id, m.AgendaItem.position)
        )
        self.polls_by_meeting = DataLoader(self._grouped(m.Poll, m.Poll.meeting_id, m.Poll.id))
        self.sheets_by_meeting = DataLoader(
            self._grouped(m.ScoringSheet, m.ScoringSheet.meeting_id, m.ScoringSheet.id)
        )
        self.materials_by_meeting = DataLoader(
            self._grouped(m.Material, m.Material.meeting_id, m.Material.id)
        )
        self.queue_by_meeting = DataLoader(
            self._grouped(
                m.SpeakingRequest,
                m.SpeakingRequest.meeting_id,
                m.SpeakingRequest.id,
                m.SpeakingRequest.state.in_([m.SpeakingState.WAITING, m.SpeakingState.SPEAKING]),
            )
        )
        self.attendance_by_meeting = DataLoader(self._attendance)
        self.meeting_view = DataLoader(self._meeting_views)
        # Paged lists of a meeting: one statement for a page of meetings (schema.pages).
        self.comments_page = NestedPages(
            ctx.read, m.Comment, m.Comment.meeting_id, m.Comment.id, descending=True
        )
        self.participants_page = NestedPages(
            ctx.read, m.Participant, m.Participant.meeting_id, m.Participant.id
        )
        # Cases (schema/cases): rows, the caller's view of each, and their lists.
        self.case = DataLoader(self._by_id(c.Case))
        self.case_view = DataLoader(self._case_views)
        self.case_assignment = DataLoader(self._by_id(c.CaseAssignment))
        self.case_assignments = DataLoader(
            self._grouped(c.CaseAssignment, c.CaseAssignment.case_id, c.CaseAssignment.id)
        )
        self.case_replies = DataLoader(
            self._grouped(c.CaseReply, c.CaseReply.case_id, c.CaseReply.id)
        )
        self.case_attachments = DataLoader(self._case_attachments)
        self.case_last_event = DataLoader(self._case_last_events)
        # Decisions (schema/decisions): a page of decisions with their lists, one statement
        # per list.
        self.decision = DataLoader(self._by_id(d.Decision))
        self.decision_staff = DataLoader(self._decision_staff)
        self.decision_versions = DataLoader(
            self._grouped(
                d.DecisionVersion, d.DecisionVersion.decision_id, d.DecisionVersion.number
            )
        )
        self.decision_paragraphs = DataLoader(
            self._grouped(
                d.DecisionParagraph, d.DecisionParagraph.decision_id, d.DecisionParagraph.position
            )
        )
        self.decision_paragraph_counts = DataLoader(self._decision_paragraph_counts)
        self.decision_steps = DataLoader(
            self._grouped(d.DecisionStepRow, d.DecisionStepRow.decision_id, d.DecisionStepRow.id)
        )
        self.decision_documents = DataLoader(
            self._grouped(d.DecisionDocument, d.DecisionDocument.decision_id, d.DecisionDocument.id)
        )
        self.decision_periods = DataLoader(
            self._grouped(d.CommentPeriod, d.CommentPeriod.decision_id, d.CommentPeriod.id)
        )
        self.decision_reports = DataLoader(
            self._grouped(
                d.ParticipationReport, d.ParticipationReport.decision_id, d.ParticipationReport.id
            )
        )
        self.decision_opinions_page = NestedPages(
            ctx.read, d.Opinion, d.Opinion.decision_id, d.Opinion.id
        )
        self.decision_paragraph_label = DataLoader(self._decision_paragraph_labels)
        # 民意调查 and 座谈 sessions of a decision (schema/decisions/surveys.py)
        self.decision_surveys = DataLoader(
            self._grouped(d.Survey, d.Survey.decision_id, d.Survey.id)
        )
        self.decision_survey_questions = DataLoader(
            self._grouped(d.SurveyQuestion, d.SurveyQuestion.survey_id, d.SurveyQuestion.position)
        )
        self.decision_sessions = DataLoader(
            self._grouped(d.DecisionSession, d.DecisionSession.decision_id, d.DecisionSession.id)
        )

    def _by_id(self, model: type[R]) -> Load[R | None]:
        async def load(ids: Sequence[int]) -> list[R | None]:
            row_id: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
            rows = await self._ctx.read(_all(select(model).where(row_id.in_(ids))))
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return load

    def _grouped(
        self,
        model: type[R],
        column: InstrumentedAttribute[Any],
        order: InstrumentedAttribute[Any],
        *where: ColumnElement[bool],
    ) -> Load[list[R]]:
        async def load(keys: Sequence[int]) -> list[list[R]]:
            query = select(model).where(column.in_(keys), *where).order_by(order)
            rows = await self._ctx.read(_all(query))
            groups: dict[int, list[R]] = defaultdict(list)
            for row in rows:
                groups[getattr(row, column.key)].append(row)
            return [groups.get(k, []) for k in keys]

        return load

    async def _meeting_views(self, meeting_ids: Sequence[int]) -> list[Hashable]:
        """The caller's view (host, participant, public) of each meeting."""
        from backend.meetings import visibility

        principal = await self._ctx.principal()
        views = await self._ctx.read(lambda s: visibility.views_of(s, principal, meeting_ids))
        return [views.get(i, visibility.PUBLIC_VIEW) for i in meeting_ids]

    async def _case_views(self, case_ids: Sequence[int]) -> list[Hashable | None]:
        """The caller's view (staff, submitter, public) of each case; None: not visible."""
        from backend.cases import visibility

        principal = await self._ctx.principal()
        views = await self._ctx.read(lambda s: visibility.views_of(s, principal, case_ids))
        return [views.get(i) for i in case_ids]

    async def _case_attachments(self, case_ids: Sequence[int]) -> list[list[Any]]:
        """Attachment metadata per case (never the content)."""
        a = c.CaseAttachment
        query = (
            select(a.id, a.case_id, a.file_name, a.content_type, a.size_bytes, a.sha256)
            .where(a.case_id.in_(case_ids))
            .order_by(a.id)
        )

        async def run(session: AsyncSession) -> list[Any]:
            return list((await session.execute(query)).all())

        groups: dict[int, list[Any]] = defaultdict(list)
        for row in await self._ctx.read(run):
            groups[row.case_id].append(row)
        return [groups.get(k, []) for k in case_ids]

    async def _case_last_events(self, case_ids: Sequence[int]) -> list[Any]:
        """The head event of each case's stream (`schema.cases.types.CaseEventSummary`)."""
        from schema.cases.pages import last_events

        found = await self._ctx.read(lambda s: last_events(s, case_ids))
        return [found.get(i) for i in case_ids]

    async def _attendance(self, meeting_ids: Sequence[int]) -> list[int]:
        """Checked-in participants per meeting."""
        query = (
            select(m.Participant.meeting_id, func.count())
            .where(
                m.Participant.meeting_id.in_(meeting_ids), m.Participant.checked_in_at.is_not(None)
            )
            .group_by(m.Participant.meeting_id)
        )

        async def run(session: AsyncSession) -> dict[int, int]:
            return {mid: n for mid, n in (await session.execute(query)).all()}

        counts = await self._ctx.read(run)
        return [counts.get(i, 0) for i in meeting_ids]

    async def _decision_staff(self, decision_ids: Sequence[int]) -> list[bool]:
        """Whether the caller sees each decision's staff view (two statements)."""
        from backend.decisions.reads import staff_views

        principal = await self._ctx.principal()
        views = await self._ctx.read(lambda s: staff_views(s, principal, decision_ids))
        return [views.get(i, False) for i in decision_ids]

    async def _decision_paragraph_counts(self, decision_ids: Sequence[int]) -> list[dict[int, int]]:
        """Opinions anchored now to each paragraph, per decision."""
        o = d.Opinion
        query = (
            select(o.decision_id, o.current_paragraph_id, func.count())
            .where(o.decision_id.in_(decision_ids), o.current_paragraph_id.is_not(None))
            .group_by(o.decision_id, o.current_paragraph_id)
        )

        async def run(session: AsyncSession) -> list[Any]:
            return list((await session.execute(query)).all())

        groups: dict[int, dict[int, int]] = defaultdict(dict)
        for decision_id, paragraph_id, n in await self._ctx.read(run):
            groups[decision_id][paragraph_id] = int(n)
        return [groups.get(i, {}) for i in decision_ids]

    async def _decision_paragraph_labels(self, paragraph_ids: Sequence[int]) -> list[str | None]:
        from backend.decisions.reads import paragraph_labels

        labels = await self._ctx.read(lambda s: paragraph_labels(s, paragraph_ids))
        return [labels.get(i) for i in paragraph_ids]
