from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class MinshengUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "display_name", "admin_role", "is_active", "last_login")
    list_filter = ("admin_role", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("民生", {"fields": ("display_name", "admin_role")}))
