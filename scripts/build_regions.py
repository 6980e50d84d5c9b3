"""Build patterns/regions.csv from the division data shipped in the ``cpca`` package.

Source: PyPI package ``cpca`` 0.5.5 (MIT), resources ``cpca/resources/adcodes.csv``
(12-digit adcode, name) and ``cpca/resources/56_nations.csv`` (ethnic-group names,
used to strip ethnic names from 自治州/自治县/自治旗 short forms).

Run (cpca must be importable; keep it out of the project venv):

    python3 -m venv /tmp/regvenv && /tmp/regvenv/bin/pip install cpca==0.5.5
    /tmp/regvenv/bin/python scripts/build_regions.py

Output columns: code,name,short,level,province,city.  Municipalities (北京/天津/
上海/重庆) get one city row (code xx0100) named after the municipality; placeholder
rows (市辖区, 县, 省直辖县级行政区划) are dropped.  Counties directly under a
province (e.g. 济源市) have an empty ``city``.  cpca carries no single-character
province abbreviations, so none are emitted.  Note the data vintage is about
2017-2018 (e.g. 莱芜市 is still a city, 即墨市/长乐市 are still county-level cities).
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "patterns" / "regions.csv"
MUNICIPALITIES = {"11", "12", "31", "50"}
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
AUTONOMOUS = {"自治州": "州", "自治县": "县", "自治旗": "旗"}
# suffix -> minimal base length (林区 needs 3 so 万柏林区 stays 万柏林, 神农架林区 -> 神农架)
PLAIN_SUFFIXES = {"地区": 2, "林区": 3, "特区": 2, "新区": 2, "矿区": 2,
                  "盟": 2, "市": 2, "县": 2, "区": 2, "旗": 2}


def read_resource(name: str) -> str:
    return resources.files("cpca.resources").joinpath(name).read_text(encoding="utf-8")


def nation_names() -> list[str]:
    names = [n.strip() for n in read_resource("56_nations.csv").splitlines() if n.strip()]
    forms = set(names) | {n[:-1] for n in names if n.endswith("族") and len(n) > 2} | {"各族"}
    return sorted(forms, key=len, reverse=True)


def strip_ethnic(base: str, nations: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for n in nations:
            if base.endswith(n) and len(base) - len(n) >= 2:
                base, changed = base[: -len(n)], True
                break
    if base.endswith("族") and len(base) >= 3:  # e.g. 鄂温克族自治旗 -> 鄂温克
        base = base[:-1]
    return base


def shorts(name: str, level: str, nations: list[str]) -> list[str]:
    out: list[str] = []
    if level == "province":
        out = [name[: -len(s)] for s in PROVINCE_SUFFIXES if name.endswith(s)][:1]
    else:
        for suf, tail in AUTONOMOUS.items():
            if name.endswith(suf):
                base = strip_ethnic(name[: -len(suf)], nations)
                out = [base, base + tail]
                break
        else:
            cands = [name[: -len(s)] for s, m in PLAIN_SUFFIXES.items()
                     if name.endswith(s) and len(name) - len(s) >= m]
            out = cands[:1]
    return [s for s in dict.fromkeys(out) if len(s) >= 2 and s != name]


def main() -> None:
    nations = nation_names()
    names: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO(read_resource("adcodes.csv"))):
        names[rec["adcode"][:6]] = rec["name"].strip()
    rows: list[dict[str, str]] = []
    for code in sorted(names):
        name, pcode = names[code], code[:2] + "0000"
        province = names.get(pcode, "")
        if code[2:] == "0000":
            level, city = "province", ""
        elif code[4:] == "00":
            if code[:2] in MUNICIPALITIES:
                if code[2:4] != "01":
                    continue
                name = province
            elif name in PLACEHOLDERS:
                continue
            level, city = "city", name
        else:
            if name in PLACEHOLDERS:
                continue
            level = "county"
            ccode = code[:4] + "00"
            city = province if code[:2] in MUNICIPALITIES else names.get(ccode, "")
            if city in PLACEHOLDERS:
                city = ""
        short = "|".join(shorts(name, level, nations))
        rows.append({"code": code, "name": name, "short": short, "level": level,
                     "province": province, "city": city})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "name", "short", "level", "province", "city"])
        w.writeheader()
        w.writerows(rows)
    counts = {lv: sum(r["level"] == lv for r in rows) for lv in ("province", "city", "county")}
    print(f"wrote {len(rows)} rows to {OUT}: {counts}")


if __name__ == "__main__":
    main()
