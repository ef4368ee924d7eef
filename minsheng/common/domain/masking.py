"""Masking and checking personal data (个人信息): mobile and landline numbers, ID numbers, addresses, names.

Pure functions, no Django. Every `mask_*` function accepts any string (including garbage) and never returns
more of it than its rule keeps; a value it cannot recognise is starred almost entirely. Display rules follow
common practice on Chinese government systems (GB/T 35273 去标识化 examples):

* mobile      13812345678         → 138****5678        (first 3, last 4)
* ID number   420102199001011237  → 420102********1237 (first 6 = region, last 4)
* landline    027-87654321        → 027-****4321       (area code, last 4)
* address     湖北省武汉市江岸区解放大道1号 → 湖北省武汉市江岸区****  (down to the district level)
* name        张三 → 张*, 欧阳娜娜 → 欧阳**               (the surname)
"""

from __future__ import annotations

import datetime as dt
import re

STAR = "*"

# GB 11643-1999: weights 2^(17-i) mod 11 for the first 17 digits, and the check character for sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Province-level region codes (GB/T 2260 first two digits), 71/81/82 included (Taiwan, Hong Kong, Macao).
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82}
)

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")
# Two-character surnames (复姓) that keep both characters when a name is masked.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "南宫",
        "西门",
        "独孤",
        "端木",
        "申屠",
        "公羊",
        "澹台",
        "太史",
        "呼延",
        "闻人",
        "万俟",
        "濮阳",
        "淳于",
        "单于",
        "赫连",
        "第五",
        "拓跋",
        "百里",
        "东郭",
        "歐陽",
        "諸葛",
        "司馬",
        "上官",
    ]
)

# Administrative levels down to the county (区/县/旗 or a county-level 市). Each level's name may not contain
# the characters that start a street address, so a match never reaches past the district.
_NAME = r"[^省市区县旗州盟街路道巷弄号號镇乡村组栋楼室幢单元\d０-９]"
_ADDRESS_PREFIX = re.compile(
    rf"^(?:{_NAME}{{2,7}}?(?:省|自治区|特别行政区))?"
    rf"(?:{_NAME}{{2,9}}?(?:市|自治州|地区|盟))?"
    rf"(?:{_NAME}{{1,9}}?(?:区|县|旗|市))?"
)


def normalise_phone(value: str) -> str:
    """Digits of a phone number: spaces, dashes and brackets dropped, a +86 / 0086 country prefix removed."""
    text = _SEPARATORS.sub("", value.strip())
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    return text


def is_valid_mobile(value: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19 (separators and +86 allowed)."""
    return _MOBILE.fullmatch(normalise_phone(value)) is not None


def id_check_character(first17: str) -> str:
    """The GB 11643 check character ('0'–'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("需要17位数字")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    """An 18-character resident ID number (GB 11643-1999): a province code, a real birth date (1800 onwards:
    the standard's own example was born in 1880), and the right check character (a lower-case x is accepted)."""
    text = value.strip().upper()
    if len(text) != 18 or not text[:17].isascii() or not text[:17].isdigit():
        return False
    if int(text[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    return born.year >= 1800 and id_check_character(text[:17]) == text[17]


def _star_all_but(text: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters; star the rest (all of it if too short)."""
    if len(text) <= head + tail:
        return STAR * len(text)
    return text[:head] + STAR * (len(text) - head - tail) + text[len(text) - tail :]


def mask_mobile(value: str) -> str:
    """138****5678. A value that is not a mobile number is masked as a landline."""
    digits = normalise_phone(value)
    if _MOBILE.fullmatch(digits) is None:
        return mask_landline(value)
    return _star_all_but(digits, 3, 4)


def mask_landline(value: str) -> str:
    """027-****4321: the area code (0 and 2–3 digits, when written with a separator) and the last 4 digits.

    Anything of 6 characters or fewer is starred entirely."""
    text = value.strip()
    area = ""
    match = re.match(r"^(?:\+86[\s-]?)?[(（]?(0\d{2,3})[\s\-)）]+", text)
    if match:
        area, text = match.group(1) + "-", text[match.end() :]
    digits = _SEPARATORS.sub("", text)
    if len(digits) <= 6:
        return area + STAR * len(digits)
    return area + _star_all_but(digits, 0, 4)


def mask_phone(value: str) -> str:
    """A mobile as 138****5678, anything else as a landline."""
    return mask_mobile(value)


def mask_id_number(value: str) -> str:
    """420102********123X for 18 characters (15-digit old numbers: first 6, last 3); other input starred but
    its last 2 characters."""
    text = value.strip().upper()
    if len(text) == 18:
        return _star_all_but(text, 6, 4)
    if len(text) == 15:
        return _star_all_but(text, 6, 3)
    return _star_all_but(text, 0, 2)


def mask_address(value: str) -> str:
    """The address down to its district (湖北省武汉市江岸区), then four stars whatever the length.

    With no recognisable province, city or district, only the stars remain."""
    text = value.strip()
    if not text:
        return ""
    match = _ADDRESS_PREFIX.match(text)
    prefix = match.group(0) if match else ""
    if prefix == text:
        return text  # nothing below the district level to hide
    return prefix + STAR * 4


def mask_name(value: str) -> str:
    """张* / 欧阳** / 李**: the surname (a known two-character one kept whole), the given name starred."""
    text = value.strip()
    if len(text) <= 1:
        return STAR * len(text)
    keep = 2 if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else 1
    return text[:keep] + STAR * (len(text) - keep)


_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
PHONE_MESSAGE = "请输入正确的11位手机号码，或带区号的固定电话（如027-87654321）"
NAME_MESSAGE = "填报人姓名不能超过50个字符"


def is_valid_phone(value: str) -> bool:
    """A mainland mobile, or a landline with its area code (027-87654321, 0710 3456789)."""
    digits = normalise_phone(value)
    return _MOBILE.fullmatch(digits) is not None or _LANDLINE.fullmatch(digits) is not None


def contact_errors(name: str, phone: str) -> dict[str, list[str]]:
    """Field errors (Chinese) for a return's contact person and phone; both may be left empty."""
    errors: dict[str, list[str]] = {}
    if len(name.strip()) > 50:
        errors["contact_name"] = [NAME_MESSAGE]
    if phone.strip() and not is_valid_phone(phone):
        errors["contact_phone"] = [PHONE_MESSAGE]
    return errors


_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?![0-9])")


def redact_text(text: str) -> str:
    """Free text with every 18-character ID number and mobile number in it masked (for the audit trail:
    a reason typed as "核实13812345678的身份" is kept as "核实138****5678的身份")."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(0)), text)
