"""The catalog: extracted notices in one SQLite file, built with sqlite-utils.

A :class:`Catalog` wraps a :class:`sqlite_utils.Database`. Every document is
written whole: alone in one ``BEGIN IMMEDIATE`` transaction, or as a savepoint
inside the group of notices an ingest batch commits together, so a killed
ingest never leaves half a document and two ingests into one file queue instead
of failing (WAL mode, 30 s busy timeout). Searchable rows are indexed by contentless FTS5
tables (``<table>_fts``, see :mod:`extractor.fts`) fed from the pipeline's one
segmentation pass; rows of a notice are written in batches (``executemany``).
"""
from __future__ import annotations

import bisect
import collections
import contextlib
import glob
import hashlib
import itertools
import json
import os
import re
import sqlite3
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import sqlite_utils

from . import fts
from .departments import LEVELS
from .model import DEFAULT_CATALOG, SEARCH_KINDS, Document, InputError, Mapped
from .patterns import toml
from .readers import SUPPORTED, path_text
from .tokens import query_words, tokenize

DEFAULT_PATH = DEFAULT_CATALOG
BUSY_TIMEOUT_MS = 30_000
#: Extracted documents per worker that may wait for the writer (``ingest --jobs``).
IN_FLIGHT = 4
#: An ingest batch commits whole notices together, at most this many or this long after the last commit.
GROUP_NOTICES = 32
GROUP_SECONDS = 1.0
#: Suffixes that are reported as failures when met in a folder (not silently skipped).
REPORTED_IN_FOLDERS = (".doc", ".wps", ".ofd")
KINDS = SEARCH_KINDS
_ISO_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
#: SQL for the place a notice speaks for (documents aliased ``d``): its county, else its city, else its province.
PLACE = "coalesce(d.county, d.city, d.province, '?')"
#: Columns of each item table in the extraction contract's JSON.
CONTRACT = {
    "amounts": ("value_yuan", "value_yuan_max", "recurrence", "role", "text", "sentence", "start", "end", "section"),
    "deadlines": ("date", "recurrence", "text", "sentence", "start", "end", "section"),
    "targets": ("indicator", "value", "value_max", "unit", "comparator", "change", "year", "text", "sentence",
                "start", "end", "section"),
    "obligations": ("text", "deadline", "start", "end", "section"),
}
#: A sum in yuan as a report writes it (5000万元, 2.5亿元), in SQL so views show it in any SQLite client.
_YUAN = ("CASE WHEN {v} IS NULL THEN NULL WHEN abs({v}) >= 1e8 THEN printf('%g亿元', {v} / 1e8) "
         "WHEN abs({v}) >= 1e4 THEN printf('%g万元', {v} / 1e4) ELSE printf('%g元', {v}) END")
#: Matches a filtered search is counted over (newest first), so a total never costs a scan of a common word.
COUNT_WINDOW = 20_000
#: Words of a query searched for; the rest of a longer query is left out (the CLI says so).
MAX_QUERY_WORDS = 32
#: A ranked search scores the newest this many matches first (see :meth:`Catalog._ranked`).
RANK_WINDOW = 2000
_WORD = re.compile(r"[^\W_]")


# ------------------------------------------------------------ tokens -------

def fts_query(tokens: Iterable[str]) -> str:
    """An FTS5 query matching all tokens, each a quoted phrase (so ``"``, ``*``, ``AND`` are text)."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def highlight(text: str, tokens: Iterable[str], width: int = 60, mark: tuple[str, str] = ("[", "]")) -> str:
    """A one-line window of ``text`` around the first hit, every hit wrapped in ``mark``."""
    text = re.sub(r"\s+", " ", text).strip()
    spans: list[tuple[int, int]] = []
    for token in sorted(set(tokens), key=len, reverse=True):
        for m in re.finditer(re.escape(token), text, flags=re.IGNORECASE):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append(m.span())
    spans.sort()
    start = max(0, spans[0][0] - width // 3) if spans else 0
    end = min(len(text), start + width)
    out, pos = [], start
    for s, e in spans:
        if s >= pos and e <= end:
            out += [text[pos:s], mark[0], text[s:e], mark[1]]
            pos = e
    out.append(text[pos:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")


# ------------------------------------------------------------ schema -------

def _v1(db: sqlite_utils.Database) -> None:
    """Create every table, index, FTS table and view of schema version 1."""
    db["documents"].create({
        "id": int, "hash": str, "path": str, "format": str, "name": str, "encoding": str,
        "title": str, "doc_number": str, "issuer": str, "city": str, "province": str,
        "date_written": str, "date_published": str, "validity": str, "index_number": str, "topic": str,
        "text": str, "text_seg": str, "run_id": int, "ingested_at": str,
    }, pk="id", not_null={"hash", "path"})
    db["runs"].create({
        "id": int, "started_at": str, "finished_at": str, "arguments": str, "added": int, "unchanged": int,
        "replaced": int, "failed": int, "obligations": int, "targets": int, "amounts": int, "deadlines": int,
    }, pk="id")
    db["failures"].create({"id": int, "run_id": int, "path": str, "reason": str, "at": str},
                          pk="id", foreign_keys=[("run_id", "runs", "id")])
    db["sections"].create({
        "id": int, "document_id": int, "parent_id": int, "position": int, "marker": str, "title": str,
        "level": int, "rank": int, "path": str, "start": int, "end": int, "body_start": int,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("parent_id", "sections", "id")])
    db["obligations"].create({
        "id": int, "document_id": int, "section_id": int, "position": int, "section": str, "text": str,
        "text_seg": str, "marking": str, "departments_as_written": str, "deadline": str, "deadlines": str,
        "start": int, "end": int,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("section_id", "sections", "id")])
    db["departments"].create({"id": int, "canonical": str, "function": str, "level": str, "city": str},
                             pk="id", not_null={"canonical", "city"})
    db["obligation_departments"].create({
        "obligation_id": int, "department_id": int, "position": int, "name": str, "role": str,
    }, pk=("obligation_id", "position"),
        foreign_keys=[("obligation_id", "obligations", "id"), ("department_id", "departments", "id")])
    item = {"id": int, "document_id": int, "obligation_id": int, "section_id": int, "section": str}
    span = {"text": str, "sentence": str, "text_seg": str, "start": int, "end": int}
    keys = [("document_id", "documents", "id"), ("obligation_id", "obligations", "id"),
            ("section_id", "sections", "id")]
    db["targets"].create({**item, "indicator": str, "value": float, "value_max": float, "unit": str,
                          "comparator": str, "change": str, "year": int, **span}, pk="id", foreign_keys=keys)
    db["amounts"].create({**item, "value_yuan": float, "value_yuan_max": float, "recurrence": str, "role": str,
                          "purpose": str, "payer": str, **span}, pk="id", foreign_keys=keys)
    db["deadlines"].create({**item, "date": str, "recurrence": str, "kind": str, **span},
                           pk="id", foreign_keys=keys)
    db["citations"].create({
        "id": int, "document_id": int, "doc_number": str, "title": str, "start": int, "end": int,
        "cited_document_id": int,
    }, pk="id", foreign_keys=[("document_id", "documents", "id"), ("cited_document_id", "documents", "id")])

    db["documents"].create_index(["hash"], unique=True)
    db["documents"].create_index(["path"])
    db["documents"].create_index(["doc_number"])
    db["departments"].create_index(["canonical", "city"], unique=True)
    db["obligation_departments"].create_index(["department_id"])
    db["failures"].create_index(["run_id"])
    db["citations"].create_index(["doc_number"])
    db["citations"].create_index(["cited_document_id"])
    db["obligations"].create_index(["deadline"])
    for table in ("sections", "obligations", "targets", "amounts", "deadlines", "citations"):
        db[table].create_index(["document_id"])
    for table in ("targets", "amounts", "deadlines"):
        db[table].create_index(["obligation_id"])
    for table in ("documents", "obligations", "targets", "amounts", "deadlines"):
        db[table].enable_fts(["text_seg"], tokenize="unicode61", create_triggers=True)

    db.create_view("obligation_list", """
        SELECT o.id, d.id AS document_id, d.title, d.doc_number, d.city, o.section, o.text, o.deadline,
          (SELECT group_concat(name, '、') FROM (SELECT p.canonical AS name FROM obligation_departments od
             JOIN departments p ON p.id = od.department_id
            WHERE od.obligation_id = o.id ORDER BY od.role != 'lead', od.position)) AS departments
        FROM obligations o JOIN documents d ON d.id = o.document_id""")
    db.create_view("department_obligations", """
        SELECT p.city, p.canonical AS department, p.function, od.role, od.name AS as_written,
               o.id AS obligation_id, o.deadline, o.text, d.title, d.doc_number
        FROM obligation_departments od JOIN departments p ON p.id = od.department_id
        JOIN obligations o ON o.id = od.obligation_id JOIN documents d ON d.id = o.document_id""")
    db.create_view("funding", """
        SELECT a.id, d.city, d.title, d.doc_number, a.section, a.value_yuan, a.value_yuan_max, a.recurrence,
               a.purpose, a.text, a.sentence
        FROM amounts a JOIN documents d ON d.id = a.document_id WHERE a.role = 'funding'""")


def _v2(db: sqlite_utils.Database) -> None:
    """One notice, one record: sources (copies) of a document, its place and level, identity keys, lineage."""
    from .identity import bands, signature, title_keys

    for column, kind in (("county", str), ("level", str), ("signature", bytes)):
        db["documents"].add_column(column, kind)
    db["runs"].add_column("merged", int)
    db["sources"].create({
        "id": int, "document_id": int, "hash": str, "path": str, "format": str, "name": str, "encoding": str,
        "run_id": int, "ingested_at": str,
    }, pk="id", foreign_keys=[("document_id", "documents", "id")], not_null={"hash", "path"})
    db["sources"].create_index(["path"], unique=True)
    db["sources"].create_index(["hash"])
    db["sources"].create_index(["document_id"])
    db["fingerprints"].create({"band": int, "document_id": int}, foreign_keys=[("document_id", "documents", "id")])
    db["fingerprints"].create_index(["band"])
    db["fingerprints"].create_index(["document_id"])
    db["title_keys"].create({"key": str, "head": str, "document_id": int},
                            foreign_keys=[("document_id", "documents", "id")])
    db["title_keys"].create_index(["key"])
    db["title_keys"].create_index(["document_id"])
    db["citations"].add_column("title_key", str)
    db["citations"].add_column("head", str)
    db["citations"].create_index(["title_key"])
    db["links"].create({"id": int, "child_id": int, "parent_id": int, "link": str, "score": float,
                        "citation_id": int}, pk="id",
                       foreign_keys=[("child_id", "documents", "id"), ("parent_id", "documents", "id")])
    db["links"].create_index(["child_id"])
    db["links"].create_index(["parent_id"])
    for column, kind in (("indicator_key", str), ("family", str), ("value_norm", float), ("value_max_norm", float),
                         ("unit_norm", str)):
        db["targets"].add_column(column, kind)
    db["targets"].create_index(["indicator_key"])
    db["amounts"].add_column("kind", str)
    db["amounts"].add_column("unit", str)
    db["documents"].create_index(["city"])
    db["documents"].create_index(["county"])
    db.execute("CREATE VIRTUAL TABLE title_index USING fts5(title_words, opening_words)")
    db.execute("CREATE VIRTUAL TABLE title_vocab USING fts5vocab(title_index, col)")  # how common each word is
    db.create_view("sources_per_document", """
        SELECT d.id, d.title, d.doc_number, d.city, count(s.id) AS sources, group_concat(s.path, ' | ') AS paths
        FROM documents d LEFT JOIN sources s ON s.document_id = d.id GROUP BY d.id""")

    from .indicators import classify_rows

    for row in db.query("SELECT id, hash, path, format, name, encoding, run_id, ingested_at, title, text "
                        "FROM documents"):
        db["sources"].insert({k: row[k] for k in ("hash", "path", "format", "name", "encoding", "run_id",
                                                  "ingested_at")} | {"document_id": row["id"]})
        sig = signature(row["text"] or "")
        db["documents"].update(row["id"], {"signature": sig.tobytes()})
        db["fingerprints"].insert_all({"band": b, "document_id": row["id"]} for b in bands(sig))
        db["title_keys"].insert_all({"key": k, "head": h, "document_id": row["id"]} for k, h in title_keys(row["title"]))
    for row in list(db.query("SELECT id, title FROM citations")):
        keys = title_keys(row["title"])
        if keys:
            db["citations"].update(row["id"], {"title_key": keys[0][0], "head": keys[0][1]})
    for row in list(db.query("SELECT id, indicator, unit, value, value_max FROM targets")):
        db["targets"].update(row["id"], classify_rows([row])[0])
    from .lineage import link

    link(db, [r[0] for r in db.execute("SELECT id FROM documents")])


def _v3(db: sqlite_utils.Database) -> None:
    """Per-place rollups for large comparisons, and the places whose rollups wait for a refresh."""
    from .compare import rollup

    rollup.create(db)
    db["stale_places"].create({"province": str, "city": str, "county": str})
    rollup.refresh(db)


def _v4(db: sqlite_utils.Database) -> None:
    """A smaller catalog: contentless FTS5 tables fed from the pipeline's tokens instead of ``text_seg`` copies,
    the span of each item's sentence, and indexes for the search filters."""
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name}")
    for table in fts.TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}_fts")
        db.execute(f"ALTER TABLE {table} DROP COLUMN text_seg")
    for table in fts.ITEMS:
        db.execute(f"ALTER TABLE {table} ADD COLUMN sentence_start INTEGER")
        db.execute(f"ALTER TABLE {table} ADD COLUMN sentence_end INTEGER")
        for row in db.execute(f"SELECT x.id, x.start, x.sentence, d.text FROM {table} x "
                              "JOIN documents d ON d.id = x.document_id").fetchall():
            db.execute(f"UPDATE {table} SET sentence_start = ?, sentence_end = ? WHERE id = ?",
                       [*fts.sentence_span(row[3] or "", row[1] or 0, row[2]), row[0]])
    from .identity import bands, signature

    for doc_id, text, county in db.execute("SELECT id, text, county FROM documents").fetchall():
        sig = signature(text or "")  # vectorised shingle hashes; bands keyed by county
        db.execute("UPDATE documents SET signature = ? WHERE id = ?", [sig.tobytes(), doc_id])
        db.execute("DELETE FROM fingerprints WHERE document_id = ?", [doc_id])
        db.conn.executemany("INSERT INTO fingerprints (band, document_id) VALUES (?, ?)",
                       [(b, doc_id) for b in bands(sig, county)])
    fts.create(db.conn)
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS title_vocab USING fts5vocab(title_index, col)")
    db.execute("CREATE INDEX IF NOT EXISTS departments_function ON departments (function)")
    db.execute("CREATE INDEX IF NOT EXISTS documents_run ON documents (run_id)")
    db.execute("CREATE INDEX IF NOT EXISTS sources_run ON sources (run_id)")
    fts.ensure_current(db.conn)


