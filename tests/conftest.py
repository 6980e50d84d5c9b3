"""Shared fixtures: paths of the bundled corpora and test files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractor.model import Document
from extractor.pipeline import extract_file

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = {
    "wuhai": CORPORA / "neimenggu-wuhai-2022-gaoxinqu.txt",
    "baotou": CORPORA / "neimenggu-baotou-2022-gaoxinqu.txt",
    "chifeng": CORPORA / "neimenggu-chifeng-2020-gongyeyuanqu.txt",
    "eerduosi": CORPORA / "neimenggu-eerduosi-2023-gongyeyuanqu-fanti.txt",
    "xuchang": CORPORA / "henan-xuchang-2019-chanyejijuqu.txt",
}


@pytest.fixture(scope="session")
def seed_docs() -> dict[str, Document]:
    """Every seed run through the whole pipeline once."""
    return {name: extract_file(path) for name, path in SEEDS.items()}


def squeeze(text: str) -> str:
    """Text without any whitespace, for comparing versions of one document."""
    return re.sub(r"\s+", "", text)
