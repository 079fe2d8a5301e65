"""The printable sheet of one issue of voting codes (投票码发放单): a Word document of slips
to cut apart and hand out in the room, in Chinese. Made once, from the codes in memory, in
the response that issued them; nothing of it is stored."""

from __future__ import annotations

from backend.meetings.codes import ROLE_NAMES, IssuedCodes
from backend.record.docx import new_document, table, to_bytes

SLIPS_PER_ROW = 3


def render_code_sheet(issued: IssuedCodes) -> bytes:
    """Slips of (county, meeting, role, code), three to a row, and how to use them."""
    doc = new_document()
    doc.add_heading(f"{issued.meeting_title} 一次性投票码", level=1)
    doc.add_paragraph(
        f"{issued.county_name}（县标识 {issued.county_slug}）。共{len(issued.codes)}个，"
        "每码限用一次，仅限本次会议。请沿表格线裁开，随机发放，一人一张。"
        "使用方法：打开议事平台，选择本县，输入投票码即可参会、表决和测评，无需注册。"
        "本单只打印这一次，平台不保存投票码本身，请妥善保管，遗失的投票码可由主持人撤销。"
    )
    slips = [
        f"{issued.county_name}·{issued.meeting_title}\n{ROLE_NAMES[c.role]}\n投票码：{c.code}"
        for c in issued.codes
    ]
    rows = [
        slips[i : i + SLIPS_PER_ROW] + [""] * (SLIPS_PER_ROW - len(slips[i : i + SLIPS_PER_ROW]))
        for i in range(0, len(slips), SLIPS_PER_ROW)
    ]
    table(doc, None, rows)
    return to_bytes(doc)
