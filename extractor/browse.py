"""Datasette plugin: the catalog browsed as the CLI searches it.

Registered through the ``datasette`` entry point, it gives every connection:

- ``escape_fts(text)`` cutting a query into the catalog's index words (jieba), so a table's search box finds
  ``标准化厂房`` as the CLI does (Datasette's own version splits on spaces only);
- ``policyx_match(text)``: the same FTS query, for canned queries ranked by ``rank``;
- ``policyx_department(text)``: the canonical body of a department named by any alias (``科技局``);
- ``policyx_yuan(value)``: a sum in yuan as a report writes it (``5,000万元``).
"""
from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl


def match(query: str | None) -> str:
    """An FTS5 query of the index words of ``query`` (every word required); a query with no word matches none."""
    from .db import fts_query
    from .tokens import query_words

    return fts_query(query_words(query or "")) or '""'


def department(name: str | None) -> str:
    from .db import department_key

    return department_key(name or "")


def yuan(value: Any) -> str | None:
    from .compare.render import yuan as shown

    return shown(value) if value is not None else None


@hookimpl(trylast=True)  # after Datasette's own escape_fts, which ours replaces
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, match)
    conn.create_function("policyx_match", 1, match)
    conn.create_function("policyx_department", 1, department)
    conn.create_function("policyx_yuan", 1, yuan)
