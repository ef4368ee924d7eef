from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    ZONE = "zone", _("功能区")
    STREET = "street", _("街道（乡镇）")
    COMMUNITY = "community", _("社区（村）")
    DEPARTMENT = "department", _("市直部门")


class AreaType(models.TextChoices):
    NONE = "", _("—")
    CENTRAL = "central", _("中心城区")
    NEW = "new", _("新城区")
    FUNCTIONAL = "functional", _("功能区")


class Unit(models.Model):
    """A node of the organisation tree: the city, its districts and zones, streets, communities, departments.

    `path` is a materialised path of codes ("/420100/420102/") so a subtree is one indexed prefix query.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    full_name = models.CharField(_("全称"), max_length=150, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    area_type = models.CharField(
        _("城区类型"), max_length=16, choices=AreaType.choices, blank=True, default=""
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    official_code = models.BooleanField(
        _("国标代码"), default=True, help_text=_("代码是否为 GB/T 2260 行政区划代码")
    )
    synthetic = models.BooleanField(
        _("演示样例"), default=False, help_text=_("演示用的样例单位，并非真实名录")
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("path",)
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"


class BodyKind(models.TextChoices):
    LEADERSHIP_GROUP = "leadership_group", _("领导小组")
    WORKING_GROUP = "working_group", _("专项工作小组")


class Body(models.Model):
    """A coordinating body the policy creates (领导小组, 专项工作小组), hosted by an office unit."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    office_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_bodies",
        verbose_name=_("办公室设在"),
    )
    system_code = models.CharField(max_length=8, blank=True, help_text=_("对应的体系，如 S1"))

    class Meta:
        ordering = ("code",)
        verbose_name = _("议事协调机构")
        verbose_name_plural = _("议事协调机构")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """Business roles held in a unit. Administrators are separate (accounts.AdminRole)."""

    LEADER = "leader", _("领导")
    OFFICE = "office", _("专班办公室")
    REPORTER = "reporter", _("填报员")
    REVIEWER = "reviewer", _("审核员")
    SUPERVISOR = "supervisor", _("督查员")
    EVALUATOR = "evaluator", _("第三方评估")
    UNIT_ADMIN = "unit_admin", _("单位管理员")


# Roles whose scope is the whole city whatever unit they are held in.
CITYWIDE_ROLES = frozenset({Role.LEADER, Role.OFFICE, Role.SUPERVISOR, Role.EVALUATOR})


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.CharField(max_length=16, choices=Role.choices)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("user", "unit", "role"), name="unique_role_in_unit")]
        verbose_name = _("角色")
        verbose_name_plural = _("角色")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
