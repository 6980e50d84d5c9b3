"""Command-line interface: a thin click layer over the library."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

import click

from .model import Document, InputError


def fail(path: str, reason: str) -> None:
    """One line naming the file and the reason, on stderr."""
    click.echo(f"error: {path}: {reason}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="policy-extractor")
def cli() -> None:
    """Extract targets, deadlines, money and obligations from Chinese policy notices."""


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.option("--timeout", type=click.FloatRange(0), default=120.0, show_default=True,
              help="Seconds one file may take before it fails (0: no limit).")
def extract(files: tuple[str, ...], fmt: str, timeout: float) -> None:
    """Extract everything from FILES and print it (JSON per EXTRACTION.md with --format json)."""
    from .pipeline import extract_file
    from .report import render_text

    failures: list[tuple[str, str]] = []
    results = [document.to_json() if fmt == "json" else render_text(document)
               for document in each_document(files, lambda p: extract_file(p, timeout or None), failures)]
    if fmt == "json" and results:
        click.echo(json.dumps(results[0] if len(files) == 1 else results, ensure_ascii=False, indent=2))
    elif fmt == "text":
        for text in results:
            click.echo(text)
    finish(failures)


def each_document(files: Iterable[str], run: Callable[[str], Document],
                  failures: list[tuple[str, str]]) -> Iterator[Document]:
    """Run each file; unreadable files and pipeline bugs go to ``failures`` and the batch goes on."""
    for path in files:
        try:
            yield run(path)
        except InputError as exc:
            failures.append((path, str(exc)))
        except Exception as exc:  # a pipeline bug must not stop the batch
            failures.append((path, f"extraction failed ({type(exc).__name__}: {exc})"))


def finish(failures: list[tuple[str, str]]) -> None:
    """List the files that failed, one line each, and exit non-zero if any did."""
    for path, reason in failures:
        fail(path, reason)
    if failures:
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--sentences", is_flag=True, help="Also list every sentence with its offsets.")
def segment(files: tuple[str, ...], sentences: bool) -> None:
    """Print the heading tree the parser saw in FILES."""
    from .pipeline import process
    from .readers import read
    from .report import render_tree

    failures: list[tuple[str, str]] = []
    for document in each_document(files, lambda path: process(read(path)), failures):
        click.echo(render_tree(document, sentences))
    finish(failures)


@cli.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.argument("pred_dir", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--docs", type=click.Path(exists=True, file_okay=False),
              help="Where the documents named like the gold files are (default: beside GOLD_DIR).")
@click.option("--verbose", is_flag=True, help="List every miss per document.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(gold_dir: str, pred_dir: str | None, docs: str | None, verbose: bool, as_json: bool) -> None:
    """Score extraction against GOLD_DIR (runs the extractor unless PRED_DIR is given)."""
    from .evaluate import evaluate_dirs, format_table, predict_dir

    if pred_dir is None:
        predictions, missing = predict_dir(Path(gold_dir), Path(docs) if docs else None)
        for name in missing:
            fail(name, "no document found for this gold file")
    else:
        predictions = None
    summary, report = evaluate_dirs(Path(gold_dir), Path(pred_dir) if pred_dir else None, predictions)
    if as_json:
        click.echo(json.dumps({"summary": summary, "documents": report if verbose else None}, ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(summary, report if verbose else None))


@cli.command()
@click.option("--sizes", default="1000,10000", show_default=True,
              help="Catalog sizes of the scale runs (notices, comma-separated), e.g. 1000,10000,50000.")
@click.option("--output", type=click.Path(dir_okay=False), default="outputs/bench.json", show_default=True,
              help="Where the JSON of the figures is written.")
@click.option("--work", type=click.Path(file_okay=False), help="Folder for the generated notices and catalogs "
                                                              "(default: the system's temporary folder).")
@click.option("--shards", "shard_sizes", default="", help="Also shard runs of these sizes (comma-separated): "
              "--engine dask, catalog build, compare over the shards ('' for none; --sizes '' skips scale runs).")
def bench(sizes: str, output: str, work: str | None, shard_sizes: str) -> None:
    """Measure speed and memory: stages, pipeline against jieba, start-up, ingest with 1 and 2 jobs and on Dask,
    and scale runs (ingest rate, size, search, compare) on catalogs generated from the bundled real notices."""
    from rich.console import Console

    from .bench import run, save, table

    console = Console(stderr=True)
    result = run([int(s) for s in sizes.split(",") if s.strip()], Path(work) if work else None,
                 report=lambda what: console.log(f"measuring {what}"),
                 shard_sizes=[int(s) for s in shard_sizes.split(",") if s.strip()])
    save(result, Path(output))
    Console().print(table(result))
    click.echo(f"wrote {output}")


def main() -> None:
    """Entry point of ``python cli.py`` and the ``policyx`` command."""
    from .catalog_cli import register

    register(cli)
    cli()
