"""Deadlines: time bounds normalised to ISO dates (see patterns/deadlines.toml)."""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .model import Deadline
from .numbers import parse_number
from .patterns import toml


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]
    goal_only: bool
    anchor: re.Pattern[str]
    lookback: int


_YEAR = r"(?:19|20)\d{2}年"


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[_Rule, ...], dict[str, str], tuple[str, ...], tuple[str, ...]]:
    data = toml("deadlines")
    rules = tuple(_Rule(r["kind"], re.compile(r["pattern"]), r.get("context") == "goal",
                        re.compile(r.get("anchor", _YEAR)), int(r.get("lookback", 4)))
                  for r in data["rule"])
    return rules, data["parts"], tuple(data["context"]["goal"]), tuple(data["context"]["past"])


@lru_cache(maxsize=None)
def _context(name: str) -> tuple[str, ...]:
    return tuple(toml("deadlines")["context"][name])


def _bare_followers() -> tuple[str, ...]:
    return tuple(toml("deadlines")["context"]["bare_year_followers"])


@lru_cache(maxsize=1)
def _strong_goal() -> tuple[str, ...]:
    return tuple(toml("deadlines")["context"]["strong_goal"])


def _candidates(text: str, rules: tuple[_Rule, ...]) -> list[tuple[int, int, re.Match[str]]]:
    """(rule index, start, match) for every rule, tried only just before each of its anchors."""
    anchors: dict[str, list[int]] = {}
    out = []
    for n, rule in enumerate(rules):
        positions = anchors.setdefault(rule.anchor.pattern, [m.start() for m in rule.anchor.finditer(text)])
        last_end = -1
        for a in positions:
            for start in range(max(0, a - rule.lookback, last_end), a + 1):
                m = rule.pattern.match(text, start)
                if m and m.end() > a:
                    out.append((n, start, m))
                    last_end = m.end()
                    break
    return out


