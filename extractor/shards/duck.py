"""``compare --shards``: a comparison answered over Parquet shards with DuckDB, with no SQLite catalog.

:func:`open_shards` reads the shards' tables and lays over them the catalog's own tables as DuckDB tables
(``documents``, ``targets``, ``amounts``, ``obligations``, ``obligation_departments``, ``departments``,
``sources``): copies resolved into notices as the catalog resolves them (:mod:`extractor.shards.notices`), each
notice with its primary copy's extraction, ids in the order notices first appear. The per-place rollups are then
filled by the same SQL the catalog uses (:mod:`extractor.compare.rollup`), so :func:`extractor.compare.compare`
runs unchanged on the result. Lineage, which links notices across the whole set, is found the first time it is
asked for by the catalog's own linking code (:func:`extractor.lineage.link`) over the notices' titles, openings and
citations (:func:`_links`), and listed by the catalog's own query.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import layout

_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE"}
#: Item ids: a notice's id times this, plus the item's index in the notice (notices hold far fewer items).
ITEMS = 1_000_000


class _Cursor:
    """A DuckDB result as a SQLite cursor: rows by ``fetchall``/``fetchone`` or by iteration, and ``description``."""

    def __init__(self, result: Any) -> None:
        self.description = result.description
        self._rows = result.fetchall() if result.description else []

    def fetchall(self) -> list[tuple]:
        return self._rows

    def fetchone(self) -> tuple | None:
        return self._rows[0] if self._rows else None

    def __iter__(self) -> Any:
        return iter(self._rows)


class _Connection:
    """A DuckDB connection as the comparison uses a SQLite one (``commit`` ends no transaction here)."""

    def __init__(self, duck: Any) -> None:
        self.duck = duck

    def execute(self, sql: str, params: Any = ()) -> _Cursor:
        if isinstance(params, dict):  # SQLite's :name parameters are DuckDB's $name
            sql = re.sub(r"(?<![:\w]):(\w+)", r"$\1", sql)
        return _Cursor(self.duck.execute(sql, params or None))

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = list(rows)
        return self.duck.executemany(sql, rows) if rows else None

    def commit(self) -> None:
        """Nothing to commit: the shards are read only."""


class ShardCatalog:
    """The part of :class:`extractor.db.Catalog` a comparison reads, over shards."""

    def __init__(self, duck: Any, links: Path | None = None) -> None:
        self.conn = _Connection(duck)
        self.db = self.conn  # what lineage's queries (descendants) run on
        self.links = links
        self.linked = False

    def refresh_rollups(self) -> None:
        """The rollups were filled when the shards were opened."""

    def _rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor]

    def _link(self) -> None:
        """Links and resolved citations, found (or read) the first time they are needed."""
        if not self.linked:
            _links(self.conn.duck, self.links)
            self.linked = True

    def lineage(self, children: str | None = None, params: Any = ()) -> list[dict[str, Any]]:
        """Every written or inferred link, as :meth:`extractor.db.Catalog.lineage` lists them."""
        from ..db import lineage_sql

        self._link()
        return self._rows(lineage_sql(children), params)

    def find_documents(self, ref: str) -> list[dict[str, Any]]:
        """Notices named by id, hash prefix, doc number or title words, as the catalog finds them (for
        ``--parent`` and ``--doc``; lineage is found first, as a parent's children are its links)."""
        from ..db import find_documents

        self._link()
        return find_documents(self._rows, ref, names=False)


def _links(duck: Any, kept: Path | None) -> None:
    """Fill a ``links`` table: the notices' titles, openings and citations put into a scratch catalog, linked there
    by the catalog's own code as one ingest run links its notices, and its links copied back. They are kept in
    the ``kept`` file (when it can be written) and read from it next time."""
    import tempfile

    cited = kept.with_name(f"{kept.stem}-cited.parquet") if kept is not None else None
    if kept is not None and kept.exists() and cited.exists():
        duck.execute(f"CREATE TABLE links AS SELECT * FROM read_parquet({_quoted(kept)})")
        duck.execute(f"CREATE TABLE resolved_citations AS SELECT * FROM read_parquet({_quoted(cited)})")
        _cite(duck)
        return

    from ..db import Catalog
    from ..identity import title_keys
    from ..lineage import link

    documents = duck.execute("SELECT id, title, doc_number, level, date_written, province, city, county, opening "
                             "FROM documents ORDER BY id").fetchall()
    citations = duck.execute('SELECT document_id, doc_number, title, start, "end", title_key, head, item '
                             "FROM citations ORDER BY document_id, item").fetchall()
    with tempfile.TemporaryDirectory() as scratch, Catalog.open(Path(scratch) / "lineage.db") as catalog:
        with catalog.conn:
            catalog.db["documents"].insert_all(
                {"id": d[0], "hash": str(d[0]), "path": str(d[0]), "title": d[1], "doc_number": d[2], "level": d[3],
                 "date_written": d[4], "province": d[5], "city": d[6], "county": d[7], "text": d[8]}
                for d in documents)
            catalog.db["title_keys"].insert_all({"key": k, "head": h, "document_id": d[0]}
                                                for d in documents for k, h in title_keys(d[1]))
            catalog.db["citations"].insert_all(
                {"id": n, **dict(zip(("document_id", "doc_number", "title", "start", "end", "title_key", "head"), c))}
                for n, c in enumerate(citations, 1))
            link(catalog.db, [d[0] for d in documents])
        found = catalog.conn.execute("SELECT child_id, parent_id, link, score FROM links ORDER BY id").fetchall()
        resolved = catalog.conn.execute("SELECT id, cited_document_id FROM citations "
                                        "WHERE cited_document_id IS NOT NULL").fetchall()
    duck.execute("CREATE TABLE links (child_id BIGINT, parent_id BIGINT, link VARCHAR, score DOUBLE)")
    if found:
        duck.executemany("INSERT INTO links VALUES (?, ?, ?, ?)", found)
    duck.execute("CREATE TABLE resolved_citations (document_id BIGINT, item BIGINT, cited_document_id BIGINT)")
    if resolved:
        duck.executemany("INSERT INTO resolved_citations VALUES (?, ?, ?)",
                         [(citations[n - 1][0], citations[n - 1][7], parent) for n, parent in resolved])
    _cite(duck)
    if kept is not None:
        import duckdb

        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            for table, path in (("resolved_citations", cited), ("links", kept)):
                duck.execute(f"COPY {table} TO {_quoted(f'{path}.tmp')} (FORMAT parquet)")
                Path(f"{path}.tmp").rename(path)
        except (OSError, duckdb.IOException):  # a read-only shard folder: the links are found again next time
            pass


def _cite(duck: Any) -> None:
    """Give each citation the notice it names (``cited_document_id``), as the catalog's citations hold it."""
    duck.execute("ALTER TABLE citations ADD COLUMN cited_document_id BIGINT")
    duck.execute("""UPDATE citations SET cited_document_id = r.cited_document_id FROM resolved_citations r
                    WHERE r.document_id = citations.document_id AND r.item = citations.item""")


def _kept_links(duck: Any, folders: list[Path]) -> Path:
    """Where the links of exactly these notices are kept: a file under the first shard folder named by the runs
    and notices read (in order) and the policyx version, so new runs or another version link afresh."""
    import hashlib

    runs = duck.execute("SELECT run, count(*), min(id) FROM resolved GROUP BY run ORDER BY 3").fetchall()
    key = hashlib.sha1(repr(([str(f.resolve()) for f in folders], runs, layout.version())).encode()).hexdigest()[:16]
    return folders[0] / "links" / f"{key}.parquet"


def _quoted(path: Path | str) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _parquet(folders: list[Path], table: str) -> str:
    paths = [str(f / table / "**" / "*.parquet") for f in folders if (f / table).exists()]
    return f"read_parquet({paths!r}, hive_partitioning = true, union_by_name = true)"


def open_shards(folders: list[Path]) -> ShardCatalog:
    """DuckDB over the shard folders, with the catalog's tables and rollups (see the module's docstring)."""
    import duckdb

    from ..compare import rollup
    from .notices import resolve

    duck = duckdb.connect()
    duck.execute("SET integer_division = true")  # as SQLite divides integers, which the catalog's SQL assumes
    duck.execute(f"CREATE TABLE raw_documents AS SELECT * FROM {_parquet(folders, 'documents')}")
    copies = duck.execute("SELECT run, position, hash, doc_number, title, issuer, city, county, format, signature "
                          "FROM raw_documents").fetchall()
    names = [c[0] for c in duck.description]
    found = resolve([dict(zip(names, row)) for row in copies])
    import pyarrow as pa

    duck.register("resolving", pa.table({"run": [at[0] for at in found], "position": [at[1] for at in found],
                                         "id": [n for n, _ in found.values()],
                                         "is_primary": [p for _, p in found.values()]}))
    duck.execute("CREATE TABLE resolved AS SELECT * FROM resolving")
    duck.execute("""
        CREATE TABLE picked AS
        SELECT r.*, x.id FROM raw_documents r JOIN resolved x USING (run, position) WHERE x.is_primary""")
    opening = "opening" if "opening" in [c[0] for c in duck.execute("DESCRIBE picked").fetchall()] else \
        "NULL::VARCHAR AS opening"  # shards written before openings were kept
    duck.execute(f"""
        CREATE TABLE documents AS
        SELECT id, hash, title, doc_number, issuer, nullif(province, '{layout.UNKNOWN_PROVINCE}') AS province, city,
               county, level, date_written, {opening} FROM picked""")
    duck.execute("CREATE TABLE sources AS SELECT id AS document_id FROM resolved")
    mine = "JOIN picked d ON d.run = x.run AND d.position = x.position"
    duck.execute(f"""
        CREATE TABLE targets AS
        SELECT d.id * {ITEMS} + x.item AS id, d.id AS document_id, d.id * {ITEMS} + x.obligation AS obligation_id,
               x.indicator, x.indicator_key, x.family, x.value, x.value_max, x.unit, x.value_norm, x.value_max_norm,
               x.unit_norm, x.comparator, x.change, x.target_year AS year, x.text, x.sentence, x.section, x.start,
               x."end"
        FROM {_parquet(folders, 'targets')} x {mine}""")
    duck.execute(f"""
        CREATE TABLE amounts AS
        SELECT d.id * {ITEMS} + x.item AS id, d.id AS document_id, d.id * {ITEMS} + x.obligation AS obligation_id,
               x.value_yuan, x.value_yuan_max, x.recurrence, x.role, x.purpose, x.payer, x.kind, x.unit, x.text,
               x.sentence, x.section, x.start, x."end"
        FROM {_parquet(folders, 'amounts')} x {mine}""")
    duck.execute(f"""
        CREATE TABLE obligations AS
        SELECT d.id * {ITEMS} + x.item AS id, d.id AS document_id, x.text, x.section, x.deadline, x.due, x.due_from,
               x.start, x."end"
        FROM {_parquet(folders, 'obligations')} x {mine}""")
    duck.execute(f"""
        CREATE TABLE bodies AS
        SELECT d.id * {ITEMS} + x.obligation AS obligation_id, x.rank AS position, x.name, x.canonical, x.function,
               x.role, d.city FROM {_parquet(folders, 'obligation_departments')} x {mine}""")
    if any((f / "citations").exists() for f in folders):
        duck.execute(f"""
            CREATE TABLE citations AS
            SELECT d.id AS document_id, x.item, x.doc_number, x.title, x.start, x."end", x.title_key, x.head
            FROM {_parquet(folders, 'citations')} x {mine}""")
    else:  # no notice of these shards cites anything
        duck.execute('CREATE TABLE citations (document_id BIGINT, item BIGINT, doc_number VARCHAR, title VARCHAR, '
                     'start BIGINT, "end" BIGINT, title_key VARCHAR, head VARCHAR)')
    duck.execute("""
        CREATE TABLE departments AS
        SELECT row_number() OVER (ORDER BY canonical, city) AS id, canonical, city, min(function) AS function
        FROM bodies GROUP BY canonical, city""")
    duck.execute("""
        CREATE TABLE obligation_departments AS
        SELECT b.obligation_id, b.position, b.name, b.role, p.id AS department_id
        FROM bodies b JOIN departments p ON p.canonical = b.canonical AND p.city IS NOT DISTINCT FROM b.city""")
    for name, columns in rollup.TABLES.items():
        duck.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {_TYPES[t]}' for c, t in columns.items())})")
        fill = rollup.fill(name, "documents d").replace("CROSS JOIN", "JOIN")
        duck.execute(f"INSERT INTO {name} ({', '.join(columns)}) {fill}")
    return ShardCatalog(duck, _kept_links(duck, folders))
