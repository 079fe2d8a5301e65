"""Public comment (公开征求意见) and opinions (意见) from every channel.

- `publish_comment_period`: the publication record (name, the draft version, basis 制定依据,
  reasons 起草说明, how to comment, dates). The period is counted from the day after it
  opens to the day it closes (民法典第二百零一条) in the unit of the county's rule
  `decision.public_comment_period` (national default 30 days, 《重大行政决策程序暂行条例》
  第十五条; seed 002's county says 10). A shorter period is `COMMENT_PERIOD_TOO_SHORT`
  naming the rule and its source, unless a reason for shortening is given, which is then
  published with the period ("因情况紧急等原因需要缩短的，应当予以说明").
- `comment_on_draft`: any member of the county, while a period is open, on the draft as a
  whole or on one paragraph of the newest version (an ONLINE opinion).
- `record_opinion`: the lead unit records a written opinion (书面意见) or a unit's answer to
  a written consultation (书面征询).
- `import_meeting_opinions`: the comments and questions of a linked meeting (座谈会, 听证会,
  云视频…, the meetings capability) become MEETING opinions, once each.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar.loading import load_calendar
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, get_unit, require_not_decided, require_runner
from backend.decisions.drafts import county_rule, latest_version
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import CommentPeriodPublished, DecisionEvent, OpinionReceived
from backend.decisions.models import (
    AnchorState,
    CommentPeriod,
    Decision,
    DecisionParagraph,
    DecisionStep,
    DecisionStepRow,
    Opinion,
    OpinionChannel,
)
from backend.decisions.stream import append_event, today
from backend.meetings.models import Comment, Meeting
from backend.people.models import User

MAX_OPINION = 5000


def period_days(opens_on: date, closes_on: date) -> int:
    """Calendar days of a period: the opening day not counted, the closing day counted."""
    return (closes_on - opens_on).days


async def publish_comment_period(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    opens_on: date,
    closes_on: date,
    basis: str,
    reasons: str,
    how_to_comment: str,
    shortening_reason: str | None = None,
) -> CommentPeriod:
    """Publish a comment period on the newest version (公众参与 must have started)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    step = await session.scalar(
        select(DecisionStepRow).where(
            DecisionStepRow.decision_id == decision.id,
            DecisionStepRow.step == DecisionStep.PUBLIC_PARTICIPATION,
        )
    )
    if step is None or step.started_at is None or step.completed_at is not None:
        raise DomainError(
            Code.INVALID_STATE, "公开征求意见须在“公众参与”步骤进行中发布", field="decisionId"
        )
    version = await latest_version(session, decision.id)
    if version is None:
        raise DomainError(Code.EMPTY_DRAFT, "尚无决策草案，不能征求意见", field="decisionId")
    basis_text = clean_text(
        basis, field="basis", code=Code.INVALID, label="制定依据", max_length=5000
    )
    reasons_text = clean_text(
        reasons, field="reasons", code=Code.INVALID, label="起草说明（理由）", max_length=5000
    )
    how = clean_text(
        how_to_comment,
        field="howToComment",
        code=Code.INVALID,
        label="意见提交方式",
        max_length=2000,
    )
    shortening = clean_text(
        shortening_reason,
        field="shorteningReason",
        code=Code.INVALID,
        label="缩短期限的说明",
        max_length=2000,
        required=False,
    )
    if opens_on < today():
        raise DomainError(Code.INVALID, "征求意见开始日期不能早于今天", field="opensOn")
    if closes_on <= opens_on:
        raise DomainError(Code.INVALID, "征求意见截止日期应晚于开始日期", field="closesOn")
    open_now = await session.scalar(
        select(CommentPeriod.id).where(
            CommentPeriod.decision_id == decision.id, CommentPeriod.closes_on >= today()
        )
    )
    if open_now is not None:
        raise DomainError(Code.INVALID_STATE, "已有尚未截止的征求意见期", field="decisionId")
    rule = await county_rule(session, decision.tenant_id, "decision.public_comment_period")
    if rule.unit is rules.RuleUnit.WORKING_DAYS:
        calendar = await load_calendar(session, decision.tenant_id)
        days = calendar.working_days_between(opens_on, closes_on)
    else:
        days = period_days(opens_on, closes_on)
    if days < rule.value and shortening is None:
        raise DomainError(
            Code.COMMENT_PERIOD_TOO_SHORT,
            f"征求意见期限为{rules.format_amount(days, rule.unit)}，少于“{rule.title}”"
            f"{rules.cite(rule)}；因情况紧急等原因需要缩短的，应当说明理由并公开",
            field="closesOn",
        )
    cited = rules.cite(rule)
    if days < rule.value:
        cited += f"；本次缩短为{rules.format_amount(days, rule.unit)}，理由：{shortening}"
    period = CommentPeriod(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        version_id=version.id,
        opens_on=opens_on,
        closes_on=closes_on,
        basis=basis_text,
        reasons=reasons_text,
        how_to_comment=how,
        shortening_reason=shortening,
        rule_cited=cited,
        published_by=principal.user_id,
    )
    session.add(period)
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.COMMENT_PERIOD_PUBLISHED,
        CommentPeriodPublished(
            periodId=period.id,
            versionId=version.id,
            opensOn=opens_on.isoformat(),
            closesOn=closes_on.isoformat(),
            days=days,
            basis=basis_text,
            reasons=reasons_text,
            howToComment=how,
            shorteningReason=shortening,
            rule=cited,
        ),
    )
    return period


