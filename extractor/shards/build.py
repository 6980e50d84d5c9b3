"""``catalog build``: shards merged into a SQLite catalog by the catalog's own ingest, run by run, in order."""
from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..db import Catalog, Extracted, Summary
from . import layout

#: Shard files whose notices are kept in memory at once while the records are replayed in order.
OPEN_FILES = 64


def _filter(province: str | None, years: tuple[int, int] | None) -> Any:
    import pyarrow.dataset as ds

    keep = None
    if province:
        keep = ds.field("province") == province
    if years:
        span = (ds.field("year") >= years[0]) & (ds.field("year") <= years[1])
        keep = span if keep is None else keep & span
    return keep


def records(folders: list[Path], province: str | None = None, years: tuple[int, int] | None = None
            ) -> Iterator[Extracted]:
    """The shards' files in run and position order, each as :class:`Extracted` (notices unpickled a shard file at
    a time, so memory holds a few files' notices, not the backlog's); refuses shards of another version."""
    found = layout.dataset(folders, "notices")
    if found is None:
        return
    order = []
    for fragment in found.get_fragments(filter=_filter(province, years)):
        small = fragment.to_table(columns=["run", "position", "version"]).to_pylist()
        order += [(r["run"], r["position"], fragment.path, i, r["version"]) for i, r in enumerate(small)]
    order.sort()
    versions = {o[4] for o in order} - {layout.version()}
    if versions:
        raise ValueError(f"shards written by policyx {', '.join(sorted(versions))}; this is {layout.version()}: "
                         "build them with the version that wrote them")
    opened: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    import pyarrow.parquet as pq

    for _, _, path, i, _ in order:
        if path not in opened:
            opened[path] = pq.read_table(path, columns=["path", "key", "hash", "reason", "document"]).to_pylist()
            if len(opened) > OPEN_FILES:
                opened.popitem(last=False)
        opened.move_to_end(path)
        r = opened[path][i]
        document, sig = pickle.loads(r["document"]) if r["document"] else (None, None)
        yield Extracted(r["path"], r["hash"], r["key"], document, sig, r["reason"] or "")


def build(folders: list[Path], catalog: Catalog, arguments: list[str], province: str | None = None,
          years: tuple[int, int] | None = None) -> Summary:
    """Merge shard folders into the catalog as one ingest run; the summary of what it added, merged, failed."""
    summary = Summary()
    run_id = catalog.start_run(arguments)
    for outcome in catalog.ingest_extracted(records(folders, province, years), run_id):
        summary.add(outcome)
    catalog.finish_run(run_id, summary)
    return summary
