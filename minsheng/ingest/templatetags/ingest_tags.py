"""Small display filters for the ingest screens."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """A number without exponent or trailing zeros: Decimal("100.0000") → "100", 5.5 → "5.5"."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = format(d.normalize(), "f")
    return text


@register.filter
def label(mapping: Any, key: Any) -> Any:
    """`labels|label:key` — the label of `key` in a dict, or the key itself."""
    try:
        return mapping.get(key, key)
    except AttributeError:
        return key
