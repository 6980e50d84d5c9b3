"""The pipeline on Dask (issue 13): shards written by a LocalCluster of two worker processes, merged into a catalog
that holds exactly the rows of a plain ingest of the same files."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
#: Columns that say when a row was written, not what it holds.
from extractor.shards.layout import TABLES  # noqa: E402

WHEN = {"ingested_at", "at", "started_at", "finished_at", "arguments", "pid"}


def policyx(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def _rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS internals and the runs log aside), without the time columns."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                         "'%_fts%' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('runs', 'title_vocab')")]
    out = {}
    for table in tables:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in WHEN]
        out[table] = sorted(conn.execute(f"SELECT {', '.join(map(repr, columns))} FROM {table}").fetchall(), key=repr)
    conn.close()
    return out


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[Path]:
    """The bundled corpus, 40 notices generated from it, and two files that cannot be read."""
    from extractor.bench import corpus, variants

    folder = tmp_path_factory.mktemp("shard-input")
    shutil.copytree(CORPORA, folder / "corpora")
    variants(corpus(), 40, folder / "variants")
    (folder / "bad").mkdir()
    (folder / "bad" / "empty.txt").write_bytes(b"")
    (folder / "bad" / "junk.pdf").write_bytes(b"%PDF-1.4 not really")
    return [folder]


@pytest.fixture(scope="module")
def sharded(files, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The files extracted by a LocalCluster of two worker processes into shards."""
    shards = tmp_path_factory.mktemp("shards") / "shards"
    return shards, policyx("ingest", *files, "--engine", "dask", "--shards", shards, "--jobs", "2")


def test_a_catalog_built_from_dask_shards_equals_a_plain_ingest(files, sharded, tmp_path):
    (shards, run), built, plain = sharded, tmp_path / "built.db", tmp_path / "plain.db"
    assert run.returncode == 1, run.stderr[-1000:]  # two files fail, as rows of the shards
    assert "2 failed" in run.stdout and "0 already in the shards" in run.stdout
    assert {line.split(": ")[-1] for line in run.stderr.splitlines() if line.startswith("error:")} >= {"empty file"}
    assert sorted(p.name for p in shards.iterdir()) == sorted(TABLES)
    merged = policyx("catalog", "build", shards, "--db", built)
    assert merged.returncode == 0, merged.stderr[-1000:]
    ingested = policyx("ingest", *files, "--db", plain, "--jobs", "1")
    assert ingested.returncode == 1
    assert merged.stdout.split(" -> ")[0] == ingested.stdout.split(" -> ")[0]  # the same summary line
    mine, theirs = _rows(built), _rows(plain)
    assert set(mine) == set(theirs)
    for table in theirs:
        assert mine[table] == theirs[table], table
    assert len(theirs["documents"]) >= 50 and len(theirs["failures"]) == 2
    # a second run finds every notice in the shards and tries only the failed files again
    again = policyx("ingest", *files, "--engine", "dask", "--shards", shards, "--jobs", "2")
    assert "0 extracted" in again.stdout and "2 failed" in again.stdout


def test_a_regional_catalog_from_national_shards(sharded, tmp_path):
    (shards, _), db = sharded, tmp_path / "region.db"
    assert policyx("catalog", "build", shards, "--db", db, "--province", "内蒙古自治区").returncode == 0
    conn = sqlite3.connect(db)
    provinces = {r[0] for r in conn.execute("SELECT DISTINCT province FROM documents")}
    assert provinces == {"内蒙古自治区"}
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= 4


def _same(row: dict) -> str:
    """A comparison row as both engines must give it: ids left out (each store numbers its rows), whole floats as
    integers, the bodies of a department list as a set."""
    def value(key: str, v: object) -> object:
        if key == "departments" and isinstance(v, str):
            return ",".join(sorted(v.split(",")))
        return int(v) if isinstance(v, float) and v.is_integer() else v

    return json.dumps({k: value(k, v) for k, v in row.items() if not k.endswith("_id")}, sort_keys=True,
                      ensure_ascii=False)


@pytest.mark.parametrize("selection", [[], ["--summary"], ["--cities", "包头,乌海,柳河"],
                                       ["--cities", "内蒙古", "--summary"], ["--indicator", "研发"],
                                       ["--parent", "内政发〔2021〕13号"], ["--parent", "大气污染防治法"],
                                       ["--doc", "包头"]])
def test_compare_over_shards_answers_as_over_their_catalog(sharded, tmp_path, selection):
    """DuckDB over the shards gives the rows of the catalog built from them, table by table, lineage included."""
    (shards, _), db = sharded, tmp_path / "c.db"
    assert policyx("catalog", "build", shards, "--db", db).returncode == 0
    over_shards = json.loads(policyx("compare", "--shards", shards, *selection, "--format", "json").stdout)
    over_catalog = json.loads(policyx("compare", "--db", db, *selection, "--format", "json").stdout)
    assert set(over_shards) == set(over_catalog)
    for table in over_catalog:
        assert sorted(map(_same, over_shards[table])) == sorted(map(_same, over_catalog[table])), table
    assert over_catalog["documents"]
    if not selection:  # the bundled regulations cite their national law by title; others are linked by inference
        assert over_catalog["targets"]
        assert {r["link"] for r in over_shards["lineage"]} == {"title", "inferred"}
    assert len(list((Path(shards) / "links").glob("*.parquet"))) == 2  # found once (links, citations), then read
