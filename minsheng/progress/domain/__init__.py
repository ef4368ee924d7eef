"""Progress engine: pure functions that judge targets as of a date (no Django import).

Start with `evaluate(spec, observations, as_of=...)`; the rules are written up in docs/domain/progress.md.
"""

from .assessment import (
    AssessmentResults,
    AssessmentScheme,
    Component,
    ComponentScore,
    UnitAssessment,
    assess,
    score_unit,
)
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
from .ranking import competition_ranks, round_half_up
from .scorecard import Metric, RankingRow, Scorecard, rank_by, rankings, scorecard, scorecards
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
from .unitfacts import TargetFact, UnitFacts

__all__ = [
    "STATUS_BY_CODE",
    "Accumulation",
    "Assessment",
    "AssessmentResults",
    "AssessmentScheme",
    "BatchResult",
    "Check",
    "Comparator",
    "Component",
    "ComponentScore",
    "Forecast",
    "Lang",
    "Light",
    "Metric",
    "Observation",
    "PaceResult",
    "RankingRow",
    "Scorecard",
    "Status",
    "TargetFact",
    "TargetKind",
    "TargetSpec",
    "TrendInputs",
    "TrendResult",
    "UnitAssessment",
    "UnitFacts",
    "YearsResult",
    "annual_batch",
    "annual_change_batch",
    "assess",
    "bound_batch",
    "combine",
    "competition_ranks",
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
    "rank_by",
    "rankings",
    "round_half_up",
    "run_trend",
    "running_total_rows",
    "running_totals",
    "score_unit",
    "scorecard",
    "scorecards",
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
