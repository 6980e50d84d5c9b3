"""Normalisation steps: each takes a :class:`Mapped` and returns a new one.

Every step keeps ``origin`` so that a character of the final text can be traced
back to the character of the reader's text it came from.
"""
from __future__ import annotations

import re
from array import array
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from .model import Mapped
from .patterns import alternation, toml

Edit = tuple[int, int, str]


def apply_edits(m: Mapped, edits: Iterable[Edit]) -> Mapped:
    """Replace each [start, end) by its string; edits are sorted and disjoint.

    A replacement of equal length keeps a one-to-one map; otherwise all its
    characters point at the start of what they replace.
    """
    parts: list[str] = []
    origin = array("q")
    pos = 0
    for start, end, repl in edits:
        parts.append(m.text[pos:start])
        origin.extend(m.origin[pos:start])
        parts.append(repl)
        if len(repl) == end - start:
            origin.extend(m.origin[start:end])
        else:
            anchor = m.origin[start] if start < len(m.origin) else (m.origin[-1] + 1 if m.origin else 0)
            origin.extend(array("q", [anchor]) * len(repl))
        pos = end
    if pos == 0 and not parts:
        return m
    parts.append(m.text[pos:])
    origin.extend(m.origin[pos:])
    return Mapped("".join(parts), origin)