def _v5(db: sqlite_utils.Database) -> None:
    """Flat at scale: fingerprint bands filed by what identity must rest on (see :func:`identity.bands`), and
    documents indexed by place for the rollups."""
    import numpy as np

    from .identity import bands

    db.execute("DELETE FROM fingerprints")
    for doc_id, sig, county, number, title in db.execute(
            "SELECT id, signature, county, doc_number, title FROM documents WHERE signature IS NOT NULL").fetchall():
        db.conn.executemany("INSERT INTO fingerprints (band, document_id) VALUES (?, ?)",
                            [(b, doc_id) for b in bands(np.frombuffer(sig, dtype=np.uint64), county, number, title)])
    db.execute("CREATE INDEX IF NOT EXISTS documents_place ON documents (city, county, province)")
    from .compare import rollup

    rollup.index_keys(db)
    db.execute("ALTER TABLE stale_places ADD COLUMN document_id INTEGER")


#: The columns of ``documents`` in stored order: a row's small columns first, its text last, so reading a place, a
#: level or a signature never walks the text's overflow pages.
DOCUMENT_COLUMNS = ["id", "hash", "path", "format", "name", "encoding", "title", "doc_number", "issuer", "province",
                    "city", "county", "level", "date_written", "date_published", "validity", "index_number", "topic",
                    "run_id", "ingested_at", "signature", "text"]


def _v6(db: sqlite_utils.Database) -> None:
    """Documents stored with their text last (see :data:`DOCUMENT_COLUMNS`); target rollups that carry their
    sentence, so a comparison of every place reads no target row."""
    from .compare import rollup

    db["documents"].transform(column_order=DOCUMENT_COLUMNS)
    rollup.create(db)
    rollup.refresh(db)


def _v7(db: sqlite_utils.Database) -> None:
    """When each obligation falls due (see :mod:`extractor.due`), computed from the stored sections, deadlines and
    obligations; due-date filters use it."""
    from types import SimpleNamespace as Row

    from .due import inherit

    db.execute("ALTER TABLE obligations ADD COLUMN due TEXT")
    db.execute("ALTER TABLE obligations ADD COLUMN due_from TEXT")
    for (doc_id,) in db.execute("SELECT id FROM documents").fetchall():
        sections = db.execute('SELECT id, parent_id, start, "end", body_start FROM sections WHERE document_id = ? '
                              "ORDER BY position", [doc_id]).fetchall()
        at = {r[0]: i for i, r in enumerate(sections)}
        secs = [Row(start=r[2], end=r[3], body_start=r[4], parent=at.get(r[1])) for r in sections]
        deadlines = [Row(start=r[0], date=r[1], kind=r[2]) for r in db.execute(
            "SELECT start, date, kind FROM deadlines WHERE document_id = ?", [doc_id])]
        obligations = db.execute("SELECT id, start, deadline FROM obligations WHERE document_id = ? ORDER BY id",
                                 [doc_id]).fetchall()
        text = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0] or ""
        found = inherit(text, secs, deadlines, [Row(start=r[1], deadline=r[2]) for r in obligations])
        db.conn.executemany("UPDATE obligations SET due = ?, due_from = ? WHERE id = ?",
                            [(due, source, r[0]) for r, (due, source) in zip(obligations, found)])
    db.execute("CREATE INDEX IF NOT EXISTS obligations_due ON obligations (due)")
    db.execute("ALTER TABLE runs ADD COLUMN pid INTEGER")  # the writer, to tell a killed run from a running one
    db.execute("ALTER TABLE runs ADD COLUMN interrupted INTEGER")
    # views as a reader wants them in Datasette: the place as users name it, money as reports write it
    for view in ("obligation_list", "department_obligations", "funding"):
        db.execute(f"DROP VIEW IF EXISTS {view}")
    db.create_view("obligation_list", f"""
        SELECT o.id, d.id AS document_id, d.title, d.doc_number, {PLACE} AS place, d.province, d.city, d.county,
               o.section, o.text, o.deadline, o.due, o.due_from,
          (SELECT group_concat(name, '、') FROM (SELECT p.canonical AS name FROM obligation_departments od
             JOIN departments p ON p.id = od.department_id
            WHERE od.obligation_id = o.id ORDER BY od.role != 'lead', od.position)) AS departments
        FROM obligations o JOIN documents d ON d.id = o.document_id""")
    db.create_view("department_obligations", f"""
        SELECT {PLACE} AS place, p.city, p.canonical AS department, p.function, od.role, od.name AS as_written,
               o.id AS obligation_id, o.deadline, o.due, o.text, d.title, d.doc_number
        FROM obligation_departments od JOIN departments p ON p.id = od.department_id
        JOIN obligations o ON o.id = od.obligation_id JOIN documents d ON d.id = o.document_id""")
    db.create_view("funding", f"""
        SELECT a.id, {PLACE} AS place, d.province, d.city, d.county, d.title, d.doc_number, a.section,
               {_YUAN.format(v="a.value_yuan")} AS amount, a.value_yuan, a.value_yuan_max, a.kind, a.recurrence,
               a.purpose, a.payer, a.text, a.sentence
        FROM amounts a JOIN documents d ON d.id = a.document_id WHERE a.role = 'funding'""")


