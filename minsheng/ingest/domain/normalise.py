"""Normalise a scraped Chinese policy text, keeping a map back to every original character.

Steps, in order (each one an edit list, so offsets compose):

1. line ends and invisible characters (CR LF → LF; zero-width spaces, soft hyphens, NUL dropped);
2. inserted pinyin annotations dropped: ``區(qū)`` → ``區``; real parentheses stay (``(户)``, ``(工种)``);
3. mojibake detected (on the text as it then is) and flagged for review, never rewritten;
4. traditional → simplified with OpenCC ``t2s``;
5. full-width ASCII → ASCII, ideographic/no-break spaces, dashes between numbers (1—2 → 1-2),
   spaces next to Chinese text dropped, thousands separators dropped;
6. Chinese numerals in quantity contexts → digits (see :mod:`.numbers`).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Protocol

from .numbers import Edit, numeral_edits
from .types import Normalised, ReviewFlag

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’、…—·"


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def t2s_converter() -> _Converter:
    """The shared OpenCC traditional→simplified converter (built once; it loads dictionaries)."""
    import opencc

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


# --- edits and offset maps -------------------------------------------------------------------


def apply_edits(text: str, offsets: array[int], edits: Sequence[Edit]) -> tuple[str, array[int]]:
    """Apply sorted, non-overlapping ``(start, end, replacement)`` edits; carry the offset map.

    A replacement's characters map proportionally onto the span they replace (its last character
    onto the span's last character), so highlights stay inside what produced them. An insertion
    maps to the character after it.
    """
    if not edits:
        return text, offsets
    pieces: list[str] = []
    out = array("q")
    pos = 0
    for start, end, repl in edits:
        pieces.append(text[pos:start])
        out.extend(offsets[pos:start])
        pieces.append(repl)
        width = end - start
        m = len(repl)
        if m:
            if width <= 0:
                out.extend([offsets[start]] * m)
            elif m == 1:
                out.append(offsets[start])
            else:
                out.extend(offsets[start + (i * (width - 1)) // (m - 1)] for i in range(m))
        pos = end
    pieces.append(text[pos:])
    out.extend(offsets[pos:])
    return "".join(pieces), out


_IDENTITY: list[array[int]] = [array("q", range(1 << 16))]


def _identity(n: int) -> array[int]:
    """``array([0, 1, …, n])``: a slice of a cached identity map (a memcpy, not a Python loop)."""
    cached = _IDENTITY[0]
    if len(cached) <= n:
        cached = array("q", range(max(n + 1, 2 * len(cached))))
        _IDENTITY[0] = cached
    return cached[: n + 1]


# --- step 1: line ends, invisible characters ---------------------------------------------------

_INVISIBLE_RE = re.compile("\r\n?|[\u200b-\u200d\u2060\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _invisible_edits(text: str) -> list[Edit]:
    return [(m.start(), m.end(), "\n" if m.group()[0] == "\r" else "") for m in _INVISIBLE_RE.finditer(text)]


# --- step 2: pinyin annotations ----------------------------------------------------------------

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONE_BASE = str.maketrans(_TONED, "aaaaeeeeiiiioooouuuuüüüünnnm")
_PINYIN_RE = re.compile(rf"(?<=\S)[(（](?P<py>[a-zü{_TONED}]{{1,6}}(?: [a-zü{_TONED}]{{1,6}}){{0,3}})[)）]")
_SYLLABLE_RE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ong|iao|ian|uai|uan|üan|van|ing|ai|ei|ao|ou|an|en|er|ia|ie|"
    r"in|iu|ua|uo|ui|un|üe|ve|ue|ün|vn|a|o|e|i|u|ü|v|m|n|ng)"
)
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")


@lru_cache(maxsize=2048)
def _is_pinyin(annotation: str, after_cjk: bool) -> bool:
    toned = any(ch in _TONED for ch in annotation)
    if not toned and (not after_cjk or any(len(word) < 2 for word in annotation.split(" "))):
        return False  # a toneless "(a)" is more likely a real label than a neutral-tone reading
    return all(_SYLLABLE_RE.fullmatch(word.translate(_TONE_BASE)) for word in annotation.split(" "))


def pinyin_edits(text: str) -> list[Edit]:
    """Edits deleting inserted pinyin: ``區(qū)``, ``鄉(xiāng)``, ``F(xiàn)`` (after a broken character).

    A toneless annotation is removed only after a Chinese character, only if it spells pinyin and
    has two letters or more, so ``(户)``, ``(PPP)``, ``(a)`` and other real parentheses stay.
    """
    if "(" not in text and "（" not in text:
        return []
    edits: list[Edit] = []
    for m in _PINYIN_RE.finditer(text):
        prev = text[m.start() - 1]
        if _is_pinyin(m.group("py"), bool(_CJK_CHAR_RE.match(prev))):
            edits.append((m.start(), m.end(), ""))
    return edits


# --- step 3: mojibake --------------------------------------------------------------------------

# Strong signs: bopomofo, box drawing, 'digit full stop' symbols, U+FFFD, a bare ASCII '?', a lone
# toned Latin letter, ASCII braces/pipes — none of which belongs in running Chinese text.
_STRONG_CLASS = "\u3100-\u312f\u31a0-\u31bf\u2500-\u257f\u2488-\u249b\ufffd?{}|\\\\^`"
_UTF8_AS_CP1252 = "[ÃÂ][\x80-\xbf]|[âäåæçèéï][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
_LATIN_CLASS = f"A-Za-z{_TONED}"
_ALNUM_RE = re.compile(f"[0-9{_LATIN_CLASS}]")


@lru_cache(maxsize=1)
def _suspect_re() -> re.Pattern[str]:
    """Any character worth a look: strong signs, Latin letters, rare CJK (one class: a fast scan)."""
    rare = _rare_class()
    return re.compile(f"[{_STRONG_CLASS}ÃÂâäåæçèéï{_LATIN_CLASS}{rare[1:-1]}]")


_STRONG_SET = frozenset("\ufffd?{}|\\^`") | frozenset(
    chr(c)
    for lo, hi in ((0x3100, 0x312F), (0x31A0, 0x31BF), (0x2500, 0x257F), (0x2488, 0x249B))
    for c in range(lo, hi + 1)
)
_UTF8_RE = re.compile(_UTF8_AS_CP1252)
_LATIN_RUN_RE = re.compile(f"[{_LATIN_CLASS}]+")


_GAP = 2  # suspicious characters this close together belong to one span


@lru_cache(maxsize=1)
def _rare_class() -> str:
    """A regex class of CJK characters outside the 3,755 common ones (GB2312 level 1) even after t2s."""
    chars = [chr(cp) for cp in range(0x4E00, 0xA000)]
    simplified = t2s_converter().convert("\n".join(chars)).split("\n")
    if len(simplified) != len(chars):  # pragma: no cover - OpenCC keeps one line per line
        simplified = chars
    rare: list[int] = []
    for ch, simple in zip(chars, simplified, strict=True):
        if not (_is_common(ch) or _is_common(simple)):
            rare.append(ord(ch))
    ranges: list[str] = []
    i = 0
    while i < len(rare):
        j = i
        while j + 1 < len(rare) and rare[j + 1] == rare[j] + 1:
            j += 1
        ranges.append(chr(rare[i]) if i == j else f"{chr(rare[i])}-{chr(rare[j])}")
        i = j + 1
    return "[" + "".join(ranges) + "\u3400-\u4dbf]"


def _is_common(ch: str) -> bool:
    if len(ch) != 1:
        return False
    try:
        raw = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(raw) == 2 and 0xB0 <= raw[0] <= 0xD7


@lru_cache(maxsize=4096)
def _plausible(ch: str) -> bool:
    return _is_common(ch) or ch in "（）()、，。：；“”" or _is_common(t2s_converter().convert(ch))


# First GBK byte of 一 … 十: a shifted heading keeps it even when the second byte is lost.
_NUMERAL_FIRST_BYTE = {
    0xD2: "一",
    0xB6: "二",
    0xC8: "三",
    0xCB: "四",
    0xCE: "五",
    0xC1: "六",
    0xC6: "七",
    0xB0: "八",
    0xBE: "九",
    0xCA: "十",
}


def repair_heading_marker(span: str) -> str | None:
    """Recover the outline marker of a heading whose GBK bytes were read one byte off.

    ``?。ㄒ唬`` → ``（一）``, ``?。ǘ`` → ``（二）``, ``?。ㄈ`` → ``（三）``; ``None`` otherwise.
    """
    found = _shifted_marker(span)
    return None if found is None else found[0]


def _shifted_marker(span: str) -> tuple[str, bytes] | None:
    """The marker and the bytes after it, for a heading read one byte off."""
    raw = _gbk_bytes(span.lstrip("?"))
    if raw is None or len(raw) < 4:
        return None
    shifted = raw[1:]
    if shifted[:2] != b"\xa3\xa8" or shifted[2] not in _NUMERAL_FIRST_BYTE:
        return None
    numeral = _NUMERAL_FIRST_BYTE[shifted[2]]
    second = numeral.encode("gbk")[1]
    if len(shifted) < 4:
        rest = b""
    elif shifted[3] == second and shifted[4:6] == b"\xa3\xa9":
        rest = shifted[6:]  # nothing lost: （ 一 ）
    elif shifted[3] == 0xA9:
        rest = shifted[4:]  # the pair straddling the numeral and ） was dropped, still aligned
    else:
        rest = b""  # more was dropped: only the marker is certain
    return f"（{numeral}）", rest


def _gbk_bytes(text: str) -> bytes | None:
    try:
        return text.encode("gbk")
    except UnicodeEncodeError:
        return None


def _plausible_prefix(decoded: str) -> str:
    n = 0
    while n < len(decoded) and _plausible(decoded[n]):
        n += 1
    return decoded[:n]


def _redecode(span: str) -> str | None:
    """UTF-8 bytes that were read as GBK, cp1252 or Latin-1, decoded back; ``None`` if not that."""
    for enc in ("gbk", "cp1252", "latin-1"):
        try:
            fixed = span.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != span and _CJK_CHAR_RE.search(fixed):
            return fixed
    return None


def _redecode_lossy(span: str) -> str | None:
    """As :func:`_redecode` for GBK when the last bytes were lost (the span ends in U+FFFD)."""
    body = span.rstrip("\ufffd?")
    if body == span or len(body) < 2:
        return None
    raw = _gbk_bytes(body)
    if raw is None:
        return None
    fixed = raw.decode("utf-8", errors="replace").rstrip("\ufffd")
    if "\ufffd" in fixed or len(fixed) < 2 or not all(_plausible(ch) for ch in fixed):
        return None
    return fixed


def repair_mojibake(span: str) -> tuple[str | None, bool]:
    """A repair candidate for a mojibake span, and whether it covers the whole span.

    Tries, in order: UTF-8 read as GBK (``锛堜竴锛`` → ``（一）``), UTF-8 read as cp1252 or
    Latin-1 (these round trips are exact: ``complete``), then GBK read one byte off (the seed's
    damage: ``?。ㄒ唬…`` → ``（一）…``). That last one loses whatever pairs the scraper dropped,
    so it is never ``complete`` and offers only the plausible prefix (``…`` where it stops);
    ``None`` when fewer than two characters could be recovered.
    """
    fixed = _redecode(span)
    if fixed is not None:
        return fixed, True
    lost_tail = _redecode_lossy(span)
    if lost_tail is not None:
        return lost_tail + "…", False
    marker = _shifted_marker(span)
    if marker is not None:
        head, rest = marker
        decoded = rest.decode("gbk", errors="replace")
        prefix = _plausible_prefix(decoded)
        # Never "complete": pairs the scraper dropped leave no trace (更 vanished from 更高质量).
        return head + prefix + ("" if prefix and prefix == decoded else "…"), False
    raw = _gbk_bytes(span.replace("?", ""))
    if raw is None:
        return None, False
    decoded = raw[1:].decode("gbk", errors="replace")
    prefix = _plausible_prefix(decoded)
    if len(prefix) >= 3 and prefix == decoded:
        return prefix, False
    if len(prefix) >= 2:
        return prefix + "…", False
    return None, False


def detect_mojibake(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that look like mojibake (mis-decoded bytes), sorted.

    Scores suspicious characters (strong 1.0: bopomofo, box drawing, bare ``?``, lone toned
    letters …; 0.7: a stray Latin letter next to Chinese; 0.5: a rare CJK character) and keeps
    clusters worth ≥ 1.5 with at least one strong sign, or ≥ 4 rare characters that decode.
    """
    hits: list[tuple[int, int, float, bool, bool]] = []  # start, end, weight, strong, rare
    n = len(text)
    search = _suspect_re().search
    pos = 0
    while True:
        m = search(text, pos)
        if m is None:
            break
        start = m.start()
        ch = text[start]
        pos = start + 1
        if ch in _STRONG_SET:
            if ch != "?" or _near_cjk(text, start, pos):
                hits.append((start, pos, 1.0, True, False))
            continue
        utf8 = _UTF8_RE.match(text, start) if ch in "ÃÂâäåæçèéï" else None
        if utf8 is not None:
            pos = utf8.end()
            hits.append((start, pos, 1.0, True, False))
            continue
        latin = _LATIN_RUN_RE.match(text, start)
        if latin is None:
            if ch not in "ÃÂâäåæçèéï":
                hits.append((start, pos, 0.5, False, True))  # a rare CJK character
            continue
        end = pos = latin.end()
        word = latin.group()
        if (
            len(word) > 6
            or (start and _ALNUM_RE.match(text[start - 1]))
            or (end < n and _ALNUM_RE.match(text[end]))
            or not _near_cjk(text, start, end)
        ):
            continue
        if any(c in _TONED for c in word):
            lone = len(word) == 1 or not _is_pinyin(word, True)
            hits.append((start, end, 1.0 if lone else 0.5, lone, False))
        elif (len(word) <= 2 and not word.isupper()) or len(word) == 1:
            hits.append((start, end, 0.7, False, False))
    if not hits:
        return []
    spans: list[tuple[int, int]] = []
    start, end, score, strong, rare = hits[0][0], hits[0][1], hits[0][2], hits[0][3], int(hits[0][4])
    for s, e, w, st, ra in hits[1:]:
        if s - end <= _GAP:
            end, score, strong, rare = max(end, e), score + w, strong or st, rare + ra
            continue
        kept = _keep(text, start, end, score, strong, rare)
        if kept:
            spans.append(kept)
        start, end, score, strong, rare = s, e, w, st, int(ra)
    kept = _keep(text, start, end, score, strong, rare)
    if kept:
        spans.append(kept)
    return spans


