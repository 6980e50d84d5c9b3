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
    "documents": ["run", "position", "hash", "identity", "title", "doc_number", "issuer", "city", "county", "level",
                  "date_written", "format"],
    "targets": ["run", "position", "hash", "indicator", "indicator_key", "family", "value", "value_max", "unit",
                "value_norm", "value_max_norm", "unit_norm", "comparator", "change", "target_year", "text", "sentence",
                "section"],
    "amounts": ["run", "position", "hash", "value_yuan", "value_yuan_max", "recurrence", "role", "purpose", "payer",
                "kind", "unit", "text", "sentence", "section"],
}
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


def identity(record: Extracted) -> str:
    """What makes two copies one notice, as far as a shard can tell alone: its doc number and place, else its
    title and place, else its content (near-identical texts are found when shards are built into a catalog)."""
    meta = record.document.metadata if record.document else None
    if meta is None:
        return f"hash:{record.digest}"
    place = f"{meta.province or ''}|{meta.city or ''}|{meta.county or ''}"
    if meta.doc_number:
        return f"number:{meta.doc_number}|{place}"
    if meta.title:
        return f"title:{title_key(meta.title)}|{place}"
    return f"hash:{record.digest}"


def rows(record: Extracted, run: str, position: int) -> dict[str, list[dict[str, Any]]]:
    """The rows one input file gives each table."""
    from ..indicators import classify

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
        return {**out, "documents": [], "targets": [], "amounts": []}
    out["documents"] = [{**common, "identity": out["notices"][0]["identity"], "title": meta.title,
                         "doc_number": meta.doc_number, "issuer": meta.issuer, "city": meta.city, "county": meta.county,
                         "level": meta.level, "date_written": meta.date_written, "format": doc.source.format}]
    out["targets"] = [{**common, "indicator": t.indicator, "value": t.value, "value_max": t.value_max, "unit": t.unit,
                       "comparator": t.comparator, "change": t.change, "target_year": t.year, "text": t.text,
                       "sentence": t.sentence, "section": t.section, **classify(t)} for t in doc.targets]
    out["amounts"] = [{**common, "value_yuan": a.value_yuan, "value_yuan_max": a.value_yuan_max,
                       "recurrence": a.recurrence, "role": a.role, "purpose": a.purpose, "payer": a.payer,
                       "kind": a.kind, "unit": a.unit, "text": a.text, "sentence": a.sentence, "section": a.section}
                      for a in doc.amounts]
    return out


def write(folder: Path, run: str, part: int, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Write one bag partition's rows: one Parquet file per table, province and year."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, columns in TABLES.items():
        found = tables.get(name) or []
        if not found:
            continue
        table = pa.Table.from_pylist([{c: r.get(c) for c in [*columns, *PARTITIONS]} for r in found])
        pq.write_to_dataset(table, root_path=str(folder / name), partition_cols=PARTITIONS,
                            basename_template=f"{run}-{part:05d}-{{i}}.parquet",
                            existing_data_behavior="overwrite_or_ignore")


def dataset(folders: list[Path], name: str) -> Any:
    """One table of one or more shard folders as a pyarrow dataset (hive partitions as columns)."""
    import pyarrow.dataset as ds

    parts = [ds.dataset(str(f / name), format="parquet", partitioning="hive") for f in folders if (f / name).exists()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ds.dataset(parts)
