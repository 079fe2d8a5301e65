"""The Word rendering (.docx) of a consultation record (协商记录) from
`backend.meetings.record.build.build_record`, with the Chinese labels of its enum values.
"""

from __future__ import annotations

import enum
import io
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Pt
from docx.table import Table

from backend.core.rules import RuleUnit, format_amount
from backend.meetings.events import MEETING_EVENTS
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
from backend.meetings.record.build import DEFAULT_TIMEZONE

HASH_PREFIX = 12  # hex digits of each event's hash shown in the document's event table

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


def _label(labels: Mapping[Any, str], enum_cls: type[enum.Enum], value: Any) -> str:
    """The Chinese label of an enum value from the record, or the value itself."""
    try:
        return labels[enum_cls(value)]
    except (ValueError, KeyError):
        return str(value) if value is not None else ""


# -- rendering the Word document ---------------------------------------------------------

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


class _Clock:
    """Formats the record's ISO times in the county's time zone."""

    def __init__(self, tz: str | None) -> None:
        try:
            self.zone = ZoneInfo(tz or DEFAULT_TIMEZONE)
        except (KeyError, ValueError):
            self.zone = ZoneInfo(DEFAULT_TIMEZONE)

    def local(self, iso: str | None) -> datetime | None:
        return datetime.fromisoformat(iso).astimezone(self.zone) if iso else None

    def long(self, iso: str | None) -> str:
        t = self.local(iso)
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}" if t else ""

    def short(self, iso: str | None) -> str:
        t = self.local(iso)
        return f"{t:%Y-%m-%d %H:%M:%S}" if t else ""


def _set_font(style: Any, name: str, size: float | None = None) -> None:
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    if size is not None:
        style.font.size = Pt(size)


