"""The review page of a notice: its text with every extracted item highlighted where it was read.

Each item of the catalog becomes one ``<mark>`` (``data-kind``: ``obligation``, ``target``, ``amount``,
``deadline``, ``department``; ``data-id``: its catalog id) around its own characters, nested when items nest; an
item that crosses another's edge is cut in parts that share its id (``data-part``). Side tables list the items;
a click on a row scrolls to its span and flashes it; hovering a span shows what was read from it and, where the
normalised text differs from the file (traditional script, full-width forms), the original characters. The page
is one file, with no network and no server (Jinja2 template, its script and style inline).
"""
from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..compare.render import number, yuan
from ..db import PLACE, Catalog

#: Kinds in nesting order when two items share both edges (the wider kind outside).
KINDS = ("obligation", "target", "amount", "deadline", "department")


@dataclass
class Span:
    """An item's characters in the text, and what the page says of it on hover."""

    kind: str
    id: str
    start: int
    end: int
    text: str
    note: str
    original: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    page: int | None = None


def _departments(catalog: Catalog, doc_id: int, text: str) -> list[Span]:
    """Each department named in an obligation, at the place its name is written (searched inside the task and
    up to its next task, as read or as written: ``工信局`` in a list that ``市科技局`` opened)."""
    rows = catalog.conn.execute(
        """SELECT od.obligation_id, od.position, od.name, od.role, p.canonical, p.function, o.start, o."end",
                  (SELECT min(n.start) FROM obligations n WHERE n.document_id = o.document_id AND n.start > o.start)
           FROM obligation_departments od JOIN obligations o ON o.id = od.obligation_id
           JOIN departments p ON p.id = od.department_id
           WHERE o.document_id = ? ORDER BY o.start, od.position""", [doc_id]).fetchall()
    spans, taken = [], set()
    for oid, position, name, role, canonical, function, start, end, following in rows:
        limit = max(end, following or len(text))
        for written in (name[k:] for k in range(len(name) - 1)):  # 工信局 after 市科技局 was read as 市工信局
            at = text.find(written, start, limit)
            while at >= 0 and (at, at + len(written)) in taken:
                at = text.find(written, at + 1, limit)
            if at >= 0:
                break
        else:
            continue
        taken.add((at, at + len(written)))
        spans.append(Span("department", f"{oid}-{position}", at, at + len(written), written,
                          f"{canonical} ({function}), {'牵头' if role == 'lead' else '配合'}",
                          facts={"canonical": canonical, "function": function, "role": role, "obligation": oid}))
    return spans


