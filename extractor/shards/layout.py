"""What a shard folder holds: one Parquet dataset per table, partitioned by province and year (hive style:
``notices/province=河南省/year=2023/RUN-PART-0.parquet``), and the rows each extracted file gives them."""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from ..db import Extracted
from ..identity import title_key

#: Partition columns of every table.
PARTITIONS = ["province", "year"]
#: The tables of a shard folder and the columns of each (besides the partition columns).
TABLES: dict[str, list[str]] = {
    "notices": ["run", "position", "path", "key", "hash", "identity", "reason", "version", "document"],
    "documents": ["run", "position", "hash", "identity", "title_key", "title", "doc_number", "issuer", "city", "county", "level",
                  "date_written", "format", "signature", "opening"],
    "targets": ["run", "position", "hash", "item", "obligation", "indicator", "indicator_key", "family", "value",
                "value_max", "unit", "value_norm", "value_max_norm", "unit_norm", "comparator", "change",
                "target_year", "text", "sentence", "section", "start", "end"],
    "amounts": ["run", "position", "hash", "item", "obligation", "value_yuan", "value_yuan_max", "recurrence", "role",
                "purpose", "payer", "kind", "unit", "text", "sentence", "section", "start", "end"],
    "obligations": ["run", "position", "hash", "item", "text", "section", "deadline", "due", "due_from", "start",
                    "end"],
    "obligation_departments": ["run", "position", "hash", "obligation", "rank", "name", "canonical", "function",
                               "level", "role"],
    "citations": ["run", "position", "hash", "item", "doc_number", "title", "start", "end", "title_key", "head"],
}
#: Columns stored as floating point whatever Python number the extractor gave (as the catalog's REAL columns).
FLOATS = {"value", "value_max", "value_norm", "value_max_norm", "value_yuan", "value_yuan_max"}
#: Where a notice without a province or a year is filed.
UNKNOWN_PROVINCE, UNKNOWN_YEAR = "unknown", 0


def version() -> str:
    """The policyx version that wrote a shard: only the same version merges its pickled notices."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("policy-extractor")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "source"


def _place(meta: Any) -> str:
    return f"{meta.province or ''}|{meta.city or ''}|{meta.county or ''}"


def identity(record: Extracted) -> str:
    """What makes two copies one notice, as far as a shard can tell alone: its doc number and place, else its
    title and place (see :func:`titled`), else its content (near-identical texts are found when shards are built
    into a catalog)."""
    meta = record.document.metadata if record.document else None
    if meta is None:
        return f"hash:{record.digest}"
    if meta.doc_number:
        return f"number:{meta.doc_number}|{_place(meta)}"
    return titled(record) or f"hash:{record.digest}"


def titled(record: Extracted) -> str | None:
    """The notice's title and place: a copy that lost its doc number (a PDF) is the notice of that title there."""
    meta = record.document.metadata if record.document else None
    return f"title:{title_key(meta.title)}|{_place(meta)}" if meta and meta.title else None


