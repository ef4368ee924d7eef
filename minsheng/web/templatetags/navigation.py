"""The header's main navigation, rendered once per process for each language and set of visible entries.

The links are a pure function of the URL configuration, the translations and four flags, none of which change
while a process runs, so each combination is rendered once (a dozen URL reversals and translations were about a
third of a warm leadership page). Only the unread badge differs per request; it is put into the cached markup
at a fixed marker.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_BADGE_MARKER = "<!--unread-->"


@lru_cache(maxsize=64)
def _nav_markup(language: str, script_prefix: str, ingest: bool, audit_admin: bool, staff: bool) -> str:
    del language, script_prefix  # cache keys only: both are read by the rendering below
    # The marker is a constant of this module, not user input.
    badge = mark_safe(_BADGE_MARKER)  # noqa: S308  # nosec B308 B703
    context = {"nav_ingest": ingest, "audit_admin": audit_admin, "staff": staff, "badge": badge}
    return render_to_string("web/_main_nav.html", context)


@register.simple_tag(takes_context=True)
def main_nav(context: dict[str, Any]) -> SafeString:
    """The signed-in user's navigation with their unread-notice badge."""
    user = context["user"]
    markup = _nav_markup(
        translation.get_language() or "",
        get_script_prefix(),
        bool(context.get("nav_ingest")),
        getattr(user, "admin_role", "") == "audit_admin",
        bool(getattr(user, "is_staff", False)),
    )
    unread = int(context.get("unread_notices") or 0)
    badge = format_html('<span class="badge">{}</span>', unread) if unread else ""
    return mark_safe(markup.replace(_BADGE_MARKER, badge))  # noqa: S308  # nosec B308 B703
