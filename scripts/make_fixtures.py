#!/usr/bin/env python3
"""Generate the sample corpora and test fixtures for the policy-notice extractor.

Rerun from the repository root (idempotent; every output is overwritten):

    .venv/bin/python scripts/make_fixtures.py            # everything
    .venv/bin/python scripts/make_fixtures.py --no-pdf   # skip LibreOffice step

Requirements
------------
* python-docx, pdfplumber, Pillow (all in .venv).
* LibreOffice (``soffice`` on PATH, e.g. ``apt-get install libreoffice-writer-nogui``)
  and a CJK font (``fonts-noto-cjk``) for the Word -> PDF conversion of the
  wuhai PDF and for rendering ``scan.pdf``.
* The five seed notices in ``/work/shared/seeds`` and gold annotations in
  ``/work/shared/gold`` (override with ``SEEDS_DIR`` / ``GOLD_DIR`` env vars).
  If the seeds directory is missing, the already-copied ``corpora/*.txt`` are
  used as the source instead (so the script stays rerunnable in a checkout).

Outputs
-------
corpora/
  <readable>.txt                 byte-for-byte copies of the seeds
  gold/<readable>.json           byte-for-byte copies of the gold files
  henan-xuchang-2019-chanyejijuqu.docx
      Word body of seed 004 (web metadata bullets and 标签/留言/验证码 footer
      dropped).  Every group of ``1.`` ``2.`` ... items is a REAL Word numbered
      list (numbering.xml abstractNum, decimal, lvlText ``%1.``; one w:num per
      group restarting at 1) and the literal ``1.`` prefix is removed from the
      paragraph text.  A 2-column table 指标 | 目标值 follows 主要目标.
  neimenggu-wuhai-2022-gaoxinqu.pdf
      Seed 000 body (pipe-table metadata and 下载/相关文件/上一条/下一条 footer
      dropped), A4, CJK font, running header = title, footer ``- N -``,
      produced by LibreOffice from an intermediate .docx.
tests/fixtures/
  wuhai-gbk.txt                  seed 000 in GB18030 (round-trips exactly)
  xuchang-utf8-bom.txt           seed 004 UTF-8 with BOM
  xuchang-utf16.txt              seed 004 UTF-16LE with BOM (FF FE)
  eerduosi-big5.txt              seed 003 in Big5 (strict) -- see NOTE below
  eerduosi-big5.expected-utf8.txt  the exact text encoded in eerduosi-big5.txt
  baotou-page.html               seed 001 as a saved gov web page, meta
                                 charset gb2312, bytes encoded GB18030
  scan.pdf                       image-only PDF (no text layer)
  scan.expected.txt              the text drawn in scan.pdf (for OCR tests)
  table-notice.docx              invented county notice with a 4-column task table
  bad/empty.txt, bad/junk.txt, bad/truncated.pdf, bad/notzip.docx,
  bad/bomb.docx, bad/nobody.html, bad/old.doc

NOTE on eerduosi-big5.txt: seed 003 carries pinyin ruby annotations after
most characters (e.g. ``落實(shí)``) whose tone-marked letters (í, ā, ǎ ...)
do not exist in Big5, and *every* paragraph contains some, so the "leading
paragraphs that encode" would be empty.  Instead the fixture is the seed with
those ``(pinyin)`` annotations removed (770 of them; nothing else changed);
that text encodes to Big5 with errors='strict'.  The exact decoded text is in
eerduosi-big5.expected-utf8.txt.
"""
from __future__ import annotations

import argparse
import html
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
GOLD_OUT = CORPORA / "gold"
FIX = ROOT / "tests" / "fixtures"
BAD = FIX / "bad"
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", "/work/shared/seeds"))
GOLD_DIR = Path(os.environ.get("GOLD_DIR", "/work/shared/gold"))

SEEDS = {
    "000_f43d2fa785e4c3ee": "neimenggu-wuhai-2022-gaoxinqu",
    "001_d68d64c65f227d56": "neimenggu-baotou-2022-gaoxinqu",
    "002_bf03c50eb659e126": "neimenggu-chifeng-2020-gongyeyuanqu",
    "003_5089af78875e3f01": "neimenggu-eerduosi-2023-gongyeyuanqu-fanti",
    "004_8d3e6d9fcbe00529": "henan-xuchang-2019-chanyejijuqu",
}
WUHAI, BAOTOU, CHIFENG, EERDUOSI, XUCHANG = SEEDS.values()

