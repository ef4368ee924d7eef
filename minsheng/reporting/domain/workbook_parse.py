"""Cell parsers for the ledger import: text, numbers with Chinese magnitudes and units, dates, integers.

Each parser takes the raw value openpyxl gives (str, int, float, bool, datetime, or other objects for
exotic formulas) and returns the typed value or raises `CellProblem` with a Chinese message.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from minsheng.reporting.domain.workbook_schema import is_percent_unit
from minsheng.reporting.domain.xlsx_safety import FORMULA_GUARD, restore_text

# Excel stores numbers as doubles and shows 15 significant digits; reading with the same precision makes
# every decimal of up to 15 significant digits survive export → import exactly.
_FLOAT_FORMAT = ".15g"
MAX_ABS_NUMBER = Decimal("1e15")
_EXCEL_EPOCH = date(1899, 12, 30)
_MIN_SERIAL, _MAX_SERIAL = 1, 2_958_465  # 1900-01-01 … 9999-12-31
_MAGNITUDES = {"亿": Decimal(100_000_000), "万": Decimal(10_000)}
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NUMBER = re.compile(r"([+-]?)(\d[\d,]*(?:\.\d*)?|\.\d+)(.*)", re.DOTALL)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_YMD_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YM_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|末前|底前)?")
_Y_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|年底|年末)")
_FORMULA_STARTS = ("=", "＝")
_SPECIAL_FIRST = frozenset((FORMULA_GUARD, "=", "＝"))
_TRUE = frozenset(("1", "是", "true", "yes", "y", "锁定"))
_FALSE = frozenset(("0", "否", "false", "no", "n", ""))


class CellProblem(ValueError):
    """A cell that cannot be accepted; `message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def unescape_ooxml(text: str) -> str:
    """Decode the `_xHHHH_` escapes Excel and xlsxwriter write for control characters (and `_x005F_` for "_")."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _formula_problem() -> CellProblem:
    return CellProblem(
        "单元格包含公式或以“=”开头，系统不接受公式。请填写文字本身；如确需以“=”开头，请在前面加一个空格。"
    )


def cell_text(value: object) -> str:
    """Any non-empty cell as the text it stands for: guard removed, escapes decoded; formulas refused.

    Numbers become their shortest text (12.5 → "12.5"), dates ISO dates. A text starting with "=" or "＝"
    is accepted only when it carries the export guard (it was exported that way, not typed as a formula).
    """
    if type(value) is str:
        text = value
    elif isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    elif isinstance(value, int):
        return str(value)
    elif isinstance(value, float):
        return format(value, _FLOAT_FORMAT)
    elif isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, str):
        text = str(value)
    else:
        raise _formula_problem()  # array and data-table formulas arrive as objects
    text = unescape_ooxml(text)
    if "\x00" in text:
        raise CellProblem("单元格含有不可见的控制字符（NUL），请删除后重新填写。")
    if text and text[0] in _SPECIAL_FIRST:
        text, guarded = restore_text(text)
        if not guarded and text.startswith(_FORMULA_STARTS):
            raise _formula_problem()
    return text


def parse_text(value: object, *, max_len: int) -> str:
    """A free-text cell: empty → "", otherwise `cell_text` within `max_len` characters."""
    if value is None:
        return ""
    text = cell_text(value)
    if max_len and len(text) > max_len:
        raise CellProblem(f"内容过长（{len(text)} 字，上限 {max_len} 字），请精简后重新填写。")
    return text


def _normalise_number_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).replace("−", "-")
    return "".join(folded.split())


def _decimal_from_float(value: float) -> Decimal:
    if value != value or value in (float("inf"), float("-inf")):
        raise CellProblem("数值无效（非数字或无穷大）。")
    return Decimal(format(value, _FLOAT_FORMAT))


def _unit_magnitude(unit: str) -> tuple[Decimal, str]:
    """ "万人" → (10000, "人"); "人" → (1, "人")."""
    folded = _normalise_number_text(unit)
    for prefix, factor in _MAGNITUDES.items():
        if folded.startswith(prefix) and len(folded) > len(prefix):
            return factor, folded[len(prefix) :]
    return Decimal(1), folded


def _parse_number_text(text: str, unit: str) -> Decimal:
    """ "１２.５万" / "12,500人" / "85%" / "-3.2" → a Decimal in `unit`."""
    folded = _normalise_number_text(text)
    if folded.startswith(_FORMULA_STARTS):
        raise _formula_problem()
    match = _NUMBER.fullmatch(folded)
    if match is None:
        raise CellProblem(
            "不是有效的数字。请填写阿拉伯数字，可带“万”“亿”或与计量单位一致的单位，例如 12.5 或 12.5万。"
        )
    sign, digits, suffix = match.groups()
    if "," in digits:
        if not _THOUSANDS.fullmatch(digits):
            raise CellProblem("千分位逗号的位置不正确（应每三位一个，如 12,500），请检查。")
        digits = digits.replace(",", "")
    try:
        number = Decimal(sign + digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid literals
        raise CellProblem("不是有效的数字。") from exc
    if not suffix:
        return number
    folded_unit = _normalise_number_text(unit)
    if suffix == folded_unit:
        return number
    if suffix == "%":
        raise CellProblem(f"该指标的计量单位是“{unit}”，不能填写百分数。")
    magnitude = Decimal(1)
    rest = suffix
    for prefix, factor in _MAGNITUDES.items():
        if suffix.startswith(prefix):
            magnitude, rest = factor, suffix[len(prefix) :]
            break
    unit_factor, unit_base = _unit_magnitude(unit)
    if rest and rest != unit_base:
        shown = f"“{unit}”" if unit else "（无单位）"
        raise CellProblem(f"数字后的单位“{suffix}”与该指标的计量单位{shown}不一致，请按计量单位填写数字。")
    return number * magnitude / unit_factor


def parse_number(value: object, *, unit: str) -> Decimal | None:
    """A number cell in `unit`: numeric cells as they are (for unit "%" the cell holds a fraction),
    text with full-width digits, thousands separators, 万/亿 and a matching unit converted."""
    if value is None:
        return None
    if type(value) is int:
        number = Decimal(value)
    elif type(value) is float:
        number = _decimal_from_float(value)
    elif isinstance(value, str):
        text = cell_text(value)
        if not text.strip():
            return None
        number = _parse_number_text(text, unit)
        if abs(number) > MAX_ABS_NUMBER:
            raise CellProblem("数值过大，请检查是否多填了位数或单位。")
        return number
    else:
        raise CellProblem(
            "应填写数字。" if not isinstance(value, bool | date) else "应填写数字，不能填写日期或是/否。"
        )
    if is_percent_unit(unit):
        number = number * 100
    if abs(number) > MAX_ABS_NUMBER:
        raise CellProblem("数值过大，请检查是否多填了位数或单位。")
    return number


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellProblem(f"日期不存在（{year}年{month}月{day}日），请检查。") from exc


def parse_date(value: object) -> date | None:
    """A date cell, an Excel serial number, or text such as 2024-12-31, 2024/12/31, 2024年12月31日,
    20241231, 2024年6月底 (→ the month's last day) or 2024年底 (→ 31 December)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellProblem("应填写日期，例如 2024-12-31。")
    if isinstance(value, int | float):
        if value != int(value) or not _MIN_SERIAL <= value <= _MAX_SERIAL:
            raise CellProblem("应填写日期，例如 2024-12-31。")
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = _normalise_number_text(cell_text(value))
    if not text:
        return None
    if m := _YMD.fullmatch(text) or _YMD_COMPACT.fullmatch(text):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _YM_END.fullmatch(text):
        year, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise CellProblem(f"月份不存在（{month}月），请检查。")
        return date(year, month, monthrange(year, month)[1])
    if m := _Y_END.fullmatch(text):
        return date(int(m.group(1)), 12, 31)
    raise CellProblem("不是有效的日期。请填写如 2024-12-31、2024年12月31日 或 2024年12月底。")


def parse_int(value: object, *, minimum: int = 0) -> int | None:
    """A whole number (numeric cell or digits, full-width allowed), at least `minimum`."""
    if value is None:
        return None
    if type(value) is int:
        number = value
    elif type(value) is float and value == int(value):
        number = int(value)
    elif isinstance(value, str):
        text = _normalise_number_text(cell_text(value))
        if not text:
            return None
        if not text.lstrip("-").isdigit() or not text.isascii():
            raise CellProblem("应填写整数。")
        number = int(text)
    else:
        raise CellProblem("应填写整数。")
    if number < minimum:
        raise CellProblem(f"应填写不小于 {minimum} 的整数。")
    return number


def parse_flag(value: object) -> bool:
    """A yes/no cell: 1/0, TRUE/FALSE, 是/否; empty is no."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if type(value) is int or type(value) is float:
        if value in (0, 1):
            return bool(value)
        raise CellProblem("应填写 1 或 0。")
    text = _normalise_number_text(cell_text(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellProblem("应填写“是”或“否”。")


def split_units(text: str) -> tuple[str, ...]:
    """ "市人社局、市财政局，各区" → ("市人社局", "市财政局", "各区")."""
    return tuple(part.strip() for part in re.split(r"[、，,;；\n\r]+", text) if part.strip())
