"""compare and lineage over a catalog of the bundled real notices (corpora/: seeds, a county notice, and a chain
of national, provincial and city regulations on one law)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.catalog_cli import register
from extractor.compare import compare
from extractor.compare.render import target_pivot
from extractor.db import Catalog

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
OUTPUTS = ROOT / "outputs"


def run_cli(*args: str):
    group = click.Group()
    register(group)
    return CliRunner().invoke(group, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("compare") / "catalog.db"
    result = run_cli("ingest", "--db", str(path), str(CORPORA))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture()
def catalog(db):
    with Catalog.open(db) as cat:
        yield cat


def _cell(pivot, indicator: str, place: str) -> str:
    headers, rows = pivot
    row = next(r for r in rows if r[0] == indicator)
    return row[headers.index(place)]


def test_parent_not_in_catalog_selects_the_notices_citing_it(catalog):
    c = compare(catalog, parent="内政发〔2021〕13号")
    assert {d["place"] for d in c.documents} == {"包头市", "乌海市"}
    pivot = target_pivot(c)
    assert "15家 (2025)" in _cell(pivot, "高新技术企业数量", "乌海市")
    assert "≥60% (2025)" in _cell(pivot, "高新技术企业数量", "包头市")
    assert "≥4% (2025)" in _cell(pivot, "研发投入强度", "包头市")
    # money targets compare in yuan: 亩均税收 7万元 -> 70000 元
    tax = next(t for t in c.targets if t["indicator"] == "亩均税收" and t["place"] == "乌海市")
    assert (tax["value"], tax["unit"], tax["year"]) == (70000, "元", 2025)
    assert {r["link"] for r in c.lineage} == {"doc_number"}
    assert {r["parent"] for r in c.lineage} == {"内政发〔2021〕13号"}


def test_txt_and_pdf_copies_count_once(catalog):
    c = compare(catalog, cities=["乌海"])
    assert len(c.documents) == 1 and c.documents[0]["sources"] == 2
    wuhai = catalog.db.execute("SELECT count(*) FROM targets t JOIN documents d ON d.id = t.document_id "
                               "WHERE d.city = '乌海市'").fetchone()[0]
    assert len(c.targets) == wuhai > 0


def test_money_totals_sum_funding_and_leave_out_rates_and_caps(catalog):
    c = compare(catalog, cities=["柳河"])  # a county: matched by its own name, filed under its prefecture
    assert [(d["place"], d["city"], d["level"]) for d in c.documents] == [("柳河县", "通化市", "county")]
    total = c.money_totals[0]
    kinds = {m["kind"] for m in c.money}
    assert {"rate", "cap", "lump"} <= kinds
    summed = sum(m["value_yuan"] for m in c.money if m["kind"] in ("lump", "yearly"))
    assert total["total_yuan"] == summed < sum(m["value_yuan"] for m in c.money)
    assert total["rates"] == sum(m["kind"] == "rate" for m in c.money) > 0
    assert total["caps"] == sum(m["kind"] == "cap" for m in c.money) > 0
    assert {m["unit"] for m in c.money if m["kind"] == "rate"} == {"元/亩"}


def test_summary_per_place_agrees_with_every_row(catalog):
    """Large selections read the per-place rollups: the same totals, responsibilities and timeline, and one
    target row per place and indicator holding the value of that place's latest notice."""
    detail, summary = compare(catalog, detail=True), compare(catalog, detail=False)
    assert summary.summary and not detail.summary
    for table in ("money_totals", "responsibility", "timeline"):
        assert getattr(summary, table) == getattr(detail, table), table
    assert sum(m["amounts"] for m in summary.money) == len(detail.money)
    assert sum(t["mentions"] for t in summary.targets) == len(detail.targets)
    by_id = {t["target_id"]: t for t in detail.targets}
    for t in summary.targets:
        row = by_id[t["target_id"]]
        assert (t["place"], t["indicator"], t["value"], t["year"], t["sentence"]) == \
               (row["place"], row["indicator"], row["value"], row["year"], row["sentence"])
    by_amount = {m["amount_id"]: m for m in detail.money}
    assert all(m["sentence"] == by_amount[m["amount_id"]]["sentence"] for m in summary.money)
    for place in summary.documents:  # notices and copies per place, and the latest notice's title
        mine = [d for d in detail.documents if d["place"] == place["place"]]
        latest = max(mine, key=lambda d: (d["date"] or "", d["document_id"]))
        assert (place["notices"], place["sources"], place["title"]) == \
               (len(mine), sum(d["sources"] for d in mine), latest["title"])
    assert summary.places() == detail.places() and summary.lineage == detail.lineage


