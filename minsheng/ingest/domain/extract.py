"""Propose quantitative targets and qualitative commitments from a policy text.

One pass per sentence with precompiled patterns. Each quantity (number + unit) is read in its
clause: what comes before it (indicator, comparator, 每年 …) and after it (以上/以下, the object
of 新建50所…). Rules are listed in ``docs/domain/ingest.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .normalise import normalise
from .outline import MARKER_RE, document_meta, node_at, parse_outline, year_end
from .types import (
    Commitment,
    Comparator,
    Extraction,
    Firmness,
    Kind,
    Normalised,
    OutlineNode,
    Target,
)

Progress = Callable[[int, int], None]

# --- units -------------------------------------------------------------------------------------

_MULT = "万亿|千亿|百亿|亿|千万|百万|十万|万|千|百"
_BASE = (
    r"个百分点|百分点|千瓦时|平方公里|平方米|立方米|标准箱|公顷|公里|千米|千瓦|分钟|小时|周岁|场次|人次|"
    r"套\([间户]\)|套|个|所|家|台|场|路|届|张|名|人(?!口|民|员|才|群|均)|户|间|处|座|条|辆|次|件|册|项次|项|床|"
    r"元|吨|亩|米|岁|天|倍|年(?![月底末前内度])"
)
UNIT_PATTERN = rf"(?:(?:{_MULT})?(?:{_BASE})|%|‰|(?:{_MULT})(?![\u4e00-\u9fff]))"
_NUM = r"\d{1,15}(?:\.\d{1,10})?"  # bounded: no quadratic rescans of a long digit string
_QUANTITY_RE = re.compile(
    rf"(?P<num>{_NUM})"
    rf"(?:/(?P<den>\d*万|\d+)(?![\d万])"
    rf"|(?:(?P<u1>%|‰)?(?:-|至|到)(?P<num2>{_NUM}))?(?P<unit>{UNIT_PATTERN}))"
    r"(?![\d×xX*])"
)
_NOT_BEFORE_NUMBER = frozenset("0123456789.×xX*/" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_VERB_END_RE = re.compile(
    r"(?:达到|提高到|提高至|提升到|提升至|延长至|延长到|缩短至|缩短到|不少于|不低于|不超过|超过|大于|约|控制在)$"
)
_POST_RE = re.compile(r"(?:及以上|及以下|以上|以下|以内|之内|左右)")
_CANON_UNITS = {"百分点": "个百分点", "%": "%", "周岁": "周岁", "平米": "平方米", "㎡": "平方米"}


@lru_cache(maxsize=512)
def canonical_unit(unit: str) -> str:
    """Canonical spelling of a unit: full-width folded, 百分点 → 个百分点, （间）→ (间)."""
    u = unit.strip().replace("（", "(").replace("）", ")").replace("％", "%").replace(" ", "")
    return _CANON_UNITS.get(u, u)


# --- vocabulary ----------------------------------------------------------------------------------

_SENTENCE_RE = re.compile(r"[^。!?;！？；\n]*(?:[。!?;！？；]|\n|$)")
_CLAUSE_RE = re.compile(r"[^,;:，；：]+")
_LIST_SEP_RE = re.compile(r"、|以及|和|及|与")
_ITEM_SPLIT_RE = re.compile(r"、|以及|和|及|与|或")

_GE_WORDS = ("不少于", "不低于", "不小于", "至少", "最少", "以上")
_GT_WORDS = ("超过", "大于", "高于", "多于")
_LE_WORDS = ("不超过", "不高于", "不大于", "最多", "控制在", "以内", "以下")
_LT_WORDS = ("低于", "少于", "小于")
_APPROX_WORDS = ("约为", "大约", "约", "左右", "近")
_DOWN_WORDS = (
    "下降到",
    "下降至",
    "降低到",
    "降低至",
    "降至",
    "减少到",
    "减少至",
    "缩短到",
    "缩短至",
    "压缩到",
    "压缩至",
)
_EQ_WORDS = ("延长至", "延长到", "调整为", "调整到", "调整至")
_CMP_RE = re.compile(
    "|".join(
        sorted(
            {*_GE_WORDS, *_GT_WORDS, *_LE_WORDS, *_LT_WORDS, *_APPROX_WORDS, *_DOWN_WORDS, *_EQ_WORDS},
            key=len,
            reverse=True,
        )
    )
)
_POST_ONLY = frozenset({"以上", "以下", "以内", "左右"})
_CMP_OF: dict[str, Comparator] = {}
for _words, _cmp in (
    (_GE_WORDS, Comparator.GE),
    (_GT_WORDS, Comparator.GT),
    (_LE_WORDS, Comparator.LE),
    (_LT_WORDS, Comparator.LT),
    (_APPROX_WORDS, Comparator.APPROX),
    (_DOWN_WORDS, Comparator.LE),
    (_EQ_WORDS, Comparator.EQ),
):
    for _w in _words:
        _CMP_OF[_w] = _cmp

_VERB_TAIL = (
    r"达到|达|提升至|提升到|提高到|提高至|增加到|增加至|增长到|增长至|扩大到|扩大至|下降到|下降至|降低到|降低至|降至|"
    r"减少到|减少至|缩短到|缩短至|压缩到|压缩至|控制在|保持在|稳定在|维持在|延长至|延长到|调整为|调整到|调整至|"
    r"不少于|不低于|不小于|至少|最少|超过|大于|高于|多于|不超过|不高于|不大于|最多|少于|低于|小于|约为|大约|约|近|"
    r"提高|提升|增长|增加|降低|下降|减少|为|是|在"
)
_ADVERBS = r"分别|均|都|也|将|要|须|必须|力争|确保|争取|努力|每年|年均|逐年|稳步|进一步|持续|不断"
_VALUE_LEAD_RE = re.compile(
    rf"(?:(?:{_ADVERBS})*(?:{_VERB_TAIL}))+(?:{_ADVERBS})*$|(?:至少|不少于|不低于|超过|约)\S{{0,3}}$"
    r"|(?:新改扩建|新增|新建|建成|建设|筹集|开工|完成|认定|打造|创建|培育|举办|组织|布局|配置)$"
)
_BASE_YEAR_RE = re.compile(r"(?:在|较|比)\d{4}年(?:的)?(?:基础上|水平上)?")
_SUBJECT_TAIL_RE = re.compile(rf"(?:(?:{_ADVERBS})*(?:{_VERB_TAIL}))+(?:{_ADVERBS})*$")
_ADVERB_TAIL_RE = re.compile(rf"(?:{_ADVERBS})+$")
_BOTH_TAIL_RE = re.compile(rf"(?:均|都)(?:{_VERB_TAIL})?$")
_TAIL_WINDOW = 24  # a verb/comparator tail (分别控制在, 力争每年降低) is far shorter than this


def _tail(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern`` (anchored with ``$``) searched only near the end: same result, no full scan."""
    return pattern.search(text, max(0, len(text) - _TAIL_WINDOW))