CJK_FONT = "Noto Serif CJK SC"
FIXED_TIME = datetime(2024, 1, 1, 0, 0, 0)

written: list[Path] = []


def out(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    written.append(path)
    return path


def seed_text(readable: str) -> str:
    return (CORPORA / f"{readable}.txt").read_bytes().decode("utf-8")


# ---------------------------------------------------------------- 0. copies
def copy_seeds() -> None:
    for sid, readable in SEEDS.items():
        src = SEEDS_DIR / f"{sid}.txt"
        if src.exists():
            out(CORPORA / f"{readable}.txt", src.read_bytes())
        elif not (CORPORA / f"{readable}.txt").exists():
            sys.exit(f"missing seed {src}")
        gsrc = GOLD_DIR / f"{sid}.json"
        if gsrc.exists():
            out(GOLD_OUT / f"{readable}.json", gsrc.read_bytes())


# ---------------------------------------------------------------- docx helpers
def _docx_imports():
    import docx  # noqa: F401
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt
    return docx, WD_ALIGN_PARAGRAPH, OxmlElement, qn, Mm, Pt


def new_document():
    docx, _, _, qn, Mm, Pt = _docx_imports()
    doc = docx.Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin = sec.bottom_margin = Mm(30)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    st = doc.styles["Normal"]
    st.font.name = CJK_FONT
    st.font.size = Pt(14)
    rpr = st.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), CJK_FONT)
    cp = doc.core_properties
    cp.author = "fixture generator"
    cp.created = cp.modified = FIXED_TIME
    cp.last_modified_by = "fixture generator"
    cp.revision = 1
    return doc


def add_title(doc, text, size=20):
    _, ALIGN, _, _, _, Pt = _docx_imports()
    p = doc.add_paragraph()
    p.alignment = ALIGN.CENTER
    r = p.add_run(text)
    r.bold = True
    r.font.size = Pt(size)
    return p


def add_body(doc, text, indent=True, align=None):
    _, _, _, _, _, Pt = _docx_imports()
    p = doc.add_paragraph(text)
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        p.alignment = align
    return p


def add_table(doc, rows):
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = "Table Grid"
    for i, row in enumerate(rows):
        for j, val in enumerate(row):
            t.cell(i, j).text = val
            if i == 0:
                for r in t.cell(i, j).paragraphs[0].runs:
                    r.bold = True
    return t


class DecimalNumbering:
    """Adds one decimal abstractNum (lvlText '%1.') and hands out w:num ids,
    each restarting at 1."""

    ABSTRACT_ID = "77"

    def __init__(self, doc):
        _, _, OxmlElement, qn, _, _ = _docx_imports()
        self.qn = qn
        self.OxmlElement = OxmlElement
        self.numbering = doc.part.numbering_part.element
        existing = [int(n.get(qn("w:numId"))) for n in self.numbering.findall(qn("w:num"))]
        self.next_id = max(existing + [0]) + 1
        absn = self._el("w:abstractNum", {"w:abstractNumId": self.ABSTRACT_ID})
        absn.append(self._el("w:multiLevelType", {"w:val": "singleLevel"}))
        lvl = self._el("w:lvl", {"w:ilvl": "0"})
        lvl.append(self._el("w:start", {"w:val": "1"}))
        lvl.append(self._el("w:numFmt", {"w:val": "decimal"}))
        lvl.append(self._el("w:lvlText", {"w:val": "%1."}))
        lvl.append(self._el("w:lvlJc", {"w:val": "left"}))
        ppr = self._el("w:pPr")
        ppr.append(self._el("w:ind", {"w:left": "0", "w:firstLine": "560"}))
        lvl.append(ppr)
        absn.append(lvl)
        # schema order: all abstractNum elements before any num element
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(absn)
        else:
            self.numbering.append(absn)

    def _el(self, tag, attrs=None):
        e = self.OxmlElement(tag)
        for k, v in (attrs or {}).items():
            e.set(self.qn(k), v)
        return e

    def new_list(self) -> int:
        num_id = self.next_id
        self.next_id += 1
        num = self._el("w:num", {"w:numId": str(num_id)})
        num.append(self._el("w:abstractNumId", {"w:val": self.ABSTRACT_ID}))
        ov = self._el("w:lvlOverride", {"w:ilvl": "0"})
        ov.append(self._el("w:startOverride", {"w:val": "1"}))
        num.append(ov)
        self.numbering.append(num)
        return num_id

    def apply(self, paragraph, num_id: int) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        numpr = self._el("w:numPr")
        numpr.append(self._el("w:ilvl", {"w:val": "0"}))
        numpr.append(self._el("w:numId", {"w:val": str(num_id)}))
        # numPr goes after pStyle (if any) and before everything else
        pstyle = ppr.find(self.qn("w:pStyle"))
        if pstyle is not None:
            pstyle.addnext(numpr)
        else:
            ppr.insert(0, numpr)


