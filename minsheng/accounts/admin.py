from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class MinshengUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "admin_role", "is_active", "last_login")
    list_filter = ("admin_role", "is_active")
    # Real-name data is shown masked and read-only: administrators see no personal data in clear (三权分立),
    # and the encrypted columns never appear as form fields.
    readonly_fields = ("phone_masked", "id_number_masked")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("民生", {"fields": ("display_name", "admin_role")}),
        (_("实名信息（脱敏显示）"), {"fields": ("phone_masked", "id_number_masked")}),
    )

    @admin.display(description=_("手机号"))
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked or "—"

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj: User) -> str:
        return obj.id_number_masked or "—"
