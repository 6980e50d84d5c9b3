"""The pipeline: read -> normalise -> segment -> extract, one document at a time."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import deadlines as dl
from . import metadata as md
from . import obligations as ob
from . import quantities as qt
from .indicators import money_kind
from .model import Document, Mapped, Source
from .normalise import normalise
from .readers import read
from .segment import is_title_line, paragraphs, review_heading, section_at, sections, sentences
from .tokens import tokenize

_BOOK_TITLE = re.compile(r"《[^《》]{1,120}》|(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{1,12}[〔\[【﹝]\s*\d{4}\s*[〕\]】﹞]\s*\d+\s*号")
_DATE_LINE = re.compile(r"(?m)^.*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(印发)?\s*\|?\s*$")


def _no_deadlines(text: str) -> list[tuple[int, int]]:
    """Spans whose years are not deadlines: cited titles and doc numbers, title lines, signing dates."""
    spans = [m.span() for m in _BOOK_TITLE.finditer(text)] + [m.span() for m in _DATE_LINE.finditer(text)]
    pos = 0
    for line in text.split("\n"):
        if is_title_line(line):
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def process(source: Source) -> Document:
    """Run every stage on a decoded source and return the extracted document."""
    mapped, header = normalise(Mapped.identity(source.text))
    text = mapped.text
    secs = sections(text)
    sents = sentences(text)
    meta = md.extract(text, header)
    review = [(s.start, s.end) for s in secs if review_heading(s.title)]
    deadlines = dl.find(text, meta.date_written or meta.date_published, _no_deadlines(text), review)
    year = int((meta.date_written or meta.date_published or "0")[:4]) or None
    ctx = qt.Context(text, sents, deadlines, year, review)
    targets = qt.targets(ctx)
    amounts = qt.amounts(ctx, targets)
    for a in amounts:
        a.kind, a.unit = money_kind(a, text)
    obligations = ob.find(text, secs, sents, deadlines)
    for ob_ in obligations:
        ob_.targets = [i for i, t in enumerate(targets) if ob_.start <= t.start < ob_.end]
        ob_.amounts = [i for i, a in enumerate(amounts) if ob_.start <= a.start < ob_.end]
    for item in [*amounts, *deadlines, *targets, *obligations]:
        sec = section_at(secs, item.start)
        item.section = sec.path if sec else ""
    for item in [*amounts, *deadlines, *targets]:
        if not item.sentence:
            item.sentence = ctx.sentence(item.start).text
    return Document(source, mapped, meta, secs, paragraphs(text), sents, tokenize(text),
                    amounts=amounts, deadlines=deadlines, targets=targets, obligations=obligations)


def to_spacy(document: Document) -> Any:
    """A spaCy ``Doc`` of a processed notice: its tokens, the department ruler's spans, and the extracted items
    as span groups."""
    from .nlp import add_spans, make_doc

    doc = make_doc(document.text, document.tokens)
    for key in ("amounts", "deadlines", "targets", "obligations"):
        add_spans(doc, key, getattr(document, key), key[:-1].upper())
    return doc


def extract_file(path: str | Path) -> Document:
    """Read and process one file; raises InputError for unreadable input."""
    return process(read(path))
