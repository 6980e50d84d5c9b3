"""A :class:`~extractor.compare.Comparison` as terminal tables (rich), Markdown, CSV, XLSX, JSON or iCalendar."""
from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from . import TABLES, Comparison

COMPARATORS = {">=": "≥", ">": ">", "<=": "≤", "~": "约", "=": "", "range": "", None: ""}
CHANGES = {"increase": "增", "decrease": "降"}


def number(value: float | None) -> str:
    """15.0 -> 15, 2.50 -> 2.5, 20000.0 -> 20,000."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def yuan(value: float | None) -> str:
    """A sum in yuan the way a report writes it: 5,000万元, 2.5亿元, 800元."""
    if value is None:
        return ""
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.4g}亿元"
    if abs(value) >= 1e4:
        return f"{number(value / 1e4)}万元"
    return f"{number(value)}元"


def target_cell(t: dict[str, Any]) -> str:
    """``≥15家 (2025)``; money targets in 万元/亿元; a change marked 增/降."""
    if t["unit"] == "元":
        value = yuan(t["value"]) + (f"–{yuan(t['value_max'])}" if t["value_max"] else "")
    else:
        value = number(t["value"]) + (f"–{number(t['value_max'])}" if t["value_max"] else "") + (t["unit"] or "")
    change = CHANGES.get(t["change"] or "", "")
    year = f" ({t['year']})" if t["year"] else ""
    return f"{change}{COMPARATORS.get(t['comparator'], '')}{value}{year}"


def target_grid(c: Comparison) -> tuple[list[str], list[tuple[str, str, list[list[dict[str, Any]]]]]]:
    """Indicator × place: (indicator, family, the target rows of each place column); the parent's targets in a
    ``reference`` column. Rows with no target of a compared place are left out."""
    places = c.places()
    headers = ["indicator", "family", *(["reference"] if c.reference else []), *places]
    cells: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    for source, rows in (("reference", c.reference), ("", c.targets)):
        for t in rows:
            cells.setdefault((t["indicator"], t["family"] or ""), {}).setdefault(source or t["place"], []).append(t)
    body = [(indicator, family, [by_place.get(p, []) for p in headers[2:]])
            for (indicator, family), by_place in cells.items() if any(by_place.get(p) for p in places)]
    body.sort(key=lambda r: (r[1] == "", r[1], r[0]))
    return headers, body


def target_pivot(c: Comparison) -> tuple[list[str], list[list[str]]]:
    """The indicator × place grid as text cells (``≥15家 (2025)``, several joined by ``; ``)."""
    headers, grid = target_grid(c)
    return headers, [[indicator, family, *("; ".join(map(target_cell, cell)) for cell in cells)]
                     for indicator, family, cells in grid]


def table_rows(c: Comparison, name: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of one table as shown to a person (money formatted, targets pivoted)."""
    if name == "targets":
        return target_pivot(c)
    if name == "documents":
        return (["place", "level", "title", "doc_number", "date", "sources"],
                [[d["place"], d["level"], d["title"], d["doc_number"], d["date"], d["sources"]] for d in c.documents])
    if name == "money":
        return (["place", "purpose", "kind", "amount", "unit", "year", "notice", "sentence"],
                [[m["place"], m["purpose"], m["kind"], yuan(m["value_yuan"]) + (f"–{yuan(m['value_yuan_max'])}"
                  if m["value_yuan_max"] else ""), m["unit"], m["year"], m["doc_number"] or m["title"], m["sentence"]]
                 for m in c.money])
    if name == "money_totals":
        return (["place", "per year", "one-off", "total", "amounts", "top purpose", "rates (not summed)",
                 "caps (not summed)"],
                [[m["place"], yuan(m["per_year_yuan"]), yuan(m["one_off_yuan"]), yuan(m["total_yuan"]), m["amounts"],
                  f"{m['top_purpose']} ({yuan(m['top_purpose_yuan'])})", m["rates"], m["caps"]]
                 for m in c.money_totals])
    if name == "responsibility":
        places = c.places()
        by: dict[str, dict[str, str]] = {}
        for r in c.responsibility:
            by.setdefault(r["function"], {})[r["place"]] = f"{r['led']} led / {r['joined']} joined"
        return ["function", *places], [[f, *(row.get(p, "") for p in places)] for f, row in by.items()]
    if name == "timeline":
        return (["place", "year", "quarter", "obligations due", "targets due"],
                [[t["place"], t["year"], f"Q{t['quarter']}" if t["quarter"] else "", t["obligations"], t["targets"]]
                 for t in c.timeline])
    if name == "lineage":
        return (["parent", "child", "place", "level", "date", "link", "score"],
                [[r["parent"], r["child_doc_number"] or r["child_title"], r["place"], r["level"], r["date"], r["link"],
                  r["score"]] for r in c.lineage])
    raise ValueError(name)


