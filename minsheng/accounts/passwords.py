"""Password rules from the security guide: 3 of 4 character classes; 12+ characters for administrators."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CITY_WORDS = ("wuhan", "minsheng", "jiangan", "hankou", "wuchang", "hanyang")


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


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < 3:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少三类。"), code="password_classes"
            )
        lowered = password.lower()
        if any(word in lowered for word in CITY_WORDS):
            raise ValidationError(_("密码不能包含城市名称等常见词。"), code="password_city_word")
        is_admin = bool(getattr(user, "admin_role", "")) if user is not None else False
        if is_admin and len(password) < 12:
            raise ValidationError(_("管理员密码至少12位。"), code="password_admin_length")

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的三类；管理员至少12位。")
