"""Splitting a draft into numbered paragraphs, and carrying an anchor to a new version.

A draft written in articles (第一条…, as rules and 规范性文件 are) is split at each line that
starts an article; anything before the first article (a title, a chapter heading) is its
own paragraph. Any other text is split at blank lines. Paragraphs are numbered from 1 in
each alternative (方案); an article keeps its own label (第三条), a paragraph is labelled
第N段.

Carrying (`match_paragraph`): a comment on a paragraph of version n is moved to the
paragraph of version n+1 most like it by text (difflib's ratio, at least
`SIMILAR`); failing that, to the paragraph with the same label when that one is still
somewhat alike (`SAME_LABEL`, an article reworded in place); else its paragraph counts as
removed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百千零〇两0-9]+条)[\s　]*")
SIMILAR = 0.6
SAME_LABEL = 0.3


@dataclass(frozen=True, slots=True)
class Piece:
    position: int
    label: str
    body: str


def split_paragraphs(text: str) -> list[Piece]:
    """The numbered paragraphs of `text` (empty for a blank text)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any(ARTICLE.match(line) for line in lines):
        chunks: list[tuple[str | None, list[str]]] = []
        for line in lines:
            m = ARTICLE.match(line)
            if m:
                chunks.append((m.group(1), [line.strip()]))
            elif line.strip():
                if not chunks:
                    chunks.append((None, [line.strip()]))
                else:
                    chunks[-1][1].append(line.strip())
        out: list[Piece] = []
        for label, body in chunks:
            n = len(out) + 1
            out.append(Piece(n, label or f"第{n}段", "\n".join(body)))
        return out
    blocks = re.split(r"\n\s*\n", "\n".join(lines))
    bodies = [b.strip() for b in blocks if b.strip()]
    return [Piece(i, f"第{i}段", b) for i, b in enumerate(bodies, start=1)]


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_paragraph(
    label: str, body: str, candidates: Sequence[tuple[int, str, str]]
) -> int | None:
    """The id among `candidates` ((id, label, body) of the new version) that the old
    paragraph (`label`, `body`) became, or None when it was removed."""
    best_id, best = None, 0.0
    for cid, _, cbody in candidates:
        r = _ratio(body, cbody)
        if r > best:
            best_id, best = cid, r
    if best_id is not None and best >= SIMILAR:
        return best_id
    for cid, clabel, cbody in candidates:
        if clabel == label and _ratio(body, cbody) >= SAME_LABEL:
            return cid
    return None
