"""The real-notice regression set (tests/real): 26 public notices with two-reader gold, scored per field."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.evaluate import evaluate_dirs, predict_dir

REAL = Path(__file__).resolve().parent / "real"
#: Floors on the whole set, just under what it scores now: a fall below one is a regression.
FLOORS = {"amounts": 0.99, "deadlines": 0.96, "targets": 0.96, "metadata": 0.99, "obligations": 0.95,
          "obligation_departments": 0.97}
#: What the development set (h*) must score (issue: read real notices as well as the seeds).
DEV = {"amounts": 0.995, "deadlines": 0.97, "targets": 0.97, "metadata": 0.97, "obligations": 0.95,
       "obligation_departments": 0.97}


@pytest.fixture(scope="module")
def scored():
    predictions, missing = predict_dir(REAL / "gold", REAL / "docs")
    assert missing == []
    return predictions


def _f1(predictions, names=None):
    chosen = {k: v for k, v in predictions.items() if names is None or k in names}
    summary, _ = evaluate_dirs(REAL / "gold", None, chosen, only=set(chosen))
    return {field: s["f1"] for field, s in summary.items()}


def test_the_set_holds_at_least_25_real_notices():
    golds = sorted(p.stem for p in (REAL / "gold").glob("*.json"))
    assert len(golds) >= 25
    assert all((REAL / "docs" / f"{g}.txt").exists() for g in golds)
    sources = (REAL / "README.md").read_text(encoding="utf-8")
    assert all(g in sources for g in golds if g.startswith("r"))


def test_whole_set_stays_above_its_floors(scored):
    f1 = _f1(scored)
    for field, floor in FLOORS.items():
        assert f1[field] >= floor, (field, f1[field])


def test_development_set_meets_its_thresholds(scored):
    f1 = _f1(scored, {k for k in scored if k.startswith("h")})
    for field, threshold in DEV.items():
        assert f1[field] >= threshold, (field, f1[field])


def _scores_of(folder: Path, suffix: str) -> dict[str, float]:
    pages = sorted((REAL / "html").glob("*.html"))
    predictions = {}
    from extractor.pipeline import extract_file

    for page in pages:
        path = folder / f"{page.stem}{suffix}"
        predictions[page.stem] = extract_file(path).to_json()
    summary, _ = evaluate_dirs(REAL / "gold", None, predictions, only=set(predictions))
    return {field: s["f1"] for field, s in summary.items()}


def test_a_notice_read_from_its_page_or_its_markdown_scores_like_its_text(tmp_path):
    """The five gov.cn pages of the development set: as saved HTML, and as Markdown a crawler makes of them."""
    from markdownify import markdownify

    for page in (REAL / "html").glob("*.html"):
        (tmp_path / f"{page.stem}.md").write_text(markdownify(page.read_text(encoding="utf-8")), encoding="utf-8")
        (tmp_path / f"{page.stem}.txt").write_text((REAL / "docs" / f"{page.stem}.txt").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    text = _scores_of(tmp_path, ".txt")
    page = _scores_of(REAL / "html", ".html")
    markdown = _scores_of(tmp_path, ".md")
    for field in text:
        assert page[field] >= text[field] - 0.01, ("html", field, page[field], text[field])
    for field in ("amounts", "targets", "metadata"):
        assert markdown[field] >= text[field] - 0.02, ("markdown", field, markdown[field], text[field])


DUE = Path(__file__).resolve().parent / "real" / "due"


#: The annotated notices: each text with its NAME.json.
NOTICES = sorted(p.name for p in DUE.iterdir() if p.suffix in (".txt", ".md") and p.with_suffix(".json").exists())


@pytest.mark.parametrize("notice", NOTICES)
def test_obligations_fall_due_as_their_sections_say(notice):
    """Real notices annotated per section (tests/real/due): a date opening a section, or the period of a work
    plan's step in its heading, governs its tasks; a date inside a sentence, an approximate time, a start or a
    past condition governs none."""
    from extractor.pipeline import extract_file

    expected = json.loads((DUE / notice).with_suffix(".json").read_text(encoding="utf-8"))["sections"]
    document = extract_file(DUE / notice)
    seen = {o.section for o in document.obligations}
    # every section the annotators found tasks in (the contract's markings, and prose duties: 某局负责…), except
    # those whose tasks the extractor misses ("missed")
    assert seen == {section for section, want in expected.items() if not want.get("missed")}
    for o in document.obligations:
        want = expected[o.section]
        assert (o.due, o.due_from) == (want["due"], want["due_from"]), (o.section, want["why"])


@pytest.mark.parametrize("notice", [n for n in NOTICES if n.endswith(".md")])
def test_a_crawlers_front_matter_gives_what_the_text_does_not(notice):
    """Markdown whose front matter (标题, 文号, 发布日期) holds what the notice's text lacks: its number, and the
    publication date that dates its undated steps."""
    from extractor.pipeline import extract_file

    want = json.loads((DUE / notice).with_suffix(".json").read_text(encoding="utf-8"))["metadata"]
    meta = extract_file(DUE / notice).metadata
    assert (meta.title, meta.doc_number, meta.date_written, meta.date_published) == \
           (want["title"], want["doc_number"], want["date_written"], want["date_published"])
    # without its front matter, the page's level-one heading still gives the title (a disclaimer line above it
    # does not hide it)
    from extractor.pipeline import process
    from extractor.readers import read_bytes

    body = re.sub(r"\A---\n.*?\n---\n", "", (DUE / notice).read_text(encoding="utf-8"), flags=re.S)
    assert process(read_bytes(body.encode("utf-8"), notice)).metadata.title == want["title"]
