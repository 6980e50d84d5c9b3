"""Reports for people: a notice as plain text (:mod:`.text`) and its review page, every extracted item
highlighted in its source text (:mod:`.page`)."""
from __future__ import annotations

from .text import render_text, render_tree

__all__ = ["render_text", "render_tree"]
