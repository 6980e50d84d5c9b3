"""Numbers as notices write them: Arabic, Chinese, mixed, ranges and bounds."""
from __future__ import annotations

import re

CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
            "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "百": 100, "千": 1000}
CN_LARGE = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_CHARS = "".join(CN_DIGIT) + "".join(CN_SMALL) + "万萬亿億点點"

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CHINESE = rf"[{''.join(CN_DIGIT)}十百千][{CN_CHARS}]*"
# A number: Arabic with optional Chinese multiplier (1.5亿), or a Chinese numeral.
NUMBER = rf"(?:{ARABIC}|{CHINESE})"
RANGE_SEP = r"\s*(?:—|–|－|-|~|～|至|到)\s*"


def _chinese_int(s: str) -> float:
    """Value of a Chinese numeral without 点 (十五, 两亿, 五千万, 一百四十四)."""
    total, section, digit = 0.0, 0.0, None
    for ch in s:
        if ch in CN_DIGIT:
            digit = CN_DIGIT[ch]
        elif ch in CN_SMALL:
            section += (digit if digit is not None else 1) * CN_SMALL[ch]
            digit = None
        elif ch in CN_LARGE:
            section += digit or 0
            unit = CN_LARGE[ch]
            if unit == 10_000 and total and total % 100_000_000 == 0 and section < 10_000:
                total += section * unit
            else:
                total = (total + section) * unit
            section, digit = 0.0, None
        else:
            raise ValueError(s)
    return total + section + (digit or 0)


def parse_number(s: str) -> float | None:
    """Value of a number string; ``None`` if it is not one."""
    s = s.strip().replace(",", "").replace("點", "点")
    if not s:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([万萬亿億千百十]*)", s)
    if match:
        value = float(match.group(1))
        for ch in match.group(2):
            value *= CN_LARGE.get(ch) or CN_SMALL[ch]
        return value
    try:
        if "点" in s:
            whole, frac = s.split("点", 1)
            tail = ""
            while frac and frac[-1] in CN_LARGE:
                tail = frac[-1] + tail
                frac = frac[:-1]
            value = _chinese_int(whole) + float("0." + "".join(str(CN_DIGIT[c]) for c in frac))
            for ch in tail:
                value *= CN_LARGE[ch]
            return value
        if all(c in CN_DIGIT for c in s) and len(s) > 1:
            return float("".join(str(CN_DIGIT[c]) for c in s))
        return _chinese_int(s)
    except (ValueError, KeyError):
        return None


def clean(value: float) -> float | int:
    """An integer when the value is whole, for tidy JSON."""
    return int(value) if float(value).is_integer() else round(value, 6)
