"""Document metadata: title, doc number, issuer, city/province, dates, citations."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .model import Metadata
from .normalise import Header
from .numbers import parse_number
from .patterns import alternation, split_list, table, toml
from .segment import is_title_line

DOC_NUMBER = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<p>[\u4e00-\u9fff]{1,12}?)\s*[〔\[【﹝(]\s*(?P<y>(?:19|20)\d{2})\s*[〕\]】﹞)]\s*(?P<n>\d{1,5})\s*号"
)
CITATION = re.compile(r"《(?P<title>[^《》]{2,120})》\s*(?:\((?P<inner>[^()]{4,40})\))?")
DATE_LINE = re.compile(r"^\s*(?:[\u4e00-\u9fff]{2,30}(?:政府|办公室|办公厅|委员会|局|厅|委)\s*)?\(?\s*(?P<y>(?:19|20)\d{2}|[一二三四五六七八九〇零]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
                       r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日(?:印发)?\s*\)?\s*(?:\(此件[^()]{0,8}\))?\s*\|?\s*$")
ISO_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def doc_number(raw: str) -> str | None:
    """``许政办 [2019] 32号`` -> ``许政办〔2019〕32号``."""
    m = DOC_NUMBER.search(raw.replace(" ", "") if raw else "")
    return f"{m.group('p')}〔{m.group('y')}〕{int(m.group('n'))}号" if m else None


def _date(raw: str | None) -> str | None:
    m = ISO_DATE.search(raw or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _cn_date(m: re.Match[str]) -> str | None:
    y = m.group("y")
    year = int(y) if y.isdigit() else int("".join(str(int(parse_number(c) or 0)) for c in y))
    mo, d = parse_number(m.group("m")), parse_number(m.group("d"))
    if not mo or not d or not 1 <= mo <= 12 or not 1 <= d <= 31:
        return None
    return f"{year:04d}-{int(mo):02d}-{int(d):02d}"


@dataclass(frozen=True)
class Gazetteer:
    by_code: dict[str, dict[str, str]]
    by_name: dict[str, tuple[str, str]]
    provinces: tuple[dict[str, str], ...]
    cities: tuple[dict[str, str], ...]
    counties: dict[str, tuple[dict[str, str], ...]]
    places: re.Pattern[str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Every city (full and short names) and county (full names) -> (city, province)."""
    rows = table("regions")
    by_code = {r["code"]: r for r in rows}
    provinces = tuple(r for r in rows if r["level"] == "province")
    cities = tuple(r for r in rows if r["level"] == "city")
    province_words = {p["name"] for p in provinces} | {s for p in provinces for s in split_list(p["short"])}
    by_name: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r["level"] == "county" and r["city"] and len(r["name"]) >= 3:
            by_name.setdefault(r["name"], (r["city"], r["province"]))
    for r in cities:
        for name in [r["name"], *split_list(r["short"])]:
            if len(name) >= 2 and (name == r["name"] or name not in province_words):
                by_name[name] = (r["name"], r["province"])
    counties: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        if r["level"] == "county" and len(r["name"]) >= 3:
            counties.setdefault(r["name"], []).append(r)
    names = sorted(by_name, key=len, reverse=True)
    return Gazetteer(by_code, by_name, provinces, cities, {k: tuple(v) for k, v in counties.items()},
                     re.compile(f"(?:{alternation(names)})(?![省])"))


def _city_of(name: str) -> tuple[str, str] | None:
    """(city, province) for a city's full or short name, or a county's full name."""
    return gazetteer().by_name.get(name)


def _from_code(index_number: str | None) -> tuple[str, str] | None:
    """Region of a 索引号 that starts with a unified social credit code (chars 3-8)."""
    m = re.match(r"^\s*[0-9A-Z]{2}(\d{6})[0-9A-Z]{10}", index_number or "")
    if not m:
        return None
    code = m.group(1)
    g = gazetteer()
    row = g.by_code.get(code)
    if row is None:
        return None
    if row["level"] == "province":
        return row["name"], row["name"]
    city = row["city"] or row["name"]
    return city, row["province"]


def _national(text: str) -> bool:
    return bool(re.match(r"^(国务院|国家|中共中央|全国|中华人民共和国|国办)", text))


_PROVINCE_BODY = re.compile(r"(?<![\u4e00-\u9fff])省[\u4e00-\u9fff]{1,10}?(?:厅|局|委|办)")
_CITY_BODY = re.compile(r"(?<![\u4e00-\u9fff])市(?!场)[\u4e00-\u9fff]{1,10}?(?:局|委|办)")


