"""JSON shapes for the leadership view's endpoints (the JS draws them; the pages render the same data)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils.translation import get_language

from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Target

from . import recompute
from .domain import Accumulation, Assessment, Observation, Status, TargetKind, TargetSpec
from .domain.comparators import meets
from .domain.series import running_totals
from .models import AccumulationKind, TargetShare, TargetStatus
from .models import Observation as ObservationRow
from .selectors import Overview, city_unit
from .specs import spec_for, unit_spec


def lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def status_label(status: str) -> str:
    return Status(status).label("en" if lang() == "en" else "zh")


def status_json(s: TargetStatus | None) -> dict[str, Any] | None:
    if s is None:
        return None
    en = lang() == "en"
    return {
        "status": s.status,
        "label": status_label(s.status),
        "as_of": s.as_of.isoformat(),
        "score": s.score,
        "ratio": s.ratio,
        "latest_value": s.latest_value,
        "latest_on": s.latest_on.isoformat() if s.latest_on else None,
        "running_total": s.running_total,
        "expected_value": s.expected_value,
        "target_value": s.target_value,
        "method": s.method,
        "explanation": (s.explanation_en if en else s.explanation_zh) or None,
        "forecast": None
        if s.forecast_value is None or s.forecast_on is None
        else {
            "on": s.forecast_on.isoformat(),
            "value": s.forecast_value,
            "lower": s.forecast_lower,
            "upper": s.forecast_upper,
            "level": s.forecast_level,
            "probability": s.forecast_probability,
            "method": s.forecast_method,
        },
        "source_kind": s.source_kind,
    }


def overview_json(ov: Overview) -> dict[str, Any]:
    en = lang() == "en"
    return {
        "unit": {"code": ov.unit.code, "name": ov.unit.name_en if en and ov.unit.name_en else ov.unit.name},
        "as_of": ov.as_of.isoformat() if ov.as_of else None,
        "counts": {str(s): n for s, n in ov.counts},
        "systems": [
            {
                "code": b.code,
                "name": b.name_en if en and b.name_en else b.name,
                "tasks": [
                    {
                        "code": t.code,
                        "title": t.title_en if en and t.title_en else t.title,
                        "lead_unit": t.lead_unit,
                        "targets": [
                            {
                                "code": c.target.code,
                                "indicator": c.target.indicator_en
                                if en and c.target.indicator_en
                                else c.target.indicator,
                                "status": status_json(c.status),
                            }
                            for c in t.cells
                        ],
                    }
                    for t in b.tasks
                ],
            }
            for b in ov.systems
        ],
    }


def _assessment_for(
    target: Target, unit: Unit, as_of: date, obs: list[ObservationRow]
) -> tuple[Assessment, TargetSpec | None]:
    """The engine's verdict for one series, made on demand (for batch rows, which carry no sentence)."""
    policy = target.task.policy
    series = recompute.Series()
    for o in obs:
        if o.period_end <= as_of:
            series.observations.append(Observation(o.period_end, o.value))
            series.accumulation = o.accumulation
            series.sources.add(o.source_kind)
    info = recompute.UnitInfo(unit.id, unit.code, unit.name, unit.depth, unit.kind, unit.area_type)
    is_city = unit.kind == UnitKind.CITY
    per_unit_data = None
    if is_city and target.kind == TargetKind.PER_UNIT:
        areas = recompute.unit_infos(Unit.objects.filter(parent=unit, kind=UnitKind.DISTRICT))
        applicable = recompute.applicable_units(target, areas)
        grouped: dict[int, list[Observation]] = {u.id: [] for u in applicable}
        for o in ObservationRow.objects.filter(
            target=target, unit_id__in=list(grouped), period_end__lte=as_of
        ).order_by("period_end"):
            grouped[o.unit_id].append(Observation(o.period_end, o.value))
        per_unit_data = {u.name: grouped[u.id] for u in applicable}
    share = TargetShare.objects.filter(target=target, unit=unit).values_list("value", flat=True).first()
    return recompute.evaluate_series(
        target, policy, info, series if series.observations else None, share, is_city=is_city, as_of=as_of,
        per_unit_data=per_unit_data,
    )  # fmt: skip


