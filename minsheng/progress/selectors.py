"""Scoped reads for the leadership view and the CLI. Every unit-bearing query passes `unit_scope(user)`.

Query counts do not grow with rows: each function issues a fixed number of queries (tests assert it), and
the status reads always name the units they want, so a city of 3,300 communities costs the same as the demo.
Statuses are read through `statusstore`, which answers from TargetStatus rows and StatusBlocks alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from minsheng.org.access import get_unit_for_user_or_404, unit_scope
from minsheng.org.models import Unit, UnitKind
from minsheng.policy.models import Policy, PolicySystem, Target
from minsheng.policy.selectors import default_policy, get_target_for_user_or_404, targets_visible_to

from . import recompute, statusstore
from .domain import Status
from .models import Observation, TargetShare, TargetStatus

BAD = (Status.NEEDS_ACCELERATION, Status.LIMITED, Status.DETERIORATION)
STATUS_ORDER = (
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.NEEDS_ACCELERATION,
    Status.LIMITED,
    Status.DETERIORATION,
    Status.NOT_ASSESSABLE,
)


def city_unit() -> Unit | None:
    return Unit.objects.filter(kind=UnitKind.CITY).order_by("path").first()


def focus_unit(user: Any) -> Unit:
    """The unit whose statuses a user's leadership view shows: the city for city-wide roles, else the top
    of the user's own subtree. 404 when the user sees no unit at all."""
    scope = unit_scope(user)
    if scope.everything:
        unit = city_unit()
    else:
        unit = Unit.objects.filter(path__in=scope.paths).order_by("depth", "path").first()
    if unit is None:
        raise Http404("没有可查看的单位")
    return unit


def as_of_dates(unit: Unit) -> list[date]:
    """The dates statuses have been computed for (newest first), read from the unit's own statuses."""
    return statusstore.dates(unit)


def pick_as_of(unit: Unit, requested: str) -> tuple[date | None, list[date]]:
    dates = as_of_dates(unit)
    if requested:
        try:
            wanted = date.fromisoformat(requested)
        except ValueError:
            wanted = None
        if wanted in dates:
            return wanted, dates
    return (dates[0] if dates else None), dates


@dataclass
class TargetCell:
    target: Target
    status: TargetStatus | None


@dataclass
class TaskBlock:
    code: str
    title: str
    title_en: str
    lead_unit: str
    cells: list[TargetCell] = field(default_factory=list)


@dataclass
class SystemBlock:
    code: str
    name: str
    name_en: str
    tasks: list[TaskBlock] = field(default_factory=list)


@dataclass
class Overview:
    unit: Unit
    as_of: date | None
    dates: list[date]
    systems: list[SystemBlock]
    counts: list[tuple[Status, int]]
    all_systems: list[PolicySystem]


def _targets(user: Any, policy: Policy, system: str = "") -> QuerySet[Target]:
    qs = targets_visible_to(user).filter(task__policy=policy).select_related("task__lead_unit")
    if system:
        qs = qs.filter(task__system__code=system)
    return qs.order_by("task__system__code", "task__number", "code")


def overview(user: Any, *, as_of: str = "", system: str = "") -> Overview | None:
    """Every target by system and task with the focus unit's status (4–5 queries whatever the size)."""
    policy = default_policy()
    if policy is None:
        return None
    unit = focus_unit(user)
    chosen, dates = pick_as_of(unit, as_of)
    targets = list(_targets(user, policy, system))
    statuses = {}
    if chosen is not None:
        statuses = {
            s.target_id: s
            for s in statusstore.at(chosen, unit_ids=[unit.id], target_ids=[t.id for t in targets])
        }
    systems: dict[str, SystemBlock] = {}
    tasks: dict[str, TaskBlock] = {}
    counts: dict[Status, int] = defaultdict(int)
    for t in targets:
        sysobj = t.task.system
        block = systems.setdefault(sysobj.code, SystemBlock(sysobj.code, sysobj.name, sysobj.name_en))
        task = tasks.get(t.task.code)
        if task is None:
            lead = t.task.lead_unit.name if t.task.lead_unit else ""
            task = TaskBlock(t.task.code, t.task.title, t.task.title_en, lead)
            tasks[t.task.code] = task
            block.tasks.append(task)
        status = statuses.get(t.id)
        task.cells.append(TargetCell(t, status))
        counts[status.status_enum if status else Status.NOT_ASSESSABLE] += 1
    all_systems = list(PolicySystem.objects.filter(policy=policy).order_by("code"))
    return Overview(
        unit,
        chosen,
        dates,
        list(systems.values()),
        [(s, counts.get(s, 0)) for s in STATUS_ORDER],
        all_systems,
    )


def visible_children(user: Any, parent: Unit) -> list[Unit]:
    """The parent's child units the user may see (areas before departments are left out)."""
    return list(
        Unit.objects.filter(unit_scope(user).q(), parent=parent)
        .exclude(kind=UnitKind.DEPARTMENT)
        .order_by("sort_order", "code")
    )


def target_for_user(user: Any, code: str) -> Target:
    policy = default_policy()
    if policy is None:
        raise Http404("没有政策目录")
    return get_target_for_user_or_404(user, policy.code, code)


def unit_statuses(target: Target, units: list[Unit], as_of: date | None) -> dict[int, TargetStatus]:
    if as_of is None or not units:
        return {}
    return {
        s.unit_id: s for s in statusstore.at(as_of, unit_ids=[u.id for u in units], target_ids=[target.id])
    }


def status_of(target: Target, unit: Unit, as_of: date | None) -> TargetStatus | None:
    if as_of is None:
        return None
    return statusstore.one(target.id, unit.id, as_of)


