"""民生实事 (people's livelihood projects), a year's round (seeds 000 "由群众'开单'", 001
"市办实事… 每月在政务网站上公布进展情况"): citizens propose (群众开单) → county staff
shortlist, with a published reason for each proposal not shortlisted → a public vote in a
window (one vote per person per project; at most `livelihood.max_votes` projects per
person, from the county rulebook) → the county office adopts the list → staff break
projects into weighted sub-projects and publish monthly progress (percentage and
milestones) on the leaves; a parent's progress is derived (`backend.agenda.progress`) →
year-end satisfaction evaluation by the public."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.access import (
    check_year,
    get_row,
    require_county_office,
    require_county_staff,
    require_unit,
)
from backend.agenda.errors import AgendaErrorCode as Code
from backend.agenda.events import (
    LivelihoodEvent,
    ProgressReported,
    ProjectEvaluated,
    ProjectProposed,
    ProjectReviewed,
    ProjectsAdopted,
    ProjectVoted,
    RoundOpened,
    RoundStateChanged,
    SubprojectAdded,
    VotingOpened,
)
from backend.agenda.models import (
    EVALUATION_PURPOSE,
    VOTE_PURPOSE,
    LivelihoodEvaluation,
    LivelihoodProgress,
    LivelihoodProject,
    LivelihoodRound,
    LivelihoodVote,
    ProjectStatus,
    RoundState,
    Satisfaction,
)
from backend.agenda.stream import on_round
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.pseudonyms import lock_key, pseudonym
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.models import Tenant

STATE_LABELS = {
    RoundState.COLLECTING: "征集中",
    RoundState.VOTING: "投票中",
    RoundState.VOTE_CLOSED: "投票已结束",
    RoundState.ADOPTED: "已确定实施",
    RoundState.EVALUATING: "年终评价中",
}
MAX_MILESTONES = 20
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _now() -> datetime:
    return datetime.now(UTC)


def _require_state(round: LivelihoodRound, *states: RoundState, action: str, field: str) -> None:
    if round.state not in states:
        raise DomainError(
            Code.INVALID_STATE,
            f"本年度民生实事{STATE_LABELS[round.state]}，不能{action}",
            field=field,
        )


async def _round_of(
    session: AsyncSession, project: LivelihoodProject, *, lock: bool = False
) -> LivelihoodRound:
    return await get_row(
        session, LivelihoodRound, project.round_id, field="projectId", what="民生实事", lock=lock
    )


async def _project(
    session: AsyncSession, project_id: int, *, lock: bool = False
) -> LivelihoodProject:
    return await get_row(
        session, LivelihoodProject, project_id, field="projectId", what="民生实事项目", lock=lock
    )


async def max_votes(session: AsyncSession, tenant_id: int) -> int:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    try:
        return rules.effective_rule(settings or {}, "livelihood.max_votes").value
    except (KeyError, ValueError) as exc:
        raise DomainError(
            Code.INVALID, f"本县未正确配置“livelihood.max_votes”：{exc}", field="roundId"
        ) from exc


async def open_round(
    session: AsyncSession, principal: Principal, *, year: int, title: str
) -> LivelihoodRound:
    require_county_staff(principal)
    check_year(year)
    title = clean_text(title, field="title", code=Code.INVALID, label="名称", max_length=200)
    if await session.scalar(select(LivelihoodRound.id).where(LivelihoodRound.year == year)):
        raise DomainError(Code.DUPLICATE_YEAR, f"{year}年度民生实事征集已存在", field="year")
    round = LivelihoodRound(
        tenant_id=principal.require_tenant(), year=year, title=title, state=RoundState.COLLECTING
    )
    session.add(round)
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.OPENED,
        RoundOpened(id=round.id, year=year, title=title, state=round.state.value),
    )
    return round


async def propose(
    session: AsyncSession, principal: Principal, *, round_id: int, title: str, description: str
) -> LivelihoodProject:
    """群众开单: any signed-in member of the county, while the round collects."""
    user_id = principal.require_user()
    round = await get_row(session, LivelihoodRound, round_id, field="roundId", what="民生实事征集")
    _require_state(round, RoundState.COLLECTING, action="开单", field="roundId")
    project = LivelihoodProject(
        tenant_id=round.tenant_id,
        round_id=round.id,
        title=clean_text(title, field="title", code=Code.INVALID, label="项目名称", max_length=200),
        description=clean_text(
            description, field="description", code=Code.INVALID, label="项目说明", max_length=2000
        ),
        proposer_user_id=user_id,
        status=ProjectStatus.PROPOSED,
        vote_count=0,
    )
    session.add(project)
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.PROPOSED,
        ProjectProposed(
            projectId=project.id,
            title=project.title,
            description=project.description,
            status=project.status.value,
        ),
    )
    return project


async def review(
    session: AsyncSession,
    principal: Principal,
    *,
    project_id: int,
    shortlisted: bool,
    reason: str | None,
) -> LivelihoodProject:
    """筛选: shortlist a proposal, or not with a published reason (which a later review,
    while collecting, may change)."""
    require_county_staff(principal)
    project = await _project(session, project_id, lock=True)
    round = await _round_of(session, project)
    _require_state(round, RoundState.COLLECTING, action="筛选", field="projectId")
    if project.parent_id is not None:
        raise DomainError(Code.INVALID_STATE, "子项目无需筛选", field="projectId")
    why = clean_text(
        reason,
        field="reason",
        code=Code.REASON_REQUIRED,
        label="未入围理由" if not shortlisted else "理由",
        max_length=1000,
        required=not shortlisted,
    )
    project.status = ProjectStatus.SHORTLISTED if shortlisted else ProjectStatus.NOT_SHORTLISTED
    project.review_reason = why
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.REVIEWED,
        ProjectReviewed(projectId=project.id, status=project.status.value, reason=why),
    )
    return project


async def open_voting(
    session: AsyncSession, principal: Principal, *, round_id: int, closes_at: datetime
) -> LivelihoodRound:
    """The public vote opens now and closes at `closes_at`; the rulebook's
    `livelihood.max_votes` is fixed for the round as it opens."""
    require_county_staff(principal)
    round = await get_row(
        session, LivelihoodRound, round_id, field="roundId", what="民生实事征集", lock=True
    )
    _require_state(round, RoundState.COLLECTING, action="开始投票", field="roundId")
    now = _now()
    if closes_at.tzinfo is None or closes_at <= now:
        raise DomainError(Code.INVALID, "投票截止时间须晚于现在（且带时区）", field="closesAt")
    shortlisted = int(
        await session.scalar(
            select(func.count())
            .select_from(LivelihoodProject)
            .where(
                LivelihoodProject.round_id == round.id,
                LivelihoodProject.status == ProjectStatus.SHORTLISTED,
            )
        )
        or 0
    )
    if shortlisted == 0:
        raise DomainError(Code.INVALID_STATE, "尚无入围项目，不能开始投票", field="roundId")
    round.max_votes = await max_votes(session, round.tenant_id)
    round.vote_opens_at, round.vote_closes_at = now, closes_at
    round.state = RoundState.VOTING
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.VOTING_OPENED,
        VotingOpened(
            state=round.state.value,
            maxVotes=round.max_votes,
            closesAt=closes_at.isoformat(),
            shortlisted=shortlisted,
        ),
    )
    return round


async def vote(
    session: AsyncSession, principal: Principal, *, project_id: int
) -> LivelihoodProject:
    """One vote for a shortlisted project, inside the window; at most the round's
    `max_votes` projects per person (one person's votes serialise on an advisory lock, so
    two at once cannot both take the last place)."""
    user_id = principal.require_user()
    project = await _project(session, project_id)
    round = await _round_of(session, project)
    now = _now()
    if (
        round.state is not RoundState.VOTING
        or round.vote_closes_at is None
        or not (round.vote_opens_at or now) <= now < round.vote_closes_at
    ):
        raise DomainError(Code.VOTING_CLOSED, "不在投票时间内", field="projectId")
    if project.status is not ProjectStatus.SHORTLISTED:
        raise DomainError(Code.INVALID_STATE, "只能为入围项目投票", field="projectId")
    voter = pseudonym(VOTE_PURPOSE, round.tenant_id, round.id, user_id)
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:a, :b)"),
        {"a": 0x4C56 ^ (round.id & 0x7FFFFFFF), "b": lock_key(voter)},
    )
    mine = (
        await session.scalars(
            select(LivelihoodVote.project_id).where(
                LivelihoodVote.round_id == round.id, LivelihoodVote.voter == voter
            )
        )
    ).all()
    if project.id in mine:
        raise DomainError(Code.ALREADY_VOTED, "您已为该项目投过票", field="projectId")
    limit = round.max_votes or 0
    if len(mine) >= limit:
        raise DomainError(
            Code.VOTE_LIMIT,
            f"每人最多可为{limit}个项目投票（依据本县规则 livelihood.max_votes）",
            field="projectId",
        )
    session.add(
        LivelihoodVote(
            tenant_id=round.tenant_id, round_id=round.id, project_id=project.id, voter=voter
        )
    )
    count = await session.scalar(
        update(LivelihoodProject)
        .where(LivelihoodProject.id == project.id)
        .values(vote_count=LivelihoodProject.vote_count + 1)
        .returning(LivelihoodProject.vote_count)
    )
    project.vote_count = int(count or 0)
    await session.flush()
    # No actor: the log (and every export of it) must not say who voted for what.
    await on_round(
        session,
        None,
        round,
        LivelihoodEvent.VOTED,
        ProjectVoted(projectId=project.id, voteCount=project.vote_count),
    )
    return project


async def close_voting(
    session: AsyncSession, principal: Principal, *, round_id: int
) -> LivelihoodRound:
    """End the vote (at the announced close, or earlier by the county's decision)."""
    require_county_staff(principal)
    round = await get_row(
        session, LivelihoodRound, round_id, field="roundId", what="民生实事征集", lock=True
    )
    _require_state(round, RoundState.VOTING, action="结束投票", field="roundId")
    round.state = RoundState.VOTE_CLOSED
    now = _now()
    if round.vote_closes_at is None or round.vote_closes_at > now:
        round.vote_closes_at = now
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.VOTING_CLOSED,
        RoundStateChanged(state=round.state.value),
    )
    return round


