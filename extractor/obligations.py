"""Obligations: the task text a responsibility marking governs, with its bodies."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from . import departments as dep
from .model import Deadline, Department, Obligation, Section, Unit
from .patterns import alternation, toml
from .segment import SectionIndex


@dataclass(frozen=True)
class _Rules:
    labelled: re.Pattern[str]
    closing: re.Pattern[str]
    line: re.Pattern[str]
    inline: re.Pattern[str]
    prose: re.Pattern[str]
    labels: dict[str, str]
    table_department: tuple[str, ...]
    table_lead: tuple[str, ...]
    table_cooperating: tuple[str, ...]
    table_task: tuple[str, ...]



@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = toml("obligations")
    labels = data["labels"]
    body = dep.lexicon().body_pattern
    names = rf"[^,。;:由()\n]{{0,60}}?(?:{body})"
    return _Rules(
        labelled=re.compile(rf"(?P<label>{alternation(labels)})\s*[::]\s*"
                            rf"(?P<list>(?:(?![,,;;]\s*(?:{alternation(labels)})\s*[::])[^;;])*)"),
        closing=re.compile(rf"^(?P<list>.+?)(?:{alternation(data['closing_verbs'])})$"),
        line=re.compile(rf"(?:^(?P<label>{alternation(labels)})\s*[::]|【(?P<boxed>{alternation(labels)})】\s*[::]?)\s*(?P<list>[^【\n]+)",
                        re.M),
        inline=re.compile(rf"由(?P<list>{names}(?:(?:、|和|及){names})*)(?:会同(?P<coop>{names}(?:(?:、|和|及){names})*))?"
                          rf"(?:{alternation(data['inline_verbs'])})"),
        prose=re.compile(rf"(?:要|应|须|具体|主要)?(?:{alternation(data['prose_verbs'])})(?!人|同志)"),
        labels=labels,
        table_department=tuple(data["table_department"]),
        table_lead=tuple(data["table_lead"]),
        table_cooperating=tuple(data["table_cooperating"]),
        table_task=tuple(data["table_task"]),
    )


@dataclass
class _Marking:
    start: int
    end: int
    units: list[Department]
    inline: bool
    text: str
    clause: bool = False


def _units(groups: list[tuple[str, str]]) -> list[Department]:
    """Departments from (role, list text) groups; first of a plain list leads."""
    out: list[Department] = []
    for role, text in groups:
        for i, name in enumerate(dep.split(text)):
            d = dep.canonical(name)
            d.role = role if role in ("lead", "cooperating") else ("lead" if i == 0 and not out else "cooperating")
            out.append(d)
    return out


_LEAD_COOP = re.compile(r"^(?P<lead>[^,;]+?)(?:牵头(?:负责)?|分工负责|分别负责|负责)[,;、]\s*"
                        r"(?P<coop>.+?)(?:配合|协助|参与|按职责分工负责|分工负责|负责)$")
#: A note after the marking's verb: (科技部、财政部负责。列第一位者为牵头单位,下同).
_NOTE = re.compile(r"(?<=负责|牵头|配合)。.*$")


_BRACKET_CHARS = re.compile(r"[()]")


def _brackets(text: str, longest: int = 400) -> list[tuple[int, int]]:
    """Spans of outermost (…) groups, nested brackets inside allowed: (责任单位:各区县(市)人民政府)."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _BRACKET_CHARS.finditer(text):
        i = m.start()
        if text[i] == "(":
            if stack and i - stack[0] > longest:
                stack.clear()
            stack.append(i)
        elif stack:
            start = stack.pop()
            if not stack and 2 < i - start <= longest:
                spans.append((start, i + 1))
    return spans


def _closes_item(text: str, end: int) -> bool:
    """Whether a bracket ending at ``end`` closes its paragraph or sentence."""
    return bool(re.match(r"\s*(?:[。;]\s*)?(?:\n|$)", text[end:end + 3]))


