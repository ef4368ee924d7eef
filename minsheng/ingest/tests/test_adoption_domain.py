"""Pure parts behind the screens: the catalog builder, the upload check and the highlight HTML."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from minsheng.ingest.domain import IngestError
from minsheng.ingest.domain.adoption import AdoptedItem, Header, OutlineEntry, build_catalog, higher_is_better
from minsheng.ingest.domain.uploads import read_upload, suffix_of
from minsheng.ingest.highlight import Span, highlight_html

OUTLINE = [
    OutlineEntry("section", 2, "二、", "工作目标", ("二、",)),
    OutlineEntry("system", 2, "（二）", "聚力打造民生服务圈", ("二、", "（二）")),
    OutlineEntry("section", 3, "三、", "重点任务", ("三、",)),
    OutlineEntry("system", 1, "（一）", "民生保障", ("三、", "（一）")),
    OutlineEntry("task", 1, "1.", "就业创业", ("三、", "（一）", "1.")),
    OutlineEntry("task", 2, "2.", "托底保障", ("三、", "（一）", "2.")),
    OutlineEntry("item", 1, "（1）", "低保", ("三、", "（一）", "2.", "（1）")),
]


def _target(task_path: str, indicator: str = "指标", **kw: object) -> AdoptedItem:
    values: dict[str, object] = {
        "comparator": ">=",
        "value": Decimal("1"),
        "unit": "个",
        "target_kind": "level",
        "sentence": f"{indicator}达到1个。",
    }
    values.update(kw)
    return AdoptedItem(kind="target", indicator=indicator, task_path=task_path, **values)  # type: ignore[arg-type]


def test_items_are_filed_by_task_system_or_unsorted() -> None:
    items = [
        _target(
            "三、/（一）/1.",
            "城镇新增就业",
            value=Decimal("110"),
            unit="万人",
            value_text="110万人",
            sentence="城镇新增就业110万人。",
        ),
        _target("三、/（一）/2./（1）", "低保标准"),
        _target("二、/（二）", "15分钟生活圈", comparator="<=", target_kind="circle", unit="分钟"),
        _target("", "无处可归"),
        _target("三、", "部分开头"),
        AdoptedItem(
            kind="commitment",
            indicator="建设就业服务平台",
            sentence="建设就业服务平台。",
            task_path="三、/（一）/1.",
        ),
    ]
    catalog = build_catalog(
        Header(code="ingest-1", title="意见", issuer="市政府", plan_end_year=2025), OUTLINE, items
    )
    layout = {
        s.code: (
            s.name,
            [
                (t.code, t.title, [g.indicator for g in t.targets], [c.title for c in t.commitments])
                for t in s.tasks
            ],
        )
        for s in catalog.systems
    }
    assert layout == {
        "S1": ("聚力打造民生服务圈", [("S1-T0", "聚力打造民生服务圈", ["15分钟生活圈"], [])]),
        "S2": (
            "民生保障",
            [
                ("S2-T1", "就业创业", ["城镇新增就业"], ["建设就业服务平台"]),
                ("S2-T2", "托底保障", ["低保标准"], []),
            ],
        ),
        "S0": ("未归类", [("S0-T0", "未归类", ["无处可归", "部分开头"], [])]),
    }
    first = catalog.systems[1].tasks[0].targets[0]
    assert (first.code, first.deadline, first.lead_unit, first.value_text) == (
        "S2-T1-01",
        dt.date(2025, 12, 31),
        None,
        "110万人",
    )
    assert catalog.systems[1].tasks[0].commitments[0].code == "S2-T1-C01"
    assert catalog.departments == []


def test_range_needs_an_upper_bound_and_bad_items_fail_validation() -> None:
    ok = build_catalog(
        Header("c", "t", "i"), OUTLINE, [_target("", comparator="range", value_max=Decimal("2"))]
    )
    assert ok.systems[0].tasks[0].targets[0].value_max == Decimal("2")
    with pytest.raises(ValueError, match="上限"):
        build_catalog(Header("c", "t", "i"), OUTLINE, [_target("", comparator="range")])


@pytest.mark.parametrize(
    ("comparator", "kind", "indicator", "expected"),
    [
        (">=", "level", "参保率", True),
        ("<=", "level", "失业率", False),
        ("<", "level", "死亡率", False),
        ("<=", "circle", "15分钟生活圈", False),
        (">=", "annual_change", "近视率每年降低", False),
        (">=", "annual_change", "收入每年增长", True),
    ],
)
def test_higher_is_better(comparator: str, kind: str, indicator: str, expected: bool) -> None:
    assert higher_is_better(_target("", indicator, comparator=comparator, target_kind=kind)) is expected


def test_upload_check_matches_extension_and_content() -> None:
    assert suffix_of("C:\\docs\\方案.DOCX") == ".docx"
    assert suffix_of("noext") == ""
    assert read_upload("a.txt", "到2025年,新增就业110万人。".encode("gb18030")).startswith("到2025年")
    for name, data, message in [
        ("a.pdf", b"PK\x03\x04", "不是PDF"),
        ("a.docx", b"%PDF-1.4", "Word文件"),
        ("a.txt", b"%PDF-1.4 text", "二进制"),
        ("a.html", b"<html>", "只能上传"),
    ]:
        with pytest.raises(IngestError, match=message):
            read_upload(name, data)


def test_highlight_escapes_every_segment_and_never_crosses_marks() -> None:
    text = "<b>甲</b>达到98%以上&乙"
    html = str(
        highlight_html(
            text,
            [
                Span(8, 15, "target pending", 1),
                Span(8, 15, "target accepted", 2),  # same span: nested
                Span(12, 17, "commitment pending", 3),  # crosses: clipped to start after 15
                Span(0, 3, "flag onclick=x"),  # unknown classes dropped
            ],
        )
    )
    assert html == (
        '<mark class="flag" title="疑似乱码，请核对原件">&lt;b&gt;</mark>甲&lt;/b&gt;'
        '<mark id="m-1" class="target pending" data-proposal="1" tabindex="-1">'
        '<mark id="m-2" class="target accepted" data-proposal="2" tabindex="-1">达到98%以上</mark></mark>'
        '<mark id="m-3" class="commitment pending" data-proposal="3" tabindex="-1">&amp;乙</mark>'
    )