def sub(m: Mapped, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> Mapped:
    """``re.sub`` that keeps the offset map."""
    if callable(repl):
        edits = [(x.start(), x.end(), repl(x)) for x in pattern.finditer(m.text)]
    elif "\\" in repl:
        edits = [(x.start(), x.end(), x.expand(repl)) for x in pattern.finditer(m.text)]
    else:
        edits = [(x.start(), x.end(), repl) for x in pattern.finditer(m.text)]
    return apply_edits(m, edits) if edits else m


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_ODD_SPACE = re.compile(r"[\u00a0\u2002-\u200a\u202f\u205f\t]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\ufeff\u00ad]")


def unify_whitespace(m: Mapped) -> Mapped:
    """One kind of newline, one kind of space, no zero-width characters."""
    m = sub(m, _NEWLINES, "\n")
    m = sub(m, _ODD_SPACE, " ")
    return sub(m, _INVISIBLE, "")


@dataclass(frozen=True)
class _T2S:
    """OpenCC's t2s dictionaries (phrases, then characters) compiled for speed."""

    phrases: re.Pattern[str]
    phrase_map: dict[str, str]
    chars: dict[int, str]
    traditional: frozenset[str]


def _opencc_dictionary(name: str) -> dict[str, str]:
    import opencc
    from pathlib import Path

    path = Path(opencc.__file__).parent / "dictionary" / name
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            table[key] = values.split()[0]
    return table


@lru_cache(maxsize=1)
def _t2s() -> _T2S:
    phrases = _opencc_dictionary("TSPhrases.txt")
    chars = {k: v for k, v in _opencc_dictionary("TSCharacters.txt").items() if len(k) == 1 and k != v}
    pattern = re.compile(alternation(phrases))
    return _T2S(pattern, phrases, str.maketrans(chars), frozenset(chars))


def to_simplified(m: Mapped) -> Mapped:
    """Traditional to simplified Chinese with OpenCC's t2s dictionaries, line by line.

    Phrases are matched longest first, then single characters; lines without a
    traditional character are left alone.
    """
    t2s = _t2s()
    if t2s.traditional.isdisjoint(m.text):
        return m
    edits = []
    pos = 0
    for line in m.text.split("\n"):
        if not t2s.traditional.isdisjoint(line):
            converted = t2s.phrases.sub(lambda p: t2s.phrase_map[p.group()], line).translate(t2s.chars)
            edits.append((pos, pos + len(line), converted))
        pos += len(line) + 1
    return apply_edits(m, edits)


_FULLWIDTH = re.compile(r"[\uff01-\uff5e\u3000\ufe50-\ufe6b]+")


def to_halfwidth(m: Mapped) -> Mapped:
    """Full-width ASCII (digits, letters, punctuation), U+3000 and the small form variants (``3﹒``) to
    half-width."""
    def half(match: re.Match[str]) -> str:
        return "".join(" " if c == "\u3000" else unicodedata.normalize("NFKC", c)[:1] if c >= "\ufe50"
                       and c <= "\ufe6b" else chr(ord(c) - 0xFEE0) for c in match.group())

    return sub(m, _FULLWIDTH, half)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?<=[\u4e00-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")


def strip_pinyin(m: Mapped) -> Mapped:
    """Remove ruby leftovers: ``落实(shí)`` -> ``落实``."""
    return sub(m, _PINYIN, "")


@dataclass
class _Boilerplate:
    with_colon: re.Pattern[str]
    prefixes: tuple[str, ...]
    contains: tuple[str, ...]
    exact: frozenset[str]
    breadcrumb: re.Pattern[str]
    max_prefix_line: int

    def is_boilerplate(self, line: str) -> bool:
        s = line.strip()
        if not s:
            return False
        if s in self.exact or self.breadcrumb.search(s) or any(c in s for c in self.contains):
            return True
        parts = re.split(r"\s*[>›»]\s*", s)
        if len(parts) >= 3 and all(0 < len(p) <= 16 for p in parts):
            return True
        cells = [c.strip() for c in s.split("|")]
        if len(cells) >= 3 and all(0 < len(c) <= 8 and not re.search(r"\d", c) for c in cells) and (
                "首页" in cells or cells[0] in self.exact):
            return True
        if len(s) <= self.max_prefix_line and (s.startswith(self.prefixes) or self.with_colon.match(s)):
            return True
        return bool(_NO_TEXT.fullmatch(s))


_NO_TEXT = re.compile(r"[\s|│\-_=*·•.…>]+|[A-Za-z ]{1,12}")


@lru_cache(maxsize=1)
def _boilerplate() -> _Boilerplate:
    data = toml("boilerplate")
    words = alternation(data["prefixes_with_colon"])
    return _Boilerplate(
        with_colon=re.compile(rf"^\s*[【\[]?({words})[】\]]?\s*[::]"),
        prefixes=tuple(data["prefixes"]),
        contains=tuple(data["contains"]),
        exact=frozenset(data["exact"]),
        breadcrumb=re.compile(data["breadcrumb"]),
        max_prefix_line=int(data["max_prefix_line"]),
    )


def _line_edits(text: str, drop: Callable[[str], bool]) -> list[Edit]:
    edits = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if drop(line):
            edits.append((pos, min(end + 1, len(text)), ""))
        pos = end + 1
    return edits


def strip_boilerplate(m: Mapped) -> Mapped:
    """Drop lines that are web-page furniture (see ``patterns/boilerplate.toml``)."""
    rules = _boilerplate()
    return apply_edits(m, _line_edits(m.text, rules.is_boilerplate))


@lru_cache(maxsize=1)
def _header_labels() -> tuple[re.Pattern[str], dict[str, str]]:
    fields = toml("header")["fields"]
    by_label = {label: name for name, labels in fields.items() for label in labels}
    spaced = ["\\s*".join(map(re.escape, label)) for label in sorted(by_label, key=len, reverse=True)]
    return re.compile(rf"(?:^|(?<=[|│•·\s]))({'|'.join(spaced)})\s*[::]?\s*"), by_label


@lru_cache(maxsize=1)
def _header_runs() -> re.Pattern[str]:
    """Splits ``索引号:… 发文机关:… 成文日期:…`` written on one line before each later label."""
    _, by_label = _header_labels()
    spaced = ["\\s*".join(map(re.escape, label)) for label in sorted(by_label, key=len, reverse=True)]
    return re.compile(rf"\s+(?=(?:{'|'.join(spaced)})\s*[::])")


@dataclass
class Header:
    """Fields of the metadata block, by field name (first value wins)."""

    fields: dict[str, str] = field(default_factory=dict)
    #: ``key: value`` pairs of a Markdown front matter; used only where the notice's own text lacks a field.
    front: dict[str, str] = field(default_factory=dict)


#: A label in square brackets, as some sites write their metadata block.
_BRACKETED_LABEL = re.compile(r"^[\[【]\s*([\u4e00-\u9fff ]{2,10}?)\s*[\]】]")


def _parse_header_line(line: str) -> dict[str, str] | None:
    """The label/value pairs of a metadata line, or None if it is not one.

    A label counts only when a colon, a cell border or a space separates it
    from its value, so a sentence that starts with ``标题`` is not a header.
    """
    pattern, by_label = _header_labels()
    runs = _header_runs()
    line = _BRACKETED_LABEL.sub(r"\1:", line)  # [发文字号] 京经信发〔2024〕65号
    cells = [part.strip(" •·\t") for c in re.split(r"[|│]", line) for part in runs.split(c)]
    cells = [c for c in cells if c and not re.fullmatch(r":?-{3,}:?", c)]  # Markdown table rules are no cells
    if not cells:
        return None
    found: dict[str, str] = {}
    labelled = 0
    i = 0
    while i < len(cells):
        match = pattern.match(cells[i])
        rest = cells[i][match.end():].strip() if match else ""
        separated = bool(match) and (not rest or re.search(r"[::\s]$", match.group()) is not None)
        if not separated:
            if i == 0:
                return None
            i += 1
            continue
        labelled += 1
        name = by_label[re.sub(r"\s+", "", match.group(1))]
        if not rest and i + 1 < len(cells) and not pattern.match(cells[i + 1]):
            rest = cells[i + 1]
            i += 1
        if name not in found:
            found[name] = rest  # empty when its value is on the next line
        i += 1
    return found if labelled else None


_BULLETS = ("•", "·", "●", "◆", "■", "▪")


def extract_header(m: Mapped, window: int = 40) -> tuple[Mapped, Header]:
    """Parse and remove the metadata block near the top (pipe tables, bullets, key: value). A label alone on its
    line (``有 效 性 :``) takes the short line after it as its value (a doc number split over lines,
    ``京经信发\n〔2024〕\n65号``, is joined back); a title is left in the text, where the title is looked for."""
    header = Header()
    edits: list[Edit] = []
    lines = m.text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def drop(first: int, last: int) -> None:
        edits.append((starts[first], min(starts[last] + len(lines[last]) + 1, len(m.text)), ""))

    n = 0
    while n < min(window, len(lines)):
        stripped = lines[n].strip()
        found = _parse_header_line(stripped) if stripped and len(stripped) < 400 else None
        if found is not None and (any(found.values()) or len(stripped) < 30):
            for key, value in found.items():
                if value:
                    header.fields.setdefault(key, value)
            drop(n, n)
            key, value = next(iter(found.items())) if len(found) == 1 else ("", "x")
            if not value and (last := _value_lines(lines, n + 1, key, window)) is not None:
                header.fields.setdefault(key, "".join(x.strip() for x in lines[n + 1:last + 1]))
                drop(n + 1, last)
                n = last
        elif stripped.startswith(_BULLETS) and stripped.lstrip("".join(_BULLETS) + " ") in header.fields.values():
            drop(n, n)
        n += 1
    return apply_edits(m, edits), header


#: What the value of a label alone on its line must look like to be taken from the next line(s); other labels
#: take none (a title, a salutation or a heading after an empty label is the notice's text).
_DATE_VALUE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?(?:\s+[\d:]+)?")
_VALUES = {
    "doc_number": re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[【﹝(（]\s*(?:19|20)\d{2}\s*[〕\]】﹞)）]\s*\d{1,5}\s*号"),
    "date_written": _DATE_VALUE,
    "date_published": _DATE_VALUE,
    "repealed": _DATE_VALUE,
    "validity": re.compile(r"(?:现行)?(?:有效|失效|废止|已修订|部分失效)"),
    "index_number": re.compile(r"[0-9A-Za-z][0-9A-Za-z/\-]{5,}"),
    "issuer": re.compile(r"[\u4e00-\u9fff()、 ]{2,40}(?:局|厅|委|委员会|办公室|办公厅|政府|部|署|院|中心|公司|集团|会)"),
    "topic": re.compile(r"(?!.*关于)[^。:;,]{2,20}"),
}


def _value_lines(lines: list[str], first: int, key: str, window: int) -> int | None:
    """The last line of a label's value that starts at ``first`` (a doc number runs on over short lines until
    its 号), or None when the lines there are no such value."""
    pattern = _VALUES.get(key)
    if pattern is None or first >= min(window, len(lines)):
        return None
    for last in range(first, min(first + (5 if key == "doc_number" else 1), window, len(lines))):
        part = [x.strip() for x in lines[first:last + 1]]
        if not part[-1] or len(part[-1]) >= 30 or (last > first and len(part[-1]) > 8):
            return None
        if pattern.fullmatch("".join(part)):
            return last
    return None


_SPACE_RUN = re.compile(r"[ ]{2,}")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff“”《》、,。;:])[ ]+(?=[\u4e00-\u9fff“”《》、,。;:])")
_ARTICLE_SPACES = re.compile(r"(?<=第)[ \d]+(?=条)")
_SPACED_DIGITS = re.compile(r"(?<![\d.])\d(?: \d){1,7}(?= ?[\u4e00-\u9fff%])")
_CJK_DIGIT_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])[ ]+(?=\d)|(?<=\d)[ ]+(?=[\u4e00-\u9fff%])")
_LINE_EDGES = re.compile(r"^[ ]+|[ ]+$", re.M)
_BLANK_LINES = re.compile(r"\n{2,}")