def _bare_bodies(inner: str) -> bool:
    """A bracket that holds nothing but bodies: at least one concrete, every item a body or a vague reference."""
    items = [p for p in re.split(r"[、,;]", inner) if p.strip()]
    names = dep.split(inner)
    vague = re.compile(r"^(?:各)?(?:有关|相关|其他|其它)")
    return bool(names) and all(dep.is_body(p) or dep.is_vague(p) or vague.match(p) for p in items) and \
        all(dep.is_body(n) for n in names)


def _bracket_markings(text: str, r: _Rules) -> list[_Marking]:
    found = []
    for start, end in _brackets(text):
        inner = _NOTE.sub("", text[start + 1:end - 1].replace("\n", ""))
        groups: list[tuple[str, str]] = []
        if r.labelled.match(inner):
            for lm in r.labelled.finditer(inner):
                role = r.labels[lm.group("label")]
                if role != "skip":
                    groups.append((role, lm.group("list")))
        elif lm := _LEAD_COOP.match(inner):
            groups += [("lead", lm.group("lead")), ("cooperating", lm.group("coop"))]
        else:
            cm = r.closing.match(inner)
            if cm and all(dep.is_body(n) for n in dep.split(cm.group("list"))) and dep.split(cm.group("list")):
                groups.append(("listed", cm.group("list")))
            elif cm and dep.is_vague(cm.group("list").strip()):
                groups.append(("listed", cm.group("list")))  # (各有关部门负责) ends its task, naming nobody
            elif _closes_item(text, end) and _bare_bodies(inner):
                groups.append(("listed", inner))  # (省能源局、各市能源主管部门,有关企业) closing a task
        units = _units(groups)
        if units or (groups and any(dep.is_vague(g[1].strip()) for g in groups)):
            found.append(_Marking(start, end, units, False, text[start:end]))
    for m in r.line.finditer(text):
        role = r.labels[m.group("label") or m.group("boxed")]
        units = _units([(role, m.group("list"))]) if role != "skip" else []
        if units:
            found.append(_Marking(m.start(), m.end(), units, False, m.group()))
    return found


def _longest_bodies(text: str, start: int) -> str:
    """The longest run of body names from ``start`` (区委组织部、区人力社保局, not just 区委)."""
    stop = re.compile(r"[,;。\n]").search(text, start)
    span = text[start:stop.start() if stop else len(text)]
    best = ""
    for end in range(2, min(len(span), 80) + 1):
        names = dep.split(span[:end])
        if names and all(dep.is_body(n) for n in names) and span[:end].endswith(names[-1][-2:]):
            best = span[:end]
    return best


#: Longest clause read as a list of bodies before 负责/牵头 (a list of a dozen bodies is shorter): a longer one
#: is prose, and checking it would cost its length squared.
MAX_SUBJECT = 200


def _inline_markings(text: str, r: _Rules, taken: list[tuple[int, int]]) -> list[_Marking]:
    """由X负责… governs its sentence; X负责… opening a clause governs up to the next such duty."""
    found = []
    for m in r.inline.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        groups = [("listed", m.group("list"))]
        if m.group("coop"):
            groups.append(("cooperating", _longest_bodies(text, m.start("coop"))))
        units = _units(groups)
        if units and all(dep.is_body(u.name) for u in units):
            mk = _Marking(m.start(), m.end(), units, True, m.group())
            stop = re.compile(r"[。;\n]").search(text, m.end())
            _add_cooperators(mk, text[m.end():stop.start() if stop else len(text)])
            found.append(mk)
            taken.append(m.span())
    for m in r.prose.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in "。;,:\n") + 1
        head = _HEADING_MARKER.match(text, start, m.start())
        start = head.end() if head else start
        subject = text[start:m.start()]
        if not subject or len(subject) > MAX_SUBJECT or "由" in subject or any(s <= start < e for s, e in taken):
            continue
        if _DONE.match(text, m.end()):
            continue  # 我局牵头制定了…: work done, no duty
        names = dep.split(subject)
        if names and _bare("".join(names)) == _bare(subject) and all(dep.is_body(n) for n in names):
            found.append(_Marking(start, m.end(), _units([("listed", subject)]), True, text[start:m.end()], True))
    return found


