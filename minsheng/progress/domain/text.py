"""Number and phrase formatting for the one-sentence explanations (Chinese and English)."""

from __future__ import annotations

from minsheng.policy.domain.vocab import COMPARATOR_LABELS_ZH

from .types import Comparator, TargetSpec

COMPARATOR_LABELS_EN: dict[Comparator, str] = {
    Comparator.GE: "at least",
    Comparator.LE: "at most",
    Comparator.EQ: "equal to",
    Comparator.GT: "above",
    Comparator.LT: "below",
    Comparator.RANGE: "between",
    Comparator.APPROX: "about",
}


def num(x: float) -> str:
    """A stated figure as written: up to 4 decimals, trailing zeros dropped (110, 0.5, 82.4)."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def fixed(x: float, decimals: int) -> str:
    """A measured or computed figure with a fixed number of decimals (92.3, 88.0)."""
    return f"{x:.{decimals}f}"


def pct(x: float, decimals: int = 2) -> str:
    """A share or rate as a percentage without a sign (0.0192 → "1.92%")."""
    return f"{x * 100:.{decimals}f}%"


def signed_pct(x: float) -> str:
    """A growth rate as a percentage with its sign (+1.92%, −0.81%)."""
    return f"{x * 100:+.2f}%"


def target_zh(spec: TargetSpec) -> str:
    """The target phrase in Chinese, e.g. "不低于110万人" or "区间1—2个"."""
    if spec.comparator == Comparator.RANGE and spec.value is not None and spec.value_max is not None:
        return f"{num(spec.value)}—{num(spec.value_max)}{spec.unit}"
    value = "" if spec.value is None else num(spec.value)
    return f"{COMPARATOR_LABELS_ZH[spec.comparator]}{value}{spec.unit}"


def unit_en(spec: TargetSpec) -> str:
    """The English unit: `unit_en`, else `unit` when it has no Chinese characters (%, ‰, km)."""
    if spec.unit_en:
        return spec.unit_en
    return "" if any("\u4e00" <= ch <= "\u9fff" for ch in spec.unit) else spec.unit


def _en_suffix(spec: TargetSpec) -> str:
    unit = unit_en(spec)
    return unit if unit in ("%", "‰") or not unit else f" {unit}"


def target_en(spec: TargetSpec) -> str:
    """The target phrase in English, e.g. "at least 110 10k persons" or "1–2"."""
    unit = _en_suffix(spec)
    if spec.comparator == Comparator.RANGE and spec.value is not None and spec.value_max is not None:
        return f"{num(spec.value)}–{num(spec.value_max)}{unit}"
    value = "" if spec.value is None else num(spec.value)
    return f"{COMPARATOR_LABELS_EN[spec.comparator]} {value}{unit}"


def qty_zh(x: float, spec: TargetSpec) -> str:
    """A measured quantity with the target's unit and decimals, Chinese style ("92.3万人")."""
    return f"{fixed(x, spec.decimals)}{spec.unit}"


def qty_en(x: float, spec: TargetSpec) -> str:
    """A measured quantity with the target's English unit ("92.3 10k persons", "2.6%")."""
    return f"{fixed(x, spec.decimals)}{_en_suffix(spec)}"


def bound_zh(spec: TargetSpec) -> str:
    """A ceiling or floor in the wording of the policy: "控制在5%以内", "保持在80%以上", "低于5%"."""
    value = num(spec.value or 0.0) + spec.unit
    if spec.comparator == Comparator.GT:
        return f"高于{value}"
    if spec.comparator == Comparator.LT:
        return f"低于{value}"
    return f"保持在{value}以上" if spec.higher_is_better else f"控制在{value}以内"


def bound_en(spec: TargetSpec) -> str:
    """A ceiling or floor in English: "kept at or below 5%", "kept above 80%"."""
    value = num(spec.value or 0.0) + _en_suffix(spec)
    strict = spec.comparator in (Comparator.GT, Comparator.LT)
    side = (
        ("above" if strict else "at or above")
        if spec.higher_is_better
        else ("below" if strict else "at or below")
    )
    return f"kept {side} {value}"