_BASELINE_RE = re.compile(
    r"(?:从|由)[^,]{0,12}?(?:延长|提高|提升|增加|增长|降低|下降|减少|扩大|缩短|调整|压缩)(?:至|到|为)$"
)
_LEAD_RE = re.compile(
    r"^(?:(?:到|至|截至|截止到?)?\d{4}年(?:\d{1,2}月)?(?:底|末)?(?:前|以前|之前)?|力争|确保|争取|努力|全市|全省|全区|全县|"
    r"全国|实现|使|让|将|推动|促进|其中|同时|并|且|此外|另外|以及|及|和|与|、|每年|年均|\s)+"
)
_CUT_RE = re.compile(
    r"(?:到|至|截至)\d{4}年(?:底|末)?(?:前)?|每年|年均|逐年|全市|全省|全区|全县|力争|确保|争取|实现"
)
_CUMULATIVE_RE = re.compile(
    r"新改扩建|新增|新建|建成|建设|筹集|开工|完成|认定|打造|创建|培育|改造|累计|招聘|培训|引进|发放|帮扶|资助"
)
_PER_UNIT_RE = re.compile(
    r"(?:每个|每一个|各个?)(?:中心城区|新城区|城区|省|区|县|市|街道|乡镇|镇|社区|村|园区|开发区)"
)
_ANNUAL_RE = re.compile(r"每年|年均|逐年|每年度|年度")
_CHANGE_TAIL_RE = re.compile(r"(?:降低|下降|减少|提高|提升|增长|增加)(?:了)?$")
_FIRM_RE = re.compile(r"确保|力争|争取|努力")
_PAST_RE = re.compile(
    r"去年|上年|前年|今年以来|截至目前|截至\d{4}年|已经|已累计|已建成|已完成|已达到|已实现|过去|"
    r"十三五[”\"]?(?:期间|时期)"
)
_FUTURE_RE = re.compile(r"到\d{4}年|\d{4}年(?:底|末)?前|力争|确保|争取|将|计划|预计|目标|每年|要")
_RATE_RE = re.compile(r"按(?:照)?(?:每[^,]{0,6})?$")
_PERIOD_RE = re.compile(r"(?:十三五|十四五|十五五)[”\"]?(?:期间|时期)|规划期内|期间累计")
_RATE_UNITS = frozenset({"%", "‰", "/10万", "/万", "个百分点", "岁", "周岁", "年"})
_DEADLINE_RE = re.compile(
    r"(?:到|至|截至|截止到?)(?P<y>\d{4})年(?:(?P<m>\d{1,2})月)?(?:底|末)?"
    r"|(?P<y2>\d{4})年(?:(?P<m2>\d{1,2})月)?(?:底|末)?(?:前|以前|之前)"
    r"|(?P<plan>十三五|十四五|十五五)[”\"]?(?:期间|末|时期)"
)
_FIVE_YEAR_END = {"十三五": 2020, "十四五": 2025, "十五五": 2030}
_VERB_START_RE = re.compile(
    r"^(?:建设|治理|打造|推进|实施|开展|完善|建立|健全|加强|提升|创建|新建|实现|推动|落实|发展|加快|强化|优化|促进|"
    r"提高|组织|举办|培育|新增|完成|发挥|保障|支持|引导|鼓励|探索|深化|扩大|持续|全面|基本)"
)
_TAILS = (
    "参保人数",
    "死亡率",
    "合格率",
    "覆盖率",
    "接种率",
    "发生率",
    "达标率",
    "普及率",
    "参保率",
    "入园率",
    "占比",
    "比例",
    "比重",
    "人数",
    "数量",
    "总量",
    "面积",
    "标准",
    "水平",
    "率",
    "数",
)
_CIRCLE_VERB_RE = re.compile(r"建设|形成|打造|构建|建成(?!区)|完善|实现|推进|优化|推动|覆盖")
_COMMIT_RE = re.compile(
    r"(?P<verb>建立健全|健全完善|建立完善|探索建立|加快建设|加快构建|建设|建立|健全|完善|构建|打造|制定|出台|创建|组建|成立)"
    r"(?P<obj>[^,;。]{1,40}?(?:平台|机制|体系|制度|网络|中心|标准|规划|政策|模式|格局|工程|项目库|台帐|台账|小组|清单))"
)
_QUOTES = "“”\"'‘’「」《》"


