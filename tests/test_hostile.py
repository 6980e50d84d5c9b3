"""Hostile and unusual input (issue 11): one clear line naming the file and the reason, a non-zero exit, the rest
of the batch ingested, and nothing written where nothing should be. Every odd file is made here."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.catalog_cli import register
from extractor.db import Catalog

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "corpora" / "county" / "jilin-tonghua-liuhe-2023-zhongdianchanye.txt"


def run_cli(*args: object, stdin: bytes | None = None):
    group = click.Group()
    register(group)
    return CliRunner().invoke(group, [str(a) for a in args], input=stdin)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="needs FIFOs and /dev/zero")
def test_only_regular_files_are_read(tmp_path):
    """A FIFO named .txt (reading it would hang) and a .txt link to /dev/zero (endless) are refused in a line."""
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    db = tmp_path / "c.db"
    result = run_cli("ingest", "--db", db, "--jobs", "1", tmp_path / "pipe.txt", tmp_path / "zero.txt", GOOD)
    assert result.exit_code == 1 and "1 added" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {tmp_path / name}: not a regular file (a device, FIFO or socket): not read"
                      for name in ("pipe.txt", "zero.txt")]


def test_a_database_that_is_not_a_catalog_is_never_written(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE documents (name TEXT)")
    empty, text = tmp_path / "empty.db", tmp_path / "notes.db"
    empty.touch()
    text.write_text("not a database", encoding="utf-8")
    before = {p: _digest(p) for p in (other, empty, text)}
    for path, reason in ((other, "a SQLite database with tables of its own, not a policy catalog"),
                         (empty, "an empty file, not a catalog (run 'ingest' to make one)"),
                         (text, "not a SQLite database")):
        result = run_cli("search", "科技", "--db", path)
        assert result.exit_code == 1 and result.output.strip() == f"Error: {path}: {reason}"
    assert run_cli("ingest", "--db", other, GOOD).exit_code == 1  # not taken over by an ingest either
    assert {p: _digest(p) for p in before} == before
    assert not any(p.name.endswith(("-wal", "-shm")) for p in tmp_path.iterdir())


def test_numbers_too_large_for_sqlite_are_a_plain_answer(tmp_path):
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, GOOD).exit_code == 0
    shown = run_cli("show", "99999999999999999999999", "--db", db)
    assert shown.exit_code == 1 and shown.output.strip() == "Error: no notice matches '99999999999999999999999'"
    limited = run_cli("search", "产业", "--db", db, "--limit", "99999999999999999999")
    assert limited.exit_code == 2 and "99999999999999999999 is not in the range" in limited.output
    doc = run_cli("search", "产业", "--db", db, "--doc", "99999999999999999999")
    assert doc.exit_code == 0 and doc.exception is None


def test_a_very_long_query_is_cut_and_says_so(tmp_path):
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, GOOD).exit_code == 0
    words = GOOD.read_text(encoding="utf-8")[:20_000]  # a whole notice pasted as a query
    result = run_cli("search", words, "--db", db, "--kind", "document")
    assert result.exit_code == 0
    assert "note: the query has more than 32 words; its first 32 are searched" in result.stderr


def test_ingest_from_a_closed_standard_input(tmp_path):
    db = tmp_path / "c.db"
    result = subprocess.run(f"{sys.executable} -m extractor ingest --db {db} - {GOOD} <&-", shell=True,
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "1 added" in result.stdout and "error: -: empty file" in result.stderr


def test_a_killed_run_is_marked_interrupted_at_the_next_start(tmp_path):
    db = tmp_path / "c.db"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with Catalog.open(db) as catalog:
        killed = catalog.db["runs"].insert({"started_at": "2026-01-01T00:00:00+00:00", "arguments": "x",
                                            "pid": gone.pid}).last_pk
        running = catalog.db["runs"].insert({"started_at": "2026-01-01T00:00:00+00:00", "arguments": "y",
                                             "pid": os.getpid()}).last_pk  # another ingest, still at work
    assert run_cli("ingest", "--db", db, GOOD).exit_code == 0
    with Catalog.open(db) as catalog:
        runs = {r["id"]: r for r in catalog.db["runs"].rows}
    assert runs[killed]["interrupted"] == 1 and runs[killed]["finished_at"]
    assert runs[running]["interrupted"] is None and runs[running]["finished_at"] is None


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected(tmp_path, encoding):
    text = GOOD.read_text(encoding="utf-8")
    path = tmp_path / "notice.txt"
    path.write_bytes(text.encode(encoding))  # no BOM
    from extractor.readers import read

    source = read(path)
    assert (source.encoding, source.text) == (encoding, text)


def test_a_declared_charset_the_bytes_contradict_loses_to_detection(tmp_path):
    """A UTF-8 page declaring utf-16 would decode to noise: detection wins."""
    text = GOOD.read_text(encoding="utf-8")
    page = tmp_path / "notice.html"
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    page.write_bytes(f'<html><head><meta charset="utf-16"></head><body>{body}</body></html>'.encode("utf-8"))
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, page).exit_code == 0
    with Catalog.open(db) as catalog:
        doc = next(catalog.db["documents"].rows)
    assert doc["encoding"] == "utf-8" and doc["title"] == "中共柳河县委柳河县人民政府关于支持重点产业加快发展的实施意见"


def test_malformed_word_numbering_is_read_around(tmp_path):
    """A start that is no number and a list level Word does not have: the notice is still read."""
    import zipfile

    source = ROOT / "corpora" / "henan-xuchang-2019-chanyejijuqu.docx"
    damaged = tmp_path / "damaged.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/numbering.xml":
                data = data.replace(b'<w:start w:val="1"/>', b'<w:start w:val="abc"/>', 1)
            if item.filename == "word/document.xml":
                data = data.replace(b'<w:ilvl w:val="0"/>', b'<w:ilvl w:val="12"/>', 1)
            zout.writestr(item, data)
    result = run_cli("ingest", "--db", tmp_path / "c.db", damaged)
    assert result.exit_code == 0 and "1 added" in result.stdout, result.output


def test_a_glob_does_not_follow_a_link_loop(tmp_path):
    folder = tmp_path / "notices" / "county"
    folder.mkdir(parents=True)
    (folder / GOOD.name).write_bytes(GOOD.read_bytes())
    (folder / "back").symlink_to(tmp_path / "notices")  # a loop: notices/county/back -> notices
    from extractor.db import expand_paths

    assert expand_paths([str(tmp_path / "notices" / "**" / "*.txt")]) == [str(folder / GOOD.name)]


def test_a_docx_of_many_large_parts_is_refused_by_its_total(tmp_path):
    """Each part under the per-part limit, all of them together far over the total: refused before unpacking."""
    import zipfile

    bomb = tmp_path / "parts.docx"
    with zipfile.ZipFile(ROOT / "corpora" / "henan-xuchang-2019-chanyejijuqu.docx") as zin, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for i in range(30):  # 30 parts of 9.99 MB of zeros: each compresses to a few KB
            zout.writestr(f"word/media/part{i}.bin", b"\0" * 9_990_000)
    result = run_cli("ingest", "--db", tmp_path / "c.db", bomb, GOOD)
    assert result.exit_code == 1 and "1 added" in result.stdout
    assert f"error: {bomb}: refused: its parts would unpack to 286 MB in all (limit 200 MB; zip bomb?)" in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_over_its_time_budget_fails_and_the_batch_goes_on(tmp_path, jobs):
    slow = tmp_path / "long.txt"
    slow.write_text(GOOD.read_text(encoding="utf-8") * 150, encoding="utf-8")  # a notice pasted 150 times
    copy = tmp_path / GOOD.name
    copy.write_bytes(GOOD.read_bytes())
    result = run_cli("ingest", "--db", tmp_path / "c.db", "--jobs", jobs, "--timeout", "2", slow, copy)
    assert result.exit_code == 1 and "1 added" in result.stdout
    assert f"error: {slow}: took longer than 2 s to read and extract (--timeout): not extracted" in result.stderr


def test_a_long_run_of_duty_clauses_costs_its_length(tmp_path):
    """市工信局牵头 written 3,200 times in one line: extraction stays within a CPU limit set by the OS (it used to
    take its length squared)."""
    import resource

    path = tmp_path / "duties.txt"
    path.write_text("市工信局牵头" * 3200, encoding="utf-8")

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))

    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(path)], capture_output=True, text=True,
                            preexec_fn=limits, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-500:]


def test_a_file_named_in_gbk_is_ingested_and_named_in_chinese(tmp_path):
    """A name saved under GBK (not valid UTF-8) is read, stored and reported by its Chinese name, and the JSON of
    ``extract`` stays valid UTF-8."""
    folder = os.fsencode(tmp_path)
    good = os.fsdecode(folder + b"/" + "柳河实施意见".encode("gbk") + b".txt")
    empty = os.fsdecode(folder + b"/" + "空白通知".encode("gbk") + b".txt")
    Path(good).write_bytes(GOOD.read_bytes())
    Path(empty).write_bytes(b"")
    db = tmp_path / "c.db"
    result = run_cli("ingest", "--db", db, "--jobs", "1", tmp_path)
    assert result.exit_code == 1 and "1 added" in result.stdout
    assert f"error: {tmp_path / '空白通知.txt'}: empty file" in result.stderr.splitlines()
    with Catalog.open(db) as catalog:
        assert [r["name"] for r in catalog.db["sources"].rows] == ["柳河实施意见.txt"]
        assert [Path(r["path"]).name for r in catalog.failures()] == ["空白通知.txt"]
    out = subprocess.run([sys.executable, "-m", "extractor", "extract", "--format", "json", good], capture_output=True,
                         cwd=ROOT)
    assert out.returncode == 0
    assert json.loads(out.stdout.decode("utf-8"))["source"]["path"] == str(tmp_path / "柳河实施意见.txt")


def _without_privileges() -> list[str]:
    """A command prefix that runs without the power to bypass file permissions (root keeps it otherwise)."""
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be dropped")
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all"]


def test_unreadable_files_and_folders_are_named_and_the_rest_is_ingested(tmp_path):
    """An unreadable file, an unreadable subfolder and a file under it: one line each, exit 1, the readable
    notice ingested; ``extract`` of a readable and an unreadable file extracts the first and names the second."""
    (tmp_path / "ok.txt").write_bytes(GOOD.read_bytes())
    (tmp_path / "noread.txt").write_bytes(GOOD.read_bytes())
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_bytes(GOOD.read_bytes())
    (tmp_path / "noread.txt").chmod(0)
    (tmp_path / "locked").chmod(0)
    try:
        prefix = _without_privileges()
        db = tmp_path / "c.db"
        ingest = subprocess.run([*prefix, sys.executable, "-m", "extractor", "ingest", "--db", str(db), "--jobs", "1",
                                 str(tmp_path), str(tmp_path / "locked" / "a.txt")],
                                capture_output=True, text=True, cwd=ROOT)
        assert ingest.returncode == 1 and "1 added" in ingest.stdout and "3 failed" in ingest.stdout
        errors = [line for line in ingest.stderr.splitlines() if line.startswith("error:")]
        assert sorted(errors) == sorted([f"error: {tmp_path / 'locked'}: a folder that cannot be read (permission denied)",
                                         f"error: {tmp_path / 'noread.txt'}: cannot be read (permission denied)",
                                         f"error: {tmp_path / 'locked' / 'a.txt'}: cannot be reached (permission denied)"])
        extract = subprocess.run([*prefix, sys.executable, "-m", "extractor", "extract", "--format", "json",
                                  str(tmp_path / "ok.txt"), str(tmp_path / "noread.txt")],
                                 capture_output=True, text=True, cwd=ROOT)
        assert extract.returncode == 1
        assert "柳河" in extract.stdout
        assert extract.stderr.strip().splitlines()[-1] == \
            f"error: {tmp_path / 'noread.txt'}: cannot be read (permission denied)"
    finally:
        (tmp_path / "locked").chmod(0o755)


def _bomb_pdf(path: Path, inflated: int) -> None:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes of spaces (a few hundred KB on disk)."""
    import zlib

    deflate, chunk, parts = zlib.compressobj(9), b" " * (1 << 20), []
    for _ in range(inflated >> 20):
        parts.append(deflate.compress(chunk))
    stream = b"".join(parts) + deflate.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def test_a_pdf_decompression_bomb_is_refused_within_a_memory_limit(tmp_path):
    """A PDF of under 1 MB whose page inflates to 512 MB: one line, exit 1, the notice beside it ingested, all under
    an address-space limit of 1 GB set by the OS."""
    import resource

    bomb = tmp_path / "bomb.pdf"
    _bomb_pdf(bomb, 512 << 20)
    assert bomb.stat().st_size < 1 << 20

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    result = subprocess.run([sys.executable, "-m", "extractor", "ingest", "--db", str(tmp_path / "c.db"), "--jobs", "1",
                             str(bomb), str(GOOD)], capture_output=True, text=True, preexec_fn=limits, cwd=ROOT)
    assert result.returncode == 1 and "1 added" in result.stdout, result.stderr[-500:]
    assert f"error: {bomb}: a PDF stream inflates beyond 64 MB (a decompression bomb): not read" in result.stderr


