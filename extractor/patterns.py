"""Load the data files in ``patterns/`` once per process."""
from __future__ import annotations

import csv
import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"


@lru_cache(maxsize=None)
def toml(name: str) -> dict[str, Any]:
    """A TOML file of ``patterns/`` as a dict."""
    with open(PATTERNS_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    """A CSV file of ``patterns/`` as a tuple of row dicts."""
    with open(PATTERNS_DIR / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return tuple({k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh))


def split_list(value: str) -> list[str]:
    """Split a ``|``-separated cell into its non-empty items."""
    return [v.strip() for v in value.split("|") if v.strip()]


def alternation(words) -> str:
    """A regex alternation of literal words, longest first (so 不低于 wins over 低于)."""
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def trie_pattern(words) -> str:
    """A regex matching any of the literal words, longest first, built as a trie (``山(?:东省?|西)``): one
    character class per position instead of thousands of alternatives, so long word lists stay fast."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)
