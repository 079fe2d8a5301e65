"""The building blocks of a record's Word document (.docx), shared by every domain that
renders one (a meeting's 协商记录, a hearing's 听证会记录): a Chinese document, numbered
headings, fast tables, times in the county's zone, the event table and the seal page
(记录校验) that prints the chain's head, the county's seal and how to verify it.

Everything reads the export's JSON (`backend.record.chain.export_record`), never the
database; python-docx only, no I/O.
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
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Pt
from docx.table import Table

DEFAULT_TIMEZONE = "Asia/Shanghai"
HASH_PREFIX = 12  # hex digits of each event's hash shown in the document's event table
BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def label(labels: Mapping[Any, str], enum_cls: type[enum.Enum], value: Any) -> str:
    """The Chinese label of an enum value from the record, or the value itself."""
    try:
        return labels[enum_cls(value)]
    except (ValueError, KeyError):
        return str(value) if value is not None else ""


class Clock:
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


def new_document() -> DocxDocument:
    """An empty document tagged Chinese, in 宋体 with 黑体 headings."""
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


def table(doc: DocxDocument, header: Sequence[str] | None, rows: Sequence[Sequence[Any]]) -> Table:
    """A bordered table. Rows are parsed from one XML fragment rather than built cell by
    cell, which python-docx does at about 0.5 ms a cell: a record of 20,000 events (one per
    vote) renders in about a second instead of ten."""
    width = len(header) if header else max((len(r) for r in rows), default=1)
    out = doc.add_table(rows=0, cols=width)
    out.style = "Table Grid"
    body = "".join(
        "<w:tr>" + "".join(_cell_xml(v, bold=False) for v in row) + "</w:tr>" for row in rows
    )
    if header:
        body = "<w:tr>" + "".join(_cell_xml(v, bold=True) for v in header) + "</w:tr>" + body
    fragment = parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")
    tbl = out._tbl
    for tr in list(fragment):
        tbl.append(tr)
    return out  # type: ignore[no-any-return]  # python-docx's add_table is untyped


class Sections:
    """Numbered section headings (一、二、…), numbered in the order they are written."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc, self.count = doc, 0

    def __call__(self, title: str) -> None:
        self.count += 1
        self.doc.add_heading(f"{chinese_numeral(self.count)}、{title}", level=1)


_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 99 → 九十九 (a section number; 100 and more
    in Arabic digits)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def paragraph(doc: DocxDocument, text: str, *, bold: bool = False) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold


def text_block(doc: DocxDocument, text: str | None, *, empty: str) -> None:
    """A paragraph per line of `text`, or `empty` when there is none."""
    if text:
        for line in str(text).splitlines():
            doc.add_paragraph(line)
    else:
        paragraph(doc, empty)


