"""Compare places: who commits to what, how much and by when, and which policy each notice implements.

:func:`compare` selects notices from a catalog (by place, parent policy or notice) and builds flat tables
with SQL: ``documents``, ``targets``, ``money`` (+ ``money_totals``), ``responsibility``, ``timeline`` and
``lineage``. Every row of targets and money keeps its notice and source sentence, so each cell can be traced.
The renderers in :mod:`extractor.compare.render` turn a :class:`Comparison` into terminal tables, Markdown,
CSV, XLSX, JSON, an iCalendar file or an HTML report.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..db import PLACE, Catalog, city_variants
from ..identity import title_key
from ..lineage import descendants
from . import rollup

#: The notices of the comparison under way, kept in a temporary table so every query joins on it.
SELECTED = "SELECT id FROM temp.compare_ids"
#: Selections by place of more notices than this are summarised per place (see :func:`compare`).
DETAIL_LIMIT = 500
TABLES = ("documents", "targets", "money", "money_totals", "responsibility", "timeline", "lineage")


@dataclass
class Comparison:
    """The tables of one comparison, each a list of flat rows."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    money_totals: list[dict[str, Any]] = field(default_factory=list)
    responsibility: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    lineage: list[dict[str, Any]] = field(default_factory=list)
    reference: list[dict[str, Any]] = field(default_factory=list)
    due: list[dict[str, Any]] = field(default_factory=list)
    parent: dict[str, Any] | None = None
    #: True when targets and money are per-place rollups (one row per indicator or purpose, with counts).
    summary: bool = False

    def places(self) -> list[str]:
        """Places in the order their first notice appears."""
        return list(dict.fromkeys(d["place"] for d in self.documents))

    def notices(self) -> int:
        """How many notices the comparison covers (a summary lists one row per place, with its count)."""
        return sum(d.get("notices", 1) for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in TABLES}
        out["reference"] = self.reference
        return out


def _provinces(place: str) -> set[str]:
    """The provinces a place's name may stand for: 内蒙古 for 内蒙古自治区, 广西 for 广西壮族自治区."""
    from ..metadata import gazetteer
    from ..patterns import split_list

    name = place.strip()
    return {p["name"] for p in gazetteer().provinces if name == p["name"] or name in split_list(p["short"])}


def _place_filter(places: list[str], alias: str = "d") -> tuple[str, list[str]]:
    names = [v for p in places for v in {*city_variants(p), p.strip() + "省", *_provinces(p)}]
    marks = ", ".join("?" * len(names))
    return (f"({alias}.city IN ({marks}) OR {alias}.county IN ({marks}) OR {alias}.province IN ({marks}))",
            names * 3)


def _select(catalog: Catalog, cities: list[str] | None, parent: str | None, doc: str | None
            ) -> tuple[list[int], dict[str, Any] | None]:
    """Ids of the notices compared, and the parent notice when it is in the catalog."""
    where, params = ["1"], []
    parent_row = None
    if cities:
        sql, values = _place_filter(cities)
        where.append(sql)
        params += values
    if doc:
        ids = [r["id"] for r in catalog.find_documents(doc)]
        where.append(f"d.id IN ({', '.join(map(str, ids)) or 'NULL'})")
    if parent:
        found = catalog.find_documents(parent)
        parent_row = {k: found[0][k] for k in ("id", "title", "doc_number", "level", "date_written")} if found else None
        children = descendants(catalog.db, [parent_row["id"]]) if parent_row else set()
        cited = {r[0] for r in catalog.conn.execute(
            "SELECT document_id FROM citations WHERE doc_number = ? OR title_key = ?", [parent, title_key(parent)])}
        for child in list(cited):
            children |= descendants(catalog.db, [child]) | {child}
        children.discard(parent_row["id"] if parent_row else -1)
        where.append(f"d.id IN ({', '.join(map(str, sorted(children))) or 'NULL'})")
    ids = [r[0] for r in catalog.conn.execute(
        f"SELECT d.id FROM documents d WHERE {' AND '.join(where)} ORDER BY {PLACE}, d.date_written, d.id", params)]
    return ids, parent_row


