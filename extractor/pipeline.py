"""The pipeline: read -> normalise -> segment -> extract, one document at a time."""
from __future__ import annotations

import bisect
import contextlib
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import deadlines as dl
from . import due
from . import metadata as md
from . import obligations as ob
from . import quantities as qt
from .indicators import money_kind
from .model import Document, InputError, Mapped, Source
from .normalise import normalise
from .readers import read
from .segment import (condition_heading, is_title_line, paragraphs, review_heading, SectionIndex, sections,
                      sentences)
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


def _inside(spans: list[Any], items: list[Any]) -> list[list[int]]:
    """For each span, the indexes of the items that start inside it (bisection, not a scan per span)."""
    order = sorted(range(len(items)), key=lambda i: items[i].start)
    starts = [items[i].start for i in order]
    return [sorted(order[bisect.bisect_left(starts, s.start):bisect.bisect_left(starts, s.end)]) for s in spans]


def process(source: Source, timings: dict[str, float] | None = None) -> Document:
    """Run every stage on a decoded source and return the extracted document (``timings`` adds the seconds
    spent in normalise, segment and extract)."""
    clock = time.perf_counter()
    mapped, header = normalise(Mapped.identity(source.text))
    text = mapped.text
    normalised = time.perf_counter()
    tokens = tokenize(text)
    segmented = time.perf_counter()
    secs = sections(text)
    sents = sentences(text)
    meta = md.extract(text, header)
    review = [(s.start, s.end) for s in secs if review_heading(s.title)]
    deadlines = dl.find(text, meta.date_written or meta.date_published, _no_deadlines(text), review)
    year = int((meta.date_written or meta.date_published or "0")[:4]) or None
    criteria = [(s.start, s.end) for s in secs if condition_heading(s.title)]
    ctx = qt.Context(text, sents, deadlines, year, review, criteria)
    targets = qt.targets(ctx)
    amounts = qt.amounts(ctx, targets)
    for a in amounts:
        a.kind, a.unit = money_kind(a, text)
    obligations = ob.find(text, secs, sents, deadlines)
    for ob_, inside_t, inside_a in zip(obligations, _inside(obligations, targets), _inside(obligations, amounts)):
        ob_.targets, ob_.amounts = inside_t, inside_a
    for ob_, (date, how) in zip(obligations, due.inherit(text, secs, deadlines, obligations)):
        ob_.due, ob_.due_from = date, how
    section_at = SectionIndex(secs)
    for item in [*amounts, *deadlines, *targets, *obligations]:
        sec = section_at(item.start)
        item.section = sec.path if sec else ""
    for item in [*amounts, *deadlines, *targets]:
        if not item.sentence:
            item.sentence = ctx.sentence(item.start).text
    document = Document(source, mapped, meta, secs, paragraphs(text), sents, tokens,
                        amounts=amounts, deadlines=deadlines, targets=targets, obligations=obligations,
                        pages=[bisect.bisect_left(mapped.origin, p) for p in source.pages] if source.pages else None)
    if timings is not None:
        for stage, seconds in (("normalise", normalised - clock), ("segment", segmented - normalised),
                               ("extract", time.perf_counter() - segmented)):
            timings[stage] = timings.get(stage, 0.0) + seconds
    return document


def to_spacy(document: Document) -> Any:
    """A spaCy ``Doc`` of a processed notice: its tokens, the department ruler's spans, and the extracted items
    as span groups."""
    from .nlp import add_spans, make_doc

    doc = make_doc(document.text, document.tokens)
    for key in ("amounts", "deadlines", "targets", "obligations"):
        add_spans(doc, key, getattr(document, key), key[:-1].upper())
    return doc


_STOPS = "。;;!?\n"


def read_item(kind: str, text: str, start: int, end: int, doc_date: str | None) -> dict[str, Any]:
    """What the extractor reads from the span [start, end) of a notice's text that an analyst added in review, as
    catalog columns: the target, amount or deadline found in the span's sentence that overlaps the span most
    (values, unit and year; yuan, role and recurrence; date). Nothing when it reads none there."""
    from .indicators import classify

    lo = max(text.rfind(c, 0, start) for c in _STOPS) + 1
    hi = min((i + 1 for i in (text.find(c, end) for c in _STOPS) if i >= 0), default=len(text))
    sentence = text[lo:hi]

    def best(found: list[Any]) -> Any:
        overlap = [(min(x.end, end - lo) - max(x.start, start - lo), x) for x in found]
        return max(((o, x) for o, x in overlap if o > 0), key=lambda ox: ox[0], default=(0, None))[1]

    if kind == "deadline":
        d = best(dl.find(sentence, doc_date))
        return {"date": d.date, "recurrence": d.recurrence, "kind": d.kind} if d else {}
    doc = process(Source("review", "txt", sentence, None))
    if kind == "amount":
        a = best(doc.amounts)
        return {"value_yuan": a.value_yuan, "value_yuan_max": a.value_yuan_max, "recurrence": a.recurrence,
                "role": a.role, "purpose": a.purpose, "payer": a.payer, "kind": a.kind, "unit": a.unit} if a else {}
    t = best(doc.targets)
    return {"indicator": t.indicator, "value": t.value, "value_max": t.value_max, "unit": t.unit,
            "comparator": t.comparator, "change": t.change, "year": t.year, **classify(t)} if t else {}


#: Seconds one file may take to read and extract before it fails (``--timeout``).
DEFAULT_TIMEOUT = 120.0


def extract_file(path: str | Path, timeout: float | None = None) -> Document:
    """Read and process one file; raises InputError for unreadable input or one that takes over ``timeout``
    seconds."""
    with within(timeout):
        return process(read(path))


@contextlib.contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Raise :class:`InputError` when the block runs longer than ``seconds`` (a timer signal, so only in a
    process's main thread on a Unix; elsewhere the block runs unbounded)."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise InputError(f"took longer than {seconds:g} s to read and extract (--timeout): not extracted")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
