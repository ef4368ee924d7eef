"""Uploaded policy documents, the engine's proposals on them, and every review decision (任务分解 → review).

The document's text is stored in the row (no file is kept): `text` as read from the upload, `normalised_text`
as the engine normalised it. Proposal spans index `normalised_text` (`span_*`) and `text` (`orig_*`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.policy.domain.vocab import Comparator, Firmness, TargetKind
from minsheng.policy.models import Policy


class DocumentStatus(models.TextChoices):
    PROCESSING = "processing", _("处理中")
    READY = "ready", _("待审核")
    FAILED = "failed", _("处理失败")
    ADOPTED = "adopted", _("已采用")


class IngestDocument(models.Model):
    """One uploaded policy document and where its processing stands."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ingest_documents"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(_("文件大小"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("原文"))
    normalised_text = models.TextField(_("规范化文本"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.PROCESSING
    )
    error_message = models.TextField(_("错误信息"), blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(default=0)
    # title, issuer, document_number, issued_on, plan_end_year, outline (list of nodes), flags (list)
    meta = models.JSONField(default=dict, blank=True)
    adopted_policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.PROTECT, related_name="ingest_documents"
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")
        verbose_name = _("导入文件")
        verbose_name_plural = _("导入文件")

    def __str__(self) -> str:
        return self.original_name

    @property
    def progress_percent(self) -> int:
        if self.progress_total <= 0:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))


class ProposalKind(models.TextChoices):
    TARGET = "target", _("量化目标")
    COMMITMENT = "commitment", _("定性任务")


class Decision(models.TextChoices):
    PENDING = "pending", _("待定")
    ACCEPTED = "accepted", _("接受")
    CORRECTED = "corrected", _("更正后接受")
    REJECTED = "rejected", _("不采用")


COMPARATOR_CHOICES = [(c.value, c.value) for c in Comparator]
KIND_CHOICES = [(k.value, k.value) for k in TargetKind]
FIRMNESS_CHOICES = [(f.value, f.value) for f in Firmness]

# The values a reviewer may correct (the same names as the proposal JSON, plus the task's outline path).
CORRECTABLE = (
    "indicator",
    "comparator",
    "value",
    "value_max",
    "unit",
    "kind",
    "deadline",
    "firmness",
    "task",
)


class Proposal(models.Model):
    """One proposed target or commitment, as the engine extracted it, and the reviewer's decision on it.

    `data` is the engine's proposal exactly as extracted (never changed). The `indicator` … `task_path`
    columns hold the reviewer's values and are filled only by a correction.
    """

    document = models.ForeignKey(IngestDocument, on_delete=models.CASCADE, related_name="proposals")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=ProposalKind.choices)
    data = models.JSONField()
    span_start = models.PositiveIntegerField()  # the highlighted span (value text, or commitment clause)
    span_end = models.PositiveIntegerField()
    orig_start = models.PositiveIntegerField()
    orig_end = models.PositiveIntegerField()
    decision = models.CharField(
        _("审核结论"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's corrected values (filled only when decision == corrected).
    indicator = models.CharField(_("指标"), max_length=200, blank=True)
    comparator = models.CharField(_("比较"), max_length=8, choices=COMPARATOR_CHOICES, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(_("上限"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("单位"), max_length=32, blank=True)
    target_kind = models.CharField(_("类型"), max_length=16, choices=KIND_CHOICES, blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    firmness = models.CharField(_("力度"), max_length=8, choices=FIRMNESS_CHOICES, blank=True)
    task_path = models.CharField(_("所属任务"), max_length=200, blank=True)

    class Meta:
        ordering = ("document", "seq")
        constraints = [
            models.UniqueConstraint(fields=("document", "seq"), name="unique_proposal_seq"),
            models.CheckConstraint(
                condition=models.Q(span_end__gte=models.F("span_start")), name="span_order"
            ),
        ]
        verbose_name = _("导入建议")
        verbose_name_plural = _("导入建议")

    def __str__(self) -> str:
        return f"{self.document_id}#{self.seq}"

    @property
    def is_target(self) -> bool:
        return self.kind == ProposalKind.TARGET

    @property
    def source_text(self) -> str:
        """The sentence a target comes from, or a commitment's sentence."""
        return str(self.data.get("sentence") or self.data.get("text") or "")

    @property
    def proposed_summary(self) -> str:
        """The engine's proposal in one line, e.g. "城镇新增就业 >= 110 万人" (shown beside a correction)."""
        d = self.data
        if not self.is_target:
            return str(d.get("text", ""))
        upper = "" if d.get("value_max") is None else f"—{d['value_max']}"
        return f"{d.get('indicator', '')} {d.get('comparator', '')} {d.get('value', '')}{upper} {d.get('unit', '')}"

    @property
    def proposed_task_path(self) -> str:
        return task_path_of(self.data.get("outline") or [])

    def effective(self) -> dict[str, Any]:
        """The values to adopt: the reviewer's when corrected, else the proposal's."""
        d = self.data
        if self.decision == Decision.CORRECTED:
            return {
                "indicator": self.indicator,
                "comparator": self.comparator,
                "value": self.value,
                "value_max": self.value_max,
                "unit": self.unit,
                "kind": self.target_kind,
                "deadline": self.deadline,
                "firmness": self.firmness,
                "task": self.task_path,
            }
        if not self.is_target:
            return {
                "indicator": d.get("text", ""),
                "deadline": _date(d.get("deadline_on")),
                "task": self.proposed_task_path,
            }
        return {
            "indicator": d.get("indicator", ""),
            "comparator": d.get("comparator", ""),
            "value": _decimal(d.get("value")),
            "value_max": _decimal(d.get("value_max")),
            "unit": d.get("unit", ""),
            "kind": d.get("kind", ""),
            "deadline": _date(d.get("deadline_on")),
            "firmness": d.get("firmness", Firmness.NONE),
            "task": self.proposed_task_path,
        }


def task_path_of(outline: list[str] | tuple[str, ...]) -> str:
    """An outline path ("三、", "（一）", "1.") as one key: "三、/（一）/1."."""
    return "/".join(outline)


def _decimal(raw: Any) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def _date(raw: Any) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(raw) if isinstance(raw, str) and raw[:1].isdigit() else None


class IngestDecision(models.Model):
    """One review decision on one proposal: immutable history, one row per decision."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="history")
    decision = models.CharField(max_length=12, choices=Decision.choices)
    values = models.JSONField(default=dict, blank=True)  # the corrected values, for a correction
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("proposal", "id")
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.decision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("审核记录不可修改 (decision history is append-only)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("审核记录不可删除 (decision history is append-only)")
