"""How search hits are shown: per kind, the columns a person needs to answer her question.

The same columns feed the terminal table, the CSV and the JSON of ``search``: a target hit carries its
indicator, value, unit and year; an amount its sum in yuan, role, recurrence and purpose; a deadline its date;
an obligation its departments (lead first) and due date. The terminal table is laid out by rich (double-width
Chinese characters counted, long cells wrapped, never cut).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .compare.render import COMPARATORS, number, yuan
from .db import Hit

Column = tuple[str, Callable[[Hit], Any]]



def departments(hit: Hit) -> str:
    """Departments of a hit, lead first (marked ``*``), in the order written."""
    return "、".join(d["name"] + ("*" if d["role"] == "lead" else "") for d in hit.departments)


def _value(hit: Hit) -> str:
    d = hit.details
    if d.get("value") is None:
        return ""
    low = number(d["value"])
    return f"{low}–{number(d['value_max'])}" if d.get("value_max") is not None else low


def _amount(hit: Hit) -> str:
    d = hit.details
    money = yuan(d.get("value_yuan"))
    return f"{money}–{yuan(d['value_yuan_max'])}" if d.get("value_yuan_max") is not None else money


_NOTICE: list[Column] = [("notice", lambda h: h.title), ("doc_number", lambda h: h.doc_number),
                         ("place", lambda h: h.place), ("date", lambda h: h.date)]
#: Per kind, the shown columns: (header, value of a hit).
COLUMNS: dict[str, list[Column]] = {
    "obligation": [*_NOTICE, ("section", lambda h: h.section), ("task", lambda h: h.text),
                   ("departments", departments), ("deadline", lambda h: h.deadline)],
    "target": [*_NOTICE, ("indicator", lambda h: h.details.get("indicator")),
               ("comparator", lambda h: COMPARATORS.get(h.details.get("comparator")) or h.details.get("comparator")),
               ("value", _value), ("unit", lambda h: h.details.get("unit")), ("year", lambda h: h.details.get("year")),
               ("change", lambda h: h.details.get("change")), ("sentence", lambda h: h.text)],
    "amount": [*_NOTICE, ("amount", _amount), ("value_yuan", lambda h: h.details.get("value_yuan")),
               ("role", lambda h: h.details.get("role")), ("recurrence", lambda h: h.details.get("recurrence")),
               ("purpose", lambda h: h.details.get("purpose")), ("payer", lambda h: h.details.get("payer")),
               ("sentence", lambda h: h.text)],
    "deadline": [*_NOTICE, ("due", lambda h: h.details.get("date")), ("kind", lambda h: h.details.get("kind")),
                 ("recurrence", lambda h: h.details.get("recurrence")), ("what is due", lambda h: h.text)],
    "document": [("title", lambda h: h.title), ("doc_number", lambda h: h.doc_number), ("place", lambda h: h.place),
                 ("date", lambda h: h.date), ("issuer", lambda h: h.details.get("issuer"))],
}
#: Columns left out of the terminal table unless ``--wide`` (raw figures the formatted ones already show).
NARROW_SKIP = {"value_yuan", "payer"}
#: Also left out in a terminal narrower than :data:`COMPACT_BELOW` columns, so the text keeps its room (the notice
#: column names the notice; CSV, JSON and ``--wide`` keep them).
COMPACT_SKIP = {"doc_number", "date"}
COMPACT_BELOW = 130
#: Widest a column may be in the terminal table (display columns), so the text column keeps its room.
NARROW_WIDTH = {"notice": 18, "doc_number": 12, "title": 30, "indicator": 14, "purpose": 10, "departments": 24, "section": 10,
                "recurrence": 10, "date": 10, "due": 10, "deadline": 10}
#: The column that holds the hit's own text: the highlighted snippet in the table, the whole text elsewhere.
TEXT = {"obligation": "task", "target": "sentence", "amount": "sentence", "deadline": "what is due"}


def record(hit: Hit) -> dict[str, Any]:
    """A hit as one flat row of its kind's columns (CSV and JSON)."""
    return {name: get(hit) for name, get in COLUMNS[hit.kind]}


def to_json(hit: Hit) -> dict[str, Any]:
    """The flat row plus ids, score and the departments with their canonical names and roles."""
    return {**record(hit), "kind": hit.kind, "id": hit.id, "document_id": hit.document_id, "score": hit.score,
            "departments": hit.departments}


def table(hits: list[Hit], kind: str, wide: bool = False, show_sentence: bool = False, width: int | None = None
          ) -> Any:
    """A rich table of hits: the snippet with the query marked, or the whole text with ``show_sentence``.
    Unless ``wide``, columns empty in every hit are left out and the text column takes the most room (in a
    terminal of ``width`` columns)."""
    from rich.table import Table

    text = TEXT.get(kind)
    skip = set() if wide else NARROW_SKIP | (COMPACT_SKIP if width and width < COMPACT_BELOW else set())
    cells = {name: [_cell(hit, name, get, text if not (wide or show_sentence) else None) for hit in hits]
             for name, get in COLUMNS[kind] if name not in skip}
    if not wide:
        cells = {name: values for name, values in cells.items() if any(values)}
    out = Table(header_style="bold", pad_edge=False)
    for name in cells:
        out.add_column(name, overflow="fold", no_wrap=wide, min_width=12 if name == text and not wide else None,
                       max_width=None if wide else NARROW_WIDTH.get(name))
    for row in zip(*cells.values()):
        out.add_row(*row)
    return out


def _cell(hit: Hit, name: str, get: Callable[[Hit], Any], snippet_for: str | None) -> str:
    value = hit.snippet if name == snippet_for else get(hit)
    return "" if value is None else re.sub(r"\s+", " ", str(value))