def _bare(names: str) -> str:
    """Names without list separators, to check that a subject is nothing but bodies."""
    return re.sub(r"[、和及与,]", "", names)


#: What follows a duty's verb when the clause reports work done (牵头制定了…).
_DONE = re.compile(r"[^,。;:\n]{0,4}了(?!解)")
_HEADING_MARKER = re.compile(r"\s*(第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[.、]|[①-⑳])\s*")


_LEADING = re.compile(r"[\s。;,,、:]+")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    lead = _LEADING.match(text, start)
    if lead:
        start = lead.end()
    while end > start and text[end - 1] in " \n;,":
        end -= 1
    return start, end


def _sentence_of(sentences: list[Unit], starts: list[int], offset: int) -> Unit | None:
    i = bisect.bisect_right(starts, offset) - 1
    return sentences[i] if i >= 0 and sentences[i].start <= offset <= sentences[i].end else None


def _table_obligations(text: str, r: _Rules) -> list[tuple[int, int, str, list[Department], str | None]]:
    """Rows of a task table with a column of responsible bodies."""
    out = []
    header: list[str] | None = None
    pos = 0
    for line in text.split("\n"):
        cells = [c.strip() for c in line.split("|")] if "|" in line else []
        if cells and any(c in r.table_department for c in cells):
            header = cells
        elif header and len(cells) == len(header):
            # Body columns in the order lead (牵头) -> listed (责任) -> cooperating (配合).
            cols = sorted((i for i, h in enumerate(header) if h in r.table_department or h in r.table_cooperating),
                          key=lambda i: (header[i] not in r.table_lead, header[i] in r.table_cooperating))
            task_col = next((i for i, h in enumerate(header) if h in r.table_task), None)
            if task_col is None:
                task_col = max((i for i in range(len(cells)) if i not in cols), key=lambda i: len(cells[i]))
            groups = [("cooperating" if header[i] in r.table_cooperating or n else "listed", cells[i])
                      for n, i in enumerate(cols)]
            units = _units(groups)
            task = cells[task_col]
            if units and task:
                s = pos + line.find(task)
                out.append((s, s + len(task), task, units, " | ".join(cells[i] for i in cols)))
        elif not cells:
            header = None
        pos += len(line) + 1
    return out


_COOPERATE = re.compile(r"(?:^|[,;])([^,;。]{2,60}?)(?:配合|协助|参与)[,;。]?")


def _add_cooperators(mk: _Marking, rest: str) -> None:
    """``X负责…,Y、Z配合``: Y and Z join the duty as cooperating bodies."""
    for m in _COOPERATE.finditer(rest):
        names = dep.split(m.group(1))
        if names and all(dep.is_body(n) for n in names):
            known = {u.name for u in mk.units}
            mk.units += [u for u in _units([("cooperating", m.group(1))]) if u.name not in known]


def _merge(ob: Obligation, mk: _Marking) -> None:
    """A marking right after another one adds its bodies to the same task (牵头单位 then 责任单位)."""
    has_lead = any(u.role == "lead" for u in ob.units)
    names = set(ob.departments)
    for u in mk.units:
        if u.name not in names:
            if has_lead:
                u.role = "cooperating"
            ob.units.append(u)
            ob.departments.append(u.name)
    ob.marking += mk.text