@dataclass(slots=True)
class _Q:
    """A quantity found in a clause (clause-relative offsets)."""

    start: int
    end: int  # end of number + unit
    post_end: int  # end including 以上/以下…
    value: float
    value_max: float | None
    unit: str
    unit_original: str
    post: str


def _find_quantities(clause: str) -> list[_Q]:
    found: list[_Q] = []
    for m in _QUANTITY_RE.finditer(clause):
        if m.start() and clause[m.start() - 1] in _NOT_BEFORE_NUMBER:
            continue  # inside a number, 7×24, PM2.5, 1/3
        value = float(m.group("num"))
        value_max = float(m.group("num2")) if m.group("num2") else None
        if m.group("den") is not None:
            den = m.group("den")
            if den not in ("万", "10万", "100万", "1000", "10000", "100000", "千"):
                continue
            unit_original = "/" + den
        else:
            unit_original = m.group("unit")
            if m.group("u1") and m.group("u1") != unit_original:
                continue
            if (
                unit_original == "年"
                and "." not in m.group("num")
                and not _VERB_END_RE.search(clause, max(0, m.start() - 8), m.start())
            ):
                continue  # 2021-2025年, 三年行动: a period, not a quantity; 提高到11.3年 is one
        end = m.end()
        post_m = _POST_RE.match(clause, end)
        post = post_m.group() if post_m else ""
        post_end = post_m.end() if post_m else end
        found.append(
            _Q(m.start(), end, post_end, value, value_max, canonical_unit(unit_original), unit_original, post)
        )
    return found