TITLES = {"documents": "Notices", "targets": "Targets by indicator and place", "money": "Funding promised",
          "money_totals": "Funding per place (rates and caps not summed)",
          "responsibility": "Who carries the work (obligations led / joined)", "timeline": "What falls due when",
          "lineage": "Lineage: which policy each notice implements"}


def print_tables(c: Comparison, console: Any = None, wide: bool = False) -> None:
    """Every table in the terminal, fitted to its width (rich wraps double-width text)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    for name in TABLES:
        headers, rows = table_rows(c, name)
        if not rows:
            continue
        table = Table(title=f"{TITLES[name]} ({len(rows)})", show_lines=False, expand=False)
        for h in headers:
            table.add_column(h, overflow="fold", max_width=None if wide or h not in ("sentence", "title") else 40)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


def _md_cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(c: Comparison) -> str:
    """Every table as a Markdown section, ready to paste into a report."""
    parts = []
    for name in TABLES:
        headers, rows = table_rows(c, name)
        if not rows:
            continue
        parts.append(f"## {TITLES[name]}\n")
        parts.append("| " + " | ".join(headers) + " |")
        parts.append("|" + "---|" * len(headers))
        parts.extend("| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows)
        parts.append("")
    return "\n".join(parts)


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2)


def _flat(rows: Iterable[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    rows = list(rows)
    headers = list(dict.fromkeys(k for r in rows for k in r))
    return headers, [[r.get(h) for h in headers] for r in rows]


def to_csv(c: Comparison, folder: Path) -> list[Path]:
    """One CSV file per table (flat rows, every column), UTF-8 with a BOM so spreadsheets read the Chinese."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        headers, rows = _flat(getattr(c, name))
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(rows)
        written.append(path)
    return written


def display_width(value: Any) -> int:
    """Columns a value takes in a terminal or a spreadsheet: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value or ""))


def to_xlsx(c: Comparison, path: Path) -> Path:
    """One sheet per table (and the indicator × place pivot), frozen headers, widths that fit Chinese text."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(str(path)) as book:
        bold = book.add_format({"bold": True, "bg_color": "#EEEEEE"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        sheets = [("targets by place", *target_pivot(c))] + [(name, *_flat(getattr(c, name))) for name in TABLES]
        for name, headers, rows in sheets:
            sheet = book.add_worksheet(name[:31])
            sheet.write_row(0, 0, headers, bold)
            for i, row in enumerate(rows, start=1):
                sheet.write_row(i, 0, ["" if v is None else v for v in row], wrap)
            for j, header in enumerate(headers):
                width = max([display_width(header), *(display_width(r[j]) for r in rows[:500])], default=8)
                sheet.set_column(j, j, min(max(width + 2, 6), 60))
            sheet.freeze_panes(1, 0)
    return path


def to_ics(c: Comparison) -> bytes:
    """Dated obligations as all-day events of an iCalendar file."""
    from datetime import date

    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//policy-extractor//compare//ZH")
    cal.add("version", "2.0")
    for o in c.due:
        event = Event()
        event.add("uid", f"obligation-{o['obligation_id']}@policy-extractor")
        event.add("dtstart", date.fromisoformat(o["date"]))
        event.add("summary", f"[{o['place']}] {o['text'][:60]}")
        event.add("description", f"{o['title'] or ''} {o['doc_number'] or ''} {o['section'] or ''}\n"
                                 f"{o['departments'] or ''}\n{o['text']}")
        cal.add_component(event)
    return cal.to_ical()