def _provincial(text: str) -> str | None:
    """The province of a notice that names no issuer but speaks as a province: it is addressed to the
    province's cities and departments, or its markings name provincial bodies far more than city ones."""
    cues = toml("document")["provincial_addressees"]
    head = text[:1500]
    addressed = any(c in head for c in cues)
    own, city = len(_PROVINCE_BODY.findall(text)), len(_CITY_BODY.findall(text))
    if not (addressed or (own >= 3 and own > 2 * city)):
        return None
    g = gazetteer()
    counts = Counter()
    for p in g.provinces:
        for name in {p["name"], *split_list(p["short"])}:
            if len(name) >= 2:
                counts[p["name"]] += text.count(name)
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] else None


def locate(meta: Metadata, text: str) -> tuple[str | None, str | None]:
    """City and province from the 索引号, issuer, title, doc number, then the text."""
    found = _from_code(meta.index_number)
    if found:
        return found
    g = gazetteer()
    for field in (meta.issuer, meta.title):
        if field and _national(field):
            return "全国", "全国"
        if field:
            m = g.places.search(field.split("关于")[0]) or g.places.search(field)
            if m and (hit := _city_of(m.group())):
                return hit
            head = field.split("关于")[0]
            for p in g.provinces:
                if head.startswith(p["name"]):
                    return p["name"], p["name"]
    if meta.doc_number:
        prefix = meta.doc_number.split("〔")[0]
        if prefix.startswith("国"):
            return "全国", "全国"
        m = g.places.match(prefix)
        if m and (hit := _city_of(m.group())):
            return hit
        candidates = [c for c in g.cities if any(s.startswith(prefix[0]) for s in [c["name"], *split_list(c["short"])])]
        head = text[:5000]
        candidates = [c for c in candidates if any(s in head for s in [c["province"], *split_list(
            g.by_code[c["code"][:2] + "0000"]["short"])] if len(s) >= 2)]
        if len({c["name"] for c in candidates}) == 1:
            return candidates[0]["name"], candidates[0]["province"]
    opening = re.sub(r"《[^》]*》", "", text[:500])
    if any(w in opening for w in toml("document")["national_cues"]):
        return "全国", "全国"
    province = _provincial(text)
    if province:
        return province, province
    counts = Counter(m.group() for m in g.places.finditer(text[:5000]))
    for name, _ in counts.most_common(3):
        if hit := _city_of(name):
            return hit
    for p in g.provinces:
        if p["name"] in text[:3000]:
            return p["name"], p["name"]
    return None, None


def _county(meta: Metadata, text: str) -> str | None:
    """The county or district that issued the notice, named at the head of its issuer or title."""
    g = gazetteer()
    code = re.match(r"^\s*[0-9A-Z]{2}(\d{6})[0-9A-Z]{10}", meta.index_number or "")
    if code and (row := g.by_code.get(code.group(1))) and row["level"] == "county":
        return row["name"]
    for field in (meta.issuer, meta.title):
        head = (field or "").split("关于")[0]
        for m in g.places.finditer(head):
            rows = [r for r in g.counties.get(m.group(), ()) if r["city"] == meta.city]
            if rows:
                return rows[0]["name"]
    return None


def _level(meta: Metadata) -> str | None:
    """national / provincial / city / county, with ``department`` when the issuer is not a government."""
    if not meta.city:
        return None
    if meta.city == "全国":
        level = "national"
    elif meta.county:
        level = "county"
    elif meta.city == meta.province:
        level = "provincial"
    else:
        level = "city"
    title = meta.title or ""
    head = meta.issuer or (title.split("关于")[0] if "关于" in title else "")
    cues = toml("document")
    if re.search(cues["government_doc_numbers"], (meta.doc_number or "").split("〔")[0]):
        return level
    if head and not any(w in head for w in cues["government_issuers"]):
        from .departments import is_body

        if is_body(head):
            return f"{level} department"
    return level


#: Lines from the top in which a title is looked for (a saved page puts menus and breadcrumbs above it).
TITLE_WINDOW = 40
#: A title followed by its own doc number in brackets: 关于…的通知(某政发〔2025〕8号).
_OWN_NUMBER = re.compile(r"\((?:[^()]*〔\d{4}〕\d+号)\)$")
#: Page chrome glued before a title: a site name or a breadcrumb ending in a separator.
_CHROME_HEAD = re.compile(r"^.{0,40}?\s[-|_>»]\s(?=\S)|^(?:/\s*[^/]{1,12})+/?\s*(?=\S)")


