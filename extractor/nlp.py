"""spaCy container: a blank ``zh`` pipeline over jieba tokens, built once per process.

Departments are found by a SpanRuler whose phrase patterns (segmented by the
same jieba) come from ``patterns/departments.csv``; extracted items are written to ``doc.spans``
groups (``amounts``, ``deadlines``, ``targets``, ``obligations``).
"""
from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .departments import lexicon
from .patterns import PATTERNS_DIR

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def load() -> Language:
    """The blank Chinese pipeline with the department ruler; jieba gets the lexicon words."""
    lex = lexicon()
    for key in lex.by_key:
        jieba.add_word(key, freq=2000)
        for level in ("市", "县", "区", "省"):
            jieba.add_word(level + key, freq=2000)
    terms = PATTERNS_DIR / "terms.txt"
    for line in terms.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            jieba.add_word(line.strip(), freq=2000)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "departments"})
    names = sorted({level + key for key in lex.by_key for level in ("", "各", "市", "县", "区", "省")})
    ruler.add_patterns([{"label": "DEPARTMENT", "pattern": name} for name in names])
    return nlp


def make_doc(text: str) -> Doc:
    """Segment once with jieba and wrap the tokens in a spaCy Doc (text unchanged)."""
    nlp = load()
    words = jieba.lcut(text)
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    doc.user_data["words"] = words
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def add_spans(doc: Doc, key: str, items: list, label: str) -> None:
    """Write items with start/end character offsets to ``doc.spans[key]``."""
    spans = []
    for item in items:
        span = doc.char_span(item.start, item.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans
