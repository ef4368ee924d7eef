"""Progress engine: pure functions that judge targets as of a date (no Django import).

Start with `evaluate(spec, observations, as_of=...)`; the rules are written up in docs/domain/progress.md.
"""

from .batch import BatchResult, latest_per_row, pace_batch, running_total_rows, trend_batch
from .batch_kinds import (
    YearsResult,
    annual_batch,
    annual_change_batch,
    bound_batch,
    meets_batch,
    single_unit_batch,
)
from .comparators import goal, is_bound_wording, meets
from .evaluate import combine, evaluate, evaluate_units, forecast_for, target_band
from .forecast import linear_forecast
from .ledger import expected_share, traffic_light
from .level import TrendInputs, run_trend, trend_inputs
from .opensdg import TrendResult, growth, status_from_mean_score, trend_progress
from .pace import PaceResult, pace_progress
from .series import running_totals, upto, year_values
from .timeline import days_elapsed, decimal_year, plan_elapsed
from .types import (
    STATUS_BY_CODE,
    Accumulation,
    Assessment,
    Check,
    Comparator,
    Forecast,
    Lang,
    Light,
    Observation,
    Status,
    TargetKind,
    TargetSpec,
    label,
)

__all__ = [
    "STATUS_BY_CODE",
    "Accumulation",
    "Assessment",
    "BatchResult",
    "Check",
    "Comparator",
    "Forecast",
    "Lang",
    "Light",
    "Observation",
    "PaceResult",
    "Status",
    "TargetKind",
    "TargetSpec",
    "TrendInputs",
    "TrendResult",
    "YearsResult",
    "annual_batch",
    "annual_change_batch",
    "bound_batch",
    "combine",
    "days_elapsed",
    "decimal_year",
    "evaluate",
    "evaluate_units",
    "expected_share",
    "forecast_for",
    "goal",
    "growth",
    "is_bound_wording",
    "label",
    "latest_per_row",
    "linear_forecast",
    "meets",
    "meets_batch",
    "pace_batch",
    "pace_progress",
    "plan_elapsed",
    "run_trend",
    "running_total_rows",
    "running_totals",
    "single_unit_batch",
    "status_from_mean_score",
    "target_band",
    "traffic_light",
    "trend_batch",
    "trend_inputs",
    "trend_progress",
    "upto",
    "year_values",
]
