"""行政复议便民联系点 (seed 000 三(五)4: 在乡镇(街道)群众说事处、村(社)群众说事站设立行政复议便民
联系点, staffed by the township's 司法所): the points, their staff, and the review requests
they received and forwarded (接收行政复议申请) with the outcome.

An applicant's name and phone are personal data: in the table only (never in events),
full for tenant admins covering the point, masked for other staff and the point's staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.oversight import access
from backend.oversight.errors import OversightErrorCode as Code
from backend.oversight.events import (
    OversightEvent,
    ReviewPointCreated,
    ReviewPointStaffAdded,
    ReviewRequestOutcomeSet,
    ReviewRequestRecorded,
)
from backend.oversight.models import ReviewOutcome, ReviewPoint, ReviewPointStaff, ReviewRequest
from backend.oversight.stream import append_event
from backend.people.models import User
from tenants.models import OrgUnit, OrgUnitKind, Venue

POINT_UNIT_KINDS = (
    OrgUnitKind.TOWNSHIP,
    OrgUnitKind.SUBDISTRICT,
    OrgUnitKind.VILLAGE,
    OrgUnitKind.COMMUNITY,
)


async def get_point(session: AsyncSession, point_id: int, *, field: str = "pointId") -> ReviewPoint:
    point = await session.get(ReviewPoint, point_id) if point_id else None
    if point is None:
        raise DomainError(Code.NOT_FOUND, "行政复议便民联系点不存在", field=field)
    return point


async def point_path(session: AsyncSession, point: ReviewPoint) -> str:
    unit = await access.get_unit(session, point.org_unit_id, field="pointId")
    return unit.path


async def request_path(session: AsyncSession, request: ReviewRequest) -> str:
    """The path of the unit of the point that received `request`."""
    path = await session.scalar(
        select(OrgUnit.path)
        .join(ReviewPoint, ReviewPoint.org_unit_id == OrgUnit.id)
        .where(ReviewPoint.id == request.point_id)
    )
    return path or ""


async def create_point(
    session: AsyncSession,
    principal: Principal,
    *,
    org_unit_id: int,
    name: str,
    venue_id: int | None = None,
    address: str | None = None,
) -> ReviewPoint:
    """A contact point in a township/subdistrict (说事处) or village/community (说事站), by a
    tenant admin covering the unit; its venue, if named, is one of the unit's."""
    principal.require_user()
    unit = await access.get_unit(session, org_unit_id, field="orgUnitId")
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)
    if unit.kind not in POINT_UNIT_KINDS:
        raise DomainError(
            Code.WRONG_UNIT_KIND,
            "行政复议便民联系点设在乡镇(街道)群众说事处或村(社)群众说事站",
            field="orgUnitId",
        )
    if venue_id is not None:
        venue = await session.get(Venue, venue_id)
        if venue is None or venue.org_unit_id != unit.id:
            raise DomainError(Code.UNKNOWN_VENUE, "说事场所不存在或不属于该单位", field="venueId")
    point = ReviewPoint(
        tenant_id=principal.require_tenant(),
        org_unit_id=unit.id,
        venue_id=venue_id,
        name=clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100),
        address=clean_text(
            address,
            field="address",
            code=Code.INVALID,
            label="地址",
            max_length=200,
            required=False,
        ),
    )
    session.add(point)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.REVIEW_POINT_CREATED,
        ReviewPointCreated(id=point.id, orgUnitId=unit.id, venueId=venue_id, name=point.name),
    )
    return point


async def add_staff(
    session: AsyncSession,
    principal: Principal,
    *,
    point_id: int,
    name: str,
    position: str | None = None,
    phone: str | None = None,
    user_id: int | None = None,
) -> ReviewPointStaff:
    principal.require_user()
    point = await get_point(session, point_id)
    principal.require(Role.TENANT_ADMIN, at_path=await point_path(session, point))
    if user_id is not None and await session.get(User, user_id) is None:
        raise DomainError(Code.NOT_FOUND, "账号不存在或不属于本县", field="userId")
    staff = ReviewPointStaff(
        tenant_id=point.tenant_id,
        point_id=point.id,
        user_id=user_id,
        name=clean_text(name, field="name", code=Code.INVALID, label="姓名", max_length=50),
        position=clean_text(
            position,
            field="position",
            code=Code.INVALID,
            label="职务",
            max_length=50,
            required=False,
        ),
        phone=access.phone(phone, field="phone"),
    )
    session.add(staff)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.REVIEW_POINT_STAFF_ADDED,
        ReviewPointStaffAdded(pointId=point.id, staffId=staff.id, position=staff.position),
    )
    return staff


async def _is_point_staff(session: AsyncSession, principal: Principal, point_id: int) -> bool:
    if principal.user_id is None:
        return False
    found = await session.scalar(
        select(ReviewPointStaff.id).where(
            ReviewPointStaff.point_id == point_id, ReviewPointStaff.user_id == principal.user_id
        )
    )
    return found is not None


async def require_point_worker(
    session: AsyncSession, principal: Principal, point: ReviewPoint
) -> None:
    """Tenant admins and department staff covering the point's unit, or its own staff."""
    principal.require_user()
    if access.is_staff(principal, await point_path(session, point)):
        return
    if await _is_point_staff(session, principal, point.id):
        return
    raise PermissionDenied("无权执行此操作：需要联系点工作人员、司法所或县级管理员")


