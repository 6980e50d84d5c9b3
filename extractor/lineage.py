"""Lineage: which higher-level policy each notice implements.

Written links come from citations, resolved by doc number or by title (``《推动某某行动方案》`` matches
``国务院关于印发推动某某行动方案的通知``). A notice that cites no parent in the catalog is linked to the
higher-level notice whose title its own title and opening words share (found through an FTS index of titles,
never by comparing every pair), marked ``inferred`` with its score.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

import sqlite_utils

from .patterns import split_list, toml, trie_pattern

#: How far up each level is; a department sits just below its government.
RANKS = {"national": 0, "provincial": 1, "city": 2, "county": 3}
#: Share of a parent's title words a child's title and opening must hold for an inferred link.
MIN_SCORE = 0.6
OPENING = 300
#: Words of a title or opening a lineage query keeps (the rarest in the catalog).
QUERY_WORDS = 8


def rank(level: str | None) -> float | None:
    """0 for national … 3 for county; +0.5 for a department of that level; None when unknown."""
    if not level:
        return None
    base, _, department = level.partition(" ")
    return RANKS.get(base, 2) + (0.5 if department else 0)


def above(parent: dict[str, Any], child: dict[str, Any]) -> bool:
    """Whether ``parent`` may be implemented by ``child``: a higher level of the same province (or national),
    not dated after it."""
    p, c = rank(parent.get("level")), rank(child.get("level"))
    if p is not None and c is not None and p >= c:
        return False
    if p and parent.get("province") and child.get("province") and parent["province"] != child["province"]:
        return False
    pd, cd = parent.get("date_written"), child.get("date_written")
    return not (pd and cd and pd > cd)


@lru_cache(maxsize=1)
def _noise() -> re.Pattern[str]:
    """Place names, level words and generic title words, removed before titles are compared."""
    from .metadata import gazetteer

    g = gazetteer()
    places = [*g.by_name, *(p["name"] for p in g.provinces),
              *(s for p in g.provinces for s in split_list(p["short"]) if len(s) >= 2)]
    words = toml("identity")["title_stopwords"]
    return re.compile(trie_pattern({*places, *words}))


_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Content words of a title or an opening: jieba words without places, document types and filler."""
    from .tokens import query_words

    cleaned = _noise().sub(" ", re.sub(r"《[^》]*》", " ", text or ""))
    return tuple(dict.fromkeys(w for w in query_words(cleaned)
                               if (len(w) > 1 or not re.match(r"[\u4e00-\u9fff]", w)) and not _DIGIT.search(w)))


def _opening(title: str | None, text: str | None) -> str:
    return f"{title or ''} {(text or '')[:OPENING]}"


def index_document(db: sqlite_utils.Database, doc: dict[str, Any]) -> None:
    """Put one document's title words and opening words into the title index."""
    db.execute("DELETE FROM title_index WHERE rowid = ?", [doc["id"]])
    db.execute("INSERT INTO title_index (rowid, title_words, opening_words) VALUES (?, ?, ?)",
               [doc["id"], " ".join(words(doc.get("title") or "")),
                " ".join(words(_opening(doc.get("title"), doc.get("text"))))])


def _fts(column: str, tokens: Iterable[str]) -> str:
    return f"{column} : (" + " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens) + ")"


def _score(parent_title: str | None, child: dict[str, Any]) -> float:
    """Share of the parent's title words found in the child's title and opening."""
    wanted = words(parent_title or "")
    if not wanted:
        return 0.0
    have = _opening(child.get("title"), child.get("text"))
    return sum(1 for w in wanted if w in have) / len(wanted)


#: A document as lineage needs it: its place, level, date, title and opening (not its whole text).
_DOC = (f"SELECT id, title, doc_number, level, date_written, province, city, county, substr(text, 1, {OPENING}) "
        "AS text FROM documents")
#: Parent searches kept for reuse during one linking run (the oldest is dropped first).
MATCHES_KEPT = 4096
#: Documents handled per query, so a run of any size keeps memory and SQL variables bounded.
CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = sorted(ids)
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