def find_title(text: str, header: Header) -> str | None:
    """The notice's own title (for a notice wrapping a plan, the notice's)."""
    head_title = header.fields.get("title")
    markers = tuple(toml("document")["preamble_markers"])
    candidates: list[str] = []
    for line in text.split("\n")[:TITLE_WINDOW]:
        s = _OWN_NUMBER.sub("", _CHROME_HEAD.sub("", line.strip()))
        if s.startswith(markers):
            candidates = []
        elif is_title_line(s) and not s.startswith("【"):
            candidates.append(s)
        elif "。" in s or (s.endswith(":") and len(s) < 40 and re.search(r"[,、]|^各|单位|部门|政府|机构", s)):
            if candidates:
                break
            if not any(m in text for m in markers):
                break
    preferred = [c for c in candidates if "关于" in c] or candidates
    if head_title and is_title_line(head_title):
        return re.sub(r"\s+", "", head_title)
    # a page repeats its title in its chrome (page title, breadcrumbs); the notice's own comes last, above the body
    return preferred[-1] if preferred else None


_OPENING_BRACKETS = "〔[【﹝("


def _own_number_line(lines: list[str]) -> str | None:
    """The notice's own doc number: a line near the top that is one, or short lines above the first line that ends
    a sentence or a salutation that make one together (a page copied as text breaks ``内发改价费字〔2025〕661号``
    over five lines)."""
    lines = [line.strip().replace(" ", "") for line in lines]
    # lines joined only above the first that ends a sentence or a salutation: cited numbers stand below
    body = next((i for i, line in enumerate(lines) if line.endswith(("。", ":", ",", ";"))), len(lines))
    for i, line in enumerate(lines):
        for k in range(1, 6 if i < body else 2):
            part = lines[i:i + k] if k == 1 else lines[i:min(i + k, body)]
            if len(part) < k or (k > 1 and any(len(x) > 12 or not x for x in part)):
                break
            if k > 1 and not (any(b in part[0] for b in _OPENING_BRACKETS) or part[1][0] in _OPENING_BRACKETS):
                continue  # the first break falls at or after the bracket of the year, not in the words before it
            if DOC_NUMBER.fullmatch(re.sub(r"^[(\[【]|[)\]】]$", "", "".join(part))):
                return doc_number("".join(part))
    return None


def _issuer_from_title(title: str | None) -> str | None:
    """The body (or bodies) named before 关于 in a title: 某市人民政府办公室关于… -> 某市人民政府办公室."""
    from .departments import is_body

    head = (title or "").split("关于", 1)[0].strip()
    return head if head and is_body(head) else None


def extract(text: str, header: Header) -> Metadata:
    """All metadata of one normalised text and its parsed header block."""
    h = header.fields
    meta = Metadata(header=dict(h))
    meta.title = find_title(text, header)
    meta.index_number = h.get("index_number")
    meta.issuer = h.get("issuer") or _issuer_from_title(meta.title)
    meta.validity = h.get("validity")
    meta.topic = h.get("topic")
    meta.date_published = _date(h.get("date_published"))
    own = doc_number(h.get("doc_number", "")) if h.get("doc_number") else None
    meta.doc_number = own or _own_number_line(text.split("\n")[:20])
    meta.date_written = _date(h.get("date_written"))
    if meta.date_written is None:
        for line in text.split("\n"):
            m = DATE_LINE.match(line)
            if m and (d := _cn_date(m)):
                meta.date_written = d
                break
    seen: dict[str, None] = {}
    cited = []
    for m in CITATION.finditer(text):
        number = doc_number(m.group("inner") or "")
        cited.append({"title": m.group("title"), "doc_number": number, "start": m.start(), "end": m.end()})
        if number and number != meta.doc_number:
            seen.setdefault(number)
    for m in DOC_NUMBER.finditer(text):
        number = doc_number(m.group())
        if number and number != meta.doc_number:
            seen.setdefault(number)
    meta.cited_doc_numbers = list(seen)
    meta.cited_documents = cited
    front = header.front  # a crawler's front matter fills only what the notice itself does not say
    if meta.title is None and is_title_line(front.get("title", "")):
        meta.title = re.sub(r"\s+", "", front["title"])
    meta.doc_number = meta.doc_number or doc_number(front.get("doc_number", ""))
    if meta.doc_number:
        meta.cited_doc_numbers = [n for n in meta.cited_doc_numbers if n != meta.doc_number]
    meta.issuer = meta.issuer or front.get("issuer")
    meta.date_written = meta.date_written or _date(front.get("date_written"))
    meta.date_published = meta.date_published or _date(front.get("date_published") or front.get("date")
                                                       or front.get("published"))
    meta.topic = meta.topic or front.get("topic")
    meta.validity = meta.validity or front.get("validity")
    meta.city, meta.province = locate(meta, text)
    meta.county = _county(meta, text)
    meta.level = _level(meta)
    return meta