def spans(catalog: Catalog, doc_id: int) -> tuple[dict[str, Any], list[Span]]:
    """The notice's row and the spans of everything extracted from it."""
    doc = dict(zip(("id", "title", "doc_number", "place", "date", "text", "path", "format"), catalog.conn.execute(
        f"SELECT d.id, d.title, d.doc_number, {PLACE}, d.date_written, d.text, d.path, d.format "
        "FROM documents d WHERE d.id = ?", [doc_id]).fetchone()))
    found: list[Span] = []
    q = catalog.conn.execute
    for oid, start, end, otext, due in q('SELECT id, start, "end", text, due FROM obligations WHERE document_id = ?',
                                        [doc_id]):
        found.append(Span("obligation", str(oid), start, end, otext, f"task, due {due or '—'}", facts={"due": due}))
    for tid, start, end, ttext, indicator, comparator, value, value_max, unit, year in q(
            'SELECT id, start, "end", text, indicator, comparator, value, value_max, unit, year FROM targets '
            "WHERE document_id = ?", [doc_id]):
        figure = number(value) + (f"–{number(value_max)}" if value_max is not None else "")
        found.append(Span("target", str(tid), start, end, ttext,
                          f"{indicator} {comparator or ''}{figure}{unit or ''}" + (f" by {year}" if year else ""),
                          facts={"indicator": indicator, "value": value, "unit": unit, "year": year}))
    for aid, start, end, atext, value_yuan, role, recurrence, purpose in q(
            'SELECT id, start, "end", text, value_yuan, role, recurrence, purpose FROM amounts WHERE document_id = ?',
            [doc_id]):
        money = f"{yuan(value_yuan)} ({value_yuan:,.0f} 元)" if value_yuan is not None else "added in review"
        found.append(Span("amount", str(aid), start, end, atext,
                          f"{money}, {role or '—'}" + (f", {recurrence}" if recurrence else "")
                          + (f", {purpose}" if purpose else ""),
                          facts={"yuan": value_yuan, "role": role, "recurrence": recurrence, "purpose": purpose}))
    for did, start, end, dtext, date, kind in q(
            'SELECT id, start, "end", text, date, kind FROM deadlines WHERE document_id = ?', [doc_id]):
        found.append(Span("deadline", str(did), start, end, dtext, f"due {date or '—'} ({kind})",
                          facts={"date": date, "kind": kind}))
    found += _departments(catalog, doc_id, doc["text"] or "")
    _originals(doc, found)
    pages = json.loads(catalog.conn.execute("SELECT pages FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
                       or "null")
    if pages:  # a PDF: the page each item stands on
        for s in found:
            s.page = bisect.bisect_right(pages, s.start)
            s.note += f" (p. {s.page})"
    return doc, found


def _originals(doc: dict[str, Any], found: list[Span]) -> None:
    """Where the file still reads as it did, the original characters behind each span that normalisation
    changed (traditional script, full-width forms, spacing)."""
    from ..model import InputError, Mapped
    from ..normalise import normalise
    from ..readers import read

    try:
        source = read(doc["path"])
    except (InputError, OSError, TypeError):
        return
    mapped, _ = normalise(Mapped.identity(source.text))
    if mapped.text != doc["text"]:
        return  # the file changed since it was ingested
    for s in found:
        if s.end > s.start:
            a, b = mapped.source_span(s.start, s.end)
            original = source.text[a:b]
            if original != s.text:
                s.original = original


def marked(text: str, found: Iterable[Span], anchors: dict[int, list[str]]) -> Markup:
    """The text with every span as a ``<mark>`` (nested; a span crossing another's edge cut in parts) and an
    empty anchor at each heading."""
    items = sorted((s for s in found if 0 <= s.start < s.end <= len(text)),
                   key=lambda s: (s.start, -s.end, KINDS.index(s.kind)))
    bounds = sorted({0, len(text), *anchors, *(s.start for s in items), *(s.end for s in items)})
    starting: dict[int, list[Span]] = {}
    for s in items:
        starting.setdefault(s.start, []).append(s)
    out: list[str] = []
    stack: list[Span] = []
    parts: dict[int, int] = {}

    def open_(s: Span) -> None:
        part = parts.get(id(s), 0)
        parts[id(s)] = part + 1
        title = s.note + (f"\n原文: {s.original}" if s.original else "")
        out.append(f'<mark data-kind="{s.kind}" data-id="{escape(s.id)}" data-start="{s.start}" data-end="{s.end}"'
                   + (f' data-part="{part}"' if part else "") + f' title="{escape(title)}">')
        stack.append(s)

    for here, after in zip(bounds, bounds[1:] + [None]):
        ending = [s for s in stack if s.end == here]
        if ending:
            reopen = []
            while any(s.end == here for s in stack):  # close down to the last span ending here
                s = stack.pop()
                out.append("</mark>")
                if s.end != here:
                    reopen.append(s)
            for s in reversed(reopen):
                open_(s)
        for name in anchors.get(here, []):
            out.append(f'<a class="anchor" id="{escape(name)}"></a>')
        for s in starting.get(here, []):
            open_(s)
        if after is not None:
            out.append(str(escape(text[here:after])))
    return Markup("".join(out))


def _outline(catalog: Catalog, doc_id: int) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    sections = [dict(zip(("id", "marker", "title", "level", "start"), r)) for r in catalog.conn.execute(
        "SELECT id, marker, title, level, start FROM sections WHERE document_id = ? ORDER BY position", [doc_id])]
    anchors: dict[int, list[str]] = {}
    for s in sections:
        anchors.setdefault(s["start"], []).append(f"sec-{s['id']}")
    return sections, anchors


def _templates() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                       autoescape=select_autoescape(["html", "j2"]))


def render(catalog: Catalog, doc_id: int) -> str:
    """The review page of one notice."""
    doc, found = spans(catalog, doc_id)
    sections, anchors = _outline(catalog, doc_id)
    env = _templates()
    by_kind = {k: [s for s in sorted(found, key=lambda s: s.start) if s.kind == k] for k in KINDS}
    contract = {"document": {"id": doc_id, "title": doc["title"], "doc_number": doc["doc_number"],
                             "name": Path(doc["path"] or f"notice-{doc_id}").stem}, **catalog.contract(doc_id)}
    return env.get_template("review.html.j2").render(doc=doc, text=marked(doc["text"] or "", found, anchors),
                                                     sections=sections, spans=by_kind, kinds=KINDS,
                                                     contract=Markup(json.dumps(contract, ensure_ascii=False)
                                                                     .replace("</", "<\\/")))


def write(catalog: Catalog, doc_ids: Iterable[int], folder: Path) -> list[Path]:
    """Write the review page of each notice and the index of every notice in the catalog; returns the pages."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for doc_id in doc_ids:
        pages.append(folder / f"notice-{doc_id}.html")
        pages[-1].write_text(render(catalog, doc_id), encoding="utf-8")
    write_index(catalog, folder)
    return pages


def write_index(catalog: Catalog, folder: Path) -> Path:
    """The index page: every notice with its place, date and counts, linked to its page where one exists."""
    rows = [dict(zip(("id", "title", "doc_number", "place", "date", "obligations", "targets", "amounts",
                      "deadlines"), r)) for r in catalog.conn.execute(
        f"""SELECT d.id, d.title, d.doc_number, {PLACE}, d.date_written,
                   (SELECT count(*) FROM obligations x WHERE x.document_id = d.id),
                   (SELECT count(*) FROM targets x WHERE x.document_id = d.id),
                   (SELECT count(*) FROM amounts x WHERE x.document_id = d.id),
                   (SELECT count(*) FROM deadlines x WHERE x.document_id = d.id)
            FROM documents d ORDER BY d.id""")]
    for r in rows:
        r["page"] = f"notice-{r['id']}.html" if (folder / f"notice-{r['id']}.html").exists() else None
    env = _templates()
    path = folder / "index.html"
    path.write_text(env.get_template("index.html.j2").render(rows=rows), encoding="utf-8")
    return path