async def adopt(
    session: AsyncSession, principal: Principal, *, round_id: int, project_ids: list[int]
) -> LivelihoodRound:
    """确定: the county office adopts shortlisted projects of the closed vote; the other
    shortlisted ones are not adopted."""
    require_county_office(principal)
    round = await get_row(
        session, LivelihoodRound, round_id, field="roundId", what="民生实事征集", lock=True
    )
    _require_state(round, RoundState.VOTE_CLOSED, action="确定实施项目", field="roundId")
    if not project_ids:
        raise DomainError(Code.INVALID, "请至少选择一个项目", field="projectIds")
    shortlisted = {
        p.id: p
        for p in (
            await session.scalars(
                select(LivelihoodProject)
                .where(
                    LivelihoodProject.round_id == round.id,
                    LivelihoodProject.status == ProjectStatus.SHORTLISTED,
                )
                .with_for_update()
            )
        ).all()
    }
    chosen = list(dict.fromkeys(project_ids))
    for i, pid in enumerate(chosen):
        if pid not in shortlisted:
            raise DomainError(
                Code.NOT_FOUND, "项目不存在或未入围本年度投票", field=f"projectIds.{i}"
            )
    for pid, project in shortlisted.items():
        project.status = ProjectStatus.ADOPTED if pid in chosen else ProjectStatus.NOT_ADOPTED
    round.state = RoundState.ADOPTED
    round.adopted_at = _now()
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.ADOPTED,
        ProjectsAdopted(
            state=round.state.value,
            adopted=sorted(chosen),
            notAdopted=sorted(set(shortlisted) - set(chosen)),
        ),
    )
    return round


