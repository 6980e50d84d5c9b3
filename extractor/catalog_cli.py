"""Catalog commands (ingest, search, show, departments, browse-metadata): a thin click layer over db.py."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .model import DEFAULT_CATALOG as DEFAULT_PATH
from .model import SEARCH_KINDS as KINDS

if TYPE_CHECKING:
    from .db import Catalog

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_PATH),
                         show_default=True, help="The catalog file.")


def emit(rows: list[dict[str, Any]], columns: list[str], fmt: str, title: str | None = None,
         shown: list[str] | None = None) -> None:
    """Print list rows as a rich table fitted to the terminal (of the ``shown`` columns, default all), as CSV,
    or as JSON (every key of each row)."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        from rich.table import Table

        table = Table(title=title, header_style="bold", pad_edge=False)
        for c in shown or columns:
            table.add_column(c, overflow="fold")
        for r in rows:
            table.add_row(*("" if r.get(c) is None else str(r[c]) for c in shown or columns))
        _console().print(table)


LIST_FORMATS = click.Choice(["table", "csv", "json"])


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--name", help="Name of the notice read from standard input (PATH '-').")
@click.option("--jobs", type=click.IntRange(1, 64), default=lambda: os.cpu_count() or 1,
              show_default="the number of cores", help="Worker processes that read and extract.")
@click.option("--timeout", type=click.FloatRange(0), default=120.0, show_default=True,
              help="Seconds one file may take to read and extract before it fails (0: no limit).")
@click.option("--report", "report_to", type=click.Path(file_okay=False), is_flag=False, flag_value="outputs/reports",
              default=None, help="Also write the review page of each notice added: --report alone writes under "
                                 "outputs/reports, --report=DIR under DIR.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: extract on a Dask cluster into Parquet shards (--shards) instead of a catalog; merge them "
                   "with 'catalog build'.")
@click.option("--shards", "shards_to", type=click.Path(file_okay=False), help="Shard folder of --engine dask.")
@click.option("--scheduler", help="Address of a running Dask scheduler (default: a LocalCluster of --jobs workers).")
def ingest(paths: tuple[str, ...], db_path: str, name: str | None, jobs: int, timeout: float,
           report_to: str | None, engine: str, shards_to: str | None, scheduler: str | None) -> None:
    """Add notices to the catalog: files, folders (recursive), globs, or '-' for standard input."""
    from .db import Summary, expand_paths

    files = expand_paths(paths)
    if engine == "dask":
        _ingest_dask(files, shards_to, scheduler, jobs, timeout)
        return
    stdin = (sys.stdin.buffer.read() if sys.stdin is not None else b"") if "-" in files else None
    summary = Summary()
    with _open(db_path) as catalog:
        catalog.timeout = timeout or None
        run_id = catalog.start_run(paths)
        with _progress() as progress:
            task = progress.add_task("Ingesting", total=len(files), file="")
            for outcome in catalog.ingest(files, run_id, stdin=stdin, name=name, jobs=jobs):
                summary.add(outcome)
                progress.update(task, advance=1, file=Path(outcome.path).name)
        catalog.finish_run(run_id, summary)
        if report_to:
            from .report.page import write

            added = [r[0] for r in catalog.conn.execute("SELECT id FROM documents WHERE run_id = ?", [run_id])]
            write(catalog, added, Path(report_to))
    click.echo(_summary_line(summary, db_path))
    if summary.empty:
        shown = ", ".join(summary.empty[:5]) + (f" and {len(summary.empty) - 5} more" if len(summary.empty) > 5 else "")
        click.echo(f"warning: {len(summary.empty)} notice(s) yielded nothing (no title, no items): {shown}", err=True)
    for path, reason in summary.failures:
        click.echo(f"error: {path}: {reason}", err=True)
    if summary.failures:
        sys.exit(1)