def _rollups(cat: Catalog) -> dict[str, list[tuple]]:
    from extractor.compare.rollup import TABLES

    return {t: sorted(cat.conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def test_rollups_merged_run_by_run_equal_a_rebuild(tmp_path):
    """Runs that add notices to a place merge their rows into its rollups; a run that replaces one rebuilds the
    place. Either way the rollups equal a rebuild from every row."""
    from extractor.compare import rollup

    files = sorted(p for folder in (CORPORA, ROOT / "tests" / "real" / "docs") for p in folder.rglob("*")
                   if p.suffix in {".txt", ".pdf", ".docx", ".html", ".md"} and p.stem.upper() != "README")
    path = tmp_path / "runs.db"
    for start in range(0, len(files), 4):  # runs adding notices to places that already hold some (全国, 济南市, …)
        assert run_cli("ingest", "--db", str(path), *map(str, files[start:start + 4])).exit_code == 0
    changed = tmp_path / files[0].name  # a changed copy replaces its notice: that place is rebuilt
    changed.write_bytes(files[0].read_bytes())
    assert run_cli("ingest", "--db", str(path), str(changed)).exit_code == 0
    with Catalog.open(path) as cat:
        merged = _rollups(cat)
        assert sum(len(v) for v in merged.values()) > 100
        with cat.conn:
            rollup.refresh(cat.db)
            assert _rollups(cat) == merged


def test_differently_worded_bureaus_share_a_function_row(catalog):
    c = compare(catalog, cities=["包头", "乌海", "赤峰"], function="科技")
    rows = {r["place"]: r for r in c.responsibility}
    assert set(rows) == {"包头市", "乌海市", "赤峰市"}
    assert all(r["departments"] == "市科学技术局" for r in rows.values())
    written = {r[0] for r in catalog.conn.execute(
        "SELECT od.name FROM obligation_departments od JOIN departments p ON p.id = od.department_id "
        "WHERE p.function = '科技'")}
    assert {"市科技局", "市科学技术局"} <= written


def test_every_local_regulation_lists_its_parent(catalog):
    rows = catalog.lineage()
    links = {(r["child_title"], r["parent_title"], r["link"]) for r in rows}
    law = "中华人民共和国大气污染防治法"
    for province in ("山东省", "河南省", "浙江省"):
        assert (f"{province}大气污染防治条例", law, "title") in links
    assert ("济南市大气污染防治条例", "山东省大气污染防治条例", "title") in links
    assert ("安阳市大气污染防治条例", "河南省大气污染防治条例", "title") in links
    assert ("宁波市大气污染防治条例", "浙江省大气污染防治条例", "title") in links
    # 济宁 cites no parent: linked by subject to its own province's regulation, marked inferred with a score
    jining = [r for r in rows if r["child_title"] == "济宁市大气污染防治条例"]
    assert [(r["parent_title"], r["link"]) for r in jining] == [("山东省大气污染防治条例", "inferred")]
    assert jining[0]["score"] >= 0.6
    # compare --parent through intermediate notices: every regulation of the chain, the law as reference
    c = compare(catalog, parent=law)
    assert len(c.documents) == 8 and c.parent["title"] == law


def test_compare_json_has_the_flat_tables(db):
    result = run_cli("compare", "--db", str(db), "--cities", "包头,乌海,赤峰", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"documents", "targets", "money", "responsibility", "timeline", "lineage"} <= set(data)
    assert {"place", "indicator", "family", "value", "value_max", "unit", "comparator", "change", "year", "title",
            "doc_number", "sentence"} <= set(data["targets"][0])
    assert {"title", "doc_number", "place", "level", "sources"} <= set(data["documents"][0])
    assert {d["place"] for d in data["documents"]} == {"包头市", "乌海市", "赤峰市"}
    chifeng = next(m for m in data["money_totals"] if m["place"] == "赤峰市")
    assert chifeng["per_year_yuan"] == 300_000_000


def test_exports(db, tmp_path):
    from openpyxl import load_workbook

    xlsx = tmp_path / "c.xlsx"
    assert run_cli("compare", "--db", str(db), "--format", "xlsx", "--output", str(xlsx)).exit_code == 0
    book = load_workbook(xlsx)
    assert {"targets by place", "targets", "money", "responsibility", "timeline", "lineage"} <= set(book.sheetnames)
    assert book["targets"].freeze_panes == "A2"
    out = run_cli("compare", "--db", str(db), "--format", "csv", "--output", str(tmp_path / "csv"))
    assert out.exit_code == 0 and (tmp_path / "csv" / "money.csv").read_text(encoding="utf-8-sig").startswith("place,")
    ics = tmp_path / "c.ics"
    assert run_cli("compare", "--db", str(db), "--cities", "乌海", "--format", "ics", "--output", str(ics)).exit_code == 0
    events = ics.read_text(encoding="utf-8").count("BEGIN:VEVENT")
    assert events == 6  # 乌海's obligations with a calendar date
    md = run_cli("compare", "--db", str(db), "--cities", "乌海", "--format", "markdown")
    assert "## Targets by indicator and place" in md.output and "| 亩均税收 | land_efficiency | ≥7万元 (2025) |" in md.output


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_html_report_in_a_real_browser(db):
    from playwright.sync_api import sync_playwright

    page_path = OUTPUTS / "compare-report.html"
    result = run_cli("compare", "--db", str(db), "--cities", "包头,乌海,赤峰,柳河", "--format", "html",
                     "--output", str(page_path))
    assert result.exit_code == 0, result.output
    with Catalog.open(db) as catalog:
        c = compare(catalog, cities=["包头", "乌海", "赤峰", "柳河"])
    html = page_path.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link " not in html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        fetched: list[str] = []  # the page must open offline: anything it asks the network for fails the test
        page.route("http*://**", lambda route: (fetched.append(route.request.url), route.abort()))
        page.goto(page_path.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert errors == [] and fetched == []
        assert page.locator("#table-targets tbody tr").count() == len(target_pivot(c)[1])
        assert page.locator("#table-money_totals tbody tr").count() == len(c.money_totals) == 3  # 乌海 promises no money
        assert page.locator("#table-documents tbody tr").count() == 4
        charts = page.locator(".js-plotly-plot")
        assert charts.count() >= 3
        assert all(charts.nth(i).locator("g.trace, g.point, path.point").count() > 0 for i in range(charts.count()))
        # a target cell links to its source sentence
        first = page.locator("#table-targets a.cell").first
        anchor = first.get_attribute("href")
        assert page.locator(anchor).count() == 1
        page.screenshot(path=str(OUTPUTS / "compare-report.png"), full_page=False)
        browser.close()


def test_a_province_is_named_as_people_say_it(catalog):
    """内蒙古 stands for 内蒙古自治区 (from the regions' short names), as 包头 for 包头市."""
    c = compare(catalog, cities=["内蒙古"])
    assert c.documents and {d["province"] for d in c.documents} == {"内蒙古自治区"}
    assert {d["place"] for d in c.documents} >= {"包头市", "乌海市", "赤峰市"}
