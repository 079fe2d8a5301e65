"""Each county's rulebook (议事规则): every deadline, minimum, threshold and quota as data.

A rule has a key (``meeting.hearing_notice``), a value, a unit, the legal source it comes
from and whether it is a binding minimum. Defaults are the national rule where one exists
(《重大行政决策程序暂行条例》), otherwise the rule of a customer's own document, cited by
article. A county overrides a rule in ``Tenant.settings["rules"][key]``::

    {"value": 10, "source": "《某县重大行政决策公众参与制度》第九条", "reason": "…"}

(optionally with ``"unit"`` to switch between calendar and working days). Going below a
binding minimum needs a non-empty reason, which is kept with the rule and printed wherever
the rule is cited.

Working days are counted on a county's `backend.core.workdays.WorkCalendar` (the official
calendar with 调休 and the county's local closures), with its conventions (民法典第二百零一条:
the day a period starts from is not counted). For lead times ("座谈会召开的3个工作日前",
"听证会举行10日前") the meeting day is not counted and the day of sending is: the latest
allowed day is the n-th working (or calendar) day before the meeting, see
:func:`lead_time_check`, which also says when a year without a published table was counted
Monday to Friday.

Everything here is pure: no database, no clock.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from backend.core.workdays import WorkCalendar

__all__ = [
    "RULES",
    "LeadTimeCheck",
    "RuleDefinition",
    "RuleUnit",
    "RuleValue",
    "cite",
    "effective_rule",
    "format_amount",
    "lead_time_check",
    "rulebook",
    "validate_overrides",
]


class RuleUnit(enum.Enum):
    """What a rule's value counts."""

    CALENDAR_DAYS = "calendar_days"  # 日（自然日）
    WORKING_DAYS = "working_days"  # 工作日（含调休）
    SECONDS = "seconds"
    COUNT = "count"  # 人数、个数
    CHARACTERS = "characters"  # 字数


DAY_UNITS = frozenset({RuleUnit.CALENDAR_DAYS, RuleUnit.WORKING_DAYS})

# Sources cited by the default rulebook.
NATIONAL_DECISION_RULES = "《重大行政决策程序暂行条例》（国务院令第713号）"
COUNTY_PARTICIPATION_RULES = "《（县）重大行政决策公众参与制度》"
CHENGKOU_OPINION = (
    "《城口县人民政府办公室关于在说事平台推行“政府问政 群众议事”工作机制的实施意见》"
    "（城府办发〔2023〕44号）"
)
QINGDAO_WORK_REPORT = (
    "青岛市“三民”活动述职报告会规则，见《关于政务公开工作中推进政民互动常态化的思考》一（二）"
)
PRODUCT_DEFAULT = "本系统默认"
HOTLINE_OPINION = (
    "《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）"
)
ZAOYANG_SUGGESTIONS = "枣阳市人民建议征集工作机制（即可办、限期办、研究办分类办理）"
DISCLOSURE_REGULATIONS = "《中华人民共和国政府信息公开条例》"
NPC_SUGGESTIONS = "《全国人民代表大会代表建议、批评和意见办理办法》"
CPPCC_PROPOSALS = "《中国人民政治协商会议全国委员会提案工作条例》"
TONGLIAO_CONSULTATION = "通辽市政府协商工作（书面征询协商、建议提案办理协商）"


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """A rule of the default rulebook: its meaning, default value and where it comes from.

    ``binding_minimum`` marks a legal floor that binds every county (a national rule): a
    county may go below it only with a stated reason. ``noun`` names what a COUNT counts.
    """

    key: str
    title: str
    value: int
    unit: RuleUnit
    source: str
    binding_minimum: bool = False
    noun: str = "个"
    action: str = ""  # for lead times: what must be done by the latest allowed day
    note: str = ""


def _definitions(*defs: RuleDefinition) -> Mapping[str, RuleDefinition]:
    return MappingProxyType({d.key: d for d in defs})


