"""README's usage section shows the real output of each command (cog blocks filled by scripts/readme_examples.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_shows_what_each_command_prints_now(monkeypatch):
    """Regenerating README's examples changes nothing but the runs' time stamps: run ``cog -r README.md`` after
    changing what a command prints."""
    cogapp = pytest.importorskip("cogapp")
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))
    import readme_examples

    monkeypatch.setattr(readme_examples, "_folder", None)  # a fresh scratch folder: the examples start from nothing
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fresh = cogapp.Cog().process_string(readme, fname="README.md")
    stamp = readme_examples.TIMESTAMP
    assert stamp.sub("T", fresh) == stamp.sub("T", readme)
