from django.contrib import admin

from .models import Body, RoleAssignment, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "area_type", "parent", "synthetic")
    list_filter = ("kind", "area_type", "synthetic")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "office_unit")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "unit", "body", "granted_at")
    list_filter = ("role",)
