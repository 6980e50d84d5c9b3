"""One notice, one record: the keys and text fingerprints that tell copies of a notice apart from look-alikes.

Copies of one notice (its TXT, PDF, DOCX, saved page) share a doc number, or a title and issuer, or nearly all
of their text. Two texts that differ in doc number or place are two notices however similar: counties copy a
city's text under their own name. Near-identical text is found through MinHash signatures cut into bands
(locality-sensitive hashing), so a new notice is compared only with the few that share a band.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .patterns import toml

NUM_PERM = 64
BANDS = 16
SHINGLE = 5
#: Estimated Jaccard similarity of shingles above which two texts are copies of one notice.
SAME_TEXT = 0.8
_CONTENT = re.compile(r"[^\W_]")
_PUNCT = re.compile(r"[\W_]+")


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    return toml("identity")


def format_rank(fmt: str) -> int:
    """How faithful a format's text usually is (lower is better): its extraction is the one kept."""
    order = _rules()["format_preference"]
    return order.index(fmt) if fmt in order else len(order)


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the text's distinct character 5-grams (letters and digits only, so layout does not
    count), computed for all positions at once: a polynomial over the code points, folded to 32 bits."""
    chars = _PUNCT.sub("", text)
    points = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = max(1, len(points) - SHINGLE + 1)
    points = np.concatenate([points, np.zeros(max(0, SHINGLE - len(points)), dtype=np.uint64)])
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * np.uint64(1_000_003) + points[k:k + n]
    return np.unique((h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations ``a * h + b`` mod 2**32 (``a`` odd) of datasketch's "affine32" scheme, seed 7."""
    gen = np.random.RandomState(7)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer: spreads the shingle hashes before the permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


#: Shingles permuted at once: bounds memory on very long texts (CHUNK x NUM_PERM x 4 bytes).
CHUNK = 1 << 15


def signature(text: str) -> np.ndarray:
    """MinHash signature of the text's shingle hashes: for each of :data:`NUM_PERM` permutations, the least
    permuted hash. Equal to datasketch's ``MinHash(num_perm=64, seed=7, scheme="affine32")`` fed the same hashes
    (a test holds it to that), computed here so the signatures stored in a catalog do not change with a
    library's defaults and no process pays for importing it."""
    a, b = _permutations()
    mins = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        hashes = _fmix32(shingle_hashes(text).astype(np.uint32))
        for start in range(0, len(hashes), CHUNK):
            chunk = hashes[start:start + CHUNK, None]
            mins = np.minimum(mins, (chunk * a + b).min(axis=0))
    return mins.astype(np.uint64)


#: Band sets of the LSH index. Text similarity decides identity only where doc numbers and titles cannot (see
#: :func:`same_notice`), so besides the bands of every text ("all") a text without a doc number, without a title,
#: or without both is also filed under that kind, and a new text looks only where a copy could be decided by text.
_KINDS = {"all": 0, "no-number": 1, "no-title": 2, "bare": 3}


def _kind(doc_number: str | None, title: str | None) -> str:
    """The kind of texts a copy of this one must be for their identity to rest on text alone."""
    if doc_number and title_key(title):
        return "bare"  # both are known here: only a text with neither is decided by similarity
    if doc_number:
        return "no-number"
    if title_key(title):
        return "no-title"
    return "all"


def _band_keys(sig: np.ndarray, county: str | None, kind: str) -> list[int]:
    rows = NUM_PERM // BANDS
    place = (county or "").encode("utf-8")
    keys = []
    for b in range(BANDS):
        digest = hashlib.blake2b(bytes([b, _KINDS[kind]]) + place + sig[b * rows:(b + 1) * rows].tobytes(),
                                 digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def bands(sig: np.ndarray, county: str | None = None, doc_number: str | None = None,
          title: str | None = None) -> list[int]:
    """The band keys a text is filed under: one signed 64-bit key per band of its signature, for every text and
    again under each of "no-number", "no-title", "bare" it belongs to. The county is part of the key: texts of
    two counties are never one notice, so a text that many counties copy does not make every copy a candidate
    of every other."""
    kinds = ["all"]
    if not doc_number:
        kinds.append("no-number")
    if not title_key(title):
        kinds.append("no-title")
    if len(kinds) == 3:
        kinds.append("bare")
    return [k for kind in kinds for k in _band_keys(sig, county, kind)]


def query_bands(sig: np.ndarray, county: str | None = None, doc_number: str | None = None,
                title: str | None = None) -> list[int]:
    """The band keys to look up for a new text: only where a copy's identity would rest on text (a notice with
    a doc number and a title looks among texts that have neither)."""
    return _band_keys(sig, county, _kind(doc_number, title))


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    x, y = np.frombuffer(a, dtype=np.uint64), np.frombuffer(b, dtype=np.uint64)
    return float(np.mean(x == y))


def title_key(title: str | None) -> str:
    """A title without punctuation, spaces and quote marks, for exact comparison."""
    return _PUNCT.sub("", title or "")


def title_keys(title: str | None) -> list[tuple[str, str]]:
    """(key, head) pairs a citation of this title may use: the full title, without its issuer, and the plan it wraps.

    ``某省人民政府关于印发推动某某行动方案的通知`` is cited as itself, as ``关于印发…的通知`` or as
    ``推动某某行动方案``; the head is the issuer written before ``关于`` (empty when there is none).
    """
    key = title_key(title)
    if not key:
        return []
    head, _, rest = key.partition("关于")
    if not rest:
        head, rest = "", key
    keys = [(key, head)]
    if head:
        keys.append(("关于" + rest, head))
        keys.append((rest, head))
    wrapped = re.fullmatch(_rules()["wrapper"], rest)
    if wrapped:
        keys.append((wrapped.group(1), head))
    minimum = _rules()["min_title_key"]
    return list(dict.fromkeys((k, h) for k, h in keys if len(k) >= minimum))


@dataclass
class Identity:
    """What decides whether two texts are one notice."""

    doc_number: str | None
    title: str | None
    issuer: str | None
    city: str | None
    county: str | None
    signature: bytes

    @classmethod
    def of(cls, row: dict[str, Any]) -> "Identity":
        return cls(row.get("doc_number"), row.get("title"), row.get("issuer"), row.get("city"), row.get("county"),
                   row.get("signature") or b"")


def _differ(a: str | None, b: str | None) -> bool:
    return bool(a and b and a != b)


def _issuers_differ(a: str | None, b: str | None) -> bool:
    """Issuers conflict when both are known and neither names the other (市人民政府 vs 某市人民政府 agree)."""
    if not (a and b):
        return False
    a, b = title_key(a), title_key(b)
    return not (a in b or b in a)


def same_notice(a: Identity, b: Identity) -> bool:
    """Whether two texts are copies of one notice."""
    if a.doc_number and b.doc_number:
        return a.doc_number == b.doc_number
    if _differ(a.city, b.city) or a.county != b.county:
        return False
    if a.title and b.title and title_key(a.title) == title_key(b.title) and not _issuers_differ(a.issuer, b.issuer):
        return True
    if _differ(title_key(a.title), title_key(b.title)):
        return False
    return bool(a.signature and b.signature) and similarity(a.signature, b.signature) >= SAME_TEXT
