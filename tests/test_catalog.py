"""The SQLite catalog: ingest, idempotence, replacement, crash safety, search."""
from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.catalog_cli import register
from extractor.db import SCHEMA_VERSION, Catalog
from extractor.pipeline import process
from extractor.readers import read

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
BAD = ROOT / "tests" / "fixtures" / "bad"
BAOTOU = CORPORA / "neimenggu-baotou-2022-gaoxinqu.txt"
#: The seven bundled files: five notices, two of them also as DOCX / PDF copies.
FILES = sorted(CORPORA.glob("*.*"))
#: The copy of each notice whose extraction the catalog keeps (TXT over DOCX and PDF).
KEPT = [p for p in FILES if not (p.suffix in (".docx", ".pdf") and p.with_suffix(".txt").exists())]
FTS_SYNTAX = ['"科技', "科技*", "-科技", "a:b", "(科技", "AND", "科技 OR", "NOT", '"', "*", "科技)", "col:科技"]


def run_cli(*args: str, input: bytes | None = None):
    group = click.Group()
    register(group)
    return CliRunner().invoke(group, list(args), input=input)


@pytest.fixture(scope="module")
def expected() -> dict[str, list]:
    """What the pipeline extracts from each corpus file, keyed by file name."""
    return {p.name: process(read(p)).obligations for p in KEPT}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A catalog built by the CLI from corpora/ plus the bad fixtures."""
    db = tmp_path_factory.mktemp("catalog") / "catalog.db"
    result = run_cli("ingest", "--db", str(db), *map(str, FILES), str(BAD))
    return db, result


@pytest.fixture()
def catalog(built):
    with Catalog.open(built[0]) as cat:
        yield cat


def test_ingest_summary_and_exit_code(built, expected):
    _, result = built
    assert result.exit_code == 1
    total = sum(len(v) for v in expected.values())
    assert f"5 added, 2 merged, 0 unchanged, 0 replaced, 7 failed; extracted {total} obligations" in result.stdout
    for name in ("empty.txt", "junk.txt", "truncated.pdf", "notzip.docx", "bomb.docx", "nobody.html", "old.doc"):
        assert f"error: {BAD / name}: " in result.stderr


def test_failures_table_lists_bad_files_with_reasons(catalog):
    reasons = {Path(r["path"]).name: r["reason"] for r in catalog.failures()}
    assert set(reasons) == {"empty.txt", "junk.txt", "truncated.pdf", "notzip.docx", "bomb.docx", "nobody.html", "old.doc"}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["old.doc"].startswith("unsupported format '.doc'")
    assert "zip bomb" in reasons["bomb.docx"]
    run = catalog.db["runs"].get(1)
    assert (run["added"], run["merged"], run["failed"], run["finished_at"] is not None) == (5, 2, 7, True)


def test_schema(catalog):
    assert catalog.version == SCHEMA_VERSION == 10
    assert catalog.db.journal_mode == "wal"
    keys = {(k.column, k.other_table) for k in catalog.db["obligation_departments"].foreign_keys}
    assert keys == {("obligation_id", "obligations"), ("department_id", "departments")}
    assert {"obligations_fts", "documents_fts", "targets_fts"} <= set(catalog.db.table_names())
    # the index holds no copy of the text: contentless FTS5, no text_seg column beside any text
    assert "content=''" in catalog.db["obligations_fts"].schema
    assert all("text_seg" not in catalog.db[t].columns_dict for t in ("documents", "obligations", "targets"))
    # one row per body per city
    rows = catalog.db.execute("SELECT canonical, city, count(*) FROM departments GROUP BY 1, 2 HAVING count(*) > 1")
    assert rows.fetchall() == []


def test_counts_match_the_pipeline(catalog, expected):
    counts = catalog.counts()
    assert counts["documents"] == 5 and counts["sources"] == 7
    assert counts["obligations"] == sum(len(v) for v in expected.values())
    baotou = catalog.find_documents("包府发〔2022〕50号")
    assert len(baotou) == 1 and baotou[0]["city"] == "包头市"
    assert len(catalog.document(baotou[0]["id"])["obligations"]) == len(expected[BAOTOU.name])


def test_department_alias_finds_obligations_across_notices(catalog, expected):
    hits = catalog.search(department="科技局", limit=None)
    want = sum(1 for obligations in expected.values() for o in obligations
               if any(u.canonical == "市科学技术局" for u in o.units))
    assert len(hits) == want > 10
    for hit in hits:
        assert any(d["canonical"] == "市科学技术局" for d in hit.departments)
        assert hit.departments[0]["role"] == "lead"
    assert {h.city for h in hits} == {"包头市", "赤峰市", "乌海市"}
    # the canonical name and another alias find the same obligations
    assert [h.id for h in catalog.search(department="市科学技术局", limit=None)] == [h.id for h in hits]
    assert [h.id for h in catalog.search(department="市科技局", limit=None)] == [h.id for h in hits]


def test_due_before_returns_only_what_is_due(catalog, expected):
    hits = catalog.search(due_before="2023-06-30", limit=None)
    want = sum(1 for obligations in expected.values() for o in obligations
               if o.deadline and o.deadline[0].isdigit() and o.deadline <= "2023-06-30")
    assert len(hits) == want > 0
    assert all(h.deadline and h.deadline[0].isdigit() and h.deadline <= "2023-06-30" for h in hits)
    later = catalog.search(due_after="2023-07-01", limit=None)
    assert later and all("2023-07-01" <= h.deadline for h in later)
    # yearly deadlines (XXXX-03-31) never pass a date filter
    assert catalog.db.execute("SELECT count(*) FROM obligations WHERE deadline LIKE 'XXXX%'").fetchone()[0] > 0
    assert not any(h.deadline.startswith("XXXX") for h in hits + later)


def test_two_character_words_and_phrases(catalog):
    for query in ("科技", "厂房", "标准厂房", "科技型中小企业"):
        hits = catalog.search(query, limit=None)
        assert hits, query
        assert all(query in h.text for h in hits), query
        assert all(f"[{query[:2]}" in h.snippet or "[" in h.snippet for h in hits)
    plant = catalog.search("厂房", limit=None)
    assert {h.city for h in plant} == {"乌海市"}
    assert "[厂房]" in plant[0].snippet
    scores = [h.score for h in catalog.search("科技", limit=None)]
    assert scores == sorted(scores)


def test_filters_combine(catalog):
    hits = catalog.search("科技", city="包头", department="科技局", limit=None)
    assert hits and all(h.city == "包头市" and "科技" in h.text for h in hits)
    assert [h.id for h in catalog.search(city="包头市", limit=None)] == [h.id for h in catalog.search(city="包头", limit=None)]
    funded = catalog.search(kind="amount", city="赤峰", limit=None)
    assert funded and all(h.details["value_yuan"] > 0 and h.city == "赤峰市" for h in funded)
    assert catalog.search(function="科技", limit=None) == catalog.search(department="科技局", limit=None)
    only = catalog.search(doc="包府发〔2022〕50号", limit=None)
    assert {h.doc_number for h in only} == {"包府发〔2022〕50号"}


@pytest.mark.parametrize("query", FTS_SYNTAX)
def test_fts_syntax_is_taken_as_text(catalog, query):
    hits = catalog.search(query, limit=None)
    if re.sub(r"\W", "", query) == "科技":  # only syntax around the word: same hits as the word
        assert [h.id for h in hits] == [h.id for h in catalog.search("科技", limit=None)]
    elif query == "科技 OR":  # OR is a word to find, not an operator
        assert hits == []
    result = run_cli("search", "--db", str(catalog.db.conn.execute("PRAGMA database_list").fetchone()[2]),
                     query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == min(len(hits), 20)


def test_search_cli_json_and_table(built):
    db = str(built[0])
    result = run_cli("search", "--db", db, "--department", "科技局", "--due-before", "2025-12-31", "--format", "json")
    hits = json.loads(result.stdout)
    assert hits and all(h["deadline"] <= "2025-12-31" for h in hits)
    assert all(any(d["canonical"] == "市科学技术局" for d in h["departments"]) for h in hits)
    table = run_cli("search", "--db", db, "厂房")
    assert table.exit_code == 0 and "[厂房]" in table.stdout and "乌海市" in table.stdout
    assert run_cli("search", "--db", db).exit_code == 2  # neither query nor filter


def test_show_and_departments(built, expected):
    db = str(built[0])
    shown = run_cli("show", "--db", db, "包府发〔2022〕50号")
    assert shown.exit_code == 0
    assert "包头市人民政府关于促进高新技术产业开发区高质量发展的实施意见" in shown.stdout
    assert f"Obligations ({len(expected[BAOTOU.name])})" in shown.stdout
    wuhai = run_cli("show", "--db", db, "乌海")  # the TXT and the PDF are one notice with two sources
    assert wuhai.exit_code == 0
    assert "Sources (2)" in wuhai.stdout
    assert "neimenggu-wuhai-2022-gaoxinqu.txt (txt" in wuhai.stdout and "neimenggu-wuhai-2022-gaoxinqu.pdf (pdf" in wuhai.stdout
    rows = json.loads(run_cli("departments", "--db", db, "--city", "包头", "--format", "json").stdout)
    science = next(r for r in rows if r["canonical"] == "市科学技术局")
    leads = sum(1 for o in expected[BAOTOU.name] if o.units and o.units[0].canonical == "市科学技术局"
                and o.units[0].role == "lead")
    joins = sum(1 for o in expected[BAOTOU.name]
                if any(u.canonical == "市科学技术局" and u.role != "lead" for u in o.units))
    assert (science["leads"], science["joins"]) == (leads, joins)
    assert {r["city"] for r in rows} == {"包头市"}


def test_reingest_changes_nothing(built):
    db = built[0]
    with Catalog.open(db) as cat:
        before = cat.counts()
    result = run_cli("ingest", "--db", str(db), *map(str, FILES))
    assert result.exit_code == 0
    assert "0 added, 0 merged, 7 unchanged, 0 replaced, 0 failed" in result.stdout
    with Catalog.open(db) as cat:
        after = cat.counts()
    assert {k: v for k, v in after.items() if k != "runs"} == {k: v for k, v in before.items() if k != "runs"}


def test_changed_file_replaces_its_rows(tmp_path):
    notice = tmp_path / "baotou.txt"
    shutil.copy(BAOTOU, notice)
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", str(db), str(notice)).exit_code == 0
    with Catalog.open(db) as cat:
        old_texts = [r["text"] for r in cat.db.query("SELECT text FROM obligations ORDER BY id")]
        old_hash = cat.db.execute("SELECT hash FROM documents").fetchone()[0]
    text = notice.read_text(encoding="utf-8")
    cut = text.index("三、")  # drop everything from part three on
    notice.write_text(text[:cut], encoding="utf-8")
    want = [o.text.strip() for o in process(read(notice)).obligations]
    result = run_cli("ingest", "--db", str(db), str(notice))
    assert "0 added, 0 merged, 0 unchanged, 1 replaced" in result.stdout
    with Catalog.open(db) as cat:
        assert cat.db["documents"].count == 1
        assert cat.db.execute("SELECT hash FROM documents").fetchone()[0] != old_hash
        texts = [r["text"] for r in cat.db.query("SELECT text FROM obligations ORDER BY id")]
        assert texts == want == old_texts[:len(want)] and 0 < len(want) < len(old_texts)
        assert cat.search("人才政策", limit=None) == []  # a part-three obligation, gone with its FTS entry
        assert cat.db.execute("SELECT count(*) FROM obligations_fts").fetchone()[0] == len(want)
        # nothing left pointing at the old document
        for table in ("sections", "targets", "amounts", "deadlines", "citations"):
            assert cat.db.execute(f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)"
                                  ).fetchone()[0] == 0


def test_stdin_and_unsupported_files(tmp_path):
    db = tmp_path / "c.db"
    result = run_cli("ingest", "--db", str(db), "-", "--name", "baotou.txt", input=BAOTOU.read_bytes())
    assert result.exit_code == 0 and "1 added" in result.stdout
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.xyz").write_text("x")
    (folder / "old.doc").write_bytes((BAD / "old.doc").read_bytes())
    shutil.copy(BAOTOU, folder / "same.txt")
    result = run_cli("ingest", "--db", str(db), str(folder), str(folder / "notes.xyz"))
    assert result.exit_code == 1
    assert "0 added, 1 merged, 0 unchanged, 0 replaced, 2 failed" in result.stdout
    assert f"error: {folder / 'notes.xyz'}: unsupported format '.xyz'" in result.stderr
    assert f"error: {folder / 'old.doc'}: unsupported format '.doc'" in result.stderr
    with Catalog.open(db) as cat:
        assert [r["name"] for r in cat.db.query("SELECT name FROM documents")] == ["baotou.txt"]


def _copies(folder: Path, n: int) -> list[Path]:
    """n distinct notices: the Baotou one under n doc numbers of its own (its first doc number renumbered)."""
    folder.mkdir()
    text = BAOTOU.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        path = folder / f"notice-{i:03d}.txt"
        own = re.sub(r"〔(\d{4})〕(\d+)号", lambda m: f"〔{m[1]}〕{1000 + i}号", text, count=1)
        path.write_text(own, encoding="utf-8")
        paths.append(path)
    return paths


def _ingest_process(db: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "ingest", "--db", str(db), str(folder)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _document_count(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def test_killed_ingest_leaves_no_partial_document(tmp_path):
    folder = tmp_path / "in"
    paths = _copies(folder, 80)
    want = len(process(read(paths[0])).obligations)
    db = tmp_path / "c.db"
    proc = _ingest_process(db, folder)
    deadline = time.monotonic() + 60
    while _document_count(db) < 1 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _document_count(db)
    assert 1 <= done < len(paths)
    conn = sqlite3.connect(db)
    per_doc = conn.execute("SELECT d.id, (SELECT count(*) FROM obligations o WHERE o.document_id = d.id) "
                           "FROM documents d").fetchall()
    assert all(n == want for _, n in per_doc)
    for table in ("sections", "obligations", "targets", "amounts", "deadlines", "citations"):
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE document_id NOT IN (SELECT id FROM documents)"
                            ).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM obligation_departments "
                        "WHERE obligation_id NOT IN (SELECT id FROM obligations)").fetchone()[0] == 0
    assert conn.execute("SELECT finished_at FROM runs").fetchall() == [(None,)]
    conn.close()
    # the next run completes the catalog
    result = run_cli("ingest", "--db", str(db), str(folder))
    assert result.exit_code == 0
    assert f"{len(paths) - done} added, 0 merged, {done} unchanged" in result.stdout


def test_two_ingests_at_once_both_finish(tmp_path):
    folder = tmp_path / "in"
    paths = _copies(folder, 12)
    db = tmp_path / "c.db"
    procs = [_ingest_process(db, folder) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert _document_count(db) == len(paths)
    added = [int(out.decode().split(" added")[0]) for out, _ in outputs]
    assert sum(added) == len(paths)


def test_copies_merge_and_other_doc_numbers_stay_apart(tmp_path):
    text = BAOTOU.read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    # the same notice saved again with other line breaks and spacing: one notice, two sources
    (folder / "b.txt").write_text(text.replace("\n", "\n\n").replace("。", "。 "), encoding="utf-8")
    # the same text under another doc number (a county copying a city's notice): another notice
    (folder / "c.txt").write_text(re.sub(r"〔(\d{4})〕(\d+)号", r"〔\1〕999号", text, count=1), encoding="utf-8")
    db = tmp_path / "c.db"
    result = run_cli("ingest", "--db", str(db), str(folder))
    assert "2 added, 1 merged" in result.stdout
    with Catalog.open(db) as cat:
        rows = cat.db.execute("SELECT d.doc_number, count(s.id) FROM documents d JOIN sources s ON s.document_id = d.id "
                              "GROUP BY d.id ORDER BY d.doc_number").fetchall()
    assert rows == [("包府发〔2022〕50号", 2), ("包府发〔2022〕999号", 1)]


def test_text_without_title_or_number_merges_by_its_fingerprint(tmp_path):
    eerduosi = next(CORPORA.glob("*eerduosi*.txt"))
    text = eerduosi.read_text(encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text("  " + text.replace("\n", "\r\n"), encoding="utf-8")
    result = run_cli("ingest", "--db", str(tmp_path / "c.db"), str(folder))
    assert "1 added, 1 merged" in result.stdout


def test_a_version_one_catalog_migrates(tmp_path):
    from extractor.db import MIGRATIONS

    path = tmp_path / "old.db"
    import sqlite_utils

    db = sqlite_utils.Database(path)
    MIGRATIONS[0](db)
    doc = process(read(BAOTOU))
    doc_id = db["documents"].insert({"hash": "h1", "path": str(BAOTOU), "format": "txt", "title": doc.metadata.title,
                                     "doc_number": doc.metadata.doc_number, "city": "包头市", "text": doc.text}).last_pk
    db["targets"].insert({"document_id": doc_id, "indicator": "研发投入强度", "value": 4.0, "unit": "%"})
    db["citations"].insert({"document_id": doc_id, "doc_number": "国发〔2020〕7号",
                            "title": "国务院关于促进国家高新技术产业开发区高质量发展的若干意见"})
    db.execute("PRAGMA user_version = 1")
    db.close()
    with Catalog.open(path) as cat:
        assert cat.version == SCHEMA_VERSION
        assert [(s["hash"], s["document_id"]) for s in cat.db["sources"].rows] == [("h1", doc_id)]
        assert next(cat.db["targets"].rows)["indicator_key"] == "研发投入强度"
        assert cat.db["fingerprints"].count == 16 and cat.db["title_keys"].count >= 2
        rolled = [(r["place"], r["indicator"], r["value"], r["mentions"]) for r in cat.db["place_targets"].rows]
        assert rolled == [("包头市", "研发投入强度", 4.0, 1)]


def _rows(db: Path) -> dict[str, list[tuple]]:
    """Every extracted row of a catalog, without timestamps and run ids."""
    with Catalog.open(db) as cat:
        skip = {"ingested_at", "run_id", "started_at", "finished_at", "at"}
        out = {}
        for table in ("documents", "sources", "obligations", "obligation_departments", "departments", "targets",
                      "amounts", "deadlines", "citations", "links", "place_targets", "place_money"):
            columns = [c for c in cat.db[table].columns_dict if c not in skip]
            out[table] = cat.conn.execute(f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM {table} "
                                          "ORDER BY rowid").fetchall()
        return out


def test_two_jobs_write_the_same_catalog_as_one(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    for db, jobs in ((one, "1"), (two, "2")):
        result = run_cli("ingest", "--db", str(db), "--jobs", jobs, *map(str, FILES), str(BAD))
        assert "5 added, 2 merged" in result.stdout and "7 failed" in result.stdout
    assert _rows(one) == _rows(two)


def test_ingest_cuts_each_text_once(tmp_path, monkeypatch):
    """The index is fed from the pipeline's tokens: one segmentation pass per text (and one per title)."""
    from extractor import pipeline, tokens

    calls = []
    real = tokens.tokenize
    monkeypatch.setattr(pipeline, "tokenize", lambda text: calls.append(len(text)) or real(text))
    monkeypatch.setattr("extractor.fts.tokenize", lambda text: calls.append(-len(text)) or real(text))
    with Catalog.open(tmp_path / "c.db") as cat:
        outcome = cat.ingest_file(BAOTOU)
        text = cat.db["documents"].get(outcome.document_id)["text"]
    assert outcome.status == "added"
    assert sorted(calls) == sorted([len(text), -len(process(read(BAOTOU)).metadata.title)])
