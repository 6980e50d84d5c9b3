"""Responsible bodies: split marked lists, expand elided prefixes, canonicalise.

The lexicon (``patterns/departments.csv``) lists bodies without their level
prefix; a name is matched by its longest lexicon ending, and what stands before
it (``市``, ``各旗县区``, ``乌海市``) is kept as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Department
from .patterns import alternation, split_list, table, toml

LEVELS = ("自治区", "自治州", "省", "市", "县", "区", "旗", "州", "盟", "乡", "镇", "苏木", "街道")


@dataclass(frozen=True)
class Lexicon:
    by_key: dict[str, tuple[str, str]]
    suffixes: tuple[str, ...]
    vague: frozenset[str]
    vague_pattern: re.Pattern[str]
    drop_tail: tuple[re.Pattern[str], ...]
    joiners: tuple[str, ...]
    body_pattern: str


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    by_key: dict[str, tuple[str, str]] = {}
    for row in table("departments"):
        entry = (row["canonical"], row["function"] or "其他")
        for key in [row["canonical"], *split_list(row["aliases"])]:
            by_key.setdefault(key, entry)
    suffixes = tuple(sorted({r["suffix"] for r in table("department_suffixes") if r["suffix"]}, key=len, reverse=True))
    vague = frozenset(r["phrase"] for r in table("department_vague") if r["phrase"])
    rules = toml("obligations")
    body = alternation(set(suffixes) | set(by_key))
    return Lexicon(
        by_key=by_key,
        suffixes=suffixes,
        vague=vague,
        vague_pattern=re.compile(r"^(各|市|县|区|省|市直|县直|区直|市级|县级)?(各)?(有关|相关|其他|其它)(职能)?(部门|单位|机构)"
                                 r"|^各(级|地|地区|部门|单位)$|^(各级)?各部门$"
                                 r"|^(各)?(有关|相关|其他|其它)[\u4e00-\u9fff]{0,8}(企业|单位|机构|电厂)$"
                                 r"|^(省|市|县|区|州|盟|旗)?(人民)?(政府)?(各|所属)(部门|单位|委办局|有关部门|直属机构)$"),
        drop_tail=tuple(re.compile(p) for p in rules["drop_tail"]),
        joiners=tuple(rules["joiners"]),
        body_pattern=body,
    )


_LOCAL_GROUP = re.compile(r"^各(乡镇|街道|乡|镇|村|社区|苏木)(\([^()]{1,6}\))?$")


def is_body(name: str) -> bool:
    """Whether a string names a body (ends with a lexicon name or a body suffix)."""
    lex = lexicon()
    return len(name) >= 2 and (name.endswith(lex.suffixes) or any(name[i:] in lex.by_key for i in range(len(name) - 1))
                               or bool(_LOCAL_GROUP.match(name)))


def is_vague(name: str) -> bool:
    lex = lexicon()
    return name in lex.vague or bool(lex.vague_pattern.search(name))


def _level_prefix(name: str) -> str:
    """The leading level word of a name (``市``, ``县``), or ''."""
    for level in sorted(LEVELS, key=len, reverse=True):
        if name.startswith(level) and len(name) > len(level):
            return level
    return ""


def canonical(name: str) -> Department:
    """Canonical form, function class and level of one body name (a fresh object)."""
    d = _canonical(name)
    return Department(d.name, d.canonical, d.function, d.level, d.role)


@lru_cache(maxsize=4096)
def _canonical(name: str) -> Department:
    lex = lexicon()
    for i in range(max(0, len(name) - _longest_key()), len(name)):  # no longer suffix can be a known body
        key = name[i:]
        if key in lex.by_key:
            prefix = name[:i]
            body, function = lex.by_key[key]
            if prefix.endswith("委") and body.startswith("委"):
                prefix = prefix[:-1]
            return Department(name, prefix + body, function, _level(prefix))
    return Department(name, name, "其他", _level(name))


@lru_cache(maxsize=1)
def _longest_key() -> int:
    return max(map(len, lexicon().by_key))


def _level(prefix: str) -> str:
    if not prefix:
        return ""
    if prefix.startswith("各"):
        prefix = prefix[1:]
    for level in ("自治区", "省", "自治州", "市", "盟", "州", "县", "旗", "区", "乡", "镇", "街道"):
        if prefix.endswith(level) or prefix.startswith(level):
            return {"自治区": "省", "自治州": "市", "盟": "市", "州": "市", "旗": "县"}.get(level, level)
    return ""


def _split_joined(item: str) -> list[str]:
    """Split ``A和B`` where both sides are bodies (not inside ``工业和信息化局``)."""
    lex = lexicon()
    for joiner in lex.joiners:
        start = 0
        while True:
            i = item.find(joiner, start)
            if i <= 0:
                break
            left, right = item[:i], item[i + len(joiner):]
            if ((is_body(left) or is_vague(left)) and (is_body(right) or is_vague(right))
                    and (left + joiner + right) not in lex.by_key):
                return _split_joined(left) + _split_joined(right)
            start = i + 1
    return [item]


_LEVEL_ONLY = re.compile(r"^各?(区|县|市|旗|乡|镇|街道|县\(市\)|县\(市、区\)|市\(区\))$")


def _join_level_groups(items: list[str]) -> list[str]:
    """``各区、县(市)人民政府`` names one group of governments, not ``各区`` plus a body."""
    out: list[str] = []
    for item in items:
        if out and _LEVEL_ONLY.match(out[-1]) and re.match(r"^(区|县|市|旗|乡|镇|街道)", item) and item.endswith("政府"):
            out[-1] = out[-1] + "、" + item
        else:
            out.append(item)
    return out


def _balance(item: str) -> str:
    """Drop brackets left unbalanced by splitting: ``(市财政局`` -> ``市财政局``; ``各乡镇(街道)`` stays."""
    while item.count("(") > item.count(")") and "(" in item:
        i = item.index("(") if item.startswith("(") else item.rindex("(")
        item = item[:i] + item[i + 1:]
    while item.count(")") > item.count("(") and ")" in item:
        i = item.rindex(")")
        item = item[:i] + item[i + 1:]
    return item.strip()


def split(text: str) -> list[str]:
    """Names in a marked list, in order: split, qualifiers dropped, prefixes expanded, vague dropped."""
    lex = lexicon()
    text = re.sub(r"\s+", "", text).strip("。;,,、:: ")
    for pattern in lex.drop_tail:
        text = pattern.sub("", text)
    text = re.sub(r"\([^()]*\)", lambda m: m.group().replace("、", "\0"), text)
    items: list[str] = []
    for part in (p.replace("\0", "、") for p in re.split(r"[、,,;;/]", text)):
        part = part.strip()
        for pattern in lex.drop_tail:
            part = pattern.sub("", part)
        if part:
            items.extend(_split_joined(part))
    items = _join_level_groups(items)
    names: list[str] = []
    level = ""
    for item in items:
        item = _balance(item)
        if not item or is_vague(item):
            continue
        own = "" if item in lex.by_key else _level_prefix(item)
        if own:
            level = own if item[len(own):] in lex.by_key or is_body(item[len(own):]) else level
        elif level and item in lex.by_key and lex.by_key[item][0] not in ("人民政府",):
            item = level + item
        names.append(item)
    return names