def collapse_whitespace(m: Mapped) -> Mapped:
    """Trim lines, drop empty ones, squeeze spaces, remove spaces inside Chinese words."""
    m = sub(m, _LINE_EDGES, "")
    m = sub(m, _BLANK_LINES, "\n")
    m = sub(m, _CJK_SPACE, "")
    m = sub(m, _ARTICLE_SPACES, lambda x: x.group().replace(" ", ""))
    m = sub(m, _SPACED_DIGITS, lambda x: x.group().replace(" ", ""))
    m = sub(m, _CJK_DIGIT_SPACE, "")
    m = sub(m, _SPACE_RUN, " ")
    m = sub(m, re.compile(r"^\n+|\n+$"), "")
    return m


@lru_cache(maxsize=1)
def title_ending() -> re.Pattern[str]:
    """Matches the document-type word that ends an official title."""
    data = toml("document")
    kinds = alternation(data["title_endings"])
    notes = alternation(data["title_notes"])
    return re.compile(rf"({kinds})(\(({notes})\))?$")


def join_title(m: Mapped, window: int = 40) -> Mapped:
    """Join titles broken over two or three lines: ``关于…\n…实施意见`` becomes one line (a saved page may
    show the title more than once); a short title opening the text needs no 关于 (``某市深化…\n改革实施方案``)."""
    for _ in range(3):
        joined = _join_one_title(m, window)
        if joined is m:
            return m
        m = joined
    return m