def _rows(catalog: Catalog, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """Rows of a query as dicts, built in one pass (a large comparison returns 100k rows and more)."""
    cursor = catalog.conn.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a comparison builds its rows: they hold no cycles, and in a
    process holding much else its full passes over every object would cost more than the rows themselves."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _choose(catalog: Catalog, ids: list[int]) -> None:
    """Keep these notice ids as the comparison's selection (:data:`SELECTED`)."""
    catalog.conn.execute("CREATE TEMP TABLE IF NOT EXISTS compare_ids (id INTEGER PRIMARY KEY)")
    catalog.conn.execute("DELETE FROM temp.compare_ids")
    catalog.conn.executemany("INSERT INTO temp.compare_ids VALUES (?)", [(i,) for i in ids])


def _in(ids: list[int]) -> str:
    return ", ".join(map(str, ids)) or "NULL"


def _targets(catalog: Catalog, indicator: str | None, years: tuple[int | None, int | None]
             ) -> list[dict[str, Any]]:
    where = [f"t.document_id IN ({SELECTED})"]
    params: list[Any] = []
    if indicator:
        where.append("(t.indicator_key LIKE '%' || ? || '%' OR t.indicator LIKE '%' || ? || '%' OR t.family = ?)")
        params += [indicator] * 3
    if years[0]:
        where.append("t.year >= ?")
        params.append(years[0])
    if years[1]:
        where.append("t.year <= ?")
        params.append(years[1])
    return _rows(catalog, f"""
        SELECT {PLACE} AS place, coalesce(t.indicator_key, t.indicator) AS indicator, t.family,
               t.value_norm AS value, t.value_max_norm AS value_max, t.unit_norm AS unit, t.comparator, t.change,
               t.year, d.title, d.doc_number, t.sentence, t.text, t.indicator AS wording, t.section,
               d.id AS document_id, t.id AS target_id
        FROM targets t JOIN documents d ON d.id = t.document_id
        WHERE {' AND '.join(where)}
        ORDER BY t.family IS NULL, t.family, indicator, place, t.year, t.start""", params)


def _money(catalog: Catalog) -> list[dict[str, Any]]:
    return _rows(catalog, f"""
        SELECT {PLACE} AS place, coalesce(a.purpose, '其他') AS purpose, a.kind, a.value_yuan, a.value_yuan_max,
               a.unit, a.recurrence,
               coalesce(CAST(substr(o.deadline, 1, 4) AS INTEGER), CAST(substr(d.date_written, 1, 4) AS INTEGER))
                 AS year,
               d.title, d.doc_number, a.sentence, a.text, a.section, d.id AS document_id, a.id AS amount_id
        FROM amounts a JOIN documents d ON d.id = a.document_id
        LEFT JOIN obligations o ON o.id = a.obligation_id AND o.deadline GLOB '[0-9][0-9][0-9][0-9]-*'
        WHERE a.role = 'funding' AND a.document_id IN ({SELECTED})
        ORDER BY place, a.kind, a.value_yuan DESC""")


def _money_totals(catalog: Catalog) -> list[dict[str, Any]]:
    """Per place: sums of lump and yearly funding (rates and caps left out), and the purpose with the most."""
    rows = _rows(catalog, f"""
        WITH f AS (
          SELECT {PLACE} AS place, coalesce(a.purpose, '其他') AS purpose, a.kind, a.value_yuan
          FROM amounts a JOIN documents d ON d.id = a.document_id
          WHERE a.role = 'funding' AND a.kind IN ('lump', 'yearly') AND a.document_id IN ({SELECTED})),
        p AS (SELECT place, purpose, sum(value_yuan) AS amount,
                     row_number() OVER (PARTITION BY place ORDER BY sum(value_yuan) DESC) AS n
              FROM f GROUP BY place, purpose)
        SELECT f.place,
               sum(CASE WHEN kind = 'yearly' THEN value_yuan ELSE 0 END) AS per_year_yuan,
               sum(CASE WHEN kind = 'lump' THEN value_yuan ELSE 0 END) AS one_off_yuan,
               sum(value_yuan) AS total_yuan, count(*) AS amounts,
               (SELECT purpose FROM p WHERE p.place = f.place AND n = 1) AS top_purpose,
               (SELECT amount FROM p WHERE p.place = f.place AND n = 1) AS top_purpose_yuan
        FROM f GROUP BY f.place ORDER BY per_year_yuan DESC, total_yuan DESC""")
    excluded = {r["place"]: r for r in _rows(catalog, f"""
        SELECT {PLACE} AS place, sum(a.kind = 'rate') AS rates, sum(a.kind = 'cap') AS caps
        FROM amounts a JOIN documents d ON d.id = a.document_id
        WHERE a.role = 'funding' AND a.document_id IN ({SELECTED}) GROUP BY place""")}
    for r in rows:
        r.update({k: excluded.get(r["place"], {}).get(k, 0) for k in ("rates", "caps")})
    return rows


def _responsibility(catalog: Catalog, function: str | None) -> list[dict[str, Any]]:
    where, params = [f"o.document_id IN ({SELECTED})"], []
    if function:
        where.append("p.function = ?")
        params.append(function)
    return _rows(catalog, f"""
        SELECT coalesce(p.function, '其他') AS function, {PLACE} AS place,
               count(DISTINCT CASE WHEN od.role = 'lead' THEN od.obligation_id END) AS led,
               count(DISTINCT CASE WHEN od.role != 'lead' THEN od.obligation_id END) AS joined,
               group_concat(DISTINCT p.canonical) AS departments
        FROM obligation_departments od JOIN departments p ON p.id = od.department_id
        JOIN obligations o ON o.id = od.obligation_id JOIN documents d ON d.id = o.document_id
        WHERE {' AND '.join(where)}
        GROUP BY 1, 2 ORDER BY led + joined DESC, function, place""", params)


def _timeline(catalog: Catalog, years: tuple[int | None, int | None]) -> list[dict[str, Any]]:
    lo, hi = years[0] or 0, years[1] or 9999
    return _rows(catalog, f"""
        WITH due AS (
          SELECT {PLACE} AS place, CAST(substr(o.deadline, 1, 4) AS INTEGER) AS year,
                 (CAST(substr(o.deadline, 6, 2) AS INTEGER) + 2) / 3 AS quarter, 'obligation' AS kind
          FROM obligations o JOIN documents d ON d.id = o.document_id
          WHERE o.document_id IN ({SELECTED}) AND o.deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
          UNION ALL
          SELECT {PLACE}, t.year, NULL, 'target' FROM targets t JOIN documents d ON d.id = t.document_id
          WHERE t.document_id IN ({SELECTED}) AND t.year IS NOT NULL)
        SELECT place, year, quarter, sum(kind = 'obligation') AS obligations, sum(kind = 'target') AS targets
        FROM due WHERE year BETWEEN ? AND ?
        GROUP BY place, year, quarter ORDER BY place, year, quarter IS NULL, quarter""", [lo, hi])


def _lineage(catalog: Catalog, ids: list[int], parent: str | None) -> list[dict[str, Any]]:
    rows = catalog.lineage(children=SELECTED)
    if parent:
        linked = {r["child_id"] for r in rows}
        rows += _rows(catalog, f"""
            SELECT parent, parent_title, child_title, child_doc_number, place, level, date, link, score, parent_id,
                   child_id
            FROM (SELECT coalesce(c.doc_number, c.title) AS parent, c.title AS parent_title, d.title AS child_title,
                         d.doc_number AS child_doc_number, {PLACE} AS place, d.level, d.date_written AS date,
                         CASE WHEN c.doc_number = :ref THEN 'doc_number' ELSE 'title' END AS link, CAST(1 AS DOUBLE) AS score,
                         NULL AS parent_id, d.id AS child_id,
                         row_number() OVER (PARTITION BY d.id ORDER BY c.start IS NULL, c.start) AS n
                  FROM citations c JOIN documents d ON d.id = c.document_id
                  WHERE c.cited_document_id IS NULL AND (c.doc_number = :ref OR c.title_key = :key)
                    AND d.id IN ({_in([i for i in ids if i not in linked])}))
            WHERE n = 1 ORDER BY child_id""", {"ref": parent, "key": title_key(parent)})
    return rows


def compare(catalog: Catalog, cities: list[str] | None = None, parent: str | None = None,
            indicator: str | None = None, function: str | None = None, from_year: int | None = None,
            to_year: int | None = None, doc: str | None = None, detail: bool | None = None,
            calendar: bool = False) -> Comparison:
    """Build every table of a comparison over the notices selected by place, parent policy or notice.

    A selection by place of more than :data:`DETAIL_LIMIT` notices is summarised per place from the rollups
    (``detail=False`` asks for that on any selection by place, ``detail=True`` for every row). ``calendar``
    also lists the dated obligations (``due``) for an iCalendar export.
    """
    with _collector_paused():
        return _compare(catalog, cities, parent, indicator, function, from_year, to_year, doc, detail, calendar)


def _compare(catalog: Catalog, cities: list[str] | None, parent: str | None, indicator: str | None,
             function: str | None, from_year: int | None, to_year: int | None, doc: str | None,
             detail: bool | None, calendar: bool) -> Comparison:
    if parent or doc:
        detail = True
    elif detail is None:
        where, params = _place_filter(cities) if cities else ("1", [])
        detail = catalog.conn.execute(f"SELECT count(*) FROM documents d WHERE {where}", params
                                      ).fetchone()[0] <= DETAIL_LIMIT
    if not detail:
        if calendar:  # the dated obligations are listed one by one
            _choose(catalog, _select(catalog, cities, None, None)[0])
        return _summary(catalog, cities, indicator, function, (from_year, to_year), calendar)
    ids, parent_row = _select(catalog, cities, parent, doc)
    _choose(catalog, ids)
    years = (from_year, to_year)
    out = Comparison(parent=parent_row, documents=_documents(catalog))
    out.targets = _targets(catalog, indicator, years)
    out.money = _money(catalog)
    out.money_totals = _money_totals(catalog)
    out.responsibility = _responsibility(catalog, function)
    out.timeline = _timeline(catalog, years)
    out.lineage = _lineage(catalog, ids, parent)
    out.due = _due(catalog, years) if calendar else []
    if parent_row:
        _choose(catalog, [parent_row["id"]])
        out.reference = _targets(catalog, indicator, years)
    catalog.conn.commit()  # end the implicit transaction of the temporary table
    return out


def _documents(catalog: Catalog) -> list[dict[str, Any]]:
    return _rows(catalog, f"""
        SELECT d.id AS document_id, d.title, d.doc_number, {PLACE} AS place, d.province, d.city, d.county, d.level,
               d.date_written AS date, (SELECT count(*) FROM sources s WHERE s.document_id = d.id) AS sources
        FROM documents d WHERE d.id IN ({SELECTED}) ORDER BY place, d.date_written, d.id""")


def _place_documents(catalog: Catalog, cities: list[str] | None) -> list[dict[str, Any]]:
    """The selected notices per place: how many, with their copies, and the latest one's title, number, level
    and date."""
    where, params = _place_filter(cities, "r") if cities else ("1", [])
    return _rows(catalog, f"""
        SELECT r.place, r.province, r.city, r.county, r.date, r.level, r.title, r.doc_number, r.document_id,
               r.notices, r.sources
        FROM place_documents r WHERE {where} ORDER BY r.place""", params)


def _summary(catalog: Catalog, cities: list[str] | None, indicator: str | None, function: str | None,
             years: tuple[int | None, int | None], calendar: bool) -> Comparison:
    """Every table of a comparison by place, per place from the rollups (refreshed first where stale). A target
    or amount row carries its notice and sentence, not the matched words and section (``--detail`` has them)."""
    catalog.refresh_rollups()
    where, params = _place_filter(cities, "r") if cities else ("1", [])
    chosen, values = _place_filter(cities, "d") if cities else ("1", [])
    out = Comparison(summary=True, documents=_place_documents(catalog, cities),
                     lineage=catalog.lineage(f"SELECT d.id FROM documents d WHERE {chosen}", values))
    filters, extra = [where], list(params)
    if indicator:
        filters.append("(r.indicator LIKE '%' || ? || '%' OR r.wording LIKE '%' || ? || '%' OR r.family = ?)")
        extra += [indicator] * 3
    lo, hi = years[0] or 0, years[1] or 9999
    out.targets = _rows(catalog, f"""
        SELECT r.place, r.indicator, r.family, r.value, r.value_max, r.unit, r.comparator, r.change, r.year,
               r.title, r.doc_number, r.sentence, r.document_id, r.target_id, r.mentions
        FROM place_targets r
        WHERE {' AND '.join(filters)} AND coalesce(r.year, ?) BETWEEN ? AND ?
        ORDER BY {rollup.TARGET_ORDER}""", [*extra, lo, lo, hi])
    out.money = _rows(catalog, f"""
        SELECT r.place, r.purpose, r.kind, r.value_yuan, r.value_yuan_max, r.unit, r.recurrence, r.year,
               r.title, r.doc_number, r.sentence, r.document_id, r.amount_id, r.amounts
        FROM place_money r WHERE {where} ORDER BY r.place, r.kind, r.value_yuan DESC""", params)
    out.money_totals = _rows(catalog, f"""
        WITH p AS (SELECT r.place, r.purpose, sum(r.value_yuan) AS amount,
                          row_number() OVER (PARTITION BY r.place ORDER BY sum(r.value_yuan) DESC) AS n
                   FROM place_money r WHERE {where} AND r.kind IN ('lump', 'yearly') GROUP BY r.place, r.purpose),
             t AS (SELECT r.place, sum(CASE WHEN r.kind = 'yearly' THEN r.value_yuan ELSE 0 END) AS per_year_yuan,
                          sum(CASE WHEN r.kind = 'lump' THEN r.value_yuan ELSE 0 END) AS one_off_yuan,
                          sum(r.value_yuan) FILTER (WHERE r.kind IN ('lump', 'yearly')) AS total_yuan,
                          sum(r.amounts) FILTER (WHERE r.kind IN ('lump', 'yearly')) AS amounts,
                          coalesce(sum(r.amounts) FILTER (WHERE r.kind = 'rate'), 0) AS rates,
                          coalesce(sum(r.amounts) FILTER (WHERE r.kind = 'cap'), 0) AS caps
                   FROM place_money r WHERE {where} GROUP BY r.place)
        SELECT t.place, t.per_year_yuan, t.one_off_yuan, t.total_yuan, t.amounts, p.purpose AS top_purpose,
               p.amount AS top_purpose_yuan, t.rates, t.caps
        FROM t LEFT JOIN p ON p.place = t.place AND p.n = 1 WHERE t.total_yuan IS NOT NULL
        ORDER BY t.per_year_yuan DESC, t.total_yuan DESC""", params * 2)
    out.responsibility = _rows(catalog, f"""
        SELECT r.function, r.place, sum(r.led) AS led, sum(r.joined) AS joined,
               group_concat(r.departments) AS departments
        FROM place_functions r WHERE {where}{" AND r.function = ?" if function else ""}
        GROUP BY 1, 2 ORDER BY sum(r.led) + sum(r.joined) DESC, r.function, r.place""", params + ([function] if function else []))
    out.timeline = _rows(catalog, f"""
        SELECT r.place, r.year, r.quarter, sum(r.obligations) AS obligations, sum(r.targets) AS targets
        FROM place_timeline r WHERE {where} AND r.year BETWEEN ? AND ?
        GROUP BY r.place, r.year, r.quarter ORDER BY r.place, r.year, r.quarter IS NULL, r.quarter""",
        [*params, lo, hi])
    out.due = _due(catalog, years) if calendar else []
    catalog.conn.commit()
    return out


def _due(catalog: Catalog, years: tuple[int | None, int | None]) -> list[dict[str, Any]]:
    """Dated obligations, for the calendar: place, date, task, departments (lead first), notice."""
    lo, hi = f"{years[0] or 0:04d}-01-01", f"{years[1] or 9999:04d}-12-31"
    return _rows(catalog, f"""
        SELECT {PLACE} AS place, o.deadline AS date, o.text, l.departments, d.title, d.doc_number, o.section,
               o.id AS obligation_id
        FROM obligations o JOIN documents d ON d.id = o.document_id JOIN obligation_list l ON l.id = o.id
        WHERE o.document_id IN ({SELECTED}) AND o.deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
          AND o.deadline BETWEEN ? AND ?
        ORDER BY o.deadline, place""", [lo, hi])
