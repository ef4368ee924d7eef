"""Masking and checking personal data: worked examples from the guide, then properties over random input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng.common.domain.masking import (
    id_check_character,
    is_valid_id_number,
    is_valid_mobile,
    mask_address,
    mask_id_number,
    mask_landline,
    mask_mobile,
    mask_name,
    mask_phone,
    normalise_phone,
)

# --------------------------------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("008613812345678", "138****5678"),
    ],
)
def test_mobile_keeps_first_three_and_last_four(raw: str, masked: str) -> None:
    assert mask_mobile(raw) == masked
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("027-87654321", "027-****4321"),
        ("(027)87654321", "027-****4321"),
        ("0710-3456789", "0710-***6789"),
        ("87654321", "****4321"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_landline_keeps_area_code_and_last_four(raw: str, masked: str) -> None:
    assert mask_landline(raw) == masked
    assert mask_phone(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("42010219800108123X", "420102********123X"),
        ("42010219800108123x", "420102********123X"),
        ("420102800108123", "420102******123"),
        ("12345", "***45"),
    ],
)
def test_id_number_keeps_region_and_last_four(raw: str, masked: str) -> None:
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("湖北省武汉市江岸区解放大道1号", "湖北省武汉市江岸区****"),
        ("武汉市洪山区珞喻路1037号华中科技大学", "武汉市洪山区****"),
        ("武汉经济技术开发区沌阳大道339号", "武汉经济技术开发区****"),
        ("湖北省仙桃市干河街道一号路", "湖北省仙桃市****"),
        ("新疆维吾尔自治区乌鲁木齐市天山区人民路1号", "新疆维吾尔自治区乌鲁木齐市天山区****"),
        ("解放大道1号", "****"),
        ("江岸区", "江岸区"),
        ("", ""),
    ],
)
def test_address_keeps_the_district_level(raw: str, masked: str) -> None:
    assert mask_address(raw) == masked


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("李", "*"),
    ],
)
def test_name_keeps_the_surname(raw: str, masked: str) -> None:
    assert mask_name(raw) == masked


def test_id_check_character_matches_the_standard_examples() -> None:
    # The two examples printed in GB 11643-1999.
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("44052418800101001") == "4"
    assert is_valid_id_number("11010519491231002X")
    assert is_valid_id_number("440524188001010014")
    assert is_valid_id_number("42010219800108123x")


@pytest.mark.parametrize(
    "raw",
    [
        "110105194912310021",  # wrong check character
        "11010519491331002X",  # month 13
        "99010519491231002X",  # no such province
        "110105179912310024",  # born before 1800 (check character right)
        "1101051949123100",  # too short
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits
    ],
)
def test_bad_id_numbers_are_refused(raw: str) -> None:
    assert not is_valid_id_number(raw)


@pytest.mark.parametrize("raw", ["13812345678", "199 0000 1111", "+8615012345678"])
def test_mobile_numbers_are_accepted(raw: str) -> None:
    assert is_valid_mobile(raw)


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "027-87654321", "abc"])
def test_non_mobile_numbers_are_refused(raw: str) -> None:
    assert not is_valid_mobile(raw)


def test_normalise_phone_drops_separators_and_the_country_code() -> None:
    assert normalise_phone(" +86 (138) 1234-5678 ") == "13812345678"


# --------------------------------------------------------------------------------------------- properties

mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z")
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["420102", "420106", "110105", "440524", "650102"]))
    born = draw(births)
    seq = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    first17 = f"{region}{born:%Y%m%d}{seq}"
    return first17 + id_check_character(first17)


@settings(max_examples=300, deadline=None)
@given(number=mobiles)
def test_masked_mobile_hides_the_middle_four(number: str) -> None:
    masked = mask_mobile(number)
    assert is_valid_mobile(number)
    assert len(masked) == 11
    assert masked[:3] == number[:3]
    assert masked[-4:] == number[-4:]
    assert masked[3:7] == "****"


@settings(max_examples=300, deadline=None)
@given(number=id_numbers())
def test_valid_id_numbers_pass_and_their_mask_hides_the_birth_date(number: str) -> None:
    assert is_valid_id_number(number)
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert number[6:14] not in masked


@settings(max_examples=300, deadline=None)
@given(number=id_numbers(), position=st.integers(0, 16), digit=st.integers(1, 9))
def test_changing_one_digit_breaks_the_check_character(number: str, position: int, digit: int) -> None:
    changed = number[:position] + str((int(number[position]) + digit) % 10) + number[position + 1 :]
    assert id_check_character(changed[:17]) != number[17]


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=40))
def test_no_mask_shows_more_than_its_rule_keeps(text: str) -> None:
    """Whatever the input, each mask keeps at most its fixed number of characters of it."""
    for mask, keep in ((mask_mobile, 7), (mask_landline, 8), (mask_id_number, 10), (mask_name, 2)):
        masked = mask(text)
        assert sum(1 for c in masked if c != "*") <= keep, (mask.__name__, text, masked)
    assert mask_address(text).replace("*", "") in text.strip()


@settings(max_examples=300, deadline=None)
@given(number=mobiles, street=st.text(alphabet="解放大道中山路街号栋楼室0123456789", min_size=1, max_size=20))
def test_address_mask_never_reaches_past_the_district(number: str, street: str) -> None:
    masked = mask_address("湖北省武汉市江岸区" + street + number)
    assert masked == "湖北省武汉市江岸区****"
