"""GraphQL types of the 解事员 pool. What a 解事员 shows depends on the caller
(`backend.mediators.access`): the phone in full, masked or not at all; evaluations to staff
only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.cases.masking import mask_phone
from backend.core.security import Principal
from backend.mediators import access, models, pool
from backend.mediators.errors import MediatorErrorCode as _Code
from backend.mediators.pool import MediatorRecords
from schema.context import Info
from schema.errors import UserError
from schema.relay import DatabaseNode, decode_node_ids, to_global_id
from schema.tenants.types import OrgUnit, Venue

MediatorLevel = models.MediatorLevel
strawberry.enum(
    MediatorLevel,
    description="The pool's level: COUNTY 县级, TOWNSHIP 乡镇(街道)级, VILLAGE 村(社区)级.",
)
MediatorRole = models.MediatorRole
strawberry.enum(
    MediatorRole,
    description=(
        "Who serves as a 解事员 (seed 000): PARTY_CADRE 党员干部骨干, FIVE_ELDERS 五老人员, "
        "NEW_GENTRY 新乡贤, GRID_WORKER 网格员, COURTYARD_HEAD 院落长, "
        "PEOPLES_MEDIATOR 人民调解员, "
        "LEGAL_LITERATE 法律明白人, JUDGE 法官, PROCURATOR 检察官, POLICE 民警, "
        "LEGAL_ADVISER 法律顾问, LEGAL_SERVICE_WORKER 基层法律服务工作者, OTHER 其他."
    ),
)
EvaluationGrade = models.EvaluationGrade
strawberry.enum(
    EvaluationGrade, description="考评等次: EXCELLENT 优秀, GOOD 良好, PASS 合格, FAIL 不合格."
)
MediatorErrorCode = _Code
strawberry.enum(MediatorErrorCode, description="Why an action on the 解事员 pool was refused.")


@strawberry.type(description="A failure of an action on the 解事员 pool.")
class MediatorError(UserError):
    code: MediatorErrorCode = strawberry.field(description="Machine-readable reason.")


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="A training record of a 解事员 (集中培训/轮训).")
class MediatorTraining:
    id: strawberry.ID = strawberry.field(description="Global id of the record.")
    course: str = strawberry.field(description="The course.")
    trained_on: date = strawberry.field(description="The day of the training.")
    hours: float = strawberry.field(description="Hours (学时).")
    provider: str | None = strawberry.field(description="Who gave it.")

    @classmethod
    def from_model(cls, t: models.MediatorTraining) -> MediatorTraining:
        return cls(
            id=strawberry.ID(to_global_id("MediatorTraining", t.id)),
            course=t.course,
            trained_on=t.trained_on,
            hours=float(t.hours),
            provider=t.provider,
        )


@strawberry.type(description="An evaluation of a 解事员 (工作考评).")
class MediatorEvaluation:
    id: strawberry.ID = strawberry.field(description="Global id of the evaluation.")
    period: str = strawberry.field(description="The period evaluated, e.g. 2026年度.")
    grade: EvaluationGrade = strawberry.field(description="考评等次.")
    score: int | None = strawberry.field(description="Score 0–100, if given.")
    comment: str | None = strawberry.field(description="评语.")
    evaluated_on: date = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, e: models.MediatorEvaluation) -> MediatorEvaluation:
        return cls(
            id=strawberry.ID(to_global_id("MediatorEvaluation", e.id)),
            period=e.period,
            grade=e.grade,
            score=e.score,
            comment=e.comment,
            evaluated_on=e.evaluated_on,
        )


@strawberry.type(description="An award or title of a 解事员 (评选表彰).")
class MediatorAward:
    id: strawberry.ID = strawberry.field(description="Global id of the award.")
    title: str = strawberry.field(description="The title, e.g. 优秀解事员.")
    awarded_on: date = strawberry.field(description="When.")
    awarded_by: str | None = strawberry.field(description="The awarding body.")

    @classmethod
    def from_model(cls, a: models.MediatorAward) -> MediatorAward:
        return cls(
            id=strawberry.ID(to_global_id("MediatorAward", a.id)),
            title=a.title,
            awarded_on=a.awarded_on,
            awarded_by=a.awarded_by,
        )


@strawberry.type(
    description="A 解事员 (mediator) of the county's three-level pool (三级解事员人才库); "
    "also read by `node(id:)`."
)
class Mediator(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Name.")
    level: MediatorLevel = strawberry.field(description="The pool: county, township or village.")
    roles: list[MediatorRole] = strawberry.field(description="Who they are (党员干部, 五老…).")
    skills: list[str] = strawberry.field(description="Skills (专长), as tags.")
    active: bool = strawberry.field(description="In service: found for cases.")
    phone: str | None = strawberry.field(
        description="Contact phone: full for tenant admins covering their unit and for "
        "themselves, 138****1234 for staff and other 解事员, null for others."
    )
    note: str | None = strawberry.field(description="Note (staff and 解事员 only).")
    user_id: strawberry.ID | None = strawberry.field(
        description="Their account, if any (staff and 解事员 only)."
    )
    trainings: list[MediatorTraining] = strawberry.field(description="Training records.")
    evaluations: list[MediatorEvaluation] = strawberry.field(
        description="Evaluations (staff and 解事员 only; empty for others)."
    )
    awards: list[MediatorAward] = strawberry.field(description="Awards and titles.")
    training_hours: float = strawberry.field(description="Total training hours.")
    org_unit_db_id: strawberry.Private[int]
    venue_db_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The unit whose pool they belong to (county, township, village).")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        row = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="The 说事 venues they serve.")
    async def venues(self, info: Info) -> list[Venue]:
        rows = await info.context.loaders.venue.load_many(self.venue_db_ids)
        return [Venue.from_model(r) for r in rows if r is not None]

    @classmethod
    def from_model(
        cls, m: models.Mediator, unit_path: str, principal: Principal, records: MediatorRecords
    ) -> Mediator:
        contact = access.sees_contact(principal, m.user_id, unit_path)
        staff = access.sees_evaluations(principal)
        trainings = records.trainings.get(m.id, [])
        return cls(
            id=m.id,
            name=m.name,
            level=m.level,
            roles=[models.MediatorRole(r) for r in m.roles],
            skills=list(m.skills),
            active=m.active,
            phone=m.phone
            if contact == "full"
            else mask_phone(m.phone)
            if contact == "masked"
            else None,
            note=m.note if staff else None,
            user_id=gid("User", m.user_id) if staff else None,
            trainings=[MediatorTraining.from_model(t) for t in trainings],
            evaluations=[
                MediatorEvaluation.from_model(e) for e in records.evaluations.get(m.id, [])
            ]
            if staff
            else [],
            awards=[MediatorAward.from_model(a) for a in records.awards.get(m.id, [])],
            training_hours=float(sum(t.hours for t in trainings)),
            org_unit_db_id=m.org_unit_id,
            venue_db_ids=list(m.venue_ids),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Mediator | None]:
        ids = decode_node_ids("Mediator", node_ids)
        wanted = [i for i in ids if i is not None]
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> dict[int, Mediator]:
            rows = await pool.mediator_rows(session, wanted)
            records = await pool.records_of(session, [m.id for m, _ in rows])
            return {m.id: cls.from_model(m, path, principal, records) for m, path in rows}

        found = await info.context.read(run) if wanted else {}
        return [found.get(i) if i is not None else None for i in ids]


@strawberry.type(description="A 解事员 found for a case, with why they rank where they do.")
class MediatorMatch:
    mediator: Mediator = strawberry.field(description="The 解事员.")
    distance: int = strawberry.field(
        description="How far their pool is from the case's place: 0 the same unit (village), "
        "1 the unit above (township), 2 the county…"
    )
    same_venue: bool = strawberry.field(description="They serve the venue the case came from.")
    matched_skills: list[str] = strawberry.field(
        description="Their skills the case names (keywords, title or text)."
    )


@strawberry.type(description="A 解事员 assigned to a case (选派).")
class MediatorAssignment:
    id: strawberry.ID = strawberry.field(description="Global id of the assignment.")
    case_id: strawberry.ID = strawberry.field(description="The case.")
    mediator: Mediator = strawberry.field(description="The 解事员.")
    note: str | None = strawberry.field(description="Why, or what to do.")
    assigned_at: datetime = strawberry.field(description="When.")