def series_json(
    target: Target, unit: Unit, as_of: date | None, cached: TargetStatus | None
) -> dict[str, Any]:
    """Everything the target chart draws: points (with their source), trajectory, target line, forecast."""
    obs = list(ObservationRow.objects.filter(target=target, unit=unit).order_by("period_end"))
    on = as_of or (obs[-1].period_end if obs else date.today())
    if cached is not None and cached.exact:
        st = status_json(cached)
        spec = _spec_for_unit(target, unit)
    else:
        a, spec = _assessment_for(target, unit, on, obs)
        st = _assessment_json(a, on, spec)
    en = lang() == "en"
    points = _display_points(target, obs, spec)
    return {
        "target": {
            "code": target.code,
            "indicator": target.indicator_en if en and target.indicator_en else target.indicator,
            "unit": target.unit,
            "kind": target.kind,
            "higher_is_better": target.higher_is_better,
            "deadline": target.deadline.isoformat(),
            "target_value": recompute.target_value(spec),
        },
        "unit": {"code": unit.code, "name": unit.name_en if en and unit.name_en else unit.name},
        "as_of": on.isoformat(),
        "points": points,
        "trajectory": _trajectory(target, spec, points),
        "status": st,
        "labels": _labels(en),
    }


def _labels(en: bool) -> dict[str, str]:
    if en:
        return {
            "actual": "Actual",
            "trajectory": "Trajectory to target",
            "target": "Target",
            "forecast": "Forecast",
            "band": "Forecast interval",
            "real": "real figure",
            "reported": "reported",
            "synthetic": "synthetic (demo)",
            "source": "Source",
        }
    return {
        "actual": "实际值",
        "trajectory": "目标轨迹",
        "target": "目标值",
        "forecast": "预测",
        "band": "预测区间",
        "real": "公开数据",
        "reported": "填报数据",
        "synthetic": "模拟数据（演示）",
        "source": "来源",
    }


def _spec_for_unit(target: Target, unit: Unit) -> TargetSpec | None:
    city = spec_for(target, target.task.policy)
    if unit.kind == UnitKind.CITY:
        return city
    share = TargetShare.objects.filter(target=target, unit=unit).values_list("value", flat=True).first()
    return unit_spec(city, target, share).spec


def _assessment_json(a: Assessment, as_of: date, spec: TargetSpec | None) -> dict[str, Any]:
    f = a.forecast
    return {
        "status": str(a.status),
        "label": status_label(str(a.status)),
        "as_of": as_of.isoformat(),
        "score": a.score,
        "ratio": a.ratio,
        "latest_value": a.latest_value,
        "latest_on": a.latest_on.isoformat() if a.latest_on else None,
        "running_total": a.running_total,
        "expected_value": a.expected_value,
        "target_value": recompute.target_value(spec),
        "method": a.method,
        "explanation": a.explanation("en" if lang() == "en" else "zh"),
        "forecast": None
        if f is None
        else {
            "on": f.on.isoformat(),
            "value": f.projected,
            "lower": f.lower,
            "upper": f.upper,
            "level": f.level,
            "probability": f.probability,
            "method": f.method,
        },
        "source_kind": "",
    }


def _display_points(
    target: Target, obs: list[ObservationRow], spec: TargetSpec | None
) -> list[dict[str, Any]]:
    """The values the status is judged on: running totals for per-period totals, otherwise as reported."""
    values = [o.value for o in obs]
    if target.kind == TargetKind.CUMULATIVE and obs and obs[-1].accumulation == AccumulationKind.PER_PERIOD:
        start = spec.plan_start if spec else date(target.task.policy.plan_start_year, 1, 1)
        totals = {
            x.on: x.value
            for x in running_totals(
                [Observation(o.period_end, o.value) for o in obs], Accumulation.PER_PERIOD, start=start
            )
        }
        values = [totals.get(o.period_end, float("nan")) for o in obs]
    return [
        {
            "on": o.period_end.isoformat(),
            "value": v,
            "reported": o.value,
            "source_kind": o.source_kind,
            "source_ref": o.source_ref,
            "source_note": o.source_note,
        }
        for o, v in zip(obs, values, strict=True)
        if v == v
    ]


