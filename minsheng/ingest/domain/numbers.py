"""Chinese numerals: parsing, and rewriting them as digits where they are quantities.

Only a numeral followed by a measure word (个, 所, 届, 分钟 …), 成 (七成 = 70%) or written as
百分之/千分之 is rewritten. Names and slogans stay as they are: 十四五, 三孩, 一廊两翼, 两级,
三级医院, 第十四次, and anything inside quotation marks (“五个中心”, “万名警察进社区”).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

Edit = tuple[int, int, str]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

# Measure words after which a Chinese numeral counts something. Deliberately absent: 级 (三级医院,
# 两级), 孩 (三孩), 项 (五项筛查 names a package, not a goal), 支/位/重/方/大 (slogans), 年 (三年行动).
_MEASURES = (
    "个百分点|百分点|平方公里|平方米|公里|分钟|小时|周岁|场次|人次|万元|亿元|"
    "个|所|家|台|场|路|届|张|名|人|户|套|间|处|座|条|辆|岁|天|倍|米|元|吨|亩|次|床"
)
# Bounded runs: a real numeral is short, and an unbounded run would rescan 一一一… quadratically.
_RUN = f"[{_NUMERAL_CHARS}]{{1,12}}(?:点[零〇一二三四五六七八九]{{1,6}})?"
# Patterns start with a character class (no look-behind) so the regex engine can skip ahead fast;
# the "not after 第/每/another numeral" check is done on the match.
_QUANTITY_RE = re.compile(rf"(?P<num>{_RUN})(?P<unit>{_MEASURES})(?![性{_NUMERAL_CHARS}])")
_CHENG_RE = re.compile(r"(?P<num>[一二三四五六七八九十])成(?!不变|员|为|就)")
_NOT_AFTER = frozenset(_NUMERAL_CHARS + "第每")
_FRACTION_RE = re.compile(rf"(?P<kind>百分之|千分之)(?P<num>{_RUN}|\d+(?:\.\d+)?)")
# Quoted names are never rewritten: “五个中心”, 「一网统管」, 《三年行动计划》.
# 二〇二五年 → 2025年: a year written digit by digit.
_YEAR_RE = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")
_QUOTED_RE = re.compile(r"“[^”\n]{0,60}”|「[^」\n]{0,60}」|《[^》\n]{0,80}》|\"[^\"\n]{0,60}\"")


def parse_chinese_number(text: str) -> float | None:
    """Value of a Chinese numeral such as 一千五百, 三十万, 两, 零点五; ``None`` if it is not one.

    Sequences that are names rather than numbers (十四五, 一二) return ``None``.
    """
    if not text:
        return None
    whole, _, frac = text.partition("点")
    value = _parse_int(whole)
    if value is None:
        return None
    if not frac:
        return float(value)
    if any(ch not in _DIGITS or ch == "两" for ch in frac):
        return None
    return float(f"{value}." + "".join(str(_DIGITS[ch]) for ch in frac))


def _parse_int(text: str) -> int | None:
    total = 0
    section = 0
    digit: int | None = None
    last_small = 10_000  # units inside a section must fall: 千 > 百 > 十
    last_big = 10**12  # and so must 亿 > 万
    for ch in text:
        if ch in _DIGITS:
            value = _DIGITS[ch]
            if value == 0:
                continue  # 一千零五: 零 only marks a gap
            if digit is not None:
                return None  # two digits in a row: 十四五, 一二
            digit = value
        elif ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_small = None, unit
        elif ch in _BIG_UNITS:
            big = _BIG_UNITS[ch]
            section += 0 if digit is None else digit
            if big >= last_big or section == 0:
                return None
            total += section * big
            section, digit, last_small, last_big = 0, None, 10_000, big
        else:
            return None
    return total + section + (0 if digit is None else digit)


def _format(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED_RE.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    i = bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def numeral_edits(text: str) -> list[Edit]:
    """Edits ``(start, end, replacement)`` that turn quantity numerals into digits, sorted.

    三十所 → 30所, 一届 → 1届, 两万人 → 2万人, 七成 → 70%, 百分之九十 → 90%, 千分之二 → 2‰.
    """
    if not any(ch in text for ch in _NUMERAL_CHARS):
        return []
    quoted = _quoted_spans(text) if ("“" in text or "「" in text or "《" in text or '"' in text) else []
    edits: list[Edit] = []
    for edit in _iter_edits(text):
        if not quoted or not _inside(quoted, edit[0]):
            edits.append(edit)
    edits.sort()
    merged: list[Edit] = []
    for edit in edits:
        if merged and edit[0] < merged[-1][1]:
            continue
        merged.append(edit)
    return merged


def _iter_edits(text: str) -> Iterator[Edit]:
    for m in _YEAR_RE.finditer(text):
        if m.start() and text[m.start() - 1] in _NOT_AFTER:
            continue
        yield m.start(), m.end(), "".join(str(_DIGITS[ch]) for ch in m.group())
    for m in _FRACTION_RE.finditer(text):
        raw = m.group("num")
        value = float(raw) if raw[0].isdigit() else parse_chinese_number(raw)
        if value is not None:
            sign = "%" if m.group("kind") == "百分之" else "‰"
            yield m.start(), m.end(), _format(value) + sign
    for m in _CHENG_RE.finditer(text):
        if m.start() and text[m.start() - 1] in _NOT_AFTER:
            continue
        value = parse_chinese_number(m.group("num"))
        if value is not None:
            yield m.start(), m.end(), _format(value * 10) + "%"
    for m in _QUANTITY_RE.finditer(text):
        if m.start() and text[m.start() - 1] in _NOT_AFTER:
            continue
        run = m.group("num")
        keep = ""
        if run[-1] in _BIG_UNITS and len(run) > 1:
            # 两万人 → 2万人: the unit keeps its 万/亿 so it reads like the catalog (万人, 亿元).
            run, keep = run[:-1], run[-1]
        elif run in _BIG_UNITS or (run in ("十", "百", "千") and m.group("unit") in ("人", "家", "户")):
            continue  # 万人, 千家万户, 百姓: words, not counts
        value = parse_chinese_number(run)
        if value is None:
            continue
        yield m.start("num"), m.end("num"), _format(value) + keep