async def record_request(
    session: AsyncSession,
    principal: Principal,
    *,
    point_id: int,
    received_on: date,
    applicant_name: str,
    matter: str,
    forwarded_to: str,
    forwarded_on: date | None = None,
    applicant_phone: str | None = None,
    applicant_user_id: int | None = None,
) -> ReviewRequest:
    """A review request received at the point (not after today) and where it went."""
    principal.require_user()
    point = await get_point(session, point_id)
    await require_point_worker(session, principal, point)
    access.not_future(received_on, field="receivedOn", label="接收日期")
    if forwarded_on is not None:
        access.not_future(forwarded_on, field="forwardedOn", label="转交日期")
        if forwarded_on < received_on:
            raise DomainError(Code.BAD_DATES, "转交日期不能早于接收日期", field="forwardedOn")
    if applicant_user_id is not None and await session.get(User, applicant_user_id) is None:
        raise DomainError(Code.NOT_FOUND, "账号不存在或不属于本县", field="applicantUserId")
    request = ReviewRequest(
        tenant_id=point.tenant_id,
        point_id=point.id,
        received_on=received_on,
        applicant_name=clean_text(
            applicant_name,
            field="applicantName",
            code=Code.INVALID,
            label="申请人",
            max_length=50,
        ),
        applicant_phone=access.phone(applicant_phone, field="applicantPhone"),
        applicant_user_id=applicant_user_id,
        matter=clean_text(
            matter, field="matter", code=Code.INVALID, label="申请事项", max_length=2000
        ),
        forwarded_to=clean_text(
            forwarded_to, field="forwardedTo", code=Code.INVALID, label="转交机关", max_length=100
        ),
        forwarded_on=forwarded_on,
        outcome=ReviewOutcome.PENDING,
    )
    session.add(request)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.REVIEW_REQUEST_RECORDED,
        ReviewRequestRecorded(
            id=request.id,
            pointId=point.id,
            receivedOn=received_on.isoformat(),
            forwardedTo=request.forwarded_to,
            forwardedOn=forwarded_on.isoformat() if forwarded_on else None,
            outcome=request.outcome.value,
        ),
    )
    return request


async def set_request_outcome(
    session: AsyncSession,
    principal: Principal,
    *,
    request_id: int,
    outcome: ReviewOutcome,
    note: str | None = None,
) -> ReviewRequest:
    principal.require_user()
    request = await session.scalar(
        select(ReviewRequest).where(ReviewRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise DomainError(Code.NOT_FOUND, "行政复议申请记录不存在", field="requestId")
    point = await get_point(session, request.point_id, field="requestId")
    await require_point_worker(session, principal, point)
    request.outcome = outcome
    request.outcome_note = clean_text(
        note, field="note", code=Code.INVALID, label="结果说明", max_length=2000, required=False
    )
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.REVIEW_REQUEST_OUTCOME_SET,
        ReviewRequestOutcomeSet(id=request.id, pointId=point.id, outcome=outcome.value),
    )
    return request


# -- reading ---------------------------------------------------------------------------------


async def list_points(
    session: AsyncSession, principal: Principal, *, org_unit_id: int | None = None
) -> list[tuple[ReviewPoint, str, list[ReviewPointStaff]]]:
    """The county's contact points (public service information: anyone of the county), in
    the subtree of `org_unit_id` if given, each with its unit's path and its staff."""
    principal.require_tenant()
    conditions: list[ColumnElement[bool]] = []
    if org_unit_id is not None:
        root = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))
        if root is None:
            return []
        conditions.append(OrgUnit.path.startswith(root, autoescape=True))
    rows = (
        await session.execute(
            select(ReviewPoint, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == ReviewPoint.org_unit_id)
            .where(*conditions)
            .order_by(ReviewPoint.id)
            .limit(500)
        )
    ).all()
    staff: dict[int, list[ReviewPointStaff]] = {}
    ids = [p.id for p, _ in rows]
    if ids:
        for s in await session.scalars(
            select(ReviewPointStaff)
            .where(ReviewPointStaff.point_id.in_(ids))
            .order_by(ReviewPointStaff.id)
        ):
            staff.setdefault(s.point_id, []).append(s)
    return [(p, path, staff.get(p.id, [])) for p, path in rows]


@dataclass(frozen=True, slots=True)
class RequestFilter:
    point_id: int | None = None
    outcome: ReviewOutcome | None = None


async def list_requests(
    session: AsyncSession,
    principal: Principal,
    *,
    f: RequestFilter,
    after: int | None,
    limit: int,
) -> list[tuple[ReviewRequest, str]]:
    """Requests the caller may see (staff covering the point's unit, the point's own
    staff), newest first, each with the point's unit path."""
    principal.require_user()
    allowed: list[ColumnElement[bool]] = [
        ReviewRequest.point_id.in_(
            select(ReviewPointStaff.point_id).where(ReviewPointStaff.user_id == principal.user_id)
        )
    ]
    paths = [g.org_path for g in principal.grants if g.role in access.STAFF_ROLES]
    if None in paths:
        allowed.append(OrgUnit.id.is_not(None))
    else:
        allowed.extend(OrgUnit.path.startswith(p, autoescape=True) for p in paths if p)
    conditions = [or_(*allowed)]
    if f.point_id is not None:
        conditions.append(ReviewRequest.point_id == f.point_id)
    if f.outcome is not None:
        conditions.append(ReviewRequest.outcome == f.outcome)
    if after is not None:
        conditions.append(ReviewRequest.id < after)
    rows = (
        await session.execute(
            select(ReviewRequest, OrgUnit.path)
            .join(ReviewPoint, ReviewPoint.id == ReviewRequest.point_id)
            .join(OrgUnit, OrgUnit.id == ReviewPoint.org_unit_id)
            .where(*conditions)
            .order_by(ReviewRequest.id.desc())
            .limit(limit)
        )
    ).all()
    return [(r, p) for r, p in rows]
