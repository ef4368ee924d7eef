from django.contrib import admin
from django.http import HttpRequest

from .models import (
    AssessmentScheme,
    Observation,
    SatisfactionScore,
    StatusBlock,
    TargetShare,
    TargetStatus,
)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("target", "unit", "period_end", "value", "accumulation", "source_kind")
    list_filter = ("source_kind", "accumulation")
    search_fields = ("target__code", "unit__code", "source_ref")
    raw_id_fields = ("target", "unit")
    list_select_related = ("target", "unit")


@admin.register(TargetShare)
class TargetShareAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("target", "unit", "value", "source_kind")
    raw_id_fields = ("target", "unit")


@admin.register(TargetStatus)
class TargetStatusAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("target", "unit", "as_of", "status", "score", "exact")
    list_filter = ("as_of", "status", "exact")
    raw_id_fields = ("target", "unit")
    list_select_related = ("target", "unit")

    def has_add_permission(self, request: HttpRequest) -> bool:  # computed rows only
        return False


@admin.register(StatusBlock)
class StatusBlockAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the packed columns are for `statusstore`; a street's or community's statuses show on the
    leadership view's unit page (TargetStatus above lists only the city's and districts' rows)."""

    list_display = ("target", "as_of", "count", "computed_at")
    list_filter = ("as_of",)
    raw_id_fields = ("target",)
    list_select_related = ("target",)
    exclude = ("data", "unit_keys")

    def has_add_permission(self, request: HttpRequest) -> bool:  # computed rows only
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "name", "achievement", "timeliness", "quality", "supervision", "satisfaction")


@admin.register(SatisfactionScore)
class SatisfactionScoreAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("year", "unit", "score", "source", "entered_at")
    list_filter = ("year",)
    raw_id_fields = ("unit",)
    list_select_related = ("unit",)
