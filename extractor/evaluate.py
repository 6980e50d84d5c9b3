"""Score extraction output against gold annotations, field by field.

The rules follow EXTRACTION.md: multisets of values for amounts, deadlines and
targets; exact metadata fields; obligations matched by character-bigram Dice
>= 0.5, then (task, department) pairs. Micro-averaged over all documents.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

FIELDS = ("amounts", "deadlines", "targets", "metadata", "obligations", "obligation_departments")
META_KEYS = ("title", "doc_number", "city", "date_written")
MONEY_UNITS = {"元": 1, "千元": 1e3, "万元": 1e4, "萬元": 1e4, "十万元": 1e5, "百万元": 1e6,
               "千万元": 1e7, "亿元": 1e8, "億元": 1e8, "万亿元": 1e12}
UNIT_PREFIXES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
# Pairs of long and short forms that name the same body.
SAME_NAME = (("科学技术", "科技"), ("工业和信息化", "工信"), ("经济和信息化", "经信"),
             ("发展和改革委员会", "发改委"), ("发展改革委员会", "发改委"), ("发展改革委", "发改委"),
             ("人力资源和社会保障", "人社"), ("人力资源社会保障", "人社"), ("住房和城乡建设", "住建"),
             ("住房城乡建设", "住建"), ("市场监督管理", "市场监管"), ("卫生健康委员会", "卫健委"),
             ("卫生健康委", "卫健委"), ("管理委员会", "管委会"), ("金融工作办公室", "金融办"),
             ("外事办公室", "外事办"), ("人民政府", "政府"))
_BRACKETS = str.maketrans({"﹝": "〔", "﹞": "〕", "[": "〔", "]": "〕", "【": "〔", "】": "〕",
                           " ": "", "\u3000": ""})
_HAN = re.compile(r"[\u4e00-\u9fff]")


def halfwidth(s: str) -> str:
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in s)


def as_number(x: Any) -> float | None:
    try:
        return round(float(x), 4)
    except (TypeError, ValueError):
        return None


def department_key(name: Any) -> str:
    if isinstance(name, dict):
        name = name.get("canonical") or name.get("name") or ""
    s = halfwidth(str(name)).replace(" ", "").replace("\u3000", "")
    for long, short in SAME_NAME:
        s = s.replace(long, short)
    return s


def target_key(t: dict[str, Any]) -> tuple[Any, str]:
    value = as_number(t.get("value"))
    unit = halfwidth(str(t.get("unit") or "")).strip().replace("％", "%")
    if value is not None and unit in MONEY_UNITS:
        return round(value * MONEY_UNITS[unit], 2), "元"
    for prefix, factor in UNIT_PREFIXES:
        if value is not None and unit.startswith(prefix) and len(unit) > len(prefix):
            return round(value * factor, 2), unit[len(prefix):]
    return value, unit


def amount_key(a: dict[str, Any]) -> float | None:
    return as_number(a.get("value_yuan"))


def deadline_key(d: dict[str, Any]) -> str | None:
    return str(d.get("date") or "").strip() or None


def meta_value(key: str, value: Any) -> str | None:
    if value is None:
        return None
    s = halfwidth(str(value)).strip()
    if key == "doc_number":
        s = s.translate(_BRACKETS)
    if key == "title":
        s = re.sub(r"[—–－―‐-]+", "-", re.sub(r"[\s\u00a0]+", "", s))
    return s or None


def bigrams(text: str | None) -> Counter[str]:
    han = "".join(_HAN.findall(text or ""))
    return Counter(han[i:i + 2] for i in range(len(han) - 1))


def dice(a: Counter[str], b: Counter[str]) -> float:
    total = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / total if total else 0.0


class Counts:
    """True positives, false positives and false negatives of one field."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _compare_values(gold: list, pred: list, key: Callable[[Any], Any]) -> dict[str, Any]:
    g = Counter(k for k in map(key, gold) if k is not None)
    p = Counter(k for k in map(key, pred) if k is not None)
    tp = sum((g & p).values())
    return {"tp": tp, "fp": sum(p.values()) - tp, "fn": sum(g.values()) - tp,
            "missed": [str(k) for k in (g - p).elements()], "spurious": [str(k) for k in (p - g).elements()]}