def _last_day(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _add(base: date, years: int = 0, months: int = 0) -> date:
    total = base.year * 12 + base.month - 1 + years * 12 + months
    y, m = divmod(total, 12)
    return date(y, m + 1, min(base.day, calendar.monthrange(y, m + 1)[1]))


_CLAUSE_END = re.compile(r"[。;!?\n]")


def _cell_edges(text: str, start: int, end: int) -> bool:
    """Whether [start, end) fills a table cell (``| 2024年6月 |``)."""
    before = text[max(0, start - 3):start].rstrip(" ")
    after = text[end:end + 3].lstrip(" ")
    return (before.endswith("|") or before.endswith("\n") or start == 0) and (after[:1] in ("|", "\n", "") )


def is_goal_context(text: str, start: int, end: int, strong: bool = False) -> bool:
    """Whether the clause around [start, end) states a goal rather than a fact.

    ``strong`` asks for a word of intent (力争, 计划, 将…), for texts with no date of their own.
    """
    _, _, goal, past = _rules()
    goal = _strong_goal() if strong else goal
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    if "|" in line and text[line_start:start].rstrip().endswith(("|", "")) and _cell_edges(text, start, end):
        return True
    stop = _CLAUSE_END.search(text, end)
    after = text[end: stop.start() if stop else len(text)]
    begin = max(text.rfind(c, 0, start) for c in "。;!?\n,")
    before = text[begin + 1:start]
    if any(w in after or w in before for w in past):
        return False
    return any(w in after[:40] or w in before[-6:] for w in goal)


def _plan_end(period: str) -> int | None:
    n = parse_number(period)
    return 1955 + 5 * int(n) if n else None


def find(text: str, doc_date: str | None, reserved: list[tuple[int, int]] | None = None,
         review: list[tuple[int, int]] | None = None) -> list[Deadline]:
    """Every deadline in the text, in order of position, outside the reserved spans.

    In ``review`` spans (sections that report past work) only explicit bounds count.

    Rules are tried in order; a character belongs to at most one deadline.
    """
    rules, parts, _, _ = _rules()
    base = date.fromisoformat(doc_date) if doc_date else None
    taken = sorted(reserved or [])
    found: list[Deadline] = []
    for n, s, m in _candidates(text, rules):
        if m.groupdict().get("bound"):
            s = m.start("bound")
        e = m.end("bound") if m.groupdict().get("bound") else m.end()
        i = bisect.bisect_right(taken, (s, len(text) + 1)) - 1
        if (i >= 0 and taken[i][1] > s) or (i + 1 < len(taken) and taken[i + 1][0] < e):
            continue
        rule = rules[n]
        g = m.groupdict()
        if rule.goal_only and (not is_goal_context(text, s, e, strong=base is None)
                               or any(a <= s < b for a, b in review or [])):
            continue
        if rule.goal_only and base is not None and g.get("y") and int(g["y"]) < base.year:
            continue
        if rule.goal_only and rule.kind == "year" and not (text[e:e + 1] in ",;" or text.startswith(_bare_followers(), e)):
            continue  # 2024年城镇老旧小区改造项目: the year names a plan, it bounds nothing
        clause = text[max(text.rfind(",", 0, s), text.rfind("。", 0, s), text.rfind(";", 0, s)) + 1:s]
        sentence = text[max(text.rfind("。", 0, s), text.rfind("\n", 0, s)) + 1:s]
        if any(w in sentence for w in _context("forecast")) or any(w in clause for w in _context("definition")):
            continue  # 据…预测,到2030年…; 存量项目是指2025年6月1日前投产的项目
        rest = text[e:e + 30]
        rest = rest[:min((i for i in (rest.find(c) for c in "。;\n") if i >= 0), default=len(rest))]
        if any(w in rest for w in _context("until_then")):
            continue  # 2026年1月1日以前,…仍按照现行政策执行; 一年内停电次数不超过5次
        if rule.kind == "relative" and (clause.endswith(_context("rolling"))
                                        or any(w in rest for w in _context("counted"))):
            continue  # 未来12个月内投产; 未记载3年内…失信信息; 一年内停电次数不超过5次
        if rule.kind == "relative" and "之日起" not in m.group() and (
                re.match(r"[^,;。]*的[,;]|(取消|不得|禁止|不予|暂停|停止)", text[e:]) or "起" in clause
                or re.search(r"(?:后|之后|以后)(?:的)?$", clause)
                or (re.match(r"[^,;。]{0,12}的", text[e:]) and re.search(r"针对|对于|凡|属于", clause))):
            continue  # a condition (在10年内迁离的), a sanction (5年内取消), a span from another event (自注册之日起,
            # 投产后2年内) or inside a noun modifier (针对…5年内关税降为零的商品)
        value, recurrence = _resolve(rule.kind, g, parts, base)
        if value is not None and base is not None and (rule.kind in ("day", "month") or g.get("bound")) \
                and value < base.isoformat():
            continue  # a bound already past when the notice was written qualifies, it binds nothing
        if value is not None:
            bisect.insort(taken, (s, e))
            found.append(Deadline(value, recurrence, text[s:e], s, e, kind=rule.kind))
    return sorted(found, key=lambda d: d.start)


def _resolve(kind: str, g: dict[str, str | None], parts: dict[str, str], base: date | None) -> tuple[str | None, str | None]:
    try:
        if kind == "yearly":
            m = int(g["m"] or 0)
            if not 1 <= m <= 12:
                return None, None
            d = int(g["d"]) if g.get("d") else (28 if m == 2 else calendar.monthrange(2001, m)[1])
            return f"XXXX-{m:02d}-{d:02d}", "yearly"
        if kind == "yearly_end":
            return "XXXX-12-31", "yearly"
        year = g.get("y") or g.get("y0") or (str(base.year) if base else None)
        if year and not g.get("y") and g.get("m0") and int(g["m"]) < int(g["m0"]):
            year = str(int(year) + 1)  # (2024年12月1日至1月31日): the range ends in the next year
        if kind == "day":
            return date(int(year), int(g["m"]), int(g["d"])).isoformat(), None
        if kind == "window":
            return date(int(g["y"] or g["y0"]), int(g["m"]), int(g["d"])).isoformat(), None
        if kind == "month":
            return _last_day(int(year), int(g["m"])), None
        if kind == "year":
            return f"{int(g['y']):04d}-12-31", None
        if kind == "part":
            return f"{int(g['y']):04d}-{parts[g['part']]}", None
        if kind == "plan":
            year = _plan_end(g["period"] or "")
            return (f"{year}-12-31", None) if year else (None, None)
        if kind == "relative" and base is not None:
            n = parse_number(g.get("n2") or g["n"] or "")
            unit = g.get("unit") or ""
            if n and unit in ("日", "天", "个工作日") and n <= 400:
                return (base + timedelta(days=int(n) * 7 // 5 if "工作" in unit else int(n))).isoformat(), None
            if not n or n > 50:
                return None, None
            months = int(n) if "月" in unit else 0
            years = 0 if months else int(n)
            return _add(base, years, months).isoformat(), None
        if kind == "this_month" and base is not None:
            m = int(g["m"])
            if g.get("d"):
                return date(base.year, m, int(g["d"])).isoformat(), None
            return _last_day(base.year, m), None
        if kind == "this_part" and base is not None:
            return f"{base.year:04d}-{parts[g['part']]}", None
        if kind == "this_year" and base is not None:
            return f"{base.year}-12-31", None
    except (ValueError, KeyError, TypeError):
        return None, None
    return None, None
