"""The outline of a policy document (一、 /（一）/ 1. /（1）) and what it says about itself.

Works on normalised text. A heading whose marker was destroyed by mojibake (``?。ㄒ唬…``) is still
recognised when the marker can be recovered from the bytes (see :func:`.normalise.repair_heading_marker`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter

from .normalise import repair_heading_marker, t2s_converter
from .numbers import parse_chinese_number
from .types import DocumentMeta, Level, Normalised, OutlineNode, ReviewFlag

_CN = "一二三四五六七八九十"
_HEADING_RES: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (Level.SECTION, re.compile(rf"^(?P<n>[{_CN}]{{1,3}})[、.．]")),
    (Level.SYSTEM, re.compile(rf"^[(（](?P<n>[{_CN}]{{1,3}})[)）]")),
    (Level.TASK, re.compile(r"^(?P<n>\d{1,2})(?:[、．]|\.(?!\d))")),
    (Level.ITEM, re.compile(r"^(?:[(（](?P<n>\d{1,2})[)）]|(?P<c>[①-⑳]))")),
)
MARKER_RE = re.compile(
    rf"(?:[{_CN}]{{1,3}}[、.．]|[(（][{_CN}]{{1,3}}[)）]|\d{{1,2}}(?:[、．]|\.(?!\d))|[(（]\d{{1,2}}[)）]|[①-⑳])"
)
_RANK = {Level.SECTION: 0, Level.SYSTEM: 1, Level.TASK: 2, Level.ITEM: 3}
_TITLE_END_RE = re.compile(r"[。;:!?]")


def _label(level: Level, number: int) -> str:
    if level is Level.SECTION:
        return f"{_cn(number)}、"
    if level is Level.SYSTEM:
        return f"（{_cn(number)}）"
    if level is Level.TASK:
        return f"{number}."
    return f"（{number}）"


def _cn(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number <= 10:
        return "十" if number == 10 else digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _match_heading(line: str) -> tuple[Level, int, int] | None:
    for level, pattern in _HEADING_RES:
        m = pattern.match(line)
        if m is None:
            continue
        raw = m.group("n") if m.group("n") else None
        if raw is None:
            number = ord(m.group("c")) - ord("①") + 1
        elif raw.isdigit():
            number = int(raw)
        else:
            value = parse_chinese_number(raw)
            if value is None:
                continue
            number = int(value)
        return level, number, m.end()
    return None


def _title(text: str, limit: int = 60) -> str:
    m = _TITLE_END_RE.search(text)
    title = text[: m.start()] if m else text
    return title.strip(" ,、")[:limit]


def _repaired_heading(flag: ReviewFlag, rest_of_line: str) -> tuple[Level, int, str] | None:
    """Level, number and title of a heading line that starts with a mojibake span, if recoverable."""
    marker = repair_heading_marker(flag.text)
    suggestion = flag.suggestion or marker
    if suggestion is None:
        return None
    found = _match_heading(suggestion)
    if found is None:
        return None
    level, number, marker_end = found
    body = t2s_converter().convert(suggestion[marker_end:].rstrip("…"))
    rest = _title(rest_of_line).lstrip(")）")
    title = body + rest if flag.complete else (body + "…" + rest if rest else body + "…")
    return level, number, title


def parse_outline(norm: Normalised) -> tuple[OutlineNode, ...]:
    """Headings in document order, each with the span it governs and its path of labels.

    A line counts as a heading only if its marker is in sequence with its peers (a stray ``3.``
    inside body text after ``1.`` is still a heading; a ``(5)`` before any ``(1)`` is not), so
    numbered sentences do not become sections.
    """
    text = norm.text
    flags_at: dict[int, ReviewFlag] = {f.start: f for f in norm.flags}
    raw: list[tuple[Level, int, int, str, bool]] = []  # level, number, line start, title, repaired
    pos = 0
    for line in text.split("\n"):
        found = _match_heading(line)
        repaired = False
        title = ""
        if found is not None:
            level, number, marker_end = found
            title = _title(line[marker_end:])
        else:
            flag = flags_at.get(pos)
            repaired_heading = _repaired_heading(flag, line[flag.end - pos :]) if flag is not None else None
            if repaired_heading is not None:
                level, number, title = repaired_heading
                repaired = True
                found = (level, number, 0)
        if found is not None:
            raw.append((found[0], found[1], pos, title, repaired))
        pos += len(line) + 1
    raw = _in_sequence(raw)
    nodes: list[OutlineNode] = []
    # A node ends where the next node of the same or a higher level starts (one stack pass).
    ends = [len(text)] * len(raw)
    open_nodes: list[int] = []
    for i, item in enumerate(raw):
        while open_nodes and _RANK[raw[open_nodes[-1]][0]] >= _RANK[item[0]]:
            ends[open_nodes.pop()] = item[2]
        open_nodes.append(i)
    stack: list[tuple[Level, str]] = []
    for i, (level, number, start, title, repaired) in enumerate(raw):
        end = ends[i]
        while stack and _RANK[stack[-1][0]] >= _RANK[level]:
            stack.pop()
        label = _label(level, number)
        stack.append((level, label))
        nodes.append(
            OutlineNode(level, number, label, title, start, end, tuple(lab for _, lab in stack), repaired)
        )
    return tuple(nodes)


def _in_sequence(raw: list[tuple[Level, int, int, str, bool]]) -> list[tuple[Level, int, int, str, bool]]:
    """Drop markers that do not continue their level's numbering (reset by a higher heading)."""
    kept: list[tuple[Level, int, int, str, bool]] = []
    last: dict[Level, int] = {}
    for item in raw:
        level, number = item[0], item[1]
        expected_ok = (
            number == 1
            or last.get(level, 0) + 1 == number
            or last.get(level, 0) < number <= last.get(level, 0) + 2
        )
        if not expected_ok and not item[4]:
            continue
        kept.append(item)
        last[level] = number
        for lower, rank in _RANK.items():
            if rank > _RANK[level]:
                last.pop(lower, None)
    return kept


