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
    rows = get_json(datasette, "/catalog/obligations.json?_search=科技&_shape=array")
    assert len(rows) >= 10
    assert all("科技" in row["text"] for row in rows)
    assert get_json(datasette, "/catalog/obligations.json?_search=厂房&_shape=array")
    # the search box cuts Chinese into the index's words, as the CLI does: a phrase of several words is found
    phrase = get_json(datasette, "/catalog/documents.json?_search=建设标准化厂房&_shape=array")
    assert [row["doc_number"] for row in phrase] == ["赤政发〔2020〕172号"]
    tasks = get_json(datasette, "/catalog/obligations.json?_search=完善产业园道路&_shape=array")
    assert tasks and all("产业园道路" in row["text"] for row in tasks)
    ranked = get_json(datasette, "/catalog/search_obligations.json?q=完善产业园道路&_shape=array")
    assert {row["id"] for row in ranked} == {row["id"] for row in tasks}


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
