"""Template filters that show the catalog's controlled vocabulary in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from minsheng.policy.domain.vocab import KIND_LABELS_ZH, Comparator, TargetKind

register = template.Library()

_KIND_EN = {
    TargetKind.LEVEL: "level",
    TargetKind.CUMULATIVE: "cumulative",
    TargetKind.ANNUAL: "every year",
    TargetKind.ANNUAL_CHANGE: "yearly change",
    TargetKind.PER_UNIT: "in each district",
    TargetKind.CIRCLE: "service circle",
}
_SYMBOLS = {
    Comparator.GE: "≥",
    Comparator.LE: "≤",
    Comparator.EQ: "=",
    Comparator.GT: ">",
    Comparator.LT: "<",
    Comparator.RANGE: "",
    Comparator.APPROX: "≈",
}


@register.filter
def kind_label(kind: str) -> str:
    """目录中的类型代码 → 中文（或英文）名称；未知代码原样返回。"""
    try:
        key = TargetKind(kind)
    except ValueError:
        return kind
    return _KIND_EN[key] if (get_language() or "").startswith("en") else KIND_LABELS_ZH[key]


@register.filter
def comparator_symbol(comparator: str) -> str:
    """ ">=" → "≥" etc.; a range shows no symbol because its value reads "1—2"."""
    try:
        return _SYMBOLS[Comparator(comparator)]
    except ValueError:
        return comparator
