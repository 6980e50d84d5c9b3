"""Which shard records are copies of one notice, decided as the catalog decides it, without a catalog.

The records are visited in run and position order. Each is looked up, as :meth:`extractor.db.Catalog.ingest_document`
looks up a new copy, among the notices seen so far: the same content (the same file twice), the same doc number,
the same title key in a place that allows it, or the most fingerprint bands shared (at most 20); the first that
:func:`extractor.identity.same_notice` accepts is its notice. A copy of a format read at least as faithfully
(``format_rank``) becomes the notice's primary copy, whose extraction and identity count from then on.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..identity import Identity, bands, format_rank, query_bands, same_notice, title_key, title_keys

#: Candidates by shared fingerprint bands looked at per copy, as the catalog does.
BAND_CANDIDATES = 20


@dataclass
class _Notice:
    id: int
    identity: Identity
    format: str
    primary: tuple[str, int]
    keys: list[Any] = field(default_factory=list)


def _possible(n: _Notice, city: str | None, county: str | None, number: str | None) -> bool:
    """The catalog's place and number conditions on a title or band candidate."""
    i = n.identity
    return (i.county == county and (i.city is None or city is None or i.city == city)
            and (i.doc_number is None or number is None or i.doc_number == number))


def resolve(records: list[dict[str, Any]]) -> dict[tuple[str, int], tuple[int, bool]]:
    """For each record (``run``, ``position``, ``hash``, ``doc_number``, ``title``, ``issuer``, ``city``,
    ``county``, ``format``, ``signature``) in run and position order: its notice's id (1, 2, … in order of first
    appearance) and whether it is that notice's primary copy when all are read."""
    by_hash: dict[str, _Notice] = {}
    by_number: dict[str, list[_Notice]] = defaultdict(list)
    by_title: dict[str, list[_Notice]] = defaultdict(list)
    by_band: dict[int, list[_Notice]] = defaultdict(list)
    notices: list[_Notice] = []
    found: dict[tuple[str, int], int] = {}

    def file(n: _Notice, sig: np.ndarray, r: dict[str, Any]) -> None:
        for table, key in n.keys:  # the primary copy's keys replace the last one's
            table[key].remove(n)
        n.keys = [(by_band, b) for b in bands(sig, r["county"], r["doc_number"], r["title"])]
        n.keys += [(by_title, k) for k, _ in title_keys(r["title"])]
        if r["doc_number"]:
            n.keys.append((by_number, r["doc_number"]))
        for table, key in n.keys:
            table[key].append(n)

    for r in sorted(records, key=lambda r: (r["run"], r["position"])):
        at = (r["run"], r["position"])
        if r["hash"] in by_hash:  # the same file again: a source of its notice, nothing read
            found[at] = by_hash[r["hash"]].id
            continue
        sig = np.frombuffer(r["signature"], dtype=np.uint64)
        mine = Identity(r["doc_number"], r["title"], r["issuer"], r["city"], r["county"], r["signature"])
        candidates: dict[int, _Notice] = {}
        if r["doc_number"]:
            candidates.update((n.id, n) for n in by_number.get(r["doc_number"], []))
        if r["title"]:
            candidates.update((n.id, n) for n in by_title.get(title_key(r["title"]), [])
                              if _possible(n, r["city"], r["county"], r["doc_number"]))
        sharing = [n for b in query_bands(sig, r["county"], r["doc_number"], r["title"]) for n in by_band.get(b, [])]
        shared = Counter(n.id for n in sharing)
        near = sorted((n for n in {n.id: n for n in sharing}.values()
                       if _possible(n, r["city"], r["county"], r["doc_number"])),
                      key=lambda n: (-shared[n.id], n.id))[:BAND_CANDIDATES]
        candidates.update((n.id, n) for n in near)
        match = next((n for n in candidates.values() if same_notice(mine, n.identity)), None)
        if match is None:
            match = _Notice(len(notices) + 1, mine, r["format"], at)
            notices.append(match)
            file(match, sig, r)
        elif format_rank(r["format"]) <= format_rank(match.format):
            match.identity, match.format, match.primary = mine, r["format"], at
            file(match, sig, r)
        by_hash[r["hash"]] = match
        found[at] = match.id
    primaries = {n.primary for n in notices}
    return {at: (notice, at in primaries) for at, notice in found.items()}
