"""The quarterly 通报 as .docx: GB/T 9704 layout read back with python-docx; charts; font fallbacks."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length, Mm
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from PIL import Image

from minsheng.progress.briefing import fonts
from minsheng.progress.briefing.charts import status_bar_chart, system_status_chart
from minsheng.progress.briefing.data import BriefingData, Chart, NamedUnit
from minsheng.progress.briefing.document import build_briefing_docx, chinese_date, overall_sentence
from minsheng.progress.briefing.pdf import OfficeUnavailableError, briefing_pdf
from minsheng.progress.briefing.sample import SYSTEM_COUNTS, sample_briefing_data
from minsheng.progress.domain import Status


@pytest.fixture(scope="module")
def data() -> BriefingData:
    return sample_briefing_data()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, data: BriefingData) -> Path:
    return build_briefing_docx(data, tmp_path_factory.mktemp("briefing") / "通报.docx")


def east_asia(run: Run) -> str | None:
    """The East-Asian font a run names (w:rFonts/@w:eastAsia)."""
    fonts_el = run._r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts_el is None else fonts_el.get(qn("w:eastAsia"))


def ppr_child(paragraph: Paragraph, path: str) -> Any:
    """An element under the paragraph's pPr ("w:pBdr/w:bottom"), or None."""
    return paragraph._p.find("/".join([qn("w:pPr"), *(qn(part) for part in path.split("/"))]))


def pt(length: Length | None) -> float:
    assert length is not None
    return float(length.pt)


def paragraphs(path: Path) -> list[Paragraph]:
    return list(docx.Document(str(path)).paragraphs)


def test_page_is_a4_with_the_gbt9704_margins(built: Path) -> None:
    section = docx.Document(str(built)).sections[0]
    # .docx stores twips (1/1440 inch = 635 EMU); 1 mm = 36,000 EMU, so each value is within half a twip.
    measured = {
        "page_width": (section.page_width, 210),
        "page_height": (section.page_height, 297),
        "top_margin": (section.top_margin, 37),
        "bottom_margin": (section.bottom_margin, 35),
        "left_margin": (section.left_margin, 28),
        "right_margin": (section.right_margin, 26),
    }
    for name, (emu, mm) in measured.items():
        assert emu is not None
        assert abs(emu - Mm(mm)) <= 635 / 2, name
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines in the 225 mm text block


