"""The record .docx building blocks (backend/record/docx.py): section numbers go on past ten."""

from __future__ import annotations

from docx import Document

from backend.record.docx import Sections, chinese_numeral


def test_section_numbers_are_chinese_numerals_past_ten():
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 19, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "九十九",
    ]
    doc = Document()
    section = Sections(doc)
    for i in range(12):
        section(f"第{i + 1}节")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[9:] == ["十、第10节", "十一、第11节", "十二、第12节"]