def _compare_obligations(gold: list[dict], pred: list[dict], pairs: Counts) -> dict[str, Any]:
    gb, pb = [bigrams(o.get("text")) for o in gold], [bigrams(o.get("text")) for o in pred]
    scored = sorted(((dice(gb[i], pb[j]), i, j) for i in range(len(gold)) for j in range(len(pred))), reverse=True)
    match: dict[int, int] = {}
    taken: set[int] = set()
    for score, i, j in scored:
        if score < 0.5:
            break
        if i not in match and j not in taken:
            match[i] = j
            taken.add(j)
    errors = []
    for i, o in enumerate(gold):
        g = Counter(department_key(d) for d in o.get("departments", []))
        p = Counter(department_key(d) for d in pred[match[i]].get("departments", [])) if i in match else Counter()
        tp = sum((g & p).values())
        pairs.add(tp, sum(p.values()) - tp, sum(g.values()) - tp)
        if g != p:
            errors.append({"task": (o.get("text") or "")[:40], "missed": sorted((g - p).elements()),
                           "spurious": sorted((p - g).elements()), "task_found": i in match})
    for j, o in enumerate(pred):
        if j not in taken:
            pairs.add(0, len(o.get("departments", [])), 0)
    return {"tp": len(match), "fp": len(pred) - len(match), "fn": len(gold) - len(match), "department_errors": errors}


def evaluate_dirs(gold_dir: Path, pred_dir: Path | None, predictions: dict[str, dict] | None = None,
                  only: set[str] | None = None) -> tuple[dict[str, dict[str, float]], dict[str, Any]]:
    """Scores per field and a per-document report; predictions from PRED_DIR files or a dict by name
    (``only``: score just the gold files with these names)."""
    counts = {f: Counts() for f in FIELDS}
    report: dict[str, Any] = {}
    for gold_file in sorted(gold_dir.glob("*.json")):
        if only is not None and gold_file.stem not in only:
            continue
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        pred: dict[str, Any] = {}
        if predictions is not None:
            pred = predictions.get(gold_file.stem) or {}
        elif pred_dir is not None and (pred_dir / gold_file.name).exists():
            try:
                pred = json.loads((pred_dir / gold_file.name).read_text(encoding="utf-8"))
            except ValueError:
                pred = {}
        doc: dict[str, Any] = {}
        for field, key in (("amounts", amount_key), ("deadlines", deadline_key), ("targets", target_key)):
            doc[field] = _compare_values(gold.get(field, []), pred.get(field) or [], key)
            counts[field].add(doc[field]["tp"], doc[field]["fp"], doc[field]["fn"])
        gm, pm = gold.get("metadata", {}), pred.get("metadata") or {}
        doc["metadata"] = {}
        for key in META_KEYS:
            g, p = meta_value(key, gm.get(key)), meta_value(key, pm.get(key))
            if g is None and p is None:
                continue
            ok = g == p
            counts["metadata"].add(int(ok), int(not ok and p is not None), int(not ok and g is not None))
            if not ok:
                doc["metadata"][key] = {"gold": g, "pred": p}
        doc["obligations"] = _compare_obligations(gold.get("obligations", []), pred.get("obligations") or [],
                                                  counts["obligation_departments"])
        o = doc["obligations"]
        counts["obligations"].add(o["tp"], o["fp"], o["fn"])
        report[gold_file.stem] = doc
    return {f: c.scores() for f, c in counts.items()}, report


def predict_dir(gold_dir: Path, docs_dir: Path | None = None) -> tuple[dict[str, dict], list[str]]:
    """Run the extractor on the document named like each gold file (searched under docs_dir)."""
    from .pipeline import extract_file

    root = docs_dir or gold_dir.parent
    preference = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
    by_stem: dict[str, Path] = {}
    files = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in preference]
    for path in sorted(files, key=lambda p: (preference.index(p.suffix.lower()), str(p))):
        by_stem.setdefault(path.stem, path)
    predictions, missing = {}, []
    for gold_file in sorted(gold_dir.glob("*.json")):
        path = by_stem.get(gold_file.stem)
        if path is None:
            missing.append(gold_file.stem)
            continue
        try:
            predictions[gold_file.stem] = extract_file(path).to_json()
        except Exception:  # unreadable input or a pipeline bug: scored as an empty prediction
            missing.append(gold_file.stem)
    return predictions, missing


def format_table(summary: dict[str, dict[str, float]], report: dict[str, Any] | None = None) -> str:
    """The per-field table (and the misses per document when a report is given)."""
    lines = []
    for name, doc in (report or {}).items():
        lines.append(f"== {name}")
        for field in ("amounts", "deadlines", "targets"):
            d = doc[field]
            if d["missed"] or d["spurious"]:
                lines.append(f"  {field}: missed {d['missed']} spurious {d['spurious']}")
        if doc["metadata"]:
            lines.append(f"  metadata: {doc['metadata']}")
        for e in doc["obligations"]["department_errors"]:
            lines.append(f"  obligation {e['task']!r} found={e['task_found']} missed {e['missed']} spurious {e['spurious']}")
    lines.append(f"{'field':24} {'precision':>9} {'recall':>7} {'f1':>7}")
    for field, s in summary.items():
        lines.append(f"{field:24} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:7.3f}")
    return "\n".join(lines)