async def open_period(session: AsyncSession, decision_id: int) -> CommentPeriod | None:
    day = today()
    return await session.scalar(
        select(CommentPeriod)
        .where(
            CommentPeriod.decision_id == decision_id,
            CommentPeriod.opens_on <= day,
            CommentPeriod.closes_on >= day,
        )
        .order_by(CommentPeriod.id.desc())
        .limit(1)
    )


async def _anchor(
    session: AsyncSession, decision: Decision, paragraph_id: int | None
) -> tuple[int | None, int | None]:
    """(version id, paragraph id) of an opinion on the newest version."""
    version = await latest_version(session, decision.id)
    if paragraph_id is None:
        return (version.id if version else None), None
    paragraph = await session.get(DecisionParagraph, paragraph_id)
    if paragraph is None or paragraph.decision_id != decision.id:
        raise DomainError(Code.NOT_FOUND, "段落不存在", field="paragraphId")
    if version is None or paragraph.version_id != version.id:
        raise DomainError(
            Code.STALE_PARAGRAPH, "该段落属于旧版本草案，请对最新版本发表意见", field="paragraphId"
        )
    return version.id, paragraph.id


async def _received(
    session: AsyncSession, principal: Principal | None, decision: Decision, opinion: Opinion
) -> None:
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.OPINION_RECEIVED,
        OpinionReceived(
            opinionId=opinion.id,
            channel=opinion.channel.value,
            category=opinion.category,
            versionId=opinion.version_id,
            paragraphId=opinion.paragraph_id,
            authorId=opinion.author_user_id,
            body=opinion.body,
        ),
    )


def _category(value: str | None) -> str | None:
    return clean_text(
        value, field="category", code=Code.INVALID, label="意见类别", max_length=50, required=False
    )


async def comment_on_draft(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    body: str,
    paragraph_id: int | None = None,
    category: str | None = None,
) -> Opinion:
    """A member's comment on the draft or one of its paragraphs, while a period is open."""
    user_id = principal.require_user()
    decision = await get_decision(session, decision_id, lock=True)
    require_not_decided(decision)
    text = clean_text(
        body, field="body", code=Code.INVALID, label="意见内容", max_length=MAX_OPINION
    )
    if await open_period(session, decision.id) is None:
        raise DomainError(Code.COMMENT_PERIOD_CLOSED, "当前不在征求意见期内", field="decisionId")
    version_id, para = await _anchor(session, decision, paragraph_id)
    opinion = Opinion(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        channel=OpinionChannel.ONLINE,
        category=_category(category),
        body=text,
        author_user_id=user_id,
        version_id=version_id,
        paragraph_id=para,
        current_paragraph_id=para,
        anchor_state=AnchorState.ANCHORED if para else AnchorState.WHOLE,
    )
    session.add(opinion)
    await session.flush()
    await _received(session, principal, decision, opinion)
    return opinion


