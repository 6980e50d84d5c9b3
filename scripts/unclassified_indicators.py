"""List the targets of a catalog whose wording falls in no indicator of patterns/indicators.csv.

The list an analyst works through to extend the taxonomy: each wording, how often it occurs, its units and an
example sentence.

    python scripts/unclassified_indicators.py outputs/catalog.db [--limit 50]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.db import Catalog  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default="outputs/catalog.db")
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    with Catalog.open(args.db) as catalog:
        total = catalog.conn.execute("SELECT count(*) FROM targets").fetchone()[0]
        rows = list(catalog.db.query("""
            SELECT indicator, count(*) AS n, group_concat(DISTINCT unit) AS units, min(sentence) AS example
            FROM targets WHERE indicator_key IS NULL GROUP BY indicator ORDER BY n DESC, indicator LIMIT ?""",
                                     [args.limit]))
        missing = catalog.conn.execute("SELECT count(*) FROM targets WHERE indicator_key IS NULL").fetchone()[0]
    print(f"{missing} of {total} targets fall in no indicator family")
    for r in rows:
        print(f"{r['n']:>4}  {r['indicator']}  [{r['units']}]  {r['example'][:60]}")


if __name__ == "__main__":
    main()
