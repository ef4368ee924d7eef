"""Template helpers for the leadership view: status labels, numbers, Chinese-first names with English."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from minsheng.progress.domain import Status

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def status_label(value: Any) -> str:
    """The official label of a status key in the current language (已达标 / Target achieved …)."""
    try:
        status = Status(str(value))
    except ValueError:
        return str(value)
    return status.label("en" if _english() else "zh")


@register.filter
def num(value: Any) -> str:
    """A number for a table: up to two decimals, no trailing zeros; "—" for none."""
    if value is None or value == "":
        return "—"
    number = float(value)
    if number != number:
        return "—"
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.simple_tag
def localized(obj: Any, field: str) -> str:
    """`obj.<field>` in Chinese, or `obj.<field>_en` in English when it is filled in."""
    if obj is None:
        return ""
    if _english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    value = getattr(obj, field, None)
    if value is None:
        value = getattr(obj, f"{field}_zh", "")
    return str(value or "")