# ---------------------------------------------------------------- 1. xuchang docx
ITEM_RE = re.compile(r"^(\d+)\.(?=\S)")


def xuchang_body_lines() -> list[str]:
    lines = []
    for raw in seed_text(XUCHANG).splitlines():
        s = raw.strip()
        if s.startswith("标签"):
            break  # web footer: 标签 / 留言与评论 / 验证码
        if not s or s.startswith("•"):
            continue  # blank and web-metadata bullet lines
        lines.append(s)
    # title also appears as the last metadata bullet; it is kept once (line 0)
    return lines


def make_xuchang_docx() -> Path:
    _, ALIGN, _, _, _, _ = _docx_imports()
    lines = xuchang_body_lines()
    doc = new_document()
    numbering = DecimalNumbering(doc)
    title, docno = lines[0], lines[1]
    assert "通知" in title and "号" in docno, (title, docno)
    add_title(doc, title, 18)
    add_body(doc, docno, indent=False, align=ALIGN.CENTER)
    current_list = None
    expected_next = 1
    n_items = 0
    for s in lines[2:]:
        m = ITEM_RE.match(s)
        if m:
            k = int(m.group(1))
            if current_list is None or k == 1:
                current_list = numbering.new_list()
                expected_next = 1
            assert k == expected_next, (k, expected_next, s[:20])
            expected_next += 1
            p = doc.add_paragraph(s[m.end():])
            numbering.apply(p, current_list)
            n_items += 1
            continue
        current_list = None
        if s.startswith("许昌市推进产业集聚区高质量发展行动方案") and len(s) < 30:
            add_title(doc, s, 18)
        elif re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", s):
            add_body(doc, s, indent=False, align=ALIGN.RIGHT)
        elif s.startswith("各县(市、区)") or s.startswith("各县（市、区）"):
            add_body(doc, s, indent=False)
        else:
            add_body(doc, s)
        if s.startswith("(二)主要目标") or s.startswith("（二）主要目标"):
            add_table(doc, [
                ["指标", "目标值"],
                ["工业用地亩均税收", "15万元"],
                ["单位工业增加值能耗年均下降", "4%以上"],
                ["规模以上工业企业智能化改造普及率", "60%以上"],
            ])
    assert n_items >= 15, n_items
    buf = io.BytesIO()
    doc.save(buf)
    return out(CORPORA / f"{XUCHANG}.docx", buf.getvalue())


# ---------------------------------------------------------------- 2. wuhai pdf
WUHAI_TITLE = "关于促进乌海高新技术产业开发区高质量发展的实施意见"


def wuhai_body_lines() -> list[str]:
    lines = []
    for raw in seed_text(WUHAI).splitlines():
        s = raw.strip()
        if not s or "|" in s:
            continue  # metadata pipe-table rows
        if s.startswith(("下载:", "下载:", "相关文件", "上一条", "下一条")):
            continue  # web footer
        lines.append(s)
    return lines


