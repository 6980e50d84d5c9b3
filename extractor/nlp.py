"""spaCy view of a notice: a blank ``zh`` pipeline over our tokens, built on demand.

The catalog and ``extract`` need no spaCy. A library user who wants a spaCy ``Doc`` gets one from
:func:`make_doc`: the tokens of :mod:`extractor.tokens` (one segmentation pass), departments found by a
SpanRuler whose phrase patterns come from ``patterns/departments.csv``, and the extracted items as
``doc.spans`` groups (``amounts``, ``deadlines``, ``targets``, ``obligations``).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .tokens import Token, department_names, tokenize

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class Tokenizer:
    """A spaCy tokenizer that cuts with :func:`extractor.tokens.tokenize` (patterns and texts alike)."""

    def __init__(self, vocab: Any) -> None:
        self.vocab = vocab

    def __call__(self, text: str, tokens: list[Token] | None = None) -> "Doc":
        from spacy.tokens import Doc

        words = [w for w, _, _ in (tokens if tokens is not None else tokenize(text))]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    def pipe(self, texts: Any, batch_size: int = 1000) -> Any:
        return (self(text) for text in texts)


@lru_cache(maxsize=1)
def load() -> "Language":
    """The blank Chinese pipeline with our tokenizer and the department ruler."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    nlp.tokenizer = Tokenizer(nlp.vocab)
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": "departments"})
    names = sorted(department_names() | {"各" + name for name in department_names()})
    ruler.add_patterns([{"label": "DEPARTMENT", "pattern": name} for name in names])
    return nlp


def make_doc(text: str, tokens: list[Token] | None = None) -> "Doc":
    """A spaCy Doc over the tokens of ``text`` (cut here unless given), departments found by the ruler."""
    nlp = load()
    doc = nlp.tokenizer(text, tokens)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def add_spans(doc: "Doc", key: str, items: list, label: str) -> None:
    """Write items with start/end character offsets to ``doc.spans[key]``."""
    spans = []
    for item in items:
        span = doc.char_span(item.start, item.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[key] = spans
