"""The engine on documents written in styles the seed does not have (see ``data/README.md``).

Each document's targets were listed by hand from its text: (a word the indicator must contain,
comparator, value, value_max, unit, kind, deadline). Nothing else may be proposed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest

from minsheng.ingest.domain import Extraction, Level, extract, read_document

DATA = Path(__file__).resolve().parent / "data"
ANY = object()


class Want(NamedTuple):
    keyword: str
    comparator: str
    value: float
    value_max: float | None
    unit: str
    kind: str
    deadline: object = ANY  # ISO date, "annual", None, or ANY
    firmness: str = "none"


NEWS = [
    Want("新增就业岗位", ">", 100, None, "万个", "cumulative", "2025-12-31"),
    Want("城镇调查失业率", "approx", 5.5, None, "%", "level", "2025-12-31"),
    Want("招聘活动", ">=", 300, None, "场", "annual", "annual"),
    Want("职业技能培训", ">=", 10, None, "万人次", "annual", "annual"),
    Want("高校毕业生", "approx", 30, None, "万人", "annual", "annual", "strive"),
    Want("人才公寓", ">=", 5000, None, "套", "cumulative", None, "strive"),
    Want("就业服务圈", "<=", 15, None, "分钟", "circle", None),
    Want("社区就业服务站", ">=", 200, None, "个", "cumulative", "2024-12-31"),
]
NATIONAL = [
    Want("婴幼儿托位数", ">=", 4.5, None, "个", "level", "2025-12-31"),
    Want("普惠性幼儿园覆盖率", ">", 85, None, "%", "level", "2025-12-31"),
    Want("平均受教育年限", ">=", 11.3, None, "年", "level", "2025-12-31"),
    Want("九年义务教育巩固率", ">=", 95, None, "%", "level", "2025-12-31"),
    Want("执业(助理)医师数", ">", 3.2, None, "人", "level", "2025-12-31"),
    Want("人均预期寿命", "approx", 1, None, "岁", "cumulative", "2025-12-31"),
    Want("基本养老保险参保率", ">=", 95, None, "%", "level", "2025-12-31"),
    Want("护理型床位占比", ">=", 55, None, "%", "level", "2025-12-31"),
    Want("中央预算内投资", "approx", 3000, None, "亿元", "cumulative", "2025-12-31"),
    Want("社会投资", "approx", 1.2, None, "万亿元", "cumulative", "2025-12-31"),
    Want("普惠托位", ">=", 10, None, "万个", "annual", "annual"),
]
PROVINCIAL = [
    Want("人均体育场地面积", ">=", 2.6, None, "平方米", "level"),
    Want("全民健身中心", ">=", 1, None, "个", "per_unit"),
    Want("体育公园", "approx", 100, None, "个", "cumulative"),
    Want("健身圈", "<=", 15, None, "分钟", "circle"),
    Want("经常参加体育锻炼人数比例", ">=", 38.5, None, "%", "level"),
    Want("合格以上的人数比例", ">", 92, None, "%", "level"),
    Want("社会体育指导员", ">=", 2.16, None, "名", "level"),
    Want("全民健身赛事活动", ">=", 50, None, "项次", "annual", "annual"),
    Want("体育产业总规模", ">", 5000, None, "亿元", "level"),
    Want("体育消费总规模", ">=", 2000, None, "亿元", "level"),
]
COUNTY = [
    Want("村级养老服务站", ">=", 70, None, "%", "level", "2025-12-31"),
    Want("农村集中供水率", ">=", 95, None, "%", "level", "2025-12-31"),
    Want("乡镇卫生院", ">=", 3, None, "所", "cumulative", None),
    Want("全科医生", ">=", 2, None, "名", "per_unit", None),
    Want("达标率", ">=", 90, None, "%", "level", None),
    Want("农村公路", ">=", 120, None, "公里", "cumulative", "2025-12-31"),
    Want("农村客运招呼站", ">=", 40, None, "个", "cumulative", "2025-12-31"),
    Want("专项资金", ">=", 2000, None, "万元", "annual", "annual"),
]
FULLWIDTH = [
    Want("群众满意度", ">=", 90, None, "%", "level", "2025-12-31"),
    Want("新增城镇就业", ">=", 12, None, "万人", "cumulative", None),
    Want("城镇调查失业率", "<=", 5.5, None, "%", "level", None),
    Want("保障性租赁住房", ">=", 3000, None, "套", "cumulative", None),
    Want("老旧小区", "range", 1, 2, "万户", "cumulative", None),
    Want("租赁补贴", "range", 3, 5, "千户", "cumulative", None),
    Want("养老床位", ">=", 1200, None, "张", "cumulative", None),
    Want("社区养老服务设施覆盖率", ">=", 100, None, "%", "level", None),
]

CASES = {
    "news_rewording.txt": NEWS,
    "national_plan.txt": NATIONAL,
    "provincial_sports.txt": PROVINCIAL,
    "county_numerals.txt": COUNTY,
    "fullwidth_mojibake.txt": FULLWIDTH,
}


def _run(name: str) -> Extraction:
    return extract(read_document(DATA / name))


@pytest.mark.parametrize("name", sorted(CASES))
def test_written_document_yields_exactly_the_hand_listed_targets(name: str) -> None:
    wanted = CASES[name]
    got = list(_run(name).targets)
    rows = [
        (
            t.indicator,
            str(t.comparator),
            t.value,
            t.value_max,
            t.unit,
            str(t.kind),
            t.deadline,
            str(t.firmness),
        )
        for t in got
    ]
    unmatched = list(rows)
    missing: list[Want] = []
    for want in wanted:
        for row in unmatched:
            ok = (
                want.keyword in row[0]
                and want.comparator == row[1]
                and abs(want.value - row[2]) < 1e-9
                and want.value_max == row[3]
                and want.unit == row[4]
                and want.kind == row[5]
                and (want.deadline is ANY or want.deadline == row[6])
                and want.firmness == row[7]
            )
            if ok:
                unmatched.remove(row)
                break
        else:
            missing.append(want)
    assert not missing, f"missed: {missing}\ngot: {rows}"
    assert not unmatched, f"not in the hand list: {unmatched}"


def test_news_past_figures_and_subsidy_rates_are_not_targets() -> None:
    values = {(t.value, t.unit) for t in _run("news_rewording.txt").targets}
    assert (26.8, "万人") not in values  # 去年…
    assert (4.1, "%") not in values  # 同比增长
    assert (500.0, "元") not in values  # 按每人每月500元: a rate
    assert all(t.value != 12333 for t in _run("news_rewording.txt").targets)


def test_provincial_document_metadata_comes_from_the_signature() -> None:
    meta = _run("provincial_sports.txt").meta
    assert meta.issuer == "云梦省人民政府办公厅"
    assert meta.issued_on == dt.date(2021, 12, 20)
    assert meta.title == "云梦省全民健身实施计划(2021-2025年)"
    assert meta.document_number is None
    assert meta.plan_end_year == 2025


def test_provincial_targets_without_a_date_are_judged_at_the_plan_end() -> None:
    for target in _run("provincial_sports.txt").targets:
        assert target.deadline_on == dt.date(2025, 12, 31)


def test_county_names_with_numerals_stay_names() -> None:
    result = _run("county_numerals.txt")
    text = result.normalised.text
    for name in ("“一村一品”", "“三孩”", "“一站式”", "“两级”", "三年行动方案", "到2025年"):
        assert name in text


def test_mojibake_headings_are_flagged_and_still_structure_the_outline() -> None:
    result = _run("fullwidth_mojibake.txt")
    assert [f.text for f in result.flags] == ["锛堜簩锛変綇鎴夸繚闅\ufffd", "?。ㄈ"]
    assert result.flags[0].suggestion == "（二）住房保…"
    systems = [n for n in result.outline if n.level is Level.SYSTEM]
    assert [(n.label, n.repaired) for n in systems] == [("（一）", False), ("（二）", True), ("（三）", True)]
    assert systems[2].title.endswith("养老服务")
    housing = next(t for t in result.targets if t.unit == "套")
    assert housing.outline == ("二、", "（二）")


def test_written_documents_without_damage_raise_no_flags() -> None:
    for name in ("news_rewording.txt", "national_plan.txt", "provincial_sports.txt", "county_numerals.txt"):
        assert _run(name).flags == ()
