"""Segmentation at native speed: rjieba cuts the real notices exactly as jieba does (same dictionary, same user
words, no HMM), so the index and search hits do not depend on which one ran."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractor import tokens
from extractor.bench import corpus
from extractor.pipeline import process, to_spacy
from extractor.readers import read

ROOT = Path(__file__).resolve().parent.parent


def test_rjieba_cuts_the_real_notices_like_jieba():
    pytest.importorskip("rjieba")
    fast, _ = tokens._engine()
    reference, _ = tokens._jieba_engine()
    for path in corpus():
        text = process(read(path)).text
        assert fast(text) == reference(text), path.name


def test_tokens_keep_their_offsets_and_cover_the_text():
    document = process(read(ROOT / "corpora" / "neimenggu-baotou-2022-gaoxinqu.txt"))
    assert "".join(w for w, _, _ in document.tokens) == document.text
    assert all(document.text[s:e] == w for w, s, e in document.tokens)
    assert "市科技局" in [w for w, _, _ in document.tokens]  # a lexicon body stays one token


def test_index_terms_hold_the_words_inside_a_body():
    terms = tokens.index_text(tokens.tokenize("由市科技局牵头")).split()
    assert {"市科技局", "科技", "牵头"} <= set(terms)


def test_a_spacy_doc_on_demand_carries_the_departments_and_items():
    document = process(read(ROOT / "corpora" / "neimenggu-baotou-2022-gaoxinqu.txt"))
    doc = to_spacy(document)
    assert doc.text == document.text
    assert "市科技局" in {s.text for s in doc.spans["departments"]}
    assert len(doc.spans["obligations"]) == len(document.obligations)