def rows(record: Extracted, run: str, position: int) -> dict[str, list[dict[str, Any]]]:
    """The rows one input file gives each table."""
    from ..db import Catalog
    from ..identity import title_keys
    from ..indicators import classify
    from ..lineage import OPENING

    doc = record.document
    meta = doc.metadata if doc else None
    date = (meta.date_written or meta.date_published or "") if meta else ""
    common = {"run": run, "position": position, "hash": record.digest,
              "province": (meta.province if meta else None) or UNKNOWN_PROVINCE,
              "year": int(date[:4]) if date[:4].isdigit() else UNKNOWN_YEAR}
    out: dict[str, list[dict[str, Any]]] = {"notices": [{
        **common, "path": record.path, "key": record.key, "identity": identity(record), "reason": record.reason,
        "version": version(),
        "document": pickle.dumps((doc, record.signature), protocol=pickle.HIGHEST_PROTOCOL) if doc else None}]}
    if doc is None:
        return {**out, **{name: [] for name in TABLES if name != "notices"}}
    owner = {"targets": {}, "amounts": {}}  # the first obligation holding each target and amount, as the catalog says
    for i, o in enumerate(doc.obligations):
        for t in o.targets:
            owner["targets"].setdefault(t, i)
        for a in o.amounts:
            owner["amounts"].setdefault(a, i)
    out["documents"] = [{**common, "identity": out["notices"][0]["identity"], "title_key": titled(record),
                         "title": meta.title,
                         "doc_number": meta.doc_number, "issuer": meta.issuer, "city": meta.city, "county": meta.county,
                         "level": meta.level, "date_written": meta.date_written, "format": doc.source.format,
                         "signature": record.signature.tobytes(), "opening": doc.text[:OPENING]}]
    out["targets"] = [{**common, "item": i, "obligation": owner["targets"].get(i), "indicator": t.indicator, "value": t.value, "value_max": t.value_max, "unit": t.unit,
                       "comparator": t.comparator, "change": t.change, "target_year": t.year, "text": t.text,
                       "sentence": t.sentence, "section": t.section, "start": t.start, "end": t.end, **classify(t)}
                      for i, t in enumerate(doc.targets)]
    out["amounts"] = [{**common, "item": i, "obligation": owner["amounts"].get(i), "value_yuan": a.value_yuan, "value_yuan_max": a.value_yuan_max,
                       "recurrence": a.recurrence, "role": a.role, "purpose": a.purpose, "payer": a.payer,
                       "kind": a.kind, "unit": a.unit, "text": a.text, "sentence": a.sentence, "section": a.section,
                       "start": a.start, "end": a.end} for i, a in enumerate(doc.amounts)]
    out["obligations"] = [{**common, "item": i, "text": o.text.strip(), "section": o.section, "deadline": o.deadline,
                           "due": o.due, "due_from": o.due_from, "start": o.start, "end": o.end}
                          for i, o in enumerate(doc.obligations)]
    out["obligation_departments"] = [
        {**common, "obligation": i, "rank": k, "name": u.name, "canonical": u.canonical, "function": u.function,
         "level": u.level, "role": u.role} for i, o in enumerate(doc.obligations) for k, u in enumerate(o.units)]
    own_keys = {k for k, _ in title_keys(meta.title)}  # what lineage needs: the citations as the catalog keeps them
    out["citations"] = [{**common, "item": i, **{k: c.get(k) for k in TABLES["citations"][4:]}}
                        for i, c in enumerate(Catalog.citation_rows(0, meta, own_keys))]
    return out


def write(folder: Path, run: str, part: int, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Write one bag partition's rows: one Parquet file per table, province and year."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, columns in TABLES.items():
        found = tables.get(name) or []
        if not found:
            continue
        table = pa.Table.from_pylist([{c: float(r[c]) if c in FLOATS and r.get(c) is not None else r.get(c)
                                       for c in [*columns, *PARTITIONS]} for r in found])
        pq.write_to_dataset(table, root_path=str(folder / name), partition_cols=PARTITIONS,
                            basename_template=f"{run}-{part:05d}-{{i}}.parquet",
                            existing_data_behavior="overwrite_or_ignore", compression="zstd")


def leaves(folder: Path, run: str) -> list[str]:
    """The partition folders a run wrote files into (each bag partition writes its own file in each)."""
    return sorted({str(p.parent) for name in TABLES for p in (folder / name).rglob(f"{run}-*.parquet")})


def compact(leaf: str, run: str) -> None:
    """Merge one partition folder's files of a run into one, so a reader opens a file per partition, not one per
    bag partition in it (a run of 50,000 notices leaves some 180,000 small files otherwise)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(Path(leaf).glob(f"{run}-*.parquet"))
    if len(parts) < 2:
        return
    table = pa.concat_tables([pq.read_table(p, partitioning=None) for p in parts], promote_options="default")
    pq.write_table(table, Path(leaf) / f"{run}.tmp", compression="zstd")
    for p in parts:
        p.unlink()
    (Path(leaf) / f"{run}.tmp").rename(Path(leaf) / f"{run}-all.parquet")


def dataset(folders: list[Path], name: str) -> Any:
    """One table of one or more shard folders as a pyarrow dataset (hive partitions as columns)."""
    import pyarrow.dataset as ds

    parts = [ds.dataset(str(f / name), format="parquet", partitioning="hive") for f in folders if (f / name).exists()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ds.dataset(parts)