def _add_page_field(paragraph):
    _, _, OxmlElement, qn, _, _ = _docx_imports()

    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)

    paragraph.add_run("- ")
    b = OxmlElement("w:fldChar"); b.set(qn("w:fldCharType"), "begin"); run_with(b)
    it = OxmlElement("w:instrText"); it.set(qn("xml:space"), "preserve"); it.text = " PAGE "; run_with(it)
    sp = OxmlElement("w:fldChar"); sp.set(qn("w:fldCharType"), "separate"); run_with(sp)
    t = OxmlElement("w:t"); t.text = "1"; run_with(t)
    e = OxmlElement("w:fldChar"); e.set(qn("w:fldCharType"), "end"); run_with(e)
    paragraph.add_run(" -")


def make_wuhai_docx(path: Path) -> None:
    _, ALIGN, _, _, _, Pt = _docx_imports()
    lines = wuhai_body_lines()
    assert lines[0].startswith("关于促进乌海") and lines[1].startswith("高质量发展"), lines[:2]
    doc = new_document()
    sec = doc.sections[0]
    hp = sec.header.paragraphs[0]
    hp.text = WUHAI_TITLE
    hp.alignment = ALIGN.CENTER
    for r in hp.runs:
        r.font.size = Pt(10.5)
    fp = sec.footer.paragraphs[0]
    fp.alignment = ALIGN.CENTER
    _add_page_field(fp)
    add_title(doc, lines[0], 20)
    add_title(doc, lines[1], 20)
    for s in lines[2:]:
        if re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", s) or s.startswith("(此件") or s.startswith("（此件"):
            add_body(doc, s, indent=False, align=ALIGN.RIGHT)
        else:
            add_body(doc, s)
    doc.save(str(path))


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice (soffice) not found on PATH")
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    try:
        subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", fmt, "--outdir", str(outdir), str(src)],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    res = outdir / (src.stem + "." + fmt.split(":")[0])
    if not res.exists():
        raise RuntimeError(f"conversion produced nothing for {src}")
    return res


def make_wuhai_pdf() -> Path:
    import pdfplumber
    with tempfile.TemporaryDirectory() as td:
        tdp = Path(td)
        src = tdp / f"{WUHAI}.docx"
        make_wuhai_docx(src)
        pdf = soffice_convert(src, "pdf", tdp)
        data = pdf.read_bytes()
    target = out(CORPORA / f"{WUHAI}.pdf", data)
    with pdfplumber.open(target) as p:
        n = len(p.pages)
        assert n >= 3, n
        w, h = p.pages[0].width, p.pages[0].height
        assert abs(w - 595) < 3 and abs(h - 842) < 3, (w, h)  # A4 in points
        for i, page in enumerate(p.pages, 1):
            txt = page.extract_text() or ""
            assert WUHAI_TITLE in txt, f"header missing p{i}"
            assert f"- {i} -" in txt, f"footer missing p{i}"
        assert "指导思想" in (p.pages[0].extract_text() or "")
    print(f"  wuhai pdf: {n} pages")
    return target


# ---------------------------------------------------------------- 3. encodings
PINYIN_RE = re.compile(r"\(([a-zàáèéìíòùüāēīōūǎǐǒǔǘǚǜ]+)\)")


def make_encodings() -> None:
    wuhai = seed_text(WUHAI)
    gb = wuhai.encode("gb18030")
    assert gb.decode("gb18030") == wuhai
    out(FIX / "wuhai-gbk.txt", gb)

    xuchang = seed_text(XUCHANG)
    out(FIX / "xuchang-utf8-bom.txt", b"\xef\xbb\xbf" + xuchang.encode("utf-8"))
    out(FIX / "xuchang-utf16.txt", b"\xff\xfe" + xuchang.encode("utf-16-le"))
    assert (FIX / "xuchang-utf16.txt").read_bytes().decode("utf-16") == xuchang

    eer = seed_text(EERDUOSI)
    try:
        b5 = eer.encode("big5", errors="strict")
        text = eer
    except UnicodeEncodeError:
        text = PINYIN_RE.sub("", eer)
        b5 = text.encode("big5", errors="strict")
    assert b5.decode("big5") == text
    out(FIX / "eerduosi-big5.txt", b5)
    out(FIX / "eerduosi-big5.expected-utf8.txt", text.encode("utf-8"))


# ---------------------------------------------------------------- 4. baotou html
def _task_rows_from_baotou(text: str, wanted: list[str]) -> list[tuple[str, str]]:
    rows = []
    for name in wanted:
        i = text.index(name)
        m = re.compile(r"[((]责任单位[::]([^))]*)[))]").search(text, i)
        rows.append((name.split(")")[-1].split(")")[-1], m.group(1)))
    return rows


def make_baotou_html() -> Path:
    text = seed_text(BAOTOU)
    lines = [l.strip() for l in text.splitlines()]
    lines = [l for l in lines if l and l not in ("Baidu", "map")]
    assert lines[0].startswith("首页")
    lines = lines[1:]  # the source site's own breadcrumb; ours is in <nav>

    def esc(s):
        return html.escape(s, quote=False).replace("\xa0", "&nbsp;")

    headline = lines[0]
    info = [l for l in lines[1:4] if l.startswith(("来源", "时间", "热度"))]
    body = [l for l in lines[1:] if l not in info]
    rows = _task_rows_from_baotou(text, ["(五)强化创新平台建设", "(十一)强化科技金融服务", "(二十一)强化高新区考评管理"])
    table = ["<table class=\"rw-table\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">",
             "<tr><th>序号</th><th>任务</th><th>责任单位</th></tr>"]
    for k, (task, unit) in enumerate(rows, 1):
        table.append(f"<tr><td>{k}</td><td>{esc(task)}</td><td>{esc(unit)}</td></tr>")
    table.append("</table>")

    paras = []
    for l in body:
        if re.match(r"^\d{4}年\d{1,2}月\d{1,2}日$", l):
            paras.append('<p class="table-caption">附:重点任务分工(节选)</p>')
            paras.extend(table)
            paras.append(f'<p style="text-align:right">{esc(l)}</p>')
        elif re.match(r"^[一二三四五六七八九十]+、", l) or l == "原文如下:" or l == "原文如下:":
            paras.append(f"<p><strong>{esc(l)}</strong></p>")
        else:
            paras.append(f"<p>{esc(l)}</p>")
    assert any("rw-table" in p for p in paras)

    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="gb2312">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="keywords" content="包头市,政策文件,高新区">
<title>包头市人民政府关于促进高新技术产业开发区高质量发展的实施意见_政策文件_包头市人民政府</title>
<link rel="stylesheet" href="/css/common.css" type="text/css">
<style type="text/css">
  body {{ font-family: "Microsoft YaHei", SimSun, sans-serif; margin: 0; }}
  .header .site-name {{ font-size: 28px; color: #c00; }}
  .crumb a {{ color: #333; }} .crumb:before {{ content: "当前位置:"; }}
  .article p {{ text-indent: 2em; line-height: 1.8; }}
  .sidebar {{ float: right; width: 240px; }}
  .footer {{ clear: both; font-size: 12px; text-align: center; }}
</style>
<script type="text/javascript">
  var _hmt = _hmt || [];
  (function() {{ var hm = document.createElement("script");
    hm.src = "https://hm.example.gov.cn/hm.js?0123456789abcdef";
    document.getElementsByTagName("head")[0].appendChild(hm); }})();
  function doZoom(size) {{ document.getElementById("zoom").style.fontSize = size + "px"; }}
  if (window.console) {{ console.log("政务公开 统计代码加载"); }}
</script>
</head>
<body>
<div class="header" id="header">
  <div class="site-name">包头市人民政府</div>
  <div class="site-sub">www.baotou.gov.cn &nbsp;|&nbsp; 无障碍浏览 &nbsp;|&nbsp; 长者模式 &nbsp;|&nbsp; 繁體</div>
  <form class="search" action="/search"><input type="text" name="q" value="请输入关键字"><button>搜索</button></form>
</div>
<nav class="mainnav">
  <ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjbt/">走进包头</a></li></ul>
</nav>
<div class="crumb breadcrumb"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zcwj/">政策文件</a></div>
<div class="sidebar" id="sidebar">
  <h3>相关链接</h3>
  <ul>
    <li><a href="http://www.gov.cn/">中国政府网</a></li>
    <li><a href="http://www.nmg.gov.cn/">内蒙古自治区人民政府</a></li>
    <li><a href="/zwgk/zcjd/">政策解读:包头市促进高新区高质量发展实施意见</a></li>
    <li><a href="/zwgk/zcwj/">更多政策文件</a></li>
  </ul>
  <h3>热点信息</h3>
  <ul><li><a href="#">2022年全市科技工作会议召开</a></li><li><a href="#">关于开展2022年度高新技术企业认定工作的通知</a></li></ul>
</div>
<div class="article" id="zoom">
<h1 class="title">{esc(headline)}</h1>
<div class="info">{" &nbsp; ".join(esc(x) for x in info)} &nbsp; 字号:<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></div>
<div class="content">
{chr(10).join(paras)}
</div>
<div class="article-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="footer" id="footer">
  <p><a href="/lxwm/">联系我们</a> | <a href="/wzdt/">网站地图</a> | <a href="/sybz/">使用帮助</a></p>
  <p>版权所有:包头市人民政府办公室 &nbsp; 主办:包头市人民政府办公室</p>
  <p><a href="https://beian.miit.gov.cn/">蒙ICP备05000123号-1</a> &nbsp; 蒙公网安备 15020302000123号 &nbsp; 网站标识码:1502000001</p>
</div>
</body>
</html>
"""
    data = page.encode("gb18030")
    assert data.decode("gb18030") == page
    return out(FIX / "baotou-page.html", data)


# ---------------------------------------------------------------- 5. scan.pdf
SCAN_LINES = [
    "赤峰市人民政府关于促进工业园区高质量发展的若干意见",
    "各旗县区人民政府,市直各委办局:",
    "为强力推进工业园区高质量发展,形成大抓工业的浓厚氛围,",
    "根据《内蒙古自治区人民政府关于促进工业园区高质量发展的",
    "若干意见》(内政发〔2019〕21号),借鉴先进经验,结合我市",
    "实际,提出如下意见。",
    "一、优化工业园区布局",
    "(一)推动园区集中、集聚、集约发展。优化园区布局,全市",
    "重点打造12个工业园区。",
]


def _cjk_font_path() -> str:
    try:
        p = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"],
                           capture_output=True, text=True, check=True).stdout.strip()
        if p and Path(p).exists():
            return p
    except (OSError, subprocess.CalledProcessError):
        pass
    for p in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        if Path(p).exists():
            return p
    raise RuntimeError("no CJK font found (apt-get install fonts-noto-cjk)")


def make_scan_pdf() -> Path:
    from PIL import Image, ImageDraw, ImageFont
    import pdfplumber
    dpi = 150
    w, h = int(8.27 * dpi), int(11.69 * dpi)  # A4
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    fpath = _cjk_font_path()
    idx = 2 if fpath.endswith(".ttc") else 0  # SC face in Noto CJK ttc
    try:
        font_t = ImageFont.truetype(fpath, 40, index=idx)
        font_b = ImageFont.truetype(fpath, 30, index=idx)
    except OSError:
        font_t = ImageFont.truetype(fpath, 40)
        font_b = ImageFont.truetype(fpath, 30)
    y = 160
    for i, line in enumerate(SCAN_LINES):
        f = font_t if i == 0 else font_b
        tw = draw.textlength(line, font=f)
        x = (w - tw) / 2 if i == 0 else 110
        draw.text((x, y), line, fill=0, font=f)
        y += 90 if i == 0 else 52
    # a little scanner noise so it looks like a scan (deterministic)
    rnd = random.Random(11)
    for _ in range(400):
        draw.point((rnd.randrange(w), rnd.randrange(h)), fill=rnd.randrange(120, 220))
    img = img.rotate(0.4, fillcolor=255, resample=Image.BICUBIC)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=dpi, quality=60)
    target = out(FIX / "scan.pdf", buf.getvalue())
    out(FIX / "scan.expected.txt", ("\n".join(SCAN_LINES) + "\n").encode("utf-8"))
    with pdfplumber.open(target) as p:
        assert len(p.pages) == 1
        assert (p.pages[0].extract_text() or "").strip() == "", "scan.pdf has a text layer"
        assert not p.pages[0].chars
        assert p.pages[0].images, "no image in scan.pdf"
    return target


# ---------------------------------------------------------------- 6. bad inputs
def make_bad(have_pdf: bool) -> None:
    out(BAD / "empty.txt", b"")
    out(BAD / "junk.txt", random.Random(7).randbytes(4096))
    pdf = CORPORA / f"{WUHAI}.pdf"
    if pdf.exists():
        data = pdf.read_bytes()
        out(BAD / "truncated.pdf", data[: int(len(data) * 0.4)])
    elif have_pdf:
        raise RuntimeError("wuhai pdf missing")
    out(BAD / "notzip.docx", "这不是一个Word文件,只是普通文本。\nThis is not a zip/docx file.\n".encode("utf-8"))
    make_bomb(BAD / "bomb.docx")
    out(BAD / "nobody.html", (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        "<title>某市人民政府门户网站</title>\n</head>\n<body>\n</body>\n</html>\n").encode("utf-8"))
    out(BAD / "old.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
        + bytes.fromhex("3E000300FEFF0900") + b"\x00" * 480)


def make_bomb(path: Path, total: int = 300 * 1024 * 1024) -> Path:
    """~300 MB of spaces inside word/document.xml, streamed (never in memory)."""
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body><w:p><w:r><w:t>")
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * (1 << 20)
    path.parent.mkdir(parents=True, exist_ok=True)
    zi = zipfile.ZipInfo("word/document.xml", date_time=(2024, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(zi, "w", force_zip64=False) as f:
            f.write(head)
            remaining = total - len(head) - len(tail)
            while remaining > 0:
                n = min(remaining, len(chunk))
                f.write(chunk[:n])
                remaining -= n
            f.write(tail)
    written.append(path)
    assert path.stat().st_size < 1024 * 1024, path.stat().st_size
    return path


# ---------------------------------------------------------------- 7. table notice
def make_table_notice() -> Path:
    _, ALIGN, _, _, _, _ = _docx_imports()
    doc = new_document()
    add_title(doc, "青禾县人民政府办公室关于印发青禾县2024年农村电子商务提质增效工作方案的通知", 18)
    add_body(doc, "青政办〔2024〕7号", indent=False, align=ALIGN.CENTER)
    add_body(doc, "各乡镇人民政府,县政府各部门:", indent=False)
    add_body(doc, "《青禾县2024年农村电子商务提质增效工作方案》已经县政府同意,现印发给你们,请认真抓好落实。")
    add_body(doc, "2024年3月15日", indent=False, align=ALIGN.RIGHT)
    add_title(doc, "青禾县2024年农村电子商务提质增效工作方案", 16)
    add_body(doc, "为加快农村电子商务发展,拓宽农产品上行渠道,促进农民持续增收,结合我县实际,制定本方案。")
    add_body(doc, "一、工作目标")
    add_body(doc, "到2024年底,全县农村网络零售额达到3.5亿元,同比增长15%以上;新培育农产品电商品牌5个,"
                  "建成村级电商服务站点80个。县财政安排电商发展专项资金500万元,对年网络销售额超过100万元的"
                  "新型农业经营主体给予一次性奖励2万元。")
    add_body(doc, "二、重点任务")
    add_table(doc, [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "完善县乡村三级电商物流配送体系,整合快递资源实现共同配送", "县商务局", "2024年6月底前"],
        ["2", "开展农产品“三品一标”认证,培育区域公用品牌和网销单品", "县农业农村局", "2024年9月底前"],
        ["3", "统筹安排电商发展专项资金,制定奖补资金管理办法并兑现奖补", "县财政局", "2024年12月底前"],
    ])
    add_body(doc, "三、保障措施")
    add_body(doc, "各责任单位要明确分管领导和具体责任人,每季度末向县商务局报送工作进展情况,"
                  "县政府督查室将适时开展督导检查。")
    add_body(doc, "青禾县人民政府办公室", indent=False, align=ALIGN.RIGHT)
    add_body(doc, "2024年3月15日", indent=False, align=ALIGN.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return out(FIX / "table-notice.docx", buf.getvalue())


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice PDF step")
    args = ap.parse_args(argv)
    copy_seeds()
    make_xuchang_docx()
    if not args.no_pdf:
        make_wuhai_pdf()
    make_encodings()
    make_baotou_html()
    make_scan_pdf()
    make_bad(have_pdf=not args.no_pdf)
    make_table_notice()
    for p in written:
        print(f"{p.stat().st_size:>10}  {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
