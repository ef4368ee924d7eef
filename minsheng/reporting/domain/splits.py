"""Splitting a goal into parts (plan period → years, city → districts) and checking the parts add up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class SplitWarning:
    """The parts do not add up to the whole. Saved anyway: the office decides; the warning says by how much."""

    expected: Decimal
    total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.total - self.expected

    @property
    def message(self) -> str:
        def fmt(d: Decimal) -> str:
            return format(d.normalize(), "f")

        return (
            f"分解合计 {fmt(self.total)} 与总目标 {fmt(self.expected)} 不一致（相差 {fmt(self.difference)}）"
        )


def split_even(total: Decimal, keys: Sequence[str]) -> dict[str, Decimal]:
    """`total` split evenly over `keys` to 4 decimal places; the last key takes the rounding remainder."""
    if not keys:
        return {}
    share = (total / len(keys)).quantize(PLACES, rounding=ROUND_DOWN)
    out = dict.fromkeys(keys, share)
    out[keys[-1]] = total - share * (len(keys) - 1)
    return out


def check_adds_up(total: Decimal, parts: Mapping[str, Decimal]) -> SplitWarning | None:
    """None when the parts sum to `total` exactly, else a warning."""
    s = sum(parts.values(), Decimal(0))
    return None if s == total else SplitWarning(expected=total, total=s)