def _stacked_issuers(lines: list[str], n: int, parts: list[str]) -> bool:
    """Whether ``parts`` would join the last of several issuers stacked one a line (a joint notice) to the
    ``关于…`` title below them: the title is the 关于 line's."""
    from .departments import is_body

    return n > 0 and parts[1].startswith("关于") and is_body(parts[0]) and is_body(lines[n - 1].strip())


def _join_one_title(m: Mapped, window: int) -> Mapped:
    ends = title_ending()
    lines = m.text.split("\n")
    pos = 0
    for n, line in enumerate(lines[: window - 1]):
        for extra in (1, 2):
            parts = lines[n:n + extra + 1]
            joined = "".join(parts)
            if (
                len(parts) == extra + 1 and all(parts) and len(joined) <= 90
                and not any(ends.search(p) for p in parts[:-1]) and ends.search(parts[-1])
                and not re.search(r"[。,;:!?|]", joined) and ("关于" in joined or (n == 0 and len(joined) <= 40))
                and not any(re.search(r"[日号]$", p) for p in parts[:-1])
                and not any(re.match(r"^[一二三四五六七八九十\d(]", p) for p in parts[1:])
                and all(2 <= len(p) <= 40 for p in parts[1:]) and len(parts[0]) >= 2 and not any(re.match(r"[/|>»【\[]", p) for p in parts)
                and not _stacked_issuers(lines, n, parts)
            ):
                cut = [pos + sum(len(p) + 1 for p in parts[:i + 1]) - 1 for i in range(extra)]
                return apply_edits(m, [(c, c + 1, "") for c in cut])
        pos += len(line) + 1
    return m


_FRONT_MATTER = re.compile(r"\A---\n(?:[^\n]*\n){0,40}?---\n")
_MARKDOWN = re.compile(r"<!--.*?-->|^#{1,6}[ ]+|^>[ ]?|\*\*|__(?=\S)|(?<=\S)__", re.M | re.S)
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")


#: A Markdown page's first level-one heading near its top (after the front matter): the page's title.
_H1 = re.compile(r"^#[ ]+(\S[^\n]*?)[ #]*$", re.M)
H1_WINDOW = 12


def front_matter(text: str) -> dict[str, str]:
    """The ``key: value`` pairs of a Markdown front matter (quotes removed). A key that is a label of the
    metadata block (``标题``, ``文号``, ``发布日期``: ``patterns/header.toml``) is given as its field name
    (``title``, ``doc_number``, ``date_published``); other keys in lower case. Without a title there, a level-one
    heading near the top (``# 关于…的通知``) is the title. Values are normalised as the text is."""
    _, by_label = _header_labels()
    found = _FRONT_MATTER.match(text)
    pairs: dict[str, str] = {}
    for line in (found.group().split("\n")[1:-2] if found else []):
        key, sep, value = line.partition(":")
        key = key.strip()
        if sep and key and value.strip():
            pairs.setdefault(by_label.get(key, key.lower()), value.strip().strip("'\""))
    top = "\n".join(text[found.end() if found else 0:].split("\n")[:H1_WINDOW])
    if "title" not in pairs and (heading := _H1.search(top)):
        pairs["title"] = heading.group(1)
    return {k: _plain(v) for k, v in pairs.items()}


