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

import sqlite3
from collections.abc import Iterable, Iterator

from .tokens import Spans, Token, fingerprint, index_text, tokenize

TABLES = ("documents", "obligations", "targets", "amounts", "deadlines")
ITEMS = ("targets", "amounts", "deadlines")
#: A row of an FTS table: (table, rowid, terms).
Row = tuple[str, int, str]


def create(conn: sqlite3.Connection) -> None:
    """The contentless FTS5 tables and the settings table (inside a migration)."""
    for table in TABLES:
        conn.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5(text_seg, content='', detail=column, "
                     "tokenize='unicode61')")
    conn.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT)")


def rows(doc_id: int, title: str | None, tokens: list[Token], obligations: Iterable[tuple[int, int, int]],
         items: dict[str, Iterable[tuple[int, int, int]]]) -> Iterator[Row]:
    """FTS rows of one document: its title and text, each obligation ``(id, start, end)`` and each item
    ``(id, sentence_start, sentence_end)`` by table."""
    spans = Spans(tokens)
    yield "documents", doc_id, index_text(tokenize(title)) + " " + index_text(tokens) if title else index_text(tokens)
    for oid, start, end in obligations:
        yield "obligations", oid, index_text(spans.within(start, end))
    for table, spans_of in items.items():
        for iid, start, end in spans_of:
            yield table, iid, index_text(spans.within(start, end))


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
    obligations = conn.execute("SELECT id, start, \"end\" FROM obligations WHERE document_id = ?", [doc_id]).fetchall()
    items = {t: conn.execute(f"SELECT id, sentence_start, sentence_end FROM {t} WHERE document_id = ?",
                             [doc_id]).fetchall() for t in ITEMS}
    return list(rows(doc_id, title, tokens if tokens is not None else tokenize(text or ""), obligations, items))


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