def _v8(db: sqlite_utils.Database) -> None:
    """Corrections an analyst made on a review page: kept apart from the extracted rows, applied over them, and
    applied again when the notice is re-ingested."""
    db["corrections"].create({"id": int, "document_id": int, "kind": str, "action": str, "text": str, "start": int,
                              "end": int, "at": str}, pk="id", foreign_keys=[("document_id", "documents", "id")])
    db["corrections"].create_index(["document_id"])
    for table in ("targets", "amounts", "deadlines"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN reviewed TEXT")  # 'added' for an item an analyst added
    db.execute("ALTER TABLE documents ADD COLUMN pages TEXT")  # a PDF's page starts in the text, as JSON
    db.execute("CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (finished_at)")  # runs left by a killed writer


def _v9(db: sqlite_utils.Database) -> None:
    """A comparison of every place that reads only rollups: notices per place, funding rollups that carry their
    sentence, and target rollups indexed in the order a comparison lists them."""
    from .compare import rollup

    rollup.create(db)
    rollup.index_keys(db)
    rollup.refresh(db)


def _v10(db: sqlite_utils.Database) -> None:
    """The copies of each place's notices counted in its rollup, so a comparison of every place reads no
    sources."""
    from .compare import rollup

    rollup.create(db)
    db.execute("DELETE FROM place_documents")
    db.execute(f"INSERT INTO place_documents ({', '.join(rollup.TABLES['place_documents'])}) "
               f"{rollup.fill('place_documents', 'documents d')}")


def find_documents(query: Callable[[str, list[Any]], list[dict[str, Any]]], ref: str, names: bool = True
                   ) -> list[dict[str, Any]]:
    """Documents named by id, hash prefix, doc number or title substring, best kind of match first, found with
    ``query(sql, values)`` (SQLite or DuckDB); ``names``: the documents table has file names too."""
    ref = ref.strip()
    queries = [("SELECT * FROM documents WHERE doc_number = ?", ref),
               ("SELECT * FROM documents WHERE title LIKE '%' || ? || '%' OR doc_number LIKE '%' || ? || '%' "
                + ("OR name = ? " if names else "") + "ORDER BY id", ref)]
    if ref.isdigit() and len(ref) < 19:  # a longer number is no id (SQLite integers are 64-bit)
        queries.insert(0, ("SELECT * FROM documents WHERE id = ?", int(ref)))
    if re.fullmatch(r"[0-9a-fA-F]{6,64}", ref):
        queries.insert(1, ("SELECT * FROM documents WHERE hash LIKE ? || '%'", ref.lower()))
    for sql, value in queries:
        rows = query(sql, [value] * sql.count("?"))
        if rows:
            return rows
    words = ref.split()  # title words, in any order: 科创 济南
    if len(words) > 1:
        return query("SELECT * FROM documents WHERE " + " AND ".join("instr(title, ?) > 0" for _ in words)
                     + " ORDER BY id", words)
    return []


def lineage_sql(children: str | None = None) -> str:
    """The query of every link (``links``) with its parent, child, place, level, date and how it was found, in the
    order lineage lists them (``children``: a subquery of the child ids to keep). SQLite and DuckDB both run it."""
    return f"""
        SELECT coalesce(p.doc_number, p.title) AS parent, p.title AS parent_title, d.title AS child_title,
               d.doc_number AS child_doc_number, {PLACE} AS place, d.level,
               d.date_written AS date, l.link, l.score, p.id AS parent_id, d.id AS child_id
        FROM links l JOIN documents d ON d.id = l.child_id JOIN documents p ON p.id = l.parent_id
        {f"WHERE l.child_id IN ({children})" if children else ""}
        ORDER BY p.level NULLS FIRST, p.id, place NULLS FIRST, d.id"""


#: ``MIGRATIONS[i]`` brings a catalog from schema version ``i`` to ``i + 1``.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10]
SCHEMA_VERSION = len(MIGRATIONS)


# ------------------------------------------------------------ results ------

@dataclass
class Outcome:
    """What ingesting one file did."""

    path: str
    status: str  # added | merged | unchanged | replaced | failed
    document_id: int | None = None
    reason: str = ""
    obligations: int = 0
    targets: int = 0
    amounts: int = 0
    deadlines: int = 0
    empty: bool = False  # neither a title nor any item came out of it


@dataclass
class Summary:
    """Totals of one ingest run (the item counts are set by :meth:`Catalog.finish_run`)."""

    added: int = 0
    merged: int = 0
    unchanged: int = 0
    replaced: int = 0
    obligations: int = 0
    targets: int = 0
    amounts: int = 0
    deadlines: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: Notices added with neither a title nor any item: read, but nothing came out of them.
    empty: list[str] = field(default_factory=list)
    #: Funding the run's notices commit, in yuan: one-off sums and sums per year (rates and caps left out).
    one_off_yuan: float = 0.0
    yearly_yuan: float = 0.0

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self.failures.append((outcome.path, outcome.reason))
            return
        if outcome.empty:
            self.empty.append(outcome.path)
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)


