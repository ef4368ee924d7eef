from django.contrib import admin

from .models import Commitment, Policy, PolicySystem, Target, Task


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "document_number", "issued_on", "is_default")


@admin.register(PolicySystem)
class PolicySystemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "policy", "office_unit")


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "system", "lead_unit")
    list_filter = ("system",)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "indicator", "comparator", "value", "value_max", "unit", "kind", "lead_unit")
    list_filter = ("kind", "comparator", "task__system")
    search_fields = ("code", "indicator", "source_sentence")


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "title", "lead_unit", "deadline")
