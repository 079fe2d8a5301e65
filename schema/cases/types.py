"""GraphQL types of cases. What a field shows depends on the caller's view of the case
(`backend.cases.visibility`: STAFF, SUBMITTER, PUBLIC), fixed when the node is made."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.cases import models, visibility
from backend.cases.errors import CaseErrorCode as _Code
from backend.cases.masking import mask_name, mask_phone, mask_text
from backend.cases.routing import EscalationDirection as _Direction
from backend.core.security import Principal, Role
from schema.context import Info
from schema.errors import UserError
from schema.pages import MISSING, plain, prefetched, prefetched_value
from schema.relay import DatabaseNode, decode_node_ids, to_global_id
from schema.tenants.types import OrgUnit, Venue

CaseChannel = models.CaseChannel
strawberry.enum(
    CaseChannel,
    description=(
        "How a case came in: ONLINE 网上, VENUE 议事场所现场, COLLECTOR 民情收集员/网格员代录, "
        "ONLINE_INQUIRY 网络问政, MEETING 会议留言转办, HOTLINE 12345热线, IMPORT 台账导入."
    ),
)
CaseKind = models.CaseKind
strawberry.enum(CaseKind, description="CONSULTATION 咨询, SUGGESTION 建议, DEMAND 诉求.")
MatterClass = models.MatterClass
strawberry.enum(
    MatterClass,
    description=(
        "PERSONAL 个人事项 (private), PUBLIC_INTEREST 公益事项, ADMINISTRATIVE 行政管理事项."
    ),
)
HandlingClass = models.HandlingClass
strawberry.enum(
    HandlingClass,
    description="IMMEDIATE 即可办, TIME_LIMITED 限期办, RESEARCH 研究办: sets the deadline.",
)
CaseState = models.CaseState
strawberry.enum(
    CaseState,
    description=(
        "RECEIVED 已受理 → DISPATCHED 已派单(待签收) → IN_PROGRESS 办理中 → "
        "ANSWERED 已答复(待评价) → CLOSED 已办结; OUT_OF_SCOPE 不予受理; "
        "MERGED 已合并 (mirrors its primary)."
    ),
)
Satisfaction = models.Satisfaction
strawberry.enum(
    Satisfaction,
    description="SATISFIED 满意, BASICALLY_SATISFIED 基本满意, DISSATISFIED 不满意.",
)
OutOfScope = models.OutOfScope
strawberry.enum(
    OutOfScope,
    description="IN_LITIGATION 涉诉, PETITION 信访, STATE_SECRET 涉密, ABUSE 恶意/辱骂, OTHER.",
)
AssignmentRole = models.AssignmentRole
strawberry.enum(
    AssignmentRole, description="LEAD 主办 (转办件), CO 协办 (联席会商), FOR_REFERENCE 转阅件."
)
AssignmentState = models.AssignmentState
strawberry.enum(
    AssignmentState,
    description="PENDING 待签收, SIGNED 已签收, RETURNED 已退单, DONE 已完成, WITHDRAWN 已撤回.",
)
ReplyKind = models.ReplyKind
strawberry.enum(
    ReplyKind,
    description=(
        "INITIAL 初步答复, RESULT 办理结果, FOLLOW_UP 回访, SUPERVISION 督办意见, NOTE 内部备注."
    ),
)
EscalationDirection = _Direction
strawberry.enum(
    EscalationDirection,
    description="UP to the parent unit (吹哨), DOWN to a unit below, COUNTY to the county office.",
)
CaseErrorCode = _Code
strawberry.enum(CaseErrorCode, description="Why a case action was refused.")


@strawberry.type(description="A failure of a case action.")
class CaseError(UserError):
    code: CaseErrorCode = strawberry.field(description="Machine-readable reason.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="The last thing that happened to a case (its stream's head).")
class CaseEventSummary:
    seq: int = strawberry.field(description="Position in the case's stream.")
    type: str = strawberry.field(description="Event type, e.g. case.signed.")
    at: datetime = strawberry.field(description="When.")


@strawberry.type(description="A dispatch of a case to a unit (转办件 or 转阅件).")
class CaseAssignment(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    role: AssignmentRole = strawberry.field(description="LEAD, CO or FOR_REFERENCE.")
    state: AssignmentState = strawberry.field(description="Where the assignment is.")
    sign_due_at: datetime | None = strawberry.field(description="Sign for it by then (签收时限).")
    signed_at: datetime | None = strawberry.field(description="When the unit signed.")
    returned_at: datetime | None = strawberry.field(description="When the unit returned it.")
    return_reason: str | None = strawberry.field(description="Why (staff only).")
    due_on: date | None = strawberry.field(description="Answer by (办理时限).")
    done_at: datetime | None = strawberry.field(description="When completed.")
    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The unit it was sent to.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, a: models.CaseAssignment, *, staff: bool) -> CaseAssignment:
        return cls(
            id=a.id,
            role=a.role,
            state=a.state,
            sign_due_at=a.sign_due_at,
            signed_at=a.signed_at,
            returned_at=a.returned_at,
            return_reason=a.return_reason if staff else None,
            due_on=a.due_on,
            done_at=a.done_at,
            unit_db_id=a.unit_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CaseAssignment | None]:
        ids = decode_node_ids("CaseAssignment", node_ids)
        wanted = sorted({i for i in ids if i is not None})
        rows = await info.context.loaders.case_assignment.load_many(wanted)
        found = {r.id: r for r in rows if r is not None}
        views = await info.context.loaders.case_view.load_many(
            sorted({r.case_id for r in found.values()})
        )
        by_case = dict(zip(sorted({r.case_id for r in found.values()}), views, strict=True))
        out: list[CaseAssignment | None] = []
        for i in ids:
            row = found.get(i) if i is not None else None
            view = by_case.get(row.case_id) if row else None
            out.append(
                cls.from_model(row, staff=True)
                if row is not None and view == visibility.STAFF_VIEW
                else None
            )
        return out


@strawberry.type(description="A reply on a case: initial reply, result, 回访, 督办 or note.")
class CaseReply:
    id: strawberry.ID = strawberry.field(description="Global id of the reply.")
    kind: ReplyKind = strawberry.field(description="What kind of reply.")
    body: str = strawberry.field(description="The text (personal data masked for the public).")
    follow_up_result: str | None = strawberry.field(description="回访结果, for a follow-up.")
    created_at: datetime = strawberry.field(description="When.")
    unit_id: strawberry.ID | None = strawberry.field(description="The unit that replied.")

    @classmethod
    def from_model(cls, r: models.CaseReply, *, public: bool) -> CaseReply:
        return cls(
            id=strawberry.ID(to_global_id("CaseReply", r.id)),
            kind=r.kind,
            body=(mask_text(r.body) or "") if public else r.body,
            follow_up_result=r.follow_up_result,
            created_at=r.created_at,
            unit_id=gid("OrgUnit", r.unit_id),
        )


@strawberry.type(
    description="A file attached to a case: its metadata; the content by `downloadUrl` "
    "(streamed), or `dataBase64` for small files."
)
class CaseAttachment:
    id: strawberry.ID = strawberry.field(description="Global id of the attachment.")
    file_name: str = strawberry.field(description="File name.")
    content_type: str = strawberry.field(description="MIME type.")
    size_bytes: int = strawberry.field(description="Size in bytes.")
    sha256: str = strawberry.field(description="SHA-256 of the content, hex.")
    db_id: strawberry.Private[int]

    @strawberry.field(
        description="Where to GET the content (same `Authorization` and `X-Tenant` headers; "
        "staff and the submitter only), streamed with its SHA-256 in `X-Content-SHA256`."
    )
    def download_url(self) -> str:
        return f"/cases/attachments/{self.id}"

    @strawberry.field(
        description="Deprecated for large files (the whole file, base64, in the JSON "
        "answer): the content (staff and the submitter only). Prefer `downloadUrl`."
    )
    async def data_base64(self, info: Info) -> str | None:
        from backend.cases.attachments import content

        data = await info.context.read(lambda s: content(s, self.db_id))
        return base64.b64encode(data).decode()


#: Which replies each view sees.
_REPLIES = {
    visibility.STAFF_VIEW: frozenset(models.ReplyKind),
    visibility.SUBMITTER_VIEW: frozenset(
        {models.ReplyKind.INITIAL, models.ReplyKind.RESULT, models.ReplyKind.FOLLOW_UP}
    ),
    visibility.PUBLIC_VIEW: frozenset({models.ReplyKind.RESULT}),
}


def sees_contact(principal: Principal, accountable_path: str | None, submitter: int | None) -> bool:
    """Contact details in full: the county office, the accountable unit's staff, the
    submitter (their own)."""
    if principal.user_id is not None and principal.user_id == submitter:
        return True
    if any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants):
        return True
    return accountable_path is not None and principal.has(
        Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, at_path=accountable_path
    )


@strawberry.type(
    name="Case",
    description="A case (件): a consultation, suggestion or demand, from intake to its "
    "answer and rating. Fields are shown as the caller's view allows (`view`).",
)
class Case(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    number: str = strawberry.field(description="受理编号, e.g. 2026-000123.")
    view: str = strawberry.field(
        description="The caller's view: staff, submitter or public (docs/cases.md)."
    )
    channel: CaseChannel = strawberry.field(description="How it came in.")
    kind: CaseKind = strawberry.field(description="咨询, 建议 or 诉求.")
    matter_class: MatterClass | None = strawberry.field(description="Set at classification.")
    handling_class: HandlingClass | None = strawberry.field(description="Sets the deadline.")
    title: str = strawberry.field(description="Short title (masked for the public).")
    body: str = strawberry.field(description="What was raised (masked for the public).")
    is_private: bool = strawberry.field(description="点对点: answered privately, never published.")
    state: CaseState = strawberry.field(description="Where the case is.")
    contact_name: str | None = strawberry.field(
        description="Contact person (masked outside the accountable unit; null for the public)."
    )
    contact_phone: str | None = strawberry.field(
        description="Contact phone: full for the county office, the accountable unit's staff "
        "and the submitter; 138****1234 for other staff; null for the public."
    )
    submitter_id: strawberry.ID | None = strawberry.field(description="Who raised it (staff only).")
    received_at: datetime = strawberry.field(description="When it was received.")
    due_on: date | None = strawberry.field(description="办理时限: answer by this county date.")
    due_provisional: bool = strawberry.field(
        description="The deadline was counted on a calendar not yet confirmed."
    )
    first_reply_at: datetime | None = strawberry.field(description="First reply to the person.")
    closed_at: datetime | None = strawberry.field(description="When it ended.")
    satisfaction: Satisfaction | None = strawberry.field(description="The submitter's rating.")
    rating_text: str | None = strawberry.field(description="The rating's words (not public).")
    reopen_count: int = strawberry.field(description="Times reopened after 不满意 (at most 1).")
    bounce_count: int = strawberry.field(description="Times returned by a unit (退单).")
    closed_dissatisfied: bool = strawberry.field(
        description="Closed after a second 不满意 (flagged for the county office)."
    )
    out_of_scope: OutOfScope | None = strawberry.field(description="不予受理 flag.")
    out_of_scope_reason: str | None = strawberry.field(description="Why, for the person.")
    published_at: datetime | None = strawberry.field(description="When published (政务村务公开).")
    adopted: bool = strawberry.field(description="A suggestion adopted (采纳, 金点子).")
    keywords: list[str] = strawberry.field(description="Keywords of the text.")
    accountable_unit_db_id: strawberry.Private[int]
    place_unit_db_id: strawberry.Private[int | None]
    venue_db_id: strawberry.Private[int | None]
    merged_into_db_id: strawberry.Private[int | None]
    meeting_db_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The case's stream for `streamEvents` and `events`: case:<this case's "
        "global id>."
    )
    @plain
    def stream(self) -> str:
        return f"case:{to_global_id('Case', self.id)}"

    @strawberry.field(description="Due and not answered: the deadline has passed.")
    @plain
    def overdue(self) -> bool:
        from backend.cases.replies import today

        return (
            self.due_on is not None
            and self.state in (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.IN_PROGRESS)
            and self.due_on < today()
        )

    @strawberry.field(description="The meeting it came from (会议 or 网络问政), if any.")
    @plain
    def meeting_id(self) -> strawberry.ID | None:
        return gid("Meeting", self.meeting_db_id)

    @strawberry.field(description="首接负责: the unit accountable now.")
    @prefetched("accountableUnit")
    async def accountable_unit(self, info: Info) -> OrgUnit | None:
        if (value := prefetched_value(self, "accountableUnit")) is not MISSING:
            return value  # type: ignore[no-any-return]
        row = await info.context.loaders.org_unit.load(self.accountable_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The unit handling it: the LEAD assignment's (主办单位).")
    @prefetched("handler")
    async def handler(self, info: Info) -> OrgUnit | None:
        if (value := prefetched_value(self, "handler")) is not MISSING:
            return value  # type: ignore[no-any-return]
        rows = await info.context.loaders.case_assignments.load(self.id)
        leads = [
            a
            for a in rows
            if a.role is models.AssignmentRole.LEAD
            and a.state is not models.AssignmentState.RETURNED
            and a.state is not models.AssignmentState.WITHDRAWN
        ]
        if not leads:
            return None
        row = await info.context.loaders.org_unit.load(leads[-1].unit_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The last event of its stream (staff and the submitter).")
    @prefetched("lastEvent")
    async def last_event(self, info: Info) -> CaseEventSummary | None:
        if (value := prefetched_value(self, "lastEvent")) is not MISSING:
            return value  # type: ignore[no-any-return]
        if self.view == visibility.PUBLIC_VIEW:
            return None
        found: CaseEventSummary | None = await info.context.loaders.case_last_event.load(self.id)
        return found

    @strawberry.field(description="Where the matter is (村/社区/乡镇).")
    async def place_unit(self, info: Info) -> OrgUnit | None:
        if self.place_unit_db_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.place_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The venue where it was raised, if any.")
    async def venue(self, info: Info) -> Venue | None:
        if self.venue_db_id is None:
            return None
        row = await info.context.loaders.venue.load(self.venue_db_id)
        return Venue.from_model(row) if row else None

    @strawberry.field(description="Dispatches to units (staff only; empty for others).")
    async def assignments(self, info: Info) -> list[CaseAssignment]:
        if self.view != visibility.STAFF_VIEW:
            return []
        rows = await info.context.loaders.case_assignments.load(self.id)
        return [CaseAssignment.from_model(r, staff=True) for r in rows]

    @strawberry.field(
        description="Replies the caller may see, oldest first: staff all; the submitter the "
        "initial reply, the result and 回访; the public the result. A merged case shows its "
        "primary's replies."
    )
    async def replies(self, info: Info) -> list[CaseReply]:
        source = self.merged_into_db_id or self.id
        rows = await info.context.loaders.case_replies.load(source)
        kinds = _REPLIES.get(self.view, _REPLIES[visibility.PUBLIC_VIEW])
        public = self.view == visibility.PUBLIC_VIEW
        return [CaseReply.from_model(r, public=public) for r in rows if r.kind in kinds]

    @strawberry.field(description="Attachments (staff and the submitter; empty for the public).")
    async def attachments(self, info: Info) -> list[CaseAttachment]:
        if self.view == visibility.PUBLIC_VIEW:
            return []
        rows = await info.context.loaders.case_attachments.load(self.id)
        return [
            CaseAttachment(
                id=strawberry.ID(to_global_id("CaseAttachment", r.id)),
                file_name=r.file_name,
                content_type=r.content_type,
                size_bytes=r.size_bytes,
                sha256=r.sha256,
                db_id=r.id,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Where the matter stands: a merged case's primary's state (its answer is "
        "this one's), else `state`."
    )
    async def effective_state(self, info: Info) -> CaseState:
        if self.merged_into_db_id is None:
            return self.state
        row = await info.context.loaders.case.load(self.merged_into_db_id)
        return row.state if row is not None else self.state

    @strawberry.field(
        description="The primary case this one was merged into, as the caller may see it "
        "(null for a submitter of another case: its replies reach them on their own case)."
    )
    async def merged_into(self, info: Info) -> Case | None:
        if self.merged_into_db_id is None:
            return None
        (node,) = await case_nodes(info, [self.merged_into_db_id])
        return node

    @classmethod
    def from_model(cls, c: Any, *, view: str, contact: bool) -> Case:
        """A node from a case row (an ORM `Case` or a Core row with the same names) as
        `view` may see it; `contact`: the caller sees contact details in full."""
        staff = view == visibility.STAFF_VIEW
        public = view == visibility.PUBLIC_VIEW
        if public:
            name, phone = None, None
        elif contact:
            name, phone = c.contact_name, c.contact_phone
        else:
            name, phone = mask_name(c.contact_name), mask_phone(c.contact_phone)
        return cls(
            id=c.id,
            number=c.number,
            view=view,
            channel=c.channel,
            kind=c.kind,
            matter_class=c.matter_class,
            handling_class=c.handling_class,
            title=(mask_text(c.title) or "") if public else c.title,
            body=(mask_text(c.body) or "") if public else c.body,
            is_private=c.is_private,
            state=c.state,
            contact_name=name,
            contact_phone=phone,
            submitter_id=gid("User", c.submitter_user_id) if staff else None,
            received_at=c.received_at,
            due_on=c.due_on,
            due_provisional=c.due_provisional,
            first_reply_at=c.first_reply_at,
            closed_at=c.closed_at,
            satisfaction=c.satisfaction,
            rating_text=None if public else c.rating_text,
            reopen_count=c.reopen_count,
            bounce_count=c.bounce_count,
            closed_dissatisfied=c.closed_dissatisfied,
            out_of_scope=c.out_of_scope,
            out_of_scope_reason=None if public else c.out_of_scope_reason,
            published_at=c.published_at,
            adopted=c.adopted,
            keywords=list(c.keywords or []),
            accountable_unit_db_id=c.accountable_unit_id,
            place_unit_db_id=c.place_unit_id,
            venue_db_id=c.venue_id,
            merged_into_db_id=c.merged_into_id,
            meeting_db_id=c.meeting_id,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Case | None]:
        ids = decode_node_ids("Case", node_ids)
        nodes = await case_nodes(info, [i for i in ids if i is not None])
        found = {n.id: n for n in nodes if n is not None}
        return [found.get(i) if i is not None else None for i in ids]


async def case_nodes(info: Info, case_ids: list[int]) -> list[Case | None]:
    """Case nodes by row id as the caller may see them (None: not found or not visible)."""
    if not case_ids:
        return []
    principal = await info.context.principal()
    rows = await info.context.loaders.case.load_many(case_ids)
    views = await info.context.loaders.case_view.load_many(case_ids)
    paths = await info.context.loaders.org_unit.load_many(
        [r.accountable_unit_id if r is not None else 0 for r in rows]
    )
    out: list[Case | None] = []
    for row, view, unit in zip(rows, views, paths, strict=True):
        if row is None or view is None:
            out.append(None)
            continue
        contact = sees_contact(principal, unit.path if unit else None, row.submitter_user_id)
        out.append(Case.from_model(row, view=str(view), contact=contact))
    return out


@strawberry.type(description="A line of the 议事内容清单 (what may be raised where).")
class CaseTopicRule(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    included: bool = strawberry.field(description="True: may be raised; false: excluded.")
    topic: str = strawberry.field(description="The topic, e.g. 涉法涉诉事项.")
    keywords: list[str] = strawberry.field(description="Words that identify it in a case.")
    redirect: str | None = strawberry.field(description="Where an excluded matter belongs.")
    source: str | None = strawberry.field(description="The document it comes from.")
    org_unit_id: strawberry.ID | None = strawberry.field(
        description="The unit (and subtree) it applies to; null: county-wide."
    )

    @classmethod
    def from_model(cls, r: models.TopicRule) -> CaseTopicRule:
        return cls(
            id=r.id,
            included=r.included,
            topic=r.topic,
            keywords=list(r.keywords),
            redirect=r.redirect,
            source=r.source,
            org_unit_id=gid("OrgUnit", r.org_unit_id),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CaseTopicRule | None]:
        ids = decode_node_ids("CaseTopicRule", node_ids)
        wanted = sorted({i for i in ids if i is not None})

        async def run(session: AsyncSession) -> dict[int, models.TopicRule]:
            rows = await session.scalars(
                select(models.TopicRule).where(models.TopicRule.id.in_(wanted))
            )
            return {r.id: r for r in rows}

        found = await info.context.read(run) if wanted else {}
        return [cls.from_model(found[i]) if i is not None and i in found else None for i in ids]


@strawberry.type(description="An item of a unit's inbox (待办): a case event concerning it.")
class CaseInboxEvent:
    seq: int = strawberry.field(description="Position in the inbox stream (resume with after).")
    type: str = strawberry.field(
        description="inbox.received, inbox.dispatched, inbox.signed, inbox.returned, "
        "inbox.escalated, inbox.supervised, inbox.reopened, inbox.dueSoon, inbox.overdue."
    )
    at: datetime = strawberry.field(description="When.")
    case_id: strawberry.ID = strawberry.field(description="The case.")
    number: str = strawberry.field(description="Its 受理编号.")
    title: str = strawberry.field(description="Its title.")
    state: CaseState = strawberry.field(description="Its state then.")
    assignment_id: strawberry.ID | None = strawberry.field(description="The assignment, if any.")
    role: AssignmentRole | None = strawberry.field(description="The assignment's role, if any.")
    due_on: date | None = strawberry.field(description="The case's deadline then.")
    note: str | None = strawberry.field(description="A reason or note (退单理由, 督办意见…).")