# --- sentence-level reading ----------------------------------------------------------------------


@dataclass(slots=True)
class _Proposal:
    indicator: str
    comparator: Comparator
    q: _Q
    kind: Kind
    firmness: Firmness
    deadline: str | None
    deadline_on: dt.date | None
    value_text: str


def _comparator(pre: str, q: _Q) -> Comparator:
    if q.value_max is not None:
        return Comparator.RANGE
    if q.post:
        return _CMP_OF[q.post]
    # 以上/以下/左右 only count after a value; before it they belong to a qualifier (3岁以下婴幼儿).
    words = [w for w in _CMP_RE.findall(pre) if w not in _POST_ONLY]
    return _CMP_OF[words[-1]] if words else Comparator.GE


def _strip_subject(pre: str) -> str:
    s = _BASELINE_RE.sub("", _BASE_YEAR_RE.sub("", pre))
    m = _tail(_SUBJECT_TAIL_RE, s)
    s = s[: m.start()] if m else s
    return _lead(s)


def _lead(s: str) -> str:
    cut = None
    for m in _CUT_RE.finditer(s):
        cut = m.end()
    if cut is not None and cut < len(s):
        s = s[cut:]
    s = _LEAD_RE.sub("", s)
    return s.strip(_QUOTES + " 、,")


def _head(pre: str) -> str:
    """The action part of an object-form clause: 认定不少于 → 认定, 全市至少建成 → 建成."""
    s = _lead(_BASELINE_RE.sub("", pre))
    s = _CMP_RE.sub("", s)
    m = _tail(_ADVERB_TAIL_RE, s)
    s = s[: m.start()] if m else s
    return s.strip(_QUOTES + " 、,")


def _object(text: str) -> str:
    """Trim an object to the noun phrase: stop at 、 + verb, quotes, 基本形成 …"""
    out = text
    for m in re.finditer("、", out):
        if _VERB_START_RE.match(out[m.end() :]):
            out = out[: m.start()]
            break
    out = out.strip(_QUOTES + " 、")
    return out[1:] if out.startswith("的") else out


def _split_items(subject: str) -> list[str]:
    items = [i for i in _ITEM_SPLIT_RE.split(subject) if i]
    return items


def _distribute_tail(items: list[str]) -> list[str]:
    last = items[-1]
    tail = next((t for t in _TAILS if last.endswith(t) and len(last) > len(t)), "")
    return [i if not tail or i.endswith(tail) else i + tail for i in items]


def _enumeration_count(pre: str, q: _Q) -> bool:
    """民生保障、民生服务、民生安全3个小组: the number counts the list before it, not a goal."""
    if q.value_max is not None or not q.value.is_integer() or q.value > 10 or "、" not in pre:
        return False
    return len(pre.split("、")) == int(q.value)


def _is_qualifier(clause: str, q: _Q) -> bool:
    """3岁以下婴幼儿, 65岁及以上老年人: an age band describing who is counted."""
    if q.unit not in ("岁", "周岁") or not q.post:
        return False
    return q.post_end < len(clause) and bool(re.match(r"[\u4e00-\u9fff]", clause[q.post_end]))


