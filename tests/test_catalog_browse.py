"""Browsing the catalog with Datasette: FTS search, views and canned queries."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from extractor.db import Catalog

datasette_app = pytest.importorskip("datasette.app")

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


@pytest.fixture(scope="module")
def datasette(tmp_path_factory):
    db = tmp_path_factory.mktemp("browse") / "catalog.db"
    with Catalog.open(db) as catalog:
        run = catalog.start_run(["test"])
        for name in ("neimenggu-baotou-2022-gaoxinqu.txt", "neimenggu-wuhai-2022-gaoxinqu.txt",
                     "neimenggu-chifeng-2020-gongyeyuanqu.txt"):
            assert catalog.ingest_file(CORPORA / name, run).status == "added"
        metadata = catalog.browse_metadata("catalog")
    return datasette_app.Datasette([str(db)], metadata=metadata)


def get_json(ds, path: str):
    async def fetch():
        response = await ds.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


def test_fts_search_through_datasette(datasette):
    rows = get_json(datasette, "/catalog/obligations.json?_search=科技&_sort=id&_shape=array")
    assert len(rows) >= 10
    assert all("科技" in row["text"] for row in rows)
    assert get_json(datasette, "/catalog/obligations.json?_search=厂房&_sort=id&_shape=array")
    # the search box cuts Chinese into the index's words, as the CLI does: a phrase of several words is found
    phrase = get_json(datasette, "/catalog/documents.json?_search=建设标准化厂房&_sort=id&_shape=array")
    assert [row["doc_number"] for row in phrase] == ["赤政发〔2020〕172号"]
    tasks = get_json(datasette, "/catalog/obligations.json?_search=完善产业园道路&_sort=id&_shape=array")
    assert tasks and all("产业园道路" in row["text"] for row in tasks)


@pytest.mark.parametrize("table, words, query", [("obligations", "科技 创新", "search_obligations"),
                                                 ("documents", "标准化厂房", "search_documents"),
                                                 ("targets", "高新技术企业", "search_targets")])
def test_a_table_search_lists_best_matches_first(datasette, table, words, query):
    """The search box of a table, with no sort chosen, opens the table's ranked query (best first), keeping the
    format and shape asked for; the same rows as the table's own search."""
    moved = asyncio.run(datasette.client.get(f"/catalog/{table}.json?_search={words}&_shape=array"))
    assert moved.status_code == 302
    assert moved.headers["location"].startswith(f"/catalog/{query}.json?q=") and "_shape=array" in moved.headers["location"]
    ranked = get_json(datasette, moved.headers["location"])
    assert len(ranked) > 0 and [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)
    table_rows = get_json(datasette, f"/catalog/{table}.json?_search={words}&_sort=id&_shape=array&_size=max")
    assert {r["id"] for r in ranked} == {r["id"] for r in table_rows}
    page = asyncio.run(datasette.client.get(f"/catalog/{table}?_search={words}"))
    assert page.status_code == 302 and page.headers["location"].startswith(f"/catalog/{query}?q=")
    # with a column filter the table view stays (the ranked query takes none)
    assert asyncio.run(datasette.client.get(f"/catalog/{table}.json?_search={words}&id__gt=0")).status_code == 200


def test_department_aliases_and_labels(datasette):
    """The department query takes any alias (科技局 finds 市科学技术局); rows name their notice by title."""
    rows = get_json(datasette, "/catalog/department_search.json?department=科技局&_shape=array")
    assert rows and {row["department"] for row in rows} == {"市科学技术局"}
    assert {row["place"] for row in rows} == {"包头市", "乌海市", "赤峰市"}
    labelled = get_json(datasette, "/catalog/obligations.json?_labels=on&_shape=array&_size=1")
    assert labelled[0]["document_id"]["label"].endswith(("实施意见", "若干意见", "实施方案", "若干措施"))
    facets = get_json(datasette, "/catalog/documents.json")["facet_results"]
    assert {"province", "city", "level"} <= set(facets.get("results", facets))