def _new_document() -> DocxDocument:
    doc = Document()
    _set_language(doc, "zh-CN")
    _set_font(doc.styles["Normal"], BODY_FONT, 10.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_font(doc.styles[name], HEADING_FONT)
    return doc


def _set_language(doc: DocxDocument, tag: str) -> None:
    """The document's default language (python-docx's template says en-US), for Latin and
    East Asian text alike, so Word proofs it and picks fonts as for Chinese."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None  # python-docx's template has them
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell_xml(value: Any, *, bold: bool) -> str:
    """One table cell, a paragraph per line of text."""
    text = _XML_INVALID.sub("", str(value if value is not None else ""))
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    paragraphs = "".join(
        f'<w:p><w:r>{run_props}<w:t xml:space="preserve">{xml_escape(line)}</w:t></w:r></w:p>'
        for line in text.split("\n")
    )
    return f"<w:tc>{paragraphs}</w:tc>"


def _table(doc: DocxDocument, header: Sequence[str] | None, rows: Sequence[Sequence[Any]]) -> Table:
    """A bordered table. Rows are parsed from one XML fragment rather than built cell by
    cell, which python-docx does at about 0.5 ms a cell: a record of 20,000 events (one per
    vote) renders in about a second instead of ten."""
    width = len(header) if header else max((len(r) for r in rows), default=1)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    body = "".join(
        "<w:tr>" + "".join(_cell_xml(v, bold=False) for v in row) + "</w:tr>" for row in rows
    )
    if header:
        body = "<w:tr>" + "".join(_cell_xml(v, bold=True) for v in header) + "</w:tr>" + body
    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
    tbl = table._tbl
    for tr in list(fragment):
        tbl.append(tr)
    return table  # type: ignore[no-any-return]  # python-docx's add_table is untyped


class _Sections:
    """Numbered section headings (一、二、…), numbered in the order they are written."""

    NUMERALS = "一二三四五六七八九十"

    def __init__(self, doc: DocxDocument) -> None:
        self.doc, self.count = doc, 0

    def __call__(self, title: str) -> None:
        self.count += 1
        self.doc.add_heading(f"{self.NUMERALS[self.count - 1]}、{title}", level=1)


def _paragraph(doc: DocxDocument, text: str, *, bold: bool = False) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold


def _percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def render_docx(record: Mapping[str, Any]) -> bytes:
    """A Word document (.docx) of a record from :func:`build_record`, in Chinese, for a
    county office to read, print and file.

    Guarantees: the title is the meeting's title followed by "协商记录"; times are shown in
    the county's time zone; hidden comments appear marked 已屏蔽 with their reason; the last
    lines print the chain's head hash in full ("记录链哈希：…") and the verification result
    ("校验结果：…"). Uses only python-docx; no I/O.
    """
    clock = _Clock((record.get("county") or {}).get("timezone"))
    meeting = record["meeting"]
    doc = _new_document()
    section = _Sections(doc)

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
        ("会议类型", _label(KIND_LABELS, MeetingKind, meeting.get("kind"))),
        ("会议形式", _label(MODE_LABELS, MeetingMode, meeting.get("mode"))),
        ("时间", period),
    ]
    if place:
        meta.append(("地点", place))
    if host.get("name"):
        meta.append(("主办单位", host["name"]))
    if county.get("name"):
        meta.append(("所属县（区）", county["name"]))
    meta.append(("状态", _label(STATE_LABELS, MeetingState, meeting.get("state"))))
    if meeting.get("description"):
        meta.append(("会议说明", meeting["description"]))
    _table(doc, None, meta)

    # 议程
    section("议程")
    agenda = record.get("agenda") or []
    if agenda:
        _table(
            doc,
            ["序号", "议题", "发言人", "发言单位", "发言时长", "计时状态"],
            [
                [
                    a.get("position"),
                    a.get("title"),
                    a.get("speaker_name") or "",
                    (a.get("speaker_unit") or {}).get("name") or "",
                    format_amount(int(a.get("duration_seconds") or 0), RuleUnit.SECONDS),
                    _label(TIMER_LABELS, TimerStatus, a.get("timer_status")),
                ]
                for a in agenda
            ],
        )
    else:
        _paragraph(doc, "（无议程）")

    # 出席情况
    section("出席情况")
    attendance = record.get("attendance") or {}
    modes = attendance.get("by_check_in_mode") or {}
    mode_text = "，".join(
        f"{CHECK_IN_MODE_LABELS.get(k, '其他')}{v}人" for k, v in sorted(modes.items())
    )
    _paragraph(
        doc,
        f"受邀及报名{attendance.get('registered', 0)}人"
        f"（其中受邀{attendance.get('invited', 0)}人），"
        f"实到{attendance.get('checked_in', 0)}人"
        + (f"（{mode_text}）" if mode_text else "")
        + "。",
    )
    by_role = attendance.get("by_role") or {}
    role_rows = [
        [_label(ROLE_LABELS, ParticipantRole, role), c.get("registered", 0), c.get("checked_in", 0)]
        for role, c in by_role.items()
        if c.get("registered", 0)
    ]
    if role_rows:
        _table(doc, ["身份", "受邀及报名", "签到"], role_rows)
    speakers = [s.get("name") for s in attendance.get("speakers") or [] if s.get("name")]
    if speakers:
        _paragraph(doc, "发言人：" + "、".join(speakers))

    # 会议材料
    materials = record.get("materials") or []
    if materials:
        section("会议材料")
        _table(
            doc,
            ["材料", "送达时间"],
            [[m.get("title"), clock.long(m.get("distributed_at")) or "未送达"] for m in materials],
        )

    # 表决结果
    section("表决结果")
    polls = record.get("polls") or []
    if not polls:
        _paragraph(doc, "（无表决）")
    for n, poll in enumerate(polls, start=1):
        kind = _label(POLL_KIND_LABELS, PollKind, poll.get("kind"))
        state = _label(POLL_STATE_LABELS, PollState, poll.get("state"))
        _paragraph(doc, f"{n}. {poll.get('question')}（{kind}，{state}）", bold=True)
        total = int(poll.get("total_votes") or 0)
        counts = list(poll.get("counts") or [])
        options = list(poll.get("options") or [])
        rows = [
            [
                opt,
                counts[i] if i < len(counts) else 0,
                _percent(counts[i] if i < len(counts) else 0, total),
            ]
            for i, opt in enumerate(options)
        ]
        rows.append(["合计（投票人数）", total, ""])
        _table(doc, ["选项", "票数", "占投票人数"], rows)
        if not poll.get("final"):
            _paragraph(doc, "注：该表决尚未结束，票数为导出时的计数。")

    # 测评结果
    section("测评结果")
    sheets = record.get("scoring") or []
    if not sheets:
        _paragraph(doc, "（无测评）")
    for n, sheet in enumerate(sheets, start=1):
        scale = _label(SCALE_LABELS, ScoringScale, sheet.get("scale"))
        _paragraph(doc, f"{n}. {sheet.get('title')}（{scale}，无记名）", bold=True)
        results = sheet.get("results")
        if not sheet.get("published") or not isinstance(results, Mapping):
            _paragraph(doc, "测评尚未结束，结果未公布。")
            continue
        targets = [t for t in results.get("targets") or [] if isinstance(t, Mapping)]
        if sheet.get("scale") == ScoringScale.SATISFACTION.value:
            _table(
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
            _table(
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
        _paragraph(doc, f"共收回测评票{results.get('ballots', 0)}张。")

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
                    _label(COMMENT_KIND_LABELS, CommentKind, c.get("kind")),
                    c.get("author_name") or "",
                    c.get("body"),
                    status,
                ]
            )
        _table(doc, ["编号", "时间", "类型", "发言人", "内容", "处理情况"], rows)
    else:
        _paragraph(doc, "（无留言）")
    requests = record.get("speaking_requests") or []
    if requests:
        _paragraph(doc, "发言申请", bold=True)
        _table(
            doc,
            ["时间", "申请人", "主题", "状态"],
            [
                [
                    clock.short(r.get("created_at")),
                    r.get("name") or "",
                    r.get("topic") or "",
                    _label(SPEAKING_STATE_LABELS, SpeakingState, r.get("state")),
                ]
                for r in requests
            ],
        )

    # 会议纪要
    section("会议纪要")
    minutes = (record.get("minutes") or {}).get("text")
    if minutes:
        for line in str(minutes).splitlines():
            doc.add_paragraph(line)
    else:
        _paragraph(doc, "（尚无会议纪要）")

    # 事件记录
    section("事件记录")
    events = record.get("events") or []
    _paragraph(
        doc,
        f"共{len(events)}条事件，按序号排列；每条事件的哈希包含前一条的哈希，"
        f"表中列出哈希前{HASH_PREFIX}位，完整哈希见JSON格式记录。",
    )
    _table(
        doc,
        ["序号", "时间", "类型", "哈希（前缀）"],
        [
            [
                e.get("seq"),
                clock.short(e.get("at")),
                f"{EVENT_TYPE_LABELS[e['type']]}（{e['type']}）"
                if e.get("type") in EVENT_TYPE_LABELS
                else e.get("type"),
                str(e.get("hash") or "")[:HASH_PREFIX],
            ]
            for e in events
        ],
    )

    # 记录链哈希与校验结果
    chain = record.get("chain") or {}
    section("记录校验")
    _paragraph(doc, f"记录链哈希：{chain.get('head_hash') or ''}")
    if chain.get("sealed_hash"):
        _paragraph(doc, f"封存哈希：{chain['sealed_hash']}")
        _paragraph(doc, f"封存时间：{clock.long(chain.get('sealed_at'))}")
    seal = record.get("seal") or {}
    statement = seal.get("statement") or {}
    if seal.get("signature"):
        _paragraph(doc, f"签名算法：{statement.get('algorithm')}（国密SM2签名，SM3摘要）")
        _paragraph(doc, f"县级签名公钥指纹（SM3）：{statement.get('key_id')}")
        _paragraph(doc, f"封存签名：{seal['signature']}")
        timestamp = seal.get("timestamp") or {}
        if timestamp.get("time"):
            _paragraph(
                doc,
                f"可信时间戳（RFC 3161）：{clock.long(timestamp['time'])}"
                f"，{timestamp.get('imprint')}，时间戳服务 {timestamp.get('tsa')}",
            )
        else:
            _paragraph(doc, "可信时间戳：无")
    elif chain.get("sealed_hash"):
        _paragraph(doc, f"封存签名：无（{seal.get('signature_error') or '本县未配置签名密钥'}）")
    _paragraph(
        doc,
        f"哈希编码：第{chain.get('hash_version')}版（见 docs/realtime.md）；"
        "校验方法：yishi record verify-export 记录.json --public-key 县公钥.pem",
    )
    problems: list[str] = []
    if chain.get("content_matches") is False:
        differs = [SECTION_LABELS.get(k, k) for k in chain.get("content_differs") or []]
        problems.append("记录内容与封存时不一致：" + "、".join(differs))
    problems += list(chain.get("seal_problems") or [])
    if chain.get("valid"):
        outcome = "未通过" if problems else "通过"
        verdict = f"校验结果：{outcome}（共{chain.get('events', 0)}条事件，哈希链完整"
        if chain.get("sealed_hash_matches") is True:
            verdict += "，与封存哈希一致"
        elif chain.get("sealed_hash_matches") is False:
            verdict += "；但与封存哈希不一致"
        if chain.get("content_matches") is True:
            verdict += "，各部分内容与封存时一致"
        if problems:
            verdict += "；" + "；".join(problems)
        verdict += "）"
    else:
        verdict = (
            f"校验结果：未通过（自第{chain.get('first_broken_seq')}条事件起："
            f"{chain.get('reason') or '原因不明'}）"
        )
    _paragraph(doc, verdict, bold=True)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