@dataclass(slots=True)
class _SentenceCtx:
    """Markers found once per sentence, looked up by position for each value in it."""

    deadline_ends: list[int]
    deadlines: list[tuple[str, dt.date]]
    firm_starts: list[int]
    firms: list[Firmness]
    past_ends: list[int]
    future_starts: list[int]
    period_ends: list[int]

    @classmethod
    def of(cls, body: str) -> _SentenceCtx:
        deadline_ends: list[int] = []
        deadlines: list[tuple[str, dt.date]] = []
        for m in _DEADLINE_RE.finditer(body):
            day = _deadline_of(m)
            if day is not None:
                deadline_ends.append(m.end())
                deadlines.append((day.isoformat(), day))
        firms = list(_FIRM_RE.finditer(body))
        return cls(
            deadline_ends,
            deadlines,
            [m.start() for m in firms],
            [Firmness.ENSURE if m.group() == "确保" else Firmness.STRIVE for m in firms],
            [m.end() for m in _PAST_RE.finditer(body)],
            [m.start() for m in _FUTURE_RE.finditer(body)],
            [m.end() for m in _PERIOD_RE.finditer(body)],
        )

    def deadline(self, pos: int) -> tuple[str, dt.date] | None:
        """The last deadline stated before ``pos`` (到2025年, 2024年底前, “十四五”期间)."""
        i = bisect_right(self.deadline_ends, pos)
        return self.deadlines[i - 1] if i else None

    def firmness(self, pos: int) -> Firmness:
        """确保 → ensure, 力争/争取/努力 → strive: the last such word before ``pos``."""
        i = bisect_left(self.firm_starts, pos)
        return self.firms[i - 1] if i else Firmness.NONE

    def is_past(self, pos: int) -> bool:
        """去年…26.8万人: a figure for the past, with no goal word (到2025年, 力争 …) after the marker."""
        i = bisect_right(self.past_ends, pos)
        if not i:
            return False
        j = bisect_left(self.future_starts, self.past_ends[i - 1])
        return j == len(self.future_starts) or self.future_starts[j] >= pos

    def in_period(self, pos: int) -> bool:
        """A “十四五”期间 (plan period) marker precedes ``pos``: the value is a total over the period."""
        return bool(self.period_ends) and self.period_ends[0] <= pos


def _deadline_of(m: re.Match[str]) -> dt.date | None:
    year = m.group("y") or m.group("y2")
    if year:
        month = m.group("m") or m.group("m2")
        try:
            return year_end(int(year), int(month) if month else None)
        except ValueError:
            return None
    if m.group("plan"):
        return dt.date(_FIVE_YEAR_END[m.group("plan")], 12, 31)
    return None


