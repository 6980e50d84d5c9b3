"""One made-up example per class of failure seen on real notices (the real texts are in tests/real)."""
from __future__ import annotations

import pytest

from extractor.model import Source
from extractor.pipeline import process


def run(text: str):
    return process(Source("made-up.txt", "txt", text, "utf-8", "made-up.txt"))


DATED = "某市人民政府关于推进某项工作的通知\n某政发〔2023〕5号\n"
SIGNED = "\n某市人民政府\n2023年3月10日\n"


def dates(text: str) -> list[str]:
    return [d.date for d in run(DATED + text + SIGNED).deadlines]


def values(text: str) -> list[tuple[float, str]]:
    return [(t.value, t.unit) for t in run(DATED + text + SIGNED).targets]


# ---------------------------------------------------------------- deadlines

def test_year_end_without_a_year_is_the_notice_year():
    assert dates("一、年底前，公共数据开放率达到60%。") == ["2023-12-31"]


def test_span_from_the_notice_itself_in_days():
    assert dates("一、各县区要在本通知印发之日起15日内报送方案。") == ["2023-03-25"]


def test_span_from_another_event_has_no_date():
    assert dates("一、对新建项目，投产后2年内给予支持。") == []
    assert dates("一、奖励资金自审核通过后10日内拨付。") == []


def test_span_inside_a_noun_modifier_is_no_deadline():
    assert dates("一、针对5年内关税降为零的商品，加大市场开拓力度。") == []


# ---------------------------------------------------------------- targets

def test_yearly_quota_with_a_selection_verb():
    assert (30, "家") in values("一、每年遴选30家标杆企业，推广经验。")
    assert (2, "个") in values("一、选取2—4个县开展试点。")


def test_scope_word_after_a_goal_verb():
    assert (200, "家") in values("一、推动全市200家企业完成数字化改造。")


def test_goal_predicate_after_the_count():
    assert (60, "%") in values("一、全县60%以上的村卫生室具备远程诊疗能力。")


def test_conditions_bases_and_past_counts_are_not_targets():
    assert values("一、企业新招用人员达到职工总数20%的，可申请补贴。") == []
    assert values("一、补贴按当地最低工资60%的标准发放。") == []
    assert values("一、将2019年出台的18条措施调整为25条。") == []


# ---------------------------------------------------------------- metadata

def test_doc_number_in_brackets_on_its_own_line():
    doc = run("某省人民政府办公厅关于加快某项工作的通知\n\n（某政办发〔2022〕15号）\n\n各市人民政府：\n现印发给你们。")
    assert doc.metadata.doc_number == "某政办发〔2022〕15号"


def test_provincial_notice_without_a_header_is_the_province():
    text = ("各市人民政府，省政府各部门：\n为推动浙江数字经济发展，提出如下意见。\n"
            "一、支持杭州建设平台。（省经信厅牵头，省财政厅配合）\n二、支持宁波建设港口。（省交通运输厅负责）\n"
            "三、支持杭州、宁波、温州开展试点。（省发展改革委负责）")
    meta = run(text).metadata
    assert (meta.city, meta.province, meta.level) == ("浙江省", "浙江省", "provincial")


def test_title_below_page_chrome():
    text = ("首页\n政务公开\n/ 政策文件\n/ 规范性文件\n某市人民政府办公室关于印发某某实施方案的通知\n"
            "某政办发〔2024〕3号\n各区人民政府，市政府各部门：\n现印发给你们，请认真执行。")
    assert run(text).metadata.title == "某市人民政府办公室关于印发某某实施方案的通知"


def test_numbers_on_lines_of_their_own_are_joined():
    assert dates("一、到\n2025\n年，全市5G基站达到\n3000\n个。") == ["2025-12-31"]
    assert (3000, "个") in values("一、到\n2025\n年，全市5G基站达到\n3000\n个。")


# ---------------------------------------------------------------- obligations

def departments(text: str) -> list[list[str]]:
    return [o.departments for o in run(DATED + text + SIGNED).obligations]


def test_two_labels_in_one_bracket():
    assert departments("一、建设平台。（牵头单位：市商务局，责任单位：市财政局、市科技局）") == [
        ["市商务局", "市财政局", "市科技局"]]


def test_note_after_the_verb():
    assert departments("一、完善政策。（科技部、财政部负责。列第一位者为牵头单位，下同）") == [["科技部", "财政部"]]