def test_masthead_is_red_title_font_and_the_document_number_carries_the_red_rule(
    built: Path, data: BriefingData
) -> None:
    ps = paragraphs(built)
    mast = ps[0]
    assert mast.text == data.issuer
    run = mast.runs[0]
    assert str(run.font.color.rgb) == "FF0000"
    assert run.font.name == "方正小标宋简体"
    assert east_asia(run) == "方正小标宋简体"
    number = next(p for p in ps if p.text == "武民生办〔2024〕3号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert pt(number.runs[0].font.size) == 16
    assert east_asia(number.runs[0]) == "仿宋_GB2312"
    rule = ppr_child(number, "w:pBdr/w:bottom")
    assert rule.get(qn("w:color")) == "FF0000"


def test_title_is_2hao_xiaobiaosong_centred(built: Path) -> None:
    title = next(p for p in paragraphs(built) if p.text.startswith("关于"))
    assert title.text == "关于2024年第三季度全市保障和改善\n民生工作进展情况的通报"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        assert pt(run.font.size) == 22
        assert east_asia(run) == "方正小标宋简体"


def test_body_and_headings_use_the_official_fonts(built: Path) -> None:
    ps = paragraphs(built)
    heading_1 = next(p for p in ps if p.text == "一、总体进展情况")
    heading_2 = next(p for p in ps if p.text == "（一）就业")
    body = next(p for p in ps if p.text.startswith("截至2024年9月30日"))
    assert east_asia(heading_1.runs[0]) == "黑体"
    assert east_asia(heading_2.runs[0]) == "楷体_GB2312"
    assert east_asia(body.runs[0]) == "仿宋_GB2312"
    assert pt(body.runs[0].font.size) == 16
    assert pt(body.paragraph_format.line_spacing) == pytest.approx(28.95)
    assert pt(body.paragraph_format.first_line_indent) == 32  # 空二字


def test_named_units_are_listed_in_their_sections(built: Path) -> None:
    texts = [p.text for p in paragraphs(built)]
    criticised = texts.index("（二）通报批评")
    praised = texts.index("（一）通报表扬")
    assert praised < criticised
    assert texts[criticised + 2] == "1.某区：2项目标进展有限，连续两个季度滞后于序时进度"
    assert texts[criticised + 3] == "2.某局：三季度数据逾期未报，督办事项逾期未办结1项"
    assert "1.江岸区：8项目标全部达标或进展顺利，按时报送率100%" in texts[praised:criticised]


def test_target_tables_print_numbers_as_written(built: Path) -> None:
    document = docx.Document(str(built))
    rows = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["编号", "指标", "目标", "最新值", "状态", "责任单位"] in rows
    assert [
        "JY-01",
        "城镇新增就业",
        "不低于110万人（2021—2025年累计）",
        "119.01万人",
        "已达标",
        "市人社局",
    ] in rows
    assert ["YL-03", "养老机构护理型床位占比", "不低于60%", "48.7%", "倒退", "市民政局"] in rows
    headings = [p.text for p in document.paragraphs if p.text.endswith("项）")]
    assert headings == [
        "（一）已达标目标（2项）",
        "（二）需加快目标（2项）",
        "（三）进展有限目标（1项）",
        "（四）倒退目标（1项）",
    ]


def test_overall_counts_and_charts_are_in_part_one(built: Path, data: BriefingData) -> None:
    texts = [p.text for p in paragraphs(built)]
    assert overall_sentence(data) in texts
    assert (
        "截至2024年9月30日，全市纳入监测的34项目标中，已达标9项，进展顺利18项，需加快3项"
        in overall_sentence(data)
    )
    assert "图1　全市目标进展情况（按状态）" in texts
    assert "图2　各领域目标进展情况" in texts
    assert len(docx.Document(str(built)).inline_shapes) == 2


def test_page_numbers_alternate_outer_positions_in_4hao_songti(built: Path) -> None:
    document = docx.Document(str(built))
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        assert footer.text == "— 1 —"
        assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
        assert {pt(r.font.size) for r in footer.runs} == {14}
        assert east_asia(footer.runs[0]) == "宋体"


def test_signature_date_and_colophon(built: Path) -> None:
    texts = [p.text for p in paragraphs(built)]
    assert "2024年10月15日" in texts
    assert "抄送：市委办公厅，市人大常委会办公厅，市政府办公厅，市政协办公厅。" in texts
    assert "武汉市保障和改善民生工作领导小组办公室\t2024年10月15日印发" in texts
    colophon = [p for p in paragraphs(built) if ppr_child(p, "w:framePr") is not None]
    assert len(colophon) == 2
    assert ppr_child(colophon[0], "w:pBdr/w:top").get(qn("w:sz")) == "8"
    assert ppr_child(colophon[0], "w:pBdr/w:bottom").get(qn("w:sz")) == "6"
    assert ppr_child(colophon[1], "w:pBdr/w:bottom").get(qn("w:sz")) == "8"


def test_empty_lists_say_so(tmp_path: Path) -> None:
    data = dataclasses.replace(sample_briefing_data(charts=False), praised=(), lagging=(), cc="", targets=())
    texts = [p.text for p in paragraphs(build_briefing_docx(data, tmp_path / "a.docx"))]
    assert "本期无通报批评单位。" in texts
    assert "本期无通报表扬单位。" in texts
    assert not any(t.startswith("抄送") for t in texts)
    assert "三、通报表扬和通报批评" in texts  # parts renumber when the tables are absent


def test_building_twice_gives_the_same_document_text(tmp_path: Path, data: BriefingData) -> None:
    a = build_briefing_docx(data, tmp_path / "a.docx")
    b = build_briefing_docx(data, tmp_path / "b.docx")
    assert [p.text for p in paragraphs(a)] == [p.text for p in paragraphs(b)]
    assert docx.Document(str(a)).core_properties.created == docx.Document(str(b)).core_properties.created


def test_chinese_date_has_no_leading_zeros() -> None:
    assert chinese_date(date(2024, 1, 5)) == "2024年1月5日"


def test_data_refuses_what_cannot_be_printed() -> None:
    with pytest.raises(ValueError, match="PNG"):
        Chart(caption="x", png=b"GIF89a")
    with pytest.raises(ValueError, match="wide"):
        Chart(caption="x", png=status_bar_chart({}), width_mm=170)
    with pytest.raises(ValueError, match="≥ 0"):
        dataclasses.replace(sample_briefing_data(charts=False), status_counts={Status.ACHIEVED: -1})
    unit = NamedUnit(unit="某区", reason="")
    assert unit.reason == ""


# ------------------------------------------------------------------------------------------------ charts


def test_charts_are_deterministic_pngs() -> None:
    counts = {Status.ACHIEVED: 3, Status.ON_TRACK: 5, Status.LIMITED: 1}
    first, second = status_bar_chart(counts), status_bar_chart(counts)
    assert first == second
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG"
    assert image.size == (1500, 760)
    stacked = Image.open(io.BytesIO(system_status_chart(SYSTEM_COUNTS, title="各领域")))
    assert stacked.width == 1500
    # Every status colour appears in the stacked chart's legend.
    colours = {c for _, c in stacked.convert("RGB").getcolors(maxcolors=1 << 16) or []}
    assert (0x1B, 0x7A, 0x3A) in colours
    assert (0xC0, 0x28, 0x2D) in colours


# ------------------------------------------------------------------------------------------------- fonts


def test_checked_in_fontconfig_rules_match_the_mapping() -> None:
    assert fonts.FONTCONFIG_RULES.read_text(encoding="utf-8") == fonts.fontconfig_rules()


def test_every_official_font_has_a_free_fallback() -> None:
    free = {"Noto Serif CJK SC", "Noto Sans CJK SC", "AR PL UKai CN", "AR PL UMing CN"}
    for official in fonts.OFFICIAL_FONTS:
        assert free & set(fonts.FALLBACKS[official]), official


def test_resolve_prefers_the_original_then_the_first_installed_fallback() -> None:
    assert fonts.resolve("仿宋_GB2312", frozenset({"仿宋_GB2312", "Noto Serif CJK SC"})) == "仿宋_GB2312"
    assert (
        fonts.resolve("仿宋_GB2312", frozenset({"AR PL UMing CN", "Noto Serif CJK SC"}))
        == "Noto Serif CJK SC"
    )
    assert fonts.resolve("楷体_GB2312", frozenset()) is None


def test_fontconfig_entry_includes_system_then_rules(tmp_path: Path) -> None:
    text = fonts.fontconfig_entry(tmp_path / "rules.conf", Path("/etc/fonts/fonts.conf"))
    assert text.index("/etc/fonts/fonts.conf") < text.index(str(tmp_path / "rules.conf"))


def test_pdf_without_libreoffice_raises_a_clear_chinese_error(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("minsheng.progress.briefing.pdf.shutil.which", lambda _name: None)
    with pytest.raises(OfficeUnavailableError, match="未安装 LibreOffice"):
        briefing_pdf(built)
