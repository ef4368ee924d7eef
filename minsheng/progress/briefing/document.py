"""The quarterly 通报 as a .docx in the layout of GB/T 9704-2012 (党政机关公文格式), ready to edit and issue.

Order of the document: 版头 (red issuing organ, document number, red rule) → title → addressees → 正文
(一、总体进展情况 with the charts; 二、各领域工作亮点; 三、目标进展明细 with a table per status; 四、通报表扬和通报批评;
五、下一步工作要求) → signature and date → 附注 → 版记 (抄送, 印发机关 and 印发日期 between rules).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from minsheng.progress.domain.types import Status

from . import docx_layout as lay
from .data import STATUS_ORDER, BriefingData, NamedUnit, TargetRow

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

CHINESE_NUMERALS = "一二三四五六七八九十"

# A part of the text: writes its paragraphs for the data.
_Writer = Callable[[DocxDocument, BriefingData], None]

TABLE_HEADINGS = ("编号", "指标", "目标", "最新值", "状态")
TABLE_WIDTHS_MM = [20.0, 54.0, 30.0, 30.0, 22.0]
TABLE_HEADINGS_WITH_OWNER = ("编号", "指标", "目标", "最新值", "状态", "责任单位")
TABLE_WIDTHS_WITH_OWNER_MM = [17.0, 43.0, 25.0, 25.0, 20.0, 26.0]


def chinese_date(on: date) -> str:
    """A date as GB/T 9704 writes it: Arabic numerals, year in full, no leading zeros (2024年10月8日)."""
    return f"{on.year}年{on.month}月{on.day}日"


def overall_sentence(data: BriefingData) -> str:
    """The opening sentence of part one: how many targets, and how many in each status."""
    total = data.total_targets
    assessable = total - data.count(Status.NOT_ASSESSABLE)
    good = data.count(Status.ACHIEVED) + data.count(Status.ON_TRACK)
    parts = [f"{s.label('zh')}{data.count(s)}项" for s in STATUS_ORDER if s != Status.NOT_ASSESSABLE]
    sentence = f"截至{chinese_date(data.as_of)}，全市纳入监测的{total}项目标中，" + "，".join(parts)
    if data.count(Status.NOT_ASSESSABLE):
        sentence += f"，另有{data.count(Status.NOT_ASSESSABLE)}项因数据不足暂无法评估"
    sentence += "。"
    if assessable:
        share = good * 100 / assessable
        sentence += f"已达标和进展顺利的目标占可评估目标的{share:.1f}%。"
    return sentence


def build_briefing_docx(data: BriefingData, path: str | Path) -> Path:
    """Write the 通报 for `data` to `path` (.docx) and return the path.

    Fonts are named as GB/T 9704 names them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体) with the
    East-Asian attribute set; see fonts.py for the free fallbacks used when converting without them.
    """
    path = Path(path)
    doc = Document()
    _defaults(doc)
    section = doc.sections[0]
    lay.set_page(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_numbers(doc)

    _masthead(doc, data)
    _title(doc, data.resolved_title)
    _body(doc, data.addressees, align=LEFT, indent=0)
    _body(doc, data.opening or f"现将{data.period_label}全市保障和改善民生工作进展情况通报如下。")

    parts = _parts(data)
    for n, (heading, writer) in enumerate(parts):
        _heading_1(doc, f"{CHINESE_NUMERALS[n]}、{heading}")
        writer(doc, data)

    _signature(doc, data)
    _colophon(doc, data)

    props = doc.core_properties
    props.title = data.resolved_title.replace("\n", "")
    props.author = data.issuer
    props.subject = f"{data.doc_number} {data.period_label}"
    stamp = datetime(data.issued_on.year, data.issued_on.month, data.issued_on.day)
    props.created = stamp
    props.modified = stamp
    props.last_modified_by = data.issuer
    props.revision = 1
    doc.save(str(path))
    return path


# ------------------------------------------------------------------------------------------------ parts


def _parts(data: BriefingData) -> list[tuple[str, _Writer]]:
    parts: list[tuple[str, _Writer]] = [("总体进展情况", _overall)]
    if data.highlights:
        parts.append(("各领域工作亮点", _highlights))
    if data.targets:
        parts.append(("目标进展明细", _tables))
    parts.append(("通报表扬和通报批评", _named))
    if data.requirements:
        parts.append(("下一步工作要求", _requirements))
    return parts


def _overall(doc: DocxDocument, data: BriefingData) -> None:
    _body(doc, overall_sentence(data))
    for n, chart in enumerate(data.charts, start=1):
        picture = doc.add_paragraph()
        lay.set_paragraph(picture, align=CENTER, line_pt=None, snap_to_grid=False, keep_with_next=True)
        picture.add_run().add_picture(io.BytesIO(chart.png), width=Mm(chart.width_mm))
        caption = doc.add_paragraph()
        lay.set_paragraph(caption, align=CENTER, line_pt=24, snap_to_grid=False, after_pt=6)
        run = caption.add_run(f"图{n}　{chart.caption}")
        lay.set_run_font(run, lay.FONT_BODY, lay.SIZE_4)


def _highlights(doc: DocxDocument, data: BriefingData) -> None:
    for n, block in enumerate(data.highlights):
        _heading_2(doc, f"（{CHINESE_NUMERALS[n]}）{block.system}")
        if block.sentences:
            _body(doc, "".join(block.sentences))


def _tables(doc: DocxDocument, data: BriefingData) -> None:
    present = [s for s in STATUS_ORDER if data.rows(s)]
    with_owner = any(r.owner for r in data.targets)
    for n, status in enumerate(present):
        rows = data.rows(status)
        _heading_2(doc, f"（{CHINESE_NUMERALS[n]}）{status.label('zh')}目标（{len(rows)}项）")
        _target_table(doc, rows, with_owner=with_owner)


def _named(doc: DocxDocument, data: BriefingData) -> None:
    _heading_2(doc, "（一）通报表扬")
    if data.praised:
        _body(doc, "对工作推进有力、目标进展靠前的以下单位予以通报表扬：")
        _unit_list(doc, data.praised)
    else:
        _body(doc, "本期无通报表扬单位。")
    _heading_2(doc, "（二）通报批评")
    if data.lagging:
        _body(
            doc,
            "对目标进展滞后的以下单位予以通报批评。请相关单位认真分析原因，制定整改措施，"
            "于15个工作日内将整改情况书面报送领导小组办公室：",
        )
        _unit_list(doc, data.lagging)
    else:
        _body(doc, "本期无通报批评单位。")


def _requirements(doc: DocxDocument, data: BriefingData) -> None:
    for sentence in data.requirements:
        _body(doc, sentence)


# ------------------------------------------------------------------------------------------- elements


def _defaults(doc: DocxDocument) -> None:
    """Document defaults and the Normal style: 3号仿宋_GB2312, so the character grid is based on 16 pt."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults"))
    if rpr_default is not None:
        r_pr = rpr_default.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            for tag in ("w:rFonts", "w:sz", "w:szCs", "w:lang"):
                old = r_pr.find(qn(tag))
                if old is not None:
                    r_pr.remove(old)
            fonts_el = OxmlElement("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts_el.set(qn(attr), lay.FONT_BODY)
            r_pr.insert(0, fonts_el)
            for tag in ("w:sz", "w:szCs"):
                size = OxmlElement(tag)
                size.set(qn("w:val"), str(round(lay.SIZE_3 * 2)))
                r_pr.append(size)
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")
            r_pr.append(lang)
    normal = doc.styles["Normal"]
    normal.font.name = lay.FONT_BODY
    normal.font.size = Pt(lay.SIZE_3)
    r_fonts = normal.element.get_or_add_rPr().find(qn("w:rFonts"))
    if r_fonts is not None:
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            r_fonts.set(qn(attr), lay.FONT_BODY)
    normal.paragraph_format.space_after = Pt(0)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(lay.CHAR_SPACING_TWIPS))
    normal_rpr = normal.element.get_or_add_rPr()
    normal_rpr.append(spacing)
    lay.order_rpr(normal_rpr)


