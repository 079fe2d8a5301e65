"""The demo county's major decision: a draft in consultation with a 民意调查 of a few dozen
answers (anonymous, as the questionnaire allows) and a 座谈会 whose materials were sent
to the invited 代表委员 and expert (seed 002 第五条、第七条、第八条). Seeded once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.decisions import drafts, sessions, steps, surveys
from backend.decisions.models import DecisionStep, QuestionKind
from backend.decisions.stream import today
from backend.meetings import lifecycle, participants
from backend.meetings.models import MeetingKind, MeetingMode, ParticipantRole
from backend.people.models import Membership, Role, User
from tenants import service as tenants
from tenants.models import OrgUnit

DEMO_DECISION = "城口县城区道路停车管理办法"
DRAFT = """城口县城区道路停车管理办法（征求意见稿）
第一条 为规范城区道路停车秩序，缓解停车难，根据有关法律法规，结合本县实际，制定本办法。
第二条 本办法适用于本县城区道路停车泊位的设置、使用和管理。
第三条 道路停车泊位实行分时段收费，夜间二十二时至次日七时免费。
第四条 本办法自公布之日起施行。"""
QUESTIONS = [
    surveys.QuestionDraft(
        QuestionKind.SINGLE_CHOICE,
        "您是否赞成城区道路停车分时段收费？",
        ("赞成", "反对", "无所谓"),
        required=True,
    ),
    surveys.QuestionDraft(
        QuestionKind.MULTIPLE_CHOICE,
        "您最关心哪些方面？（最多选两项）",
        ("收费标准", "泊位数量", "夜间停车", "残疾人专用车位"),
        max_choices=2,
    ),
    surveys.QuestionDraft(
        QuestionKind.SCALE, "您对目前城区停车秩序的满意程度（1至5分）", required=True
    ),
    surveys.QuestionDraft(QuestionKind.TEXT, "其他意见和建议"),
]
TEXTS = ["建议学校周边设临时停车区", "老城区泊位太少", "收费标准应公示", "夜间免费很好"]
RESPONDENTS = 36


async def seed_decisions(
    session: AsyncSession, admin: Principal, units: dict[str, OrgUnit]
) -> None:
    from backend.decisions.models import Decision

    if await session.scalar(select(Decision.id).where(Decision.title == DEMO_DECISION)):
        return
    decision = await drafts.create_decision(
        session,
        admin,
        title=DEMO_DECISION,
        lead_unit_id=units["县住房城乡建委"].id,
        co_unit_ids=[units["葛城街道"].id],
        summary="规范城区道路停车泊位设置和收费，属重大民生决策事项，实行民意调查。",
        compare_alternatives=False,
    )
    await drafts.add_version(
        session, admin, decision_id=decision.id, text=DRAFT, alternatives=[], note=None
    )
    await steps.start_step(
        session, admin, decision_id=decision.id, step=DecisionStep.PUBLIC_PARTICIPATION
    )
    survey = await surveys.create_survey(
        session,
        admin,
        decision_id=decision.id,
        title="城区道路停车管理民意调查",
        intro="本调查不记名，结果形成书面报告，连同决策草案一并提交县人民政府审议。",
        allow_anonymous=True,
        questions=QUESTIONS,
    )
    await surveys.publish_survey(
        session,
        admin,
        survey_id=survey.id,
        opens_on=today(),
        closes_on=today() + timedelta(days=14),
    )
    qs = await surveys.questions_of(session, survey.id)
    anonymous = Principal(tenant_id=admin.tenant_id)
    for i in range(RESPONDENTS):
        answers = [
            surveys.AnswerDraft(qs[0].id, choices=((0, 0, 1, 0, 2, 0)[i % 6],)),
            surveys.AnswerDraft(qs[1].id, choices=((0, 1), (1,), (2, 3), (1, 2))[i % 4]),
            surveys.AnswerDraft(qs[2].id, scale=(3, 2, 4, 3, 1, 5, 2)[i % 7]),
        ]
        if i % 5 == 0:
            answers.append(surveys.AnswerDraft(qs[3].id, text=TEXTS[(i // 5) % len(TEXTS)]))
        await surveys.answer_survey(
            session, anonymous, survey_id=survey.id, idempotency_key=f"demo-{i}", answers=answers
        )
    await _forum(session, admin, decision.id)


async def _forum(session: AsyncSession, admin: Principal, decision_id: int) -> None:
    """A 座谈会 in ten days, the 代表委员 and the expert invited, the materials sent now."""
    root = await tenants.root_unit(session)
    meeting = await lifecycle.create_meeting(
        session,
        admin,
        kind=MeetingKind.FORUM,
        mode=MeetingMode.ONLINE,
        title="城区道路停车管理办法座谈会",
        description="听取人大代表、政协委员、专家和利害关系人对停车管理办法的意见。",
        host_unit_id=root.id,
        venue_id=None,
        starts_at=datetime.now(UTC) + timedelta(days=10),
        ends_at=None,
        capacity=50,
    )
    for role, as_role in (
        (Role.NPC_DEPUTY, ParticipantRole.DEPUTY),
        (Role.CPPCC_MEMBER, ParticipantRole.DEPUTY),
        (Role.EXPERT, ParticipantRole.EXPERT),
    ):
        ids = (
            await session.scalars(
                select(User.id)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.role == role)
            )
        ).all()
        if ids:
            await participants.invite(
                session, admin, meeting_id=meeting.id, user_ids=list(ids), role=as_role
            )
    try:
        await sessions.link_session(
            session,
            admin,
            decision_id=decision_id,
            meeting_id=meeting.id,
            explanation="起草说明：针对城区停车难、乱停放问题，拟对道路泊位实行分时段收费。",
        )
    except DomainError:
        # a holiday stretch leaving fewer than 3 working days: the demo goes on without it
        return
