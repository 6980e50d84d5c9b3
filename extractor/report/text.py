"""Plain-text renderings of a document for people."""
from __future__ import annotations

from ..model import Document


def render_tree(document: Document, with_sentences: bool = False) -> str:
    """The heading tree the parser saw, with offsets."""
    meta = document.metadata
    lines = [f"# {document.source.path}", f"title: {meta.title or '-'}", f"doc number: {meta.doc_number or '-'}",
             f"sections: {len(document.sections)}, paragraphs: {len(document.paragraphs)}, sentences: {len(document.sentences)}"]
    for s in document.sections:
        head = f"{s.marker}{s.title}" if s.marker else f"[{s.title}]"
        lines.append(f"{'  ' * s.level}{head}  ({s.path or '-'} @{s.start}-{s.end})")
    if with_sentences:
        lines += [f"  [{u.start}-{u.end}] {u.text}" for u in document.sentences]
    return "\n".join(lines)


def render_text(document: Document) -> str:
    """Everything extracted from one notice, short and readable."""
    m = document.metadata
    out = [f"# {m.title or document.source.path}",
           f"{m.doc_number or '-'} | {m.city or '-'} {m.province or ''} | 成文 {m.date_written or '-'}"]
    if m.cited_doc_numbers:
        out.append("cites: " + ", ".join(m.cited_doc_numbers))
    out.append(f"\n## obligations ({len(document.obligations)})")
    for o in document.obligations:
        due = f" [due {o.deadline}]" if o.deadline else ""
        out.append(f"- {o.section} {o.text[:60]}… -> {'、'.join(o.departments)}{due}")
    out.append(f"\n## targets ({len(document.targets)})")
    for t in document.targets:
        rng = f"–{t.value_max}" if t.value_max is not None else ""
        out.append(f"- {t.indicator}: {t.comparator} {t.value}{rng} {t.unit}" + (f" by {t.year}" if t.year else ""))
    out.append(f"\n## amounts ({len(document.amounts)})")
    for a in document.amounts:
        out.append(f"- {a.text} = {a.value_yuan:,} 元 ({a.role}{', yearly' if a.recurrence else ''})")
    out.append(f"\n## deadlines ({len(document.deadlines)})")
    for d in document.deadlines:
        out.append(f"- {d.text} -> {d.date}")
    return "\n".join(out)
