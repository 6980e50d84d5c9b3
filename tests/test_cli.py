"""The command line as a user runs it: real processes, real files."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import CORPORA, FIXTURES, ROOT, SEEDS


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          input=stdin.decode() if stdin else None, cwd=ROOT, timeout=300)


def test_extract_json_prints_the_contract():
    run = cli("extract", str(SEEDS["chifeng"]), "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) >= {"metadata", "amounts", "deadlines", "targets", "obligations"}
    assert data["metadata"]["doc_number"] == "赤政发〔2020〕172号"
    assert [a["value_yuan"] for a in data["amounts"]][:3] == [50_000_000, 30_000_000, 200_000_000]
    assert data["amounts"][0]["recurrence"] == "yearly"


def test_bad_files_in_a_batch_get_one_line_each_and_the_rest_goes_on():
    bad = sorted((FIXTURES / "bad").iterdir())
    run = cli("extract", str(SEEDS["wuhai"]), *map(str, bad), "--format", "json")
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == len(bad)
    assert all(line.startswith("error: ") for line in lines)
    assert "Traceback" not in run.stderr
    assert any("junk.txt: binary data" in line for line in lines)
    assert json.loads(run.stdout)[0]["metadata"]["city"] == "乌海市"


def test_segment_prints_the_tree_and_fails_cleanly():
    run = cli("segment", str(SEEDS["xuchang"]))
    assert run.returncode == 0
    assert "许昌市推进产业集聚区高质量发展行动方案" in run.stdout
    assert "(二、(一)3. @" in run.stdout
    bad = cli("segment", str(FIXTURES / "bad" / "empty.txt"))
    assert bad.returncode == 1 and bad.stderr.strip().endswith("empty.txt: empty file")


def test_evaluate_prints_the_per_field_table():
    run = cli("evaluate", str(CORPORA / "gold"), "--docs", str(CORPORA))
    assert run.returncode == 0, run.stderr
    rows = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in run.stdout.splitlines()[1:]}
    assert set(rows) == {"amounts", "deadlines", "targets", "metadata", "obligations", "obligation_departments"}
    assert rows["amounts"][2] >= 0.95 and rows["obligations"][2] >= 0.9
