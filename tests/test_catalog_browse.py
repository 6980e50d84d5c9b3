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


def test_views_and_canned_queries(datasette):
    listed = get_json(datasette, "/catalog/obligation_list.json?_shape=array&_size=max&departments__contains=市科学技术局")
    assert {row["city"] for row in listed} == {"包头市", "乌海市", "赤峰市"}
    due = get_json(datasette, "/catalog/due_within_year.json?from=2022-06-01&_shape=array")
    assert due and all("2022-06-01" <= row["deadline"] <= "2023-06-01" for row in due)
    funding = {row["city"]: row for row in get_json(datasette, "/catalog/funding_by_city.json?_shape=array")}
    assert set(funding) == {"包头市", "赤峰市"}  # Wuhai's amounts are targets and thresholds, not funding
    assert funding["赤峰市"]["total_yuan"] >= 50_000_000  # 市政府每年安排5000万元
