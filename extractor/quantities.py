"""Sums of money and quantitative targets (see patterns/quantities.toml)."""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Amount, Deadline, Target, Unit
from .numbers import ARABIC, CN_CHARS, CN_DIGIT, RANGE_SEP, clean, parse_number
from .patterns import alternation, toml

_CN_NUM = rf"[{''.join(CN_DIGIT)}十百千][{CN_CHARS}]+"


@dataclass(frozen=True)
class _Rules:
    money: re.Pattern[str]
    multipliers: dict[str, float]
    quantity: re.Pattern[str]
    goal: tuple[str, ...]
    past: tuple[str, ...]
    score: tuple[str, ...]
    before: dict[str, str]
    after: dict[str, str]
    decrease: tuple[str, ...]
    increase: tuple[str, ...]
    lead_verbs: tuple[str, ...]
    funding: tuple[str, ...]
    purposes: tuple[str, ...]
    payer: re.Pattern[str]
    prefixes: tuple[str, ...]
    projection: tuple[str, ...]
    forecast: tuple[str, ...]
    condition_openers: tuple[str, ...]
    unitless: tuple[re.Pattern[str], ...]
    scope_only: re.Pattern[str]
    descriptive_before: tuple[str, ...]
    scope_words: tuple[str, ...]
    clause_goal: tuple[str, ...]
    goal_after: re.Pattern[str]
    descriptive_after: tuple[str, ...]
    report_openers: tuple[str, ...]
    count_units: frozenset[str]
    verb_tail: re.Pattern[str]
    comparator_before: re.Pattern[str]
    change_tail: re.Pattern[str]
    list_intro: re.Pattern[str]
    measure_word: dict[str, str]
    unit: re.Pattern[str]



@lru_cache(maxsize=1)
def rules() -> _Rules:
    data = toml("quantities")
    mult = data["money"]["multipliers"]
    foreign = "".join({w[0] for w in data["money"]["foreign"]})
    number = rf"(?:{ARABIC}|{_CN_NUM})"
    band = rf"(?:\s*(?:及以上|以上|\(含\)))?{RANGE_SEP}"  # 1000万元及以上至5000万元, 5万元(含)至10万元
    money = re.compile(
        rf"(?<![\d.])(?<!\d,)(?P<n>(?:(?<![\dA-Za-z.])-)?{number})(?P<inner>多|余)?"
        rf"\s*(?P<mult>{alternation(mult)})?(?P<approx>多|余)?"
        rf"(?:元?{band}(?P<n2>{number})\s*(?P<m2>{alternation(mult)})?)?(?<![{foreign}])元"
    )
    t = data["targets"]
    units = data["units"]["count"] + data["units"]["measure"]
    prefixes = data["units"]["prefixes"]
    unit = rf"(?:(?:{alternation(prefixes)})?(?:{alternation(units)}))"
    quantity = re.compile(
        rf"(?<![\d.A-Za-z])(?<!\d,)(?P<n>{ARABIC})(?:(?:{unit})?{RANGE_SEP}(?P<n2>{ARABIC}))?\s*(?P<approx>多|余)?(?P<unit>{unit})"
        rf"(?P<after>{alternation(list(t['after']))})?"
    )
    f = data["funding"]
    payer = re.compile(rf"([\u4e00-\u9fff]{{0,8}}(?:{alternation(f['payers'])}))(?:每年|每年度|相应|再|共|统筹)*(?:{alternation(f['verbs'])})")
    return _Rules(money, mult, quantity, tuple(t["goal"]), tuple(t["past"]), tuple(t["score"]), t["before"],
                  t["after"], tuple(t["decrease"]), tuple(t["increase"]), tuple(t["lead_verbs"]),
                  tuple(f["verbs"]), tuple(f["purposes"]), payer, tuple(prefixes), tuple(t["projection"]), tuple(t["forecast"]),
                  tuple(t["condition_openers"]),
                  tuple(re.compile(t[k]) for k in ("magnitude", "chinese_count", "index_value")),
                  re.compile(t["scope_only"]),
                  tuple(t["descriptive_before"]), tuple(t["scope_words"]), tuple(t["clause_goal"]),
                  re.compile(t["goal_after"]), tuple(t["descriptive_after"]), tuple(t["report_openers"]),
                  frozenset(p + u for u in data["units"]["count"] for p in ("", *prefixes)),
                  re.compile(rf"({alternation(list(t['before']) + t['goal'])})+$"),
                  re.compile(rf"({alternation(list(t['before']))})"),
                  re.compile(rf"({alternation(t['decrease'] + t['increase'])})(到|至)?$"),
                  re.compile(t["list_intro"]), data["units"]["measure_word"], re.compile(unit))


