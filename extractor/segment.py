"""Segmentation: heading tree, paragraphs, sentences, clauses and tokens."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .model import InputError, Section, Unit
from .normalise import title_ending
from .patterns import toml


@dataclass(frozen=True)
class _Style:
    name: str
    rank: int
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def _styles() -> tuple[tuple[_Style, ...], int]:
    data = toml("headings")
    styles = tuple(_Style(s["name"], int(s["rank"]), re.compile(s["pattern"])) for s in data["style"])
    return styles, int(data["options"]["title_max"])


# A run-in heading: a short phrase (no commas, figures or dates) closed by 。 or :, e.g. 1.总量指标:
_RUN_IN = re.compile(r"((?:[^,;,。::\d()]|\([^()]*\))+?)[。::;]")
# A heading line ending with a responsibility marking: (一)建设平台(牵头单位:…)
_TITLE_MARKING = re.compile(r"([^,;。::()]+)\((?=[^()]*(?:[::]|负责|牵头|配合))[^()]*\)\s*$")


def _heading_title(line: str, marker_end: int, title_max: int) -> tuple[str, int]:
    """The heading's own title and where the body begins (offset within line)."""
    rest = line[marker_end:]
    run_in = _RUN_IN.match(rest)
    if run_in and len(run_in.group(1)) <= title_max:
        return run_in.group(1).strip(), marker_end + run_in.end()
    marking = _TITLE_MARKING.match(rest)
    if marking:
        return marking.group(1).strip(), marker_end + len(marking.group(1))
    if len(rest) <= title_max + 20 and not re.search(r"[。;]", rest):
        return rest.strip(), len(line)
    return "", marker_end


def _plan_title(text: str) -> str | None:
    """For a notice that wraps a plan (关于印发《X》的通知), X."""
    first = text[:300].split("\n", 3)[:3]
    for line in first:
        match = re.search(r"关于(?:印发|转发|发布|下发)《?(.+?)》?的通知$", line)
        if match:
            return match.group(1)
    return None


#: Headings one notice may have: a long law has about a thousand articles; a text with more is a pile of
#: notices or no notice at all, and its heading tree would cost memory out of proportion.
MAX_SECTIONS = 10_000


def sections(text: str) -> list[Section]:
    """The heading tree: each heading with its stretch of text and path (``二、(一)3.``); raises InputError past
    :data:`MAX_SECTIONS` headings."""
    styles, title_max = _styles()
    plan = _plan_title(text)
    found: list[Section] = []
    stack: list[int] = []
    pos = 0
    plan_seen = False
    annex_list = False
    for line in text.split("\n"):
        style_match = None
        annex_list = bool(re.match(r"附件\s*[::]", line)) or (annex_list and bool(re.match(r"\d+[.、]", line)))
        if annex_list:
            pass
        elif plan and not plan_seen and line.strip() == plan and pos > 0:
            style_match = ("plan", -1, plan, len(line))
            plan_seen = True
        else:
            for style in styles:
                m = style.pattern.match(line)
                if m:
                    style_match = (style.name, style.rank, m.group("m").replace(" ", ""), m.end())
                    break
        if style_match:
            name, rank, marker, marker_end = style_match
            if name == "plan":
                title, body = line, len(line)
                marker = ""
            else:
                title, body = _heading_title(line, marker_end, title_max)
            while stack and found[stack[-1]].rank >= rank:
                found[stack[-1]].end = pos
                stack.pop()
            parent = stack[-1] if stack else None
            prefix = found[parent].path if parent is not None else ""
            sep = " " if prefix and (found[parent].rank == 0 or marker.startswith("附件")) else ""
            path = (prefix + sep + marker) if marker else prefix
            found.append(Section(marker, title, len(stack) + 1, rank, pos, len(text), pos + body,
                                 path if marker else prefix, parent))
            if len(found) > MAX_SECTIONS:
                raise InputError(f"more than {MAX_SECTIONS:,} headings: not one notice (split it): not extracted")
            stack.append(len(found) - 1)
        pos += len(line) + 1
    return found


class SectionIndex:
    """The innermost section at any offset, found by bisection over breakpoints computed in one sweep."""

    def __init__(self, secs: list[Section]) -> None:
        self.points: list[int] = []
        self.owners: list[Section | None] = []
        stack: list[Section] = []
        for s in sorted(secs, key=lambda x: (x.start, -x.end)):  # stable: later sections win ties
            self._close(stack, s.start)
            stack.append(s)
            self._mark(s.start, s)
        self._close(stack, None)

    def _mark(self, position: int, owner: Section | None) -> None:
        if self.points and self.points[-1] == position:
            self.owners[-1] = owner
        else:
            self.points.append(position)
            self.owners.append(owner)

    def _close(self, stack: list[Section], before: int | None) -> None:
        """Pop the sections that end at or before ``before`` (all when None), marking who is innermost after."""
        while stack and (before is None or stack[-1].end <= before):
            end = stack.pop().end
            while stack and stack[-1].end <= end:
                stack.pop()
            self._mark(end, stack[-1] if stack else None)

    def __call__(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self.points, offset) - 1
        return self.owners[i] if i >= 0 else None


def section_at(secs: list[Section], offset: int) -> Section | None:
    """The innermost section containing an offset (for one lookup; build a :class:`SectionIndex` for many)."""
    return SectionIndex(secs)(offset)


def paragraphs(text: str) -> list[Unit]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Unit("paragraph", pos, pos + len(line), line))
        pos += len(line) + 1
    return out


_SENTENCE = re.compile(r"[^。;!?\n]*(?:[。;!?]+[”’\")]?|\n|$)")
_CLAUSE = re.compile(r"[^,;。!?\n]*(?:[,;。!?]|\n|$)")


def _split(text: str, pattern: re.Pattern[str], kind: str) -> list[Unit]:
    out = []
    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        while e > s and text[e - 1] == "\n":
            e -= 1
        if text[s:e].strip():
            out.append(Unit(kind, s, e, text[s:e]))
    return out


def sentences(text: str) -> list[Unit]:
    """Sentences split on 。;!? and line ends, with offsets."""
    return _split(text, _SENTENCE, "sentence")


def clauses(text: str) -> list[Unit]:
    """Clauses split on ,;。!? and line ends, with offsets."""
    return _split(text, _CLAUSE, "clause")


def is_title_line(line: str) -> bool:
    """Whether a line looks like an official title (ends with a document type)."""
    s = line.strip()
    return 6 <= len(s) <= 90 and bool(title_ending().search(s)) and not re.search(r"[。;!?]", s)


@lru_cache(maxsize=1)
def _review_words() -> tuple[str, ...]:
    return tuple(toml("document")["review_headings"])


def review_heading(title: str) -> bool:
    """Whether a heading introduces a review of past work (工作回顾, 主要成效)."""
    return any(w in title for w in _review_words())


@lru_cache(maxsize=1)
def _condition_words() -> tuple[str, ...]:
    return tuple(toml("document")["condition_headings"])


def condition_heading(title: str) -> bool:
    """Whether a heading introduces the rules of a support scheme (申报条件, 奖励标准): criteria, not goals."""
    return any(w in title for w in _condition_words())
