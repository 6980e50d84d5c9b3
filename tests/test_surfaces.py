"""What a researcher reads: search hits that carry their facts, tables that fit, list commands in every format,
ingest that tells the truth (issue 10), over a catalog of the bundled real notices (corpora/)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.catalog_cli import register
from extractor.compare.render import display_width

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
BAOTOU = "包府发〔2022〕50号"


def run_cli(*args: str, stdin: bytes | None = None, columns: int = 100):
    group = click.Group()
    register(group)
    return CliRunner(env={"COLUMNS": str(columns)}).invoke(group, [str(a) for a in args], input=stdin)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("surfaces") / "catalog.db"
    result = run_cli("ingest", "--db", path, CORPORA)
    assert result.exit_code == 0, result.output
    return path


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_target_hit_carries_its_indicator_value_unit_and_year(db):
    rows = _csv(run_cli("search", "研发投入强度", "--kind", "target", "--db", db, "--format", "csv").stdout)
    row = next(r for r in rows if r["indicator"] == "国家级高新区研发投入强度")
    assert (row["doc_number"], row["place"], row["comparator"], row["value"], row["unit"], row["year"]) == \
           (BAOTOU, "包头市", "≥", "4", "%", "2025")
    assert "研发投入强度达到4%以上" in row["sentence"]


def test_an_amount_hit_carries_its_yuan_and_role(db):
    rows = _csv(run_cli("search", "引导资金", "--kind", "amount", "--db", db, "--format", "csv").stdout)
    amounts = {(r["place"], r["amount"], float(r["value_yuan"]), r["role"]) for r in rows}
    assert ("柳河县", "1亿元", 1e8, "funding") in amounts
    hits = json.loads(run_cli("search", "引导资金", "--kind", "amount", "--db", db, "--format", "json").stdout)
    assert {h["value_yuan"] for h in hits} >= {1e8, 1e7} and all(h["kind"] == "amount" for h in hits)


def test_the_table_fits_100_columns_and_says_how_many_hits_there_are(db):
    result = run_cli("search", "高新区", "--db", db, "--limit", "3", columns=100)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines and max(display_width(line) for line in lines) <= 100
    total = len(_csv(run_cli("search", "高新区", "--db", db, "--limit", "0", "--format", "csv").stdout))
    assert total > 3 and f"3 of {total} hits" in result.stderr


def test_a_county_is_found_by_its_own_name(db):
    rows = _csv(run_cli("search", "--city", "柳河", "--db", db, "--format", "csv", "--limit", "0").stdout)
    assert rows and {r["place"] for r in rows} == {"柳河县"}
    assert {r["notice"] for r in rows} == {"中共柳河县委柳河县人民政府关于支持重点产业加快发展的实施意见"}
    shown = json.loads(run_cli("show", "实施意见 柳河", "--db", db, "--format", "json").stdout)  # title words
    assert shown["document"]["county"] == "柳河县" and len(shown["sources"]) == 1


def test_due_filters_use_the_obligations_due_date(db):
    rows = _csv(run_cli("search", "--department", "科技局", "--due-before", "2025-12-31", "--db", db,
                        "--format", "csv").stdout)
    assert [(r["doc_number"], r["deadline"]) for r in rows] == [(BAOTOU, "2025-12-31")]
    assert rows[0]["task"].startswith("建立“促优培育”机制")


def test_list_commands_take_every_format(db):
    departments = _csv(run_cli("departments", "--db", db, "--city", "包头", "--format", "csv").stdout)
    science = next(r for r in departments if r["canonical"] == "市科学技术局")
    assert science["function"] == "科技" and int(science["leads"]) > 0
    runs = json.loads(run_cli("runs", "--db", db, "--format", "json").stdout)
    assert (runs[0]["added"], runs[0]["merged"]) == (15, 2) and runs[0]["finished_at"]
    assert run_cli("failures", "--db", db, "--format", "csv").stdout.splitlines() == ["run_id,path,reason,at"]


def test_ingest_names_a_titleless_notice_from_name(tmp_path):
    """A notice read from standard input without a title line takes the name it was given."""
    text = (ROOT / "tests" / "real" / "docs" / "h03_jinan_kechuangjinan.txt").read_text(encoding="utf-8")
    body = text[text.index("\n一、") + 1:]
    db = tmp_path / "c.db"
    result = run_cli("ingest", "--db", db, "-", "--name", "科创济南建设方案.txt", stdin=body.encode("utf-8"))
    assert result.exit_code == 0 and "1 added" in result.stdout
    shown = json.loads(run_cli("show", "--db", db, "科创济南", "--format", "json").stdout)
    assert shown["document"]["title"] == "科创济南建设方案"
