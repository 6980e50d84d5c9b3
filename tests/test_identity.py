"""Text identity: MinHash signatures and the LSH bands that find the copies of a notice."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from extractor.identity import bands, query_bands, shingle_hashes, signature
from extractor.pipeline import process
from extractor.readers import read

ROOT = Path(__file__).resolve().parent.parent
NOTICES = sorted((ROOT / "tests" / "real" / "docs").glob("*.txt"))


@pytest.mark.parametrize("path", NOTICES[:12], ids=lambda p: p.stem)
def test_signature_is_datasketch_affine32(path):
    """Our MinHash equals datasketch's (affine32 scheme, seed 7) fed the same shingle hashes, so signatures
    stored by earlier versions still compare."""
    datasketch = pytest.importorskip("datasketch")
    text = process(read(path)).text
    m = datasketch.MinHash(num_perm=64, seed=7, hashfunc=int, scheme="affine32")
    m.update_batch(shingle_hashes(text).tolist())
    assert np.array_equal(m.hashvalues.astype(np.uint64), signature(text))


def test_copies_meet_only_where_text_must_decide():
    """A notice with doc number and title looks for copies that have neither; a copy that carries a doc number
    is decided by it, so it is not a text candidate."""
    document = process(read(NOTICES[0]))
    meta, sig = document.metadata, signature(document.text)
    assert meta.doc_number and meta.title
    wanted = set(query_bands(sig, meta.county, meta.doc_number, meta.title))
    assert wanted & set(bands(sig, meta.county, None, None))  # a bare copy (say, a PDF without its header)
    assert not wanted & set(bands(sig, meta.county, meta.doc_number, None))
    assert not wanted & set(bands(sig, "某县", None, None))  # another county's copy is another notice
    # a text without number and title looks among every text
    assert set(query_bands(sig, meta.county)) <= set(bands(sig, meta.county, meta.doc_number, meta.title))
