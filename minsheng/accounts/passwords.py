"""Password rules from the security guide.

* at least 8 characters (12 for the three administrators), 3 of 4 character classes;
* no common password and none of the city's own names (pinyin, also with digits swapped for letters);
* rotation: a password older than `PASSWORD_MAX_AGE_DAYS` (default 90) must be changed at the next request;
* history: none of the last `PASSWORD_HISTORY_COUNT` (default 5) passwords may be reused.
"""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Place names of Wuhan and its districts (pinyin), and the platform's own name: attackers try these first.
CITY_WORDS = (
    "wuhan",
    "minsheng",
    "jiangan",
    "jianghan",
    "hankou",
    "wuchang",
    "hanyang",
    "qiaokou",
    "qingshan",
    "hongshan",
    "dongxihu",
    "hannan",
    "caidian",
    "jiangxia",
    "huangpi",
    "xinzhou",
    "donghu",
    "guanggu",
    "changjiang",
    "hubei",
    "武汉",
    "民生",
)
# Common passwords (in addition to Django's list of 20,000) that users in this setting reach for.
BLOCKLIST = ("password", "passw0rd", "qwerty", "123456", "abc123", "iloveyou", "woaini", "zhongguo")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


def character_classes(password: str) -> int:
    """How many of lower, upper, digit and other characters the password uses."""
    return sum(
        [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )


def _is_admin(user: Any) -> bool:
    return bool(getattr(user, "admin_role", "")) if user is not None else False


class CharacterClassValidator:
    """3 of 4 classes, the city blocklist, and 12 characters for administrators."""

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类。"), code="password_classes"
            )
        lowered = password.lower()
        variants = {lowered, lowered.translate(_LEET)}
        if any(word in v for v in variants for word in CITY_WORDS):
            raise ValidationError(_("密码不能包含城市名称等常见词。"), code="password_city_word")
        if any(word in v for v in variants for word in BLOCKLIST):
            raise ValidationError(_("密码过于常见。"), code="password_blocklist")
        if _is_admin(user) and len(password) < 12:
            raise ValidationError(_("管理员密码至少12位。"), code="password_admin_length")

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的三类；管理员至少12位；不得使用城市名称等常见词。")


def history_count() -> int:
    return int(getattr(settings, "PASSWORD_HISTORY_COUNT", 5))


def max_age() -> dt.timedelta | None:
    """How long a password lives; None (setting 0) turns rotation off."""
    days = int(getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90))
    return dt.timedelta(days=days) if days > 0 else None


class PasswordHistoryValidator:
    """Refuses the current password and the previous ones; records each new password's hash."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-id")
            .values_list("password_hash", flat=True)[: history_count()]
        )
        stored = get_user_model().objects.filter(pk=user.pk).values_list("password", flat=True).first()
        if stored:
            hashes.append(stored)
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": history_count()}, code="password_reused"
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None or not user.password:
            return
        from .models import PasswordHistory

        PasswordHistory.objects.create(user=user, password_hash=user.password)
        keep = list(
            PasswordHistory.objects.filter(user=user)
            .order_by("-id")
            .values_list("id", flat=True)[: history_count()]
        )
        PasswordHistory.objects.filter(user=user).exclude(id__in=keep).delete()
        now = timezone.now()
        get_user_model().objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": history_count()}


def password_expired(user: Any, now: dt.datetime | None = None) -> bool:
    """True when the user's password is older than the rotation period (never for unusable passwords)."""
    age = max_age()
    if age is None or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return bool(changed and (now or timezone.now()) - changed > age)
