"""Text of cases: segmentation (jieba), stop words and per-county synonyms.

`keywords(text)` is what intake stores in `cases.keywords` (and what the hot-topic board and
the classification suggester count). It is pure and needs no county: the county's own
vocabulary (`Vocabulary`: its synonyms and extra stop words, table `case_terms`) is applied
again where keywords are counted, so a synonym a county adds today also folds the keywords
of the cases it already has.

The shipped stop words (`data/stop_words.txt`) are function words and the words every case
says (反映, 希望, 问题…); `data/words.txt` keeps the county's usual matters whole (加装电梯,
垃圾清运, 宅基地…) where jieba's dictionary would split them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

#: At most this many keywords are stored per case.
MAX_KEYWORDS = 12
#: A keyword longer than this is not a word (the column is varchar(50)).
MAX_KEYWORD_CHARS = 20

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]*")


def _data_lines(name: str) -> list[str]:
    text = resources.files("backend.cases").joinpath("data", name).read_text("utf-8")
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@functools.cache
def stop_words() -> frozenset[str]:
    """The shipped stop words (read once)."""
    return frozenset(_data_lines("stop_words.txt"))


@functools.cache
def _tokenizer() -> Any:
    """A jieba tokenizer of our own (not jieba's global one), with the domain words added.
    Built once per process: loading the dictionary takes about a second."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for line in _data_lines("words.txt"):
        word, _, freq = line.partition(" ")
        tokenizer.add_word(word, int(freq) if freq.strip().isdigit() else None)
    return tokenizer


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to half-width), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def segment(text: str) -> list[str]:
    """The words of `text` in order (jieba's precise mode), punctuation and spaces dropped."""
    if not text:
        return []
    return [t for t in _tokenizer().lcut(normalise(text)) if _WORD.fullmatch(t)]


@dataclass(frozen=True)
class Vocabulary:
    """A county's own words: `synonyms` maps a variant to its canonical word
    (装电梯 → 加装电梯), `stop` adds stop words to the shipped ones."""

    synonyms: Mapping[str, str] = field(default_factory=dict)
    stop: frozenset[str] = frozenset()

    def fold(self, word: str) -> str | None:
        """The word as the board counts it: its canonical form, or None for a stop word."""
        word = self.synonyms.get(word, word)
        if word in self.stop or word in stop_words():
            return None
        return word

    def fold_all(self, words: Iterable[str]) -> list[str]:
        """`fold` of each word, stop words dropped, each canonical word once, in order."""
        out: dict[str, None] = {}
        for w in words:
            f = self.fold(w)
            if f is not None:
                out.setdefault(f, None)
        return list(out)

    def rewrite(self, text: str) -> str:
        """`text` with each variant of several characters replaced by its canonical word
        (longest first), so a variant jieba would split still counts."""
        for variant in sorted(self.synonyms, key=len, reverse=True):
            if len(variant) > 1 and variant in text:
                text = text.replace(variant, self.synonyms[variant])
        return text


EMPTY = Vocabulary()


def _is_keyword(token: str) -> bool:
    if len(token) > MAX_KEYWORD_CHARS or token.isdigit():
        return False
    if len(token) == 1:
        return False  # a lone character (的, 路, 水) says too little to count
    return token not in stop_words()


def tokens(text: str, vocabulary: Vocabulary = EMPTY) -> list[str]:
    """Every content word of `text`, in order, repeats kept: segmented, stop words and single
    characters dropped, synonyms folded (the suggester's features)."""
    out = []
    for token in segment(vocabulary.rewrite(normalise(text))):
        if not _is_keyword(token):
            continue
        folded = vocabulary.fold(token)
        if folded is not None:
            out.append(folded)
    return out


def keywords(text: str, vocabulary: Vocabulary = EMPTY, *, limit: int = MAX_KEYWORDS) -> list[str]:
    """The keywords of `text`: its content words, most frequent first (ties: first seen),
    each once, at most `limit`."""
    words = tokens(text, vocabulary)
    counts = Counter(words)
    first: dict[str, int] = {}
    for i, t in enumerate(words):
        first.setdefault(t, i)
    ranked = sorted(counts, key=lambda t: (-counts[t], first[t]))
    return ranked[:limit]


def vocabulary_from(rows: Iterable[tuple[str, str | None, bool]]) -> Vocabulary:
    """A Vocabulary from `case_terms` rows (term, canonical, stop)."""
    synonyms: dict[str, str] = {}
    stop: set[str] = set()
    for term, canonical, is_stop in rows:
        if is_stop:
            stop.add(term)
        elif canonical:
            synonyms[term] = canonical
    return Vocabulary(synonyms=synonyms, stop=frozenset(stop))
