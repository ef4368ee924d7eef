"""The .xlsx export of the assessment: numbers stay numbers, text cannot turn into a formula."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from minsheng.progress.briefing.assessment_xlsx import safe_text, write_assessment_xlsx
from minsheng.progress.domain import AssessmentScheme, Status, TargetFact, UnitFacts, assess


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("＝1+1", "'＝1+1"),
        ("＋1", "'＋1"),
        ("－1", "'－1"),
        ("＠x", "'＠x"),
        ("江岸区", "江岸区"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_text_neutralises_leading_formula_triggers(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_export_writes_numbers_as_numbers_and_text_as_inert_text(tmp_path: Path) -> None:
    units = [
        UnitFacts(
            unit_code="420102",
            unit_name="=cmd|' /C calc'!A0",
            targets=(
                TargetFact(code="T1", status=Status.ACHIEVED),
                TargetFact(code="T2", status=Status.LIMITED),
            ),
            submissions_on_time=4,
            returns=1,
            supervision_due=2,
            supervision_closed_on_time=2,
            satisfaction=90,
        ),
        UnitFacts(unit_code="420103", unit_name="江汉区", submissions_on_time=4, supervision_due=1),
    ]
    results = assess(AssessmentScheme(year=2024, name="2024年度考核方案"), units)
    path = write_assessment_xlsx(results, tmp_path / "考核.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["考核结果", "计算说明", "考核方案"]
    sheet = book["考核结果"]
    header = [c.value for c in sheet[4]]
    assert header == [
        "名次",
        "单位代码",
        "单位名称",
        "目标完成（达标率）（40%）",
        "报送及时率（20%）",
        "报送质量（退回率）（15%）",
        "督办按期办结率（15%）",
        "第三方满意度（10%）",
        "总分",
        "缺项",
    ]
    first = list(sheet[5])
    # 50×0.4 + 100×0.2 + 75×0.15 + 100×0.15 + 90×0.1 = 20 + 20 + 11.25 + 15 + 9 = 75.25
    assert [c.value for c in first[3:9]] == [50, 100, 75, 100, 90, 75.25]
    assert all(c.data_type == "n" for c in first[3:9])
    assert first[0].value == 1
    assert first[2].value == "'=cmd|' /C calc'!A0"
    assert first[2].data_type == "s"
    # 江汉区 has neither targets nor satisfaction: blanks, named in the last column.
    second = [c.value for c in sheet[6]]
    assert second[3] is None
    assert second[9] == "目标完成（达标率）、第三方满意度"
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith("="))
    trail = book["计算说明"]
    lines = [r[3].value for r in trail.iter_rows(min_row=2) if r[0].value == "420102"]
    assert lines == list(results.for_unit("420102").trail_zh)
    scheme = book["考核方案"]
    assert [r[1].value for r in scheme.iter_rows(min_row=2)] == [40, 20, 15, 15, 10]


def test_export_in_english(tmp_path: Path) -> None:
    results = assess(AssessmentScheme(year=2024), [UnitFacts(unit_code="A", unit_name="A", satisfaction=80)])
    path = write_assessment_xlsx(results, tmp_path / "a.xlsx", lang="en")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Results", "How scores were made", "Scheme"]