def node_at(nodes: tuple[OutlineNode, ...], starts: list[int], pos: int) -> OutlineNode | None:
    """The deepest node whose span contains normalised position ``pos`` (``starts`` = node starts)."""
    from bisect import bisect_right

    i = bisect_right(starts, pos) - 1
    while i >= 0:
        node = nodes[i]
        if node.start <= pos < node.end:
            return node
        i -= 1
    return None


# --- document metadata -------------------------------------------------------------------------

_DOCNO_RE = re.compile(r"[〔\[【(（](?P<year>\d{4})[〕\]】)）]第?(?P<no>\d{1,4})号")
_ORG_TAIL_RE = re.compile(r"[\u4e00-\u9fff]{1,8}$")
_DATE_LINE_RE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
_ISSUER_RE = re.compile(
    r"^[\u4e00-\u9fff()（）]{2,30}(?:人民政府|办公厅|办公室|委员会|委|局|厅|部|政府|中心|领导小组)$"
)
_TITLE_RE = re.compile(
    r"关于[^。\n,;:]{2,60}?的(?:实施意见|指导意见|若干意见|意见|通知|决定|实施方案|行动方案|工作方案|方案|规划|办法|规定|若干措施|措施)"
)
_BOOK_TITLE_RE = re.compile(r"《([^》\n]{4,80})》")
_HORIZON_RE = re.compile(r"(?:到|至|截至)(?P<y>20\d\d)年|(?P<y2>20\d\d)年(?:底|末)?(?:前|以前|之前)")
_FIVE_YEAR_PLANS = {"十三五": 2020, "十四五": 2025, "十五五": 2030, "十六五": 2035}


def document_meta(norm: Normalised) -> DocumentMeta:
    """Title, issuer, document number, date of issue and plan end, when the text states them."""
    text = norm.text
    docno = None
    for m in _DOCNO_RE.finditer(text):
        before = _ORG_TAIL_RE.search(text, max(0, m.start() - 8), m.start())
        if before is None:
            continue
        org = re.sub(r"^(?:附件|印发|文号|发文字号)", "", before.group()) or before.group()
        docno = f"{org}〔{m.group('year')}〕{m.group('no')}号"
        break
    lines = [line.strip() for line in text.split("\n")]
    issued_on = None
    issuer = None
    for i in range(len(lines) - 1, -1, -1):
        d = _DATE_LINE_RE.match(lines[i])
        if d is None:
            continue
        try:
            issued_on = dt.date(int(d.group("y")), int(d.group("m")), int(d.group("d")))
        except ValueError:
            continue
        for j in range(i - 1, max(-1, i - 4), -1):
            if _ISSUER_RE.match(lines[j]):
                issuer = lines[j]
                break
        break
    title = None
    t = _TITLE_RE.search(text)
    if t:
        title = t.group()
    else:
        b = _BOOK_TITLE_RE.search(text[:2000])
        title = b.group(1) if b else None
    return DocumentMeta(title, issuer, docno, issued_on, plan_end_year(text))


def plan_end_year(text: str) -> int | None:
    """The year most targets are set for: the commonest 到YYYY年 / YYYY年底前, else the five-year plan."""
    years = Counter(int(m.group("y") or m.group("y2")) for m in _HORIZON_RE.finditer(text))
    if years:
        return max(years.most_common(), key=lambda kv: (kv[1], kv[0]))[0]
    for name, year in _FIVE_YEAR_PLANS.items():
        if name in text:
            return year
    return None


def year_end(year: int, month: int | None = None) -> dt.date:
    """Last day of ``year`` (or of ``month`` in it)."""
    if month is None:
        return dt.date(year, 12, 31)
    return dt.date(year, month, calendar.monthrange(year, month)[1])
