"""Segmentation, once per text: jieba's algorithm and dictionary at native speed.

Words come from ``rjieba`` (jieba-rs: the same dictionary and algorithm as jieba, in Rust) with our lexicon
(``patterns/departments.csv`` bodies, with their level prefixes, and ``patterns/terms.txt``) added as user
words. Where ``rjieba`` cannot be imported, ``jieba`` (the reference) does the same job, slower. Every token
keeps its character offsets, so the catalog indexes any span of a notice from the one pass the pipeline made.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from typing import Callable, Iterable

from .patterns import PATTERNS_DIR, split_list, table

#: One token: the word and its [start, end) character offsets in the text it was cut from.
Token = tuple[str, int, int]
_WORD = re.compile(r"[^\W_]")
_CJK = re.compile(r"[\u3400-\u9fff]")
USER_FREQ = 2000
LEVEL_PREFIXES = ("", "市", "县", "区", "省")


@lru_cache(maxsize=1)
def department_names() -> frozenset[str]:
    """Every body of ``patterns/departments.csv`` (canonical names and aliases), bare and with a level prefix."""
    keys = {key for row in table("departments") for key in [row["canonical"], *split_list(row["aliases"])]}
    return frozenset(level + key for key in keys for level in LEVEL_PREFIXES)


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """Lexicon bodies (bare and with a level prefix) and the terms of ``patterns/terms.txt``."""
    words = set(department_names())
    terms = (PATTERNS_DIR / "terms.txt").read_text(encoding="utf-8").splitlines()
    words |= {t.strip() for t in terms if t.strip() and not t.startswith("#")}
    return tuple(sorted(words))


@lru_cache(maxsize=1)
def _engine() -> tuple[Callable[[str], list[Token]], Callable[[str], bool]]:
    """``(tokenize, has_word)`` of the fastest segmenter available, user words loaded."""
    try:
        import rjieba
    except ImportError:  # the reference implementation
        return _jieba_engine()
    for word in user_words():  # into the module's own segmenter: a second one would load the dictionary again
        rjieba.add_word(word, USER_FREQ, None)
    return (lambda text: rjieba.tokenize(text, "default", False)), rjieba.has_word


def _jieba_engine() -> tuple[Callable[[str], list[Token]], Callable[[str], bool]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    for word in user_words():
        jieba.add_word(word, freq=USER_FREQ)
    freq = jieba.dt.FREQ
    return (lambda text: list(jieba.tokenize(text, HMM=False))), (lambda w: bool(freq.get(w)))


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` with its offsets (jieba without HMM, our user words added)."""
    return _engine()[0](text)


@lru_cache(maxsize=65536)
def _terms(word: str) -> tuple[str, ...]:
    """A word and the dictionary words inside it (``科技`` in ``市科技局``), for the index."""
    if not _WORD.search(word):
        return ()
    if len(word) > 12 or not _CJK.search(word):
        return (word,)
    has_word = _engine()[1]
    return (word, *(word[i:i + n] for n in range(2, len(word)) for i in range(len(word) - n + 1)
                    if has_word(word[i:i + n])))


def index_text(tokens: Iterable[Token]) -> str:
    """Space-joined index terms of these tokens: each word and the dictionary words inside it."""
    return " ".join(chain.from_iterable(map(_terms, map(itemgetter(0), tokens))))


def query_words(query: str) -> list[str]:
    """The words of a search query, cut like indexed text; punctuation and FTS syntax dropped."""
    return [w for w, _, _ in tokenize(query) if _WORD.search(w)]


class Spans:
    """Tokens of one text, sliced by character span in logarithmic time."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.starts = [t[1] for t in tokens]

    def within(self, start: int, end: int) -> list[Token]:
        """The tokens that start inside [start, end)."""
        return self.tokens[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Identifies the segmenter and its user words: index terms made under another fingerprint differ."""
    import hashlib

    engine = "rjieba" if _has_rjieba() else "jieba"
    return hashlib.sha1("\n".join([engine, str(USER_FREQ), *user_words()]).encode()).hexdigest()[:16]


def _has_rjieba() -> bool:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return False
    return True
