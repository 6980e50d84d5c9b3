"""Readers: turn a file (TXT, HTML, PDF, DOCX) into decoded text.

Each reader returns a :class:`Source`; a file that cannot be read raises
:class:`InputError` with a one-line reason.
"""
from __future__ import annotations

import codecs
import os
import re
import zipfile
import zlib
from collections import Counter
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

from .model import InputError, Source

MAX_TEXT_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBER = 100 * 1024 * 1024
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_PDF_PAGES = 3000
SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


# ---------------------------------------------------------------- text -----

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """The 3755 most common simplified characters (GB2312 level 1) and their traditional forms."""
    from opencc import OpenCC

    simplified = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                simplified.append(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    text = "".join(simplified)
    return frozenset(text) | frozenset(OpenCC("s2t").convert(text))


def _plausibility(text: str) -> float:
    """Share of CJK characters that are common ones; garbage decodings score low."""
    cjk = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\ue000" <= c <= "\uf8ff"]
    if not cjk:
        return 0.5
    common = _common_chars()
    return sum(c in common for c in cjk) / len(cjk)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding: BOM, UTF-8, UTF-16, GB18030 or Big5."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputError(f"damaged {encoding} text ({exc.reason})") from None
    if len(data) >= 4 and len(data) % 2 == 0 and b"\x00" in data:  # UTF-16 without a BOM (Chinese text has few NULs)
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausibility(text) > 0.6 and "\x00" not in text:
                return text, encoding
        raise InputError("binary data, not text")
    if b"\x00" in data:
        raise InputError("binary data, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            candidates.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            continue
    scored = sorted(((_plausibility(t), i, t, e) for i, (t, e) in enumerate(candidates)), key=lambda x: (-x[0], x[1]))
    if not scored or scored[0][0] < 0.5:
        raise InputError("binary data or unknown encoding, not Chinese text")
    return scored[0][2], scored[0][3]


def _check_text(text: str) -> str:
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > max(8, len(text[:20000]) // 50):
        raise InputError("binary data, not text")
    if not text.strip():
        raise InputError("empty file")
    return text


def read_text_bytes(data: bytes) -> tuple[str, str]:
    """Decode and sanity-check a plain-text file."""
    if not data.strip():
        raise InputError("empty file")
    text, encoding = decode(data)
    return _check_text(text), encoding


def read_txt(path: Path) -> Source:
    text, encoding = read_text_bytes(_read_bytes(path))
    return Source(path_text(path), "txt", text, encoding)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"file too large ({size // 1_048_576} MB; limit {MAX_TEXT_BYTES // 1_048_576} MB)")
    return path.read_bytes()


# ---------------------------------------------------------------- html -----

_DROP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
              "select", "button", "svg", "canvas", "template", "head", "object"}
_FURNITURE = re.compile(r"nav|menu|footer|foot|header|head|breadcrumb|crumb|sidebar|side|share|comment|copyright"
                        r"|links|related|relate|recommend|login|search|banner|toolbar|position|location|\btop\b", re.I)
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "table", "tr", "blockquote", "pre", "dd", "dt", "dl", "center", "body", "html"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr", "param"}


class _TextParser(HTMLParser):
    """Collects body text; drops furniture; tables become ``a | b | c`` rows.

    A layout cell that holds paragraphs (a whole notice in one ``<td>`` of ``<p>``s) keeps its line breaks;
    tables nested in cells are read inside their cell.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.skip = 0
        self.rows: list[list[str]] = []  # cells of each open row, innermost last
        self.cells: list[list[str]] = []  # text of each open cell, innermost last
        self.saw_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br" and not self.skip:
                self._emit("\n")
            return
        ident = " ".join(v or "" for k, v in attrs if k in ("class", "id"))
        drop = tag in _DROP_TAGS or bool(ident and _FURNITURE.search(ident) and tag in ("div", "ul", "section", "span", "p", "table"))
        self.stack.append((tag, drop))
        if drop:
            self.skip += 1
        if tag == "body":
            self.saw_body = True
        if self.skip:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cells.append([])
        elif tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            open_tag, drop = self.stack.pop()
            if drop:
                self.skip -= 1
            if open_tag == tag:
                break
        if self.skip:
            return
        if tag in ("td", "th") and self.cells:
            text = re.sub(r"[ \t\r\f\v]+", " ", "".join(self.cells.pop()))
            if self.rows:
                self.rows[-1].append(text.strip())
            else:
                self._emit(text)
        elif tag == "tr" and self.rows:
            row = [c for c in self.rows.pop()]
            if not any(row):
                return
            if sum(1 for c in row if c) == 1 or any("\n" in c.strip() for c in row):
                self._emit("\n" + "\n".join(c for c in row if c) + "\n")  # a layout cell: its paragraphs stay
            else:
                self._emit("\n" + " | ".join(re.sub(r"\s+", " ", c) for c in row) + "\n")
        elif tag in _BLOCK:
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._emit(data.replace("\n", " ") if self.cells else data)  # in a cell only tags break lines

    def _emit(self, text: str) -> None:
        (self.cells[-1] if self.cells else self.out).append(text)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)


def html_to_text(markup: str) -> str:
    """Visible body text of an HTML document."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r" *\n[ \n]*", "\n", text).strip()


def read_html(path: Path) -> Source:
    data = _read_bytes(path)
    if not data.strip():
        raise InputError("empty file")
    match = _META_CHARSET.search(data[:4096])
    encoding = None
    if match:
        declared = match.group(1).decode("ascii", "ignore").lower()
        declared = "gb18030" if declared in ("gb2312", "gbk", "gb_2312-80", "x-gbk") else declared
        try:
            markup = data.decode(declared)
            # a declaration the bytes contradict loses to detection (a UTF-8 page saying utf-16 decodes to noise)
            encoding = declared if _plausibility(markup) >= 0.5 and "\x00" not in markup else None
        except (LookupError, UnicodeDecodeError):
            encoding = None
    if encoding is None:
        markup, encoding = decode(data)
    text = html_to_text(markup)
    if not text.strip():
        raise InputError("HTML page has no body text")
    return Source(path_text(path), "html", text, encoding)


# ----------------------------------------------------------------- pdf -----

_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,4}\s*(页)?\s*([/／]\s*\d{1,4}|共\s*\d+\s*页)?[-—–\s]*$")
_SENTENCE_END = tuple("。;!?:”」』)》；！？：）")
_HEADING_START = re.compile(r"^([一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、](?!\d)|\(\d+\)|[①-⑳]|第[一二三四五六七八九十百]+[章节条]|附件)")


