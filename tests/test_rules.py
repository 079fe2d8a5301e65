"""The county rulebook: defaults with their legal sources, overrides, citations, and working
days on the official calendar (调休 included) with real 2025/2026 dates: the pure snapshot of
the `chinese_calendar` package (`backend.core.workdays`), which seeds the platform's tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend.core.rules import (
    RULES,
    RuleUnit,
    cite,
    effective_rule,
    lead_time_check,
    rulebook,
    validate_overrides,
)
from backend.core.workdays import PACKAGE_SOURCE, DayKind, OfficialDay, package_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = package_calendar()
is_working_day = CAL.is_working_day
working_days_between = CAL.working_days_between


def add_working_days(d: date, n: int) -> date:
    return CAL.add_working_days(d, n).due


def subtract_working_days(d: date, n: int) -> date:
    return CAL.subtract_working_days(d, n).due


def at(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def override(key: str, **fields: object) -> dict[str, object]:
    return {"rules": {key: fields}}


# -- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "unit", "source_part", "binding"),
    [
        ("meeting.forum_materials_lead", 3, RuleUnit.WORKING_DAYS, "第七条", False),
        ("meeting.hearing_notice", 10, RuleUnit.CALENDAR_DAYS, "第十二条", False),
        ("meeting.hearing_min_representatives", 10, RuleUnit.COUNT, "第十三条", False),
        ("meeting.work_report_speech", 600, RuleUnit.SECONDS, "三民", False),
        ("meeting.speech_warning_before_end", 60, RuleUnit.SECONDS, "三民", False),
        ("meeting.comment_max_length", 500, RuleUnit.CHARACTERS, "本系统默认", False),
        ("decision.public_comment_period", 30, RuleUnit.CALENDAR_DAYS, "第十五条", True),
        ("decision.attending_representatives", 35, RuleUnit.COUNT, "第十八条", False),
        (
            "policy.interpretation_deadline",
            20,
            RuleUnit.WORKING_DAYS,
            "城府办发〔2023〕44号",
            False,
        ),
    ],
)
def test_default_rule_has_value_unit_source_and_bindingness(key, value, unit, source_part, binding):
    rule = effective_rule({}, key)

    assert (rule.key, rule.value, rule.unit) == (key, value, unit)
    assert source_part in rule.source
    assert rule.binding_minimum is binding
    assert rule.overridden is False and rule.reason is None


def test_national_rule_is_the_default_for_the_public_comment_period():
    rule = effective_rule({"rules": {}}, "decision.public_comment_period")

    assert rule.source == "《重大行政决策程序暂行条例》（国务院令第713号）第十五条"
    assert "第九条" in rule.default.note  # the county's own 10 days is noted, not the default


def test_rulebook_lists_every_rule_in_order():
    assert [r.key for r in rulebook(None)] == list(RULES)


def test_unknown_rule_key_is_a_key_error():
    with pytest.raises(KeyError):
        effective_rule({}, "meeting.no_such_rule")


# -- citing ----------------------------------------------------------------------------------


def test_cite_gives_document_article_and_amount():
    assert cite(effective_rule({}, "meeting.forum_materials_lead")) == (
        "依据《（县）重大行政决策公众参与制度》第七条（3个工作日）"
    )
    assert cite(effective_rule({}, "meeting.hearing_notice")) == (
        "依据《（县）重大行政决策公众参与制度》第十二条（10日）"
    )
    assert cite(effective_rule({}, "meeting.hearing_min_representatives")).endswith("（10人）")
    assert cite(effective_rule({}, "meeting.work_report_speech")).endswith("（10分钟）")
    assert cite(effective_rule({}, "meeting.speech_warning_before_end")).endswith("（1分钟）")
    assert cite(effective_rule({}, "meeting.comment_max_length")) == "依据本系统默认（500字）"


# -- overrides -------------------------------------------------------------------------------


def test_county_override_replaces_value_and_source():
    settings = override(
        "meeting.forum_materials_lead",
        value=5,
        unit="calendar_days",
        source="《某省某厅重大行政决策公众参与办法》第八条",
    )

    rule = effective_rule(settings, "meeting.forum_materials_lead")

    assert (rule.value, rule.unit, rule.overridden) == (5, RuleUnit.CALENDAR_DAYS, True)
    assert cite(rule) == "依据《某省某厅重大行政决策公众参与办法》第八条（5日）"
    assert validate_overrides(settings) == []


def test_override_below_binding_minimum_without_reason_raises_naming_key_and_national_source():
    settings = override(
        "decision.public_comment_period",
        value=10,
        source="《（县）重大行政决策公众参与制度》第九条",
        reason="  ",
    )

    with pytest.raises(ValueError) as exc:
        effective_rule(settings, "decision.public_comment_period")

    assert "decision.public_comment_period" in str(exc.value)
    assert "《重大行政决策程序暂行条例》" in str(exc.value)
    assert validate_overrides(settings) == [str(exc.value)]


def test_override_below_binding_minimum_with_reason_is_applied_and_cited_with_the_reason():
    settings = override(
        "decision.public_comment_period",
        value=10,
        source="《（县）重大行政决策公众参与制度》第九条",
        reason="汛期堤防加固情况紧急",
    )

    rule = effective_rule(settings, "decision.public_comment_period")

    assert (rule.value, rule.below_binding_minimum, rule.reason) == (
        10,
        True,
        "汛期堤防加固情况紧急",
    )
    assert cite(rule) == (
        "依据《（县）重大行政决策公众参与制度》第九条（10日；低于《重大行政决策程序暂行条例》"
        "（国务院令第713号）第十五条规定的30日，理由：汛期堤防加固情况紧急）"
    )


def test_override_above_binding_minimum_needs_no_reason():
    settings = override("decision.public_comment_period", value=45, source="《某县规定》第三条")

    rule = effective_rule(settings, "decision.public_comment_period")

    assert (rule.value, rule.below_binding_minimum, rule.reason) == (45, False, None)


def test_working_days_override_of_calendar_minimum_is_not_below_it():
    settings = override(
        "decision.public_comment_period", value=30, unit="working_days", source="《某县规定》第三条"
    )

    assert effective_rule(settings, "decision.public_comment_period").below_binding_minimum is False


def test_lowering_a_non_binding_county_rule_needs_no_reason():
    settings = override("meeting.hearing_notice", value=7, source="《某县听证办法》第六条")

    assert effective_rule(settings, "meeting.hearing_notice").value == 7


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"value": 0, "source": "《某规定》"}, "正整数"),
        ({"value": "5", "source": "《某规定》"}, "正整数"),
        ({"value": True, "source": "《某规定》"}, "正整数"),
        ({"value": 5}, "依据"),
        ({"value": 5, "source": "《某规定》", "unit": "seconds"}, "单位"),
        ("5", "对象"),
    ],
)
def test_malformed_override_is_reported_and_refused(raw, fragment):
    settings = {"rules": {"meeting.hearing_notice": raw}}

    problems = validate_overrides(settings)

    assert len(problems) == 1 and fragment in problems[0]
    with pytest.raises(ValueError):
        effective_rule(settings, "meeting.hearing_notice")


def test_validate_overrides_reports_unknown_keys_and_warning_not_before_end():
    assert validate_overrides({"rules": {"meeting.typo": {"value": 1, "source": "x"}}}) == [
        "未知的规则“meeting.typo”"
    ]
    settings = override("meeting.speech_warning_before_end", value=600, source="《某规定》")
    assert validate_overrides(settings) == [
        "发言剩余时间提醒（10分钟）应短于述职报告发言时长（10分钟）"
    ]
    assert validate_overrides({}) == [] and validate_overrides(None) == []
    assert validate_overrides({"rules": []}) == ["规则设置（rules）应为对象"]


# -- working days ----------------------------------------------------------------------------


def test_official_calendar_with_tiaoxiu():
    assert is_working_day(date(2025, 9, 28))  # Sunday, 调休 working day before National Day
    assert is_working_day(date(2025, 10, 11))  # Saturday, 调休 working day after it
    assert not any(is_working_day(date(2025, 10, d)) for d in range(1, 9))  # 10-01..10-08
    assert not is_working_day(date(2025, 9, 27))  # an ordinary Saturday
    assert is_working_day(date(2026, 2, 14))  # Saturday, 调休 before Spring Festival 2026
    assert not is_working_day(date(2026, 2, 16))  # Monday in the Spring Festival holiday


def test_working_days_between_excludes_start_includes_end():
    # (09-26, 10-09]: 09-28 (调休 Sunday), 09-29, 09-30, 10-09; 10-01..10-08 are holidays.
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 9)) == 4
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 9, 27), date(2025, 9, 28)) == 1
    assert working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert working_days_between(date(2025, 10, 9), date(2025, 9, 26)) == -4


def test_subtract_working_days_skips_holidays_and_lands_on_tiaoxiu_sunday():
    # 3 working days before Thursday 2025-10-09: 09-30, 09-29, then Sunday 09-28 (调休).
    assert subtract_working_days(date(2025, 10, 9), 3) == date(2025, 9, 28)
    assert subtract_working_days(date(2025, 10, 9), 4) == date(2025, 9, 26)
    assert subtract_working_days(date(2025, 10, 9), 0) == date(2025, 10, 9)
    # An ordinary week: Thursday 2025-11-13 → Monday 2025-11-10.
    assert subtract_working_days(date(2025, 11, 13), 3) == date(2025, 11, 10)


def test_add_working_days_gives_the_last_day_of_a_forward_period():
    # 20 working days from Friday 2025-09-26 (policy interpretation deadline): 09-28, 09-29,
    # 09-30 (3); 10-09, 10-10, 10-11 (调休 Saturday) (6); 10-13..17 (11); 10-20..24 (16);
    # 10-27..30 (20).
    due = add_working_days(date(2025, 9, 26), 20)

    assert due == date(2025, 10, 30)
    assert working_days_between(date(2025, 9, 26), due) == 20


def test_working_day_arithmetic_across_spring_festival_2026():
    # Holiday 2026-02-15..02-23; 调休 Saturdays 02-14 and 02-28.
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2  # 02-14, 02-24
    assert subtract_working_days(date(2026, 2, 24), 2) == date(2026, 2, 13)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        subtract_working_days(date(2025, 10, 9), -1)
    with pytest.raises(ValueError):
        add_working_days(date(2025, 10, 9), -1)


def test_the_package_seed_covers_2004_to_2026_with_chinese_names():
    assert CAL.official.published_years == frozenset(range(2004, 2027))
    assert CAL.official.days[date(2026, 2, 17)] == OfficialDay(
        date(2026, 2, 17), DayKind.HOLIDAY, "春节"
    )
    assert CAL.official.days[date(2026, 2, 14)].kind is DayKind.WORKDAY


def test_a_deadline_counting_an_unpublished_year_is_provisional():
    # From Friday 2026-12-25: 12-28..12-31 are published 2026 days, 2027 is not.
    inside = CAL.add_working_days(date(2026, 12, 18), 5)
    across = CAL.add_working_days(date(2026, 12, 25), 10)

    assert (inside.due, inside.provisional, inside.assumed_years) == (date(2026, 12, 25), False, ())
    assert (across.due, across.provisional, across.assumed_years) == (
        date(2027, 1, 8),
        True,
        (2027,),
    )
    # 2 working days before Monday 2027-01-04: Friday 01-01 (2027: assumed a working day),
    # then Thursday 12-31 on 2026's table.
    back = CAL.subtract_working_days(date(2027, 1, 4), 2)
    assert (back.due, back.provisional) == (date(2026, 12, 31), True)
    assert CAL.add_working_days(date(2027, 3, 1), 0).provisional is False  # nothing counted


def test_a_local_closure_is_no_working_day_even_on_a_tiaoxiu_saturday():
    closures = {date(2026, 2, 14): "防汛", date(2026, 3, 7): "周六停电"}
    county = CAL.with_closures(closures, tenant_id=1)

    assert CAL.is_working_day(date(2026, 2, 14)) and not county.is_working_day(date(2026, 2, 14))
    # 2 working days from Friday 02-13: 02-14 (调休) is closed, 02-15..02-23 holidays, so
    # 02-24 and 02-25. The Saturday 03-07 closure is no working day anyway: not "skipped".
    deadline = county.add_working_days(date(2026, 2, 13), 2)
    assert (deadline.due, deadline.closures) == (date(2026, 2, 25), (date(2026, 2, 14),))
    assert county.add_working_days(date(2026, 3, 6), 1).closures == ()
    assert "已扣除本县停止办公日2026年2月14日（防汛）" in county.cite(deadline)
    assert CAL.add_working_days(date(2026, 2, 13), 2).due == date(2026, 2, 24)


def test_the_citation_names_the_counting_rule_the_tables_and_why_provisional():
    deadline = CAL.add_working_days(date(2026, 12, 25), 10)

    assert CAL.cite(deadline) == (
        "依据《中华人民共和国民法典》第二百零一条（开始的当日不计入，自下一日开始计算）；"
        f"工作日按{PACKAGE_SOURCE}计算；"
        "2027年的法定节假日安排尚未发布，暂按周一至周五计算，期限为暂定。"
    )


# -- lead times ------------------------------------------------------------------------------


def test_forum_materials_on_tiaoxiu_sunday_are_in_time_for_thursday_after_national_day():
    rule = effective_rule({}, "meeting.forum_materials_lead")

    check = lead_time_check(at(2025, 9, 28, 17), at(2025, 10, 9), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.required, check.actual) == (True, 3, 3)
    assert check.latest_allowed.date() == date(2025, 9, 28)
    assert check.latest_allowed.tzinfo is not None
    assert check.calendar_fallback is False
    assert "依据《（县）重大行政决策公众参与制度》第七条（3个工作日）" in check.message
    assert "2025年9月28日" in check.message and "符合规定" in check.message


def test_forum_materials_a_day_late_fail_with_a_cited_message():
    rule = effective_rule({}, "meeting.forum_materials_lead")

    check = lead_time_check(at(2025, 9, 29, 8), at(2025, 10, 9), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.actual) == (False, 2)
    assert "不符合规定" in check.message and "第七条" in check.message


def test_holidays_do_not_count_as_lead_time():
    rule = effective_rule({}, "meeting.forum_materials_lead")

    # Sent on 10-01 for Friday 10-10: 10-01..10-08 are holidays, so only 10-09 counts.
    check = lead_time_check(at(2025, 10, 1), at(2025, 10, 10), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.actual) == (False, 1)


def test_hearing_notice_counts_calendar_days_in_the_county_time_zone():
    rule = effective_rule({}, "meeting.hearing_notice")
    starts = at(2026, 3, 20, 9)

    on_time = lead_time_check(at(2026, 3, 10, 23, 30), starts, rule, "Asia/Shanghai", CAL)
    # 2026-03-10 16:30 UTC is already 03-11 00:30 in Beijing: one day late.
    late = lead_time_check(
        datetime(2026, 3, 10, 16, 30, tzinfo=UTC), starts, rule, "Asia/Shanghai", CAL
    )

    assert (on_time.ok, on_time.actual) == (True, 10)
    assert (late.ok, late.actual) == (False, 9)
    assert on_time.latest_allowed == datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert "第十二条（10日）" in late.message


def test_same_instant_is_a_different_local_day_in_another_time_zone():
    rule = effective_rule({}, "meeting.hearing_notice")
    sent = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # 03-11 01:00 Beijing, 03-10 23:00 Urumqi
    starts = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)  # 03-20 in both

    assert lead_time_check(sent, starts, rule, "Asia/Shanghai", CAL).ok is False
    assert lead_time_check(sent, starts, rule, "Asia/Urumqi", CAL).ok is True


def test_outside_the_official_calendar_falls_back_to_monday_to_friday_and_says_so():
    rule = effective_rule({}, "meeting.forum_materials_lead")

    # Thursday 2027-03-04: 3 working days before is Monday 2027-03-01 on Mon–Fri.
    check = lead_time_check(at(2027, 3, 1), at(2027, 3, 4), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.actual, check.calendar_fallback) == (True, 3, True)
    assert check.latest_allowed.date() == date(2027, 3, 1)
    assert "2027年" in check.message and "周一至周五" in check.message
    assert is_working_day(date(2027, 3, 6)) is False  # Saturday on the fallback


def test_sent_after_the_meeting_day_is_negative_and_fails():
    rule = effective_rule({}, "meeting.hearing_notice")

    check = lead_time_check(at(2026, 3, 21), at(2026, 3, 20), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.actual) == (False, -1)


def test_lead_time_check_refuses_non_day_rules_and_naive_datetimes():
    with pytest.raises(ValueError):
        lead_time_check(
            at(2026, 3, 1),
            at(2026, 3, 20),
            effective_rule({}, "meeting.hearing_min_representatives"),
            "Asia/Shanghai",
            CAL,
        )
    with pytest.raises(ValueError):
        lead_time_check(
            datetime(2026, 3, 1),
            at(2026, 3, 20),
            effective_rule({}, "meeting.hearing_notice"),
            "Asia/Shanghai",
            CAL,
        )


def test_lead_time_check_with_a_county_override_cites_the_county_rule():
    settings = override(
        "meeting.forum_materials_lead",
        value=5,
        unit="calendar_days",
        source="《某省某厅重大行政决策公众参与办法》第八条",
    )
    rule = effective_rule(settings, "meeting.forum_materials_lead")

    check = lead_time_check(at(2025, 11, 9), at(2025, 11, 13), rule, "Asia/Shanghai", CAL)

    assert (check.ok, check.actual, check.required) == (False, 4, 5)
    assert "依据《某省某厅重大行政决策公众参与办法》第八条（5日）" in check.message
