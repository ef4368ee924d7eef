from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from minsheng.common.domain.masking import mask_id_number, mask_phone
from minsheng.common.fields import BlindIndexField, EncryptedTextField


class AdminRole(models.TextChoices):
    """The three separate administrators of a level-3 system (三权分立). One field, so one per account."""

    NONE = "", _("无")
    SYSTEM = "system_admin", _("系统管理员")
    SECURITY = "security_admin", _("安全管理员")
    AUDIT = "audit_admin", _("审计管理员")


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    # A single column makes the three administrator roles mutually exclusive by construction.
    admin_role = models.CharField(
        _("管理员角色"), max_length=20, choices=AdminRole.choices, blank=True, default=""
    )
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Real-name registration (实名信息): encrypted in the column, shown masked; found by the blind indexes.
    phone = EncryptedTextField(_("手机号"), blank=True, default="")
    phone_index = BlindIndexField(source="phone", kind="phone")
    id_number = EncryptedTextField(_("身份证号"), blank=True, default="")
    id_number_index = BlindIndexField(source="id_number", kind="id_number")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("unmask_personal_data", _("查看完整个人信息（须二次验证并说明理由）"))]
        constraints = [
            # One account per person: the same ID number twice is refused (compared by its blind index).
            models.UniqueConstraint(
                fields=("id_number_index",), condition=~models.Q(id_number_index=""), name="unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_administrator(self) -> bool:
        return bool(self.admin_role)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")


class ApiToken(models.Model):
    """A machine client's bearer token. Only a SHA-256 of the secret is stored; it is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("客户端名称"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so a rotation cannot reuse one of the last five."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class Session(AbstractBaseSession):
    """Django's session row with the signed-in user's id as a column (ADR 0014).

    The column lets one statement read the session, its user and the user's facts together, so a signed-in page
    makes no separate round trip for its session. It is written from the session data on every save, so it
    always names the user the data names (or none, before sign-in); deleting a user deletes their sessions.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions", verbose_name=_("用户")
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls) -> type[Any]:
        from .sessions import SessionStore

        return SessionStore