def _keep(text: str, start: int, end: int, score: float, strong: bool, rare: int) -> tuple[int, int] | None:
    keep = (strong and score >= 1.5) or (rare >= 4 and score >= 2.0)
    if not keep:
        return None
    if rare < 3 and _UTF8_RE.search(text, start, end) is None:
        return (start, end) if strong else None  # not UTF-8 read as GBK/cp1252: nothing to widen
    # A re-decoding only works on whole byte sequences: try the cluster's edges a little wider.
    for s in range(start, max(-1, start - 3), -1):
        for e in range(end, min(len(text), end + 3) + 1):
            if _redecode(text[s:e]) is not None:
                return s, e
    return (start, end) if strong or rare >= 6 else None


_NEAR_RE = re.compile(f"[{_CJK}{_CJK_PUNCT}\u3100-\u312f\u2500-\u257f\u2488-\u249b]")


def _near_cjk(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return bool(_NEAR_RE.match(before) or _NEAR_RE.match(after))


# --- step 4: traditional → simplified -----------------------------------------------------------


def t2s_edits(text: str) -> tuple[str, list[Edit] | None]:
    """Convert with OpenCC; return ``(converted, None)`` when lengths match (the usual case).

    Otherwise return the text unchanged with edits aligning each changed line by difflib.
    """
    converted = t2s_converter().convert(text)
    if len(converted) == len(text):
        return converted, None
    edits: list[Edit] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        new = t2s_converter().convert(line)
        if new != line:
            matcher = SequenceMatcher(None, line, new, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    edits.append((pos + i1, pos + i2, new[j1:j2]))
        pos += len(line)
    return text, edits


# --- step 5: widths, dashes, spaces ------------------------------------------------------------

_WIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x202F: 0x20})
_WIDTH.update({0xFE6A: ord("%"), 0x2215: ord("/")})
_WIDTH_MAP = {chr(k): chr(v) for k, v in _WIDTH.items()}
_WIDTH_RE = re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(_WIDTH)) + "]")