def _summary_line(summary: Any, db_path: str) -> str:
    """What a run did, in one line: counts, items, funding committed."""
    from .compare.render import yuan

    money = (f"; funding committed: {yuan(summary.one_off_yuan) or '0元'} one-off, "
             f"{yuan(summary.yearly_yuan) or '0元'} per year" if summary.amounts else "")
    return (f"{summary.added} added, {summary.merged} merged, {summary.unchanged} unchanged, {summary.replaced} "
            f"replaced, {len(summary.failures)} failed; extracted {summary.obligations} obligations, "
            f"{summary.targets} targets, {summary.amounts} amounts, {summary.deadlines} deadlines{money} -> {db_path}")


def _ingest_dask(files: list[str], shards_to: str | None, scheduler: str | None, jobs: int, timeout: float) -> None:
    if not shards_to:
        raise click.UsageError("--engine dask writes shards: give --shards DIR")
    if "-" in files:
        raise click.UsageError("--engine dask reads files, not standard input")
    from .shards.engine import ingest as on_dask

    done = on_dask(files, Path(shards_to), scheduler=scheduler, workers=jobs, timeout=timeout or None)
    click.echo(f"{done.files} files: {done.extracted} extracted, {done.skipped} already in the shards, "
               f"{len(done.failures)} failed -> {shards_to} (run {done.run}, {done.seconds:.1f} s, "
               f"{done.extracted / max(done.seconds, 1e-9):.1f} notices/s)")
    for path, reason in done.failures:
        click.echo(f"error: {path}: {reason}", err=True)
    if done.failures:
        sys.exit(1)


@click.group()
def catalog() -> None:
    """Catalogs built from shards (ingest --engine dask)."""


@catalog.command("build")
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@db_option
@click.option("--province", help="Only the notices of this province (as the shards file it: 河南省).")
@click.option("--years", help="Only the notices of these years: 2023, or 2020-2023.")
def catalog_build(shards: tuple[str, ...], db_path: str, province: str | None, years: str | None) -> None:
    """Merge shard folders into a catalog: one notice one row, the same identity rules, failures and order as a
    plain ingest of the same files."""
    from .shards.build import build

    span = None
    if years:
        lo, _, hi = years.partition("-")
        if not (lo.isdigit() and (hi or lo).isdigit()):
            raise click.BadParameter(f"{years!r}: a year or a span of years (2020-2023)", param_hint="--years")
        span = (int(lo), int(hi or lo))
    with _open(db_path) as target:
        try:
            summary = build([Path(s) for s in shards], target, ["catalog build", *shards], province, span)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(_summary_line(summary, db_path))
    for path, reason in summary.failures:
        click.echo(f"error: {path}: {reason}", err=True)