@pytest.mark.parametrize("marking, want", [
    ("（省文旅厅、省体育局负责，各市政府配合）", ["省文旅厅", "省体育局", "各市政府"]),
    ("（省大数据局牵头，各有关部门、各市政府分工负责）", ["省大数据局", "各市政府"]),
    ("（证监会、银保监会负责）", ["证监会", "银保监会"]),
    ("（市场监管总局、人民银行按职责分工负责）", ["市场监管总局", "人民银行"]),
])
def test_markings_real_notices_use(marking, want):
    assert departments(f"一、规范服务。{marking}") == [want]


def test_national_bodies_keep_their_names():
    ob = run(DATED + "一、规范服务。（市场监管总局负责）" + SIGNED).obligations[0]
    assert (ob.units[0].canonical, ob.units[0].level) == ("国家市场监督管理总局", "")


def test_a_window_that_qualifies_an_action_ends_at_its_end_date():
    assert dates("一、对2023年5月1日至2023年10月31日期间签约的项目给予支持。") == ["2023-10-31"]
    assert dates("一、对2024年4月1日至12月31日之间投产的项目给予奖励。") == ["2024-12-31"]
    assert dates("一、2023年1月1日至12月31日,对困难企业返还保险费。") == []  # the period a policy runs


def test_forecasts_and_definitions_bound_nothing():
    assert dates("一、据机构预测,到2030年全球装机规模将达到220GW。") == []
    assert values("一、据机构预测,到2030年全球装机规模将达到220GW。") == []
    assert dates("一、存量项目是指2023年6月1日前投产的项目。") == []


def test_conditions_opened_by_if_are_not_targets():
    assert values("一、若参与竞价的同类项目不足3个,当年暂不组织竞价。") == []


def test_a_yearly_rate_reached_keeps_its_unit():
    assert (1800, "万吨/年") in values("一、到2025年,原油产量超过1800万吨/年。")
    assert values("一、正在建设一期260万吨/年煤制烯烃项目。") == []


def test_a_share_of_last_years_figure_is_a_goal():
    assert (0.3, "%") in values("一、电网企业节约电量不低于上年售电量的0.3%。")


def test_a_bare_bracket_of_bodies_closing_a_task_is_a_marking():
    text = "一、保障供应。\n1.加强储备。建设储备基地。(省能源局、各市能源主管部门,有关企业)\n2.优化调度。完善监测。(省能源局)"
    assert departments(text) == [["省能源局", "各市能源主管部门"], ["省能源局"]]
    assert departments("一、推进建设(含改扩建项目)。") == []


def test_a_number_opening_an_item_stays_a_heading():
    doc = run(DATED + "一、保障供应。\n1\n.\n加强储备。建设基地。(省能源局负责)\n2\n.\n优化调度。完善监测。(省发展改革委负责)" + SIGNED)
    assert [o.section for o in doc.obligations] == ["一、1.", "一、2."]


def test_half_year_without_a_year_is_the_notice_year():
    assert dates("一、上半年,完成平台建设。") == ["2023-06-30"]


def test_a_past_statement_after_a_heading_is_no_goal():
    assert values("一、2022年,全区各项工作取得成效,新增企业30家。") == []


def test_goals_without_a_measure_word():
    assert [(t.indicator, t.value, t.unit, t.comparator) for t in run(DATED + "一、力争交易额突破3亿。" + SIGNED).targets] \
        == [("交易额", 3, "亿", ">")]
    assert (100, "亿") in values("一、产业规模过百亿。")
    assert (1, "家") in values("一、培育一家龙头机构。")
    assert (110, "") in values("一、创新指数达到110左右。")


def test_the_indicator_is_the_noun_after_a_bare_verb():
    target = run(DATED + "一、全市重点打造12个工业园区。" + SIGNED).targets[0]
    assert (target.indicator, target.value, target.unit) == ("工业园区", 12, "个")


def test_small_full_stop_numbers_a_heading():
    doc = run(DATED + "一、做好保障。\n3﹒加强监管。落实责任。(市市场监管局负责)" + SIGNED)
    assert [o.section for o in doc.obligations] == ["一、3."]