def fold_width(text: str) -> str:
    """Full-width ASCII → ASCII, odd spaces → space, ﹪ → %; one character for one (offsets hold)."""
    return _WIDTH_RE.sub(lambda m: _WIDTH_MAP[m.group()], text)


_DASH_RE = re.compile(r"\d[ \t]*[—–－~～―−‐‑﹣]{1,2}[ \t]*(?=\d)")
_SPACE_RE = re.compile(r"[ \t]+")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,])(?!\.\d)")
_SPACE_NEIGHBOUR = re.compile(f"[{_CJK}{_CJK_PUNCT}\n]")


def layout_edits(text: str) -> list[Edit]:
    """Dash, space and thousands-separator edits (run after the width table)."""
    edits: list[Edit] = [(m.start() + 1, m.end(), "-") for m in _DASH_RE.finditer(text)]
    n = len(text)
    for m in _SPACE_RE.finditer(text):
        s, e = m.span()
        before = text[s - 1] if s else "\n"
        after = text[e] if e < n else "\n"
        if (
            _SPACE_NEIGHBOUR.match(before)
            or _SPACE_NEIGHBOUR.match(after)
            or before.isdigit()
            or after.isdigit()
        ):
            edits.append((s, e, ""))
        elif e - s > 1 or m.group() != " ":
            edits.append((s, e, " "))
    for m in _THOUSANDS_RE.finditer(text):
        if m.start() and text[m.start() - 1] in "0123456789.,":
            continue
        for k, ch in enumerate(m.group()):
            if ch == ",":
                edits.append((m.start() + k, m.start() + k + 1, ""))
    edits.sort()
    merged: list[Edit] = []
    for edit in edits:
        if merged and edit[0] < merged[-1][1]:
            continue
        merged.append(edit)
    return merged