def _read_clause(
    clause: str,
    c_start: int,
    body: str,
    ctx_cache: list[_SentenceCtx],
    plan_end: dt.date | None,
    default_deadline: dt.date | None,
) -> list[tuple[_Proposal, int]]:
    """Proposals for one clause, each with its quantity (clause offsets) — see module docstring.

    ``body`` is the whole sentence; its markers are read once, on the first clause that needs them.
    """
    qs = _find_quantities(clause)
    if not qs:
        return []
    if not ctx_cache:
        ctx_cache.append(_SentenceCtx.of(body))
    ctx = ctx_cache[0]
    kept: list[_Q] = []
    pre_start: dict[int, int] = {}
    anchor = 0
    for q in qs:
        pre = clause[anchor : q.start]
        if (
            pre.endswith(("从", "由", "每"))
            or _RATE_RE.search(pre)
            or _is_qualifier(clause, q)
            or _enumeration_count(pre, q)
            or ctx.is_past(c_start + q.start)
        ):
            continue  # a baseline, a denominator, a rate, an age band, a list count, a past figure
        pre_start[id(q)] = anchor
        kept.append(q)
        anchor = q.post_end
    if not kept:
        return []
    # Group values joined only by 、/和 (380万人、305万人、720万人).
    groups: list[list[_Q]] = []
    for q in kept:
        if groups and clause[groups[-1][-1].post_end : q.start] in ("、", "和", "及", "与", "或", ""):
            groups[-1].append(q)
        else:
            groups.append([q])
    firmness = ctx.firmness(c_start + kept[0].start)
    annual_m = _ANNUAL_RE.search(clause)
    annual_at = annual_m.start() if annual_m else len(clause)
    action_m = _CUMULATIVE_RE.search(clause)
    action_at = action_m.start() if action_m else len(clause)
    out: list[tuple[_Proposal, int]] = []
    prev_head = ""
    spans: list[tuple[int, int, str]] = []  # per group: pre start, pre end, object
    for gi, group in enumerate(groups):
        first, last = group[0], group[-1]
        pre_from = pre_start[id(first)]
        nxt = groups[gi + 1][0].start if gi + 1 < len(groups) else len(clause)
        gap = clause[last.post_end : nxt]
        if gi + 1 < len(groups):
            seps = list(_LIST_SEP_RE.finditer(gap))
            obj = gap[: seps[-1].start()] if seps else gap
            # The next group's own words start after the last separator.
            nxt_pre = gap[seps[-1].end() :] if seps else ""
            pre_start[id(groups[gi + 1][0])] = nxt - len(nxt_pre)
        else:
            obj = gap
        spans.append((pre_from, first.start, _object(obj)))
    # 国家级和3个以上省级区域医疗中心: an object that is only a modifier borrows the next one's noun.
    for gi in range(len(spans) - 1):
        a, b, obj = spans[gi]
        if obj.endswith(("级", "性", "型")) and len(obj) <= 6:
            noun = re.sub(r"^[^、]{0,4}?[级性型]", "", spans[gi + 1][2])
            spans[gi] = (a, b, obj + noun)
    circle_nouns = [_circle_noun(obj) for _, _, obj in spans]
    # 中心城区10分钟、新城区建成区12分钟医疗急救圈: a bare 10分钟 takes the next circle's noun.
    next_circle: list[str | None] = [None] * (len(spans) + 1)
    for gi in range(len(spans) - 1, -1, -1):
        next_circle[gi] = circle_nouns[gi] or next_circle[gi + 1]
    for gi, group in enumerate(groups):
        pre_from, pre_to, obj = spans[gi]
        pre = clause[pre_from:pre_to]
        comparator = _comparator(pre, group[-1])
        first_at = group[0].start
        kind = _kind(
            pre, annual_at < first_at, action_at < first_at, group[0], obj, ctx.in_period(c_start + first_at)
        )
        circle = None
        if group[0].unit == "分钟":
            circle = next_circle[gi]
        if circle:
            kind = Kind.CIRCLE
            comparator = Comparator.LE if comparator is Comparator.GE else comparator
        stated = ctx.deadline(c_start + group[0].start)
        if stated is None and default_deadline is not None:
            stated = (default_deadline.isoformat(), default_deadline)
        deadline, deadline_on = stated if stated else (None, None)
        if kind in (Kind.ANNUAL, Kind.ANNUAL_CHANGE):
            deadline = "annual"
        deadline_on = deadline_on or plan_end
        object_form = bool(obj) and not circle
        if circle:
            area = _circle_area(pre)
            indicators = [area + circle if area else f"{_fmt(q.value)}分钟{circle}" for q in group]
        elif object_form:
            head = _head(pre) or prev_head
            prev_head = head
            indicators = [head + obj] * len(group)
        else:
            subject = _strip_subject(pre)
            prev_head = _head(pre) or prev_head
            items = _split_items(subject)
            if len(group) > 1 and len(items) == len(group):
                indicators = _distribute_tail(items)
            else:
                indicators = [subject] * len(group)
                if len(group) == 1 and len(items) > 1 and _tail(_BOTH_TAIL_RE, pre):
                    items = _distribute_tail(items)
                    group = group * len(items)
                    indicators = items
        if kind is Kind.ANNUAL:
            indicators = [i if i.startswith("每年") else "每年" + i for i in indicators]
        elif kind is Kind.ANNUAL_CHANGE and not object_form:
            down = re.search(r"降低|下降|减少", pre) is not None
            indicators = [i + ("年降幅" if down else "年增幅") for i in indicators]
        verb_m = _tail(_VALUE_LEAD_RE, pre)
        for q, indicator in zip(group, indicators, strict=True):
            vt_start = q.start
            if verb_m and q is group[0]:
                vt_start = pre_from + verb_m.start()
            value_text = clause[vt_start : q.post_end if q is group[-1] or q.post else q.end]
            if q.post == "" and group[-1].post:
                value_text = clause[vt_start : q.end]
            proposal = _Proposal(indicator, comparator, q, kind, firmness, deadline, deadline_on, value_text)
            out.append((proposal, vt_start))
    return out


