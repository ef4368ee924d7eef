"""The annual task ledger (台帐), reports on it, their evidence and approval history, and notices."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.common.domain.masking import mask_name, mask_phone
from minsheng.common.fields import EncryptedTextField
from minsheng.org.models import Unit
from minsheng.policy.models import Commitment, Policy, Target

from .domain.approval import DEFAULT_CHAIN, LEVEL_LABELS_ZH, STATUS_LABELS_ZH, Level, Status
from .domain.periods import FREQUENCY_LABELS_ZH, DueRuleSpec, Frequency, Period, parse_period
from .domain.validation import MEANING_LABELS_ZH, ValueMeaning


class LedgerYearStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class LedgerYear(models.Model):
    """One year of the annual task ledger (年度任务台帐) of a policy."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="ledger_years")
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=12, choices=LedgerYearStatus.choices, default=LedgerYearStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("policy", "year")
        constraints = [models.UniqueConstraint(fields=("policy", "year"), name="unique_ledger_year")]
        verbose_name = _("年度台帐")
        verbose_name_plural = _("年度台帐")

    def __str__(self) -> str:
        return f"{self.year} {self.policy.code}"


class YearlyGoal(models.Model):
    """A plan-period target's goal for one year, set by the office's split (ledger_split_plan_target)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="yearly_goals")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ("target", "year")
        constraints = [models.UniqueConstraint(fields=("target", "year"), name="unique_yearly_goal")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}: {self.value}"


FREQUENCY_CHOICES = [(f.value, label) for f, label in FREQUENCY_LABELS_ZH.items()]
MEANING_CHOICES = [(m.value, label) for m, label in MEANING_LABELS_ZH.items()]
STATUS_CHOICES = [(s.value, label) for s, label in STATUS_LABELS_ZH.items()]
LEVEL_CHOICES = [(lv.value, label) for lv, label in LEVEL_LABELS_ZH.items()]


def default_chain() -> list[str]:
    return [lv.value for lv in DEFAULT_CHAIN]


class LedgerItem(models.Model):
    """One line of the ledger: a target's goal for the year, or a qualitative commitment, with its owners."""

    ledger_year = models.ForeignKey(LedgerYear, on_delete=models.CASCADE, related_name="items")
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_items"
    )
    commitment = models.ForeignKey(
        Commitment, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_items"
    )
    code = models.CharField(_("编号"), max_length=24)
    title = models.CharField(_("任务内容"), max_length=200)
    goal_value = models.DecimalField(_("年度目标"), max_digits=16, decimal_places=4, null=True, blank=True)
    goal_value_max = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(_("比较"), max_length=8, blank=True)
    unit_label = models.CharField(_("计量单位"), max_length=32, blank=True)
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_ledger_items"
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_ledger_items")
    plan_text = models.TextField(_("实施计划"), blank=True)
    deadline = models.DateField(_("完成时限"))
    frequency = models.CharField(
        _("报送频次"), max_length=12, choices=FREQUENCY_CHOICES, default=Frequency.QUARTERLY
    )
    value_meaning = models.CharField(_("数值含义"), max_length=16, choices=MEANING_CHOICES)
    allow_negative = models.BooleanField(default=False)
    approval_chain = models.JSONField(_("审核链"), default=default_chain)
    sort_order = models.PositiveIntegerField(default=0)
    # The office's judgement for the workbook's 状态 column (未启动/序时推进/滞后推进/已完成); blank = derived
    # from the reports (services_workbook.derived_status). Only the office sets it (by import).
    status_override = models.CharField(_("台帐状态"), max_length=12, blank=True)

    class Meta:
        ordering = ("ledger_year", "sort_order", "code")
        constraints = [
            models.UniqueConstraint(fields=("ledger_year", "code"), name="unique_item_code_in_year"),
            models.CheckConstraint(
                condition=models.Q(target__isnull=False, commitment__isnull=True)
                | models.Q(target__isnull=True, commitment__isnull=False),
                name="item_is_target_or_commitment",
            ),
        ]
        verbose_name = _("台帐事项")
        verbose_name_plural = _("台帐事项")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_commitment(self) -> bool:
        return self.commitment_id is not None

    @property
    def goal_display(self) -> str:
        if self.goal_value is None:
            return ""

        def fmt(d: Any) -> str:
            return format(d.normalize(), "f")

        if self.goal_value_max is not None:
            return f"{fmt(self.goal_value)}—{fmt(self.goal_value_max)}"
        return fmt(self.goal_value)

    @property
    def meaning_label(self) -> str:
        return MEANING_LABELS_ZH[ValueMeaning(self.value_meaning)]


