"""The participation report (意见收集和采纳情况, DESIGN §4 and seed 002), generated from the
data: the comment periods, counts by channel and by category, and every opinion with its
answer. `generate_report` stores it (JSON and the SHA-256 of its RFC 8785 encoding) and
appends `decision.reportGenerated` with that digest to the decision's chain; the sealed
record holds the reports too, so the report is sealed with the record. `report_docx`
renders it in Word (python-docx, as the meetings record does)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Awaitable, Callable
from typing import Any

import rfc8785
from docx import Document
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.answers import OUTCOME_LABELS
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import DecisionEvent, ReportGenerated
from backend.decisions.models import (
    CommentPeriod,
    Decision,
    DecisionParagraph,
    DecisionVersion,
    Opinion,
    OpinionChannel,
    OpinionOutcome,
    ParticipationReport,
)
from backend.decisions.stream import append_event, stream_of
from backend.meetings.events import MeetingEvent
from backend.record.docx import opinion_map_tables
from realtime.models import Event
from tenants.models import OrgUnit

FORMAT = "yishi.participation-report/1"
CHANNEL_LABELS = {
    OpinionChannel.ONLINE: "网上征求意见",
    OpinionChannel.MEETING: "座谈会、听证会等会议",
    OpinionChannel.WRITTEN: "书面意见",
    OpinionChannel.UNIT_CONSULTATION: "书面征询",
}
UNCATEGORISED = "未分类"
#: The survey's respondents in `by_channel` (not an opinion channel: answers are counted,
#: not answered one by one).
SURVEY_CHANNEL = "SURVEY"
CHANNEL_NAMES = {
    **{c.value: label for c, label in CHANNEL_LABELS.items()},
    SURVEY_CHANNEL: "民意调查（答卷份数）",
}
KIND_LABELS = {
    "SINGLE_CHOICE": "单选",
    "MULTIPLE_CHOICE": "多选",
    "SCALE": "1至5分评分",
    "TEXT": "文字",
}


#: What must run, in the report's transaction, before a report is built: the opinion map
#: (backend.opinion_map.maps, a layer above) closes the decision's open maps so that the
#: report holds their final results.
ReportHook = Callable[[AsyncSession, Principal, Decision], Awaitable[None]]
_BEFORE_REPORT: list[ReportHook] = []


def before_report(hook: ReportHook) -> ReportHook:
    """Register `hook` (once) to run before every report is generated."""
    if hook not in _BEFORE_REPORT:
        _BEFORE_REPORT.append(hook)
    return hook


def digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(rfc8785.dumps(content)).hexdigest()


async def _opinion_maps(
    session: AsyncSession, decision: Decision, meeting_ids: list[int]
) -> list[dict[str, Any]]:
    """The final opinion maps (意见地图, backend.opinion_map) of the decision's own comment
    periods (`period_id`), then of the meetings whose opinions the decision took in
    (`meeting_id`), as their records hold them (`opinionMap.concluded`): groups,
    consensus, counts; never who voted what."""
    own = await session.execute(
        select(Event.payload)
        .where(
            Event.stream == stream_of(decision.id),
            Event.type == DecisionEvent.OPINION_MAP_CONCLUDED.value,
        )
        .order_by(Event.seq)
    )
    maps = [
        {"period_id": p["periodId"], "topic": p["topic"], "result": p["result"]}
        for (p,) in own.all()
    ]
    if not meeting_ids:
        return maps
    rows = await session.execute(
        select(Event.stream, Event.payload)
        .where(
            Event.stream.in_([f"meeting:{m}" for m in meeting_ids]),
            Event.type == MeetingEvent.OPINION_MAP_CONCLUDED.value,
        )
        .order_by(Event.stream, Event.seq)
    )
    return maps + [
        {"meeting_id": int(stream.partition(":")[2]), "topic": p["topic"], "result": p["result"]}
        for stream, p in rows.all()
    ]


async def report_content(session: AsyncSession, decision: Decision) -> dict[str, Any]:
    """The report as it would read now (deterministic: same data, same bytes)."""
    periods = (
        await session.scalars(
            select(CommentPeriod)
            .where(CommentPeriod.decision_id == decision.id)
            .order_by(CommentPeriod.id)
        )
    ).all()
    opinions = (
        await session.scalars(
            select(Opinion).where(Opinion.decision_id == decision.id).order_by(Opinion.id)
        )
    ).all()
    versions = {
        v.id: v.number
        for v in (
            await session.scalars(
                select(DecisionVersion).where(DecisionVersion.decision_id == decision.id)
            )
        ).all()
    }
    paragraphs = {
        p.id: (p.alternative, p.label)
        for p in (
            await session.scalars(
                select(DecisionParagraph).where(DecisionParagraph.decision_id == decision.id)
            )
        ).all()
    }
    unit = await session.get(OrgUnit, decision.lead_unit_id)
    by_channel = {c.value: 0 for c in OpinionChannel}
    by_category: dict[str, int] = {}
    outcomes = {o.value: 0 for o in OpinionOutcome}
    unanswered = 0
    rows: list[dict[str, Any]] = []
    for o in opinions:
        by_channel[o.channel.value] += 1
        cat = o.category or UNCATEGORISED
        by_category[cat] = by_category.get(cat, 0) + 1
        if o.outcome is None:
            unanswered += 1
        else:
            outcomes[o.outcome.value] += 1
        anchor = paragraphs.get(o.paragraph_id) if o.paragraph_id else None
        now_at = paragraphs.get(o.current_paragraph_id) if o.current_paragraph_id else None
        rows.append(
            {
                "id": o.id,
                "channel": o.channel.value,
                "category": o.category,
                "version": versions.get(o.version_id) if o.version_id else None,
                "paragraph": anchor[1] if anchor else None,
                "alternative": (anchor[0] or None) if anchor else None,
                "anchor_state": o.anchor_state.value,
                "paragraph_now": now_at[1] if now_at else None,
                "meeting_id": o.meeting_id,
                "body": o.body,
                "outcome": o.outcome.value if o.outcome else None,
                "reason": o.answer,
            }
        )
    maps = await _opinion_maps(
        session, decision, sorted({o.meeting_id for o in opinions if o.meeting_id is not None})
    )
    content: dict[str, Any] = {
        "format": FORMAT,
        "decision": {
            "id": decision.id,
            "title": decision.title,
            "lead_unit": unit.name if unit else None,
        },
        "periods": [
            {
                "opens_on": p.opens_on.isoformat(),
                "closes_on": p.closes_on.isoformat(),
                "version": versions.get(p.version_id),
                "basis": p.basis,
                "reasons": p.reasons,
                "how_to_comment": p.how_to_comment,
                "shortening_reason": p.shortening_reason,
                "rule": p.rule_cited,
            }
            for p in periods
        ],
        "totals": {"opinions": len(opinions), "unanswered": unanswered, **outcomes},
        "by_channel": by_channel,
        "by_category": dict(sorted(by_category.items())),
        "opinions": rows,
    }
    # 民意调查 (第八条): only for a decision that published one, so that reports of
    # decisions without a survey read (and hash) as they always did
    from backend.decisions.surveys import result_content, results, surveys_of

    published = await surveys_of(session, decision.id, drafts=False)
    if published:
        sections = [result_content(s, await results(session, s)) for s in published]
        by_channel[SURVEY_CHANNEL] = sum(s["respondents"] for s in sections)
        content["surveys"] = sections
    if maps:  # only then: a report without a map reads (and digests) as before
        content["opinion_maps"] = maps
    return content


async def latest_report(session: AsyncSession, decision_id: int) -> ParticipationReport | None:
    return await session.scalar(
        select(ParticipationReport)
        .where(ParticipationReport.decision_id == decision_id)
        .order_by(ParticipationReport.id.desc())
        .limit(1)
    )


async def report_is_current(session: AsyncSession, decision: Decision) -> bool | None:
    """None: no report; False: the opinions or answers changed since it was generated."""
    report = await latest_report(session, decision.id)
    if report is None:
        return None
    return report.sha256 == digest(await report_content(session, decision))


async def generate_report(
    session: AsyncSession, principal: Principal, *, decision_id: int
) -> ParticipationReport:
    """Generate and keep the report; every opinion must have been answered. The
    decision's open opinion maps are closed first (`before_report`), so the report holds
    their final results; a refusal rolls that back with everything else."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    for hook in _BEFORE_REPORT:
        await hook(session, principal, decision)
    content = await report_content(session, decision)
    if not content["periods"]:
        raise DomainError(
            Code.INVALID_STATE, "尚未公开征求意见，不能形成意见收集和采纳情况", field="decisionId"
        )
    if content["totals"]["unanswered"]:
        raise DomainError(
            Code.OPINIONS_UNANSWERED,
            f"尚有{content['totals']['unanswered']}条意见未逐条答复",
            field="opinions",
        )
    sha = digest(content)
    report = ParticipationReport(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        content=content,
        sha256=sha,
        opinions=len(content["opinions"]),
        generated_by=principal.user_id,
    )
    session.add(report)
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.REPORT_GENERATED,
        ReportGenerated(
            reportId=report.id,
            sha256=sha,
            opinions=report.opinions,
            byChannel=dict(content["by_channel"]),
        ),
    )
    return report