def _plain(value: str) -> str:
    """A front matter value as the notice's text is normalised: simplified, half-width."""
    return to_halfwidth(to_simplified(Mapped.identity(value))).text


def strip_markdown(m: Mapped) -> Mapped:
    """Markdown from crawlers and page-to-Markdown tools as plain text: front matter, heading and quote marks,
    bold marks, comments and link targets go, link texts stay."""
    m = sub(m, _FRONT_MATTER, "")
    m = sub(m, _MD_LINK, lambda x: x.group(1))
    return sub(m, _MARKDOWN, "")


_NUMBER_LINE = re.compile(r"-?\d[\d.,%‰~\-—/]*")
_SENTENCE_END = tuple("。;:!?")
#: What may follow a number as its unit or date part: 年/月/日, %, a magnitude, a measure word.
_UNIT_START = r"[年月日%‰万亿千百个家项名人次元吨座套台条辆公米亩天倍]"


def _lone_number(lines: list[str], i: int) -> bool:
    """Whether line ``i`` holds only a number."""
    return 0 <= i < len(lines) and bool(_NUMBER_LINE.fullmatch(lines[i])) and not lines[i].endswith((".", "、"))


def _table_cells(lines: list[str], i: int) -> bool:
    """Whether the number on line ``i`` is one of a run of numbers on lines of their own that a table's cells
    make (``9200\n10000\n800``), not the pieces of one number (``202\n5\n年``: its unit follows the run)."""
    first, last = i, i
    while _lone_number(lines, first - 1):
        first -= 1
    while _lone_number(lines, last + 1):
        last += 1
    after = lines[last + 1] if last + 1 < len(lines) else ""
    return last > first and not re.match(_UNIT_START, after)


def join_split_numbers(m: Mapped) -> Mapped:
    """Join numbers that page-to-text tools put on lines of their own (到\n2025\n年,达到\n60%\n以上).

    A line holding only a number joins the line before when that one stops mid-sentence, and the line after
    when it goes on with the number's unit, or with any text once the number is mid-sentence. A number that
    opens an item (``2\n.\n做好…``) is a heading: it joins its dot and its title, not the sentence before. Numbers
    on consecutive lines are a table's cells (``万吨\n9200\n10000``) and stay apart.
    """
    raw = m.text.split("\n")
    lines = [r.strip() for r in raw]
    cuts: list[int] = []
    pos = 0
    for i, line in enumerate(lines):
        end = pos + len(raw[i])
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if re.fullmatch(r"-?\d+\.", line) and after[:1].isdigit():
            cuts.append(end)  # 0.\n3035: a decimal split after its point
        elif line.isdigit() and after in (".", "、") and i + 2 < len(lines):
            cuts += [end, end + 1 + len(raw[i + 1])]  # 1\n.\n加强储备 is the heading 1.加强储备
        elif _NUMBER_LINE.fullmatch(line) and not line.endswith((".", "、")) and not _table_cells(lines, i):
            mid = i > 0 and bool(lines[i - 1]) and not lines[i - 1].endswith(_SENTENCE_END + (")",))
            if mid:
                cuts.append(pos - 1)
            if (mid and re.match(r"[\u4e00-\u9fff%‰]", after)) or re.match(_UNIT_START, after):
                cuts.append(end)
        pos = end + 1
    return apply_edits(m, [(c, c + 1, "") for c in sorted(set(cuts))]) if cuts else m


def normalise(m: Mapped) -> tuple[Mapped, Header]:
    """All steps in order; returns the clean text and the parsed metadata block."""
    m = unify_whitespace(m)
    front = front_matter(m.text)
    m = strip_markdown(m)
    m = to_simplified(m)
    m = to_halfwidth(m)
    m = strip_pinyin(m)
    m, header = extract_header(m)
    m = join_split_numbers(m)
    m = strip_boilerplate(m)
    m = collapse_whitespace(m)
    m = join_title(m)
    header.front = front
    return m, header