class DueRule(models.Model):
    """When reports are due: a year's default (item empty) or one item's own rule."""

    ledger_year = models.ForeignKey(LedgerYear, on_delete=models.CASCADE, related_name="due_rules")
    item = models.OneToOneField(
        LedgerItem, null=True, blank=True, on_delete=models.CASCADE, related_name="due_rule"
    )
    months_after = models.PositiveSmallIntegerField(_("期末后月数"), default=1)
    day = models.PositiveSmallIntegerField(_("日"), default=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("ledger_year",), condition=models.Q(item__isnull=True), name="one_default_due_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ledger_year_id}/{self.item_id or '*'}: +{self.months_after}m day {self.day}"

    def spec(self) -> DueRuleSpec:
        return DueRuleSpec(months_after=self.months_after, day=self.day)


class Milestone(models.Model):
    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)

    class Meta:
        ordering = ("item", "due_on")

    def __str__(self) -> str:
        return self.title


class GoalShare(models.Model):
    """A district's share of a city goal."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="shares")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="goal_shares")
    value = models.DecimalField(_("分解目标"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ("item", "unit__sort_order", "unit__code")
        constraints = [models.UniqueConstraint(fields=("item", "unit"), name="unique_share")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.unit_id}: {self.value}"


class SourceKind(models.TextChoices):
    REAL = "real", _("公开数据")
    SYNTHETIC = "synthetic", _("模拟数据")
    REPORTED = "reported", _("单位填报")


class Comparability(models.TextChoices):
    YES = "yes", _("可比")
    PARTIAL = "partial", _("部分可比")
    NO = "no", _("口径不同")


class Submission(models.Model):
    """One version of a unit's report on a ledger item for a period.

    A correction of approved data is a new row (`version` + 1) that `supersedes` the old one; only the
    newest version is `is_current`. Writes use `lock_version` for optimistic concurrency.
    """

    item = models.ForeignKey(LedgerItem, on_delete=models.PROTECT, related_name="submissions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="submissions")
    period_key = models.CharField(_("期间"), max_length=8)
    due_on = models.DateField(_("报送截止"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_meaning = models.CharField(_("数值含义"), max_length=16, choices=MEANING_CHOICES)
    progress = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步打算"), blank=True)
    outlier_reason = models.TextField(_("异常说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.DRAFT)
    chain = models.JSONField(default=list)
    level_index = models.PositiveSmallIntegerField(default=0)
    current_level = models.CharField(_("当前审核层级"), max_length=12, choices=LEVEL_CHOICES, blank=True)
    approvers = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.TextField(_("更正原因"), blank=True)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(default=0)
    source_kind = models.CharField(
        _("数据来源"), max_length=12, choices=SourceKind.choices, default=SourceKind.REPORTED
    )
    source_url = models.URLField(max_length=500, blank=True)
    source_quote = models.TextField(blank=True)
    source_reliability = models.CharField(max_length=100, blank=True)
    comparable = models.CharField(
        max_length=8, choices=Comparability.choices, default=Comparability.YES, blank=True
    )
    data_note = models.TextField(_("数据说明"), blank=True)
    # 填报人 and 联系电话 of the return: personal data, encrypted in the column, shown masked (contact_*_masked);
    # the clear value only through `personal_data_unmask` (permission, TOTP, a reason, audited).
    contact_name = EncryptedTextField(_("填报人"), blank=True, default="")
    contact_phone = EncryptedTextField(_("联系电话"), blank=True, default="")
    PERSONAL_FIELDS = ("contact_name", "contact_phone")

    class Meta:
        ordering = ("item", "unit", "period_key", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("item", "unit", "period_key"),
                condition=models.Q(is_current=True),
                name="one_current_submission",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "is_current")),
            models.Index(fields=("current_level", "status")),
        ]
        verbose_name = _("报送")
        verbose_name_plural = _("报送")

    def __str__(self) -> str:
        return f"{self.item.code} {self.unit} {self.period_key} v{self.version}"

    @property
    def period(self) -> Period:
        return parse_period(self.period_key)

    @property
    def current_level_label(self) -> str:
        return LEVEL_LABELS_ZH[Level(self.current_level)] if self.current_level else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_ZH[Status(self.status)]

    @property
    def is_synthetic(self) -> bool:
        return self.source_kind == SourceKind.SYNTHETIC

    @property
    def contact_name_masked(self) -> str:
        return mask_name(self.contact_name or "")

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone or "")


class IdempotencyKey(models.Model):
    """A client-supplied key that already produced a submission: the same key again is the same answer."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="idempotency_keys")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("client", "key"), name="unique_key_per_client")]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class ImmutableRowError(RuntimeError):
    pass


