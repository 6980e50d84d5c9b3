"""``ingest --engine dask``: the pipeline over a ``dask.bag`` of input files, results written as shards."""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import layout

#: Files per bag partition: enough to keep a worker busy between scheduler round trips, few enough to balance.
PARTITION_FILES = 100


@dataclass
class ShardRun:
    """What one run wrote: its label, how many files it was given, skipped (already in the shards), extracted,
    and the files that failed with their reasons."""

    run: str
    files: int = 0
    skipped: int = 0
    extracted: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def _known(folder: Path) -> set[tuple[str, str]]:
    """(key, hash) of every file the shards hold extracted already (failed files are tried again)."""
    found = layout.dataset([folder], "notices")
    if found is None:
        return set()
    table = found.to_table(columns=["key", "hash", "reason"]).to_pylist()
    return {(r["key"], r["hash"]) for r in table if not r["reason"]}


def _partition(items: list[tuple[int, str]], folder: str, run: str, timeout: float | None) -> list[dict[str, Any]]:
    """A bag partition's task: extract each file with the library code, write the partition's shards, and return
    one small line per file (the documents stay in the shards)."""
    from ..db import extract_one

    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in layout.TABLES}
    done = []
    for position, path in items:
        record = extract_one(path, timeout)
        for name, found in layout.rows(record, run, position).items():
            tables[name].extend(found)
        done.append({"position": position, "path": record.path, "reason": record.reason})
    if items:
        layout.write(Path(folder), run, items[0][0], tables)
    return done


def ingest(paths: list[str], folder: Path, scheduler: str | None = None, workers: int = 2,
           timeout: float | None = None) -> ShardRun:
    """Extract ``paths`` on a Dask cluster (``scheduler``'s address, else a ``LocalCluster`` of ``workers``
    processes) into the shard folder; files already in it are skipped."""
    import dask.bag as bag
    from dask.distributed import Client, LocalCluster

    from ..db import _identify
    from ..model import InputError

    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    out = ShardRun(run=time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}", files=len(paths))
    known = _known(folder)
    todo = []
    for position, path in enumerate(paths):
        if known:  # a re-run: files whose key and content are in the shards are done
            try:
                digest, key = _identify(path)
            except InputError:
                digest = key = ""  # extracted (and failed) with the rest, so its failure is a row of the shards
            if (key, digest) in known:
                out.skipped += 1
                continue
        todo.append((position, path))
    if todo:
        cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                      dashboard_address=None)
        with Client(scheduler or cluster) as client:
            parts = max(1, min(len(todo), max(2 * workers, math.ceil(len(todo) / PARTITION_FILES))))
            size = math.ceil(len(todo) / parts)
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            lines = bag.from_sequence(chunks, npartitions=len(chunks)).map(
                _partition, str(folder.resolve()), out.run, timeout).flatten().compute(scheduler=client)
            client.gather(client.map(layout.compact, layout.leaves(folder, out.run), run=out.run))
        if cluster is not None:
            cluster.close()
        out.extracted = sum(1 for line in lines if not line["reason"])
        out.failures = [(line["path"], line["reason"]) for line in sorted(lines, key=lambda x: x["position"])
                        if line["reason"]]
    out.seconds = time.perf_counter() - start
    return out
