"""A comparison as one self-contained HTML page: tables whose cells link to their source sentences, and charts
(plotly.js embedded in the page, so it opens offline)."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from . import Comparison
from .render import TITLES, table_rows, target_cell, target_grid, yuan

#: Indicators charted: those with figures from the most places, at most this many.
CHARTS_PER_PAGE = 6
FONT = {"family": "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"}


def _target_charts(c: Comparison) -> list[dict[str, Any]]:
    """One bar chart per indicator that several places (or one place and the parent) set in one unit."""
    import plotly.graph_objects as go

    by: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for place, t in [*(("reference", t) for t in c.reference), *((t["place"], t) for t in c.targets)]:
        if t["value"] is not None and t["unit"]:
            by[(t["indicator"], t["unit"])].setdefault(place, t["value"])
    shared = [kv for kv in by.items() if len(kv[1]) > 1]
    if not shared:
        return [_family_chart(c)] if c.targets else []
    ranked = sorted(shared, key=lambda kv: -len(kv[1]))[:CHARTS_PER_PAGE]
    charts = []
    for (indicator, unit), values in ranked:
        fig = go.Figure(go.Bar(x=list(values), y=list(values.values()), text=[f"{v:g}" for v in values.values()]))
        fig.update_layout(title=f"{indicator} ({unit})", height=280, margin=dict(l=40, r=10, t=40, b=40), font=FONT)
        charts.append({"id": f"chart-target-{len(charts)}", "figure": fig.to_json()})
    return charts


def _family_chart(c: Comparison) -> dict[str, Any]:
    """How many targets each place sets per indicator family (when no indicator is shared)."""
    import plotly.graph_objects as go

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for t in c.targets:
        counts[t["family"] or "other"][t["place"]] += 1
    places = c.places()
    fig = go.Figure([go.Bar(name=family, x=places, y=[by.get(p, 0) for p in places])
                     for family, by in sorted(counts.items())])
    fig.update_layout(title="Targets per indicator family and place", barmode="stack", height=320,
                      margin=dict(l=40, r=10, t=40, b=40), font=FONT)
    return {"id": "chart-target-families", "figure": fig.to_json()}


def _money_chart(c: Comparison) -> dict[str, Any] | None:
    """Funding per place and year (lump and yearly sums; rates and caps left out)."""
    import plotly.graph_objects as go

    sums: dict[Any, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for m in c.money:
        if m["kind"] in ("lump", "yearly"):
            sums[m["year"] or "undated"][m["place"]] += m["value_yuan"]
    if not sums:
        return None
    fig = go.Figure([go.Bar(name=str(year), x=list(by), y=[v / 1e4 for v in by.values()])
                     for year, by in sorted(sums.items(), key=lambda kv: str(kv[0]))])
    fig.update_layout(title="Funding per place and year (万元)", barmode="stack", height=320,
                      margin=dict(l=50, r=10, t=40, b=40), font=FONT)
    return {"id": "chart-money", "figure": fig.to_json()}


def _due_chart(c: Comparison) -> dict[str, Any] | None:
    """Obligations and targets due per year, one line per place."""
    import plotly.graph_objects as go

    per: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for t in c.timeline:
        per[t["place"]][t["year"]] += t["obligations"] + t["targets"]
    if not per:
        return None
    fig = go.Figure([go.Bar(name=place, x=sorted(years), y=[years[y] for y in sorted(years)])
                     for place, years in per.items()])
    fig.update_layout(title="Obligations and targets due per year", barmode="group", height=320,
                      margin=dict(l=40, r=10, t=40, b=40), xaxis=dict(dtick=1), font=FONT)
    return {"id": "chart-due", "figure": fig.to_json()}


def _target_table(c: Comparison) -> dict[str, Any]:
    """The indicator × place grid with every value a link to its sentence."""
    headers, grid = target_grid(c)
    return {"headers": headers, "rows": [
        {"indicator": indicator, "family": family, "cells": [
            [{"text": target_cell(t), "href": f"#src-target-{t['target_id']}", "title": t["sentence"]} for t in cell]
            for cell in cells]} for indicator, family, cells in grid]}


def render_html(c: Comparison, title: str = "Policy comparison") -> str:
    """The whole report page."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from plotly.offline import get_plotlyjs

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    tables = [{"name": name, "title": TITLES[name], "headers": h, "rows": r}
              for name in ("documents", "money_totals", "money", "responsibility", "timeline", "lineage")
              for h, r in [table_rows(c, name)] if r]
    charts = [*filter(None, [_money_chart(c), _due_chart(c)]), *_target_charts(c)]
    sources = [{"id": f"src-target-{t['target_id']}", "place": t["place"], "notice": t["doc_number"] or t["title"],
                "section": t.get("section"), "sentence": t["sentence"], "text": t.get("text")} for t in [*c.reference, *c.targets]]
    sources += [{"id": f"src-amount-{m['amount_id']}", "place": m["place"], "notice": m["doc_number"] or m["title"],
                 "section": m.get("section"), "sentence": m["sentence"], "text": m.get("text")} for m in c.money]
    money_links = [f"#src-amount-{m['amount_id']}" for m in c.money]
    return env.get_template("report.html.j2").render(
        title=title, comparison=c, places=c.places(), targets=_target_table(c), tables=tables, charts=charts,
        sources=sources, money_links=money_links, plotly_js=get_plotlyjs(), yuan=yuan)


def write_html(c: Comparison, path: Path, title: str = "Policy comparison") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(c, title), encoding="utf-8")
    return path
