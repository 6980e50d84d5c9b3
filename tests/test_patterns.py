"""Each pattern family pinned with made-up examples (none copied from the seeds)."""
from __future__ import annotations

import pytest

from extractor import departments as dep
from extractor.metadata import doc_number
from extractor.model import Source
from extractor.numbers import parse_number
from extractor.pipeline import process


def run(text: str, date: str = "2021-06-30"):
    header = f"某某市人民政府关于推进某项工作的实施意见\n{date[:4]}年{int(date[5:7])}月{int(date[8:])}日\n"
    return process(Source("test.txt", "txt", header + text))


@pytest.mark.parametrize("text, value", [
    ("十五", 15), ("两亿", 2e8), ("五千万", 5e7), ("1.5亿", 1.5e8), ("3,200", 3200), ("十二点五", 12.5),
    ("一百零八", 108), ("三万六千", 36000), ("二〇三〇", 2030), ("八十", 80),
])
def test_numbers(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("sentence, values", [
    ("市财政每年安排3000万元设立产业引导基金。", [3e7]),
    ("对新认定的企业一次性奖励五十万元。", [5e5]),
    ("项目总投资1.2亿元。", [1.2e8]),
    ("全年实现营业收入２５億元。", [2.5e9]),
    ("按每亩100元的标准给予补助。", [100]),
    ("给予20万元至50万元的补贴。", [2e5]),
    ("引进外资3000万美元。", []),
    ("统一元数据标准。", []),
])
def test_amounts(sentence, values):
    assert [a.value_yuan for a in run(sentence).amounts] == values


def test_amount_recurrence_role_and_purpose():
    amounts = run("县政府每年安排2000万元作为园区建设扶持资金。2020年全县完成投资8亿元。").amounts
    assert (amounts[0].recurrence, amounts[0].role, amounts[0].purpose) == ("yearly", "funding", "扶持资金")
    assert amounts[0].payer == "县政府"
    assert amounts[1].role == "statistic"


def test_amount_range_and_threshold():
    amounts = run("对投资5000万元以上的项目,给予100万—300万元奖励。").amounts
    assert amounts[0].role == "threshold"
    assert (amounts[1].value_yuan, amounts[1].value_yuan_max) == (1e6, 3e6)


@pytest.mark.parametrize("sentence, dates", [
    ("2023年6月底前完成改造。", ["2023-06-30"]),
    ("力争到2030年,建成示范区。", ["2030-12-31"]),
    ("到2026年底,覆盖率达到90%。", ["2026-12-31"]),
    ("2024年上半年前完成验收。", ["2024-06-30"]),
    ("2024年三季度前完成验收。", ["2024-09-30"]),
    ("每年2月底前报送上年度情况。", ["XXXX-02-28"]),
    ("每年11月15日前报送材料。", ["XXXX-11-15"]),
    ("到“十五五”末,形成产业集群。", ["2030-12-31"]),
    ("两年内完成整改。", ["2023-06-30"]),
    ("用3至5年时间,培育一批企业。", ["2026-06-30"]),
    ("18个月内建成投产。", ["2022-12-30"]),
    ("年内完成立项。", ["2021-12-31"]),
    ("截至2020年底,全市已建成基站500个。", []),
    ("与2020年相比,能耗下降。", []),
    ("2020年,全市新增企业50家,同比增长5%。", []),
    ("依据《某某市2021年工作要点》执行。", []),
])
def test_deadlines(sentence, dates):
    assert [d.date for d in run(sentence).deadlines] == dates


def test_yearly_deadline_is_recurring():
    d = run("每年3月底前完成评估。").deadlines[0]
    assert (d.recurrence, d.date, d.text) == ("yearly", "XXXX-03-31", "每年3月底前")


@pytest.mark.parametrize("sentence, expected", [
    ("到2025年,全市新增专精特新企业30家。", [(30, None, "家", "=", None, 2025)]),
    ("到2027年,研发经费投入强度达到3.5%以上。", [(3.5, None, "%", ">=", None, 2027)]),
    ("力争工业增加值突破500亿元。", [(500, None, "亿元", ">", None, None)]),
    ("单位地区生产总值能耗比2020年下降13.5%。", [(13.5, None, "%", "=", "decrease", None)]),
    ("到2025年,培育3—5个百亿级产业集群。", [(3, 5, "个", "range", None, 2025)]),
    ("城市建成区绿地率不低于35%。", [(35, None, "%", ">=", None, None)]),
    ("全国排名提升到20名左右。", [(20, None, "名", "~", None, None)]),
    ("到2025年,新增10万个就业岗位,新建充电桩2000个。", [(10, None, "万个", "=", None, 2025), (2000, None, "个", "=", None, 2025)]),
    ("2020年全市规模以上工业增加值增长8%。", []),
    ("2022年全市规模以上工业增加值力争增长8%。", [(8, None, "%", "=", "increase", 2022)]),
    ("对年产值1亿元以上的企业给予奖励。", []),
    ("淘汰10蒸吨及以下燃煤锅炉。", []),
    ("每新增一家得2分,最高10分。", []),
])
def test_targets(sentence, expected):
    got = [(t.value, t.value_max, t.unit, t.comparator, t.change, t.year) for t in run(sentence).targets]
    assert got == expected


def test_target_indicator_and_text():
    t = run("到2025年,全市高新技术企业数量达到500家。").targets[0]
    assert t.indicator == "全市高新技术企业数量"
    assert t.text == "全市高新技术企业数量达到500家"


@pytest.mark.parametrize("text, names", [
    ("县发改局、财政局、住建局", ["县发改局", "县财政局", "县住建局"]),
    ("市卫健委和市医保局", ["市卫健委", "市医保局"]),
    ("区人力资源和社会保障局、区教育局等部门按职责分工负责", ["区人力资源和社会保障局", "区教育局"]),
    ("各县(市、区)人民政府,市有关部门", ["各县(市、区)人民政府"]),
    ("省科技厅、省财政厅,各有关单位", ["省科技厅", "省财政厅"]),
])
def test_department_lists(text, names):
    assert dep.split(text) == names


@pytest.mark.parametrize("name, canonical, function", [
    ("县发改局", "县发展和改革委员会", "发展改革"),
    ("市人社局", "市人力资源和社会保障局", "人力资源"),
    ("区住房城乡建设局", "区住房和城乡建设局", "住房建设"),
    ("市场监管局", "市场监督管理局", "市场监管"),
    ("州卫健委", "州卫生健康委员会", "卫生健康"),
])
def test_canonical_departments(name, canonical, function):
    d = dep.canonical(name)
    assert (d.canonical, d.function) == (canonical, function)


def test_obligation_markings_of_every_style():
    text = ("一、重点任务\n(一)建设平台。推进公共服务平台建设,2024年底前建成。(牵头单位:县科技局;配合单位:县财政局)\n"
            "(二)优化服务。简化审批流程。(县政务服务中心、县市场监管局负责)\n"
            "(三)强化考核。每年1月底前,由县统计局负责汇总上年度数据。")
    obs = run(text, "2023-05-10").obligations
    assert [o.departments for o in obs] == [["县科技局", "县财政局"], ["县政务服务中心", "县市场监管局"], ["县统计局"]]
    assert [u.role for u in obs[0].units] == ["lead", "cooperating"]
    assert obs[0].text == "推进公共服务平台建设,2024年底前建成。"
    assert obs[0].deadline == "2024-12-31"
    assert obs[2].deadline == "XXXX-01-31"
    assert obs[2].text.startswith("每年1月底前,由县统计局")


def test_task_table_with_a_responsible_column():
    text = "序号 | 工作任务 | 责任单位 | 完成时限\n1 | 建设冷链物流中心 | 县商务局、县发改局 | 2024年9月底前\n"
    obs = run(text, "2024-01-02").obligations
    assert obs[0].text == "建设冷链物流中心"
    assert obs[0].departments == ["县商务局", "县发改局"]
    assert obs[0].deadline == "2024-09-30"


@pytest.mark.parametrize("raw, normal", [
    ("冀政办字﹝2021﹞15号", "冀政办字〔2021〕15号"), ("粤府 [2020] 8 号", "粤府〔2020〕8号"),
    ("国办发(2019)42号", "国办发〔2019〕42号"), ("苏政发【2022】1号", "苏政发〔2022〕1号"),
])
def test_doc_numbers(raw, normal):
    assert doc_number(raw) == normal


def test_city_from_title_and_county_and_national():
    m = process(Source("a.txt", "txt", "洛阳市人民政府关于加快物流业发展的意见\n洛政〔2021〕3号\n正文。")).metadata
    assert (m.city, m.province, m.doc_number) == ("洛阳市", "河南省", "洛政〔2021〕3号")
    m = process(Source("b.txt", "txt", "国务院关于促进某产业发展的若干意见\n国发〔2020〕8号\n正文。")).metadata
    assert (m.city, m.province) == ("全国", "全国")


def test_duties_written_in_prose():
    obs = run("县文旅局负责景区提升相关工作,县交通局负责旅游公路建设。县政府主要负责人要亲自抓。"
              "县商务局负责电商体系建设,县邮政分公司、县供销社配合。", "2023-03-01").obligations
    assert [(o.departments, o.text) for o in obs] == [
        (["县文旅局"], "县文旅局负责景区提升相关工作"), (["县交通局"], "县交通局负责旅游公路建设。"),
        (["县商务局", "县邮政分公司", "县供销社"], "县商务局负责电商体系建设,县邮政分公司、县供销社配合。")]
    assert [u.role for u in obs[2].units] == ["lead", "cooperating", "cooperating"]


def test_conditions_and_rates_of_support_rules_are_not_targets():
    doc = run("对固定资产投资5000万元以上且亩均税收不低于10万元的项目,按投资额的5%给予奖励,最高不超过300万元。")
    assert doc.targets == []
    assert [a.role for a in doc.amounts][:2] == ["threshold", "threshold"]


def test_title_is_not_taken_from_inside_the_body_and_national_reports_are_national():
    text = "各位代表:\n我们在听了\n关于某项工作的报告\n以后,现在我代表中央人民政府作工作报告。\n"
    m = process(Source("r.txt", "txt", text)).metadata
    assert (m.title, m.city, m.province) == (None, "全国", "全国")
    local = "为贯彻《国务院关于某事的意见》精神,洛阳市决定如下。\n"
    assert process(Source("l.txt", "txt", local)).metadata.city == "洛阳市"


def test_lead_and_cooperating_in_one_bracket():
    obs = run("(五)完善物流网络。建设城乡配送体系。(市商务局牵头,市交通运输局、市邮政管理局配合)", "2023-03-01").obligations
    assert obs[0].departments == ["市商务局", "市交通运输局", "市邮政管理局"]
    assert [u.role for u in obs[0].units] == ["lead", "cooperating", "cooperating"]
    assert obs[0].text == "建设城乡配送体系。"


def test_a_marking_on_the_heading_line_governs_the_body_below():
    text = ("二、重点任务\n(一)加快冷链设施建设(牵头单位:县商务局;配合单位:县农业农村局)\n"
            "新建产地冷藏保鲜设施20个。\n完善县乡村三级配送网络。\n(二)强化要素保障\n统筹用地指标。(责任单位:县自然资源局)")
    obs = run(text, "2023-03-01").obligations
    assert obs[0].text == "新建产地冷藏保鲜设施20个。\n完善县乡村三级配送网络。"
    assert obs[0].departments == ["县商务局", "县农业农村局"]
    assert obs[1].text == "统筹用地指标。" and obs[1].departments == ["县自然资源局"]


def test_vague_cooperators_are_dropped_but_concrete_ones_kept_and_title_years_are_not_deadlines():
    text = ("某市人民政府办公室关于印发某市2024年数字政府建设工作要点的通知\n2024年2月20日\n一、重点任务\n"
            "1.编制数据资源目录。2024年8月底前完成市县两级目录编制。"
            "(市数据局牵头,市级各有关部门及各县区政府按职责分工负责)\n"
            "二、目标\n到2026年底前,力争70%的政务服务事项实现全程网办。")
    doc = process(Source("t.txt", "txt", text))
    ob = doc.obligations[0]
    assert ob.departments == ["市数据局", "各县区政府"]
    assert [u.role for u in ob.units] == ["lead", "cooperating"]
    assert [d.date for d in doc.deadlines] == ["2024-08-31", "2026-12-31"]
    assert [(t.value, t.unit, t.year) for t in doc.targets] == [(70, "%", 2026)]


def test_support_rules_money_lists_and_conditions():
    text = ("(一)鼓励企业壮大。年销售收入首次突破1000万元、5000万元的软件企业,分别给予一次性奖励10万元、50万元。\n"
            "(二)支持技术改造。对改造投资500万元以上(含)的,按设备投资额的15%给予最高2000万元补贴。\n"
            "(三)到2025年,纳税过1亿元的企业达30家。")
    doc = run(text, "2022-12-01")
    assert [(a.value_yuan, a.role) for a in doc.amounts] == [
        (1e7, "threshold"), (5e7, "threshold"), (1e5, "funding"), (5e5, "funding"),
        (5e6, "threshold"), (2e7, "funding"), (1e8, "threshold")]
    assert [(t.value, t.unit, t.year) for t in doc.targets] == [(30, "家", 2025)]


def test_marking_lines_after_a_task_merge_into_one_obligation():
    text = ("一、主要预期目标\n1.地区生产总值力争增长6%左右。\n牵头单位:区发改局\n责任单位:区经济开发区,各街道\n"
            "2.一般公共预算收入增长7%。\n牵头单位:区财政局\n责任单位:各街道,区税务局")
    obs = run(text, "2023-03-28").obligations
    assert [(o.text, o.departments) for o in obs] == [
        ("地区生产总值力争增长6%左右。", ["区发改局", "区经济开发区", "各街道"]),
        ("一般公共预算收入增长7%。", ["区财政局", "各街道", "区税务局"])]
    assert [u.role for u in obs[0].units] == ["lead", "cooperating", "cooperating"]


@pytest.mark.parametrize("sentence, dates", [
    ("6月底前完成摸底排查,9月15日前报送结果。", ["2021-06-30", "2021-09-15"]),
    ("今年底前建成投用。", ["2021-12-31"]),
    ("力争用3年时间,建成示范园区。", ["2024-06-30"]),
    ("2025年前完成改造。", ["2025-12-31"]),
])
def test_deadlines_relative_to_the_document_year(sentence, dates):
    assert [d.date for d in run(sentence).deadlines] == dates


def test_a_dated_line_ending_with_a_colon_governs_the_list_below():
    text = "(二)主要目标。到2026年,全县实现以下目标:\n1.新增规模以上工业企业20家。\n2.研发投入强度达到2.2%。\n(三)其他。新建公园3个。"
    targets = run(text, "2023-01-05").targets
    assert [(t.value, t.year) for t in targets] == [(20, 2026), (2.2, 2026), (3, None)]


def test_any_mix_of_pattern_fragments_extracts_without_error_and_offsets_hold():
    import random

    pieces = ["到2025年", "(责任单位:市科技局、财政局)", "每年3月底前", "由县商务局负责", "一、", "(一)", "1.", "第3条",
              "附件1", "2020年12月31日", "万元", "亿元", "5—8家", "%", "以上", "。", "\n", ",", "、", "“十四五”末", "三年内",
              "牵头单位:", "配合单位:", "|", "关于印发", "的通知", "《", "》", "〔2023〕5号", "100", "两亿", "突破", "得5分",
              "比2020年下降", "(", ")", "索引号:", "11150300011554359H/2022-1", "标 题:", "牵头,", "配合)", "年内", "6月底前"]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        doc = process(Source("f.txt", "txt", text))
        for item in [*doc.amounts, *doc.deadlines, *doc.targets, *doc.obligations]:
            assert doc.text[item.start:item.end] == item.text


def test_probe_findings_from_unseen_notices():
    text = ("某某市人民政府门户网站 > 政务公开 > 政府文件\n某市人民政府办公室关于印发某市2024年工业节能工作要点的通知\n2024年2月1日\n"
            "某市2024年工业节能工作要点\n2024年是实施规划的关键一年。\n"
            "一、重点任务\n(一)推进5G建设。到2025年,累计建成5G基站3000个。(责任单位:市工信局,各区县(市)人民政府)\n"
            "(二)支持技改。对新认定的示范项目给予奖励,单个项目最高不超过300万元。\n"
            "序号 | 重点任务 | 牵头单位 | 完成时限\n1 | 建设能耗监测平台 | 市发改委 | 2024年上半年\n")
    doc = process(Source("p.txt", "txt", text))
    assert doc.metadata.title == "某市人民政府办公室关于印发某市2024年工业节能工作要点的通知"
    assert [d.date for d in doc.deadlines] == ["2025-12-31", "2024-06-30"]
    assert [(t.value, t.unit, t.year) for t in doc.targets] == [(3000, "个", 2025)]
    assert doc.obligations[0].departments == ["市工信局", "各区县(市)人民政府"]
    assert doc.obligations[-1].deadline == "2024-06-30"
    assert [(a.value_yuan, a.role) for a in doc.amounts] == [(3e6, "funding")]


@pytest.mark.parametrize("text, names", [
    ("各区、县(市)人民政府,市财政局", ["各区、县(市)人民政府", "市财政局"]),
    ("人力资源社会保障部、国务院国资委、共青团中央按职责分工负责", ["人力资源社会保障部", "国务院国资委", "共青团中央"]),
])
def test_group_and_national_bodies(text, names):
    assert dep.split(text) == names


def test_task_table_with_lead_and_responsible_columns_and_provincial_city():
    text = ("某省人民政府关于加快发展的实施意见\n2024年1月5日\n"
            "序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限\n1 | 编制项目库 | 省发展改革委 | 省财政厅、省商务厅 | 2024年6月底前\n")
    doc = process(Source("s.txt", "txt", text.replace("某省", "贵州省")))
    assert doc.obligations[0].departments == ["省发展改革委", "省财政厅", "省商务厅"]
    assert [u.role for u in doc.obligations[0].units] == ["lead", "cooperating", "cooperating"]
    assert (doc.metadata.city, doc.metadata.province) == ("贵州省", "贵州省")


@pytest.mark.parametrize("sentence, expected", [
    ("企业开办时间压缩至1个工作日以内。", [(1, "个", "<=")]),
    ("平均担保费率降至1%以下。", [(1, "%", "<=")]),
    ("推动5000家以上规模以上工业企业上云。", [(5000, "家", ">=")]),
    ("每万人拥有5G基站数达到25个。", [(25, "个", "=")]),
    ("三大集群产值分别突破1000亿元、2500亿元。", [(1000, "亿元", ">"), (2500, "亿元", ">")]),
    ("招聘比例不低于新招录人员的50%。", [(50, "%", ">=")]),
    ("对合伙创业的,贷款额度最高不超过300万元。", []),
])
def test_more_target_shapes(sentence, expected):
    assert [(t.value, t.unit, t.comparator) for t in run(sentence).targets] == expected


def test_boxed_labels_inline_cooperators_and_article_subjects():
    text = ("一、措施\n(一)支持改造。对改造项目给予补助。\n【牵头单位】市经信局\n【责任单位】市财政局,各县(市、区)人民政府\n"
            "(二)推进整治。由县住建局牵头,县城管局、县交通局配合,开展闲置地块清理。\n"
            "第十六条 市审计局负责对专项资金使用情况进行审计监督。\n"
            "第十七条 各乡镇(街道)负责本辖区农田日常管护。")
    obs = run(text, "2024-02-01").obligations
    assert [o.departments for o in obs] == [
        ["市经信局", "市财政局", "各县(市、区)人民政府"], ["县住建局", "县城管局", "县交通局"],
        ["市审计局"], ["各乡镇(街道)"]]
    assert obs[0].text == "对改造项目给予补助。"
    assert obs[2].text == "市审计局负责对专项资金使用情况进行审计监督。"


def test_spaced_digits_and_menu_bars_from_web_copies():
    text = "首页 | 政务公开 | 办事服务 | 互动交流\n某市人民政府关于加快发展的意见\n2024年3月1日\n到 2 0 2 7 年,总产值达到9 0 0亿元。"
    doc = process(Source("w.txt", "txt", text))
    assert doc.metadata.title == "某市人民政府关于加快发展的意见"
    assert [d.date for d in doc.deadlines] == ["2027-12-31"]
    assert [a.value_yuan for a in doc.amounts] == [9e10]


def test_past_periods_capacities_and_modifier_bounds():
    text = ("“十三五”期间,全市累计完成技改投资215亿元。规模由2012年的1万亿元增长至2020年的5.3万亿元。\n"
            "加快年产20万吨光伏玻璃项目建设。到2025年,新增标准机架2000架,超50亿元的企业达到3家,"
            "抽检合格率稳定在98%以上。(责任单位:县商务局、县人社局、团县委、市政府各部门)")
    doc = run(text, "2023-04-01")
    assert [(t.value, t.unit, t.comparator) for t in doc.targets] == [(2000, "架", "="), (3, "家", "="), (98, "%", ">=")]
    assert [d.date for d in doc.deadlines] == ["2025-12-31"]
    assert doc.obligations[0].departments == ["县商务局", "县人社局", "团县委"]


def test_chinese_numeral_signing_date_joint_lists_and_heading_markings():
    text = ("某县人民政府办公室\n关于印发《某县促进消费\n若干措施》的通知\n二〇二三年十二月二十日\n"
            "(一)完善机制。由县委编办会同县委组织部、县人社局研究设立专门机构。\n"
            "(二)强化科技支撑【责任单位】县科技局、县农业农村局\n(三)年度评选。每年年底前评选一批龙头企业。")
    doc = process(Source("c.txt", "txt", text))
    assert doc.metadata.date_written == "2023-12-20"
    assert doc.metadata.title == "某县人民政府办公室关于印发《某县促进消费若干措施》的通知"
    assert [o.departments for o in doc.obligations] == [["县委编办", "县委组织部", "县人社局"], ["县科技局", "县农业农村局"]]
    assert doc.obligations[1].text == "强化科技支撑"
    assert [(d.date, d.recurrence) for d in doc.deadlines] == [("XXXX-12-31", "yearly")]
