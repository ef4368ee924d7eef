"""The facts the engine judges (Observation), the targets split to units (TargetShare), the cached verdicts
(TargetStatus rows for the city and districts, StatusBlock for the units below). See
docs/adr/0005-observation-fact-table.md and 0011-packed-series-and-status-blocks.md."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.org.models import Unit
from minsheng.policy.models import Target

from .domain import Status
from .domain.assessment import AssessmentScheme as DomainScheme


class SourceKind(models.TextChoices):
    """Where a value comes from. A series (target, unit) is either synthetic or not: the first real or reported
    value for it replaces its synthetic placeholders (services.observation_upsert)."""

    REAL = "real", _("公开数据")
    REPORTED = "reported", _("填报数据")
    SYNTHETIC = "synthetic", _("模拟数据")


class AccumulationKind(models.TextChoices):
    """How a value is counted: a running total since plan start (累计数), a period's own amount (当期数), or a
    level (水平值: a rate, a stock, a coverage share)."""

    RUNNING_TOTAL = "running_total", _("累计数")
    PER_PERIOD = "per_period", _("当期数")
    LEVEL = "level", _("水平值")


STATUS_CHOICES = [(s.value, s.label("zh")) for s in Status]


class Observation(models.Model):
    """One approved value of a target for a unit, dated on the last day of the period it describes.

    The city's own figures are stored against the city unit. `value` is a float because the engine computes
    in floats; the reported text is kept in `source_note` when exactness matters for display.
    """

    target = models.ForeignKey(
        Target, on_delete=models.PROTECT, related_name="observations", db_index=False, verbose_name=_("目标")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="observations", verbose_name=_("单位")
    )
    period_end = models.DateField(_("数据期末"))
    value = models.FloatField(_("数值"))
    accumulation = models.CharField(
        _("口径"), max_length=16, choices=AccumulationKind.choices, default=AccumulationKind.LEVEL
    )
    source_kind = models.CharField(_("来源类型"), max_length=16, choices=SourceKind.choices)
    source_ref = models.CharField(
        _("来源"), max_length=300, blank=True, help_text=_("网址，或 submission:123")
    )
    source_note = models.TextField(_("原文摘录"), blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    due_on = models.DateField(_("应报日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("进展数据")
        verbose_name_plural = _("进展数据")
        constraints = [
            models.UniqueConstraint(
                fields=("target", "unit", "period_end"), name="progress_obs_one_per_period"
            )
        ]
        indexes = [
            # Covering index: "latest / base value of a series as of a date" is an index-only seek, and a
            # series' history an index-only range scan (services.progress_recompute, the drill-down).
            models.Index(fields=("target", "unit", "period_end", "value"), name="progress_obs_series")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id} {self.period_end}: {self.value}"


class SeriesPack(models.Model):
    """One series' observations packed as a column (ADR 0011): what the batch recompute reads instead of
    seeking the fact table 231,000 times.

    `data` holds the series' observations in date order as little-endian records of (day ordinal int32,
    value float64, accumulation int8; see `packs.RECORD`). The Observation rows stay the source of truth: a
    pack is rewritten from them in the same transaction whenever they change (`packs.refresh`, called by the
    progress services and by a signal for single-row saves and deletes), and `minsheng progress repack`
    rebuilds every pack.
    """

    # No database foreign keys, like TargetStatus: a derived copy rewritten from rows that are themselves checked.
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    count = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        verbose_name = _("序列压缩副本")
        verbose_name_plural = _("序列压缩副本")
        constraints = [
            models.UniqueConstraint(fields=("target", "unit"), name="progress_pack_one_per_series")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id} ({self.count})"


class TargetShare(models.Model):
    """A target split to a unit (分解目标): the district's part of a city total, e.g. 8.5万人 of 110万人."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="shares", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="target_shares")
    value = models.FloatField(_("分解目标值"))
    source_kind = models.CharField(_("来源类型"), max_length=16, choices=SourceKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分解目标")
        verbose_name_plural = _("分解目标")
        constraints = [models.UniqueConstraint(fields=("target", "unit"), name="progress_share_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id} = {self.value}"


class TargetStatus(models.Model):
    """The engine's verdict on a target (or a unit's share of it) as of a date, kept as history.

    Rows for the city and the districts come from the per-series engine (with sentence and forecast). The
    numpy batch path's verdicts below district level are stored as StatusBlocks, and `statusstore` hands them
    to readers as unsaved instances of this model (`exact` False: numbers without a sentence, which the unit
    page produces on demand).
    """

    # No database-level foreign keys: these rows are a derived cache rewritten 231,000 at a time by recompute,
    # and checking two parents per row was a third of the write. Django still cascades deletes (on_delete),
    # and the recompute writes only ids it has just read from the target and unit tables.
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="statuses", db_index=False, db_constraint=False
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="target_statuses", db_index=False, db_constraint=False
    )
    as_of = models.DateField(_("评估日期"))
    status = models.CharField(_("状态"), max_length=24, choices=STATUS_CHOICES)
    status_code = models.SmallIntegerField(help_text="0 无法评估 … 5 已达标 (Status.code)")
    score = models.FloatField(_("得分"), null=True, blank=True)
    ratio = models.FloatField(null=True, blank=True)
    latest_value = models.FloatField(_("最新值"), null=True, blank=True)
    latest_on = models.DateField(_("数据日期"), null=True, blank=True)
    running_total = models.FloatField(_("累计值"), null=True, blank=True)
    expected_value = models.FloatField(_("应达到值"), null=True, blank=True)
    share_met = models.FloatField(null=True, blank=True)
    target_value = models.FloatField(_("目标值"), null=True, blank=True)
    forecast_on = models.DateField(null=True, blank=True)
    forecast_value = models.FloatField(_("预测值"), null=True, blank=True)
    forecast_lower = models.FloatField(null=True, blank=True)
    forecast_upper = models.FloatField(null=True, blank=True)
    forecast_level = models.FloatField(null=True, blank=True)
    forecast_probability = models.FloatField(null=True, blank=True)
    forecast_method = models.CharField(max_length=64, blank=True, db_default="")
    method = models.CharField(_("方法"), max_length=96)
    # Database defaults let the batch path insert its 231,000 rows without these columns.
    explanation_zh = models.TextField(blank=True, db_default="")
    explanation_en = models.TextField(blank=True, db_default="")
    flags = models.CharField(max_length=200, blank=True, db_default="")
    source_kind = models.CharField(max_length=16, blank=True, db_default="")
    exact = models.BooleanField(default=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("目标状态")
        verbose_name_plural = _("目标状态")
        # The one index: every read names the target(s) and unit(s) it wants (a unit's history is a prefix;
        # a screen's rows are a few seeks). A second index cost more at recompute than it saved on screens.
        constraints = [
            models.UniqueConstraint(fields=("target", "unit", "as_of"), name="progress_status_one_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.unit_id} {self.as_of}: {self.status}"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class StatusBlock(models.Model):
    """Every batch (below-exact) status of one target as of a date, packed as columns (ADR 0011).

    The batch recompute judges 231,000 (target, unit) series; writing and reading them back as TargetStatus
    rows was a third of a recompute. A block holds them in 70 rows instead: `data` is a little-endian record
    array (`statusblocks.RECORD`: unit id, status code, the numbers, the data date as a day ordinal, indexes
    into `methods` and `flags`), one record per unit in ascending unit id; `unit_keys` marks each unit at the
    same position with a 4-byte key that a byte search in SQL can only find at a record boundary
    (`statusblocks.unit_key`), so a screen reads one unit's record without loading the block. Readers go through
    `statusstore`, which returns unsaved TargetStatus instances; for one (target, date) a unit is either in
    TargetStatus (the exact path) or in the block, never both.
    """

    # No database foreign key, like TargetStatus: a derived cache rewritten whole by each recompute.
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    as_of = models.DateField(_("评估日期"))
    count = models.PositiveIntegerField()
    data = models.BinaryField()
    unit_keys = models.BinaryField()
    methods = models.JSONField(default=list)
    flags = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("目标状态压缩块")
        verbose_name_plural = _("目标状态压缩块")
        constraints = [
            models.UniqueConstraint(fields=("target", "as_of"), name="progress_block_one_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.as_of} ({self.count})"


class ProgressStamp(models.Model):
    """When each kind of progress data last changed ("statuses": a recompute; "observations": a value recorded).

    The leadership screens key their cached fragments on these few rows: one look-up tells every worker
    whether anything a screen shows has changed since it was rendered.
    """

    STATUSES = "statuses"
    OBSERVATIONS = "observations"

    key = models.CharField(max_length=32, primary_key=True)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("进展数据变更时间")
        verbose_name_plural = _("进展数据变更时间")

    def __str__(self) -> str:
        return f"{self.key} @ {self.changed_at.isoformat()}"


class AssessmentScheme(models.Model):
    """One year's 考核方案, mirroring `domain.AssessmentScheme`: weights (%) summing to 100, achievement
    credits, the late credit, the returns rate that scores 0 and the minimum weight with data. Edited in
    the Django admin or by the office (/progress/assessment/<year>/scheme/); `to_domain()` validates."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    achievement = models.FloatField(_("目标完成权重（%）"), default=40.0)
    timeliness = models.FloatField(_("报送及时率权重（%）"), default=20.0)
    quality = models.FloatField(_("报送质量权重（%）"), default=15.0)
    supervision = models.FloatField(_("督办按期办结率权重（%）"), default=15.0)
    satisfaction = models.FloatField(_("第三方满意度权重（%）"), default=10.0)
    credit_on_track = models.FloatField(_("进展顺利计分系数"), default=1.0)
    credit_needs_acceleration = models.FloatField(_("需加快计分系数"), default=0.0)
    credit_limited = models.FloatField(_("进展有限计分系数"), default=0.0)
    credit_deterioration = models.FloatField(_("倒退计分系数"), default=0.0)
    late_credit = models.FloatField(_("逾期报送系数"), default=0.5)
    returns_for_zero = models.FloatField(_("零分退回率"), default=1.0)
    min_present_weight = models.FloatField(_("有数据项权重下限（%）"), default=50.0)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)

    FIELDS = (
        "name",
        "achievement",
        "timeliness",
        "quality",
        "supervision",
        "satisfaction",
        "credit_on_track",
        "credit_needs_acceleration",
        "credit_limited",
        "credit_deterioration",
        "late_credit",
        "returns_for_zero",
        "min_present_weight",
        "decimals",
    )

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ("-year",)

    def __str__(self) -> str:
        return self.name or f"{self.year}年度考核方案"

    def to_domain(self) -> DomainScheme:
        """The pure scheme; ValueError when the weights or credits break the rules."""
        return DomainScheme(year=self.year, **{f: getattr(self, f) for f in self.FIELDS})

    def clean(self) -> None:
        try:
            self.to_domain()
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class SatisfactionScore(models.Model):
    """A unit's third-party satisfaction score (第三方满意度测评, 0–100) for a year, entered by the evaluator."""

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="satisfaction_scores")
    score = models.FloatField(_("测评得分"), validators=[MinValueValidator(0.0), MaxValueValidator(100.0)])
    source = models.CharField(_("来源"), max_length=300, help_text=_("测评机构与报告名称"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("第三方满意度")
        verbose_name_plural = _("第三方满意度")
        constraints = [
            models.UniqueConstraint(fields=("year", "unit"), name="progress_satisfaction_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=100),
                name="progress_satisfaction_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id}: {self.score}"