#: The default rulebook, by key. Read-only.
RULES: Mapping[str, RuleDefinition] = _definitions(
    RuleDefinition(
        key="meeting.forum_materials_lead",
        title="座谈会材料提前送达",
        value=3,
        unit=RuleUnit.WORKING_DAYS,
        source=f"{COUNTY_PARTICIPATION_RULES}第七条",
        action="将决策方案及起草说明送达与会代表",
        note="某省级部门规定为会前5日；以本县规定为准。",
    ),
    RuleDefinition(
        key="meeting.hearing_notice",
        title="听证会提前公告",
        value=10,
        unit=RuleUnit.CALENDAR_DAYS,
        source=f"{COUNTY_PARTICIPATION_RULES}第十二条",
        action="公告听证会时间、地点、事项及代表名额",
        note="法律、法规、规章对听证期限另有规定的，从其规定。",
    ),
    RuleDefinition(
        key="meeting.hearing_min_representatives",
        title="听证会代表最少人数",
        value=10,
        unit=RuleUnit.COUNT,
        source=f"{COUNTY_PARTICIPATION_RULES}第十三条",
        noun="人",
    ),
    RuleDefinition(
        key="meeting.work_report_speech",
        title="述职报告发言时长",
        value=600,
        unit=RuleUnit.SECONDS,
        source=QINGDAO_WORK_REPORT,
    ),
    RuleDefinition(
        key="meeting.speech_warning_before_end",
        title="发言剩余时间提醒",
        value=60,
        unit=RuleUnit.SECONDS,
        source=QINGDAO_WORK_REPORT,
        note="剩余1分钟时提醒一次，时间到时再提醒一次。",
    ),
    RuleDefinition(
        key="meeting.opinion_collection_lead",
        title="述职报告会意见建议征集提前开通",
        value=30,
        unit=RuleUnit.CALENDAR_DAYS,
        source=QINGDAO_WORK_REPORT,
        action="开通意见建议征集通道",
        note="述职报告会前一个月开通意见建议征集通道；一个月按30日计。",
    ),
    RuleDefinition(
        key="meeting.comment_max_length",
        title="互动留言最大字数",
        value=500,
        unit=RuleUnit.CHARACTERS,
        source=PRODUCT_DEFAULT,
    ),
    RuleDefinition(
        key="decision.public_comment_period",
        title="决策草案公开征求意见期限",
        value=30,
        unit=RuleUnit.CALENDAR_DAYS,
        source=f"{NATIONAL_DECISION_RULES}第十五条",
        binding_minimum=True,
        note=(
            "一般不少于30日；因情况紧急等原因需要缩短的，应当予以说明。"
            f"部分县级规定为不少于10日（{COUNTY_PARTICIPATION_RULES}第九条）。"
        ),
    ),
    RuleDefinition(
        key="decision.min_alternatives",
        title="需多方案比较时的备选方案数",
        value=2,
        unit=RuleUnit.COUNT,
        source=f"{COUNTY_PARTICIPATION_RULES}第四条",
        noun="个方案",
    ),
    RuleDefinition(
        key="decision.attending_representatives",
        title="列席政府会议的公众代表名额",
        value=35,
        unit=RuleUnit.COUNT,
        source=f"{COUNTY_PARTICIPATION_RULES}第十八条",
        noun="人",
    ),
    RuleDefinition(
        key="policy.interpretation_deadline",
        title="政策文件解读期限",
        value=20,
        unit=RuleUnit.WORKING_DAYS,
        source=f"{CHENGKOU_OPINION}三（五）2",
        note="起草部门应当自政策性文件印发之日起20个工作日内进行政策解读（谁起草谁解读）。",
    ),
    RuleDefinition(
        key="decision.post_evaluation_dissatisfaction",
        title="启动实施后评估的群众不满意比例",
        value=30,
        unit=RuleUnit.COUNT,
        source=f"{CHENGKOU_OPINION}三（五）3",
        noun="%",
        note=(
            "群众评议显示明显未达到预期效果的，应当及时启动实施后评估；"
            "比例为本系统默认（满意度评为“不满意”的评议表所占百分比，达到即启动）。"
        ),
    ),
    RuleDefinition(
        key="decision.post_evaluation_min_evaluations",
        title="启动实施后评估所需的最少评议表数",
        value=10,
        unit=RuleUnit.COUNT,
        source=f"{CHENGKOU_OPINION}三（五）3",
        noun="份",
        note="评议表少于该数时不按比例启动；份数为本系统默认。",
    ),
    # Cases (件). 国办发〔2020〕53号 asks for prompt sign-for, handling within a time limit
    # (限时办结) and follow-up visits (回访) but sets no number of days; 枣阳's mechanism
    # (seed 003) gives the three handling classes. The numbers are this product's defaults,
    # said so in each note; a county sets its own with its own document as the source.
    RuleDefinition(
        key="case.sign_for",
        title="派单签收时限",
        value=1,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"{HOTLINE_OPINION}要求承办单位及时签收工单；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.initial_reply",
        title="诉求初步答复时限",
        value=3,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"{HOTLINE_OPINION}要求及时答复诉求人；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.immediate",
        title="即可办事项办结时限",
        value=5,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"分类见{ZAOYANG_SUGGESTIONS}（即办即结）；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.time_limited",
        title="限期办事项办结时限",
        value=15,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"分类见{ZAOYANG_SUGGESTIONS}（限办限结）；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.research",
        title="研究办事项办结时限",
        value=30,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"分类见{ZAOYANG_SUGGESTIONS}（商办策援）；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.due_soon",
        title="临期提醒提前量",
        value=2,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note="办理期限前若干个工作日起列入临期清单并提醒承办单位。",
    ),
    # Representatives' suggestions and proposals (建议提案办理, seed 004): the national
    # rules give three months from 交办 for the reply (办复); the rulebook counts working
    # days on the county calendar, so the default is 60 working days (about three months,
    # never later than the national limit). A county enters its own 办理办法 as the source.
    RuleDefinition(
        key="proposal.reply",
        title="代表建议、政协提案答复时限",
        value=60,
        unit=RuleUnit.WORKING_DAYS,
        source=f"{NPC_SUGGESTIONS}；{CPPCC_PROPOSALS}",
        note=(
            "两者均要求自交办之日起三个月内答复（办复）；本系统按60个工作日计（约三个月）。"
            f"交办、领办和“面对面”办理见{TONGLIAO_CONSULTATION}。"
        ),
    ),
    RuleDefinition(
        key="consultation.written_reply",
        title="书面征询意见反馈时限",
        value=10,
        unit=RuleUnit.WORKING_DAYS,
        source=PRODUCT_DEFAULT,
        note=f"{TONGLIAO_CONSULTATION}要求征询部门以书面形式反馈，未定天数；天数为本系统默认。",
    ),
    RuleDefinition(
        key="case.attachment_max_size",
        title="附件大小上限",
        value=10240,
        unit=RuleUnit.COUNT,
        source=PRODUCT_DEFAULT,
        noun="KiB",
        note="每个附件不超过该大小（10 MiB）；经 GraphQL 上传时另受请求体大小上限约束。",
    ),
    # 政务公开 (依申请公开): the national regulation's clock (seed 002 applies it).
    RuleDefinition(
        key="disclosure.reply_period",
        title="依申请公开答复期限",
        value=20,
        unit=RuleUnit.WORKING_DAYS,
        source=f"{DISCLOSURE_REGULATIONS}第三十三条",
        note="不能当场答复的，应当自收到申请之日起20个工作日内予以答复。",
    ),
    RuleDefinition(
        key="disclosure.extension_max",
        title="依申请公开延长答复期限上限",
        value=20,
        unit=RuleUnit.WORKING_DAYS,
        source=f"{DISCLOSURE_REGULATIONS}第三十三条",
        note="需要延长答复期限的，应当经政府信息公开工作机构负责人同意并告知申请人，"
        "延长的期限最长不得超过20个工作日（只可延长一次）。",
    ),
    # 民生实事 (群众开单): how many projects a person may vote for.
    RuleDefinition(
        key="livelihood.max_votes",
        title="民生实事投票每人可选项目数",
        value=10,
        unit=RuleUnit.COUNT,
        source=PRODUCT_DEFAULT,
        noun="项",
        note=f"{CHENGKOU_OPINION}要求由群众“开单”形成年度民生实事清单；可选项数为本系统默认，"
        "以本县当年征集方案为准。",
    ),
)