def _opinion_map_section(doc: Any, opinion_map: dict[str, Any]) -> None:
    result = opinion_map["result"]
    if opinion_map.get("period_id") is not None:
        source = "本次征求意见"
    else:
        source = "会议"
    doc.add_heading(f"意见地图：{opinion_map['topic']}（{source}）", level=2)
    opinion_map_tables(doc, result)


def report_docx(content: dict[str, Any], *, sha256: str) -> bytes:
    """The report as a Word document (Chinese), with its SHA-256 printed."""
    doc = Document()
    decision = content.get("decision") or {}
    doc.add_heading(f"《{decision.get('title', '')}》意见收集和采纳情况", level=1)
    doc.add_paragraph(f"承办单位：{decision.get('lead_unit') or ''}")
    for p in content.get("periods", []):
        doc.add_paragraph(
            f"征求意见期：{p['opens_on']} 至 {p['closes_on']}（第{p['version']}稿）；"
            f"制定依据：{p['basis']}；起草说明：{p['reasons']}；意见提交方式：{p['how_to_comment']}；"
            f"{p['rule']}"
        )
    totals = content.get("totals", {})
    doc.add_paragraph(
        f"共收到意见{totals.get('opinions', 0)}条，其中采纳{totals.get('ADOPTED', 0)}条、"
        f"部分采纳{totals.get('PARTLY_ADOPTED', 0)}条、不予采纳{totals.get('NOT_ADOPTED', 0)}条。"
    )
    doc.add_heading("按渠道统计", level=2)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "渠道", "条数"
    for channel, n in content.get("by_channel", {}).items():
        row = table.add_row().cells
        row[0].text = CHANNEL_NAMES.get(channel, channel)
        row[1].text = str(n)
    doc.add_heading("按类别统计", level=2)
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "类别", "条数"
    for category, n in content.get("by_category", {}).items():
        row = table.add_row().cells
        row[0].text, row[1].text = category, str(n)
    doc.add_heading("逐条答复", level=2)
    table = doc.add_table(rows=1, cols=5)
    for cell, label in zip(
        table.rows[0].cells, ("序号", "渠道", "条款", "意见", "采纳情况及理由"), strict=True
    ):
        cell.text = label
    for i, o in enumerate(content.get("opinions", []), start=1):
        row = table.add_row().cells
        row[0].text = str(i)
        row[1].text = CHANNEL_LABELS.get(OpinionChannel(o["channel"]), o["channel"])
        where = o.get("paragraph") or "草案整体"
        if o.get("anchor_state") == "REMOVED":
            where += "（该条已在新版本中删除）"
        row[2].text = where
        row[3].text = o["body"]
        outcome = OUTCOME_LABELS[OpinionOutcome(o["outcome"])] if o.get("outcome") else "未答复"
        row[4].text = outcome + (f"：{o['reason']}" if o.get("reason") else "")
    _surveys_docx(doc, content.get("surveys") or [])
    for opinion_map in content.get("opinion_maps", []):
        _opinion_map_section(doc, opinion_map)
    doc.add_paragraph(f"报告摘要（SHA-256）：{sha256}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _surveys_docx(doc: Any, surveys: list[dict[str, Any]]) -> None:
    """The 民意调查 section: each questionnaire, its results and its written report."""
    if not surveys:
        return
    doc.add_heading("民意调查", level=2)
    for s in surveys:
        doc.add_heading(f"《{s['title']}》", level=3)
        doc.add_paragraph(
            f"调查期：{s['opens_on']} 至 {s['closes_on']}；有效答卷{s['respondents']}份；"
            f"依据：{s['rule']}"
        )
        if s.get("intro"):
            doc.add_paragraph(s["intro"])
        for q in s["questions"]:
            kind = KIND_LABELS.get(q["kind"], q["kind"])
            doc.add_paragraph(f"{q['position']}. {q['prompt']}（{kind}，作答{q['answered']}人）")
            if q["kind"] in ("SINGLE_CHOICE", "MULTIPLE_CHOICE"):
                labels = list(q["options"])
            elif q["kind"] == "SCALE":
                labels = [f"{n}分" for n in range(1, 6)]
            else:
                continue
            table = doc.add_table(rows=1, cols=2)
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = "选项", "人数"
            for label, n in zip(labels, q["counts"], strict=True):
                row = table.add_row().cells
                row[0].text, row[1].text = label, str(n)
            if q.get("mean") is not None:
                doc.add_paragraph(f"平均分：{q['mean']}")
        report = s.get("report")
        if report:
            doc.add_paragraph(f"调查报告：{report['summary']}")
            doc.add_paragraph(f"采纳情况：{report['adoption']}")
        else:
            doc.add_paragraph("调查报告：尚未形成")
