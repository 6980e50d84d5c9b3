"""Fuzzing the readers and the pipeline (hypothesis, a bounded number of examples in CI): any bytes are read or
refused with a reason, and on any text every extracted item's offsets point at its own characters."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.model import InputError, Source
from extractor.pipeline import process
from extractor.readers import read_bytes

ROOT = Path(__file__).resolve().parent.parent
#: Lines of the bundled real notices: the fuzzer splices them with arbitrary characters.
LINES = sorted({line for path in sorted((ROOT / "tests" / "real" / "docs").glob("*.txt"))[:12]
                for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["f.txt", "f.md", "f.html"]))
def test_any_bytes_are_read_or_refused_with_a_reason(data, name):
    try:
        source = read_bytes(data, name)
    except InputError as exc:
        assert str(exc)
    else:
        assert isinstance(source.text, str)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=40)), min_size=1, max_size=40))
def test_offsets_hold_on_any_mix_of_real_lines_and_noise(parts):
    doc = process(Source("f.txt", "txt", "\n".join(parts)))
    for item in [*doc.amounts, *doc.deadlines, *doc.targets, *doc.obligations]:
        assert doc.text[item.start:item.end] == item.text
    assert len(doc.mapped.origin) == len(doc.text)
    assert all(0 <= o <= len(doc.source.text) for o in doc.mapped.origin)