class ApprovalStep(models.Model):
    """One transition of a submission, written once and never changed."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=12)
    level = models.CharField(max_length=12, choices=LEVEL_CHOICES, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("submission", "id")

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.level}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRowError("approval history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError("approval history is append-only")


def _evidence_name() -> str:
    return uuid.uuid4().hex


class Evidence(models.Model):
    """An evidence file. Stored under PRIVATE_MEDIA_ROOT by a random name; served only by an authorised view."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField(_("文件名"), max_length=200)
    storage_name = models.CharField(max_length=64, unique=True, default=_evidence_name)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("submission", "id")

    def __str__(self) -> str:
        return self.original_name


class PublishedFigure(models.Model):
    """A figure Wuhan published (statistical bulletin, work report, newspaper), shown with its source.

    Figures counted on another basis (`comparable = no`) are context only: never a target's value.
    """

    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.CASCADE, related_name="published_figures"
    )
    indicator = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    unit_label = models.CharField(max_length=32)
    figure_kind = models.CharField(max_length=8)  # actual | target
    policy_target = models.CharField(max_length=200)
    comparable = models.CharField(max_length=8, choices=Comparability.choices)
    comparable_note = models.CharField(max_length=200, blank=True)
    reliability = models.CharField(max_length=100)
    source_url = models.URLField(max_length=500)
    quote = models.TextField()
    conflict_note = models.TextField(blank=True)

    class Meta:
        ordering = ("indicator", "year")
        constraints = [
            models.UniqueConstraint(fields=("indicator", "year", "figure_kind"), name="unique_figure")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year} {self.value}"


class NoticeKind(models.TextChoices):
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已逾期")
    RETURNED = "returned", _("被退回")
    APPROVED = "approved", _("已审定")
    TO_REVIEW = "to_review", _("待审核")


class Notice(models.Model):
    """An in-application notice (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=("user", "read_at"))]

    def __str__(self) -> str:
        return self.message


class ReminderLog(models.Model):
    """One reminder sent for (item, unit, period, kind): makes `minsheng remind` idempotent."""

    item = models.ForeignKey(LedgerItem, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField(max_length=8)
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("item", "unit", "period_key", "kind"), name="unique_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.unit_id} {self.period_key} {self.kind}"


class LedgerImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导入")
    ACCEPTED = "accepted", _("已导入")
    REFUSED = "refused", _("未导入")
    FAILED = "failed", _("导入中断")


class LedgerImport(models.Model):
    """One upload of an edited ledger workbook: who, which year, the outcome, and the row-by-row error report.

    Visible only to the person who uploaded it. The uploaded file lives under PRIVATE_MEDIA_ROOT until the
    import has run; the error report (≤ 500 errors, a few dozen KB) is kept here for download.
    """

    ledger_year = models.ForeignKey(LedgerYear, on_delete=models.CASCADE, related_name="imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(_("文件名"), max_length=200)
    storage_name = models.CharField(
        max_length=64, blank=True
    )  # the upload under PRIVATE_MEDIA_ROOT; "" once run
    size_bytes = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("状态"), max_length=12, choices=LedgerImportStatus.choices, default=LedgerImportStatus.QUEUED
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_changed = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    refusal_code = models.CharField(max_length=40, blank=True)
    errors_preview = models.JSONField(default=list, blank=True)  # the first 50: {row, column, message, value}
    error_report = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("台帐导入")
        verbose_name_plural = _("台帐导入")

    def __str__(self) -> str:
        return f"{self.ledger_year_id} {self.file_name} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status not in (LedgerImportStatus.QUEUED, LedgerImportStatus.RUNNING)