def _circle_area(pre: str) -> str:
    """中心城区 in 中心城区10分钟…圈; nothing for 加快建设“15分钟…圈” (a verb is not an area)."""
    cut = 0
    for m in _CIRCLE_VERB_RE.finditer(pre):
        cut = m.end()
    return _lead(pre[cut:]).strip(_QUOTES)


def _circle_noun(obj: str) -> str | None:
    m = re.match(r"^[^、,]{0,10}?圈", obj)
    return m.group() if m else None


def _kind(pre: str, annual: bool, action_before: bool, q: _Q, obj: str, period: bool) -> Kind:
    """``annual``/``action_before``: 每年 / an accumulating verb earlier in the clause."""
    change = _tail(_CHANGE_TAIL_RE, _strip_cmp_tail(pre)) is not None
    if annual:
        return Kind.ANNUAL_CHANGE if change or q.unit == "个百分点" else Kind.ANNUAL
    if _PER_UNIT_RE.search(pre):
        return Kind.PER_UNIT
    if change and "基础上" in pre:
        return Kind.CUMULATIVE  # 在2020年基础上提高1岁: a change over the plan period
    if q.unit in _RATE_UNITS:
        return Kind.LEVEL
    if _CUMULATIVE_RE.search(pre) or (obj and action_before) or period:
        return Kind.CUMULATIVE
    return Kind.LEVEL


def _strip_cmp_tail(pre: str) -> str:
    m = _tail(_CMP_TAIL_RE, pre)
    return pre[: m.start()] if m else pre


_CMP_TAIL_RE = re.compile(r"(?:不少于|不低于|至少|超过|约)+$")


