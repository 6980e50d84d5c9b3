"""The review page of a notice (issue 12), opened in a real headless Chromium: every item of the catalog is one
highlighted span over its own characters, and the side tables jump to them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from extractor.catalog_cli import register
from extractor.db import Catalog

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
LONG = ROOT / "tests" / "real" / "long" / "henan-2023-kuoda-neixu-sannian.txt"
OUTPUTS = ROOT / "outputs"
TABLES = {"obligation": "obligations", "target": "targets", "amount": "amounts", "deadline": "deadlines"}


def run_cli(*args: object):
    group = click.Group()
    register(group)
    return CliRunner().invoke(group, [str(a) for a in args])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review")
    db, pages = folder / "catalog.db", folder / "reports"
    files = []
    for name in ("neimenggu-wuhai-2022-gaoxinqu.txt", "neimenggu-eerduosi-2023-gongyeyuanqu-fanti.txt", LONG.name):
        files.append(folder / name)  # copies: one is changed later, as a user's file would be
        files[-1].write_bytes(((CORPORA / name) if name != LONG.name else LONG).read_bytes())
    result = run_cli("ingest", "--db", db, *files, "--report", pages)
    assert result.exit_code == 0, result.output
    return db, pages


def _items(db: Path, doc_id: int) -> dict[str, dict[str, str]]:
    """id -> text of every item of a notice, per kind (departments: the name as read)."""
    with Catalog.open(db) as catalog:
        found = {kind: {str(i): t for i, t in catalog.conn.execute(
            f"SELECT id, text FROM {table} WHERE document_id = ?", [doc_id])} for kind, table in TABLES.items()}
        found["department"] = {f"{o}-{p}": n for o, p, n in catalog.conn.execute(
            "SELECT od.obligation_id, od.position, od.name FROM obligation_departments od "
            "JOIN obligations o ON o.id = od.obligation_id WHERE o.document_id = ?", [doc_id])}
    return found


def test_pages_and_index_are_written(built):
    db, pages = built
    assert sorted(p.name for p in pages.iterdir()) == ["index.html", "notice-1.html", "notice-2.html", "notice-3.html"]
    index = (pages / "index.html").read_text(encoding="utf-8")
    assert 'href="notice-1.html"' in index and "乌海政发〔2022〕23号" in index
    page = (pages / "notice-1.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link " not in page  # opens from disk, no network


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine (.ci/run installs Debian's chromium)")
def test_every_item_is_one_span_over_its_own_text_in_a_real_browser(built):
    from playwright.sync_api import sync_playwright

    db, pages = built
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        fetched: list[str] = []
        page.route("http*://**", lambda route: (fetched.append(route.request.url), route.abort()))
        for doc_id in (1, 3, 2):  # 3: 23,000 characters and some 460 items; 2 (traditional script) last
            page.goto((pages / f"notice-{doc_id}.html").as_uri())
            shown = page.evaluate("""() => {
                const spans = {};
                for (const m of document.querySelectorAll('#text mark')) {
                    const key = m.dataset.kind + ' ' + m.dataset.id;
                    let own = '';  // the span's characters without those of the spans it holds that are not parts of it
                    for (const node of m.childNodes) {
                        own += node.nodeType === 3 ? node.textContent
                             : (node.dataset && node.dataset.id === m.dataset.id ? '' : node.textContent);
                    }
                    spans[key] = (spans[key] || '') + own;
                }
                return spans;
            }""")
            items = _items(db, doc_id)
            for kind, expected in items.items():
                got = {key.split(" ", 1)[1]: text for key, text in shown.items() if key.startswith(kind + " ")}
                assert set(got) == set(expected), kind
                if kind == "department":  # as written: 工信局 for the 市工信局 a list implies
                    assert all(expected[i].endswith(got[i]) for i in got)
                else:
                    assert got == expected, kind
        # the traditional-script notice shows its original characters on hover
        titles = page.evaluate("() => Array.from(document.querySelectorAll('#text mark[title*=\"原文\"]')).map(m => m.title)")
        assert titles and any("發" in t or "區" in t or "業" in t for t in titles)
        # a click on a table row scrolls to its span and flashes it
        page.goto((pages / "notice-1.html").as_uri())
        row = page.locator("tr[data-ref^='department:']").last
        ref = row.get_attribute("data-ref").split(":")
        row.click()
        span = page.locator(f"#text mark[data-kind='{ref[0]}'][data-id='{ref[1]}']").first
        page.wait_for_timeout(200)
        box = span.bounding_box()
        assert box and 0 <= box["y"] <= 900 and "flash" in span.get_attribute("class")
        page.screenshot(path=str(OUTPUTS / "review-page.png"))
        corrections = _review_by_script(page)
        assert errors == [] and fetched == []
        browser.close()
    _apply_and_reingest(db, corrections)


def _review_by_script(page) -> dict:
    """In review mode: mark the first amount wrong, select the signing date and add it as a deadline, export."""
    page.click("#review-toggle")
    first = page.locator("#text mark[data-kind='amount']").first
    wrong = {"id": first.get_attribute("data-id"), "text": first.inner_text()}
    first.click()
    assert "wrong" in first.get_attribute("class")
    page.evaluate("""() => {
        const text = document.getElementById('text');
        const start = text.textContent.lastIndexOf('2022年8月11日'), end = start + '2022年8月11日'.length;
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let total = 0, n;
        while ((n = walker.nextNode())) {
            const len = n.textContent.length;
            if (total <= start && start < total + len) range.setStart(n, start - total);
            if (total < end && end <= total + len) { range.setEnd(n, end - total); break; }
            total += len;
        }
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
    }""")
    page.click("button[data-add='deadline']")
    page.click("#export")
    exported = json.loads(page.input_value("#corrections"))
    assert [r["id"] for r in exported["review"]["removed"]] == [wrong["id"]]
    assert all(str(a.get("id")) != wrong["id"] for a in exported["amounts"])
    assert exported["review"]["added"] == [{"kind": "deadline", "start": exported["review"]["added"][0]["start"],
                                            "end": exported["review"]["added"][0]["start"] + 10, "text": "2022年8月11日"}]
    assert {"text": "2022年8月11日", "reviewed": "added"}.items() <= exported["deadlines"][-1].items()
    assert exported["document"]["name"] == "neimenggu-wuhai-2022-gaoxinqu"
    return exported


def _apply_and_reingest(db: Path, corrections: dict) -> None:
    """review apply puts the corrections in the catalog and a gold file; they outlive a re-ingest of the file."""
    folder = db.parent
    path = folder / "corrections.json"
    path.write_text(json.dumps(corrections, ensure_ascii=False), encoding="utf-8")
    result = run_cli("review", "apply", path, "--db", db, "--gold", folder / "gold")
    assert result.exit_code == 0 and "1 marked wrong, 1 added" in result.output, result.output
    removed = corrections["review"]["removed"][0]

    def state():
        with Catalog.open(db) as catalog:
            amounts = {(r["start"], r["text"]) for r in catalog.db["amounts"].rows_where("document_id = 1")}
            added = [(r["text"], r["reviewed"]) for r in catalog.db["deadlines"].rows_where("reviewed = 'added'")]
            hits = catalog.search("2022年8月11日", kind="deadline")
            return amounts, added, [h.text for h in hits], catalog.db["corrections"].count

    amounts, added, hits, kept = state()
    assert (removed["start"], removed["text"]) not in amounts and added == [("2022年8月11日", "added")]
    assert "2022年8月11日" in hits and kept == 2
    gold = json.loads((folder / "gold" / "neimenggu-wuhai-2022-gaoxinqu.json").read_text(encoding="utf-8"))
    assert "2022年8月11日" in [d["text"] for d in gold["deadlines"]]
    assert removed["text"] not in [a["text"] for a in gold["amounts"] if a["start"] == removed["start"]]
    changed = folder / "neimenggu-wuhai-2022-gaoxinqu.txt"
    changed.write_bytes(changed.read_bytes() + b"\n")  # the file changes; the notice is read again
    assert "1 replaced" in run_cli("ingest", "--db", db, changed).output
    assert state() == (amounts, added, hits, kept)


def test_a_pdf_notice_shows_the_page_of_each_item(tmp_path):
    import pdfplumber

    from extractor.report.page import spans

    pdf = CORPORA / "neimenggu-wuhai-2022-gaoxinqu.pdf"
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, pdf, "--report", tmp_path / "reports").exit_code == 0
    with pdfplumber.open(pdf) as document:
        last_page = len(document.pages)
    with Catalog.open(db) as catalog:
        _, found = spans(catalog, 1)
    found.sort(key=lambda s: s.start)
    pages = [s.page for s in found]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] == last_page > 1
    page = (tmp_path / "reports" / "notice-1.html").read_text(encoding="utf-8")
    assert f"(p. {last_page})" in page


def test_an_item_added_in_review_shows_on_the_page(tmp_path):
    """An amount an analyst added carries no figures yet: the page says where it came from."""
    from extractor.report.page import render

    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, CORPORA / "neimenggu-baotou-2022-gaoxinqu.txt").exit_code == 0
    with Catalog.open(db) as catalog:
        text = catalog.conn.execute("SELECT text FROM documents WHERE id = 1").fetchone()[0]
        at = text.index("资金支持")
        catalog.correct(1, [], [{"kind": "amount", "text": "资金支持", "start": at, "end": at + 4}])
        page = render(catalog, 1)
        added = catalog.conn.execute("SELECT id FROM amounts WHERE reviewed = 'added'").fetchone()[0]
    assert f'data-kind="amount" data-id="{added}"' in page and "added in review" in page


def test_an_item_added_in_review_is_read_as_the_extractor_reads_it(tmp_path):
    """A target, an amount and a deadline marked wrong and added back in review come back with the figures the
    extractor reads in them: value, unit and year; yuan, role and recurrence; date."""
    db = tmp_path / "c.db"
    assert run_cli("ingest", "--db", db, CORPORA / "neimenggu-chifeng-2020-gongyeyuanqu.txt").exit_code == 0
    columns = {"targets": ("indicator", "value", "value_max", "unit", "comparator", "year", "indicator_key",
                           "value_norm", "unit_norm"),
               "amounts": ("value_yuan", "value_yuan_max", "recurrence", "role", "kind", "unit"),
               "deadlines": ("date", "recurrence", "kind")}
    with Catalog.open(db) as catalog:
        before = {table: [dict(zip(("text", "start", "end", *names), row)) for row in catalog.conn.execute(
            f'SELECT text, start, "end", {", ".join(names)} FROM {table} WHERE document_id = 1 ORDER BY start')]
            for table, names in columns.items()}
        assert all(before.values())
        items = [{"kind": table[:-1], **{k: rows[0][k] for k in ("text", "start", "end")}} for table, rows in before.items()]
        catalog.correct(1, items, items)
        for table, names in columns.items():
            added = catalog.conn.execute(f'SELECT {", ".join(names)} FROM {table} WHERE reviewed = \'added\'').fetchall()
            assert [dict(zip(names, row)) for row in added] == [{k: before[table][0][k] for k in names}], table