#: Whether a catalog document ``d`` (filed under title key ``k``) may be what citation ``c`` names: the issuer written
#: before 关于 and the doc number, where both sides have one, agree.
_AGREE = ("(c.head IS NULL OR c.head = '' OR k.head = '' OR c.head = k.head) "
          "AND (c.doc_number IS NULL OR d.doc_number IS NULL OR c.doc_number = d.doc_number)")


def _resolve_citations(db: sqlite_utils.Database, new: list[int]) -> set[int]:
    """Point unresolved citations at catalog documents; returns the citing documents that changed.

    Only citations that can resolve are visited: those of the new documents, and those elsewhere that name a new
    document by its doc number or by a title key it agrees with (many notices cite a parent the catalog lacks).
    """
    changed: set[int] = set()
    marks = ", ".join("?" * len(new))
    columns = "c.id, c.document_id, c.doc_number, c.title_key, c.head"
    rows = list(db.query(f"""
        SELECT {columns} FROM citations c WHERE c.document_id IN ({marks}) AND +c.cited_document_id IS NULL
        UNION SELECT {columns} FROM documents d CROSS JOIN citations c ON c.doc_number = d.doc_number
        WHERE d.id IN ({marks}) AND c.cited_document_id IS NULL AND c.document_id != d.id
        UNION SELECT {columns} FROM title_keys k CROSS JOIN documents d ON d.id = k.document_id
        CROSS JOIN citations c ON c.title_key = k.key
        WHERE k.document_id IN ({marks}) AND c.cited_document_id IS NULL AND c.document_id != d.id AND {_AGREE}""",
                     new * 3))
    for c in rows:
        target = None
        if c["doc_number"]:
            target = db.execute("SELECT min(id) FROM documents WHERE doc_number = ? AND id != ?",
                                [c["doc_number"], c["document_id"]]).fetchone()[0]
        if target is None and c["title_key"]:
            target = db.execute(f"""SELECT min(k.document_id) FROM title_keys k JOIN documents d ON d.id = k.document_id
                                    CROSS JOIN (SELECT ? AS head, ? AS doc_number) c
                                    WHERE k.key = ? AND k.document_id != ? AND {_AGREE}""",
                                [c["head"], c["doc_number"], c["title_key"], c["document_id"]]).fetchone()[0]
        if target is not None:
            db.execute("UPDATE citations SET cited_document_id = ? WHERE id = ?", [target, c["id"]])
            changed.add(c["document_id"])
    return changed


