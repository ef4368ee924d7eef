"""Every validation rule, with the Chinese message bound to its field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minsheng.reporting.domain.validation import (
    ValueContext,
    ValueMeaning,
    period_amounts,
    robust_z,
    validate,
)

D = Decimal
LEVEL = ValueContext(unit="个", meaning=ValueMeaning.LEVEL, goal=D(10))


@pytest.mark.parametrize("raw", ["abc", "12万", "1.2.3", "NaN", "Infinity"])
def test_wrong_type_is_refused_on_the_value_field(raw: str) -> None:
    result = validate(raw, LEVEL)
    assert result.by_field()["value"][0].startswith("请输入")
    assert result.errors[0].code == "type"


def test_thousands_separators_are_accepted() -> None:
    assert validate("1,234.5", LEVEL).value == D("1234.5")


def test_blank_value_is_required_on_submit_but_fine_in_a_draft() -> None:
    assert validate("", LEVEL).by_field() == {"value": ["请填写本期数值"]}
    assert validate("", LEVEL, require_value=False).ok
    assert validate("", ValueContext(unit="", meaning=ValueMeaning.NONE)).ok


def test_negative_counts_are_out_of_range_unless_allowed() -> None:
    assert validate("-1", LEVEL).by_field() == {"value": ["数值不能为负数"]}
    assert validate("-1", ValueContext(unit="个百分点", meaning=ValueMeaning.LEVEL, allow_negative=True)).ok


def test_percentages_above_100_are_out_of_range() -> None:
    pct = ValueContext(unit="%", meaning=ValueMeaning.LEVEL, goal=D(90))
    assert validate("100.5", pct).by_field() == {"value": ["百分比不能超过100"]}
    assert validate("100", pct).ok


def test_value_entered_in_persons_instead_of_ten_thousands_is_caught() -> None:
    ctx = ValueContext(unit="万人", meaning=ValueMeaning.LEVEL, goal=D(22))
    assert validate("220000", ctx).by_field() == {"value": ["疑似按“人”填报，单位应为“万人”"]}
    assert validate("21.5", ctx).ok
    assert validate("219999", ctx).ok  # just under the 10,000 × goal line


def test_running_total_may_not_go_down_within_the_year() -> None:
    ctx = ValueContext(
        unit="万人", meaning=ValueMeaning.RUNNING_TOTAL, goal=D(22), previous_running_total=D(10)
    )
    errors = validate("9.5", ctx).by_field()["value"]
    assert errors == ["本年累计值不能小于上期累计值（上期为 10万人）"]
    assert validate("10", ctx).ok


def test_outlier_needs_a_reason() -> None:
    ctx = ValueContext(unit="个", meaning=ValueMeaning.LEVEL, history=(D(10), D(11), D(10), D(12), D(11)))
    result = validate("60", ctx)
    assert "outlier_reason" in result.by_field()
    assert result.errors[0].code == "outlier"
    assert validate("60", ctx, outlier_reason="新统计口径纳入开发区").ok
    assert validate("12", ctx).ok


def test_outlier_of_a_running_total_is_judged_on_the_period_amount() -> None:
    history = (D(5), D(5.5), D(6), D(5), D(5.2))
    ok = ValueContext(
        unit="万人", meaning=ValueMeaning.RUNNING_TOTAL, previous_running_total=D(100), history=history
    )
    assert validate("105.5", ok).ok  # amount 5.5: ordinary even though the total is far above history
    assert not validate("140", ok).ok  # amount 40: an outlier


def test_robust_z_needs_history_and_handles_zero_spread() -> None:
    assert robust_z(D(5), (D(1), D(2))) is None
    assert robust_z(D(3), (D(3), D(3), D(3), D(3))) == 0
    assert (robust_z(D(4), (D(3), D(3), D(3), D(3))) or 0) > D(1000)
    assert robust_z(D(4), (D(3), D(3), D(3), D(5))) is not None


def test_period_amounts_from_running_totals() -> None:
    assert period_amounts([D(2), D(5), D(9)]) == [D(2), D(3), D(4)]
