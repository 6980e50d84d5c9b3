"""Readers and normalisation: every version of a seed reads to the same text."""
from __future__ import annotations

import pytest

from conftest import CORPORA, FIXTURES, SEEDS, squeeze
from extractor.model import InputError, Mapped
from extractor.normalise import normalise
from extractor.readers import decode, read


def normalised(path) -> str:
    text, _ = normalise(Mapped.identity(read(path).text))
    return text.text


def test_gbk_copy_reads_to_the_same_text_as_utf8():
    source = read(FIXTURES / "wuhai-gbk.txt")
    assert source.encoding == "gb18030"
    assert source.text == SEEDS["wuhai"].read_text(encoding="utf-8")


@pytest.mark.parametrize("name, encoding", [("xuchang-utf8-bom.txt", "utf-8"), ("xuchang-utf16.txt", "utf-16")])
def test_bom_encodings_are_detected(name, encoding):
    source = read(FIXTURES / name)
    assert source.encoding == encoding
    assert source.text == SEEDS["xuchang"].read_text(encoding="utf-8")


def test_big5_traditional_text_is_detected():
    source = read(FIXTURES / "eerduosi-big5.txt")
    assert source.encoding == "big5"
    assert source.text == (FIXTURES / "eerduosi-big5.expected-utf8.txt").read_text(encoding="utf-8")


def test_short_gbk_and_big5_strings_decode_right():
    assert decode("关于印发实施方案的通知".encode("gbk")) == ("关于印发实施方案的通知", "gb18030")
    assert decode("關於印發實施方案的通知".encode("big5"))[0] == "關於印發實施方案的通知"


def test_pdf_normalises_to_the_txt_text():
    pdf = normalised(CORPORA / "neimenggu-wuhai-2022-gaoxinqu.pdf")
    assert squeeze(pdf) == squeeze(normalised(SEEDS["wuhai"]))
    assert "- 3 -" not in pdf


def test_docx_normalises_to_the_txt_text_with_word_numbering():
    docx = normalised(CORPORA / "henan-xuchang-2019-chanyejijuqu.docx")
    body = "\n".join(line for line in docx.split("\n") if "|" not in line)
    assert squeeze(body) == squeeze(normalised(SEEDS["xuchang"]))
    assert "\n1.持续开展企业分类综合评价" in docx
    assert "指标 | 目标值" in docx


def test_gbk_html_page_keeps_the_notice_and_table_and_drops_furniture():
    text = normalised(FIXTURES / "baotou-page.html")
    assert "包头市人民政府关于促进高新技术产业开发区高质量发展的实施意见" in text
    assert "序号 | 任务 | 责任单位" in text
    for furniture in ("版权所有", "网站地图", "联系我们", "政务公开 >", "相关链接", "function", "{"):
        assert furniture not in text


def test_traditional_text_becomes_simplified_and_pinyin_goes():
    text = normalised(SEEDS["eerduosi"])
    assert "落实" in text and "落實" not in text
    assert "(shí)" not in text and "(" + "lǐng" + ")" not in text
    assert "鄂尔多斯市" in text


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty file"),
    ("junk.txt", "binary"),
    ("truncated.pdf", "damaged PDF"),
    ("notzip.docx", "not a Word file"),
    ("bomb.docx", "zip bomb"),
    ("nobody.html", "no body text"),
    ("old.doc", "unsupported format '.doc'"),
])
def test_bad_input_gets_a_reason(name, reason):
    with pytest.raises(InputError, match=reason):
        read(FIXTURES / "bad" / name)


def test_scanned_pdf_says_it_has_no_text_layer():
    with pytest.raises(InputError, match="无文字层"):
        read(FIXTURES / "scan.pdf")


def test_real_government_pdf_joins_broken_lines_and_keeps_tables():
    text = normalised(FIXTURES / "hongzequ-2023-report.pdf")
    assert "根据《中华人民共和国政府信息公开条例》(国令第711号)" in squeeze(text)
    assert "行政处罚 | 4119" in text
    assert "好政治关、法律关" in text and "好政治关、法律关、政策关、保密关、文字关, |" not in text
