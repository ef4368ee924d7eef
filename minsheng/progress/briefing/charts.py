"""Small, deterministic bar charts as PNG bytes for the 通报, drawn with Pillow (see docs/adr/0005).

Two charts are needed: targets by status (one bar per status) and, per system, the targets stacked by status.
Every bar carries its number, so the chart still reads when the document is printed in black and white.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from minsheng.progress.domain.types import Status

from .data import STATUS_ORDER

# Status colours (sRGB): greens for good news, amber to red for lagging, grey for "cannot be assessed".
STATUS_COLOURS: dict[Status, str] = {
    Status.ACHIEVED: "#1b7a3a",
    Status.ON_TRACK: "#5aa95a",
    Status.NEEDS_ACCELERATION: "#e0a800",
    Status.LIMITED: "#e0661b",
    Status.DETERIORATION: "#c0282d",
    Status.NOT_ASSESSABLE: "#9a9a9a",
}

# Families tried for chart text, best first; all are in Debian (fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*).
CHART_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
)

WIDTH_PX = 1500
INK = "#222222"
GRID = "#d0d0d0"


class ChartFontMissingError(RuntimeError):
    """No font with Chinese glyphs was found: charts cannot be labelled."""


@dataclass(frozen=True, slots=True)
class FontFile:
    """A font file and the face index inside it (a .ttc holds several faces)."""

    path: Path
    index: int


@cache
def find_chart_font() -> FontFile:
    """The first of CHART_FONT_FAMILIES that fontconfig finds; raises ChartFontMissingError otherwise."""
    fc_match = shutil.which("fc-match")
    if fc_match is not None:
        for family in CHART_FONT_FAMILIES:
            out = subprocess.run(  # noqa: S603 (fixed arguments)
                [fc_match, "-f", "%{family}\n%{file}\n%{index}", f"{family}:lang=zh-cn"],
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            ).stdout.split("\n")
            if len(out) == 3 and family in out[0].split(",") and Path(out[1]).is_file():
                return FontFile(Path(out[1]), int(out[2] or 0))
    raise ChartFontMissingError(
        "未找到中文字体（如 Noto Sans CJK SC），无法绘制通报图表；请以 root 运行 make office-deps 安装 fonts-noto-cjk。"
        " No CJK font found for the charts: run `make office-deps` as root."
    )


def _font(size: int) -> ImageFont.FreeTypeFont:
    found = find_chart_font()
    return ImageFont.truetype(str(found.path), size=size, index=found.index)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(254, 254))
    return buffer.getvalue()


def _text_width(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont) -> float:
    return draw.textlength(text, font=font)


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ steps), at least 1."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def status_bar_chart(counts: Mapping[Status, int], *, title: str = "") -> bytes:
    """One vertical bar per status (best first), the count above each bar; PNG bytes, 1500 px wide."""
    statuses = [s for s in STATUS_ORDER if s != Status.NOT_ASSESSABLE or counts.get(s, 0)]
    values = [counts.get(s, 0) for s in statuses]
    height = 760
    image = Image.new("RGB", (WIDTH_PX, height), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font, title_font = _font(34), _font(34), _font(40)
    top = 40
    if title:
        draw.text((WIDTH_PX / 2, 20), title, font=title_font, fill=INK, anchor="ma")
        top = 110
    left, right, bottom = 120, WIDTH_PX - 40, height - 90
    axis_max = _nice_max(max(values, default=0))
    _grid(draw, left, right, top + 50, bottom, axis_max, label_font)
    slot = (right - left) / max(len(statuses), 1)
    bar = slot * 0.56
    for i, (status, value) in enumerate(zip(statuses, values, strict=True)):
        x0 = left + i * slot + (slot - bar) / 2
        y0 = bottom - (bottom - top - 50) * value / axis_max
        if value:
            draw.rectangle((x0, y0, x0 + bar, bottom), fill=STATUS_COLOURS[status])
        draw.text((x0 + bar / 2, y0 - 8), str(value), font=value_font, fill=INK, anchor="md")
        draw.text((x0 + bar / 2, bottom + 16), status.label("zh"), font=label_font, fill=INK, anchor="ma")
    return _png(image)


def system_status_chart(rows: Sequence[tuple[str, Mapping[Status, int]]], *, title: str = "") -> bytes:
    """One horizontal bar per system, stacked by status (best on the left), with a legend; PNG bytes.

    `rows` is (system name, counts by status) in the order to draw, top to bottom. Each segment carries its
    count when it is wide enough, and each bar its total at the right end.
    """
    label_font, value_font, title_font = _font(32), _font(28), _font(40)
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    names_width = max((_text_width(probe, name, label_font) for name, _ in rows), default=0)
    row_h, gap = 58, 22
    top = 110 if title else 30
    legend_h = 70
    height = int(top + len(rows) * (row_h + gap) + legend_h + 40)
    image = Image.new("RGB", (WIDTH_PX, max(height, 200)), "white")
    draw = ImageDraw.Draw(image)
    if title:
        draw.text((WIDTH_PX / 2, 20), title, font=title_font, fill=INK, anchor="ma")
    left = int(names_width) + 50
    right = WIDTH_PX - 110
    largest = max((sum(c.values()) for _, c in rows), default=0) or 1
    scale = (right - left) / largest
    for i, (name, counts) in enumerate(rows):
        y0 = top + i * (row_h + gap)
        draw.text((left - 16, y0 + row_h / 2), name, font=label_font, fill=INK, anchor="rm")
        x = float(left)
        for status in STATUS_ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            w = n * scale
            draw.rectangle((x, y0, x + w, y0 + row_h), fill=STATUS_COLOURS[status])
            if w >= 36:
                draw.text((x + w / 2, y0 + row_h / 2), str(n), font=value_font, fill="white", anchor="mm")
            x += w
        draw.text((x + 12, y0 + row_h / 2), str(sum(counts.values())), font=value_font, fill=INK, anchor="lm")
    _legend(draw, top + len(rows) * (row_h + gap) + 20, value_font)
    return _png(image)


def _grid(
    draw: ImageDraw.ImageDraw,
    left: float,
    right: float,
    top: float,
    bottom: float,
    axis_max: int,
    font: ImageFont.FreeTypeFont,
) -> None:
    steps = 5 if axis_max % 5 == 0 and axis_max >= 5 else (2 if axis_max % 2 == 0 else 1)
    for k in range(steps + 1):
        value = axis_max * k / steps
        y = bottom - (bottom - top) * k / steps
        draw.line((left, y, right, y), fill=GRID if k else INK, width=2)
        text = f"{value:g}"
        draw.text((left - 14, y), text, font=font, fill=INK, anchor="rm")


def _legend(draw: ImageDraw.ImageDraw, y: float, font: ImageFont.FreeTypeFont) -> None:
    items = [(s, s.label("zh")) for s in STATUS_ORDER]
    widths = [40 + 10 + _text_width(draw, text, font) + 36 for _, text in items]
    x = (WIDTH_PX - sum(widths)) / 2
    for (status, text), w in zip(items, widths, strict=True):
        draw.rectangle((x, y + 6, x + 40, y + 40), fill=STATUS_COLOURS[status])
        draw.text((x + 50, y + 23), text, font=font, fill=INK, anchor="lm")
        x += w


__all__ = [
    "CHART_FONT_FAMILIES",
    "STATUS_COLOURS",
    "ChartFontMissingError",
    "FontFile",
    "find_chart_font",
    "status_bar_chart",
    "system_status_chart",
]