def _progress() -> Any:
    """A progress bar on standard error: done/total, notices per second, time left, and the file just read."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed:.1f} notices/s" if task.speed else "", style="progress.data.speed")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
                    TimeRemainingColumn(), TextColumn("{task.fields[file]}"), console=Console(stderr=True))


def _open(db_path: str, create: bool = True) -> Catalog:
    """The catalog at ``db_path``; a file that is not one is left untouched and named in one line."""
    from .db import Catalog, NotACatalog

    try:
        return Catalog.open(db_path, create=create)
    except NotACatalog as exc:
        raise click.ClickException(str(exc)) from None


def _open_existing(db_path: str) -> Catalog:
    if not Path(db_path).exists():
        raise click.ClickException(f"no catalog at {db_path}: run 'ingest' first")
    return _open(db_path, create=False)


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", default="")
@db_option
@click.option("--kind", type=click.Choice(KINDS), default="obligation", show_default=True)
@click.option("--city", help="City, with or without 市 (包头 or 包头市).")
@click.option("--department", help="A body by any alias or canonical name (科技局, 市科学技术局).")
@click.option("--function", "function", help="Function class of a body (科技, 财政, ...).")
@click.option("--due-before", type=click.DateTime(["%Y-%m-%d"]), help="Deadline on or before this ISO date.")
@click.option("--due-after", type=click.DateTime(["%Y-%m-%d"]), help="Deadline on or after this ISO date.")
@click.option("--doc", help="Only this notice: id, doc number or title substring.")
@click.option("--limit", type=click.IntRange(0, 10**9), default=20, show_default=True,
              help="At most this many hits (0: all).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--wide", is_flag=True, help="Every column, cells unwrapped (the table may exceed the terminal).")
@click.option("--show-sentence", is_flag=True, help="The whole source sentence (task) of each hit in the table.")
def search(query: str, db_path: str, kind: str, city: str | None, department: str | None, function: str | None,
           due_before: Any, due_after: Any, doc: str | None, limit: int, fmt: str, wide: bool,
           show_sentence: bool) -> None:
    """Search the catalog (obligations by default); QUERY may be empty when filters are given."""
    from . import hits as shown

    if not query.strip() and not any([city, department, function, due_before, due_after, doc]):
        raise click.UsageError("give a QUERY or at least one filter")
    filters = dict(city=city, department=department, function=function, doc=doc,
                   due_before=due_before and due_before.date().isoformat(),
                   due_after=due_after and due_after.date().isoformat())
    elsewhere = 0
    with _open_existing(db_path) as catalog:
        from .db import MAX_QUERY_WORDS
        from .tokens import query_words

        if len(query_words(query)) > MAX_QUERY_WORDS:
            click.echo(f"note: the query has more than {MAX_QUERY_WORDS} words; its first {MAX_QUERY_WORDS} are searched",
                       err=True)
        hits = catalog.search(query, kind=kind, limit=limit or None, **filters)
        total, exact = catalog.count(query, kind=kind, **filters) if limit and len(hits) == limit else (len(hits), True)
        if not hits and kind == "obligation" and query.strip() and not (department or function or due_before or due_after):
            elsewhere = catalog.count(query, kind="document", **filters)[0]
    if fmt == "json":
        click.echo(json.dumps([shown.to_json(h) for h in hits], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=[name for name, _ in shown.COLUMNS[kind]])
        writer.writeheader()
        writer.writerows(shown.record(h) for h in hits)
        click.echo(out.getvalue(), nl=False)
    elif not hits:
        hint = f"; {elsewhere} notice(s) mention it outside obligations (--kind document)" if elsewhere else ""
        click.echo(f"no hits{hint}", err=True)
    else:
        console = _console(wide)
        console.print(shown.table(hits, kind, wide=wide, show_sentence=show_sentence, width=console.width))
        more = f" (--limit {min(total, 10 * limit)} or --limit 0 for more)" if total > len(hits) else ""
        click.echo(f"{len(hits)} of {total:,}{'' if exact else '+'} hit{'s' if total != 1 else ''}{more}", err=True)


def _console(wide: bool = False) -> Any:
    """A rich console on standard output: the terminal's width (``COLUMNS`` when piped), colour only on a
    terminal."""
    from rich.console import Console

    return Console(width=100_000 if wide else None, highlight=False, soft_wrap=False)


@click.command()
@click.argument("doc")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def show(doc: str, db_path: str, fmt: str) -> None:
    """Print one notice (id, hash prefix, doc number or title substring) with all that was extracted."""
    with _open_existing(db_path) as catalog:
        data = catalog.document(_one_document(catalog, doc)["id"])
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    d = data["document"]
    click.echo(f"#{d['id']} {d['title'] or d['name']}")
    for key in ("doc_number", "issuer", "province", "city", "county", "level", "date_written", "date_published",
                "validity"):
        if d[key]:
            click.echo(f"  {key}: {d[key]}")
    click.echo(f"\nSources ({len(data['sources'])})")
    for s in data["sources"]:
        kept = " kept" if s["hash"] == d["hash"] else ""
        click.echo(f"  {s['path']} ({s['format']}{kept}, sha256 {s['hash'][:12]})")
    click.echo(f"\nSections ({len(data['sections'])})")
    for s in data["sections"]:
        click.echo(f"  {'  ' * (s['level'] - 1)}{s['marker']} {s['title']}")
    click.echo(f"\nObligations ({len(data['obligations'])})")
    for o in data["obligations"]:
        click.echo(f"  [{o['section']}] {o['text'].replace(chr(10), ' ')}")
        names = "、".join(d["name"] + ("*" if d["role"] == "lead" else "") for d in o["departments"])
        click.echo(f"      departments (*lead): {names or '-'}; deadline: {o['deadline'] or '-'}")
    click.echo(f"\nTargets ({len(data['targets'])})")
    for t in data["targets"]:
        value = t["value"] if t["value_max"] is None else f"{t['value']}-{t['value_max']}"
        click.echo(f"  [{t['section']}] {t['indicator']} {t['comparator']} {value}{t['unit']}"
                   f"{' by ' + str(t['year']) if t['year'] else ''}")
    click.echo(f"\nAmounts ({len(data['amounts'])})")
    for a in data["amounts"]:
        click.echo(f"  [{a['section']}] {a['text']} = {a['value_yuan']:,.0f} yuan ({a['role']}"
                   f"{', ' + a['purpose'] if a['purpose'] else ''})")
    click.echo(f"\nDeadlines ({len(data['deadlines'])})")
    for x in data["deadlines"]:
        click.echo(f"  [{x['section']}] {x['date']} {x['text']}")
    click.echo(f"\nCitations ({len(data['citations'])})")
    for c in data["citations"]:
        resolved = f" -> #{c['cited_document_id']} {c['cited_title']}" if c["cited_document_id"] else ""
        click.echo(f"  {c['doc_number'] or ''} {c['title'] or ''}{resolved}")


@click.command()
@db_option
@click.option("--city", help="Only this city (包头 or 包头市).")
@click.option("--function", "function", help="Only this function class.")
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
def departments(db_path: str, city: str | None, function: str | None, fmt: str) -> None:
    """List bodies per city with how many obligations each leads and joins."""
    with _open_existing(db_path) as catalog:
        rows = catalog.departments(city=city, function=function)
    emit(rows, ["city", "canonical", "function", "level", "leads", "joins"], fmt, f"Departments ({len(rows)})")


@click.command()
@db_option
@click.option("--run", "run_id", type=click.IntRange(1, 2**62), help="Failures of this run (default: the latest "
                                                                     "run that had any).")
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
def failures(db_path: str, run_id: int | None, fmt: str) -> None:
    """Files an ingest could not read, with the reason."""
    with _open_existing(db_path) as catalog:
        rows = catalog.failures(run_id)
    emit(rows, ["run_id", "path", "reason", "at"], fmt, f"Failures ({len(rows)})")


@click.command()
@db_option
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
def runs(db_path: str, fmt: str) -> None:
    """Every ingest run: when, what it was given, and what it did."""
    with _open_existing(db_path) as catalog:
        rows = list(catalog.db.query("SELECT * FROM runs ORDER BY id"))
    emit(rows, ["id", "started_at", "finished_at", "arguments", "added", "merged", "unchanged", "replaced", "failed",
                "obligations", "targets", "amounts", "deadlines"], fmt, f"Runs ({len(rows)})",
         shown=["id", "finished_at", "arguments", "added", "merged", "failed", "obligations"])


@click.command()
@click.argument("docs", nargs=-1)
@db_option
@click.option("--all", "every", is_flag=True, help="A page for every notice in the catalog.")
@click.option("--output", type=click.Path(file_okay=False), default="outputs/reports", show_default=True,
              help="Folder of the pages (and their index.html).")
def report(docs: tuple[str, ...], db_path: str, every: bool, output: str) -> None:
    """Write the review page of notices (id, doc number or title words): the text with every extracted item
    highlighted, side tables that jump to their spans, and an index of all notices."""
    from .report.page import write

    if not docs and not every:
        raise click.UsageError("name notices (id, doc number or title words) or give --all")
    with _open_existing(db_path) as catalog:
        ids = [r[0] for r in catalog.conn.execute("SELECT id FROM documents ORDER BY id")] if every else \
            [_one_document(catalog, doc)["id"] for doc in docs]
        pages = write(catalog, ids, Path(output))
    click.echo(f"wrote {len(pages)} review page(s) and {Path(output) / 'index.html'}")


def _one_document(catalog: Catalog, ref: str) -> dict[str, Any]:
    """The one notice ``ref`` names, or a one-line error listing the candidates."""
    found = catalog.find_documents(ref)
    if not found:
        raise click.ClickException(f"no notice matches {ref!r}")
    if len(found) > 1:
        listing = "\n".join(f"  {d['id']}: {d['title'] or d['name']} ({d['doc_number'] or '-'})" for d in found)
        raise click.ClickException(f"{len(found)} notices match {ref!r}; pick one by id:\n{listing}")
    return found[0]


@click.group()
def review() -> None:
    """Corrections made on review pages."""


@review.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--gold", type=click.Path(file_okay=False), default="outputs/gold", show_default=True,
              help="Folder where the corrected notice is written as a gold file that evaluate scores.")
def review_apply(file: str, db_path: str, gold: str) -> None:
    """Put the corrections exported from a review page into the catalog (kept apart from the extracted rows, applied
    over them, applied again on re-ingest) and write the corrected notice as a gold file."""
    data = json.loads(Path(file).read_text(encoding="utf-8"))
    try:
        document, changes = data["document"], data["review"]
    except (KeyError, TypeError):
        raise click.ClickException(f"{file}: not corrections exported from a review page") from None
    with _open_existing(db_path) as catalog:
        row = catalog.db["documents"].get(document["id"]) if catalog.db["documents"].count_where(
            "id = ?", [document["id"]]) else None
        if row is None or (row["doc_number"], row["title"]) != (document.get("doc_number"), document.get("title")):
            raise click.ClickException(f"{file}: notice #{document['id']} is not in {db_path} as it was reviewed")
        catalog.correct(row["id"], changes.get("removed", []), changes.get("added", []))
        corrected = catalog.contract(row["id"])
    for items in corrected.values():
        for item in items if isinstance(items, list) else []:
            item.pop("id", None)
    target = Path(gold) / f"{document.get('name') or row['id']}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(corrected, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{len(changes.get('removed', []))} marked wrong, {len(changes.get('added', []))} added -> "
               f"{db_path}; gold file {target}")


@click.command("browse-metadata")
@db_option
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Where to write (default: metadata.json beside the catalog).")
@click.option("--public", type=click.Path(dir_okay=False),
              help="Also write a copy of the catalog fit to publish beyond this machine at this path: file paths and "
                   "run command lines removed, and metadata with arbitrary SQL off and the run tables closed.")
def browse_metadata(db_path: str, output: str | None, public: str | None) -> None:
    """Write Datasette metadata (canned queries): datasette CATALOG --metadata FILE."""
    with _open_existing(db_path) as catalog:
        data = catalog.browse_metadata(Path(db_path).stem)
        if public:
            catalog.publish(Path(public))
    target = Path(output) if output else Path(db_path).with_name("metadata.json")
    target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"wrote {target}; run: datasette {db_path} --metadata {target}")
    if public:
        with _open_existing(public) as published:
            shown = published.browse_metadata(Path(public).stem, public=True)
        meta = Path(public).with_name(Path(public).stem + "-metadata.json")
        meta.write_text(json.dumps(shown, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"wrote {public} and {meta}; publish: datasette {public} --metadata {meta} --host 0.0.0.0")


COMPARE_FORMATS = ["table", "markdown", "csv", "xlsx", "html", "json", "ics"]
DEFAULT_OUTPUT = {"csv": "outputs/compare", "xlsx": "outputs/compare.xlsx", "html": "outputs/compare.html",
                  "ics": "outputs/compare.ics"}


@click.command()
@db_option
@click.option("--cities", help="Places to compare, comma-separated: cities, counties or provinces (包头,乌海).")
@click.option("--parent", help="Only notices implementing this policy (doc number or title words), with its targets "
                               "as the reference.")
@click.option("--indicator", help="Only targets of this indicator or family (words).")
@click.option("--function", "function", help="Only this department function class (科技, 财政, ...).")
@click.option("--from", "from_year", type=int, help="Targets and deadlines due from this year.")
@click.option("--to", "to_year", type=int, help="Targets and deadlines due up to this year.")
@click.option("--doc", help="Only this notice (id, doc number or title words).")
@click.option("--format", "fmt", type=click.Choice(COMPARE_FORMATS), default="table", show_default=True)
@click.option("--output", type=click.Path(), help="Where to write csv (a folder), xlsx, html or ics "
                                                   "(default under outputs/); markdown and json print unless given.")
@click.option("--wide", is_flag=True, help="Terminal tables without column limits.")
@click.option("--detail/--summary", default=None,
              help="Every target and amount row, or one row per place and indicator (the default over more than "
                   "500 notices).")
@click.option("--shards", "shards", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Compare over these shard folders (ingest --engine dask) with DuckDB instead of a catalog.")
def compare(db_path: str, cities: str | None, parent: str | None, indicator: str | None, function: str | None,
            from_year: int | None, to_year: int | None, doc: str | None, fmt: str, output: str | None,
            wide: bool, detail: bool | None, shards: tuple[str, ...]) -> None:
    """Compare places: targets by indicator, money, responsibilities, deadlines and lineage, side by side."""
    from .compare import compare as build
    from .compare import render

    places = [c.strip() for c in re.split(r"[,，、]", cities)] if cities else None
    options = dict(cities=places, parent=parent, indicator=indicator, function=function, from_year=from_year,
                   to_year=to_year, doc=doc, detail=detail, calendar=fmt == "ics")
    if shards:
        from .shards.duck import open_shards

        try:
            result = build(open_shards([Path(s) for s in shards]), **options)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    else:
        with _open_existing(db_path) as catalog:
            result = build(catalog, **options)
    if not result.documents:
        raise click.ClickException("no notice matches these filters")
    target = Path(output or DEFAULT_OUTPUT.get(fmt, "")) if (output or fmt in DEFAULT_OUTPUT) else None
    if fmt == "table":
        render.print_tables(result, wide=wide)
    elif fmt in ("markdown", "json"):
        text = render.to_markdown(result) if fmt == "markdown" else render.to_json(result)
        if target:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            click.echo(f"wrote {target}")
        else:
            click.echo(text)
    elif fmt == "csv":
        files = render.to_csv(result, target)
        click.echo(f"wrote {len(files)} tables to {target}/")
    elif fmt == "xlsx":
        click.echo(f"wrote {render.to_xlsx(result, target)}")
    elif fmt == "ics":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render.to_ics(result))
        click.echo(f"wrote {len(result.due)} dated obligations to {target}")
    else:
        from .compare.html import write_html

        click.echo(f"wrote {write_html(result, target)}")


@click.command()
@db_option
@click.option("--format", "fmt", type=LIST_FORMATS, default="table", show_default=True)
def lineage(db_path: str, fmt: str) -> None:
    """For every parent policy in the catalog, the notices implementing it and how each link was found."""
    with _open_existing(db_path) as catalog:
        rows = catalog.lineage()
    if fmt == "table":
        rows = [{**r, "child": r["child_doc_number"] or r["child_title"], "score": f"{r['score']:.2f}"} for r in rows]
    emit(rows, ["parent", "child", "place", "level", "date", "link", "score"] if fmt == "table" else
         list(rows[0]) if rows else [], fmt, f"Lineage ({len(rows)} links)")


def register(group: click.Group) -> None:
    """Add the catalog commands to the main command group."""
    for command in (ingest, search, show, report, review, departments, failures, runs, browse_metadata, compare,
                    lineage, catalog):
        group.add_command(command)
