"""The catalog's controlled vocabulary, shared by the loader, the engine and the ingest proposals."""

from __future__ import annotations

from enum import StrEnum


class Comparator(StrEnum):
    GE = ">="
    LE = "<="
    EQ = "="
    GT = ">"
    LT = "<"
    RANGE = "range"
    APPROX = "approx"


class TargetKind(StrEnum):
    LEVEL = "level"  # reach or hold a value
    CUMULATIVE = "cumulative"  # a total added over the plan period (2021–2025)
    ANNUAL = "annual"  # every year
    ANNUAL_CHANGE = "annual_change"  # a change every year
    PER_UNIT = "per_unit"  # in each district (or each central district)
    CIRCLE = "circle"  # a service circle, in minutes


class Firmness(StrEnum):
    ENSURE = "ensure"  # 确保
    STRIVE = "strive"  # 力争
    NONE = "none"


COMPARATOR_LABELS_ZH = {
    Comparator.GE: "不低于",
    Comparator.LE: "不高于",
    Comparator.EQ: "等于",
    Comparator.GT: "高于",
    Comparator.LT: "低于",
    Comparator.RANGE: "区间",
    Comparator.APPROX: "约",
}

KIND_LABELS_ZH = {
    TargetKind.LEVEL: "水平值",
    TargetKind.CUMULATIVE: "累计值",
    TargetKind.ANNUAL: "年度值",
    TargetKind.ANNUAL_CHANGE: "年度变化",
    TargetKind.PER_UNIT: "每区达标",
    TargetKind.CIRCLE: "服务圈",
}
