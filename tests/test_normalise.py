"""Normalisation steps, each on its own, with offsets kept."""
from __future__ import annotations

import re

from conftest import SEEDS
from extractor.model import Mapped
from extractor.normalise import extract_header, join_title, normalise, strip_boilerplate, strip_pinyin, to_halfwidth, to_simplified
from extractor.readers import read

BOILERPLATE = re.compile(r"^(来源|上一条|下一条|下载|标签|验证码|相关文件|热度|时间)[::]|首页\s*>|Copyright|版权|Baidu|^map$", re.M)


def test_every_character_maps_back_to_the_source():
    source = read(SEEDS["eerduosi"]).text
    m, _ = normalise(Mapped.identity(source))
    assert len(m.origin) == len(m.text)
    i = m.text.index("鄂尔多斯市")
    s, e = m.source_span(i, i + 5)
    assert source[s:e] == "鄂爾多斯市"


def test_fullwidth_digits_and_letters_become_halfwidth_but_chinese_punctuation_stays():
    m = to_halfwidth(Mapped.identity("到２０２５年,ＧＤＰ增长６％。“十四五”、《规划》"))
    assert m.text == "到2025年,GDP增长6%。“十四五”、《规划》"


def test_pinyin_ruby_leftovers_are_removed():
    m = strip_pinyin(Mapped.identity("深入贯彻落实(shí)党中央关于开发(fā)区的部署(IPv6)(PM2.5)"))
    assert m.text == "深入贯彻落实党中央关于开发区的部署(IPv6)(PM2.5)"


def test_traditional_to_simplified_keeps_length_map():
    m = to_simplified(Mapped.identity("推動產業園區發展\n已是简体"))
    assert m.text == "推动产业园区发展\n已是简体"
    assert list(m.origin) == list(range(len(m.text)))


def test_boilerplate_lines_go_by_general_cues():
    page = "首页 > 政策文件\n关于做好某项工作的通知\n正文第一段。\n上一篇:关于另一件事\n版权所有 某市人民政府\n责任编辑:张三\n分享到:"
    assert strip_boilerplate(Mapped.identity(page)).text == "关于做好某项工作的通知\n正文第一段。\n"


def test_header_block_in_every_layout():
    pipes = "| 索 引 号 | 11130100MB1234567X/2021-001 | 主题分类 | 工业 |\n| 发布机构 | 市人民政府 | 文 号 | 石政发〔2021〕8 号 |\n| 成文日期 | 2021-03-05 | 公文时效 | 有效 |\n正文"
    m, h = extract_header(Mapped.identity(pipes))
    assert m.text == "正文"
    assert h.fields["doc_number"] == "石政发〔2021〕8 号"
    assert h.fields["date_written"] == "2021-03-05"
    assert h.fields["index_number"].startswith("11130100")
    bullets = "  • 索 引 号 :1234/2021-1\n  • 发布机构:某县人民政府\n  • 生成日期:2021-01-07 16:30\n正文开始。"
    m, h = extract_header(Mapped.identity(bullets))
    assert h.fields == {"index_number": "1234/2021-1", "issuer": "某县人民政府", "date_published": "2021-01-07 16:30"}
    colon = "标 题: | 关于某事的意见 | ||||\n发文字号: | 某政发〔2020〕1号 | ||\n正文"
    assert extract_header(Mapped.identity(colon))[1].fields["title"] == "关于某事的意见"


def test_a_body_sentence_starting_with_a_label_word_stays():
    m, h = extract_header(Mapped.identity("标题要简明,名称要规范。\n正文"))
    assert m.text.startswith("标题要简明")


def test_title_broken_over_two_lines_is_joined():
    m = join_title(Mapped.identity("关于促进某某经济技术开发区\n高质量发展的若干措施\n为了……"))
    assert m.text.split("\n")[0] == "关于促进某某经济技术开发区高质量发展的若干措施"


def test_no_seed_keeps_boilerplate_or_pinyin():
    for path in SEEDS.values():
        m, _ = normalise(Mapped.identity(read(path).text))
        assert not BOILERPLATE.search(m.text), path.name
        assert not re.search(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔù][a-zü]*\)", m.text), path.name
        assert "\n\n" not in m.text