_LIST_ITEM = re.compile(r"\s*(\d{1,2}[.、]|\(\d{1,2}\)|[①-⑳]|——|[一二三四五六七八九十]是|[-•·])")


class Context:
    """Sentences and deadlines of one text, for looking up what surrounds an offset."""

    def __init__(self, text: str, sentences: list[Unit], deadlines: list[Deadline], doc_year: int | None,
                 review: list[tuple[int, int]] | None = None, criteria: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.review = review or []
        self.criteria = criteria or []  # sections stating a support scheme's criteria (申报条件, 奖励标准)
        self.sentences = sentences
        self.starts = [s.start for s in sentences]
        self.deadlines = deadlines
        self.deadline_starts = [d.start for d in deadlines]
        self.doc_year = doc_year

    def sentence(self, offset: int) -> Unit:
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end + 1:
            return self.sentences[i]
        return Unit("sentence", offset, offset, "")

    def clause_bounds(self, start: int, end: int, separators: str = ",;、:|") -> tuple[int, int]:
        """The clause around [start, end): from the last separator before to the next , ; 。 after."""
        s = self.sentence(start)
        left = max(self.text.rfind(c, s.start, start) for c in separators) + 1
        left = max(left, s.start)
        right = min((i for i in (self.text.find(c, end, s.end) for c in ",;。|") if i >= 0), default=s.end)
        return left, right

    def governing_year(self, offset: int) -> int | None:
        """Year of the nearest deadline before an offset in its sentence or paragraph."""
        s = self.sentence(offset)
        i = bisect.bisect_right(self.deadline_starts, offset) - 1
        para_start = self.text.rfind("\n", 0, offset) + 1
        while i >= 0:
            d = self.deadlines[i]
            if d.start < para_start:
                break
            if d.start >= s.start or self.text[para_start:d.start].strip() == "" or self.text[d.end:d.end + 1] in ",,":
                if d.recurrence is None and d.date[:4].isdigit():
                    return int(d.date[:4])
            i -= 1
        return self._list_year(para_start)

    def _list_year(self, para_start: int) -> int | None:
        """A list item under a line like ``到2025年,实现以下目标:`` takes that line's year."""
        if not _LIST_ITEM.match(self.text, para_start):
            return None
        pos = para_start
        for _ in range(12):
            if pos <= 0:
                return None
            prev_start = self.text.rfind("\n", 0, pos - 1) + 1
            line = self.text[prev_start:pos - 1]
            if line.rstrip().endswith(":"):
                i = bisect.bisect_left(self.deadline_starts, prev_start)
                if i < len(self.deadlines) and self.deadlines[i].start < pos - 1 and self.deadlines[i].date[:4].isdigit():
                    return int(self.deadlines[i].date[:4])
                return None
            if not _LIST_ITEM.match(line):
                return None
            pos = prev_start
        return None

    def has_deadline(self, sentence: Unit) -> bool:
        i = bisect.bisect_left(self.deadline_starts, sentence.start)
        return i < len(self.deadlines) and self.deadlines[i].start < sentence.end


_PAYMENT = re.compile(r"安排|给予|奖励|补贴|补助|奖补|资助|贴息|拨付|出资")
_PLAN_LEAD = re.compile(r"\s*[“\"]?(十[一二三四五六七八九])五[”\"]?(?:期间|以来|时期)")
_YEAR_LEAD = re.compile(r"(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十\d]+\)|\d+\.)?(20\d{2})年"
                        r"(?:度|上半年|下半年|前三季度|\d{1,2}月)?,?")


def _statistical(ctx: Context, sentence: Unit, start: int, r: _Rules) -> bool:
    """Whether a number at ``start`` reports a fact: review sections, past words, a past year leading its sentence."""
    if any(s <= start < e for s, e in ctx.review):
        return True
    before = ctx.text[sentence.start:start]
    left, right = ctx.clause_bounds(start, start)
    clause_before = ctx.text[left:start]
    cut = max((clause_before.rfind(w) + len(w) for w in r.goal if len(w) > 1 and w in clause_before), default=0)
    basis = re.search(r"(?:上年|去年|上一年)[^,;。]*的$", clause_before)  # 上年售电量的0.3%: still a goal
    if any(w in (("" if basis else clause_before[cut:]) + ctx.text[start:right]) for w in r.past):
        return True
    if any(w in before for w in ("截至", "截止", "同比", *r.projection, *r.forecast)):
        return True
    if sentence.text.lstrip().startswith(r.report_openers) or re.match(r"\s*(19|20)\d{2}年以来", sentence.text):
        whole = max(ctx.text.rfind("。", 0, sentence.start), ctx.text.rfind("\n", 0, sentence.start)) + 1
        if not ctx.has_deadline(Unit("s", whole, sentence.start, "")):
            return True
    if ctx.doc_year:
        past_year = re.search(r"((?:19|20)\d{2})年(?:底|末)?(?:[\u4e00-\u9fff]{1,4}的|的)?$", clause_before) or \
            re.search(r"((?:19|20)\d{2})年[\u4e00-\u9fff]{0,4}的[\d一二三四五六七八九十]+[\u4e00-\u9fff]{0,12}"
                      r"(?:调整|增加|扩大|提高)[\u4e00-\u9fff]{0,4}(?:为|到|至)$", clause_before)
        plan = _PLAN_LEAD.match(sentence.text)
        if (past_year and int(past_year.group(1)) < ctx.doc_year) or (
                plan and 1955 + 5 * int(parse_number(plan.group(1)) or 0) < ctx.doc_year):
            return True
    full = sentence.start
    if not _YEAR_LEAD.match(sentence.text):
        # A clause after ";" reports the same year as its whole sentence: 2023年…;实现营业收入….
        full = max(ctx.text.rfind("。", 0, sentence.start), ctx.text.rfind("\n", 0, sentence.start)) + 1
    lead = _YEAR_LEAD.match(ctx.text, full)
    if lead and not ctx.has_deadline(Unit("s", full, lead.end(), "")):
        year = int(lead.group(1))
        if ctx.doc_year is None or year <= ctx.doc_year:
            return True
    return False


def _role(ctx: Context, sentence: Unit, start: int, end: int, r: _Rules, is_target: bool) -> str:
    """funding, target, statistic or threshold; ``end`` is where number and unit end."""
    before = ctx.text[max(sentence.start, start - 3):start]
    after = ctx.text[end:end + 12]
    if re.match(r"(标准煤|标煤)?(及)?(以上|以下)(\(含\))?(的|[\u4e00-\u9fff])", after) or (
        before.endswith(("超", "超过", "逾")) and re.match(r"[\u4e00-\u9fff“”\"]", after) and not after.startswith(("以上", "左右"))
    ):
        return "threshold"
    left, right = ctx.clause_bounds(start, end, ",;:|")
    clause_before = ctx.text[left:start]
    sentence_before = ctx.text[sentence.start:start]
    statistical = _statistical(ctx, sentence, start, r)
    if not statistical and (
            any(v in clause_before for v in r.funding)
            or (re.search(r"最高(不超过)?$|最多$|不超过$", clause_before) and any(v in sentence_before for v in r.funding))):
        return "funding"
    if not is_target and ((re.match(r"的[\u4e00-\u9fff]", after) and not after.startswith(("的标准", "的目标")))
                          or _support_condition(ctx, sentence, end)):
        return "threshold"
    if is_target:
        return "target"
    if statistical:
        return "statistic"
    if any(v in ctx.text[left:right] for v in r.funding):
        return "funding"
    return "statistic"


def amounts(ctx: Context, targets: list[Target]) -> list[Amount]:
    """Every sum of money with a number, with value in yuan, recurrence and role."""
    r = rules()
    target_ends = {t.end for t in targets if t.unit.endswith("元")}
    found = []
    for m in r.money.finditer(ctx.text):
        n = m.group("n")
        if not re.search(r"\d", n) and len(n) < 2:
            continue
        factor = r.multipliers.get(m.group("mult") or m.group("m2") or "", 1)
        if m.group("mult") and not re.search(r"\d", n) and re.search(r"[亿億]", n):
            value, factor = parse_number(n + m.group("mult")), 1  # 二十五亿七千多万元: the 万 counts the 七千 only
        else:
            value = parse_number(n.lstrip("-"))
            value = -value if value is not None and n.startswith("-") else value  # a floor of -0.05元
        if value is None:
            continue
        high = None
        if m.group("n2"):
            v2 = parse_number(m.group("n2"))
            high = v2 * r.multipliers.get(m.group("m2") or m.group("mult") or "", 1) if v2 is not None else None
        s, e = m.span()
        sentence = ctx.sentence(s)
        left, _ = ctx.clause_bounds(s, e)
        is_target = e in target_ends
        role = _role(ctx, sentence, s, e, r, is_target)
        clause_left, _ = ctx.clause_bounds(s, e, ",;:")
        recurrence = "yearly" if role == "funding" and (re.search(r"每年|每年度|逐年", ctx.text[clause_left:s])
                                                        or ctx.text.startswith("/年", e)) else None
        purpose = next((p for p in r.purposes if p in ctx.text[left:min(len(ctx.text), e + 12)]), None) if role == "funding" else None
        payer_m = None
        if role == "funding":
            for pm in r.payer.finditer(ctx.text, sentence.start, s):
                payer_m = pm
        found.append(Amount(clean(round(value * factor, 6)), clean(round(high, 6)) if high is not None else None, recurrence, role,
                            m.group(), s, e, purpose=purpose, payer=payer_m.group(1) if payer_m else None,
                            sentence=sentence.text))
    return found


def _comparator(before: str, after: str | None, ranged: bool, r: _Rules) -> str:
    """Range, then a bound word after the number, then the last bound word before it in its clause."""
    if ranged:
        return "range"
    if after:
        return r.after[after]
    before = re.split(r"\d[\d.]*[^、,;\d]*?的", before)[-1]  # not the bound of a modifier: 超50亿元的企业3家
    words = [w for w in r.comparator_before.findall(before) if r.before[w] != "~" or before.endswith(w)]
    return r.before[words[-1]] if words else "="


def _indicator(ctx: Context, left: int, start: int, end: int, right: int, r: _Rules) -> tuple[str, int, int]:
    """Indicator words and the span of the whole target phrase."""
    prefix = ctx.text[left:start]
    prefix = re.sub(r"^(到|至)?(20\d{2}年(底|末)?|“?十[一二三四五六七八九]五”?末)?,?", "", prefix)
    lead = left + (len(ctx.text[left:start]) - len(prefix))
    stripped = prefix
    changed = True
    while changed:
        changed = False
        for v in r.lead_verbs:
            if stripped.startswith(v):
                stripped = stripped[len(v):]
                changed = True
    core = re.sub(r"(比|较)\d{4}年.*$", "", stripped)
    core = r.verb_tail.sub("", core)
    core = re.sub(r"的$|要$|将$|均$|为$", "", core).strip(" ,")
    core = "" if r.scope_only.match(core) else core
    if len(core) >= 2:
        return core, lead + (len(prefix) - len(stripped)), end
    tail = re.match(r"[^,;。、]*", ctx.text[end:right]).group()
    tail = re.sub(r"^(的|以上|左右)", "", tail)
    return (tail or stripped or prefix).strip(), lead + (len(prefix) - len(stripped)), end + len(re.match(r"[^,;。]*", ctx.text[end:right]).group())


def _support_condition(ctx: Context, sentence: Unit, end: int) -> bool:
    """A number before the money a support rule pays (对…1000万元以上的,给予…50万元)."""
    rest = ctx.text[end:sentence.end]
    cut = re.search(r"[,;]", rest)
    own = rest[:cut.start()] if cut else rest
    if cut and "的" not in own:
        return False  # the number closes its own clause; a support rule after it is another matter
    if cut and re.search(r"给予|奖励|补贴|补助|奖补|资助|贴息", rest[cut.end():]):
        return True
    return bool(re.search(r"(给予|奖励|补贴|补助|奖补|资助|贴息)[^。;]*?(\d|[一二三四五六七八九十百千])[\d.]*\s*(万|亿|千)?(元|%)", rest))


def _condition(ctx: Context, sentence: Unit, start: int, end: int, left: int, r: _Rules) -> bool:
    """A number in a support rule: its condition (对…的,给予…), rate (按…的5%) or payment."""
    if re.search(r"(?<![\u4e00-\u9fff])(?:或)?(按|按照|参照)[^,;。]*$", ctx.text[left:start]) or \
            re.search(r"(按|按照|参照)([^,;。]*的)?$", ctx.text[left:start]):
        return True  # a calculation basis: 按当地最低工资60%的标准, 或按6个月的…社会保险费50%
    if ctx.text[left:start].lstrip().startswith(r.condition_openers):
        return True  # 若参与竞价的项目不足3个
    if re.search(r"(?:享受|申报|申请|参与)[^,;。]{0,30}的", ctx.text[sentence.start:start]):
        return True  # a requirement on who may apply: 享受度电奖励的独立储能电站放电功率不低于1万千瓦
    if re.search(r"的[,;]?(?:均)?(?:可|可以|方可)(?:申请|享受|申报|获得)", ctx.text[end:sentence.end]):
        return True  # an eligibility condition: …达到职工总数20%的,可申请
    if re.search(r"给予|奖励|补贴|补助|奖补|资助|贴息", ctx.text[left:ctx.clause_bounds(start, end)[1]]):
        return True
    return _support_condition(ctx, sentence, end)


def targets(ctx: Context) -> list[Target]:
    """Quantitative goals: value, unit, comparator, change and the year that governs them."""
    r = rules()
    found = []
    for m in r.quantity.finditer(ctx.text):
        s, e = m.span()
        # 产量超过1800万吨/年: a yearly rate reached is a goal in that unit (宝丰一期260万吨/年 names a plant)
        per_year = ctx.text.startswith("/年", m.end("unit")) and \
            bool(r.verb_tail.search(ctx.text[max(0, s - 12):s]))
        if m.group("approx") or (ctx.text[e:e + 1] == "/" and not per_year) or ctx.text[s - 1:s] in ("第", "/"):
            continue
        sentence = ctx.sentence(s)
        left, right = ctx.clause_bounds(s, e)
        before_sentence = ctx.text[sentence.start:s]
        predicate = bool(r.goal_after.match(ctx.text, m.end("unit")))
        if not (any(w in before_sentence for w in r.goal) or ctx.has_deadline(sentence)
                or "目标" in ctx.text[e:right + 8] or any(w in ctx.text[left:s] for w in r.clause_goal)
                or predicate):
            continue
        if any(w in ctx.text[left:right] for w in r.score) or _statistical(ctx, sentence, s, r) or \
                any(a <= s < b for a, b in ctx.criteria):
            continue
        if m.group("unit") not in r.count_units and not predicate and \
                _role(ctx, sentence, s, m.end("unit"), r, True) == "threshold":
            continue
        before_q = ctx.text[left:s]
        scoped = before_q.endswith(r.scope_words) and (
            any(w in before_q[:-2] for w in (*r.goal, *r.clause_goal) if len(w) > 1) or predicate)
        if (before_q.endswith(r.descriptive_before) and not scoped) or \
                ctx.text[m.end("unit"):right].startswith(r.descriptive_after) or r.list_intro.match(ctx.text, e):
            continue
        if re.search(r"每(新增|增加|提升|提高|减少|降低|超过|达到|认定|获得|引进|投资|实现)", before_q):
            continue
        if m.group("unit").endswith("元") and (any(v in ctx.text[left:right] for v in r.funding)
                                               or _PAYMENT.search(before_sentence)
                                               or re.search(r"(最高|最多)(不超过)?$", before_q)):
            continue
        if _condition(ctx, sentence, s, e, left, r):
            continue
        if (m.group("unit") not in r.count_units and m.group("unit") != "%" and re.match(r"的[\u4e00-\u9fff]", ctx.text[e:e + 2])
                and not ctx.text.startswith("的目标", e)):
            continue
        value = parse_number(m.group("n"))
        if value is None:
            continue
        high = parse_number(m.group("n2")) if m.group("n2") else None
        before = ctx.text[left:s]
        list_left, _ = ctx.clause_bounds(s, e, ",;:|")
        comparator = _comparator(ctx.text[list_left:s], m.group("after"), high is not None, r)
        change = None
        verb_end = r.change_tail.search(before.rstrip("了"))
        if verb_end and not verb_end.group(2):
            change = "decrease" if verb_end.group(1) in r.decrease else "increase"
        indicator, ts, te = _indicator(ctx, left, s, e, right, r)
        year = ctx.governing_year(s)
        found.append(Target(indicator, clean(value), clean(high) if high is not None else None,
                            r.measure_word.get(m.group("unit"), m.group("unit")) + ("/年" if per_year else ""),
                            comparator, change, year, ctx.text[ts:te], ts, te, sentence=sentence.text))
    return sorted(found + _unitless_targets(ctx, r) + _flat_table_targets(ctx, r), key=lambda t: t.start)


_YEAR_CELL = re.compile(r"((?:19|20)\d{2})年(?:目标值?)?")
_NUMBER_CELL = re.compile(r"-?\d+(?:\.\d+)?")
#: Header cells after the year columns of an indicator table (累计增长, (下降), 属性).
_HEADER_CELL = re.compile(r"\(?(?:累计|年均)?(?:增长|下降|增减|变化|增量)\)?|\(?(?:下降|减少)\)?|属性|备注|指标属性")
#: Rows read after a table's header before it is taken to have ended.
TABLE_LINES = 400


def _flat_table_targets(ctx: Context, r: _Rules) -> list[Target]:
    """Goals in a table of indicators copied one cell per line (``指标\n单位\n2022年\n2025年\n…``): in each row,
    one or two unit lines then a number per year column, the number under the latest year the table looks ahead
    to is a goal for that year."""
    lines = ctx.text.split("\n")
    starts = list(itertools.accumulate((len(x) + 1 for x in lines[:-1]), initial=0))
    found: list[Target] = []
    for i, line in enumerate(lines):
        if line.strip() != "单位":
            continue
        years = []
        j = i + 1
        while j < len(lines) and (cell := _YEAR_CELL.fullmatch(lines[j].strip())):
            years.append(int(cell.group(1)))
            j += 1
        if len(years) < 2 or (ctx.doc_year and max(years) < ctx.doc_year):
            continue
        column, pending = years.index(max(years)), []
        k = j
        while k < min(len(lines), j + TABLE_LINES):
            cell = lines[k].strip()
            if len(cell) > 30 or re.match(r"[一二三四五六七八九十]+、", cell):
                break  # the table has ended
            run = [x.strip() for x in lines[k:k + len(years)]]
            # the cells before a row's numbers: the previous row's change (0.2个百分点), category, indicator, unit
            words = [x for x in pending if not re.match(r"[-\d]", x) and not _HEADER_CELL.fullmatch(x)]
            if len(words) >= 2 and len(run) == len(years) and all(_NUMBER_CELL.fullmatch(x) for x in run):
                unit, cut = (words[-1], 1) if r.unit.fullmatch(words[-1]) else \
                    (words[-2], 2) if r.unit.fullmatch(words[-2]) else (None, 0)
                if unit and words[:-cut]:
                    at = k + column
                    value = parse_number(lines[at].strip())
                    if value is not None:
                        start = starts[at] + len(lines[at]) - len(lines[at].lstrip())
                        found.append(Target("".join(words[:-cut]), clean(value), None, unit, "=", None,
                                            max(years), lines[at].strip(), start, start + len(lines[at].strip()),
                                            sentence=lines[at].strip()))
                pending, k = [], k + len(years)
                continue
            pending.append(cell)
            k += 1
    return found


def _unitless_targets(ctx: Context, r: _Rules) -> list[Target]:
    """Goals written without a measure word: 突破3亿, 过千亿, 培育一家龙头机构, 创新指数达到110左右."""
    found = []
    for pattern in r.unitless:
        for m in pattern.finditer(ctx.text):
            s, e = m.span("n")[0], m.end()
            sentence = ctx.sentence(s)
            left, right = ctx.clause_bounds(s, e)
            if _statistical(ctx, sentence, s, r) or _condition(ctx, sentence, s, e, left, r) or \
                    any(w in ctx.text[left:right] for w in r.score) or re.search(r"每[\u4e00-\u9fff]{0,3}$",
                                                                                  ctx.text[left:m.start()]):
                continue  # a score (每新增一家得2分) or a rate per unit is no goal
            value = parse_number(m.group("n"))
            if value is None:
                continue
            groups = m.groupdict()
            cmp = groups.get("cmp")
            comparator = r.before.get(cmp or "") or (">" if cmp == "过" else "=")
            if groups.get("after"):
                comparator = r.after[groups["after"]]
            indicator, ts, te = _indicator(ctx, left, m.start(), e, right, r)
            found.append(Target(indicator, clean(value), None, groups.get("unit") or "", comparator, None,
                                ctx.governing_year(s), ctx.text[ts:max(te, e)], ts, max(te, e),
                                sentence=sentence.text))
    return found
