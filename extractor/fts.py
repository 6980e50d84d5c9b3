"""The catalog's full-text index: contentless FTS5 tables fed from the pipeline's one segmentation pass.

Each searchable table (``documents``, ``obligations``, ``targets``, ``amounts``, ``deadlines``) has a
``<table>_fts`` FTS5 table holding only the index (``content=''``, and ``detail=column``: no word positions,
as every query term is one word): no second copy of any text is stored. A row
is indexed under its id with the terms of the tokens inside its span: a document's title and text, an
obligation's span, an item's sentence (``sentence_start``/``sentence_end``). The same function rebuilds those
terms from the stored text when a document is deleted, so the exact terms can be withdrawn; the segmenter's
fingerprint is kept in ``settings`` and a change of lexicon rebuilds the whole index once.
"""
from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from .tokens import Spans, Token, fingerprint, index_text, tokenize

TABLES = ("documents", "obligations", "targets", "amounts", "deadlines")
ITEMS = ("targets", "amounts", "deadlines")
#: A row of an FTS table: (table, rowid, terms).
Row = tuple[str, int, str]
#: Index terms of one document by table, in document order (``documents``: one string, title and text).
Terms = dict[str, list[str]]


def sentence_span(text: str, start: int, sentence: str | None) -> tuple[int, int]:
    """Where an item's sentence stands in the text: the occurrence nearest before the item."""
    if sentence:
        at = text.rfind(sentence, 0, start + len(sentence))
        if at < 0:
            at = text.find(sentence)
        if at >= 0:
            return at, at + len(sentence)
    return start, start


class Sentences:
    """Where an item's sentence stands in the text (its sentence unit, found by bisection)."""

    def __init__(self, text: str, sentences: list[Any]) -> None:
        self.text, self.sentences = text, sentences
        self.starts = [s.start for s in sentences]

    def span(self, item: Any) -> tuple[int, int]:
        if not item.sentence:
            return item.start, item.end
        i = bisect.bisect_right(self.starts, item.start) - 1
        if i >= 0 and self.sentences[i].text == item.sentence:
            return self.sentences[i].start, self.sentences[i].end
        return sentence_span(self.text, item.start, item.sentence)


def create(conn: sqlite3.Connection) -> None:
    """The contentless FTS5 tables and the settings table (inside a migration)."""
    for table in TABLES:
        conn.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5(text_seg, content='', detail=column, "
                     "tokenize='unicode61')")
    conn.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT)")


def terms(title: str | None, tokens: list[Token], obligations: Iterable[tuple[int, int]],
          items: dict[str, Iterable[tuple[int, int]]]) -> Terms:
    """Index terms of one document: its title and text, each obligation ``(start, end)`` and each item's
    sentence ``(sentence_start, sentence_end)`` by table."""
    spans = Spans(tokens)
    text = index_text(tokens)
    found: Terms = {"documents": [index_text(tokenize(title)) + " " + text if title else text],
                    "obligations": [index_text(spans.within(start, end)) for start, end in obligations]}
    for table, spans_of in items.items():
        found[table] = [index_text(spans.within(start, end)) for start, end in spans_of]
    return found


def document_terms(document: Any) -> Terms:
    """Index terms of a processed document (in a worker, so the writer only stores them)."""
    sentence_at = Sentences(document.text, document.sentences)
    return terms(document.metadata.title, document.tokens or tokenize(document.text),
                 [(o.start, o.end) for o in document.obligations],
                 {t: [sentence_at.span(x) for x in getattr(document, t)] for t in ITEMS})


def rows(doc_id: int, found: Terms, ids: dict[str, list[int]]) -> Iterator[Row]:
    """FTS rows of one document: its terms under the row ids of each table."""
    yield "documents", doc_id, found["documents"][0]
    for table, values in ids.items():
        yield from ((table, rowid, t) for rowid, t in zip(values, found[table], strict=True))


def add(conn: sqlite3.Connection, found: Iterable[Row]) -> None:
    """Index these rows."""
    by_table: dict[str, list[tuple[int, str]]] = {}
    for table, rowid, terms in found:
        by_table.setdefault(table, []).append((rowid, terms))
    for table, values in by_table.items():
        conn.executemany(f"INSERT INTO {table}_fts (rowid, text_seg) VALUES (?, ?)", values)


def stored_rows(conn: sqlite3.Connection, doc_id: int, tokens: list[Token] | None = None) -> list[Row]:
    """The FTS rows of a stored document, rebuilt from its text and spans (the text is cut unless given)."""
    found = conn.execute("SELECT title, text FROM documents WHERE id = ?", [doc_id]).fetchone()
    if found is None:
        return []
    title, text = found
    columns = {"obligations": 'start, "end"', **{t: "sentence_start, sentence_end" for t in ITEMS}}
    spans = {t: conn.execute(f"SELECT id, {c} FROM {t} WHERE document_id = ?", [doc_id]).fetchall()
             for t, c in columns.items()}
    found_terms = terms(title, tokens if tokens is not None else tokenize(text or ""),
                        [r[1:] for r in spans["obligations"]], {t: [r[1:] for r in spans[t]] for t in ITEMS})
    return list(rows(doc_id, found_terms, {t: [r[0] for r in values] for t, values in spans.items()}))


def remove(conn: sqlite3.Connection, doc_id: int) -> None:
    """Withdraw a stored document's rows from the index (before its rows are deleted)."""
    ensure_current(conn)
    for table, rowid, terms in stored_rows(conn, doc_id):
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts, rowid, text_seg) VALUES ('delete', ?, ?)",
                     [rowid, terms])


def ensure_current(conn: sqlite3.Connection) -> None:
    """Rebuild the whole index if it was made by another segmenter or lexicon (inside a transaction)."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'segmenter'").fetchone()
    if row and row[0] == fingerprint():
        return
    for table in TABLES:
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('delete-all')")
    for (doc_id,) in conn.execute("SELECT id FROM documents").fetchall():
        add(conn, stored_rows(conn, doc_id))
    conn.execute("INSERT OR REPLACE INTO settings VALUES ('segmenter', ?)", [fingerprint()])
