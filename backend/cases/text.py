"""Text of cases: keywords for search, statistics and the hot-topic board.

A stub until cases-analytics provides segmentation (jieba), stop words and synonyms: the
intake calls `keywords` and stores what it returns.
"""

from __future__ import annotations


def keywords(text: str) -> list[str]:
    """The keywords of `text` (none yet: the stub)."""
    return []
