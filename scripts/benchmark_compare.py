"""Benchmark: ``compare`` over every place of a large catalog.

Builds a catalog from corpora/, then grows it to N notices (default 50,000) by copying every extracted row
in SQL under new ids, each copy filed under another prefecture-level city of patterns/regions.csv (the FTS
triggers of the copy are dropped: compare does not search text), then rebuilds the per-place rollups. Times
the library call that builds every table over all places and over one province (both summarised per place),
and over three cities (every row), best of 3.

    .venv/bin/python scripts/benchmark_compare.py [--notices 50000] [--db /tmp/bench-compare.db]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.compare import compare, rollup  # noqa: E402
from extractor.db import Catalog, expand_paths  # noqa: E402
from extractor.patterns import table  # noqa: E402

COPIED = {  # table -> columns that point at another copied table
    "documents": (), "sections": ("document_id", "parent_id"), "obligations": ("document_id", "section_id"),
    "obligation_departments": ("obligation_id",), "targets": ("document_id", "obligation_id", "section_id"),
    "amounts": ("document_id", "obligation_id", "section_id"), "deadlines": ("document_id", "obligation_id", "section_id"),
    "links": ("child_id", "parent_id"), "sources": ("document_id",),
}
TARGET_OF = {"document_id": "documents", "parent_id": "sections", "section_id": "sections",
             "obligation_id": "obligations", "child_id": "documents"}


def grow(catalog: Catalog, notices: int) -> None:
    db = catalog.db
    for name in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f"DROP TRIGGER {name[0]}")
    base = db["documents"].count
    span = {t: db.conn.execute(f"SELECT coalesce(max({'rowid'}), 0) FROM {t}").fetchone()[0] + 1 for t in COPIED}
    cities = [r for r in table("regions") if r["level"] == "city"]
    db.execute("CREATE TEMP TABLE places (n INTEGER PRIMARY KEY, city TEXT, province TEXT)")
    db.conn.executemany("INSERT INTO places VALUES (?, ?, ?)",
                        [(i, r["name"], r["province"]) for i, r in enumerate(cities)])
    with db.conn:
        for k in range(1, -(-notices // base)):
            for t, refs in COPIED.items():
                cols = [c.name for c in db[t].columns]
                exprs = []
                for c in cols:
                    if c == "id":
                        exprs.append(f"id + {k * span[t]}")
                    elif c in refs:
                        exprs.append(f"{c} + {k * span[TARGET_OF[c] if t != 'links' else 'documents']}")
                    elif t == "documents" and c in ("text", "text_seg"):
                        exprs.append("''")
                    elif t == "documents" and c == "hash":
                        exprs.append(f"hash || '-{k}'")
                    elif t == "sources" and c in ("hash", "path"):
                        exprs.append(f"{c} || '-{k}'")
                    else:
                        exprs.append(c)
                if t == "obligation_departments":
                    db.execute(f"INSERT INTO {t} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {t} "
                               f"WHERE obligation_id < {span['obligations']}")
                else:
                    key = "child_id" if t == "links" else "id"
                    db.execute(f"INSERT INTO {t} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {t} "
                               f"WHERE {key} < {span[t if t != 'links' else 'documents']}")
        db.execute(f"""UPDATE documents SET county = NULL,
                         city = (SELECT city FROM places WHERE n = documents.id % (SELECT count(*) FROM places)),
                         province = (SELECT province FROM places WHERE n = documents.id % (SELECT count(*) FROM places))
                       WHERE id >= {span['documents']}""")
    with db.conn:
        rollup.refresh(db)
    db.execute("ANALYZE")


def best(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=50_000)
    parser.add_argument("--db", default="/tmp/bench-compare.db")
    args = parser.parse_args()
    path = Path(args.db)
    if path.exists():
        path.unlink()
    with Catalog.open(path) as catalog:
        run = catalog.start_run(["corpora"])
        from extractor.db import Summary

        summary = Summary()
        for outcome in catalog.ingest(expand_paths(["corpora"]), run):
            summary.add(outcome)
        catalog.finish_run(run, summary)
        t = time.perf_counter()
        grow(catalog, args.notices)
        built = time.perf_counter() - t
        counts = {k: v for k, v in catalog.counts().items() if k in ("documents", "targets", "amounts", "obligations")}
        print(f"catalog: {counts} (grown in {built:.1f} s)")
        everything = best(lambda: compare(catalog))
        result = compare(catalog)
        print(f"compare, every place: {everything:.2f} s "
              f"({len(result.places())} places, {len(result.targets)} target rows, {len(result.money)} money rows)")
        province = best(lambda: compare(catalog, cities=["山东"]))
        print(f"compare, one province (山东): {province:.3f} s")
        cities = best(lambda: compare(catalog, cities=["包头", "乌海", "赤峰"]))
        print(f"compare --cities 包头,乌海,赤峰: {cities:.3f} s")


if __name__ == "__main__":
    main()