def _weight(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        weight = Decimal(value.strip())
    except InvalidOperation as exc:
        raise DomainError(Code.INVALID, "权重应为正数", field="weight") from exc
    if not weight.is_finite() or weight <= 0 or weight >= Decimal("1000000"):
        raise DomainError(Code.INVALID, "权重应为大于0且小于1000000的数", field="weight")
    if weight != weight.quantize(Decimal("0.000001")):
        raise DomainError(Code.INVALID, "权重最多保留6位小数", field="weight")
    return weight


async def add_subproject(
    session: AsyncSession,
    principal: Principal,
    *,
    parent_id: int,
    title: str,
    weight: str | None,
    lead_unit_id: int | None,
) -> LivelihoodProject:
    """分解: a sub-project of an adopted project (or of a sub-project), with an optional
    weight among its siblings; from now on the parent's progress is derived."""
    require_county_staff(principal)
    parent = await get_row(
        session, LivelihoodProject, parent_id, field="parentId", what="民生实事项目", lock=True
    )
    round = await get_row(
        session, LivelihoodRound, parent.round_id, field="parentId", what="民生实事征集"
    )
    _require_state(round, RoundState.ADOPTED, action="分解子项目", field="parentId")
    if parent.status is not ProjectStatus.ADOPTED:
        raise DomainError(Code.INVALID_STATE, "只能分解已确定实施的项目", field="parentId")
    project = LivelihoodProject(
        tenant_id=round.tenant_id,
        round_id=round.id,
        parent_id=parent.id,
        title=clean_text(
            title, field="title", code=Code.INVALID, label="子项目名称", max_length=200
        ),
        description="",
        status=ProjectStatus.ADOPTED,
        weight=_weight(weight),
        lead_unit_id=(
            (await require_unit(session, lead_unit_id, field="leadUnitId")).id
            if lead_unit_id is not None
            else None
        ),
        vote_count=0,
    )
    session.add(project)
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.SUBPROJECT_ADDED,
        SubprojectAdded(
            projectId=project.id,
            parentId=parent.id,
            title=project.title,
            weight=str(project.weight) if project.weight is not None else None,
            leadUnitId=project.lead_unit_id,
        ),
    )
    return project