def _prose_obligations(text: str, prose: list[_Marking], sentences: list[Unit], starts: list[int],
                       claimed: list[Obligation]) -> list[Obligation]:
    """Duties written as prose (县商务局负责…), outside the tasks that explicit markings claim.

    Each governs its sentence from its subject up to the next such duty.
    """
    out = []
    for i, mk in enumerate(prose):
        holder = next((o for o in claimed if o.start <= mk.start < o.end), None)
        if holder is not None:
            if holder.marking.startswith("由"):  # 由X负责…,Y负责…: one sentence, both bodies
                _merge(holder, mk)
            continue
        sent = _sentence_of(sentences, starts, mk.start)
        e = sent.end if sent else mk.end
        if i + 1 < len(prose):
            e = min(e, prose[i + 1].start)
        _add_cooperators(mk, text[mk.end:e])
        s, e = _trim(text, mk.start, e)
        out.append(Obligation(text[s:e], [u.name for u in mk.units], None, s, e, mk.text, units=mk.units))
    return out


def find(text: str, sections: list[Section], sentences: list[Unit], deadlines: list[Deadline]) -> list[Obligation]:
    """Every task with responsible bodies, in order of position."""
    r = rules()
    brackets = _bracket_markings(text, r)
    inlines = _inline_markings(text, r, [(m.start, m.end) for m in brackets])
    markings = sorted(brackets + inlines, key=lambda m: m.start)
    starts = [s.start for s in sentences]
    found: list[Obligation] = []
    boundary = 0
    previous: Obligation | None = None
    prose = [mk for mk in markings if mk.clause]
    section_at = SectionIndex(sections)
    for mk in (mk for mk in markings if not mk.clause):
        sec = section_at(mk.start)
        floor = sec.body_start if sec and sec.body_start <= mk.start else (sec.start if sec else 0)
        if mk.inline:
            sent = _sentence_of(sentences, starts, mk.start)
            s, e = (sent.start, sent.end) if sent else (mk.start, mk.end)
            s, e = _trim(text, max(s, floor), e)
            previous = Obligation(text[s:e], [u.name for u in mk.units], None, s, e, mk.text, units=mk.units)
            found.append(previous)
            boundary = max(boundary, e)
            continue
        s, e = _trim(text, max(boundary, floor), mk.start)
        short = len(re.findall(r"[\u4e00-\u9fff]", text[s:e])) < 4
        line_end = text.find("\n", mk.end)
        if (sec and sec.start <= mk.start < text.find("\n", sec.start) and "。" not in text[sec.start:mk.start]
                and line_end > 0 and not text[mk.end:line_end].strip("。;, ")):
            # A marking at the end of a heading line governs the item's body below it.
            nxt = next((m.start for m in markings if m.start > mk.end), len(text))
            s, e = _trim(text, line_end + 1, min(sec.end, nxt))
            if e <= s:  # nothing below the heading: the heading is the task
                s, e = _trim(text, sec.start + len(sec.marker), mk.start)
            short = False
        if short and previous is not None and not text[boundary:mk.start].strip(" \n。;,"):
            _merge(previous, mk)
            boundary = mk.end
            continue
        if short and sec:
            # The item is only its heading (1.地区生产总值增长6%。): the heading is the task.
            s, e = _trim(text, max(boundary, sec.start + len(sec.marker)), mk.start)
        if e > s:  # a marking of only vague bodies (各有关部门负责) still makes a task, with no departments
            previous = Obligation(text[s:e], [u.name for u in mk.units], None, s, e, mk.text, units=mk.units)
            found.append(previous)
        boundary = mk.end
    for s, e, task, units, marking in _table_obligations(text, r):
        found.append(Obligation(task, [u.name for u in units], None, s, e, marking, units=units))
    found += _prose_obligations(text, prose, sentences, starts, list(found))
    for ob in found:
        inside = [d for d in deadlines if ob.start <= d.start < ob.end + 1]
        if not inside:
            row_end = text.find("\n", ob.end)
            inside = [d for d in deadlines if ob.end <= d.start < (row_end if row_end >= 0 else len(text)) and "|" in text[ob.end:d.start]]
        ob.deadlines = [d.date for d in inside]
        ob.deadline = min(ob.deadlines, key=lambda x: x.replace("XXXX", "9999")) if ob.deadlines else None
    return sorted(found, key=lambda o: o.start)