def _trajectory(target: Target, spec: TargetSpec | None, points: list[dict[str, Any]]) -> list[list[Any]]:
    """The straight path from the baseline to the target at the deadline ([] when there is none)."""
    if spec is None:
        return []
    goal_value = recompute.target_value(spec)
    if goal_value is None:
        return []
    deadline = spec.deadline.isoformat()
    if spec.kind in (TargetKind.CUMULATIVE, TargetKind.PER_UNIT):
        return [[(spec.plan_start - timedelta(days=1)).isoformat(), 0.0], [deadline, goal_value]]
    if spec.kind == TargetKind.ANNUAL or spec.hold:
        return []
    if spec.kind == TargetKind.ANNUAL_CHANGE:
        base = spec.baseline_value
        base_on = date(spec.baseline_year, 12, 31).isoformat()
        if base is None:
            base = next((p["value"] for p in points if p["on"] == base_on), None)
        if base is None or spec.value is None:
            return []
        step = 1.0 if spec.higher_is_better else -1.0
        end = base + step * spec.value * (spec.deadline.year - spec.baseline_year)
        return [[base_on, base], [deadline, end]]
    base_value = spec.baseline_value
    base_on = date(spec.baseline_year, 12, 31).isoformat()
    if base_value is None:
        in_year = [p for p in points if p["on"].startswith(str(spec.baseline_year))]
        later = [p for p in points if p["on"] > base_on]
        chosen = in_year[-1] if in_year else (later[0] if later else None)
        if chosen is None:
            return []
        base_value, base_on = chosen["value"], chosen["on"]
    return [[base_on, base_value], [deadline, goal_value]]


def per_unit_points(target: Target, city: Unit) -> list[dict[str, Any]]:
    """For a one-per-unit target at city level: how many units meet it at each date their data changes."""
    spec = spec_for(target, target.task.policy)
    areas = recompute.unit_infos(Unit.objects.filter(parent=city, kind=UnitKind.DISTRICT))
    ids = {u.id for u in recompute.applicable_units(target, areas)}
    latest: dict[int, float] = {}
    out: list[dict[str, Any]] = []
    rows = ObservationRow.objects.filter(target=target, unit_id__in=ids).order_by("period_end")
    kinds: set[str] = set()
    current: date | None = None
    for o in rows:
        if current is not None and o.period_end != current:
            out.append(_count_point(current, latest, spec, kinds))
        current = o.period_end
        latest[o.unit_id] = o.value
        kinds.add(o.source_kind)
    if current is not None:
        out.append(_count_point(current, latest, spec, kinds))
    return out


def _count_point(on: date, latest: dict[int, float], spec: TargetSpec, kinds: set[str]) -> dict[str, Any]:
    met = sum(1 for v in latest.values() if meets(v, spec))
    kind = "real" if "real" in kinds else ("reported" if "reported" in kinds else "synthetic")
    return {
        "on": on.isoformat(),
        "value": float(met),
        "reported": float(met),
        "source_kind": kind,
        "source_ref": "",
        "source_note": "",
    }


def city_series_json(target: Target, as_of: date | None, cached: TargetStatus | None) -> dict[str, Any]:
    city = city_unit()
    assert city is not None
    data = series_json(target, city, as_of, cached)
    if target.kind == TargetKind.PER_UNIT:
        points = per_unit_points(target, city)
        n = len(
            recompute.applicable_units(
                target, recompute.unit_infos(Unit.objects.filter(parent=city, kind=UnitKind.DISTRICT))
            )
        )
        data["points"] = points
        data["target"]["target_value"] = float(n)
        spec = spec_for(target, target.task.policy)
        data["trajectory"] = [
            [(spec.plan_start - timedelta(days=1)).isoformat(), 0.0],
            [spec.deadline.isoformat(), float(n)],
        ]
    return data
