"""The Word rendering (.docx) of a hearing's record (听证会记录) from
`backend.hearings.record.build_record`: the notice, the draw's published inputs and result,
who was invited, the transcript and who confirmed it, the report, every event and the seal
(seed 002 第十二条 to 第十五条). People appear by pool id (报名编号) only, as in the record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from backend.hearings.events import HEARING_EVENTS, HearingEvent
from backend.hearings.models import DrawOutcome, HearingCategory, HearingKind
from backend.record.docx import (
    Clock,
    Sections,
    event_table,
    label,
    new_document,
    paragraph,
    seal_page,
    table,
    text_block,
    to_bytes,
)

KIND_LABELS: dict[HearingKind, str] = {
    HearingKind.HEARING: "听证会",
    HearingKind.ATTENDANCE: "列席政府会议的公众代表遴选",
}
CATEGORY_LABELS: dict[HearingCategory, str] = {
    HearingCategory.STAKEHOLDER: "利害关系人",
    HearingCategory.PUBLIC: "普通公众",
    HearingCategory.RESIDENT: "城乡基层居民/村民",
    HearingCategory.EXPERT: "专家学者/专业技术人员",
    HearingCategory.DEPUTY: "人大代表/政协委员",
    HearingCategory.LEGAL: "法律工作者",
    HearingCategory.OTHER: "承办单位认为应当参加的代表",
}
OUTCOME_LABELS: dict[DrawOutcome, str] = {
    DrawOutcome.SELECTED: "选中",
    DrawOutcome.ALTERNATE: "候补",
    DrawOutcome.NOT_SELECTED: "未选中",
}
# Each logged type's label is declared with the type (backend/hearings/events.py).
EVENT_TYPE_LABELS: dict[str, str] = {t.value: t.label for t in HEARING_EVENTS.logged}
SECTION_LABELS: dict[str, str] = {
    "county": "所属县（区）",
    "hearing": "听证公告与抽选依据",
    "witnesses": "见证人承诺与公开",
    "pool": "报名名单与抽选结果",
    "publication": "抽选公示",
    "transcript": "听证笔录",
    "confirmations": "笔录确认",
    "report": "听证报告",
}


def _category(value: Any) -> str:
    return label(CATEGORY_LABELS, HearingCategory, value)


def _ids(values: Sequence[Any]) -> str:
    return "、".join(str(v) for v in values) if values else "无"


def _parsed(text: Any) -> Mapping[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    return value if isinstance(value, Mapping) else {}


def _title(hearing: Mapping[str, Any]) -> str:
    title = str(hearing.get("title") or "")
    if hearing.get("kind") == HearingKind.ATTENDANCE.value:
        return f"{title}列席代表遴选记录"
    return f"{title}记录" if title.endswith("听证会") else f"{title}听证会记录"


def render_docx(record: Mapping[str, Any]) -> bytes:
    """A Word document (.docx) of a hearing record, in Chinese, for a county office to read,
    print and file.

    Guarantees: the title is the hearing's title with "听证会记录"; an unsealed record says
    so under the title ("本记录尚未封存…"); times are in the county's time zone; applicants
    appear only by pool id, never by name or phone (the record holds no more); the last
    page prints the chain's head hash in full, the county's seal and the verdict
    ("校验结果：…"), as a meeting's record does. Uses only python-docx; no I/O."""
    clock = Clock((record.get("county") or {}).get("timezone"))
    hearing = record.get("hearing") or {}
    chain = record.get("chain") or {}
    published = record.get("publication")  # the exact text `yishi draw verify` reads
    publication = _parsed(published)
    doc = new_document()
    section = Sections(doc)

    heading = doc.add_heading(_title(hearing), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if not chain.get("sealed_hash"):
        paragraph(
            doc,
            "本记录尚未封存：听证报告形成并封存后，记录才定稿并由县级签章；此前导出的内容可能变动。",
            bold=True,
        )

    meta: list[tuple[str, Any]] = [
        ("名称", hearing.get("title")),
        ("类型", label(KIND_LABELS, HearingKind, hearing.get("kind"))),
    ]
    county = record.get("county") or {}
    if county.get("name"):
        meta.append(("所属县（区）", county["name"]))
    if hearing.get("decision_id") is not None:
        meta.append(("所属重大行政决策", f"决策编号 {hearing['decision_id']}"))
    meta.append(("听证会编号", hearing.get("hearing")))
    table(doc, None, meta)

    # 听证公告 (第十二条)
    section("听证公告")
    notice: list[tuple[str, Any]] = [
        ("公告发布时间", clock.long(hearing.get("notice_published_at")) or "未发布"),
        ("听证时间", clock.long(hearing.get("starts_at"))),
        ("听证地点", hearing.get("place")),
        ("听证事项", hearing.get("matter")),
        ("报名方式", hearing.get("how_to_apply")),
        ("代表产生方式", hearing.get("selection_method")),
        ("开始报名", clock.long(hearing.get("applications_opened_at")) or "未开始"),
        ("报名截止", clock.long(hearing.get("pool_frozen_at")) or "未截止"),
    ]
    table(doc, None, notice)
    quotas = [q for q in hearing.get("quotas") or [] if isinstance(q, Mapping)]
    paragraph(doc, "名额分配", bold=True)
    table(
        doc,
        ["代表类别", "名额", "候补名额"],
        [[_category(q.get("category")), q.get("seats"), q.get("alternates")] for q in quotas]
        + [
            [
                "合计",
                sum(int(q.get("seats") or 0) for q in quotas),
                sum(int(q.get("alternates") or 0) for q in quotas),
            ]
        ],
    )

    # 随机抽选 (第十四条): what anyone needs to re-run the draw
    section("随机抽选的公开依据")
    inputs: list[tuple[str, Any]] = [
        ("抽选算法", f"{hearing.get('algorithm')}（第{hearing.get('algorithm_version')}版）"),
        ("公开随机数来源", hearing.get("public_randomness_source") or "无"),
    ]
    if hearing.get("public_randomness_source"):
        inputs.append(("公开随机数", hearing.get("public_randomness") or "尚未取得"))
    inputs += [
        ("报名名单哈希（SHA-256）", hearing.get("pool_hash") or "名单尚未冻结"),
        ("随机种子", hearing.get("seed") or "尚未抽选"),
        ("抽选时间", clock.long(hearing.get("drawn_at")) or "尚未抽选"),
    ]
    table(doc, None, inputs)
    witnesses = record.get("witnesses") or []
    paragraph(doc, "见证人承诺与公开的秘密", bold=True)
    if witnesses:
        table(
            doc,
            ["序号", "见证人", "承诺（SHA-256）", "登记时间", "公开的秘密", "公开时间"],
            [
                [
                    w.get("position"),
                    w.get("witness"),
                    w.get("commitment"),
                    clock.short(w.get("committed_at")),
                    w.get("secret") or "尚未公开",
                    clock.short(w.get("revealed_at")),
                ]
                for w in witnesses
            ],
        )
    else:
        paragraph(doc, "（无见证人）")
    results = [r for r in publication.get("results") or [] if isinstance(r, Mapping)]
    chance = {str(r.get("category")): r.get("probability") for r in results}
    pool = record.get("pool") or []
    paragraph(doc, f"报名名单（按报名编号，共{len(pool)}人）", bold=True)
    if pool:
        table(
            doc,
            ["报名编号", "代表类别", "入选概率", "抽选结果", "候补顺序"],
            [
                [
                    p.get("pool_id"),
                    _category(p.get("category")),
                    chance.get(str(p.get("category"))) or "—",
                    label(OUTCOME_LABELS, DrawOutcome, p.get("outcome")) or "尚未抽选",
                    p.get("alternate_rank") or "",
                ]
                for p in pool
            ],
        )
    else:
        paragraph(doc, "（无人报名）")
    if isinstance(published, str):
        digest = hashlib.sha256(published.encode("utf-8")).hexdigest()
        chained = [
            (e.get("payload") or {}).get("publicationSha256")
            for e in record.get("events") or []
            if e.get("type") == HearingEvent.DRAWN.value
        ]
        if chained and chained[-1] == digest:
            against = "与事件链中“随机抽选”事件所记一致"
        elif chained:
            against = f"与事件链中“随机抽选”事件所记（{chained[-1]}）不一致"
        else:
            against = "事件链中没有“随机抽选”事件"
        paragraph(doc, f"抽选公示（JSON文本）的SHA-256：{digest}（{against}）")
    paragraph(
        doc,
        "复核方法：将抽选公示的JSON全文（平台“抽选公示”，接口字段 drawPublication）存为 "
        "draw.json，运行 yishi draw verify draw.json，输出 MATCH 即抽选结果与公开依据一致"
        "（算法见 docs/hearings.md）。",
    )

    # 抽选结果
    section("抽选产生的代表和候补")
    if results:
        table(
            doc,
            [
                "代表类别",
                "报名人数",
                "名额",
                "入选概率",
                "代表（报名编号）",
                "候补（依次）",
                "空缺",
            ],
            [
                [
                    _category(r.get("category")),
                    r.get("applicants"),
                    r.get("seats"),
                    r.get("probability"),
                    _ids(r.get("selected") or []),
                    _ids(r.get("alternates") or []),
                    r.get("unfilledSeats") or 0,
                ]
                for r in results
            ],
        )
    else:
        paragraph(doc, "（尚未抽选）")

    # 出席情况: the invitations are in the chain; who checked in is the meeting's record
    section("出席情况")
    invited = [
        e.get("payload") or {}
        for e in record.get("events") or []
        if e.get("type") == HearingEvent.INVITED_TO_MEETING.value
    ]
    if invited:
        for payload in invited:
            pool_ids = list(payload.get("poolIds") or [])
            paragraph(
                doc,
                f"抽选产生的{len(pool_ids)}名代表已作为群众代表邀请参加会议"
                f"（会议编号 {payload.get('meetingId')}）：{_ids(pool_ids)}。",
            )
        paragraph(doc, "各代表的签到情况见该会议的协商记录。")
    else:
        paragraph(doc, "（尚未邀请抽选产生的代表参会）")

    # 听证笔录与确认 (第十五条)
    section("听证笔录")
    transcript = record.get("transcript") or {}
    text_block(doc, transcript.get("text"), empty="（尚无听证笔录）")
    if transcript.get("text"):
        paragraph(
            doc,
            f"笔录版本：第{transcript.get('version')}版；笔录哈希（SHA-256）：{transcript.get('sha256')}",
        )
    confirmations = record.get("confirmations") or []
    paragraph(doc, "代表确认（签字确认所读版本的哈希）", bold=True)
    if confirmations:
        table(
            doc,
            ["报名编号", "确认的版本", "所确认笔录的哈希（SHA-256）", "确认时间"],
            [
                [
                    c.get("pool_id"),
                    c.get("version"),
                    c.get("sha256"),
                    clock.short(c.get("confirmed_at")),
                ]
                for c in confirmations
            ],
        )
    else:
        paragraph(doc, "（尚无代表确认）")
    if transcript.get("version"):
        confirmed = {
            c.get("pool_id")
            for c in confirmations
            if c.get("version") == transcript.get("version")
            and c.get("sha256") == transcript.get("sha256")
        }
        selected = sorted(
            p.get("pool_id") for p in pool if p.get("outcome") == DrawOutcome.SELECTED.value
        )
        missing = [p for p in selected if p not in confirmed]
        paragraph(doc, f"未确认现行版本的代表：{_ids(missing)}")

    # 听证报告 (第十五条: 不予采纳的意见应当说明理由)
    section("听证报告")
    report = record.get("report") or {}
    if report.get("reported_at"):
        paragraph(doc, f"形成时间：{clock.long(report.get('reported_at'))}")
    text_block(doc, report.get("conclusion"), empty="（尚未形成听证报告）")
    views = report.get("views") or []
    adopted = [v for v in views if v.get("adopted")]
    rejected = [v for v in views if not v.get("adopted")]
    if views:
        paragraph(doc, f"共{len(views)}条意见：采纳{len(adopted)}条，不予采纳{len(rejected)}条。")
        paragraph(doc, "采纳的意见", bold=True)
        if adopted:
            table(
                doc,
                ["序号", "意见", "说明"],
                [[v.get("position"), v.get("summary"), v.get("reason") or ""] for v in adopted],
            )
        else:
            paragraph(doc, "（无）")
        paragraph(doc, "不予采纳的意见及理由", bold=True)
        if rejected:
            table(
                doc,
                ["序号", "意见", "不予采纳的理由"],
                [[v.get("position"), v.get("summary"), v.get("reason") or ""] for v in rejected],
            )
        else:
            paragraph(doc, "（无）")

    section("事件记录")
    event_table(doc, record.get("events") or [], clock, EVENT_TYPE_LABELS)

    section("记录校验")
    stream = chain.get("stream") or f"hearing:{hearing.get('hearing')}"
    seal_page(
        doc,
        record,
        clock,
        section_labels=SECTION_LABELS,
        how_to_verify=(
            "导出JSON格式记录（接口 hearingRecord）存为 听证记录.json，运行 yishi record "
            "verify-export 听证记录.json --public-key 县公钥.pem（只凭记录本身重算事件链、"
            "比对封存摘要、校验县级签名）；或由数据库重算：yishi record verify --tenant 县标识 "
            f"--stream {stream} --public-key 县公钥.pem；或调用接口 "
            f'verifyStream(stream: "{stream}")'
        ),
    )
    return to_bytes(doc)