@dataclass
class Hit:
    """One search result."""

    kind: str
    id: int
    document_id: int
    title: str | None
    doc_number: str | None
    city: str | None
    section: str
    text: str
    snippet: str
    deadline: str | None
    score: float | None
    place: str | None = None  # county, else city, else province
    date: str | None = None  # the notice's date
    departments: list[dict[str, str]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Kind:
    table: str
    text: str  # column shown and highlighted
    document: str  # expression of the document id
    owner: str | None  # expression of the obligation id the row belongs to
    due: str | None  # expression of the date compared by due filters
    details: tuple[str, ...]


_KINDS = {
    "obligation": _Kind("obligations", "text", "x.document_id", "x.id", "x.due", ("marking", "due_from")),
    "target": _Kind("targets", "sentence", "x.document_id", "x.obligation_id",
                    "(SELECT due FROM obligations WHERE id = x.obligation_id)",
                    ("indicator", "value", "value_max", "unit", "comparator", "change", "year")),
    "amount": _Kind("amounts", "sentence", "x.document_id", "x.obligation_id",
                    "(SELECT due FROM obligations WHERE id = x.obligation_id)",
                    ("value_yuan", "value_yuan_max", "recurrence", "role", "purpose", "payer")),
    "deadline": _Kind("deadlines", "sentence", "x.document_id", "x.obligation_id", "x.date",
                      ("date", "recurrence", "kind")),
    "document": _Kind("documents", "text", "x.id", None, None, ("path", "format", "issuer", "date_written")),
}


def city_variants(city: str) -> list[str]:
    """``包头`` and ``包头市`` both name 包头市; ``柳河`` and ``柳河县`` name 柳河县."""
    base = re.sub(r"(市|盟|地区|自治州|县|区|旗)$", "", city.strip())
    return [base, *(base + s for s in ("市", "盟", "地区", "自治州", "县", "区", "旗"))]


def department_key(query: str) -> str:
    """The canonical body of a department given by alias or name, without its level word."""
    from .departments import canonical

    name = canonical(query.strip()).canonical
    for level in sorted(LEVELS, key=len, reverse=True):
        if name.startswith(level) and len(name) > len(level) + 1:
            return name[len(level):]
    return name


def expand_paths(arguments: Iterable[str]) -> list[str]:
    """Files named by arguments: files as given, folders recursively, globs expanded.

    In folders only supported suffixes are kept, plus .doc/.wps/.ofd so they are
    reported; a glob that matches nothing is kept as given (it fails as missing).
    """
    paths: list[str] = []
    for arg in arguments:
        if arg == "-":
            paths.append(arg)
            continue
        p = Path(arg)
        try:
            is_dir = p.is_dir()
        except OSError:  # under a folder that cannot be read: reported when its turn comes
            paths.append(arg)
            continue
        if is_dir:  # a subfolder that cannot be read is listed, to be reported as such
            found = [Path(folder) / name for folder, _, names in os.walk(p, onerror=lambda e: paths.append(e.filename))
                     for name in names if not name.startswith(".")
                     and Path(name).suffix.lower() in SUPPORTED + REPORTED_IN_FOLDERS]
            paths.extend(str(child) for child in sorted(found) if child.is_file())
        elif not p.exists() and glob.has_magic(arg):
            matches = sorted(map(str, _glob(p)))
            paths.extend(expand_paths(matches) if matches else [arg])
        else:
            paths.append(arg)
    return paths


def _glob(pattern: Path) -> Iterator[Path]:
    """Paths matching a glob; ``**`` does not descend into linked folders (a link loop would never end)."""
    parts = pattern.parts
    first = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = Path(*parts[:first]) if first else Path(".")
    return base.glob(str(Path(*parts[first:])))


def _alive(pid: int | None) -> bool:
    """Whether a process of this machine is still running (a run's writer)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ------------------------------------------------------------ catalog ------

class NotACatalog(Exception):
    """A file given as the catalog that is not one (and is left untouched)."""


#: PRAGMA application_id of a policy catalog ("Polx").
APPLICATION_ID = 0x506F6C78


def _check_catalog_file(path: Path, create: bool) -> None:
    """Refuse, before SQLite touches it, a catalog path that is a folder, an empty file when not creating, or a
    file that does not start like a SQLite database."""
    if path.is_dir():
        raise NotACatalog(f"{path}: is a folder, not a catalog file")
    if not path.exists():
        return
    with path.open("rb") as f:
        head = f.read(16)
    if not head and not create:
        raise NotACatalog(f"{path}: an empty file, not a catalog (run 'ingest' to make one)")
    if head and head != b"SQLite format 3\x00":
        raise NotACatalog(f"{path}: not a SQLite database")


def _identify(path: str | Path) -> tuple[str, str]:
    """The content hash and the catalog key (resolved path) of a file; raises InputError when unreadable."""
    from .readers import read

    p = Path(path)
    try:
        regular = p.is_file()
    except PermissionError:
        regular = False  # under a folder that cannot be read: read() says so
    if not regular or p.suffix.lower() in REPORTED_IN_FOLDERS:
        read(p)  # raises with the reason
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest(), path_text(p.resolve())
    except PermissionError:
        raise InputError("cannot be read (permission denied)") from None
    except OSError as exc:
        raise InputError(f"cannot read ({type(exc).__name__}: {exc})") from None


def _bug(exc: Exception) -> str:
    return f"extraction failed ({type(exc).__name__}: {exc})"


@dataclass
class Extracted:
    """One input file read and extracted away from the catalog: its path as shown, content hash, catalog key, and
    the slim document with its text signature, or the reason it failed."""

    path: str
    digest: str
    key: str
    document: Document | None
    signature: Any
    reason: str = ""


def extract_one(path: str, timeout: float | None) -> Extracted:
    """Identify, read and extract one file as an ingest worker does; never raises for bad input."""
    shown = path_text(path)
    try:
        digest, key = _identify(path)
    except InputError as exc:
        return Extracted(shown, "", "", None, None, str(exc))
    document, sig, reason = _extract(path, timeout)
    return Extracted(shown, digest, key, document, sig, reason)


def _extract(path: str, timeout: float | None) -> tuple[Document | None, Any, str]:
    """Read and process one file in a worker: the document and its text signature, or the reason it failed."""
    from .identity import signature
    from .pipeline import extract_file

    try:
        document = extract_file(path, timeout)
        document.index = fts.document_terms(document)
        # the writer needs neither the tokens (indexed above), the paragraphs, the offset map nor the source text
        slim = replace(document, tokens=[], paragraphs=[], mapped=Mapped(document.text, []),
                       source=replace(document.source, text=""))
        return slim, signature(document.text), ""
    except InputError as exc:
        return None, None, str(exc)
    except Exception as exc:  # a pipeline bug must not stop the run
        return None, None, _bug(exc)


class Owners:
    """The obligation that contains an offset, found by bisection over the obligations' spans."""

    def __init__(self, spans: list[tuple[int, int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s[0] for s in self.spans]

    def __call__(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.spans[i][2] if i >= 0 and offset < self.spans[i][1] else None


class Catalog:
    """A policy catalog in one SQLite file."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.conn = db.conn
        self._bodies: dict[tuple[str, str], int] = {}
        self._group = False  # an ingest batch holds a transaction that groups whole notices
        self._fts_notice: dict[int, list[fts.Row]] = {}  # index rows of the notice being written
        self._fts_group: dict[int, list[fts.Row]] = {}  # index rows of the group's written notices
        #: Seconds one file may take to read and extract (None: no limit).
        self.timeout: float | None = None

    @classmethod
    def open(cls, path: str | Path = DEFAULT_PATH, create: bool = True) -> "Catalog":
        """Open (creating the folder, file and schema as needed) and migrate to the current version.

        A file that is not a catalog is never written: not SQLite, another application's database, or (unless
        ``create``) an empty file raise :class:`NotACatalog`.
        """
        path = Path(path)
        _check_catalog_file(path, create)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            new = not conn.execute("PRAGMA page_count").fetchone()[0]
            if not new and conn.execute("PRAGMA application_id").fetchone()[0] not in (0, APPLICATION_ID):
                raise NotACatalog(f"{path}: another application's SQLite database, not a policy catalog")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not new and not version and conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchone()[0]:
                raise NotACatalog(f"{path}: a SQLite database with tables of its own, not a policy catalog")
            if not create and not version:
                raise NotACatalog(f"{path}: not a catalog yet (run 'ingest' to make one)")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise NotACatalog(f"{path}: not a SQLite database ({exc})") from None
        except NotACatalog:
            conn.close()
            raise
        if new:
            conn.execute("PRAGMA encoding = 'UTF-16le'")  # a new file: Chinese text in 2 bytes a character, not 3
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.enable_wal()
        # in WAL mode a commit stays atomic and the file consistent without an fsync per notice
        db.execute("PRAGMA synchronous = NORMAL")
        catalog = cls(db)
        catalog.migrate()
        return catalog

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Catalog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        """Run the migrations the file has not had yet, each in its own transaction."""
        while self.version < SCHEMA_VERSION:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                version = self.version  # another process may have migrated meanwhile
                if version < SCHEMA_VERSION:
                    MIGRATIONS[version](self.db)
                    self.conn.execute(f"PRAGMA user_version = {version + 1}")

    def counts(self) -> dict[str, int]:
        """Rows per table (FTS shadow tables left out)."""
        return {t: self.db[t].count for t in self.db.table_names() if "_fts" not in t}

    # -------------------------------------------------------- ingest ------

    def start_run(self, arguments: Iterable[str]) -> int:
        """Record a new run; earlier runs left unfinished by a process that is gone are marked interrupted."""
        with self.conn:
            for run_id, pid in self.conn.execute("SELECT id, pid FROM runs WHERE finished_at IS NULL").fetchall():
                if not _alive(pid):
                    self.conn.execute("UPDATE runs SET finished_at = ?, interrupted = 1 WHERE id = ?", [_now(), run_id])
            return self.db["runs"].insert({"started_at": _now(), "arguments": " ".join(arguments),
                                           "pid": os.getpid()}).last_pk

    def finish_run(self, run_id: int, summary: Summary) -> None:
        """Close a run: link the notices it brought in to their parents, and record its totals."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.link([r[0] for r in self.conn.execute(
                "SELECT id FROM documents WHERE run_id = ? UNION SELECT document_id FROM sources WHERE run_id = ?",
                [run_id, run_id])])
            self.refresh_rollups()
            for kind in ("obligations", "targets", "amounts", "deadlines"):
                setattr(summary, kind, self.conn.execute(
                    f"SELECT count(*) FROM {kind} WHERE document_id IN (SELECT id FROM documents WHERE run_id = ?)",
                    [run_id]).fetchone()[0])
            summary.one_off_yuan, summary.yearly_yuan = self.conn.execute(
                """SELECT coalesce(sum(value_yuan) FILTER (WHERE kind = 'lump'), 0),
                          coalesce(sum(value_yuan) FILTER (WHERE kind = 'yearly'), 0)
                   FROM amounts WHERE role = 'funding' AND document_id IN (SELECT id FROM documents WHERE run_id = ?)""",
                [run_id]).fetchone()
            values = {k: v for k, v in asdict(summary).items()
                      if k not in ("failures", "empty", "one_off_yuan", "yearly_yuan")}
            self.db["runs"].update(run_id, {**values, "failed": len(summary.failures), "finished_at": _now()})

    def refresh_rollups(self) -> None:
        """Bring the per-place rollups up to date (inside a transaction): places that only gained notices merge
        the new notices' rows; places that lost or replaced one are rebuilt."""
        from .compare import rollup

        stale = self.conn.execute("SELECT province, city, county, document_id FROM stale_places").fetchall()
        rebuild = {r[:3] for r in stale if r[3] is None}
        added = {r[3] for r in stale if r[3] is not None and r[:3] not in rebuild}
        if rebuild:
            rollup.refresh(self.db, rebuild)
        if added:
            rollup.add(self.db, added)
        self.conn.execute("DELETE FROM stale_places")

    def _stale(self, doc_id: int, added: bool = False) -> None:
        """Mark a document's place for the next rollup refresh: the document was added, or removed/replaced."""
        self.conn.execute("INSERT INTO stale_places SELECT province, city, county, ? FROM documents WHERE id = ?",
                          [doc_id if added else None, doc_id])

    def link(self, document_ids: list[int]) -> None:
        """Resolve citations and (re)build lineage links around these documents (inside a transaction)."""
        from .lineage import link

        link(self.db, document_ids)

    def record_failure(self, run_id: int, path: str, reason: str) -> None:
        with self._transaction():
            self._write("failures", [{"run_id": run_id, "path": path, "reason": reason, "at": _now()}])

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One notice's writes, all or nothing: its own transaction, or a savepoint inside the group of
        notices an ingest batch commits together."""
        if not self._group:
            with self.conn:
                self.conn.execute("BEGIN IMMEDIATE")
                yield
            return
        self.conn.execute("SAVEPOINT notice")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO notice")
            self.conn.execute("RELEASE notice")
            self._fts_notice.clear()
            raise
        self.conn.execute("RELEASE notice")
        self._fts_group.update(self._fts_notice)  # indexed when the group commits
        self._fts_notice.clear()

    def ingest(self, paths: Iterable[str], run_id: int, stdin: bytes | None = None,
               name: str | None = None, jobs: int = 1) -> Iterator[Outcome]:
        """Ingest each path (``-`` is ``stdin``); failures are recorded and yielded, never raised.

        With ``jobs`` > 1, worker processes read and extract the files the catalog does not hold yet while
        this process writes each notice whole (see :meth:`_transaction`), in the order given (so the catalog is the
        same as with one job).
        """
        paths = list(paths)
        extracted = self._extract_ahead(paths, jobs) if jobs > 1 else iter(())
        ahead = next(extracted, None)
        with self._grouped() as written:
            for path in paths:
                outcome, ahead = self._ingest_one(path, run_id, stdin, name, ahead, extracted)
                written()
                yield outcome

    def ingest_extracted(self, records: Iterable[Extracted], run_id: int) -> Iterator[Outcome]:
        """Ingest files read and extracted elsewhere (a cluster's shards), in the order given, exactly as
        :meth:`ingest` would have stored them; failures are recorded and yielded."""
        with self._grouped() as written:
            for r in records:
                if r.reason:
                    outcome = Outcome(r.path, "failed", reason=r.reason)
                    self.record_failure(run_id, r.path, r.reason)
                else:
                    outcome = self._ingest(r.digest, r.key, lambda: r.document, run_id, r.path, r.signature)
                written()
                yield outcome

    def write(self, items: Iterable[tuple[Document, str, str, Any]], run_id: int | None = None) -> Iterator[Outcome]:
        """Store extracted documents ``(document, digest, path, signature)`` as ingest does: each notice whole,
        notices committed in groups."""
        with self._grouped() as written:
            for document, digest, path, sig in items:
                outcome = self.ingest_document(document, digest, path, run_id, sig=sig)
                written()
                yield outcome

    @contextlib.contextmanager
    def _grouped(self) -> Iterator[Callable[[], None]]:
        """A transaction committed every :data:`GROUP_NOTICES` notices or :data:`GROUP_SECONDS`; the function it
        yields is called after each notice."""
        self.conn.execute("BEGIN IMMEDIATE")
        self._group, opened, pending = True, time.monotonic(), 0

        def written() -> None:
            nonlocal opened, pending
            pending += 1
            if pending >= GROUP_NOTICES or time.monotonic() - opened > GROUP_SECONDS:
                self._commit_group()
                self.conn.execute("BEGIN IMMEDIATE")
                opened, pending = time.monotonic(), 0

        try:
            yield written
        finally:
            self._commit_group()
            self._group = False

    def _commit_group(self) -> None:
        """Index the group's notices in one pass (FTS5 flushes once) and commit them."""
        fts.add(self.conn, (row for rows in self._fts_group.values() for row in rows))
        self._fts_group.clear()
        self.conn.commit()

    def _ingest_one(self, path: str, run_id: int, stdin: bytes | None, name: str | None, ahead: Any,
                    extracted: Iterator[Any]) -> tuple[Outcome, Any]:
        """Ingest one path of a batch (extracted ahead by a worker when ``ahead`` is its result)."""
        shown = path_text(path)
        try:
            if path == "-":
                outcome = self.ingest_bytes(stdin or b"", name or "stdin", run_id)
            elif ahead is not None and ahead[0] == path:
                _, digest, key, (document, sig, reason) = ahead
                ahead = next(extracted, None)
                if reason:
                    raise InputError(reason)
                outcome = self._ingest(digest, key, lambda: document, run_id, shown, sig)
            else:
                outcome = self.ingest_file(path, run_id)
        except InputError as exc:
            outcome = Outcome(shown, "failed", reason=str(exc))
        except Exception as exc:  # a pipeline bug must not stop the run
            outcome = Outcome(shown, "failed", reason=_bug(exc))
        if outcome.status == "failed":
            self.record_failure(run_id, shown, outcome.reason)
        return outcome, ahead

    def _extract_ahead(self, paths: list[str], jobs: int) -> Iterator[tuple[str, str, str, tuple[Any, Any, str]]]:
        """``(path, digest, key, (document, signature, failure))`` for the files not in the catalog yet, in
        order, extracted by ``jobs`` worker processes."""
        import multiprocessing

        from .departments import lexicon
        from .identity import signature
        from .tokens import tokenize

        def unknown() -> Iterator[tuple[str, str, str]]:
            """The files whose content the catalog does not hold, checked as the batch goes."""
            for path in paths:
                try:
                    digest, key = _identify(path) if path != "-" else ("", "")
                except InputError:
                    continue  # reported when its turn comes
                if path != "-" and not self._source("path = ? AND hash = ?", key, digest) \
                        and not self._source("hash = ?", digest):
                    yield path, digest, key

        waiting = unknown()
        first = list(itertools.islice(waiting, 2))
        if len(first) < 2:  # one file or none to extract: the writer reads it itself
            return
        waiting = itertools.chain(first, waiting)
        lexicon(), tokenize(""), signature("")  # loaded once here, shared with the forked workers
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending: collections.deque[Any] = collections.deque()
            for item in itertools.islice(waiting, IN_FLIGHT * jobs):
                pending.append((item, pool.apply_async(_extract, (item[0], self.timeout))))
            while pending:  # at most IN_FLIGHT documents per worker wait for the writer: memory stays flat
                (path, digest, key), result = pending.popleft()
                for item in itertools.islice(waiting, 1):
                    pending.append((item, pool.apply_async(_extract, (item[0], self.timeout))))
                yield path, digest, key, result.get()

    def ingest_file(self, path: str | Path, run_id: int | None = None) -> Outcome:
        """Ingest one file; raises InputError when it cannot be read."""
        from .pipeline import extract_file

        digest, key = _identify(path)
        return self._ingest(digest, key, lambda: extract_file(path, self.timeout), run_id, path_text(path))

    def ingest_bytes(self, data: bytes, name: str, run_id: int | None = None) -> Outcome:
        """Ingest one notice given as bytes (standard input)."""
        digest = hashlib.sha256(data).hexdigest()
        from .pipeline import process
        from .readers import read_bytes

        def make() -> Document:
            document = process(read_bytes(data, name))
            if not document.metadata.title:  # the name the user gave is its title
                document.metadata.title = Path(name).stem
            return document

        return self._ingest(digest, f"<stdin>/{name}", make, run_id, name)

    def _source(self, sql: str, *params: Any) -> dict[str, Any] | None:
        rows = list(self.db.query(f"SELECT * FROM sources WHERE {sql}", params))
        return rows[0] if rows else None

    def _ingest(self, digest: str, key: str, make: Callable[[], Document], run_id: int | None,
                shown: str, sig: Any = None) -> Outcome:
        """Add a copy at ``key``: unchanged, a new source of a known notice (merged), or a new notice (added)."""
        at_key = self._source("path = ?", key)
        if at_key and at_key["hash"] == digest:
            return Outcome(shown, "unchanged", at_key["document_id"])
        if not at_key and (same := self._source("hash = ?", digest)):
            with self._transaction():
                self._add_source(same["document_id"], digest, key, same["format"], same["name"], same["encoding"],
                                 run_id)
                self._stale(same["document_id"])  # its place counts one more copy
            return Outcome(shown, "merged", same["document_id"])
        return self.ingest_document(make(), digest, key, run_id, shown, sig)

    def ingest_document(self, document: Document, digest: str, path: str, run_id: int | None = None,
                        shown: str | None = None, sig: Any = None) -> Outcome:
        """Store one extracted copy in one transaction: a new notice, or a new source of the notice it copies."""
        from .identity import Identity, format_rank, query_bands, same_notice, signature

        shown = shown or path
        sig = signature(document.text) if sig is None else sig
        with self._transaction():
            old = self._source("path = ?", path)
            if old and old["hash"] == digest:
                return Outcome(shown, "unchanged", old["document_id"])
            if old and not self.conn.execute("SELECT 1 FROM sources WHERE document_id = ? AND id != ?",
                                             [old["document_id"], old["id"]]).fetchone():
                # the one file of a notice changed: read again into the same record (its links and an analyst's
                # corrections stay with it)
                self.db.execute("DELETE FROM sources WHERE id = ?", [old["id"]])
                self.delete_document(old["document_id"], keep_row=True)
                outcome = self._insert(document, digest, path, run_id, sig, doc_id=old["document_id"])
                self._add_source(outcome.document_id, digest, path, document.source.format,
                                 document.source.name or Path(path).name, document.source.encoding, run_id)
                outcome.path, outcome.status = shown, "replaced"
                return outcome
            if old:
                self._drop_source(old)
            meta, source = document.metadata, document.source
            mine = Identity(meta.doc_number, meta.title, meta.issuer, meta.city, meta.county, sig.tobytes())
            candidates = self._copy_candidates(meta.doc_number, meta.title,
                                               query_bands(sig, meta.county, meta.doc_number, meta.title),
                                               meta.city, meta.county)
            match = next((c["id"] for c in candidates
                          if same_notice(mine, Identity.of(c))), None)
            status = "replaced" if old else "added"
            if match is None:
                outcome = self._insert(document, digest, path, run_id, sig)
            else:
                primary = self.db["documents"].get(match)
                if format_rank(source.format) <= format_rank(primary["format"]):
                    self.delete_document(match, keep_row=True)
                    outcome = self._insert(document, digest, path, run_id, sig, doc_id=match)
                else:
                    outcome = Outcome(path, "merged", match)
                    self._stale(match)  # its place counts one more copy
                status = "replaced" if old else "merged"
            self._add_source(outcome.document_id, digest, path, source.format, source.name or Path(path).name,
                             source.encoding, run_id)
        outcome.path, outcome.status = shown, status
        return outcome

    def _copy_candidates(self, doc_number: str | None, title: str | None, keys: list[int], city: str | None,
                         county: str | None) -> list[dict[str, Any]]:
        """Documents that may be copies: same doc number; or, where place and doc number allow it (see
        :func:`identity.same_notice`), same title or the most fingerprint bands shared (at most 20)."""
        from .identity import title_key

        columns = "id, doc_number, title, issuer, city, county, signature"
        found: dict[int, dict[str, Any]] = {}
        if doc_number:
            for r in self.db.query(f"SELECT {columns} FROM documents WHERE doc_number = ?", [doc_number]):
                found.setdefault(r["id"], r)
        possible = ("county IS :county AND (city IS NULL OR :city IS NULL OR city = :city) "
                    "AND (doc_number IS NULL OR :number IS NULL OR doc_number = :number)")
        place = {"county": county, "city": city, "number": doc_number}
        if title:
            for r in self.db.query(f"SELECT {columns} FROM documents WHERE id IN "
                                   f"(SELECT document_id FROM title_keys WHERE key = :key) AND {possible}",
                                   {**place, "key": title_key(title)}):
                found.setdefault(r["id"], r)
        bands = {f"b{i}": k for i, k in enumerate(keys)}
        for r in self.db.query(f"""SELECT {columns} FROM (
                                     SELECT document_id, count(*) AS shared FROM fingerprints
                                     WHERE band IN ({', '.join(':' + b for b in bands)}) GROUP BY document_id) bands
                                   CROSS JOIN documents ON documents.id = bands.document_id WHERE {possible}
                                   ORDER BY bands.shared DESC, documents.id LIMIT 20""", {**place, **bands}):
            found.setdefault(r["id"], r)
        return list(found.values())

    def _add_source(self, doc_id: int, digest: str, path: str, fmt: str, name: str | None, encoding: str | None,
                    run_id: int | None) -> None:
        self._write("sources", [{"document_id": doc_id, "hash": digest, "path": path, "format": fmt, "name": name,
                                 "encoding": encoding, "run_id": run_id, "ingested_at": _now()}])

    def _drop_source(self, source: dict[str, Any]) -> None:
        """Forget a copy whose file changed; a notice left without copies goes, one whose kept copy went is re-read."""
        from .identity import format_rank, signature

        self.db.execute("DELETE FROM sources WHERE id = ?", [source["id"]])
        doc_id = source["document_id"]
        rest = sorted(self.db.query("SELECT * FROM sources WHERE document_id = ?", [doc_id]),
                      key=lambda s: format_rank(s["format"]))
        primary = self.db["documents"].get(doc_id)
        if not rest:
            self.delete_document(doc_id)
        elif primary["hash"] == source["hash"]:
            for other in rest:
                from .pipeline import process
                from .readers import read

                try:
                    document = process(read(other["path"]))
                except (InputError, OSError):
                    continue
                self.delete_document(doc_id, keep_row=True)
                self._insert(document, other["hash"], other["path"], other["run_id"], signature(document.text),
                             doc_id=doc_id)
                return
            self.db["documents"].update(doc_id, {"hash": rest[0]["hash"], "path": rest[0]["path"],
                                                 "format": rest[0]["format"]})
        if rest:
            self._stale(doc_id)  # its place counts one copy fewer

    def delete_document(self, doc_id: int, keep_row: bool = False) -> None:
        """Delete every row extracted from a document, and unless ``keep_row`` the document and its sources
        (call inside a transaction)."""
        self._stale(doc_id)
        if self._fts_group.pop(doc_id, None) is None and self._fts_notice.pop(doc_id, None) is None:
            fts.remove(self.conn, doc_id)  # its rows are in the index (not waiting for the group's commit)
        obligation_ids = "SELECT id FROM obligations WHERE document_id = :id"
        bodies = [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT department_id FROM obligation_departments WHERE obligation_id IN ({obligation_ids})",
            {"id": doc_id})]
        self.db.execute(f"DELETE FROM obligation_departments WHERE obligation_id IN ({obligation_ids})", {"id": doc_id})
        for table in ("targets", "amounts", "deadlines", "citations", "obligations", "sections", "fingerprints",
                      "title_keys"):
            self.db.execute(f"DELETE FROM {table} WHERE document_id = ?", [doc_id])
        self.db.execute("DELETE FROM links WHERE child_id = ?", [doc_id])
        if not keep_row:
            self.db.execute("DELETE FROM corrections WHERE document_id = ?", [doc_id])
            self.db.execute("DELETE FROM links WHERE parent_id = ?", [doc_id])
            self.db.execute("UPDATE citations SET cited_document_id = NULL WHERE cited_document_id = ?", [doc_id])
            self.db.execute("DELETE FROM sources WHERE document_id = ?", [doc_id])
            self.db.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        self.conn.executemany("DELETE FROM departments WHERE id = ? AND NOT EXISTS "
                              "(SELECT 1 FROM obligation_departments WHERE department_id = ?)",
                              [(b, b) for b in bodies])
        self._bodies.clear()

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]

    def _write(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Insert rows of one table in one statement (a missing column is NULL)."""
        if rows:
            columns = list(dict.fromkeys(c for r in rows for c in r))
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(f'[{c}]' for c in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})", [tuple(r.get(c) for c in columns) for r in rows])

    def _body(self, canonical: str, city: str, function: str, level: str) -> int:
        """The id of a body in a city, added on first sight (cached per catalog)."""
        key = (canonical, city)
        if key not in self._bodies:
            row = self.conn.execute("SELECT id FROM departments WHERE canonical = ? AND city = ?", key).fetchone()
            self._bodies[key] = row[0] if row else self.conn.execute(
                "INSERT INTO departments (canonical, city, function, level) VALUES (?, ?, ?, ?)",
                [canonical, city, function, level]).lastrowid
        return self._bodies[key]

    def _insert(self, document: Document, digest: str, path: str, run_id: int | None, sig: Any,
                doc_id: int | None = None) -> Outcome:
        from .identity import bands, title_keys
        from .indicators import classify

        meta, source, text = document.metadata, document.source, document.text
        city = meta.city or ""
        row = {
            "hash": digest, "path": path, "format": source.format, "name": source.name or Path(path).name,
            "encoding": source.encoding, "title": meta.title, "doc_number": meta.doc_number, "issuer": meta.issuer,
            "city": meta.city, "province": meta.province, "county": meta.county, "level": meta.level,
            "date_written": meta.date_written, "date_published": meta.date_published, "validity": meta.validity,
            "index_number": meta.index_number, "topic": meta.topic, "text": text, "signature": sig.tobytes(),
            "run_id": run_id, "ingested_at": _now(),
            "pages": json.dumps(document.pages) if document.pages else None,
        }
        if doc_id is None:
            doc_id = self._next_id("documents")
            self._write("documents", [{"id": doc_id, **row}])
        else:
            self.conn.execute(f"UPDATE documents SET {', '.join(f'[{c}] = ?' for c in row)} WHERE id = ?",
                              [*row.values(), doc_id])
        self._stale(doc_id, added=True)
        self._write("fingerprints", [{"band": b, "document_id": doc_id}
                                     for b in bands(sig, meta.county, meta.doc_number, meta.title)])
        own_keys = title_keys(meta.title)
        self._write("title_keys", [{"key": k, "head": h, "document_id": doc_id} for k, h in own_keys])

        first = self._next_id("sections")
        section_ids: dict[str, int] = {}
        rows = []
        for i, s in enumerate(document.sections):
            section_ids.setdefault(s.path, first + i)
            rows.append({"id": first + i, "document_id": doc_id, "position": i,
                         "parent_id": None if s.parent is None else first + s.parent, "marker": s.marker,
                         "title": s.title, "level": s.level, "rank": s.rank, "path": s.path,
                         "start": s.start, "end": s.end, "body_start": s.body_start})
        self._write("sections", rows)

        first = self._next_id("obligations")
        obligations, links = [], []
        target_owner: dict[int, int] = {}
        amount_owner: dict[int, int] = {}
        for i, o in enumerate(document.obligations):
            oid = first + i
            obligations.append({
                "id": oid, "document_id": doc_id, "section_id": section_ids.get(o.section), "position": i,
                "section": o.section, "text": o.text.strip(), "marking": o.marking,
                "departments_as_written": "、".join(o.departments), "deadline": o.deadline,
                "deadlines": "、".join(o.deadlines), "start": o.start, "end": o.end, "due": o.due,
                "due_from": o.due_from})
            for t in o.targets:
                target_owner.setdefault(t, oid)
            for a in o.amounts:
                amount_owner.setdefault(a, oid)
            for position, unit in enumerate(o.units):
                links.append({"obligation_id": oid, "position": position, "name": unit.name, "role": unit.role,
                              "department_id": self._body(unit.canonical, city, unit.function, unit.level)})
        self._write("obligations", obligations)
        self._write("obligation_departments", links)
        owner_at = Owners([(o.start, o.end, first + i) for i, o in enumerate(document.obligations)])
        sentence_at = fts.Sentences(text, document.sentences)

        def item(x: Any, owner: int | None) -> dict[str, Any]:
            s_start, s_end = sentence_at.span(x)
            return {"document_id": doc_id, "obligation_id": owner, "section_id": section_ids.get(x.section),
                    "section": x.section, "text": x.text, "sentence": x.sentence, "start": x.start, "end": x.end,
                    "sentence_start": s_start, "sentence_end": s_end}

        ids = {t: self._next_id(t) for t in fts.ITEMS}
        items = {
            "targets": [{"id": ids["targets"] + i, **item(t, target_owner.get(i)), "indicator": t.indicator,
                         "value": t.value, "value_max": t.value_max, "unit": t.unit, "comparator": t.comparator,
                         "change": t.change, "year": t.year, **classify(t)} for i, t in enumerate(document.targets)],
            "amounts": [{"id": ids["amounts"] + i, **item(a, amount_owner.get(i)), "value_yuan": a.value_yuan,
                         "value_yuan_max": a.value_yuan_max, "recurrence": a.recurrence, "role": a.role,
                         "purpose": a.purpose, "payer": a.payer, "kind": a.kind, "unit": a.unit}
                        for i, a in enumerate(document.amounts)],
            "deadlines": [{"id": ids["deadlines"] + i, **item(d, owner_at(d.start)), "date": d.date,
                           "recurrence": d.recurrence, "kind": d.kind} for i, d in enumerate(document.deadlines)],
        }
        for table, values in items.items():
            self._write(table, values)
        self._write("citations", self.citation_rows(doc_id, meta, {k for k, _ in own_keys}))
        fts.ensure_current(self.conn)
        found = document.index or fts.terms(
            meta.title, document.tokens or tokenize(text), [(o["start"], o["end"]) for o in obligations],
            {t: [(r["sentence_start"], r["sentence_end"]) for r in values] for t, values in items.items()})
        rows = list(fts.rows(doc_id, found, {"obligations": [o["id"] for o in obligations],
                                             **{t: [r["id"] for r in values] for t, values in items.items()}}))
        corrected = self.conn.execute("SELECT 1 FROM corrections WHERE document_id = ? LIMIT 1", [doc_id]).fetchone()
        if self._group and not corrected:
            self._fts_notice[doc_id] = rows
        else:
            fts.add(self.conn, rows)
            self._apply_corrections(doc_id)  # an analyst's corrections outlive a re-ingest
        counts = {"obligations": len(obligations), "targets": len(document.targets), "amounts": len(document.amounts),
                  "deadlines": len(document.deadlines)}
        return Outcome(path, "added", doc_id, **counts, empty=not meta.title and not any(counts.values()))

    @staticmethod
    def citation_rows(doc_id: int, meta: Any, own_keys: set[str]) -> list[dict[str, Any]]:
        """Rows of the documents a notice cites by title or doc number; never the notice itself."""
        from .identity import title_keys

        rows, numbers = [], set()
        for c in meta.cited_documents:
            keys = title_keys(c.get("title"))
            number = c.get("doc_number")
            if (number and number == meta.doc_number) or (keys and keys[0][0] in own_keys):
                continue
            numbers.add(number)
            rows.append({"document_id": doc_id, "doc_number": number, "title": c.get("title"),
                         "start": c.get("start"), "end": c.get("end"),
                         "title_key": keys[0][0] if keys else None, "head": keys[0][1] if keys else None})
        rows += [{"document_id": doc_id, "doc_number": n} for n in meta.cited_doc_numbers if n not in numbers]
        return rows

    # -------------------------------------------------------- queries -----

    def find_documents(self, ref: str) -> list[dict[str, Any]]:
        """Documents named by id, hash prefix, doc number or title substring (best kind of match first)."""
        return find_documents(lambda sql, values: list(self.db.query(sql, values)), ref)

    def search(self, query: str = "", kind: str = "obligation", city: str | None = None,
               department: str | None = None, function: str | None = None, due_before: str | None = None,
               due_after: str | None = None, doc: str | None = None, limit: int | None = 20,
               mark: tuple[str, str] = ("[", "]")) -> list[Hit]:
        """Full-text search with filters; ranked by bm25 when there is a query, else in document order."""
        k, tokens = _KINDS.get(kind), query_words(query)[:MAX_QUERY_WORDS] if query.strip() else []
        if k is None:
            raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
        if query.strip() and not tokens:
            return []
        sql, params = self._search_sql(k, kind, tokens, city, department, function, due_before, due_after, doc,
                                       limit)
        rows = self._ranked(sql, params, f"{k.table}_fts", limit) if tokens else list(self.db.query(sql, params))
        departments = self._departments_of([r["owner"] for r in rows if r["owner"]])
        return [Hit(kind=kind, id=r["id"], document_id=r["doc_id"], title=r["doc_title"],
                    doc_number=r["doc_doc_number"], city=r["doc_city"], place=r["doc_place"], date=r["doc_date"],
                    section=r.get("section") or "", text=r[k.text] or "",
                    snippet=highlight(r[k.text] or "", tokens, mark=mark), deadline=r["due"], score=r["score"],
                    departments=departments.get(r["owner"], []), details={c: r[c] for c in k.details})
                for r in rows]

    def count(self, query: str = "", kind: str = "obligation", city: str | None = None,
              department: str | None = None, function: str | None = None, due_before: str | None = None,
              due_after: str | None = None, doc: str | None = None) -> tuple[int, bool]:
        """How many hits :meth:`search` has in all, and whether that is exact: a query with filters is counted
        over its newest :data:`COUNT_WINDOW` matches (a lower bound when it has more)."""
        k, tokens = _KINDS[kind], query_words(query)[:MAX_QUERY_WORDS] if query.strip() else []
        if query.strip() and not tokens:
            return 0, True
        filters = (city, department, function, due_before, due_after, doc)
        if tokens and not any(filters):  # every FTS match is a hit: counted in the index alone
            table = f"{k.table}_fts"
            return self.conn.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?",
                                     [fts_query(tokens)]).fetchone()[0], True
        sql, params = self._search_sql(k, kind, tokens, city, department, function, due_before, due_after, doc, None)
        floor = None
        if tokens:
            table = f"{k.table}_fts"
            floor = self.conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC "
                                      "LIMIT 1 OFFSET ?", [params["match"], COUNT_WINDOW - 1]).fetchone()
        found = self.conn.execute(f"SELECT count(*) FROM ({sql})", {**params, "floor": floor[0] if floor else 0})
        return found.fetchone()[0], floor is None

    def _search_sql(self, k: _Kind, kind: str, tokens: list[str], city: str | None, department: str | None,
                    function: str | None, due_before: str | None, due_after: str | None, doc: str | None,
                    limit: int | None) -> tuple[str, dict[str, Any]]:
        """The SQL of a search and its parameters (``:floor`` bounds the FTS rowids ranked)."""
        where: list[str] = []
        params: dict[str, Any] = {}
        source = f"{k.table} x"
        order = f"{k.document}, x.start" if kind != "document" else "x.id"
        score = "NULL"
        if city:
            variants = city_variants(city)
            names = ", ".join(f":city{i}" for i in range(len(variants)))
            where.append(f"(d.city IN ({names}) OR d.county IN ({names}))")
            params.update({f"city{i}": v for i, v in enumerate(variants)})
        owner = (f"od.obligation_id = {k.owner}" if k.owner else
                 "od.obligation_id IN (SELECT id FROM obligations WHERE document_id = x.id)")
        body = "SELECT 1 FROM obligation_departments od JOIN departments p ON p.id = od.department_id WHERE " + owner
        if department:
            where.append(f"EXISTS ({body} AND instr(p.canonical, :department) > 0)")
            params["department"] = department_key(department)
        if function:
            where.append(f"EXISTS ({body} AND p.function = :function)")
            params["function"] = function
        if due_before or due_after:
            due = k.due or "o.due"
            tests = [f"{due} GLOB '{_ISO_DATE}'"]
            if due_before:
                tests.append(f"{due} <= :before")
                params["before"] = due_before
            if due_after:
                tests.append(f"{due} >= :after")
                params["after"] = due_after
            test = " AND ".join(tests)
            where.append(test if k.due else f"EXISTS (SELECT 1 FROM obligations o WHERE o.document_id = x.id AND {test})")
        if doc:
            ids = [r["id"] for r in self.find_documents(doc)]
            where.append(f"d.id IN ({', '.join(map(str, ids)) or 'NULL'})")
        if tokens:  # ranked inside the FTS table; limited there too when nothing else filters
            params["match"] = fts_query(tokens)
            early = f" ORDER BY rank LIMIT {int(limit)}" if limit and not where else ""
            source = (f"(SELECT rowid AS id, rank FROM {k.table}_fts WHERE {k.table}_fts MATCH :match "
                      f"AND rowid >= :floor{early}) hits CROSS JOIN {k.table} x ON x.id = hits.id")
            score, order = "hits.rank", "hits.rank"
        due_col = k.due or "NULL"
        columns = "x.*" if kind != "document" else "x.id, x.title, x.text, x.path, x.format, x.issuer, x.date_written"
        sql = (f"SELECT {columns}, {k.document} AS doc_id, {k.owner or 'NULL'} AS owner, {due_col} AS due, "
               f"d.title AS doc_title, d.doc_number AS doc_doc_number, d.city AS doc_city, {PLACE} AS doc_place, "
               f"d.date_written AS doc_date, {score} AS score "
               f"FROM {source} JOIN documents d ON d.id = {k.document} "
               + (f"WHERE {' AND '.join(where)} " if where else "") + f"ORDER BY {order}"
               + (" LIMIT :limit" if limit else ""))
        if limit:
            params["limit"] = limit
        return sql, params

    def _ranked(self, sql: str, params: dict[str, Any], table: str, limit: int | None) -> list[dict[str, Any]]:
        """Run a ranked search over the newest :data:`RANK_WINDOW` matches, widened (x8) until it yields
        ``limit`` hits or covers every match: a word found in a third of the catalog is not scored row by row."""
        window = RANK_WINDOW
        while True:
            floor = self.conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC "
                                      "LIMIT 1 OFFSET ?", [params["match"], window - 1]).fetchone() if limit else None
            rows = list(self.db.query(sql, {**params, "floor": floor[0] if floor else 0}))
            if floor is None or len(rows) >= limit:
                return rows
            window *= 8

    def _departments_of(self, obligation_ids: list[int]) -> dict[int, list[dict[str, str]]]:
        """Departments of each obligation, lead first, in the order written."""
        found: dict[int, list[dict[str, str]]] = {}
        if not obligation_ids:
            return found
        sql = f"""SELECT od.obligation_id, od.name, p.canonical, p.function, od.role
                  FROM obligation_departments od JOIN departments p ON p.id = od.department_id
                  WHERE od.obligation_id IN ({', '.join(map(str, set(obligation_ids)))})
                  ORDER BY od.obligation_id, od.role != 'lead', od.position"""
        for r in self.db.query(sql):
            found.setdefault(r.pop("obligation_id"), []).append(r)
        return found

    def document(self, doc_id: int) -> dict[str, Any]:
        """One document with everything extracted from it."""
        doc = self.db["documents"].get(doc_id)
        doc.pop("signature")
        by_doc = {"document_id": doc_id}
        obligations = list(self.db.query(
            "SELECT id, section, text, marking, deadline, deadlines FROM obligations "
            "WHERE document_id = :document_id ORDER BY position", by_doc))
        departments = self._departments_of([o["id"] for o in obligations])
        for o in obligations:
            o["departments"] = departments.get(o["id"], [])
        return {
            "document": doc,
            "sources": list(self.db.query("SELECT path, format, hash, ingested_at FROM sources "
                                          "WHERE document_id = :document_id ORDER BY path", by_doc)),
            "sections": list(self.db.query("SELECT id, parent_id, marker, title, level, path FROM sections "
                                           "WHERE document_id = :document_id ORDER BY position", by_doc)),
            "obligations": obligations,
            **{table: list(self.db.query(f"SELECT {columns} FROM {table} WHERE document_id = :document_id "
                                         "ORDER BY start", by_doc))
               for table, columns in (
                   ("targets", "id, obligation_id, section, indicator, value, value_max, unit, comparator, year, text"),
                   ("amounts", "id, obligation_id, section, value_yuan, value_yuan_max, recurrence, role, purpose, text"),
                   ("deadlines", "id, obligation_id, section, date, recurrence, kind, text"))},
            "citations": list(self.db.query(
                "SELECT c.doc_number, c.title, c.cited_document_id, d.title AS cited_title FROM citations c "
                "LEFT JOIN documents d ON d.id = c.cited_document_id WHERE c.document_id = :document_id "
                "ORDER BY c.start IS NULL, c.start", by_doc)),
        }

    def contract(self, doc_id: int) -> dict[str, Any]:
        """A stored notice as the extraction contract's JSON (``extract --format json``): metadata and items,
        corrections included, each item with its catalog ``id``."""
        q = self.conn.execute
        title, number, city, province, date = q("SELECT title, doc_number, city, province, date_written FROM "
                                                "documents WHERE id = ?", [doc_id]).fetchone()
        cited = [r[0] for r in q("SELECT doc_number FROM citations WHERE document_id = ? AND doc_number IS NOT NULL "
                                 "ORDER BY start IS NULL, start", [doc_id])]
        out: dict[str, Any] = {"metadata": {"title": title, "doc_number": number, "city": city, "province": province,
                                            "date_written": date, "cited_doc_numbers": list(dict.fromkeys(cited))}}
        for table, columns in CONTRACT.items():
            cursor = q(f'SELECT id, {", ".join(f"[{c}]" for c in columns)} FROM {table} WHERE document_id = ? '
                       "ORDER BY start", [doc_id])
            names = [c[0] for c in cursor.description]
            out[table] = [dict(zip(names, row)) for row in cursor.fetchall()]
        names = {}
        for oid, name in q("SELECT od.obligation_id, od.name FROM obligation_departments od JOIN obligations o "
                           "ON o.id = od.obligation_id WHERE o.document_id = ? ORDER BY od.position", [doc_id]):
            names.setdefault(oid, []).append(name)
        for o in out["obligations"]:
            o["departments"] = names.get(o["id"], [])
        return out

    def correct(self, doc_id: int, removed: list[dict[str, Any]], added: list[dict[str, Any]]) -> None:
        """Record an analyst's corrections of a notice (items ``{kind, text, start, end}`` marked wrong or added)
        and apply them over its extracted rows."""
        with self._transaction():
            self._write("corrections", [{"document_id": doc_id, "kind": c["kind"], "action": action,
                                         "text": c["text"], "start": c["start"], "end": c["end"], "at": _now()}
                                        for action, items in (("remove", removed), ("add", added)) for c in items])
            self._apply_corrections(doc_id)

    def _apply_corrections(self, doc_id: int) -> None:
        """Apply a notice's recorded corrections over its rows (after ingest, and again after a re-ingest):
        wrong items go, added ones come in marked ``reviewed = 'added'``; its index rows and place follow."""
        rows = self.conn.execute("SELECT kind, action, text, start, \"end\" FROM corrections WHERE document_id = ? "
                                 "ORDER BY id", [doc_id]).fetchall()
        if not rows:
            return
        fts.remove(self.conn, doc_id)
        text = self.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0] or ""
        for kind, action, item, start, end in rows:
            if kind == "department":
                owner = self.conn.execute('SELECT id FROM obligations WHERE document_id = ? AND start <= ? AND "end" > ? '
                                          "ORDER BY start DESC LIMIT 1", [doc_id, start, start]).fetchone()
                if owner and action == "remove":
                    self.conn.execute("DELETE FROM obligation_departments WHERE obligation_id = ? AND name LIKE '%' || ?",
                                      [owner[0], item])
                elif owner:
                    from .departments import canonical

                    unit = canonical(item)
                    position = self.conn.execute("SELECT coalesce(max(position), -1) + 1 FROM obligation_departments "
                                                 "WHERE obligation_id = ?", [owner[0]]).fetchone()[0]
                    city = self.conn.execute("SELECT city FROM documents WHERE id = ?", [doc_id]).fetchone()[0] or ""
                    self._write("obligation_departments", [{
                        "obligation_id": owner[0], "position": position, "name": item, "role": "joins",
                        "department_id": self._body(unit.canonical, city, unit.function, unit.level)}])
                continue
            table = {"target": "targets", "amount": "amounts", "deadline": "deadlines"}[kind]
            if action == "remove":
                self.conn.execute(f'DELETE FROM {table} WHERE document_id = ? AND start = ? AND "end" = ? AND text = ?',
                                  [doc_id, start, end, item])
            elif text[start:end] == item and not self.conn.execute(
                    f'SELECT 1 FROM {table} WHERE document_id = ? AND start = ? AND "end" = ?', [doc_id, start, end]
            ).fetchone():  # added where the text still reads so, and not extracted meanwhile: read as ingest would
                from .pipeline import read_item

                written = self.conn.execute("SELECT coalesce(date_written, date_published) FROM documents WHERE id = ?",
                                            [doc_id]).fetchone()[0]
                self._write(table, [{"id": self._next_id(table), "document_id": doc_id, "text": item, "start": start,
                                     "end": end, "sentence": item, "sentence_start": start, "sentence_end": end,
                                     "reviewed": "added", **read_item(kind, text, start, end, written)}])
        fts.add(self.conn, fts.stored_rows(self.conn, doc_id))
        self._stale(doc_id)

    def departments(self, city: str | None = None, function: str | None = None) -> list[dict[str, Any]]:
        """Bodies per city with how many obligations each leads and joins."""
        where, params = [], {}
        if city:
            variants = city_variants(city)
            where.append(f"p.city IN ({', '.join(f':city{i}' for i in range(len(variants)))})")
            params.update({f"city{i}": v for i, v in enumerate(variants)})
        if function:
            where.append("p.function = :function")
            params["function"] = function
        return list(self.db.query(f"""
            SELECT p.id, p.city, p.canonical, p.function, p.level,
                   count(DISTINCT CASE WHEN od.role = 'lead' THEN od.obligation_id END) AS leads,
                   count(DISTINCT CASE WHEN od.role != 'lead' THEN od.obligation_id END) AS joins
            FROM departments p JOIN obligation_departments od ON od.department_id = p.id
            {'WHERE ' + ' AND '.join(where) if where else ''}
            GROUP BY p.id ORDER BY p.city, leads DESC, joins DESC, p.canonical""", params))

    def lineage(self, children: str | None = None, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Every written or inferred link: parent (doc number, else title), child, place, level, date, how found
        (``children``: a subquery of the child ids to keep, with its ``params``)."""
        return list(self.db.query(lineage_sql(children), params))

    def failures(self, run_id: int | None = None) -> list[dict[str, Any]]:
        """Files that failed (in one run, or in the latest run that had any)."""
        if run_id is None:
            row = self.conn.execute("SELECT max(run_id) FROM failures").fetchone()
            run_id = row[0]
        return list(self.db.query("SELECT run_id, path, reason, at FROM failures WHERE run_id = ? ORDER BY id", [run_id]))

    def browse_metadata(self, name: str, public: bool = False) -> dict[str, Any]:
        """Datasette metadata for this catalog (database ``name``): table descriptions, label columns, facets,
        hidden tables, canned queries (see ``patterns/catalog.toml``). ``public``: arbitrary SQL off and the tables
        of runs, failures and file copies closed."""
        data = toml("catalog")
        tables: dict[str, dict[str, Any]] = {t: {"description": text} for t, text in data["tables"].items()}
        for table, shown in data["display"].items():
            tables.setdefault(table, {}).update(shown)
        for table in fts.TABLES:
            tables[table].update({"fts_table": f"{table}_fts", "fts_pk": "id"})
        database: dict[str, Any] = {"queries": data["queries"], "tables": tables}
        if public:
            database["allow_sql"] = False
            for table in ("runs", "failures", "sources", "corrections"):
                tables.setdefault(table, {}).update({"allow": False, "hidden": True})
        return {"title": data["title"], "databases": {name: database}}

    def publish(self, path: Path) -> None:
        """A copy of the catalog without what only this machine should know: file paths (a file's name stays),
        run command lines and failures."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        self.conn.execute("VACUUM INTO ?", [str(path)])
        copy = sqlite3.connect(path)
        try:
            with copy:
                copy.execute("UPDATE documents SET path = name")
                copy.execute("UPDATE sources SET path = name")
                copy.execute("UPDATE runs SET arguments = NULL")
                copy.execute("DELETE FROM failures")
            copy.execute("VACUUM")  # nothing of the removed text left in free pages
        finally:
            copy.close()