_Line = tuple[float, str, float | None, float | None]  # top, text, left and right edge (None for tables)


def _page_lines(page) -> list[_Line]:
    """(top, text, right edge) for each text line of a page outside its tables, plus tables (edge None)."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    body = page.filter(outside) if boxes else page
    lines = [(ln["top"], ln["text"], ln["x0"], ln["x1"]) for ln in body.extract_text_lines(layout=False, strip=True)]
    for table in tables:
        rows = [[(c or "").replace("\n", "").strip() for c in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        if sum(sum(1 for c in row if c) > 1 for row in rows) * 2 < len(rows):
            # A frame drawn around running text, not a table: keep its lines as text.
            body_words = page.crop(table.bbox).extract_text_lines(layout=False, strip=True)
            lines.extend((ln["top"], ln["text"], ln["x0"], ln["x1"]) for ln in body_words)
            continue
        lines.append((table.bbox[1], "\n".join(" | ".join(row) for row in rows), None, None))
    return sorted(lines, key=lambda x: x[0])


def _strip_running(pages: list[list[_Line]], heights: list[float]) -> list[list[_Line]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.replace(" ", ""))

    edge: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        for top, text, *_ in lines:
            if top < height * 0.1 or top > height * 0.88:
                edge[key(text)] += 1
    repeated = {k for k, n in edge.items() if n >= max(2, len(pages) // 2)}
    out = []
    for lines, height in zip(pages, heights):
        kept = []
        for top, text, x0, x1 in lines:
            at_edge = top < height * 0.1 or top > height * 0.88
            if at_edge and (key(text) in repeated or _PAGE_NUMBER.match(text)):
                continue
            kept.append((top, text, x0, x1))
        out.append(kept)
    return out


def _join_lines(lines: list[_Line], starts: list[int] | None = None) -> str:
    """Join lines the layout broke mid-sentence; keep real paragraph ends and right-aligned lines (``starts``
    receives the offset in the result where each line begins)."""
    if not lines:
        return ""
    right = sorted(x1 for *_, x1 in lines if x1 is not None)
    left = sorted(x0 for _, _, x0, _ in lines if x0 is not None)
    full = right[int(len(right) * 0.9)] if right else 0
    margin = left[int(len(left) * 0.1)] if left else 0
    parts: list[str] = []
    at = 0
    for i, (_, text, x0, x1) in enumerate(lines):
        if starts is not None:
            starts.append(at)
        parts.append(text)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        broken = (x1 is not None and x0 is not None and nxt is not None and nxt[2] is not None
                  and x1 >= full - 15 and x0 <= margin + 60 and nxt[2] <= margin + 60
                  and not text.endswith(_SENTENCE_END) and "|" not in text
                  and not _HEADING_START.match(nxt[1]) and "|" not in nxt[1])
        parts.append("" if broken else "\n")
        at += len(text) + (0 if broken else 1)
    joined = "".join(parts)
    if starts is not None:
        lead = len(joined) - len(joined.lstrip())
        starts[:] = [max(0, s - lead) for s in starts]
    return joined.strip()


def _causes(exc: BaseException) -> list[BaseException]:
    """An exception and every exception it wraps (pdfplumber wraps pdfminer's, as cause, context or argument)."""
    seen, todo = [], [exc]
    while todo:
        e = todo.pop()
        seen.append(e)
        todo += [x for x in (e.__cause__, e.__context__, *e.args) if isinstance(x, BaseException) and x not in seen]
    return seen


#: Bytes one PDF stream may inflate to. A page's text never needs more; a decompression bomb would (1.5 MB of
#: zeros inflate to 1.5 GB).
MAX_PDF_STREAM = 64 * 1024 * 1024


def _too_large() -> InputError:
    return InputError(f"a PDF stream inflates beyond {MAX_PDF_STREAM >> 20} MB (a decompression bomb): not read")


class _BoundedInflate:
    """A ``zlib.decompressobj`` whose output is counted against :data:`MAX_PDF_STREAM`."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj()
        self._room = MAX_PDF_STREAM

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inflate.decompress(data, self._room + 1)
        self._room -= len(out)
        if self._room < 0:
            raise _too_large()
        return out

    def __getattr__(self, name: str) -> object:
        return getattr(self._inflate, name)


class _BoundedZlib:
    """``zlib`` as pdfminer uses it, every inflation bounded by :data:`MAX_PDF_STREAM`; a stream that does not
    end still raises ``zlib.error``, so pdfminer's own recovery runs as before."""

    decompressobj = _BoundedInflate

    @staticmethod
    def decompress(data: bytes, *args: int) -> bytes:
        inflate = _BoundedInflate()
        out = inflate.decompress(data) + inflate.flush()
        if not inflate.eof:
            raise zlib.error("incomplete or truncated stream")
        return out

    def __getattr__(self, name: str) -> object:
        return getattr(zlib, name)


def read_pdf(path: Path) -> Source:
    import pdfplumber
    from pdfminer import pdftypes
    from pdfminer.pdfparser import PDFSyntaxError

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]  # pdfminer inflates whole streams at once

    if path.stat().st_size == 0:
        raise InputError("empty file")
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise InputError(f"PDF has {len(pdf.pages)} pages; limit {MAX_PDF_PAGES}")
            pages, heights = [], []
            chars = 0
            for page in pdf.pages:
                chars += len(page.chars)
                pages.append(_page_lines(page))
                heights.append(float(page.height))
                page.close()
    except InputError:
        raise
    except PDFSyntaxError as exc:
        raise InputError(f"not a readable PDF ({exc})") from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        causes = _causes(exc)
        refused = next((e for e in causes if isinstance(e, InputError)), None)
        if refused is not None:  # a bound of ours, met inside pdfminer
            raise refused from None
        if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in causes):
            raise InputError("encrypted PDF (password-protected): not read") from None
        raise InputError(f"damaged PDF ({type(exc).__name__}: {str(exc)[:80]})") from None
    if chars == 0:
        raise InputError("扫描件, 无文字层: the PDF has no text layer (scanned images only)")
    kept = _strip_running(pages, heights)
    lines = [ln for page in kept for ln in page]
    starts: list[int] = []
    text = _join_lines(lines, starts)
    if not text.strip():
        raise InputError("PDF has no text")
    firsts, count = [], 0  # where each page's first line begins in the text
    for page in kept:
        firsts.append(starts[count] if count < len(starts) else len(text))
        count += len(page)
    return Source(path_text(path), "pdf", text, None, pages=firsts)