def _page_numbers(doc: DocxDocument) -> None:
    """ "— 1 —" in 4号宋体: odd pages right (右空一字), even pages left (左空一字)."""
    section = doc.sections[0]
    for footer, align in ((section.footer, RIGHT), (section.even_page_footer, LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        lay.set_paragraph(
            paragraph,
            align=align,
            line_pt=None,
            right_chars=1 if align == RIGHT else 0,
            left_chars=1 if align == LEFT else 0,
            char_pt=lay.SIZE_4,
            snap_to_grid=False,
        )
        dash = paragraph.add_run("— ")
        lay.set_run_font(dash, lay.FONT_PAGE_NUMBER, lay.SIZE_4)
        lay.add_field(paragraph, "PAGE", "1", lay.FONT_PAGE_NUMBER, lay.SIZE_4)
        tail = paragraph.add_run(" —")
        lay.set_run_font(tail, lay.FONT_PAGE_NUMBER, lay.SIZE_4)


def _masthead(doc: DocxDocument, data: BriefingData) -> None:
    """版头: the issuing organ in red 小标宋, two blank lines, the document number, the red rule 4 mm below."""
    name = data.issuer
    budget = lay.TEXT_WIDTH_PT - 12  # a little air at both ends
    size = min(36.0, max(22.0, round(budget / (len(name) * 0.8))))
    scale = min(100, int(budget / (len(name) * size) * 100))
    mast = doc.add_paragraph()
    lay.set_paragraph(mast, align=CENTER, line_pt=size * 1.25, snap_to_grid=False)
    run = mast.add_run(name)
    lay.set_run_font(run, lay.FONT_TITLE, size, colour=lay.RED)
    if scale < 100:
        lay.set_run_scale(run, scale)
    _blank(doc, 2)
    number = doc.add_paragraph()
    lay.set_paragraph(number, align=CENTER)
    lay.set_run_font(number.add_run(data.doc_number), lay.FONT_BODY, lay.SIZE_3)
    lay.border_bottom(number, colour=lay.RED_HEX, eighths_pt=12, space_pt=11)  # 11 pt ≈ 4 mm
    _blank(doc, 2)


def _title(doc: DocxDocument, title: str) -> None:
    """2号小标宋, centred; a "\n" in the title is a line break (GB/T 9704: break where the sense allows)."""
    paragraph = doc.add_paragraph()
    lay.set_paragraph(paragraph, align=CENTER, line_pt=34, snap_to_grid=False, keep_with_next=True)
    for n, line in enumerate(title.split("\n")):
        run = paragraph.add_run(line)
        lay.set_run_font(run, lay.FONT_TITLE, lay.SIZE_2)
        if n:
            run._r.insert(len(run._r) - 1 if len(run._r) else 0, OxmlElement("w:br"))
    _blank(doc, 1)


def _blank(doc: DocxDocument, lines: int) -> None:
    for _ in range(lines):
        paragraph = doc.add_paragraph()
        lay.set_paragraph(paragraph)
        lay.set_run_font(paragraph.add_run(""), lay.FONT_BODY, lay.SIZE_3)


def _body(
    doc: DocxDocument, text: str, *, align: WD_ALIGN_PARAGRAPH = JUSTIFY, indent: float = 2
) -> Paragraph:
    paragraph = doc.add_paragraph()
    lay.set_paragraph(paragraph, align=align, first_line_chars=indent)
    lay.set_run_font(paragraph.add_run(text), lay.FONT_BODY, lay.SIZE_3)
    return paragraph


def _heading_1(doc: DocxDocument, text: str) -> None:
    paragraph = doc.add_paragraph()
    lay.set_paragraph(paragraph, align=JUSTIFY, first_line_chars=2, keep_with_next=True)
    lay.set_run_font(paragraph.add_run(text), lay.FONT_HEADING_1, lay.SIZE_3)
    lay.outline_level(paragraph, 0)


def _heading_2(doc: DocxDocument, text: str) -> None:
    paragraph = doc.add_paragraph()
    lay.set_paragraph(paragraph, align=JUSTIFY, first_line_chars=2, keep_with_next=True)
    lay.set_run_font(paragraph.add_run(text), lay.FONT_HEADING_2, lay.SIZE_3)
    lay.outline_level(paragraph, 1)


def _unit_list(doc: DocxDocument, units: tuple[NamedUnit, ...]) -> None:
    for n, unit in enumerate(units, start=1):
        _body(doc, f"{n}.{unit.unit}：{unit.reason}" if unit.reason else f"{n}.{unit.unit}")


def _cell_text(cell_paragraph: Paragraph, text: str, *, font: str, align: WD_ALIGN_PARAGRAPH) -> None:
    lay.set_paragraph(cell_paragraph, align=align, line_pt=18, snap_to_grid=False, before_pt=2, after_pt=2)
    lay.set_run_font(cell_paragraph.add_run(text), font, lay.SIZE_SMALL_4)


def _target_table(doc: DocxDocument, rows: tuple[TargetRow, ...], *, with_owner: bool) -> Table:
    headings = TABLE_HEADINGS_WITH_OWNER if with_owner else TABLE_HEADINGS
    widths = TABLE_WIDTHS_WITH_OWNER_MM if with_owner else TABLE_WIDTHS_MM
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(headings))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    lay.table_borders(table, top=8, bottom=8, inside_h=4, sides=4, inside_v=4)
    lay.table_width(table, widths)
    lay.repeat_header(table)
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        _cell_text(cell.paragraphs[0], heading, font=lay.FONT_HEADING_1, align=CENTER)
    for tr, row in zip(table.rows[1:], rows, strict=True):
        values = [row.code, row.indicator, row.target, row.latest, row.status.label("zh")]
        if with_owner:
            values.append(row.owner)
        aligns = [CENTER, LEFT, CENTER, CENTER, CENTER, LEFT]
        for cell, value, align in zip(tr.cells, values, aligns, strict=False):
            _cell_text(cell.paragraphs[0], value, font=lay.FONT_BODY, align=align)
    spacer = doc.add_paragraph()
    lay.set_paragraph(spacer, line_pt=12, snap_to_grid=False)
    return table


def _signature(doc: DocxDocument, data: BriefingData) -> None:
    """发文机关署名 and 成文日期: one blank line under the text, right-aligned 右空二字 (no seal)."""
    _blank(doc, 1)
    for text in (data.signatory or data.issuer, chinese_date(data.issued_on)):
        paragraph = doc.add_paragraph()
        lay.set_paragraph(paragraph, align=RIGHT, right_chars=2)
        lay.set_run_font(paragraph.add_run(text), lay.FONT_BODY, lay.SIZE_3)
    if data.note:
        _body(doc, data.note, align=LEFT)


def _colophon(doc: DocxDocument, data: BriefingData) -> None:
    """版记 at the foot of the last page: 抄送 (if any), then 印发机关 left and 印发日期 right, between rules.

    First and last rules 0.35 mm (1 pt), the one between 0.25 mm (0.75 pt); 4号仿宋, 左右各空一字. The lines
    sit in a frame anchored to the bottom of the text block. A 印发机关 too long to share its line with the date
    is narrowed (character scaling) rather than wrapped.
    """
    printed_by = data.printed_by or data.issuer
    printed_on = chinese_date(data.printed_on or data.issued_on) + "印发"
    line_width_em = lay.TEXT_WIDTH_PT / lay.SIZE_4 - 2  # less 一字 each side
    rows: list[tuple[str, int]] = []
    if data.cc:
        cc = f"抄送：{data.cc}"
        rows.append((cc, max(1, math.ceil(lay.text_width_em(cc) / line_width_em))))
    rows.append((printed_by, 1))
    # One frame per line, stacked upwards from the bottom edge of the text block. A frame's height: its lines
    # (exact 28.95 pt each), 1 pt of air above and below the text and the rules it carries.
    gap_pt = 1
    heights: list[int] = []
    for n, (_, lines) in enumerate(rows):
        rules = (8 if n == 0 else 0) + (8 if n == len(rows) - 1 else 6)
        heights.append(lines * lay.LINE_PITCH_TWIPS + 2 * gap_pt * 20 + round(rules / 8 * 20))
    y = lay.TEXT_HEIGHT_TWIPS - sum(heights)
    for n, ((text, _), height) in enumerate(zip(rows, heights, strict=True)):
        last = n == len(rows) - 1
        paragraph = doc.add_paragraph()
        # 抄送 wraps under the first name after the colon (hanging indent of 3 characters, "抄送：").
        lay.set_paragraph(
            paragraph,
            align=LEFT,
            left_chars=1 if last else 4,
            hanging_chars=0 if last else 3,
            right_chars=1,
            char_pt=lay.SIZE_4,
            snap_to_grid=False,
        )
        lay.frame_at(paragraph, y)
        y += height
        if n == 0:
            lay.border(paragraph, "top", colour="000000", eighths_pt=8, space_pt=gap_pt)
        lay.border(paragraph, "bottom", colour="000000", eighths_pt=8 if last else 6, space_pt=gap_pt)
        run = paragraph.add_run(text)
        lay.set_run_font(run, lay.FONT_BODY, lay.SIZE_4)
        if not last:
            continue
        room = line_width_em - lay.text_width_em(printed_on) - 1
        if lay.text_width_em(text) > room:
            lay.set_run_scale(run, int(room / lay.text_width_em(text) * 100))
        lay.right_tab(paragraph, round(line_width_em * lay.SIZE_4 * 20))
        tab = paragraph.add_run("\t")
        lay.set_run_font(tab, lay.FONT_BODY, lay.SIZE_4)
        lay.set_run_font(paragraph.add_run(printed_on), lay.FONT_BODY, lay.SIZE_4)
    # LibreOffice makes the frame only when an ordinary paragraph follows; Word wants one at the end anyway.
    tail = doc.add_paragraph()
    lay.set_paragraph(tail, line_pt=1, snap_to_grid=False)


__all__ = ["build_briefing_docx", "chinese_date", "overall_sentence"]