def observations(target: Target, unit: Unit) -> list[Observation]:
    return list(Observation.objects.filter(target=target, unit=unit).order_by("period_end"))


def share_of(target: Target, unit: Unit) -> float | None:
    return TargetShare.objects.filter(target=target, unit=unit).values_list("value", flat=True).first()


def history(target: Target, unit: Unit) -> list[TargetStatus]:
    fields = ("as_of", "status", "score", "ratio", "latest_value", "expected_value")
    return statusstore.history(target.id, unit, fields=fields)


@dataclass
class Lag:
    status: TargetStatus
    since: date


def lagging(user: Any, *, as_of: str = "") -> tuple[Unit, date | None, list[Lag]]:
    """Targets (and the focus unit's children's shares) behind as of a date, with the first date of the
    current bad run from the status history. A fixed number of queries (rows and blocks, for the date and
    for the history)."""
    unit = focus_unit(user)
    chosen, _ = pick_as_of(unit, as_of)
    if chosen is None:
        return unit, None, []
    units = [unit, *visible_children(user, unit)]
    current = statusstore.in_states(chosen, units, [str(s) for s in BAD])
    keys = {(s.target_id, s.unit_id) for s in current}
    runs: dict[tuple[int, int], list[tuple[date, str]]] = defaultdict(list)
    history = statusstore.states_up_to(
        chosen, unit_ids=[u.id for u in units], target_ids={k[0] for k in keys}
    )
    for t, u, on, st in history:
        if (t, u) in keys:
            runs[(t, u)].append((on, st))
    bad = {str(s) for s in BAD}
    out = []
    for s in current:
        since = s.as_of
        for on, st in sorted(runs[(s.target_id, s.unit_id)], reverse=True):
            if st not in bad:
                break
            since = on
        out.append(Lag(s, since))
    # Worst first: deterioration, then limited, then needs acceleration; the longest-running first within.
    out.sort(
        key=lambda lag: (lag.status.unit.depth, lag.status.status_code, lag.since, lag.status.target.code)
    )
    return unit, chosen, out


def map_rows(
    user: Any, target: Target, as_of: str = ""
) -> tuple[Unit | None, date | None, list[tuple[Unit, TargetStatus | None]]]:
    """The city's districts and zones with their status for one target; units outside the scope are left
    out (the map draws them grey without a status)."""
    city = city_unit()
    if city is None:
        return None, None, []
    chosen, _ = pick_as_of(city, as_of)
    areas = [u for u in visible_children(user, city) if u.kind in (UnitKind.DISTRICT, UnitKind.ZONE)]
    found = unit_statuses(target, areas, chosen)
    return city, chosen, [(u, found.get(u.id)) for u in areas]


def unit_for_user(user: Any, code: str) -> Unit:
    unit = get_unit_for_user_or_404(user, code)
    if unit.kind == UnitKind.DEPARTMENT:
        raise Http404("单位不存在")
    return unit


# ------------------------------------------------------------------------------------------------ CLI


def report_rows(*, as_of: date, unit: Unit | None = None) -> list[dict[str, Any]]:
    """Every target judged afresh as of a date for the city (or `unit`), as JSON-ready dicts."""
    city = city_unit()
    if city is None:
        return []
    targets = list(
        Target.objects.select_related("task__system", "task__policy").order_by(
            "task__system__code", "task__number", "code"
        )
    )
    policies = {t.task.policy_id: t.task.policy for t in targets}
    units = [city] if unit is None or unit.id == city.id else [city, unit]
    infos = recompute.unit_infos(units)
    want = (unit or city).id
    shares = {
        (t, u): v
        for t, u, v in TargetShare.objects.filter(unit_id=want).values_list("target_id", "unit_id", "value")
    }
    # The city's one-per-unit targets count the districts, whichever unit the report is for.
    areas = recompute.unit_infos(Unit.objects.filter(parent=city, kind=UnitKind.DISTRICT))
    rows = recompute.exact_rows(
        targets, policies, infos, shares, as_of=as_of, computed_at=timezone.now(), areas=areas
    )
    by_target = {r[0]: dict(zip(recompute.COLUMNS, r, strict=True)) for r in rows if r[1] == want}
    out = []
    for t in targets:
        r = by_target.get(t.id)
        if r is None:
            continue
        status = Status(r["status"])
        out.append(
            {
                "code": t.code,
                "indicator": t.indicator,
                "indicator_en": t.indicator_en,
                "system": t.task.system.code,
                "task": t.task.code,
                "unit": (unit or city).code,
                "as_of": as_of.isoformat(),
                "status": str(status),
                "status_zh": status.label("zh"),
                "status_en": status.label("en"),
                "score": r["score"],
                "ratio": r["ratio"],
                "latest_value": r["latest_value"],
                "latest_on": r["latest_on"].isoformat() if r["latest_on"] else None,
                "running_total": r["running_total"],
                "expected_value": r["expected_value"],
                "target_value": r["target_value"],
                "unit_of_measure": t.unit,
                "forecast": None
                if r["forecast_value"] is None
                else {
                    "on": r["forecast_on"].isoformat(),
                    "value": r["forecast_value"],
                    "lower": r["forecast_lower"],
                    "upper": r["forecast_upper"],
                    "level": r["forecast_level"],
                    "probability": r["forecast_probability"],
                    "method": r["forecast_method"],
                },
                "method": r["method"],
                "explanation_zh": r["explanation_zh"],
                "explanation_en": r["explanation_en"],
                "source_kind": r["source_kind"],
            }
        )
    return out