# ---------------------------------------------------------------- docx -----

def _check_zip(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise InputError("not a Word file (.docx is not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if "word/document.xml" not in names:
                raise InputError("not a Word file (no word/document.xml)")
            for info in zf.infolist():
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_ZIP_MEMBER or (info.file_size > 10_000_000 and ratio > MAX_ZIP_RATIO):
                    raise InputError(f"refused: {info.filename} would unpack to {info.file_size // 1_048_576} MB (zip bomb?)")
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_ZIP_TOTAL:
                raise InputError(f"refused: its parts would unpack to {total // 1_048_576} MB in all "
                                 f"(limit {MAX_ZIP_TOTAL // 1_048_576} MB; zip bomb?)")
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged zip in .docx ({exc})") from None


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_count(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "chineseCounting": _chinese_count,
    "chineseCountingThousand": _chinese_count,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": lambda n: ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"][(n - 1) % 10],
    "upperRoman": lambda n: ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][(n - 1) % 10],
}


class _Numbering:
    """Reconstructs the list numbers Word generates (numbering.xml)."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            lv = {}
            for lvl in a.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                level = _whole(lvl.get(qn("w:ilvl")), -1)
                if 0 <= level < 9:  # Word has nine list levels; anything else is damage, ignored
                    lv[level] = (fmt.get(qn("w:val")) if fmt is not None else "decimal",
                                 text.get(qn("w:val")) if text is not None else "%1.",
                                 _whole(start.get(qn("w:val")) if start is not None else None, 1))
            abstract[a.get(qn("w:abstractNumId"))] = lv
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def label(self, paragraph) -> str:
        qn = self.qn
        ppr = paragraph.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            return ""
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        key = num_id.get(qn("w:val")) if num_id is not None else None
        level = _whole(ilvl.get(qn("w:val")) if ilvl is not None else None, 0)
        levels = self.levels.get(key or "")
        if not levels or level not in levels:
            return ""
        counts = self.counters.setdefault(key, [0] * 9)
        fmt, template, start = levels[level]
        counts[level] = counts[level] + 1 if counts[level] else start
        for deeper in range(level + 1, 9):
            counts[deeper] = 0
        if fmt in ("bullet", "none"):
            return ""
        label = template
        for i in range(level + 1):
            f = levels.get(i, ("decimal", "", 1))[0]
            label = label.replace(f"%{i + 1}", _FORMATS.get(f, str)(counts[i] or 1))
        return label


def _whole(value: str | None, default: int) -> int:
    """An integer attribute of Word XML, or ``default`` when it is missing or not a number."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def read_docx(path: Path) -> Source:
    _check_zip(path)
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as exc:
        raise InputError(f"not a readable Word file ({type(exc).__name__}: {str(exc)[:80]})") from None
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            text = "".join(t.text or "" for t in block.iter(qn("w:t")))
            label = numbering.label(block)
            if text.strip() or label:
                lines.append(label + text)
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))).strip() for cell in row.iter(qn("w:tc"))]
                if any(cells):
                    lines.append(" | ".join(cells))
    text = "\n".join(lines)
    if not text.strip():
        raise InputError("Word file has no text")
    return Source(path_text(path), "docx", text, None)