def percent(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "—"


def to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def event_table(
    doc: DocxDocument,
    events: Sequence[Mapping[str, Any]],
    clock: Clock,
    type_labels: Mapping[str, str],
) -> None:
    """The chain's events: how many, then seq, time, type (its label) and hash prefix."""
    paragraph(
        doc,
        f"共{len(events)}条事件，按序号排列；每条事件的哈希包含前一条的哈希，"
        f"表中列出哈希前{HASH_PREFIX}位，完整哈希见JSON格式记录。",
    )
    table(
        doc,
        ["序号", "时间", "类型", "哈希（前缀）"],
        [
            [
                e.get("seq"),
                clock.short(e.get("at")),
                f"{type_labels[e['type']]}（{e['type']}）"
                if e.get("type") in type_labels
                else e.get("type"),
                str(e.get("hash") or "")[:HASH_PREFIX],
            ]
            for e in events
        ],
    )


def seal_page(
    doc: DocxDocument,
    record: Mapping[str, Any],
    clock: Clock,
    *,
    section_labels: Mapping[str, str],
    how_to_verify: str,
) -> None:
    """The body of 记录校验: the chain's head hash in full ("记录链哈希：…"), the sealed hash
    and time, the county's seal (algorithm, key fingerprint, signature, timestamp), the
    encoding and `how_to_verify`, and the verdict in bold ("校验结果：…"), naming each
    section (by `section_labels`) that no longer matches the seal."""
    chain = record.get("chain") or {}
    seal = record.get("seal") or {}
    statement = seal.get("statement") or {}
    paragraph(doc, f"记录链哈希：{chain.get('head_hash') or ''}")
    if chain.get("sealed_hash"):
        paragraph(doc, f"封存哈希：{chain['sealed_hash']}")
        paragraph(
            doc, f"封存时间：{clock.long(chain.get('sealed_at') or statement.get('sealed_at'))}"
        )
    if seal.get("signature"):
        paragraph(doc, f"签名算法：{statement.get('algorithm')}（国密SM2签名，SM3摘要）")
        paragraph(doc, f"县级签名公钥指纹（SM3）：{statement.get('key_id')}")
        paragraph(doc, f"封存签名：{seal['signature']}")
        timestamp = seal.get("timestamp") or {}
        if timestamp.get("time"):
            paragraph(
                doc,
                f"可信时间戳（RFC 3161）：{clock.long(timestamp['time'])}"
                f"，{timestamp.get('imprint')}，时间戳服务 {timestamp.get('tsa')}",
            )
        else:
            paragraph(doc, "可信时间戳：无")
    elif chain.get("sealed_hash"):
        paragraph(doc, f"封存签名：无（{seal.get('signature_error') or '本县未配置签名密钥'}）")
    paragraph(
        doc,
        f"哈希编码：第{chain.get('hash_version')}版（见 docs/realtime.md）；"
        f"校验方法：{how_to_verify}",
    )
    problems: list[str] = []
    if chain.get("content_matches") is False:
        differs = [section_labels.get(k, k) for k in chain.get("content_differs") or []]
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
    elif chain.get("first_broken_seq") is not None or chain.get("reason"):
        verdict = (
            f"校验结果：未通过（自第{chain.get('first_broken_seq')}条事件起："
            f"{chain.get('reason') or '原因不明'}）"
        )
    else:
        verdict = "校验结果：未通过（哈希链不完整）"
    paragraph(doc, verdict, bold=True)


def opinion_map_tables(doc: DocxDocument, result: Mapping[str, Any]) -> None:
    """An opinion map's final result (意见地图, backend.opinion_map; the figures its
    `opinionMap.concluded` event carries): a summary line, then tables of the groups (size
    and representative statements), of the consensus and divisive statements, and of the
    counts per statement. Counts and groups only: the figures name no voter."""
    body = {s.get("statementId"): s.get("body") or "" for s in result.get("statements") or []}
    groups = list(result.get("groups") or [])
    paragraph(
        doc,
        f"参与表态{result.get('participants', 0)}人、表态{result.get('votes', 0)}次，"
        f"其中{result.get('placed', 0)}人表态较多，归入{len(groups)}个观点群组。",
    )
    if groups:
        table(
            doc,
            ["观点群组", "人数", "代表性观点"],
            [
                [
                    f"群组{int(g.get('index', 0)) + 1}",
                    g.get("size", 0),
                    "\n".join(
                        f"{'赞同' if r.get('direction') == 'agree' else '反对'}"
                        f"（{float(r.get('share', 0)) * 100:.0f}%）："
                        f"{body.get(r.get('statementId'), '')}"
                        for r in g.get("representative") or []
                    )
                    or "无",
                ]
                for g in groups
            ],
        )
    for title, key, score in (
        ("各群组共识观点", "consensus", "共识度"),
        ("分歧最大的观点", "divisive", "分歧度"),
    ):
        ranked = list(result.get(key) or [])
        paragraph(doc, title, bold=True)
        if ranked:
            table(
                doc,
                ["观点", score],
                [
                    [body.get(r.get("statementId"), ""), f"{float(r.get('score', 0)):.3f}"]
                    for r in ranked
                ],
            )
        else:
            paragraph(doc, "（无）")
    paragraph(doc, "逐条表态统计", bold=True)
    statements = list(result.get("statements") or [])
    if statements:
        table(
            doc,
            ["观点", "赞同", "反对", "跳过"],
            [
                [s.get("body") or "", s.get("agree", 0), s.get("disagree", 0), s.get("passed", 0)]
                for s in statements
            ],
        )
    else:
        paragraph(doc, "（无观点）")
