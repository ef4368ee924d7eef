"""The official fonts of GB/T 9704-2012 and the free fonts that stand in for them when they are absent.

The .docx always names the official fonts (an office PC with them installed prints the real thing). Where
they are missing — a server converting to PDF — fontconfig substitutes the fallbacks through the rules in
`fontconfig/` (generated from `FALLBACKS` below; a test keeps the two in step). Every candidate is a CJK font
whose ideographs and full-width punctuation are exactly 1 em wide, so a 3号 line still holds 28 characters;
Latin letters and digits differ in width from the originals (see docs/adr/0007-briefing-font-fallback.md).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

TITLE = "方正小标宋简体"  # 标题、发文机关标志
BODY = "仿宋_GB2312"  # 正文、发文字号、版记
HEADING_1 = "黑体"  # 一级标题 "一、"
HEADING_2 = "楷体_GB2312"  # 二级标题 "（一）"
PAGE_NUMBER = "宋体"  # 页码
OFFICIAL_FONTS: tuple[str, ...] = (TITLE, BODY, HEADING_1, HEADING_2, PAGE_NUMBER)

# Official name → free stand-ins, best first. Names of the commercial originals (FZXiaoBiaoSong, FangSong,
# KaiTi, SimHei, SimSun) come first so that an installed original always wins over a free font.
FALLBACKS: dict[str, tuple[str, ...]] = {
    TITLE: (
        "FZXiaoBiaoSong-B05S",
        "方正小标宋_GBK",
        "Noto Serif CJK SC",
        "Source Han Serif SC",
        "AR PL UMing CN",
    ),
    BODY: ("仿宋", "FangSong", "FandolFang", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    HEADING_1: (
        "SimHei",
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "WenQuanYi Zen Hei",
        "WenQuanYi Micro Hei",
    ),
    HEADING_2: ("楷体", "KaiTi", "FandolKai", "AR PL UKai CN", "Noto Serif CJK SC"),
    PAGE_NUMBER: ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
}

# 小标宋 is a heavy Song face; its free stand-in (a Song/Ming family) is taken in its bold weight.
BOLD_FALLBACK: frozenset[str] = frozenset({TITLE})

FONTCONFIG_DIR = Path(__file__).resolve().parent / "fontconfig"
FONTCONFIG_RULES = FONTCONFIG_DIR / "65-minsheng-gbt9704.conf"
SYSTEM_FONTCONFIG = Path("/etc/fonts/fonts.conf")


def fontconfig_rules() -> str:
    """The fontconfig rules mapping each official font to its fallbacks (the text of FONTCONFIG_RULES)."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<!-- Generated from minsheng/progress/briefing/fonts.py (FALLBACKS); edit there, not here. -->",
        "<!-- GB/T 9704-2012 official fonts -> free fonts whose CJK glyphs have the same 1 em width. -->",
        "<fontconfig>",
    ]
    # Before the aliases, while the requested family is still first in the pattern.
    for official in sorted(BOLD_FALLBACK):
        lines.extend(
            [
                '  <match target="pattern">',
                f'    <test name="family" qual="first"><string>{official}</string></test>',
                '    <edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>',
                "  </match>",
            ]
        )
    for official, candidates in FALLBACKS.items():
        lines.append('  <alias binding="same">')
        lines.append(f"    <family>{official}</family>")
        lines.append("    <prefer>")
        lines.extend(f"      <family>{name}</family>" for name in candidates)
        lines.append("    </prefer>")
        lines.append("  </alias>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def fontconfig_entry(rules: Path = FONTCONFIG_RULES, system: Path = SYSTEM_FONTCONFIG) -> str:
    """A fonts.conf for FONTCONFIG_FILE: the system configuration, then our rules (absolute paths)."""
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        "<fontconfig>\n"
        f'  <include ignore_missing="yes">{system}</include>\n'
        f'  <include ignore_missing="yes">{rules}</include>\n'
        "</fontconfig>\n"
    )


def installed_families() -> frozenset[str]:
    """Font family names fontconfig knows on this machine (empty when fc-list is absent)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    out = subprocess.run(  # noqa: S603 (fixed arguments)
        [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def resolve(official: str, families: frozenset[str] | None = None) -> str | None:
    """The font that will print `official` here: itself if installed, else the first installed fallback."""
    available = installed_families() if families is None else families
    for name in (official, *FALLBACKS.get(official, ())):
        if name in available:
            return name
    return None


__all__ = [
    "BODY",
    "BOLD_FALLBACK",
    "FALLBACKS",
    "FONTCONFIG_DIR",
    "FONTCONFIG_RULES",
    "HEADING_1",
    "HEADING_2",
    "OFFICIAL_FONTS",
    "PAGE_NUMBER",
    "SYSTEM_FONTCONFIG",
    "TITLE",
    "fontconfig_entry",
    "fontconfig_rules",
    "installed_families",
    "resolve",
]
