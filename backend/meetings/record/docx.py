"""The Word rendering (.docx) of a consultation record (协商记录) from
`backend.meetings.record.build.build_record`, with the Chinese labels of its enum values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from backend.core.rules import RuleUnit, format_amount
from backend.meetings.events import MEETING_EVENTS, MeetingEvent
from backend.meetings.models import (
    CommentKind,
    Eligibility,
    MeetingKind,
    MeetingMode,
    MeetingState,
    ParticipantRole,
    PollKind,
    PollState,
    ScoringScale,
    ScoringState,
    SpeakingState,
    TimerStatus,
)
from backend.record.docx import (
    Clock,
    Sections,
    event_table,
    label,
    new_document,
    opinion_map_tables,
    paragraph,
    percent,
    seal_page,
    table,
    text_block,
    to_bytes,
)

# -- Chinese labels of enum values (for the document; the JSON keeps the values) ----------

KIND_LABELS: dict[MeetingKind, str] = {
    MeetingKind.CONSULTATION_TALK: "民意恳谈会",
    MeetingKind.WORK_REPORT: "述职报告会",
    MeetingKind.THEMATIC_CONSULTATION: "专题协商会",
    MeetingKind.FORUM: "座谈会",
    MeetingKind.HEARING: "听证会",
    MeetingKind.SITUATION_BRIEFING: "形势通报会",
    MeetingKind.COUNTERPART_CONSULTATION: "对口协商",
    MeetingKind.ONLINE_INQUIRY: "网络问政",
    MeetingKind.VIDEO_MEETING: "云视频会议",
}
MODE_LABELS: dict[MeetingMode, str] = {
    MeetingMode.IN_PERSON: "现场",
    MeetingMode.ONLINE: "线上",
    MeetingMode.HYBRID: "现场+线上",
}
STATE_LABELS: dict[MeetingState, str] = {
    MeetingState.DRAFT: "草稿",
    MeetingState.ANNOUNCED: "已公告",
    MeetingState.LIVE: "进行中",
    MeetingState.CLOSED: "已结束",
    MeetingState.RECORD_PUBLISHED: "记录已公开",
}
ROLE_LABELS: dict[ParticipantRole, str] = {
    ParticipantRole.HOST: "主持/会务",
    ParticipantRole.SPEAKER: "发言人",
    ParticipantRole.DEPUTY: "人大代表/政协委员",
    ParticipantRole.EXPERT: "专家",
    ParticipantRole.REPRESENTATIVE: "群众代表",
    ParticipantRole.ATTENDEE: "参会群众",
}
TIMER_LABELS: dict[TimerStatus, str] = {
    TimerStatus.IDLE: "未开始",
    TimerStatus.RUNNING: "计时中",
    TimerStatus.PAUSED: "已暂停",
    TimerStatus.STOPPED: "已结束",
}
POLL_KIND_LABELS: dict[PollKind, str] = {PollKind.SINGLE: "单选", PollKind.MULTIPLE: "多选"}
POLL_STATE_LABELS: dict[PollState, str] = {
    PollState.DRAFT: "未开始",
    PollState.OPEN: "进行中",
    PollState.CLOSED: "已结束",
}
ELIGIBILITY_LABELS: dict[Eligibility, str] = {
    Eligibility.ATTENDEES: "已签到人员",
    Eligibility.REGISTERED: "受邀及报名人员",
    Eligibility.REPRESENTATIVES: "代表、委员及群众代表",
}
SCALE_LABELS: dict[ScoringScale, str] = {
    ScoringScale.SATISFACTION: "满意度（满意/基本满意/不满意）",
    ScoringScale.SCORE_100: "百分制",
}
SCORING_STATE_LABELS: dict[ScoringState, str] = {
    ScoringState.OPEN: "进行中",
    ScoringState.CLOSED: "已结束",
}
COMMENT_KIND_LABELS: dict[CommentKind, str] = {
    CommentKind.COMMENT: "留言",
    CommentKind.QUESTION: "提问",
}
SPEAKING_STATE_LABELS: dict[SpeakingState, str] = {
    SpeakingState.WAITING: "等待中",
    SpeakingState.SPEAKING: "发言中",
    SpeakingState.DONE: "已发言",
    SpeakingState.WITHDRAWN: "已撤回",
}
CHECK_IN_MODE_LABELS: dict[str, str] = {"IN_PERSON": "现场签到", "ONLINE": "线上签到"}
# Each logged type's label is declared with the type (backend/meetings/events.py).
EVENT_TYPE_LABELS: dict[str, str] = {t.value: t.label for t in MEETING_EVENTS.logged}
SECTION_LABELS: dict[str, str] = {
    "county": "所属县（区）",
    "meeting": "基本信息",
    "agenda": "议程",
    "attendance": "出席情况",
    "materials": "会议材料",
    "polls": "表决结果",
    "scoring": "测评结果",
    "comments": "互动留言",
    "speaking_requests": "发言申请",
    "minutes": "会议纪要",
}


def render_docx(record: Mapping[str, Any]) -> bytes:
    """A Word document (.docx) of a record from :func:`build_record`, in Chinese, for a
    county office to read, print and file.

    Guarantees: the title is the meeting's title followed by "协商记录"; times are shown in
    the county's time zone; hidden comments appear marked 已屏蔽 with their reason; a
    concluded opinion map has its section (意见地图: groups, consensus and divisive
    statements, counts per statement, from its event in the chain); the last
    lines print the chain's head hash in full ("记录链哈希：…") and the verification result
    ("校验结果：…"). Uses only python-docx; no I/O.
    """
    clock = Clock((record.get("county") or {}).get("timezone"))
    meeting = record["meeting"]
    doc = new_document()
    section = Sections(doc)

    title = doc.add_heading(f"{meeting['title']}协商记录", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # 基本信息
    venue = meeting.get("venue") or {}
    host = meeting.get("host_unit") or {}
    county = record.get("county") or {}
    period = clock.long(meeting.get("starts_at"))
    if meeting.get("ends_at"):
        period += f" 至 {clock.long(meeting['ends_at'])}"
    place = "，".join(x for x in (venue.get("name"), venue.get("address")) if x)
    meta: list[tuple[str, str]] = [
        ("会议名称", meeting["title"]),
        ("会议类型", label(KIND_LABELS, MeetingKind, meeting.get("kind"))),
        ("会议形式", label(MODE_LABELS, MeetingMode, meeting.get("mode"))),
        ("时间", period),
    ]
    if place:
        meta.append(("地点", place))
    if host.get("name"):
        meta.append(("主办单位", host["name"]))
    if county.get("name"):
        meta.append(("所属县（区）", county["name"]))
    meta.append(("状态", label(STATE_LABELS, MeetingState, meeting.get("state"))))
    if meeting.get("description"):
        meta.append(("会议说明", meeting["description"]))
    table(doc, None, meta)

    # 议程
    section("议程")
    agenda = record.get("agenda") or []
    if agenda:
        table(
            doc,
            ["序号", "议题", "发言人", "发言单位", "发言时长", "计时状态"],
            [
                [
                    a.get("position"),
                    a.get("title"),
                    a.get("speaker_name") or "",
                    (a.get("speaker_unit") or {}).get("name") or "",
                    format_amount(int(a.get("duration_seconds") or 0), RuleUnit.SECONDS),
                    label(TIMER_LABELS, TimerStatus, a.get("timer_status")),
                ]
                for a in agenda
            ],
        )
    else:
        paragraph(doc, "（无议程）")

    # 出席情况
    section("出席情况")
    attendance = record.get("attendance") or {}
    modes = attendance.get("by_check_in_mode") or {}
    mode_text = "，".join(
        f"{CHECK_IN_MODE_LABELS.get(k, '其他')}{v}人" for k, v in sorted(modes.items())
    )
    paragraph(
        doc,
        f"受邀及报名{attendance.get('registered', 0)}人"
        f"（其中受邀{attendance.get('invited', 0)}人），"
        f"实到{attendance.get('checked_in', 0)}人"
        + (f"（{mode_text}）" if mode_text else "")
        + "。",
    )
    by_role = attendance.get("by_role") or {}
    role_rows = [
        [label(ROLE_LABELS, ParticipantRole, role), c.get("registered", 0), c.get("checked_in", 0)]
        for role, c in by_role.items()
        if c.get("registered", 0)
    ]
    if role_rows:
        table(doc, ["身份", "受邀及报名", "签到"], role_rows)
    speakers = [s.get("name") for s in attendance.get("speakers") or [] if s.get("name")]
    if speakers:
        paragraph(doc, "发言人：" + "、".join(speakers))

    # 会议材料
    materials = record.get("materials") or []
    if materials:
        section("会议材料")
        table(
            doc,
            ["材料", "送达时间"],
            [[m.get("title"), clock.long(m.get("distributed_at")) or "未送达"] for m in materials],
        )

    # 表决结果
    section("表决结果")
    polls = record.get("polls") or []
    if not polls:
        paragraph(doc, "（无表决）")
    for n, poll in enumerate(polls, start=1):
        kind = label(POLL_KIND_LABELS, PollKind, poll.get("kind"))
        state = label(POLL_STATE_LABELS, PollState, poll.get("state"))
        paragraph(doc, f"{n}. {poll.get('question')}（{kind}，{state}）", bold=True)
        total = int(poll.get("total_votes") or 0)
        counts = list(poll.get("counts") or [])
        options = list(poll.get("options") or [])
        rows = [
            [
                opt,
                counts[i] if i < len(counts) else 0,
                percent(counts[i] if i < len(counts) else 0, total),
            ]
            for i, opt in enumerate(options)
        ]
        rows.append(["合计（投票人数）", total, ""])
        table(doc, ["选项", "票数", "占投票人数"], rows)
        if not poll.get("final"):
            paragraph(doc, "注：该表决尚未结束，票数为导出时的计数。")

    # 测评结果
    section("测评结果")
    sheets = record.get("scoring") or []
    if not sheets:
        paragraph(doc, "（无测评）")
    for n, sheet in enumerate(sheets, start=1):
        scale = label(SCALE_LABELS, ScoringScale, sheet.get("scale"))
        paragraph(doc, f"{n}. {sheet.get('title')}（{scale}，无记名）", bold=True)
        results = sheet.get("results")
        if not sheet.get("published") or not isinstance(results, Mapping):
            paragraph(doc, "测评尚未结束，结果未公布。")
            continue
        targets = [t for t in results.get("targets") or [] if isinstance(t, Mapping)]
        if sheet.get("scale") == ScoringScale.SATISFACTION.value:
            table(
                doc,
                ["测评对象", "满意", "基本满意", "不满意", "有效票", "满意率"],
                [
                    [
                        t.get("target"),
                        (t.get("counts") or {}).get("满意", 0),
                        (t.get("counts") or {}).get("基本满意", 0),
                        (t.get("counts") or {}).get("不满意", 0),
                        t.get("ballots", 0),
                        f"{t['satisfactionRate'] * 100:.1f}%"
                        if isinstance(t.get("satisfactionRate"), int | float)
                        else "—",
                    ]
                    for t in targets
                ],
            )
        else:
            table(
                doc,
                ["测评对象", "有效票", "平均分", "最高分", "最低分"],
                [
                    [
                        t.get("target"),
                        t.get("ballots", 0),
                        t.get("average") if t.get("average") is not None else "—",
                        t.get("max") if t.get("max") is not None else "—",
                        t.get("min") if t.get("min") is not None else "—",
                    ]
                    for t in targets
                ],
            )
        paragraph(doc, f"共收回测评票{results.get('ballots', 0)}张。")

    # 互动留言
    section("互动留言")
    comments = record.get("comments") or []
    if comments:
        rows = []
        for c in comments:
            if c.get("hidden"):
                status = f"已屏蔽（理由：{c.get('hidden_reason') or '未说明'}）"
            elif c.get("handed_over_unit"):
                status = f"已转交{(c['handed_over_unit'] or {}).get('name') or ''}办理"
            elif c.get("answered_live_at"):
                status = "已现场答复"
            else:
                status = ""
            rows.append(
                [
                    c.get("id"),
                    clock.short(c.get("created_at")),
                    label(COMMENT_KIND_LABELS, CommentKind, c.get("kind")),
                    c.get("author_name") or "",
                    c.get("body"),
                    status,
                ]
            )
        table(doc, ["编号", "时间", "类型", "发言人", "内容", "处理情况"], rows)
    else:
        paragraph(doc, "（无留言）")
    requests = record.get("speaking_requests") or []
    if requests:
        paragraph(doc, "发言申请", bold=True)
        table(
            doc,
            ["时间", "申请人", "主题", "状态"],
            [
                [
                    clock.short(r.get("created_at")),
                    r.get("name") or "",
                    r.get("topic") or "",
                    label(SPEAKING_STATE_LABELS, SpeakingState, r.get("state")),
                ]
                for r in requests
            ],
        )

    # 意见地图: each concluded map as the chain holds it (`opinionMap.concluded`)
    concluded = [
        e.get("payload") or {}
        for e in record.get("events") or []
        if e.get("type") == MeetingEvent.OPINION_MAP_CONCLUDED.value
    ]
    if concluded:
        section("意见地图")
        for n, found in enumerate(concluded, start=1):
            paragraph(doc, f"{n}. {found.get('topic') or ''}", bold=True)
            opinion_map_tables(doc, found.get("result") or {})

    # 会议纪要
    section("会议纪要")
    text_block(doc, (record.get("minutes") or {}).get("text"), empty="（尚无会议纪要）")

    # 事件记录
    section("事件记录")
    event_table(doc, record.get("events") or [], clock, EVENT_TYPE_LABELS)

    # 记录链哈希与校验结果
    section("记录校验")
    seal_page(
        doc,
        record,
        clock,
        section_labels=SECTION_LABELS,
        how_to_verify="yishi record verify-export 记录.json --public-key 县公钥.pem",
    )
    return to_bytes(doc)