def test_front_matter_fills_only_what_the_text_lacks():
    front = "---\ntitle: 某市人民政府关于推进某项工作的通知\ndate: 2023-03-12\nsource: https://example.org/a\n---\n"
    bare = run(front + "# 一、总体要求\n**加快**推进某项工作。")
    assert (bare.metadata.title, bare.metadata.date_published) == ("某市人民政府关于推进某项工作的通知", "2023-03-12")
    own = run(front.replace("推进某项工作", "印发某方案") + "某市人民政府关于推进某项工作的通知\n\n一、总体要求")
    assert own.metadata.title == "某市人民政府关于推进某项工作的通知"
    assert "**" not in bare.text and "#" not in bare.text


def amounts_of(text: str) -> list[tuple]:
    return [(a.value_yuan, a.value_yuan_max, a.role) for a in run(DATED + text + SIGNED).amounts]


def test_money_classes():
    assert amounts_of("一、对企业给予30万元奖励。") == [(300000, None, "funding")]
    assert amounts_of("一、去年造成积压资金一百四十四亿余元。") == [(14400000000, None, "statistic")]
    assert amounts_of("一、对投资1000万元及以上至5000万元的项目给予奖励。")[0][:2] == (10000000, 50000000)
    assert amounts_of("一、全年收入二十五亿七千多万元。")[0][0] == 2570000000


def test_a_marking_of_only_vague_bodies_makes_a_task_with_no_departments():
    doc = run(DATED + "一、重点任务\n(一)加强宣传。开展主题活动。(各有关部门负责)完善政策。落实资金。(市财政局负责)" + SIGNED)
    assert [(o.text, o.departments) for o in doc.obligations] == [
        ("开展主题活动。", []), ("完善政策。落实资金。", ["市财政局"])]  # the run-in heading is no task text


def test_member_units_mark_a_task_and_mechanisms_or_leaders_do_not():
    assert departments("一、完善机制。健全制度。(领导小组成员单位负责)") == [["领导小组成员单位"]]
    assert departments("一、建立由市长牵头的工作机制。") == []
    assert departments("一、各部门负责人要带头落实。") == []


def test_more_classes_seen_on_real_notices():
    assert dates("一、2022年,全区各项工作取得成效。") == []
    lead = values("一、到2027年,实现以下目标:\n——培训:面向2万名技术人员轮训。\n——平台:建成10个平台。")
    assert (2, "万名") in lead and (10, "个") in lead
    assert (5, "%") in values("一、企业担保费率原则上不高于5%。")
    assert values("一、补贴不超过投资额的12%。") == [] and values("一、最高不超过300万元。") == []
    assert values("一、针对零关税的1500种商品加大市场开拓力度。") == []
    assert [(t.value, t.unit) for t in run(DATED + "一、到2025年,比重提高3个百分点,达到40%。" + SIGNED).targets] == [
        (3, "个百分点"), (40, "%")]
    rate = run(DATED + "一、按800元/吨给予补贴,最高奖励不超过50万元。" + SIGNED).amounts
    assert [(a.value_yuan, a.kind, a.unit, a.role) for a in rate] == [(800, "rate", "元/吨", "funding"),
                                                                      (500000, "cap", "元", "funding")]


def test_title_broken_by_layout_spaces_and_own_number_not_cited():
    meta = process(Source("x.txt", "txt", "某市人民政府关于推进某项工作的  实施意见\n某政发〔2023〕5号\n各区:\n"
                          "根据《某规定》(某政发〔2023〕5号)制定本意见。\n一、总则", "utf-8", "x.txt")).metadata
    assert (meta.title, meta.cited_doc_numbers) == ("某市人民政府关于推进某项工作的实施意见", [])


def test_prices_split_over_lines_keep_their_digits_and_sign():
    prices = amounts_of("一、机制电价按煤电基准价\n0.\n3035\n元\n/\n千瓦时执行,申报价格下限为\n-0.05\n元\n/千瓦时。")
    assert [a[0] for a in prices] == [0.3035, -0.05]


def test_requirements_on_who_may_apply_are_not_targets():
    assert values("一、享受奖励的储能电站放电功率不低于1万千瓦。") == []


def test_windows_over_projects_and_bounds_already_past():
    assert dates("一、2024年标准适用于2023年9月1日(含)至2024年6月30日(含)并网项目。") == ["2024-06-30"]
    assert dates("一、对2022年6月1日前签订合同的项目予以保留。") == []  # past when the notice was written