# --- the pipeline ------------------------------------------------------------------------------


def normalise(text: str) -> Normalised:
    """Normalise ``text`` (see the module docstring); flags mojibake for review.

    Linear in the length of the text; the offset map costs 8 bytes per character.
    """
    offsets = _identity(len(text))
    cur, offsets = apply_edits(text, offsets, _invisible_edits(text))
    cur, offsets = apply_edits(cur, offsets, pinyin_edits(cur))
    moji = [(int(offsets[s]), int(offsets[e - 1]) + 1, cur[s:e]) for s, e in detect_mojibake(cur)]
    converted, edits = t2s_edits(cur)
    if edits is None:
        cur = converted
    else:
        cur, offsets = apply_edits(cur, offsets, edits)
    cur = fold_width(cur)
    cur, offsets = apply_edits(cur, offsets, layout_edits(cur))
    cur, offsets = apply_edits(cur, offsets, numeral_edits(cur))
    result = Normalised(cur, text, offsets)
    flags = tuple(_flag(result, o_start, o_end, span) for o_start, o_end, span in moji)
    return Normalised(cur, text, offsets, flags)


def _flag(norm: Normalised, o_start: int, o_end: int, span: str) -> ReviewFlag:
    start, end = norm.span_from_original(o_start, o_end)
    suggestion, complete = repair_mojibake(span)
    note = (
        "疑似乱码（编码错读），请对照原件核对。Suspected mojibake (mis-decoded bytes); check against the source."
        if suggestion is None
        else "疑似乱码，已给出修复建议，请核对。Suspected mojibake; a repair is suggested, please check."
    )
    return ReviewFlag(
        "mojibake", start, end, o_start, o_end, norm.original[o_start:o_end], suggestion, complete, note
    )


def normalise_fragment(text: str) -> str:
    """Normalised text only (for comparing sentences, units, catalog entries)."""
    return normalise(text).text


def iter_lines(text: str) -> Iterable[tuple[int, str]]:
    """``(start, line)`` for each line of ``text`` without its newline."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1
