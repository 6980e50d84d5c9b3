"""Per-place rollups: what each place commits to, kept up to date at ingest so large comparisons stay fast.

A comparison over a few places reads every target and amount row. Over hundreds of places (a province, or a
whole catalog) that is hundreds of thousands of rows, so :func:`refresh` keeps five summary tables per place
(province, city, county), brought up to date after each run:

- ``place_targets``: one row per indicator, unit, comparator, change and year, holding the latest notice's
  value, the target it comes from and its sentence (so each cell still traces to its source without a lookup
  per row), and how many targets say it;
- ``place_money``: funding per purpose, kind, unit, recurrence and year: lump and yearly sums, the largest
  rate or cap (never summed), and the largest amount as the example, with its sentence;
- ``place_functions``: obligations led and joined per department function, with the bodies;
- ``place_timeline``: obligations and targets falling due per year and quarter;
- ``place_documents``: how many notices and copies of them, and the latest one's title, number, level and date.

A place whose notices were only added is updated by merging the new notices' rows into its own (:func:`add`:
sums add up, the latest target and the largest amount win, as a rebuild would choose them), so a run costs what it
brings whatever the size of the place; a place that lost or replaced a notice is rebuilt (:func:`refresh`).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from ..db import PLACE

#: The order of a comparison's targets: by indicator family (unclassified last), indicator, place and year.
TARGET_ORDER = "family IS NULL, family, indicator, place, year"
KEY = {"province": str, "city": str, "county": str, "place": str}
TABLES = {
    "place_targets": {**KEY, "indicator": str, "family": str, "unit": str, "comparator": str, "change": str,
                      "year": int, "value": float, "value_max": float, "mentions": int, "document_id": int,
                      "target_id": int, "title": str, "doc_number": str, "sentence": str, "text": str,
                      "wording": str, "section": str},
    "place_money": {**KEY, "purpose": str, "kind": str, "unit": str, "recurrence": str, "year": int,
                    "value_yuan": float, "value_yuan_max": float, "amounts": int, "document_id": int,
                    "amount_id": int, "title": str, "doc_number": str, "sentence": str, "text": str,
                    "section": str},
    "place_functions": {**KEY, "function": str, "led": int, "joined": int, "departments": str},
    "place_timeline": {**KEY, "year": int, "quarter": int, "obligations": int, "targets": int},
    "place_documents": {**KEY, "date": str, "level": str, "title": str, "doc_number": str, "document_id": int,
                        "notices": int, "sources": int},
}
#: The documents ``d`` of the places being refreshed; CROSS JOIN keeps this order, so each table that follows is
#: searched by its document index rather than scanned.
_PLACES = ("temp.touched x CROSS JOIN documents d "
           "ON d.province IS x.province AND d.city IS x.city AND d.county IS x.county")
#: The documents ``d`` being added to their places.
_ADDED = "temp.fresh x CROSS JOIN documents d ON d.id = x.id"
_FILL_SQL = {
    "place_targets": f"""
        SELECT province, city, county, place, indicator, family, unit, comparator, change, year, value, value_max,
               mentions, document_id, target_id, title, doc_number, sentence, text, wording, section
        FROM (SELECT d.province, d.city, d.county, {PLACE} AS place,
                     coalesce(t.indicator_key, t.indicator) AS indicator, t.family, t.unit_norm AS unit,
                     t.comparator, t.change, t.year, t.value_norm AS value, t.value_max_norm AS value_max,
                     count(*) OVER w AS mentions, d.id AS document_id, t.id AS target_id, d.title, d.doc_number,
                     t.sentence, t.text, t.indicator AS wording, t.section,
                     row_number() OVER (w ORDER BY d.date_written DESC, t.id DESC) AS n
              FROM {{docs}} CROSS JOIN targets t ON t.document_id = d.id
              WINDOW w AS (PARTITION BY d.province, d.city, d.county, coalesce(t.indicator_key, t.indicator),
                           t.unit_norm, t.comparator, t.change, t.year))
        WHERE n = 1""",
    "place_money": f"""
        SELECT province, city, county, place, purpose, kind, unit, recurrence, year,
               CASE WHEN kind IN ('lump', 'yearly') THEN total ELSE top END, top_max, amounts, document_id,
               amount_id, title, doc_number, sentence, text, section
        FROM (SELECT d.province, d.city, d.county, {PLACE} AS place, coalesce(a.purpose, '其他') AS purpose,
                     a.kind, a.unit, a.recurrence,
                     coalesce(CAST(substr(o.deadline, 1, 4) AS INTEGER),
                              CAST(substr(d.date_written, 1, 4) AS INTEGER)) AS year,
                     sum(a.value_yuan) OVER w AS total, a.value_yuan AS top, a.value_yuan_max AS top_max,
                     count(*) OVER w AS amounts, d.id AS document_id, a.id AS amount_id, d.title, d.doc_number,
                     a.sentence, a.text, a.section,
                     row_number() OVER (w ORDER BY a.value_yuan DESC, a.id) AS n
              FROM {{docs}} CROSS JOIN amounts a ON a.document_id = d.id
              LEFT JOIN obligations o ON o.id = a.obligation_id AND o.deadline GLOB '[0-9][0-9][0-9][0-9]-*'
              WHERE a.role = 'funding'
              WINDOW w AS (PARTITION BY d.province, d.city, d.county, coalesce(a.purpose, '其他'), a.kind, a.unit,
                           a.recurrence, coalesce(CAST(substr(o.deadline, 1, 4) AS INTEGER),
                                                  CAST(substr(d.date_written, 1, 4) AS INTEGER))))
        WHERE n = 1""",
    "place_functions": f"""
        SELECT d.province, d.city, d.county, {PLACE}, coalesce(p.function, '其他'),
               count(DISTINCT CASE WHEN od.role = 'lead' THEN od.obligation_id END),
               count(DISTINCT CASE WHEN od.role != 'lead' THEN od.obligation_id END),
               group_concat(DISTINCT p.canonical)
        FROM {{docs}} CROSS JOIN obligations o ON o.document_id = d.id
        CROSS JOIN obligation_departments od ON od.obligation_id = o.id JOIN departments p ON p.id = od.department_id
        GROUP BY d.province, d.city, d.county, coalesce(p.function, '其他')""",
    "place_timeline": f"""
        SELECT province, city, county, place, year, quarter, sum(kind = 'obligation'), sum(kind = 'target')
        FROM (SELECT d.province, d.city, d.county, {PLACE} AS place, CAST(substr(o.deadline, 1, 4) AS INTEGER) AS year,
                     (CAST(substr(o.deadline, 6, 2) AS INTEGER) + 2) / 3 AS quarter, 'obligation' AS kind
              FROM {{docs}} CROSS JOIN obligations o ON o.document_id = d.id
              WHERE o.deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
              UNION ALL
              SELECT d.province, d.city, d.county, {PLACE}, t.year, NULL, 'target'
              FROM {{docs}} CROSS JOIN targets t ON t.document_id = d.id
              WHERE t.year IS NOT NULL)
        GROUP BY province, city, county, place, year, quarter""",
    "place_documents": f"""
        SELECT province, city, county, place, date, level, title, doc_number, document_id, notices, sources
        FROM (SELECT d.province, d.city, d.county, {PLACE} AS place, d.date_written AS date, d.level, d.title,
                     d.doc_number, d.id AS document_id, count(*) OVER w AS notices,
                     sum((SELECT count(*) FROM sources s WHERE s.document_id = d.id)) OVER w AS sources,
                     row_number() OVER (w ORDER BY d.date_written DESC, d.id DESC) AS n
              FROM {{docs}}
              WINDOW w AS (PARTITION BY d.province, d.city, d.county))
        WHERE n = 1""",
}


#: Per table: the key of a row, the columns that add up, and how the row that speaks for a key is chosen when
#: the rows of new notices meet the place's own (the same order the rebuild uses).
_MERGE = {
    "place_targets": (("indicator", "family", "unit", "comparator", "change", "year"), ("mentions",),
                      "JOIN documents d ON d.id = u.document_id", "d.date_written DESC, u.target_id DESC"),
    "place_money": (("purpose", "kind", "unit", "recurrence", "year"), ("amounts",),
                    "JOIN amounts a ON a.id = u.amount_id", "a.value_yuan DESC, u.amount_id"),
    "place_functions": (("function",), ("led", "joined"), "", "u.place"),
    "place_timeline": (("year", "quarter"), ("obligations", "targets"), "", "u.place"),
    "place_documents": (("place",), ("notices", "sources"), "", "u.date DESC, u.document_id DESC"),
}


def fill(table: str, docs: str) -> str:
    """The SELECT that fills a rollup table from the documents ``docs`` (a FROM clause naming them ``d``)."""
    return _FILL_SQL[table].replace("{docs}", docs)


def create(db: sqlite_utils.Database) -> None:
    """Create the rollup tables missing from a catalog, the columns missing from its tables, and their indexes."""
    for name, columns in TABLES.items():
        if not db[name].exists():
            db[name].create(columns)
        have = db[name].columns_dict
        for column, kind in columns.items():
            if column not in have:
                db[name].add_column(column, kind)
        for index in (["province"], ["city"], ["county"]):
            db[name].create_index(index, if_not_exists=True)


def index_keys(db: sqlite_utils.Database) -> None:
    """Index each rollup table by place and the first column of its key, where new rows are merged, and the
    target rollup in the order a comparison lists it."""
    for name, (key, *_) in _MERGE.items():
        db.execute(f"CREATE INDEX IF NOT EXISTS {name}_key ON {name} (city, county, province, {key[0]})")
    db.execute(f"CREATE INDEX IF NOT EXISTS place_targets_order ON place_targets ({TARGET_ORDER})")


def refresh(db: sqlite_utils.Database, places: Iterable[tuple[str | None, str | None, str | None]] | None = None
            ) -> None:
    """Rebuild the rollups of these (province, city, county) places; every place when ``places`` is None."""
    conn = db.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched (province TEXT, city TEXT, county TEXT)")
    conn.execute("DELETE FROM temp.touched")
    if places is None:
        conn.execute("INSERT INTO temp.touched SELECT DISTINCT province, city, county FROM documents")
    else:
        conn.executemany("INSERT INTO temp.touched VALUES (?, ?, ?)", set(places))
    for name, columns in TABLES.items():
        conn.execute(f"""DELETE FROM {name} WHERE rowid IN (SELECT r.rowid FROM {name} r JOIN temp.touched x
                         ON r.province IS x.province AND r.city IS x.city AND r.county IS x.county)""")
        conn.execute(f"INSERT INTO {name} ({', '.join(columns)}) {fill(name, _PLACES)}")
    conn.execute("DELETE FROM temp.touched")


def add(db: sqlite_utils.Database, document_ids: Iterable[int]) -> None:
    """Merge the rows of documents newly added to their places into those places' rollups."""
    conn = db.conn
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.fresh")
    conn.executemany("INSERT OR IGNORE INTO temp.fresh VALUES (?)", [(i,) for i in document_ids])
    for name, columns in TABLES.items():
        key, sums, join, order = _MERGE[name]
        names = list(columns)
        delta = f"temp.delta_{name}"
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS delta_{name} AS SELECT * FROM {name} WHERE 0")
        conn.execute(f"DELETE FROM {delta}")
        conn.execute(f"INSERT INTO {delta} ({', '.join(names)}) {fill(name, _ADDED)}")
        same = " AND ".join(f"r.{c} IS x.{c}" for c in ("province", "city", "county", *key))
        mine = f"SELECT r.rowid FROM {delta} x CROSS JOIN {name} r ON {same}"
        window = ", ".join(f"u.{c}" for c in ("province", "city", "county", *key))
        merged = {c: f"u.{c}" for c in names}
        merged.update({c: f"sum(u.{c}) OVER w" for c in sums})
        if name == "place_money":
            merged["value_yuan"] = ("CASE WHEN u.kind IN ('lump', 'yearly') THEN sum(u.value_yuan) OVER w "
                                    "ELSE u.value_yuan END")
        if name == "place_functions":
            merged["departments"] = "group_concat(u.departments) OVER w"
        rows = conn.execute(f"""
            SELECT {', '.join(names)} FROM (
                SELECT {', '.join(f'{v} AS {c}' for c, v in merged.items())},
                       row_number() OVER (w ORDER BY {order}) AS n
                FROM (SELECT * FROM {name} WHERE rowid IN ({mine}) UNION ALL SELECT * FROM {delta} x) u
                {join}
                WINDOW w AS (PARTITION BY {window}))
            WHERE n = 1""").fetchall()
        if name == "place_functions":
            at = names.index("departments")
            rows = [(*r[:at], ",".join(dict.fromkeys((r[at] or "").split(","))) or None, *r[at + 1:]) for r in rows]
        conn.execute(f"DELETE FROM {name} WHERE rowid IN ({mine})")
        conn.executemany(f"INSERT INTO {name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)
        conn.execute(f"DELETE FROM {delta}")
    conn.execute("DELETE FROM temp.fresh")
