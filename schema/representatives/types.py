"""GraphQL types of representatives (两代表一委员), their places, proposals (建议提案),
written consultations (书面征询) and counterpart consultations (对口协商)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import relay

from backend.cases.masking import mask_phone
from backend.cases.stream import local_day, now
from backend.representatives import models
from backend.representatives.errors import RepresentativeErrorCode as _Code
from backend.representatives.linkage import places_of, representatives_by_ids
from backend.representatives.proposals import units_of
from schema.cases.types import Satisfaction
from schema.context import Info
from schema.errors import UserError
from schema.relay import DatabaseNode, decode_node_ids, to_global_id
from schema.tenants.types import OrgUnit, Venue

RepresentativeKind = models.RepresentativeKind
strawberry.enum(RepresentativeKind, description="NPC_DEPUTY 人大代表, CPPCC_MEMBER 政协委员.")
DeputyLevel = models.DeputyLevel
strawberry.enum(
    DeputyLevel,
    description="The congress a 人大代表 sits in: NATIONAL 全国, PROVINCE 省, CITY 市, "
    "COUNTY 县, TOWNSHIP 乡.",
)
ProposalKind = models.ProposalKind
strawberry.enum(ProposalKind, description="SUGGESTION 人大代表建议, PROPOSAL 政协提案.")
ProposalState = models.ProposalState
strawberry.enum(
    ProposalState,
    description="REGISTERED 已登记 → ASSIGNED 已交办 → REPLIED 已答复(待评价) → RATED 已评价.",
)
ProposalUnitRole = models.ProposalUnitRole
strawberry.enum(ProposalUnitRole, description="LEAD 主办, CO 协办.")
RepresentativeErrorCode = _Code
strawberry.enum(RepresentativeErrorCode, description="Why a representatives action was refused.")


@strawberry.type(description="A failure of a representatives action (两代表一委员, 建议提案).")
class RepresentativeError(UserError):
    code: RepresentativeErrorCode = strawberry.field(description="Machine-readable reason.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


def _today() -> date:
    return local_day(now())


@strawberry.type(description="A place a representative serves: a village/community or a 联系点.")
class RepresentativePlace:
    id: strawberry.ID = strawberry.field(description="Global id of the linkage.")
    starts_on: date = strawberry.field(description="Serving from (inclusive).")
    ends_on: date | None = strawberry.field(description="Serving until (inclusive); null: open.")
    representative_id: strawberry.ID = strawberry.field(description="The representative.")
    org_unit_db_id: strawberry.Private[int | None]
    venue_db_id: strawberry.Private[int | None]

    @strawberry.field(description="True when the linkage is in force today.")
    def active(self) -> bool:
        today = _today()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    @strawberry.field(description="The village/community (or township, grid) served, if a unit.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.org_unit_db_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The 联系点 served, if a venue.")
    async def venue(self, info: Info) -> Venue | None:
        if self.venue_db_id is None:
            return None
        row = await info.context.loaders.venue.load(self.venue_db_id)
        return Venue.from_model(row) if row else None

    @classmethod
    def from_model(cls, p: models.RepresentativePlace) -> RepresentativePlace:
        return cls(
            id=strawberry.ID(to_global_id("RepresentativePlace", p.id)),
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            representative_id=strawberry.ID(to_global_id("Representative", p.representative_id)),
            org_unit_db_id=p.org_unit_id,
            venue_db_id=p.venue_id,
        )


@strawberry.type(
    description="A 人大代表 or 政协委员 of the county, with the places they serve. The phone "
    "number is shown in full to the county office only, masked to others."
)
class Representative(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    kind: RepresentativeKind = strawberry.field(description="人大代表 or 政协委员.")
    level: DeputyLevel | None = strawberry.field(description="人大代表's level; null for 政协委员.")
    sector: str | None = strawberry.field(description="政协委员's 界别; null for 人大代表.")
    name: str = strawberry.field(description="Name.")
    unit: str | None = strawberry.field(description="工作单位及职务.")
    phone: str | None = strawberry.field(description="Phone (masked unless county office).")
    has_account: bool = strawberry.field(
        description="True when linked to an account (then they see their places' cases)."
    )
    places: list[RepresentativePlace] = strawberry.field(
        description="Every place served, current and past, oldest first."
    )

    @strawberry.field(description="The stream of this record (`representative:<id>`).")
    def stream(self) -> str:
        return f"representative:{self.id}"

    @classmethod
    def from_model(
        cls,
        r: models.Representative,
        places: Iterable[models.RepresentativePlace],
        *,
        full_phone: bool,
    ) -> Representative:
        return cls(
            id=r.id,
            kind=r.kind,
            level=r.level,
            sector=r.sector,
            name=r.name,
            unit=r.unit,
            phone=r.phone if full_phone else (mask_phone(r.phone) if r.phone else None),
            has_account=r.user_id is not None,
            places=[RepresentativePlace.from_model(p) for p in places],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Representative | None]:
        principal = await info.context.principal()
        if principal.user_id is None:
            return [None for _ in node_ids]
        ids = decode_node_ids("Representative", node_ids)
        return await representative_nodes(info, ids)


async def representative_nodes(info: Info, ids: list[int | None]) -> list[Representative | None]:
    """Nodes for representative ids with their places (two statements)."""
    from backend.representatives.access import is_county_office

    principal = await info.context.principal()
    valid = sorted({i for i in ids if i is not None})

    async def load(session):  # type: ignore[no-untyped-def]
        return await representatives_by_ids(session, valid), await places_of(session, valid)

    reps, places = await info.context.read(load)
    full = is_county_office(principal)
    return [
        Representative.from_model(reps[i], places.get(i, []), full_phone=full)
        if i is not None and i in reps
        else None
        for i in ids
    ]


@strawberry.type(description="A unit a proposal is assigned to (交办).")
class ProposalUnit:
    role: ProposalUnitRole = strawberry.field(description="LEAD 主办 or CO 协办.")
    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.unit_db_id)
        return OrgUnit.from_model(row) if row else None


@strawberry.type(
    description="A 人大代表建议 or 政协提案: registered, assigned (交办), perhaps taken by a "
    "leader (领办) and handled face to face (面对面), replied, rated (docs/representatives.md)."
)
class Proposal(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    number: str = strawberry.field(description="Number, e.g. JY2026-0001 (建议) or TA2026-0001.")
    kind: ProposalKind = strawberry.field(description="建议 or 提案.")
    state: ProposalState = strawberry.field(description="Where the handling is.")
    title: str = strawberry.field(description="Title.")
    body: str = strawberry.field(description="Text.")
    registered_at: datetime = strawberry.field(description="When registered.")
    assigned_on: date | None = strawberry.field(description="Day of 交办.")
    due_on: date | None = strawberry.field(
        description="Reply by (rule `proposal.reply`, working days on the county calendar)."
    )
    due_provisional: bool = strawberry.field(
        description="The deadline was counted over a year without a published calendar."
    )
    leader_id: strawberry.ID | None = strawberry.field(
        description="The county leader who took it personally (领办), a User id."
    )
    leader_note: str | None = strawberry.field(description="Note of the 领办.")
    meeting_id: strawberry.ID | None = strawberry.field(
        description="The face-to-face meeting (面对面), a Meeting id."
    )
    reply: str | None = strawberry.field(description="The lead unit's reply.")
    replied_at: datetime | None = strawberry.field(description="When replied.")
    on_time: bool | None = strawberry.field(
        description="Replied by the deadline (null: not replied)."
    )
    overdue: bool = strawberry.field(description="Past the deadline without a reply.")
    satisfaction: Satisfaction | None = strawberry.field(description="The proposer's rating.")
    rating_text: str | None = strawberry.field(description="The proposer's words (不满意: why).")
    units: list[ProposalUnit] = strawberry.field(description="Lead unit first, then co-units.")
    representative_db_id: strawberry.Private[int]
    #: The representative when the page read it with the proposals (no statement per node).
    prefetched_representative: strawberry.Private[Representative | None] = None

    @strawberry.field(description="The stream of its handling (`proposal:<id>`).")
    def stream(self) -> str:
        return f"proposal:{self.id}"

    @strawberry.field(description="The representative who filed it.")
    async def representative(self, info: Info) -> Representative | None:
        if self.prefetched_representative is not None:
            return self.prefetched_representative
        (node,) = await representative_nodes(info, [self.representative_db_id])
        return node

    @classmethod
    def from_model(
        cls,
        p: models.Proposal,
        units: Iterable[models.ProposalUnit],
        representative: Representative | None = None,
    ) -> Proposal:
        ordered = sorted(units, key=lambda u: (u.role is not models.ProposalUnitRole.LEAD, u.id))
        return cls(
            id=p.id,
            number=p.number,
            kind=p.kind,
            state=p.state,
            title=p.title,
            body=p.body,
            registered_at=p.registered_at,
            assigned_on=p.assigned_on,
            due_on=p.due_on,
            due_provisional=p.due_provisional,
            leader_id=gid("User", p.leader_user_id),
            leader_note=p.leader_note,
            meeting_id=gid("Meeting", p.meeting_id),
            reply=p.reply,
            replied_at=p.replied_at,
            on_time=(p.replied_on <= p.due_on if p.due_on else True) if p.replied_on else None,
            overdue=p.replied_on is None and p.due_on is not None and _today() > p.due_on,
            satisfaction=p.satisfaction,
            rating_text=p.rating_text,
            units=[ProposalUnit(role=u.role, unit_db_id=u.unit_id) for u in ordered],
            representative_db_id=p.representative_id,
            prefetched_representative=representative,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Proposal | None]:
        from backend.representatives.access import READER_ROLES

        principal = await info.context.principal()
        if principal.user_id is None or not principal.has(*READER_ROLES):
            return [None for _ in node_ids]
        return await proposal_nodes(info, decode_node_ids("Proposal", node_ids))


async def proposal_nodes(info: Info, ids: list[int | None]) -> list[Proposal | None]:
    from sqlalchemy import select

    valid = sorted({i for i in ids if i is not None})

    async def load(session):  # type: ignore[no-untyped-def]
        rows = (
            await session.scalars(select(models.Proposal).where(models.Proposal.id.in_(valid)))
        ).all()
        return {r.id: r for r in rows}, await units_of(session, valid)

    rows, units = await info.context.read(load) if valid else ({}, {})
    return [
        Proposal.from_model(rows[i], units.get(i, [])) if i is not None and i in rows else None
        for i in ids
    ]


@strawberry.type(description="Proposal figures of one unit (建议提案办理统计).")
class ProposalUnitFigures:
    assigned: int = strawberry.field(description="Assigned as lead unit (主办).")
    co_assigned: int = strawberry.field(description="Assigned as co-unit (协办).")
    replied: int = strawberry.field(description="Replied (as lead unit).")
    on_time: int = strawberry.field(description="Replied by the deadline.")
    overdue: int = strawberry.field(description="Replied late, or unreplied past the deadline.")
    satisfied: int = strawberry.field(description="Rated 满意.")
    basically_satisfied: int = strawberry.field(description="Rated 基本满意.")
    dissatisfied: int = strawberry.field(description="Rated 不满意.")
    unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The unit.")
    async def unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.unit_db_id)
        return OrgUnit.from_model(row) if row else None


@strawberry.type(description="A representative's participation in a year (履职统计).")
class RepresentativeParticipation:
    representative_id: strawberry.ID = strawberry.field(description="The representative.")
    year: int = strawberry.field(description="The county year.")
    meetings_attended: int = strawberry.field(description="Meetings checked in to (参会).")
    opinions_given: int = strawberry.field(
        description="Opinions given: meeting comments written, cases raised and "
        "opinions on draft decisions (重大行政决策征求意见)."
    )
    proposals_filed: int = strawberry.field(description="Suggestions/proposals registered.")
    consultations_answered: int = strawberry.field(
        description="Written consultations (书面征询) answered."
    )
    counterpart_sessions: int = strawberry.field(
        description="对口协商 sessions attended (recorded as a participant)."
    )


@strawberry.type(description="Who a written consultation went to, and their reply.")
class ConsultationRecipient:
    id: strawberry.ID = strawberry.field(description="Global id (for the reply).")
    committee: str | None = strawberry.field(description="A 专委会 by name, if that.")
    representative_id: strawberry.ID | None = strawberry.field(
        description="The representative consulted, if that."
    )
    reply: str | None = strawberry.field(description="The written reply.")
    replied_at: datetime | None = strawberry.field(description="When replied.")
    unit_db_id: strawberry.Private[int | None]

    @strawberry.field(description="The unit consulted, if that.")
    async def unit(self, info: Info) -> OrgUnit | None:
        if self.unit_db_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, r: models.ConsultationRecipient) -> ConsultationRecipient:
        return cls(
            id=strawberry.ID(to_global_id("ConsultationRecipient", r.id)),
            committee=r.committee,
            representative_id=gid("Representative", r.representative_id),
            reply=r.reply,
            replied_at=r.replied_at,
            unit_db_id=r.unit_id,
        )


@strawberry.type(description="A 书面征询: a draft sent for written opinions by a deadline.")
class WrittenConsultation:
    id: strawberry.ID = strawberry.field(description="Global id.")
    title: str = strawberry.field(description="Title.")
    draft: str = strawberry.field(description="The draft consulted on.")
    sent_at: datetime = strawberry.field(description="When sent.")
    due_on: date = strawberry.field(description="Reply by (rule `consultation.written_reply`).")
    due_provisional: bool = strawberry.field(
        description="The deadline was counted over a year without a published calendar."
    )
    overdue: bool = strawberry.field(description="Past the deadline with a recipient unreplied.")
    recipients: list[ConsultationRecipient] = strawberry.field(description="Who was consulted.")
    sender_unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The unit that sent it.")
    async def sender_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.sender_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="Its stream (`wconsultation:<id>`).")
    def stream(self) -> str:
        return f"wconsultation:{self.id_db}"

    id_db: strawberry.Private[int]

    @classmethod
    def from_model(
        cls, c: models.WrittenConsultation, recipients: Iterable[models.ConsultationRecipient]
    ) -> WrittenConsultation:
        rs = list(recipients)
        return cls(
            id=strawberry.ID(to_global_id("WrittenConsultation", c.id)),
            title=c.title,
            draft=c.draft,
            sent_at=c.sent_at,
            due_on=c.due_on,
            due_provisional=c.due_provisional,
            overdue=_today() > c.due_on and any(r.replied_at is None for r in rs),
            recipients=[ConsultationRecipient.from_model(r) for r in rs],
            sender_unit_db_id=c.sender_unit_id,
            id_db=c.id,
        )


@strawberry.type(description="A participant of a 对口协商 session, as recorded.")
class CounterpartParticipant:
    name: str = strawberry.field(description="Name.")
    role: str | None = strawberry.field(description="Their capacity, e.g. 政协委员, 局长.")
    representative_id: strawberry.ID | None = strawberry.field(
        description="The representative, when one of the county's."
    )


@strawberry.type(description="A 对口协商 session between a department and its committee.")
class CounterpartSession:
    id: strawberry.ID = strawberry.field(description="Global id.")
    committee: str = strawberry.field(description="The counterpart committee (对口专门委员会).")
    title: str = strawberry.field(description="Subject.")
    held_on: date = strawberry.field(description="Day held.")
    topics: list[str] = strawberry.field(description="Topics discussed.")
    participants: list[CounterpartParticipant] = strawberry.field(description="Who took part.")
    minutes: str | None = strawberry.field(description="Minutes (纪要).")
    department_db_id: strawberry.Private[int]

    @strawberry.field(description="The department.")
    async def department(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.department_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, s: models.CounterpartSession) -> CounterpartSession:
        return cls(
            id=strawberry.ID(to_global_id("CounterpartSession", s.id)),
            committee=s.committee,
            title=s.title,
            held_on=s.held_on,
            topics=list(s.topics),
            participants=[
                CounterpartParticipant(
                    name=str(p.get("name") or ""),
                    role=p.get("role"),
                    representative_id=gid("Representative", p.get("representativeId")),
                )
                for p in s.participants
            ],
            minutes=s.minutes,
            department_db_id=s.department_unit_id,
        )