@dataclass(frozen=True, slots=True)
class RuleValue:
    """A rule as it applies in one county: the county's override or else the default.

    ``below_binding_minimum`` is true only for an override that goes below a binding
    minimum, which :func:`effective_rule` accepts only together with a non-empty reason.
    """

    key: str
    title: str
    value: int
    unit: RuleUnit
    source: str
    overridden: bool
    reason: str | None
    binding_minimum: bool
    default: RuleDefinition
    below_binding_minimum: bool = False
    noun: str = field(default="个")


# ---------------------------------------------------------------------------------------
# Overrides


def _override_problems(key: str, raw: Any) -> list[str]:
    """Problems with one override; empty when it may be applied."""
    definition = RULES.get(key)
    if definition is None:
        return [f"未知的规则“{key}”"]
    if not isinstance(raw, Mapping):
        return [f"规则“{key}”的设置应为对象（含 value、source）"]
    problems: list[str] = []
    value = raw.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        problems.append(f"规则“{key}”的取值应为正整数，当前为 {value!r}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(f"规则“{key}”须注明依据（文件名称及条款）")
    reason = raw.get("reason")
    if reason is not None and not isinstance(reason, str):
        problems.append(f"规则“{key}”的理由应为文字")
    unit = _override_unit(definition, raw.get("unit"))
    if unit is None:
        problems.append(
            f"规则“{key}”的单位 {raw.get('unit')!r} 无效"
            + ("（只能为 calendar_days 或 working_days）" if definition.unit in DAY_UNITS else "")
        )
    if problems:
        return problems
    assert unit is not None and isinstance(value, int)
    if (
        definition.binding_minimum
        and _is_below(definition, value, unit)
        and not (isinstance(reason, str) and reason.strip())
    ):
        problems.append(
            f"规则“{key}”设为{format_amount(value, unit, definition.noun)}，"
            f"低于{definition.source}规定的"
            f"{format_amount(definition.value, definition.unit, definition.noun)}，"
            "须说明理由并公开"
        )
    return problems


def _override_unit(definition: RuleDefinition, raw_unit: Any) -> RuleUnit | None:
    """The override's unit: the default's, or the other day unit for a day rule."""
    if raw_unit is None:
        return definition.unit
    try:
        unit = RuleUnit(raw_unit)
    except ValueError:
        return None
    if unit == definition.unit or (unit in DAY_UNITS and definition.unit in DAY_UNITS):
        return unit
    return None


def _is_below(definition: RuleDefinition, value: int, unit: RuleUnit) -> bool:
    """Whether (value, unit) cannot be shown to be at least the default.

    n working days always span at least n calendar days, so a working-day value is at
    least a calendar-day default of the same number; the converse cannot be shown (a
    holiday week makes working days longer), so calendar days against a working-day
    default count as below.
    """
    if unit == definition.unit:
        return value < definition.value
    if unit == RuleUnit.WORKING_DAYS and definition.unit == RuleUnit.CALENDAR_DAYS:
        return value < definition.value
    return True


def _rules_section(settings: Mapping[str, Any] | None) -> Any:
    return (settings or {}).get("rules")


def validate_overrides(settings: Mapping[str, Any] | None) -> list[str]:
    """Every problem with a county's overrides, in Chinese; empty means that
    :func:`effective_rule` will not raise for any key of :data:`RULES`.

    Also checks that the speech warning comes before the end of a work-report speech.
    """
    section = _rules_section(settings)
    if section is None:
        return []
    if not isinstance(section, Mapping):
        return ["规则设置（rules）应为对象"]
    problems: list[str] = []
    for key in sorted(section):
        problems.extend(_override_problems(key, section[key]))
    if not problems:
        speech = effective_rule(settings, "meeting.work_report_speech").value
        warning = effective_rule(settings, "meeting.speech_warning_before_end").value
        if warning >= speech:
            problems.append(
                f"发言剩余时间提醒（{format_amount(warning, RuleUnit.SECONDS)}）"
                f"应短于述职报告发言时长（{format_amount(speech, RuleUnit.SECONDS)}）"
            )
    return problems


def effective_rule(tenant_settings: Mapping[str, Any] | None, key: str) -> RuleValue:
    """The rule ``key`` as it applies in the county whose ``Tenant.settings`` are given.

    Returns the county's override when there is one, else the default. Raises ``KeyError``
    for a key not in :data:`RULES`, and ``ValueError`` (naming the key and, for a binding
    minimum, its source) for an override that :func:`validate_overrides` would reject —
    including one below a binding minimum without a non-empty reason.
    """
    definition = RULES[key]
    section = _rules_section(tenant_settings)
    if section is None or (isinstance(section, Mapping) and key not in section):
        return RuleValue(
            key=key,
            title=definition.title,
            value=definition.value,
            unit=definition.unit,
            source=definition.source,
            overridden=False,
            reason=None,
            binding_minimum=definition.binding_minimum,
            default=definition,
            noun=definition.noun,
        )
    if not isinstance(section, Mapping):
        raise ValueError("规则设置（rules）应为对象")
    raw = section[key]
    problems = _override_problems(key, raw)
    if problems:
        raise ValueError("；".join(problems))
    unit = _override_unit(definition, raw.get("unit"))
    assert unit is not None
    reason = raw.get("reason")
    return RuleValue(
        key=key,
        title=definition.title,
        value=raw["value"],
        unit=unit,
        source=raw["source"].strip(),
        overridden=True,
        reason=reason.strip() if isinstance(reason, str) and reason.strip() else None,
        binding_minimum=definition.binding_minimum,
        default=definition,
        below_binding_minimum=(
            definition.binding_minimum and _is_below(definition, raw["value"], unit)
        ),
        noun=definition.noun,
    )


def rulebook(tenant_settings: Mapping[str, Any] | None) -> list[RuleValue]:
    """Every rule as it applies in the county, in :data:`RULES` order (for a rules page).

    Raises ``ValueError`` as :func:`effective_rule` does.
    """
    return [effective_rule(tenant_settings, key) for key in RULES]


# ---------------------------------------------------------------------------------------
# Citing


def format_amount(value: int, unit: RuleUnit, noun: str = "个") -> str:
    """A value with its Chinese unit: ``3个工作日``, ``10日``, ``10分钟``, ``90秒``,
    ``10人``, ``500字``."""
    if unit == RuleUnit.WORKING_DAYS:
        return f"{value}个工作日"
    if unit == RuleUnit.CALENDAR_DAYS:
        return f"{value}日"
    if unit == RuleUnit.SECONDS:
        minutes, seconds = divmod(value, 60)
        if minutes and seconds:
            return f"{minutes}分{seconds}秒"
        return f"{minutes}分钟" if minutes else f"{seconds}秒"
    if unit == RuleUnit.CHARACTERS:
        return f"{value}字"
    return f"{value}{noun}"


def cite(rule: RuleValue) -> str:
    """A short Chinese citation, e.g. ``依据《…》第七条（3个工作日）``.

    A county rule below a binding minimum also names the minimum and the stated reason,
    so that every message and report that cites it publishes the reason too.
    """
    amount = format_amount(rule.value, rule.unit, rule.noun)
    if not rule.below_binding_minimum:
        return f"依据{rule.source}（{amount}）"
    default = rule.default
    minimum = format_amount(default.value, default.unit, default.noun)
    return (
        f"依据{rule.source}（{amount}；低于{default.source}规定的{minimum}，理由：{rule.reason}）"
    )


# ---------------------------------------------------------------------------------------
# Lead times


@dataclass(frozen=True, slots=True)
class LeadTimeCheck:
    """Whether something was done early enough before an event, by a county's rule.

    ``required`` and ``actual`` are in ``unit``; ``actual`` counts the sending day and not
    the event day (negative when sent after the event's day). ``latest_allowed`` is the
    last moment of the latest allowed day in the county's time zone; ``ok`` is
    ``sent_at <= latest_allowed``. ``calendar_fallback`` is true when a working-day count
    touched a year without a published official table (Monday–Friday were used).
    """

    ok: bool
    required: int
    actual: int
    unit: RuleUnit
    latest_allowed: datetime
    message: str
    calendar_fallback: bool = False


def _chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def lead_time_check(
    sent_at: datetime, starts_at: datetime, rule: RuleValue, tz: str, calendar: WorkCalendar
) -> LeadTimeCheck:
    """Check that ``sent_at`` is at least ``rule`` before ``starts_at``, by calendar or
    working days (on the county's ``calendar``) counted on dates in its time zone ``tz``.

    The event's day is not counted and the sending day is: for a hearing on the 20th,
    "10日前" allows the 10th; for a forum on Thursday 2025-10-09, "3个工作日前" allows
    Sunday 2025-09-28 (调休). Raises ``ValueError`` for a rule not in days or a naive
    datetime. The message is Chinese and cites the rule.
    """
    if rule.unit not in DAY_UNITS:
        raise ValueError(f"规则“{rule.key}”不是以日计算的期限")
    if sent_at.tzinfo is None or starts_at.tzinfo is None:
        raise ValueError("时间须带时区")
    zone = ZoneInfo(tz)
    sent_day = sent_at.astimezone(zone).date()
    event_day = starts_at.astimezone(zone).date()
    fallback_years: tuple[int, ...] = ()
    if rule.unit == RuleUnit.CALENDAR_DAYS:
        latest_day = event_day - timedelta(days=rule.value)
        actual = (event_day - sent_day).days
    else:
        latest_day = calendar.subtract_working_days(event_day, rule.value).due
        # Working days in [sent_day, event_day): shift the half-open interval by a day.
        one = timedelta(days=1)
        actual = calendar.working_days_between(sent_day - one, event_day - one)
        # The days either count looked at: a year among them without a published table
        # was counted Monday to Friday.
        first = min(latest_day, sent_day)
        last = max(event_day - one, sent_day - one)
        fallback_years = calendar.assumed_years(first, last)
    latest_allowed = datetime.combine(latest_day, time.max, tzinfo=zone)
    ok = sent_at <= latest_allowed
    what = rule.default.action or f"{rule.title}相关事项"
    lead = (
        f"实际提前{format_amount(actual, rule.unit)}" if actual >= 0 else "实际在会议当日之后才完成"
    )
    verdict = "符合规定" if ok else "不符合规定"
    message = (
        f"{rule.title}：{cite(rule)}，应于{_chinese_date(latest_day)}（含）前{what}；"
        f"{lead}，{verdict}。"
    )
    if fallback_years:
        years = "、".join(str(y) for y in fallback_years)
        message += f"（注：{years}年的法定节假日安排尚无官方数据，工作日暂按周一至周五计算。）"
    return LeadTimeCheck(
        ok=ok,
        required=rule.value,
        actual=actual,
        unit=rule.unit,
        latest_allowed=latest_allowed,
        message=message,
        calendar_fallback=bool(fallback_years),
    )
