"""Real output of each command for README's usage section.

README holds ``cog`` blocks (cogapp, as sqlite-utils keeps its docs) that call :func:`run`; ``cog -r README.md``
rewrites them from the commands' real output, and ``tests/test_readme.py`` checks that README is current. The
commands run, in README's order, in a scratch folder holding a copy of ``corpora`` (the bundled notices) and the
catalog README's first example ingests from it, as in a 100-column terminal.
"""
from __future__ import annotations

import atexit
import json
import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
#: A run's time stamp, which differs between runs: README shows it, the check ignores it.
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")
_folder: Path | None = None


def folder() -> Path:
    """The scratch folder, holding a copy of ``corpora`` (README's first example ingests it into ``catalog.db``)."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="policyx-readme-"))
        atexit.register(shutil.rmtree, _folder, True)
        shutil.copytree(ROOT / "corpora", _folder / "corpora")
    return _folder


def review_export(ref: str, kind: str = "amount") -> None:
    """Write what a review page exports when its first item of ``kind`` is marked wrong: the notice's contract
    JSON with a ``review`` block (the page builds the same in the browser), as ``NAME.review.json``."""
    from extractor.db import Catalog

    with Catalog.open(folder() / "catalog.db") as catalog:
        doc = catalog.find_documents(ref)[0]
        exported = {"document": {"id": doc["id"], "title": doc["title"], "doc_number": doc["doc_number"],
                                 "name": Path(doc["path"]).stem}, **catalog.contract(doc["id"])}
    wrong = exported[kind + "s"][0]
    exported["review"] = {"removed": [{"kind": kind, "id": str(wrong["id"]),
                                       **{k: wrong[k] for k in ("text", "start", "end")}}], "added": []}
    (folder() / f"{Path(doc['path']).stem}.review.json").write_text(json.dumps(exported, ensure_ascii=False),
                                                                     encoding="utf-8")


def _invoke(command: str) -> str:
    from extractor.catalog_cli import register
    from extractor.cli import cli

    group = click.Group(commands=cli.commands)
    register(group)
    here = os.getcwd()
    os.chdir(folder())
    try:
        result = CliRunner().invoke(group, shlex.split(command), env={"COLUMNS": "100"}, catch_exceptions=False)
    finally:
        os.chdir(here)
    return result.output.replace(str(folder()) + "/", "").replace(str(folder()), ".")


def run(command: str, lines: int | None = None) -> str:
    """``$ policyx COMMAND`` and what it prints (its first ``lines`` lines, then ``…``), as a fenced block."""
    folder()
    out = [line.rstrip() for line in _invoke(command).rstrip("\n").splitlines()
           if not line.startswith("Ingesting")]  # the progress bar, which a terminal redraws in place
    if lines is not None and len(out) > lines:
        out = out[:lines] + ["…"]
    return "```\n$ policyx " + command + "\n" + "\n".join(out) + "\n```\n"
