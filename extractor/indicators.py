"""Targets and money made comparable: the indicator taxonomy of ``patterns/indicators.csv`` and unit scales.

A target keeps its own words (``indicator``) and gains the canonical indicator it measures, the indicator's
family, and its value in a base unit (``2万家`` -> 20000 家, ``3亿元`` -> 300000000 元; ``%`` and ``个百分点``
stay apart). Amounts of money gain a kind: a per-unit ``rate`` (``100元/亩``), a ``cap`` (``最高不超过50万元``),
``yearly`` or a one-off ``lump``; only yearly and lump sums add up to totals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from .patterns import alternation, split_list, table, toml


@dataclass(frozen=True)
class Taxonomy:
    """Every alias -> (indicator, family, unit), and one regex over all aliases."""

    by_alias: dict[str, tuple[str, str, str]]
    aliases: re.Pattern[str]


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    by_alias: dict[str, tuple[str, str, str]] = {}
    for row in table("indicators"):
        entry = (row["indicator"], row["family"], row["unit"])
        for alias in [row["indicator"], *split_list(row["aliases"])]:
            by_alias.setdefault(alias, entry)
    return Taxonomy(by_alias, re.compile(alternation(by_alias)))


@lru_cache(maxsize=1)
def _units() -> dict[str, Any]:
    return toml("units")


def scale(value: float | None, unit: str) -> tuple[float | None, str]:
    """A value in its base unit: 万/亿 prefixes multiplied out, money in 元; ``%`` and ``个百分点`` as they are."""
    rules = _units()
    unit = re.sub(r"[(（][^)）]*[)）]", "", unit or "").strip()
    if unit in rules["keep"]:
        return value, unit
    for prefix, factor in sorted(rules["prefixes"].items(), key=lambda p: -len(p[0])):
        if unit.startswith(prefix) and len(unit) > len(prefix):
            base = unit[len(prefix):]
            return (None if value is None else value * factor), base
    return value, unit


def _unit_class(unit: str) -> str:
    return "share" if unit in ("%", "‰", "个百分点", "百分点") else unit


def classify_indicator(words: str, unit: str = "") -> tuple[str | None, str | None]:
    """(canonical indicator, family) of a target's own words.

    Of the aliases the words contain, the one whose unit agrees with the target's wins, then the one nearest the
    end (a Chinese noun phrase ends in its head: 国家级高新区研发投入强度 measures 研发投入强度), then the longest.
    """
    tax = taxonomy()
    words = words or ""
    found = {}
    for start in range(len(words)):
        m = tax.aliases.match(words, start)
        if m:
            found[m.group()] = m.end()
    if not found:
        return None, None
    base = _unit_class(unit)
    best = max(found, key=lambda a: (not unit or _unit_class(tax.by_alias[a][2]) == base, found[a], len(a)))
    indicator, family, _ = tax.by_alias[best]
    return indicator, family


def classify(target: Any) -> dict[str, Any]:
    """The comparable columns of one target (a :class:`~extractor.model.Target` or a row with its fields)."""
    get = (lambda k: target.get(k)) if isinstance(target, dict) else (lambda k: getattr(target, k))
    value, unit = scale(get("value"), get("unit"))
    indicator, family = classify_indicator(get("indicator"), unit)
    value_max, _ = scale(get("value_max"), get("unit"))
    return {"indicator_key": indicator, "family": family, "value_norm": value, "value_max_norm": value_max,
            "unit_norm": unit}


def classify_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """:func:`classify` for catalog rows."""
    return [classify(r) for r in rows]


@lru_cache(maxsize=1)
def _money_cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cues = _units()["money"]
    per = alternation(cues["per_units"])
    rate_after = re.compile(f"\\s*[/／每](?P<per>{per})")
    rate_before = re.compile(f"每(?P<per>{per})[^，,。；;\\d]{{0,6}}$")
    cap_before = re.compile(f"(?:{alternation(cues['cap_before'])})[^，,。；;]{{0,6}}$")
    return rate_after, rate_before, cap_before


def money_kind(amount: Any, text: str) -> tuple[str, str]:
    """Kind (``rate``/``cap``/``yearly``/``lump``) and unit (``元`` or ``元/台``) of one amount in its text."""
    rate_after, rate_before, cap_before = _money_cues()
    before = text[max(0, amount.start - 12):amount.start]
    rate = rate_after.match(text, amount.end) or rate_before.search(before)
    if rate:
        return "rate", f"元/{rate.group('per')}"
    if cap_before.search(before):
        return "cap", "元"
    return ("yearly" if amount.recurrence == "yearly" else "lump"), "元"
