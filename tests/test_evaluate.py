"""The project's own scorer: same rules as EXTRACTION.md, checked on hand-made cases."""
from __future__ import annotations

import json
import shutil

from conftest import CORPORA
from extractor.evaluate import department_key, dice, bigrams, evaluate_dirs, target_key


def test_gold_against_itself_is_perfect():
    summary, _ = evaluate_dirs(CORPORA / "gold", CORPORA / "gold")
    assert all(s["f1"] == 1.0 for s in summary.values())


def test_misses_and_spurious_items_are_counted(tmp_path):
    gold_dir = tmp_path / "gold"
    pred_dir = tmp_path / "pred"
    gold_dir.mkdir()
    pred_dir.mkdir()
    gold = {"metadata": {"title": "关于某事的通知", "doc_number": "某政发〔2020〕1号", "city": "某市", "date_written": "2020-01-02"},
            "amounts": [{"value_yuan": 100}, {"value_yuan": 200}],
            "deadlines": [{"date": "2025-12-31"}],
            "targets": [{"value": 2, "unit": "万家"}],
            "obligations": [{"text": "推进园区基础设施建设", "departments": ["市科学技术局", "市财政局"]}]}
    pred = {"metadata": {"title": "关于某事的通知", "doc_number": "某政发[2020]1号", "city": "某市", "date_written": None},
            "amounts": [{"value_yuan": 100}, {"value_yuan": 300}],
            "deadlines": [{"date": "2025-12-31"}, {"date": "2026-12-31"}],
            "targets": [{"value": 20000, "unit": "家"}],
            "obligations": [{"text": "推进园区基础设施建设工作", "departments": ["市科技局"]},
                            {"text": "完全不同的任务文本内容", "departments": ["市统计局"]}]}
    (gold_dir / "a.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (pred_dir / "a.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    s, report = evaluate_dirs(gold_dir, pred_dir)
    assert s["amounts"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert s["deadlines"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert s["targets"]["f1"] == 1.0
    assert s["metadata"] == {"precision": 1.0, "recall": 0.75, "f1": 0.8571}
    assert s["obligations"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert s["obligation_departments"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert report["a"]["obligations"]["department_errors"][0]["missed"] == ["市财政局"]


def test_a_missing_prediction_scores_as_empty(tmp_path):
    shutil.copy(CORPORA / "gold" / "neimenggu-chifeng-2020-gongyeyuanqu.json", tmp_path / "x.json")
    (tmp_path / "pred").mkdir()
    s, _ = evaluate_dirs(tmp_path, tmp_path / "pred")
    assert s["amounts"] == {"precision": 1.0, "recall": 0.0, "f1": 0.0}


def test_name_and_unit_normalisation():
    assert department_key("市科学技术局") == department_key("市科技局")
    assert department_key("市发展和改革委员会") == department_key("市发改委")
    assert target_key({"value": 1.5, "unit": "亿元"}) == (150_000_000.0, "元")
    assert target_key({"value": 150.7, "unit": "万千瓦"}) == (1_507_000.0, "千瓦")
    assert dice(bigrams("推进园区建设"), bigrams("推进园区建设")) == 1.0