async def record_opinion(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    channel: OpinionChannel,
    body: str,
    category: str | None = None,
    author_label: str | None = None,
    author_user_id: int | None = None,
    source_unit_id: int | None = None,
    paragraph_id: int | None = None,
) -> Opinion:
    """A written opinion (书面意见) or a unit's answer to a 书面征询, entered by the lead
    unit; with `author_user_id` the person is told the answer."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    if channel not in (OpinionChannel.WRITTEN, OpinionChannel.UNIT_CONSULTATION):
        raise DomainError(Code.INVALID, "网上意见由公众提交，会议意见请从会议导入", field="channel")
    text = clean_text(
        body, field="body", code=Code.INVALID, label="意见内容", max_length=MAX_OPINION
    )
    label = clean_text(
        author_label,
        field="authorLabel",
        code=Code.INVALID,
        label="意见人",
        max_length=100,
        required=False,
    )
    unit_id = None
    if channel is OpinionChannel.UNIT_CONSULTATION:
        if source_unit_id is None:
            raise DomainError(
                Code.UNKNOWN_UNIT, "书面征询意见须注明征询的单位", field="sourceUnitId"
            )
        unit_id = (await get_unit(session, source_unit_id, field="sourceUnitId")).id
    elif source_unit_id is not None:
        unit_id = (await get_unit(session, source_unit_id, field="sourceUnitId")).id
    if author_user_id is not None and await session.get(User, author_user_id) is None:
        raise DomainError(Code.UNKNOWN_USER, "意见人账号不存在或不属于本县", field="authorUserId")
    version_id, para = await _anchor(session, decision, paragraph_id)
    opinion = Opinion(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        channel=channel,
        category=_category(category),
        body=text,
        author_user_id=author_user_id,
        author_label=label,
        source_unit_id=unit_id,
        version_id=version_id,
        paragraph_id=para,
        current_paragraph_id=para,
        anchor_state=AnchorState.ANCHORED if para else AnchorState.WHOLE,
    )
    session.add(opinion)
    await session.flush()
    await _received(session, principal, decision, opinion)
    return opinion


async def import_meeting_opinions(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    meeting_id: int,
    category: str | None = None,
) -> list[Opinion]:
    """The linked meeting's comments and questions (not hidden ones) as MEETING opinions,
    each once (a second import adds only what is new)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise DomainError(Code.MEETING_NOT_FOUND, "会议不存在", field="meetingId")
    cat = _category(category)
    done = set(
        (
            await session.scalars(
                select(Opinion.meeting_comment_id).where(
                    Opinion.meeting_id == meeting.id, Opinion.meeting_comment_id.is_not(None)
                )
            )
        ).all()
    )
    comments = (
        await session.scalars(
            select(Comment)
            .where(Comment.meeting_id == meeting.id, Comment.hidden_at.is_(None))
            .order_by(Comment.id)
        )
    ).all()
    version = await latest_version(session, decision.id)
    made: list[Opinion] = []
    for c in comments:
        if c.id in done:
            continue
        opinion = Opinion(
            tenant_id=decision.tenant_id,
            decision_id=decision.id,
            channel=OpinionChannel.MEETING,
            category=cat,
            body=c.body,
            author_user_id=c.author_user_id,
            meeting_id=meeting.id,
            meeting_comment_id=c.id,
            version_id=version.id if version else None,
            anchor_state=AnchorState.WHOLE,
        )
        session.add(opinion)
        made.append(opinion)
    await session.flush()
    for opinion in made:
        await _received(session, principal, decision, opinion)
    return made