# ---------------------------------------------------------------- entry ----

_READERS: dict[str, Callable[[Path], Source]] = {
    ".txt": read_txt, ".md": read_txt, ".text": read_txt,
    ".html": read_html, ".htm": read_html, ".shtml": read_html,
    ".pdf": read_pdf, ".docx": read_docx,
}


def path_text(path: str | Path) -> str:
    """A path as text that can be stored and printed. A file name saved under another encoding (a GBK name from
    Windows, which Python keeps as escaped bytes) is decoded as GB18030 where it reads so; other stray bytes are
    shown as ``\\xNN``."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "backslashreplace")


def read(path: str | Path) -> Source:
    """Read any supported file; raises InputError with the reason otherwise."""
    p = Path(path)
    try:
        if not p.exists():
            raise InputError("no such file")
        if p.is_dir():
            raise InputError("is a folder, not a file" if os.access(p, os.R_OK | os.X_OK)
                             else "a folder that cannot be read (permission denied)")
    except PermissionError:
        raise InputError("cannot be reached (permission denied)") from None
    if not p.is_file():  # stat follows links: /dev/zero behind a .txt name, a FIFO, a socket
        raise InputError("not a regular file (a device, FIFO or socket): not read")
    reader = _READERS.get(p.suffix.lower())
    if reader is None:
        raise InputError(f"unsupported format '{p.suffix or p.name}': reads {', '.join(SUPPORTED)}"
                         " (save .doc/.wps/.ofd as .docx or PDF first)")
    try:
        return reader(p)
    except PermissionError:
        raise InputError("cannot be read (permission denied)") from None
    except (OSError, MemoryError) as exc:
        raise InputError(f"cannot read ({type(exc).__name__}: {exc})") from None


def read_bytes(data: bytes, name: str) -> Source:
    """Read a notice given as bytes (standard input); HTML is recognised by its markup."""
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in data[:8192].lower():
        text = html_to_text(decode(data)[0])
        if not text.strip():
            raise InputError("HTML page has no body text")
        return Source(name, "html", text, None, name)
    text, encoding = read_text_bytes(data)
    return Source(name, "txt", text, encoding, name)