def parse_month(value: str) -> date:
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise DomainError(Code.INVALID, "月份格式应为 YYYY-MM", field="month")
    return date(int(match.group(1)), int(match.group(2)), 1)


async def report_progress(
    session: AsyncSession,
    principal: Principal,
    *,
    project_id: int,
    month: str,
    percent: str,
    milestones: list[str],
    note: str | None,
) -> LivelihoodProject:
    """月度进展: publish a leaf project's progress for a month of the round's year (a second
    report for the same month corrects the first; the stream keeps both)."""
    require_county_staff(principal)
    project = await _project(session, project_id, lock=True)
    round = await _round_of(session, project)
    _require_state(
        round, RoundState.ADOPTED, RoundState.EVALUATING, action="公布进展", field="projectId"
    )
    if project.status is not ProjectStatus.ADOPTED:
        raise DomainError(Code.INVALID_STATE, "只有确定实施的项目公布进展", field="projectId")
    has_children = await session.scalar(
        select(LivelihoodProject.id).where(LivelihoodProject.parent_id == project.id).limit(1)
    )
    if has_children is not None:
        raise DomainError(
            Code.DERIVED_PROGRESS,
            "该项目已分解为子项目，其进度由子项目按权重计算，请填报子项目进展",
            field="projectId",
        )
    day = parse_month(month)
    if day.year not in (round.year, round.year + 1):
        raise DomainError(Code.INVALID, f"月份应在{round.year}年度内", field="month")
    try:
        value = Decimal(percent.strip())
    except InvalidOperation as exc:
        raise DomainError(Code.INVALID, "进度应为0至100之间的数", field="percent") from exc
    if not value.is_finite() or not 0 <= value <= 100 or value != value.quantize(Decimal("0.01")):
        raise DomainError(Code.INVALID, "进度应为0至100之间的数（最多两位小数）", field="percent")
    if len(milestones) > MAX_MILESTONES:
        raise DomainError(Code.INVALID, f"节点最多{MAX_MILESTONES}项", field="milestones")
    steps = [
        clean_text(m, field=f"milestones.{i}", code=Code.INVALID, label="节点", max_length=200)
        for i, m in enumerate(milestones)
    ]
    remark = clean_text(
        note, field="note", code=Code.INVALID, label="说明", max_length=1000, required=False
    )
    report = await session.scalar(
        select(LivelihoodProgress).where(
            LivelihoodProgress.project_id == project.id, LivelihoodProgress.month == day
        )
    )
    if report is None:
        report = LivelihoodProgress(tenant_id=round.tenant_id, project_id=project.id, month=day)
        session.add(report)
    report.percent, report.milestones, report.note = value, steps, remark
    await session.flush()
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.PROGRESS_REPORTED,
        ProgressReported(
            projectId=project.id,
            month=f"{day.year:04d}-{day.month:02d}",
            percent=str(value),
            milestones=steps,
            note=remark,
        ),
    )
    return project