def _fmt(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


# --- the document ------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _SENTENCE_RE.finditer(text):
        s, e = m.span()
        while s < e and text[s] in " \n":
            s += 1
        body_end = e
        while body_end > s and text[body_end - 1] == "\n":
            body_end -= 1
        if body_end > s:
            spans.append((s, body_end))
    return spans


def _section_deadlines(text: str, nodes: tuple[OutlineNode, ...]) -> dict[int, dt.date]:
    """到2025年 opening a section (before its first sub-heading) sets the default for the section."""
    out: dict[int, dt.date] = {}
    for i, node in enumerate(nodes):
        if node.level.value != "section":
            continue
        child_start = nodes[i + 1].start if i + 1 < len(nodes) and nodes[i + 1].start < node.end else node.end
        intro = text[node.start : child_start]
        body = intro.split("\n", 1)[1] if "\n" in intro else ""
        m = _DEADLINE_RE.match(body.strip())
        if m and (m.group("y") or m.group("plan")) and not _find_quantities(body):
            year = int(m.group("y")) if m.group("y") else _FIVE_YEAR_END[m.group("plan")]
            out[node.start] = dt.date(year, 12, 31)
    return out


def extract(text: str, progress: Progress | None = None) -> Extraction:
    """Normalise ``text`` and propose its targets, commitments and outline.

    ``progress(done, total)`` is called with character counts of the normalised text (at the start,
    about every 64 KB, and at the end), so a caller can show a bar for a 5 MB document.
    """
    norm = normalise(text)
    return extract_normalised(norm, progress)


def extract_normalised(norm: Normalised, progress: Progress | None = None) -> Extraction:
    """As :func:`extract`, for text already normalised."""
    text = norm.text
    total = len(text)
    if progress:
        progress(0, total)
    meta = document_meta(norm)
    nodes = parse_outline(norm)
    starts = [n.start for n in nodes]
    defaults = _defaults_by_node(nodes, _section_deadlines(text, nodes))
    plan_end = dt.date(meta.plan_end_year, 12, 31) if meta.plan_end_year else None
    targets: list[Target] = []
    commitments: list[Commitment] = []
    next_report = 65_536
    for s_start, s_end in _sentences(text):
        if progress and s_start >= next_report:
            progress(s_start, total)
            next_report = s_start + 65_536
        marker = MARKER_RE.match(text, s_start, s_end) if _at_line_start(text, s_start) else None
        if marker:
            s_start = marker.end()
        sentence = text[s_start:s_end]
        if not _DIGIT_RE.search(sentence) and not _COMMIT_HINT_RE.search(sentence):
            continue
        node = node_at(nodes, starts, s_start)
        default = defaults.get(node.start) if node is not None else None
        _read_sentence(norm, sentence, s_start, node, plan_end, default, targets, commitments)
    kept, dupes = _dedupe(targets)
    if progress:
        progress(total, total)
    return Extraction(norm, meta, nodes, tuple(kept), tuple(commitments), tuple(dupes))


def _at_line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _defaults_by_node(
    nodes: tuple[OutlineNode, ...], section_default: dict[int, dt.date]
) -> dict[int, dt.date]:
    """Node start → the deadline its section's opening sentence set (only nodes that have one)."""
    out: dict[int, dt.date] = {}
    current: dt.date | None = None
    for node in nodes:
        if node.level.value == "section":
            current = section_default.get(node.start)
        if current is not None:
            out[node.start] = current
    return out


_DIGIT_RE = re.compile(r"\d")
_COMMIT_HINT_RE = re.compile(
    r"平台|机制|体系|制度|网络|中心|标准|规划|政策|模式|格局|工程|项目库|台帐|台账|小组|清单"
)


def _read_sentence(
    norm: Normalised,
    sentence: str,
    offset: int,
    node: OutlineNode | None,
    plan_end: dt.date | None,
    default: dt.date | None,
    targets: list[Target],
    commitments: list[Commitment],
) -> None:
    body = sentence.rstrip("。!?;！？；")
    has_digit = _DIGIT_RE.search(body) is not None
    if not has_digit and _COMMIT_RE.search(body) is None:
        return
    task = node.title if node else None
    path = node.path if node else ()
    s_span = (offset, offset + len(sentence))
    s_orig = norm.span_to_original(*s_span)
    ctx_cache: list[_SentenceCtx] = []
    for cm in _CLAUSE_RE.finditer(body):
        c_start, clause = cm.start(), cm.group()
        proposals = (
            _read_clause(clause, c_start, body, ctx_cache, plan_end, default)
            if has_digit and _DIGIT_RE.search(clause)
            else []
        )
        for p, vt_start in proposals:
            v_span = (offset + c_start + vt_start, offset + c_start + p.q.post_end)
            targets.append(
                Target(
                    indicator=p.indicator,
                    comparator=p.comparator,
                    value=p.q.value,
                    value_max=p.q.value_max,
                    unit=p.q.unit,
                    unit_original=p.q.unit_original,
                    kind=p.kind,
                    firmness=p.firmness,
                    deadline=p.deadline,
                    deadline_on=p.deadline_on,
                    sentence=sentence,
                    sentence_span=s_span,
                    sentence_span_orig=s_orig,
                    value_text=p.value_text,
                    value_span=v_span,
                    value_span_orig=norm.span_to_original(*v_span),
                    task=task,
                    outline=path,
                )
            )
        if not proposals:
            m = _COMMIT_RE.search(clause)
            if m:
                text = clause.strip(" 、")
                c_span = (offset + c_start, offset + c_start + len(clause))
                commitments.append(
                    Commitment(m.group("verb"), text, c_span, norm.span_to_original(*c_span), task, path)
                )


def _dedupe(targets: list[Target]) -> tuple[list[Target], list[Target]]:
    """A target restated later (a goal repeated in a task) is kept once, at its last statement."""
    last: dict[tuple[object, ...], int] = {}
    for i, t in enumerate(targets):
        last[(t.indicator, t.value, t.value_max, t.unit, t.comparator, t.kind)] = i
    kept: list[Target] = []
    dupes: list[Target] = []
    for i, t in enumerate(targets):
        key = (t.indicator, t.value, t.value_max, t.unit, t.comparator, t.kind)
        j = last[key]
        if j != i and targets[j].sentence_span != t.sentence_span:
            dupes.append(t)
        else:
            kept.append(t)
    return kept, dupes


def proposals_as_dicts(extraction: Extraction) -> list[dict[str, object]]:
    """The targets as JSON-ready dicts (the CLI's output)."""
    return [t.as_dict() for t in extraction.targets]


__all__ = ["Progress", "canonical_unit", "extract", "extract_normalised", "proposals_as_dicts"]
