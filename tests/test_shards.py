"""The pipeline on Dask (issue 13): shards written by a LocalCluster of two worker processes, merged into a catalog
that holds exactly the rows of a plain ingest of the same files."""
from __future__ import annotations

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


def test_a_catalog_built_from_dask_shards_equals_a_plain_ingest(files, tmp_path):
    shards, built, plain = tmp_path / "shards", tmp_path / "built.db", tmp_path / "plain.db"
    run = policyx("ingest", *files, "--engine", "dask", "--shards", shards, "--jobs", "2")
    assert run.returncode == 1, run.stderr[-1000:]  # two files fail, as rows of the shards
    assert "2 failed" in run.stdout and "0 already in the shards" in run.stdout
    assert {line.split(": ")[-1] for line in run.stderr.splitlines() if line.startswith("error:")} >= {"empty file"}
    assert sorted(p.name for p in shards.iterdir()) == ["amounts", "documents", "notices", "targets"]
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


def test_a_regional_catalog_from_national_shards(files, tmp_path):
    shards, db = tmp_path / "shards", tmp_path / "region.db"
    policyx("ingest", *files, "--engine", "dask", "--shards", shards, "--jobs", "2")
    assert policyx("catalog", "build", shards, "--db", db, "--province", "内蒙古自治区").returncode == 0
    conn = sqlite3.connect(db)
    provinces = {r[0] for r in conn.execute("SELECT DISTINCT province FROM documents")}
    assert provinces == {"内蒙古自治区"}
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= 4
