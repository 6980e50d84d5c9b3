"""Datasette plugin: the catalog browsed as the CLI searches it.

Registered through the ``datasette`` entry point, it gives every connection:

- ``escape_fts(text)`` cutting a query into the catalog's index words (jieba), so a table's search box finds
  ``标准化厂房`` as the CLI does (Datasette's own version splits on spaces only);
- ``policyx_match(text)``: the same FTS query, for canned queries ranked by ``rank``;
- ``policyx_department(text)``: the canonical body of a department named by any alias (``科技局``);
- ``policyx_yuan(value)``: a sum in yuan as a report writes it (``5,000万元``);

and sends a table search with no sort and no column filter chosen (``/db/obligations?_search=…``) to the table's
ranked query (``[ranked]`` in ``patterns/catalog.toml``), so the best matches come first, as in the CLI.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from .patterns import toml

#: Table search parameters the ranked query does not take: the search itself becomes ``q``.
_TABLE_ONLY = ("_search", "_sort", "_sort_desc", "_next", "_facet", "_labels", "_col", "_nocol")


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


def ranked_location(path: str, query_string: str, ranked: dict[str, str]) -> tuple[str, str, str] | None:
    """``(database, query, location)`` of the ranked query a table search goes to, or None when the request is
    not a table search without a sort (or the table has no ranked query)."""
    parts = path.strip("/").split("/")
    params = parse_qsl(query_string, keep_blank_values=True)
    keys = {k for k, _ in params}
    if len(parts) != 2 or "_search" not in keys or keys & {"_sort", "_sort_desc"}:
        return None
    if any(not k.startswith("_") for k in keys):  # column filters the ranked query does not take: keep the table
        return None
    table, dot, extension = parts[1].partition(".")
    if table not in ranked:
        return None
    kept = [(k, v) for k, v in params if k.startswith("_") and not k.startswith(_TABLE_ONLY)]
    search = next(v for k, v in params if k == "_search")
    return parts[0], ranked[table], f"/{parts[0]}/{ranked[table]}{dot}{extension}?{urlencode([('q', search), *kept])}"


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    ranked: dict[str, str] = toml("catalog")["ranked"]

    def wrap(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def ranked_search(scope: dict[str, Any], receive: Any, send: Any) -> None:
            found = (ranked_location(scope["path"], scope.get("query_string", b"").decode("utf-8", "replace"), ranked)
                     if scope["type"] == "http" else None)
            if found and found[1] in await datasette.get_canned_queries(found[0], None):
                await send({"type": "http.response.start", "status": 302,
                            "headers": [(b"location", found[2].encode("utf-8")), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return
            await app(scope, receive, send)

        return ranked_search

    return wrap