def _link(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.execute(f"INSERT INTO links ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def _written_links(db: sqlite_utils.Database, children: Iterable[int]) -> None:
    """Rebuild the doc-number and title links of these children from their resolved citations."""
    for child_id in children:
        db.execute("DELETE FROM links WHERE child_id = ?", [child_id])
        child = next(db.query(f"{_DOC} WHERE id = ?", [child_id]))
        seen: set[int] = set()
        for c in db.query("""SELECT c.id, c.doc_number, c.cited_document_id, d.doc_number AS parent_number,
                                    d.level, d.date_written, d.province FROM citations c
                             JOIN documents d ON d.id = c.cited_document_id
                             WHERE c.document_id = ? ORDER BY c.start IS NULL, c.start""", [child_id]):
            if c["cited_document_id"] in seen or not above(c, child):
                continue
            seen.add(c["cited_document_id"])
            how = "doc_number" if c["doc_number"] and c["doc_number"] == c["parent_number"] else "title"
            _link(db, {"child_id": child_id, "parent_id": c["cited_document_id"], "link": how,
                                "score": 1.0, "citation_id": c["id"]})


def _frequencies(db: sqlite_utils.Database) -> dict[tuple[str, str], int]:
    """In how many titles (``title_words``) or openings (``opening_words``) each word occurs."""
    return {(col, term): n for col, term, n in db.execute("SELECT col, term, doc FROM title_vocab")}


def _rarest(frequencies: dict[tuple[str, str], int], column: str, tokens: Iterable[str]) -> list[str]:
    """The :data:`QUERY_WORDS` words of ``tokens`` found in fewest titles or openings: a query of the common
    ones would rank most of the catalog."""
    found = [t for t in tokens if (column, t) in frequencies]
    return sorted(found, key=lambda t: frequencies[(column, t)])[:QUERY_WORDS]


def _best_parent(db: sqlite_utils.Database, child: dict[str, Any], frequencies: dict[tuple[str, str], int],
                 found: dict[tuple[str, ...], list[dict[str, Any]]]) -> tuple[int, float] | None:
    """The higher-level document whose title the child's title and opening share most (``found`` keeps the
    titles each query matched, for children whose words are the same: a county copying its city's text)."""
    tokens = tuple(_rarest(frequencies, "title_words", words(_opening(child.get("title"), child.get("text")))))
    if not tokens:
        return None
    if tokens not in found:
        if len(found) >= MATCHES_KEPT:
            del found[next(iter(found))]
        found[tokens] = list(db.query(
            """SELECT d.id, d.title, d.level, d.date_written, d.province FROM (
                   SELECT rowid AS id, rank FROM title_index WHERE title_index MATCH ? ORDER BY rank LIMIT 21) hits
               CROSS JOIN documents d ON d.id = hits.id ORDER BY hits.rank""", [_fts("title_words", tokens)]))
    scored = [(_score(p["title"], child), rank(p["level"]) or 0.0, -p["id"])
              for p in [p for p in found[tokens] if p["id"] != child["id"]][:20] if above(p, child)]
    # the best score wins; among equals the nearest level above the child, then the earliest notice
    best = max((s for s in scored if s[0] >= MIN_SCORE), default=None)
    return (-best[2], best[0]) if best else None


def _inferred_links(db: sqlite_utils.Database, new: list[int]) -> None:
    """Inferred links for children without written ones: the new documents, and the documents a new one may parent."""
    unlinked = "NOT EXISTS (SELECT 1 FROM links l WHERE l.child_id = d.id AND l.link != 'inferred')"
    candidates: set[int] = set(new)
    frequencies = _frequencies(db)
    matched: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for part in _chunks(new):
        for doc in list(db.query(f"{_DOC} WHERE id IN ({', '.join('?' * len(part))})", part)):
            tokens = _rarest(frequencies, "opening_words", words(doc["title"] or ""))
            if tokens and (rank(doc["level"]) or 0) < RANKS["county"]:  # a county notice parents none here
                candidates.update(r["id"] for r in db.query(
                    f"""SELECT d.id FROM title_index JOIN documents d ON d.id = title_index.rowid
                        WHERE title_index MATCH ? AND d.id != ? AND {unlinked} LIMIT 50""",
                    [_fts("opening_words", tokens), doc["id"]]))
    for part in _chunks(candidates):
        for child in list(db.query(f"{_DOC} d WHERE id IN ({', '.join('?' * len(part))}) AND {unlinked}", part)):
            db.execute("DELETE FROM links WHERE child_id = ? AND link = 'inferred'", [child["id"]])
            found = _best_parent(db, child, frequencies, matched)
            if found:
                _link(db, {"child_id": child["id"], "parent_id": found[0], "link": "inferred",
                           "score": round(found[1], 3)})


def link(db: sqlite_utils.Database, new: list[int]) -> None:
    """Bring citations, written links and inferred links up to date after ``new`` documents came in."""
    if not new:
        return
    changed: set[int] = set()
    for part in _chunks(new):
        for doc in list(db.query(f"{_DOC} WHERE id IN ({', '.join('?' * len(part))})", part)):
            index_document(db, doc)
        changed |= _resolve_citations(db, part)
    _written_links(db, set(new) | changed)
    _inferred_links(db, new)


def descendants(db: sqlite_utils.Database, parents: list[int]) -> set[int]:
    """Every notice that implements these, directly or through an intermediate notice."""
    if not parents:
        return set()
    rows = db.execute(f"""WITH RECURSIVE down(id) AS (
                              SELECT child_id FROM links WHERE parent_id IN ({', '.join('?' * len(parents))})
                              UNION SELECT l.child_id FROM links l JOIN down ON l.parent_id = down.id)
                          SELECT id FROM down""", parents)
    return {r[0] for r in rows}