def test_views_and_canned_queries(datasette):
    listed = get_json(datasette, "/catalog/obligation_list.json?_shape=array&_size=max&departments__contains=市科学技术局")
    assert {row["city"] for row in listed} == {"包头市", "乌海市", "赤峰市"}
    due = get_json(datasette, "/catalog/due_within_year.json?from=2022-06-01&_shape=array")
    assert due and all("2022-06-01" <= row["deadline"] <= "2023-06-01" for row in due)
    funding = {row["place"]: row for row in get_json(datasette, "/catalog/funding_by_city.json?_shape=array")}
    assert set(funding) == {"包头市", "赤峰市"}  # Wuhai's amounts are targets and thresholds, not funding
    assert funding["赤峰市"]["yearly_yuan"] >= 50_000_000  # 市政府每年安排5000万元
    assert funding["赤峰市"]["total"].endswith(("万元", "亿元"))
    money = get_json(datasette, "/catalog/funding.json?_shape=array&place=包头市")
    assert {row["amount"] for row in money} >= {"500万元"}


def _chromium() -> str | None:
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_datasette_in_a_real_browser(datasette, tmp_path):
    """A served catalog in headless Chromium: the department query by alias shows its rows with titles, and the
    table search box finds a Chinese phrase; screenshots under outputs/."""
    import json
    import socket
    import subprocess
    import sys
    import time

    from playwright.sync_api import sync_playwright

    db = Path(datasette.files[0])
    metadata = tmp_path / "metadata.json"
    with Catalog.open(db) as catalog:
        metadata.write_text(json.dumps(catalog.browse_metadata(db.stem), ensure_ascii=False), encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(metadata),
                               "--port", str(port), "--host", "127.0.0.1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    outputs = Path(__file__).resolve().parent.parent / "outputs"
    outputs.mkdir(exist_ok=True)
    expected = len(get_json(datasette, "/catalog/department_search.json?department=科技局&_shape=array"))
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/{db.stem}/department_search?department=科技局")
            rows = page.locator("table.rows-and-columns tbody tr")
            assert rows.count() == expected > 0
            assert page.locator("td.col-department").first.inner_text() == "市科学技术局"
            page.screenshot(path=str(outputs / "datasette-department.png"))
            page.goto(f"http://127.0.0.1:{port}/{db.stem}/documents?_search=建设标准化厂房")
            assert page.locator("table.rows-and-columns tbody tr").count() == 1
            assert "/search_documents?q=" in page.url  # the search box opened the ranked query
            assert "赤峰市人民政府关于促进工业园区高质量发展的若干意见" in page.inner_text("table.rows-and-columns")
            page.screenshot(path=str(outputs / "datasette-search.png"))
            assert errors == []
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_public_copy_keeps_this_machine_to_itself(tmp_path):
    """browse-metadata --public: a copy without file paths, command lines or failures, and metadata with SQL off
    and the run tables closed."""
    import click
    from click.testing import CliRunner

    from extractor.catalog_cli import register

    group = click.Group()
    register(group)
    db, public = tmp_path / "catalog.db", tmp_path / "site" / "policies.db"
    assert CliRunner().invoke(group, ["ingest", "--db", str(db), str(CORPORA / "county")]).exit_code == 0
    result = CliRunner().invoke(group, ["browse-metadata", "--db", str(db), "--public", str(public)])
    assert result.exit_code == 0, result.output
    raw = public.read_bytes()
    assert str(CORPORA).encode("utf-16-le") not in raw and str(CORPORA).encode("utf-8") not in raw
    import json

    metadata = json.loads(public.with_name("policies-metadata.json").read_text(encoding="utf-8"))
    ds = datasette_app.Datasette([str(public)], metadata=metadata)

    async def status(path: str) -> int:
        return (await ds.client.get(path)).status_code

    assert asyncio.run(status("/policies/documents.json")) == 200
    assert asyncio.run(status("/policies/runs.json")) == 403
    assert asyncio.run(status("/policies.json?sql=select+path+from+sources")) in (400, 403)
    rows = get_json(ds, "/policies/documents.json?_shape=array")
    assert [r["path"] for r in rows] == ["jilin-tonghua-liuhe-2023-zhongdianchanye.txt"]
