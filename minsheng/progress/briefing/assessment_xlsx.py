"""Export of the annual assessment (考核) to .xlsx for the city's performance office (市绩效办).

Three sheets: the results (one row per unit, numbers as numbers), the explanation trail (one line per row)
and the scheme (weights and formulas). Every text cell is written with `write_string` and neutralised
against formula injection; xlsxwriter's automatic string conversions are switched off.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from minsheng.progress.domain.assessment import AssessmentResults, Component
from minsheng.progress.domain.types import Lang

# Characters that make a spreadsheet (Excel, LibreOffice, WPS) or a later CSV export read a cell as a formula,
# in their ASCII and full-width (全角) forms.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_text(text: str) -> str:
    """`text` made inert: a leading formula trigger gets an apostrophe in front (OWASP CSV-injection advice).

    The apostrophe is part of the stored value, so the text stays inert even after the sheet is saved as CSV
    and opened elsewhere; it is only added where the text would otherwise start with a trigger.
    """
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


_HEAD = {
    "zh": {
        "results": "考核结果",
        "trail": "计算说明",
        "scheme": "考核方案",
        "rank": "名次",
        "code": "单位代码",
        "name": "单位名称",
        "total": "总分",
        "missing": "缺项",
        "line": "序号",
        "text": "说明",
        "component": "考核项目",
        "weight": "权重（%）",
        "formula": "计算方法",
        "weight_col": "{label}（{weight}%）",
        "title": "{year}年度保障和改善民生工作考核结果",
        "note": "总分为各项得分按权重加权之和（满分100分）；某项无数据时该项缺项，其余权重按比例放大。"
        "名次相同表示总分相同（并列）。各项计算过程见“计算说明”。",
    },
    "en": {
        "results": "Results",
        "trail": "How scores were made",
        "scheme": "Scheme",
        "rank": "Rank",
        "code": "Unit code",
        "name": "Unit",
        "total": "Total",
        "missing": "Missing",
        "line": "#",
        "text": "Explanation",
        "component": "Component",
        "weight": "Weight (%)",
        "formula": "Formula",
        "weight_col": "{label} ({weight}%)",
        "title": "Livelihood work assessment {year}",
        "note": "The total is the weighted sum of the component scores (out of 100); a component without data is "
        "left out and the other weights scaled up. Equal ranks mean equal totals. See the second sheet.",
    },
}


def _weight_text(w: float) -> str:
    return f"{w:.2f}".rstrip("0").rstrip(".")


def write_assessment_xlsx(results: AssessmentResults, path: str | Path, *, lang: Lang = "zh") -> Path:
    """Write `results` to an .xlsx file at `path` and return the path.

    Scores, weights and ranks are numeric cells (two decimals shown); a component without data is a blank
    cell, named in the "missing" column. Text is written with `write_string` after `safe_text`.
    """
    path = Path(path)
    head = _HEAD[lang]
    scheme = results.scheme
    components = scheme.components
    weights = scheme.weights
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    try:
        bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1})
        title = workbook.add_format({"bold": True, "font_size": 14})
        text = workbook.add_format({"border": 1, "valign": "top"})
        wrap = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        score = workbook.add_format({"border": 1, "num_format": "0." + "0" * scheme.decimals})
        integer = workbook.add_format({"border": 1, "num_format": "0"})
        weight_format = workbook.add_format({"border": 1, "num_format": "0.##"})

        sheet = workbook.add_worksheet(head["results"])
        sheet.write_string(0, 0, safe_text(head["title"].format(year=scheme.year)), title)
        if scheme.name:
            sheet.write_string(1, 0, safe_text(scheme.name))
        columns = [
            head["rank"],
            head["code"],
            head["name"],
            *(
                head["weight_col"].format(label=c.label(lang), weight=_weight_text(weights[c]))
                for c in components
            ),
            head["total"],
            head["missing"],
        ]
        header_row = 3
        for col, label in enumerate(columns):
            sheet.write_string(header_row, col, safe_text(label), bold)
        for i, unit in enumerate(results.units, start=header_row + 1):
            if unit.rank is None:
                sheet.write_blank(i, 0, None, integer)
            else:
                sheet.write_number(i, 0, unit.rank, integer)
            sheet.write_string(i, 1, safe_text(unit.unit_code), text)
            sheet.write_string(i, 2, safe_text(unit.unit_name), text)
            for j, component in enumerate(components, start=3):
                cs = unit.component(component)
                if cs is None or cs.score is None:
                    sheet.write_blank(i, j, None, score)
                else:
                    sheet.write_number(i, j, cs.score, score)
            total_col = 3 + len(components)
            if unit.total is None:
                sheet.write_blank(i, total_col, None, score)
            else:
                sheet.write_number(i, total_col, unit.total, score)
            sep = "、" if lang == "zh" else ", "
            sheet.write_string(
                i, total_col + 1, safe_text(sep.join(c.label(lang) for c in unit.missing)), text
            )
        note_row = header_row + len(results.units) + 2
        sheet.write_string(note_row, 0, safe_text(head["note"]))
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 12)
        sheet.set_column(2, 2, 24)
        sheet.set_column(3, 3 + len(components), 14)
        sheet.set_column(4 + len(components), 4 + len(components), 30)
        sheet.freeze_panes(header_row + 1, 3)

        trail = workbook.add_worksheet(head["trail"])
        for col, label in enumerate((head["code"], head["name"], head["line"], head["text"])):
            trail.write_string(0, col, safe_text(label), bold)
        row = 1
        for unit in results.units:
            for n, line in enumerate(unit.trail(lang), start=1):
                trail.write_string(row, 0, safe_text(unit.unit_code), text)
                trail.write_string(row, 1, safe_text(unit.unit_name), text)
                trail.write_number(row, 2, n, integer)
                trail.write_string(row, 3, safe_text(line), wrap)
                row += 1
        trail.set_column(0, 0, 12)
        trail.set_column(1, 1, 24)
        trail.set_column(2, 2, 6)
        trail.set_column(3, 3, 110)
        trail.freeze_panes(1, 0)

        rules = workbook.add_worksheet(head["scheme"])
        for col, label in enumerate((head["component"], head["weight"], head["formula"])):
            rules.write_string(0, col, safe_text(label), bold)
        for i, component in enumerate(Component, start=1):
            rules.write_string(i, 0, safe_text(component.label(lang)), text)
            rules.write_number(i, 1, weights[component], weight_format)
            rules.write_string(i, 2, safe_text(scheme.formula(component, lang)), wrap)
        rules.set_column(0, 0, 22)
        rules.set_column(1, 1, 10)
        rules.set_column(2, 2, 90)
    finally:
        workbook.close()
    return path


__all__ = ["FORMULA_TRIGGERS", "safe_text", "write_assessment_xlsx"]
