from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.org.models import Body, Unit

from .domain.vocab import Comparator, Firmness, TargetKind


class Policy(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(max_length=300, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100)
    document_number = models.CharField(_("文号"), max_length=64, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    plan_start_year = models.PositiveSmallIntegerField(default=2021)
    plan_end_year = models.PositiveSmallIntegerField(default=2025)
    baseline_year = models.PositiveSmallIntegerField(default=2020)
    source = models.TextField(_("来源"), blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")

    def __str__(self) -> str:
        return self.title


class PolicySystem(models.Model):
    """One of the three systems (三大体系): 民生保障, 民生服务, 民生安全."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="systems")
    code = models.CharField(max_length=8)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(max_length=150, blank=True)
    heading = models.CharField(max_length=200, blank=True)
    working_group = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT)
    office_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("policy", "code")
        constraints = [models.UniqueConstraint(fields=("policy", "code"), name="unique_system_code")]
        verbose_name = _("体系")
        verbose_name_plural = _("体系")

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="tasks")
    system = models.ForeignKey(PolicySystem, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=16)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("任务"), max_length=200)
    title_en = models.CharField(max_length=300, blank=True)
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_tasks"
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_tasks")

    class Meta:
        ordering = ("policy", "code")
        constraints = [models.UniqueConstraint(fields=("policy", "code"), name="unique_task_code")]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Target(models.Model):
    """A numeric target of the policy, exactly as the text states it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("编号"), max_length=24)
    indicator = models.CharField(_("指标"), max_length=200)
    indicator_en = models.CharField(max_length=300, blank=True)
    comparator = models.CharField(_("比较"), max_length=8, choices=[(c.value, c.value) for c in Comparator])
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4)
    value_max = models.DecimalField(_("上限"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=32)
    higher_is_better = models.BooleanField(_("越高越好"))
    kind = models.CharField(_("类型"), max_length=16, choices=[(k.value, k.value) for k in TargetKind])
    firmness = models.CharField(
        max_length=8, default=Firmness.NONE, choices=[(f.value, f.value) for f in Firmness]
    )
    baseline_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline = models.DateField(_("完成时限"))
    applies_to = models.CharField(max_length=32, default="city")
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_targets"
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_targets")
    lead_unit_inferred = models.BooleanField(default=True)
    source_sentence = models.TextField(_("原文"))
    value_text = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ("task__policy", "code")
        constraints = [
            models.UniqueConstraint(fields=("task", "code"), name="unique_target_code_in_task"),
            models.CheckConstraint(
                condition=models.Q(comparator="range", value_max__isnull=False)
                | (~models.Q(comparator="range") & models.Q(value_max__isnull=True)),
                name="range_has_value_max",
            ),
        ]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")

    def __str__(self) -> str:
        return f"{self.code} {self.indicator}"

    @property
    def value_display(self) -> str:
        def fmt(d: Decimal) -> str:
            return format(d.normalize(), "f")

        if self.comparator == Comparator.RANGE and self.value_max is not None:
            return f"{fmt(self.value)}—{fmt(self.value_max)}"
        return fmt(self.value)


class Commitment(models.Model):
    """A qualitative commitment (建设…平台, 健全…机制) tracked in the ledger without a number."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="commitments")
    code = models.CharField(max_length=24)
    title = models.CharField(_("事项"), max_length=200)
    title_en = models.CharField(max_length=300, blank=True)
    lead_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="led_commitments"
    )
    co_units = models.ManyToManyField(Unit, blank=True, related_name="co_commitments")
    lead_unit_inferred = models.BooleanField(default=True)
    source_sentence = models.TextField(_("原文"))
    deadline = models.DateField(_("完成时限"))

    class Meta:
        ordering = ("task__policy", "code")
        constraints = [
            models.UniqueConstraint(fields=("task", "code"), name="unique_commitment_code_in_task")
        ]
        verbose_name = _("定性任务")
        verbose_name_plural = _("定性任务")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
