"""GB/T 9704-2012 page and type settings, and the low-level python-docx helpers that apply them.

Sizes in Chinese typesetting (字号): 2号 = 22 pt, 3号 = 16 pt, 4号 = 14 pt, 小四 = 12 pt.
Text block (版心) 156 mm × 225 mm: 22 lines of 28 characters of 3号 type.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from . import fonts

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37  # 天头
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28  # 订口
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

SIZE_2 = 22.0  # 2号: title
SIZE_3 = 16.0  # 3号: body, headings, document number
SIZE_4 = 14.0  # 4号: page numbers, 版记
SIZE_SMALL_4 = 12.0  # 小四: tables

RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

_PT_PER_MM = 72 / 25.4
TWIPS_PER_MM = 1440 / 25.4
TEXT_HEIGHT_TWIPS = round(TEXT_HEIGHT_MM * TWIPS_PER_MM)
TEXT_WIDTH_PT = TEXT_WIDTH_MM * _PT_PER_MM  # 442.2 pt
LINE_PITCH_PT = TEXT_HEIGHT_MM * _PT_PER_MM / LINES_PER_PAGE  # 28.99 pt; 28.95 pt as twips (579) fits 22
LINE_PITCH_TWIPS = 579
# 28 characters of 16 pt need 448 pt, the text block is 442.2 pt: each character is drawn 0.25 pt tighter
# (w:spacing −5 twips on the Normal style: 28 × 15.75 = 441 pt). Word's own character grid (linesAndChars
# with charSpace −848) would do the same in Word, but LibreOffice then gives every 16 pt character two
# 15.8 pt grid cells and prints 14 characters a line, so only the line grid is used.
CHAR_SPACING_TWIPS = -5


def set_page(section: Section) -> None:
    """A4, the GB/T 9704 margins, even/odd footers 7 mm under the text block, the 22 × 28 grid."""
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    # The page number's 一字线 sits 7 mm below the text block: 35 − 7 mm from the page edge to its top,
    # and a 4号 line is about 5 mm tall.
    section.footer_distance = Mm(MARGIN_BOTTOM_MM - 7 - 5)
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    if grid.get(qn("w:charSpace")) is not None:
        del grid.attrib[qn("w:charSpace")]


def set_run_font(
    run: Run, name: str, size_pt: float, *, bold: bool = False, colour: RGBColor | None = None
) -> None:
    """Name `name` for every script of the run (w:ascii, w:hAnsi, w:eastAsia, w:cs) with its size."""
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    r_pr = run._r.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, r_fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)
    r_fonts.set(qn("w:hint"), "eastAsia")
    size = r_pr.find(qn("w:szCs"))
    if size is None:
        size = OxmlElement("w:szCs")
        r_pr.append(size)
    size.set(qn("w:val"), str(round(size_pt * 2)))
    order_rpr(r_pr)


def set_run_scale(run: Run, percent: int) -> None:
    """Horizontal scaling of the characters (w:w), e.g. 80 for a long issuing-organ name."""
    r_pr = run._r.get_or_add_rPr()
    w = OxmlElement("w:w")
    w.set(qn("w:val"), str(percent))
    r_pr.append(w)
    order_rpr(r_pr)


def set_paragraph(
    paragraph: Paragraph,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    line_pt: float | None = LINE_PITCH_TWIPS / 20,
    first_line_chars: float = 0,
    left_chars: float = 0,
    right_chars: float = 0,
    hanging_chars: float = 0,
    char_pt: float = SIZE_3,
    before_pt: float = 0,
    after_pt: float = 0,
    snap_to_grid: bool = True,
    keep_with_next: bool = False,
) -> None:
    """Alignment, exact line spacing and indents counted in characters (as GB/T 9704 states them).

    Indents are written both in hundredths of a character (w:firstLineChars, read by Word and WPS) and in
    twips of `char_pt`-sized characters (read by LibreOffice).
    """
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    if line_pt is not None:
        fmt.line_spacing = Pt(line_pt)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.space_before = Pt(before_pt)
    fmt.space_after = Pt(after_pt)
    fmt.keep_with_next = keep_with_next
    p_pr = paragraph._p.get_or_add_pPr()
    ind = p_pr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        p_pr.append(ind)
    indents = (
        (first_line_chars, "firstLine"),
        (hanging_chars, "hanging"),
        (left_chars, "left"),
        (right_chars, "right"),
    )
    for chars, attr in indents:
        if chars:
            ind.set(qn(f"w:{attr}Chars"), str(round(chars * 100)))
            ind.set(qn(f"w:{attr}"), str(round(chars * char_pt * 20)))
    if not snap_to_grid:
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        p_pr.append(snap)
    _order_ppr(p_pr)


# The schema order of the pPr children python-docx does not manage for us (CT_PPr sequence).
_PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]
_PPR_RANK = {qn(tag): i for i, tag in enumerate(_PPR_ORDER)}


_RPR_ORDER = [
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]
_RPR_RANK = {qn(tag): i for i, tag in enumerate(_RPR_ORDER)}


def order_rpr(r_pr: BaseOxmlElement) -> None:
    """Put rPr children in schema order (after appending elements python-docx does not manage)."""
    _order(r_pr, _RPR_RANK)


_TBLPR_ORDER = [
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
]
_TBLPR_RANK = {qn(tag): i for i, tag in enumerate(_TBLPR_ORDER)}


def _order(parent: BaseOxmlElement, rank: dict[str, int]) -> None:
    """Put the children of `parent` back in schema order (Word refuses a file whose elements are out of order)."""
    children = sorted(parent, key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        parent.remove(el)
        parent.append(el)


def _order_ppr(p_pr: BaseOxmlElement) -> None:
    _order(p_pr, _PPR_RANK)


def _order_tblpr(table: Table) -> None:
    _order(table._tbl.tblPr, _TBLPR_RANK)


def outline_level(paragraph: Paragraph, level: int) -> None:
    """Mark a heading for the navigation pane and the table of contents (0 = first level)."""
    p_pr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    p_pr.append(el)
    _order_ppr(p_pr)


def border_bottom(paragraph: Paragraph, *, colour: str, eighths_pt: int, space_pt: int) -> None:
    """A rule under the paragraph: `eighths_pt` thick (8 = 1 pt), `space_pt` below the text."""
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(eighths_pt))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), colour)
    bdr.append(bottom)
    p_pr.append(bdr)
    _order_ppr(p_pr)


def right_tab(paragraph: Paragraph, position_twips: int) -> None:
    """A right-aligned tab stop at `position_twips` from the left indent."""
    p_pr = paragraph._p.get_or_add_pPr()
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(position_twips))
    tabs.append(tab)
    p_pr.append(tabs)
    _order_ppr(p_pr)


def add_field(paragraph: Paragraph, instruction: str, placeholder: str, font: str, size_pt: float) -> None:
    """A field (e.g. PAGE) as begin/instr/separate/result/end runs, so Word and LibreOffice both update it."""

    def fld_char(kind: str) -> Run:
        run = paragraph.add_run()
        set_run_font(run, font, size_pt)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    fld_char("begin")
    instr_run = paragraph.add_run()
    set_run_font(instr_run, font, size_pt)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run._r.append(instr)
    fld_char("separate")
    result = paragraph.add_run(placeholder)
    set_run_font(result, font, size_pt)
    fld_char("end")


def table_borders(table: Table, *, top: int, bottom: int, inside_h: int, sides: int, inside_v: int) -> None:
    """Table borders in eighths of a point (0 = none)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size in (
        ("top", top),
        ("left", sides),
        ("bottom", bottom),
        ("right", sides),
        ("insideH", inside_h),
        ("insideV", inside_v),
    ):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if size else "nil")
        if size:
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    existing = tbl_pr.find(qn("w:tblBorders"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(borders)
    _order_tblpr(table)


def table_width(table: Table, widths_mm: list[float]) -> None:
    """Fixed column widths (mm) summing to the table width; layout fixed so no program re-flows it."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(round(sum(widths_mm) * TWIPS_PER_MM)))
    width.set(qn("w:type"), "dxa")
    existing = tbl_pr.find(qn("w:tblW"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.append(width)
    _order_tblpr(table)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)


def repeat_header(table: Table) -> None:
    """Repeat the first row at the top of every page the table runs onto."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def float_to_bottom(table: Table, height_twips: int) -> None:
    """Anchor the table so that its bottom sits on the bottom edge of the text block (版记 on the last page).

    `tblpYSpec="bottom"` would say this directly, but LibreOffice ignores it; an absolute offset from the top
    margin works in both Word and LibreOffice, so the caller passes the table's height.
    """
    tbl_pr = table._tbl.tblPr
    pos = OxmlElement("w:tblpPr")
    pos.set(qn("w:leftFromText"), "0")
    pos.set(qn("w:rightFromText"), "0")
    pos.set(qn("w:vertAnchor"), "margin")
    pos.set(qn("w:horzAnchor"), "margin")
    pos.set(qn("w:tblpXSpec"), "center")
    pos.set(qn("w:tblpY"), str(max(0, round(TEXT_HEIGHT_MM * TWIPS_PER_MM) - height_twips)))
    tbl_pr.append(pos)
    _order_tblpr(table)


def frame_at(paragraph: Paragraph, y_twips: int) -> None:
    """Put the paragraph in a frame as wide as the text block, `y_twips` below the top margin.

    Absolute offsets because LibreOffice ignores `yAlign="bottom"`. One paragraph per frame: LibreOffice 7.4
    drops the frame of consecutive framed paragraphs whose borders differ or use a "between" rule.
    """
    p_pr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(round(TEXT_WIDTH_MM * TWIPS_PER_MM)))
    frame.set(qn("w:wrap"), "around")
    frame.set(qn("w:vAnchor"), "margin")
    frame.set(qn("w:hAnchor"), "margin")
    frame.set(qn("w:xAlign"), "center")
    frame.set(qn("w:y"), str(max(0, y_twips)))
    p_pr.append(frame)
    _order_ppr(p_pr)


def border(paragraph: Paragraph, edge: str, *, colour: str, eighths_pt: int, space_pt: int) -> None:
    """A rule on `edge` ("top" or "bottom") of the paragraph: `eighths_pt` thick (8 = 1 pt)."""
    p_pr = paragraph._p.get_or_add_pPr()
    bdr = p_pr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        p_pr.append(bdr)
    rule = OxmlElement(f"w:{edge}")
    rule.set(qn("w:val"), "single")
    rule.set(qn("w:sz"), str(eighths_pt))
    rule.set(qn("w:space"), str(space_pt))
    rule.set(qn("w:color"), colour)
    bdr.append(rule)
    order = {qn(f"w:{e}"): i for i, e in enumerate(("top", "left", "bottom", "right", "between", "bar"))}
    _order(bdr, order)
    _order_ppr(p_pr)


def text_width_em(text: str) -> float:
    """Width of `text` in ems: CJK and full-width characters 1, ASCII letters, digits and spaces ½."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


FONT_TITLE = fonts.TITLE
FONT_BODY = fonts.BODY
FONT_HEADING_1 = fonts.HEADING_1
FONT_HEADING_2 = fonts.HEADING_2
FONT_PAGE_NUMBER = fonts.PAGE_NUMBER