def test_a_password_protected_pdf_is_named_as_such(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=ROOT / "corpora" / "neimenggu-wuhai-2022-gaoxinqu.pdf")
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as out:
        writer.write(out)
    result = run_cli("ingest", "--db", tmp_path / "c.db", "--jobs", "1", locked, GOOD)
    assert result.exit_code == 1 and "1 added" in result.stdout
    assert f"error: {locked}: encrypted PDF (password-protected): not read" in result.stderr.splitlines()


def _limited(cpu: int, memory_gb: float):
    import resource

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_AS, (int(memory_gb * (1 << 30)),) * 2)

    return limits


@pytest.mark.parametrize("name, content, outcome", [
    # one line of 4.5 MB of Chinese without a stop: read and extracted
    ("line.txt", "关于推进产业发展加快建设" * 125_000, 0),
    # 100,000 tags never closed (the HTML parser used to take their number squared)
    ("tags.html", "<html><body>" + "<div><span>关于" * 100_000, 0),
    # 40,000 heading markers and nothing else: refused once past the headings a notice can hold
    ("headings.txt", "一、\n" * 40_000, 1),
])
def test_odd_shapes_cost_their_length(tmp_path, name, content, outcome):
    """Texts of pathological shape are read under CPU and address-space limits set by the OS (they used to take
    minutes and gigabytes): either extracted, or refused with one line."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", str(path)], capture_output=True, text=True,
                            preexec_fn=_limited(60, 2.5), cwd=ROOT)
    assert result.returncode == outcome, result.stderr[-500:]
    if outcome:
        assert result.stderr.splitlines()[-1] == \
            f"error: {path}: more than 10,000 headings: not one notice (split it): not extracted"
