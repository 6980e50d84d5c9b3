"""Segmentation: heading tree per seed, sentences, tokens."""
from __future__ import annotations

from collections import Counter

import pytest

from extractor.nlp import make_doc
from extractor.segment import clauses, sections, sentences

HEADINGS = {  # style rank -> count, read off each seed by hand
    "wuhai": {4: 8, 5: 27},
    "baotou": {4: 8, 5: 21},
    "xuchang": {-1: 1, 4: 3, 5: 12, 6: 22},
    "chifeng": {0: 2, 4: 10, 5: 18, 6: 9},
    "eerduosi": {},
}


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_heading_counts_per_level(seed_docs, name):
    counts = Counter(s.rank for s in seed_docs[name].sections)
    assert dict(counts) == HEADINGS[name]


def test_chifeng_annex_has_its_own_subtree(seed_docs):
    secs = seed_docs["chifeng"].sections
    paths = [s.path for s in secs]
    assert "五、(十八)" in paths
    assert "附件1 三、5." in paths and "附件1 四、" in paths
    annex = next(s for s in secs if s.path == "附件1")
    assert all(s.start >= annex.start for s in secs if s.path.startswith("附件1 "))


def test_notice_wrapping_a_plan_keeps_the_plan_under_the_notice(seed_docs):
    secs = seed_docs["xuchang"].sections
    plan = secs[0]
    assert plan.rank == -1 and plan.title == "许昌市推进产业集聚区高质量发展行动方案"
    assert all(s.parent is not None for s in secs[1:])
    assert next(s for s in secs if s.title == "盘活低效用地").path == "二、(一)3."


def test_headings_carry_title_and_body_offsets():
    text = "一、总体要求\n(一)指导思想。以创新为引领。\n(二)主要目标。到2025年,新增企业10家。\n二、主要任务\n1.做强产业。推进集群。\n(1)细项\n①小项"
    secs = sections(text)
    assert [(s.path, s.title) for s in secs] == [
        ("一、", "总体要求"), ("一、(一)", "指导思想"), ("一、(二)", "主要目标"), ("二、", "主要任务"),
        ("二、1.", "做强产业"), ("二、1.(1)", "细项"), ("二、1.(1)①", "小项")]
    goal = secs[2]
    assert text[goal.body_start:].startswith("到2025年")
    assert text[goal.start:goal.end].endswith("新增企业10家。\n")


def test_chapters_and_articles():
    secs = sections("第一章 总则\n第一条 为了规范管理,制定本办法。\n第二条 本办法适用于全市。\n第二章 附则\n第三条 本办法自发布之日起施行。")
    assert [s.path for s in secs] == ["第一章", "第一章第一条", "第一章第二条", "第二章", "第二章第三条"]


def test_sentences_and_clauses_have_offsets():
    text = "到2025年,新增企业10家;研发投入达到4%。\n第二段!"
    sents = sentences(text)
    assert [s.text for s in sents] == ["到2025年,新增企业10家;", "研发投入达到4%。", "第二段!"]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [c.text for c in clauses(text)][:2] == ["到2025年,", "新增企业10家;"]


def test_department_names_stay_one_token_and_are_found_by_the_span_ruler():
    doc = make_doc("由市工业和信息化局会同县农业农村局负责。")
    assert "市工业和信息化局" in [t.text for t in doc]
    assert [s.text for s in doc.spans["departments"]] == ["市工业和信息化局", "县农业农村局"]
    assert doc.text == "由市工业和信息化局会同县农业农村局负责。"
