"""Plain data passed between pipeline stages.

Every span carries ``start``/``end`` offsets into the normalised text of its
document; :class:`Mapped` keeps, for every normalised character, the offset of
the character it came from in the reader's text.
"""
from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class InputError(Exception):
    """A file that cannot be read; the message is the one-line reason."""


#: Where the catalog lives unless ``--db`` says otherwise.
DEFAULT_CATALOG = Path("outputs/catalog.db")
#: What ``search --kind`` looks for.
SEARCH_KINDS = ("obligation", "target", "amount", "deadline", "document")

@dataclass
class Source:
    """What a reader produced: decoded text plus where it came from."""

    path: str
    format: str
    text: str
    encoding: str | None = None
    name: str | None = None
    pages: list[int] | None = None  # for a PDF, the offset in ``text`` where each page begins


@dataclass
class Mapped:
    """Text with, for each character, its offset in the source text (8 bytes a character, in an array: a list
    of ints would take 36)."""

    text: str
    origin: Sequence[int]

    @classmethod
    def identity(cls, text: str) -> "Mapped":
        return cls(text, array("q", range(len(text))))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of this text back to source offsets."""
        if start >= len(self.origin):
            n = self.origin[-1] + 1 if self.origin else 0
            return n, n
        last = self.origin[end - 1] + 1 if end > start else self.origin[start]
        return self.origin[start], last


@dataclass
class Section:
    """A heading and the stretch of text it governs."""

    marker: str
    title: str
    level: int
    rank: int
    start: int
    end: int
    body_start: int
    path: str
    parent: int | None = None


@dataclass
class Unit:
    """A paragraph, sentence or clause."""

    kind: str
    start: int
    end: int
    text: str


@dataclass
class Metadata:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    city: str | None = None
    province: str | None = None
    county: str | None = None
    level: str | None = None
    date_written: str | None = None
    date_published: str | None = None
    validity: str | None = None
    index_number: str | None = None
    topic: str | None = None
    cited_doc_numbers: list[str] = field(default_factory=list)
    cited_documents: list[dict[str, Any]] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)


@dataclass
class Amount:
    value_yuan: float
    value_yuan_max: float | None
    recurrence: str | None
    role: str
    text: str
    start: int
    end: int
    purpose: str | None = None
    payer: str | None = None
    section: str = ""
    sentence: str = ""
    kind: str = "lump"  # lump | yearly | rate (100元/亩) | cap (最高不超过50万元)
    unit: str = "元"  # 元, or the per-unit rate's 元/亩


@dataclass
class Deadline:
    date: str
    recurrence: str | None
    text: str
    start: int
    end: int
    kind: str = ""
    section: str = ""
    sentence: str = ""


@dataclass
class Target:
    indicator: str
    value: float
    value_max: float | None
    unit: str
    comparator: str
    change: str | None
    year: int | None
    text: str
    start: int
    end: int
    section: str = ""
    sentence: str = ""


@dataclass
class Department:
    name: str
    canonical: str
    function: str
    level: str
    role: str = "lead"


@dataclass
class Obligation:
    text: str
    departments: list[str]
    deadline: str | None
    start: int
    end: int
    marking: str
    section: str = ""
    units: list[Department] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    due: str | None = None  # its own deadline, else its heading's, else the goal governing its list
    due_from: str | None = None  # own | heading | governing


@dataclass
class Document:
    """A notice after the whole pipeline."""

    source: Source
    mapped: Mapped
    metadata: Metadata
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Unit] = field(default_factory=list)
    sentences: list[Unit] = field(default_factory=list)
    tokens: list[tuple[str, int, int]] = field(default_factory=list)  # (word, start, end), one pass
    amounts: list[Amount] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    index: dict[str, list[str]] | None = None  # search index terms by table, when a worker computed them
    pages: list[int] | None = None  # for a PDF, the offset in ``text`` where each page begins

    @property
    def text(self) -> str:
        return self.mapped.text

    def to_json(self) -> dict[str, Any]:
        """The JSON of EXTRACTION.md, with offsets and section paths."""
        meta = asdict(self.metadata)
        return {
            "source": {"path": self.source.path, "format": self.source.format,
                       "encoding": self.source.encoding},
            "metadata": meta,
            "amounts": [asdict(a) for a in self.amounts],
            "deadlines": [asdict(d) for d in self.deadlines],
            "targets": [asdict(t) for t in self.targets],
            "obligations": [asdict(o) for o in self.obligations],
        }