async def open_evaluation(
    session: AsyncSession, principal: Principal, *, round_id: int
) -> LivelihoodRound:
    require_county_staff(principal)
    round = await get_row(
        session, LivelihoodRound, round_id, field="roundId", what="民生实事征集", lock=True
    )
    _require_state(round, RoundState.ADOPTED, action="开始年终评价", field="roundId")
    round.state = RoundState.EVALUATING
    await on_round(
        session,
        principal,
        round,
        LivelihoodEvent.EVALUATION_OPENED,
        RoundStateChanged(state=round.state.value),
    )
    return round


async def evaluate(
    session: AsyncSession,
    principal: Principal,
    *,
    project_id: int,
    satisfaction: Satisfaction,
    comment: str | None,
) -> LivelihoodProject:
    """群众评价: one satisfaction per person per adopted project, at year end."""
    user_id = principal.require_user()
    project = await _project(session, project_id)
    round = await _round_of(session, project)
    _require_state(round, RoundState.EVALUATING, action="评价", field="projectId")
    if project.status is not ProjectStatus.ADOPTED or project.parent_id is not None:
        raise DomainError(Code.INVALID_STATE, "只能评价确定实施的民生实事项目", field="projectId")
    evaluator = pseudonym(EVALUATION_PURPOSE, round.tenant_id, project.id, user_id)
    if await session.scalar(
        select(LivelihoodEvaluation.id).where(
            LivelihoodEvaluation.project_id == project.id,
            LivelihoodEvaluation.evaluator == evaluator,
        )
    ):
        raise DomainError(Code.ALREADY_EVALUATED, "您已评价过该项目", field="projectId")
    evaluation = LivelihoodEvaluation(
        tenant_id=round.tenant_id,
        project_id=project.id,
        evaluator=evaluator,
        satisfaction=satisfaction,
        comment=clean_text(
            comment,
            field="comment",
            code=Code.INVALID,
            label="意见",
            max_length=1000,
            required=False,
        ),
    )
    session.add(evaluation)
    await session.flush()
    # No actor: who rated the unit's project how is not in the log.
    await on_round(
        session,
        None,
        round,
        LivelihoodEvent.EVALUATED,
        ProjectEvaluated(projectId=project.id, satisfaction=satisfaction.value),
    )
    return project
