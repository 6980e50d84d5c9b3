"""When each obligation falls due: its own deadline, the deadline of the heading it sits under, or the goal
that governs its list.

Most tasks carry no date of their own: ``（一）2023年底前完成…`` dates every task under that heading, and a goal
sentence opening a section (``到2025年，…``) governs the list of tasks that follows it. A goal governs only when
its sentence starts with the date: a date inside a sentence (``自…至2024年12月31日，网签…并在2025年3月31日前
取得…的``) is a window of the policy, not a term for the bodies below. An obligation's ``due`` is the first of
these that applies, and ``due_from`` says which (``own``, ``heading``, ``governing``). The extraction contract's
``deadline`` stays the task's own.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Deadline kinds that may govern a list (``到2025年``, ``2023年底前``); a plan period (``2023-2025年``) or a
#: window does not date each task in it.
GOVERNING = {"year", "month", "day", "this_year", "this_month"}
#: What may stand between a sentence's start and the date that opens it (``到``, ``力争在``, ``（一）``).
_OPENS = re.compile(r"(?:^|[。;;!?!?\n])\s*(?:[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、])?\s*"
                    r"(?:力争|争取)?(?:到|至|在|于)?\s*$")


def _earliest(dates: list[str]) -> str | None:
    full = [d for d in dates if d and _ISO.fullmatch(d)]
    return min(full) if full else None


def inherit(text: str, sections: Sequence[Any], deadlines: Sequence[Any], obligations: Sequence[Any]
            ) -> list[tuple[str | None, str | None]]:
    """``(due, due_from)`` for each obligation (each has ``start`` and ``deadline``), given the text, its sections
    (``start``, ``end``, ``body_start``, ``parent`` as an index) and its deadlines (``start``, ``date``, ``kind``)."""
    from .segment import SectionIndex

    dated = sorted((d.start, d.date, bool(_OPENS.search(text, max(0, d.start - 16), d.start))) for d in deadlines
                   if d.date and _ISO.fullmatch(d.date) and (d.kind or "year") in GOVERNING)
    starts = [s for s, _, _ in dated]
    firsts = sorted(o.start for o in obligations)
    heads = sorted(s.start for s in sections)

    def dates(lo: int, hi: int, opening: bool = False) -> list[str]:
        """Dates written in [lo, hi); with ``opening``, only those that open their sentence."""
        span = dated[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]
        return [date for _, date, opens in span if opens or not opening]

    innermost = SectionIndex(list(sections))
    found: list[tuple[str | None, str | None]] = []
    for o in obligations:
        if o.deadline and _ISO.fullmatch(o.deadline):
            found.append((o.deadline, "own"))
            continue
        due: tuple[str | None, str | None] = (None, None)
        section = innermost(o.start)
        while section is not None and due[0] is None:
            if heading := _earliest(dates(section.start, section.body_start)):
                due = (heading, "heading")
                break
            # the section's opening, before its first task and its first subheading: a goal there governs the
            # tasks below it
            after = [*firsts[bisect.bisect_left(firsts, section.body_start):][:1],
                     *heads[bisect.bisect_left(heads, section.body_start):][:1]]
            first = min(after, default=section.body_start)
            if first <= o.start and (goal := _earliest(dates(section.body_start, first, opening=True))):
                due = (goal, "governing")
                break
            section = sections[section.parent] if section.parent is not None else None
        found.append(due)
    return found
