"""Structural guarantees of speed on a catalog generated from the bundled real notices: no statement of an
ingest scans a table, and search filters run on indexes (query plans, not timings)."""
from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.bench import corpus, variants
from extractor.catalog_cli import register
from extractor.db import Catalog, Summary

ROOT = Path(__file__).resolve().parent.parent
#: Plans that read no stored table row by row: the schema, FTS configuration, temporary tables of one
#: statement (``x``: the places being refreshed), derived rows (FTS matches ``hits``, fingerprint bands shared
#: with a new notice ``bands``), FTS lookups, the queue of stale places.
HARMLESS = ("sqlite_master", "_config", "SCAN CONSTANT ROW", "VIRTUAL TABLE", "SCAN x", "SCAN (subquery",
            "SCAN hits", "SCAN bands", "SCAN stale_places")


def run_cli(*args: str):
    group = click.Group()
    register(group)
    return CliRunner().invoke(group, [str(a) for a in args])


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("scale")
    variants(corpus(), 120, work / "in")
    db = work / "catalog.db"
    result = run_cli("ingest", "--db", db, "--jobs", "2", work / "in")
    assert "120 added" in result.stdout or " merged" in result.stdout, result.output
    return db


def _scans(catalog: Catalog, statements: list[str]) -> list[tuple[str, str]]:
    found = []
    for sql in dict.fromkeys(statements):
        if sql.split()[0].upper() not in ("SELECT", "UPDATE", "DELETE", "INSERT", "WITH"):
            continue
        for row in catalog.conn.execute("EXPLAIN QUERY PLAN " + sql):
            detail = row[-1]
            if detail.startswith("SCAN") and not any(h in detail for h in HARMLESS):
                found.append((sql[:160], detail))
    return found


def test_no_statement_of_an_ingest_scans_a_table(grown, tmp_path):
    notice = ROOT / "tests" / "real" / "docs" / "h03_jinan_kechuangjinan.txt"
    statements: list[str] = []
    with Catalog.open(grown) as catalog:
        catalog.conn.set_trace_callback(statements.append)
        run = catalog.start_run([str(notice)])
        summary = Summary()
        for outcome in catalog.ingest([str(notice)], run):
            summary.add(outcome)
        catalog.finish_run(run, summary)
        catalog.conn.set_trace_callback(None)
        assert summary.added + summary.merged == 1
        assert len(statements) > 20
        assert _scans(catalog, statements) == []


@pytest.mark.parametrize("filters", [
    {"query": "科技"},
    {"query": "企业", "city": "济南"},
    {"department": "科技局"},
    {"function": "财政"},
    {"due_before": "2023-12-31"},
    {"query": "资金", "kind": "amount", "city": "济南"},
])
def test_search_filters_run_on_indexes(grown, filters):
    statements: list[str] = []
    with Catalog.open(grown) as catalog:
        catalog.conn.set_trace_callback(statements.append)
        catalog.search(**filters)
        catalog.conn.set_trace_callback(None)
        assert _scans(catalog, statements) == []


def test_a_common_word_is_ranked_over_the_newest_matches(grown, monkeypatch):
    """A ranked search scores the newest matches first and widens its window until it has its hits: filtered
    searches still find every hit they would find ranking all matches."""
    import extractor.db

    with Catalog.open(grown) as catalog:
        ranked_all = catalog.search("企业", city="济南", limit=20)
        monkeypatch.setattr(extractor.db, "RANK_WINDOW", 4)
        windowed = catalog.search("企业", city="济南", limit=20)
        assert len(windowed) == len(ranked_all) > 0
        top = catalog.search("企业", limit=5)
        matches = [r[0] for r in catalog.conn.execute(
            "SELECT rowid FROM obligations_fts WHERE obligations_fts MATCH '\"企业\"' ORDER BY rowid DESC")]
        assert len(matches) > 32 and len(top) == 5
        assert all(hit.id >= matches[31] for hit in top)  # window of 4, then 32: the newest 32 matches


def test_a_count_never_scans_a_common_word(grown, monkeypatch):
    """Without filters every FTS match is a hit, counted in the index; with filters the count runs over the newest
    matches and says when it is a lower bound."""
    import extractor.db

    with Catalog.open(grown) as catalog:
        everything = catalog.search("企业", limit=None)
        assert catalog.count("企业") == (len(everything), True)
        jinan = len(catalog.search("企业", city="济南", limit=None))
        assert catalog.count("企业", city="济南") == (jinan, True)
        monkeypatch.setattr(extractor.db, "COUNT_WINDOW", 10)
        bound, exact = catalog.count("企业", city="济南")
        assert not exact and bound <= jinan
