from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from minsheng.api.router import api

admin.site.site_header = "民生 Minsheng 维护"
# A lost database surfacing in middleware (session, user) reaches the 500 handler, which answers 503.
handler500 = "minsheng.common.views.server_error"
# A session save that fails because the database went away surfaces as SessionInterrupted (400): also a 503.
handler400 = "minsheng.common.views.bad_request"

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", include("minsheng.common.urls")),
]
# Django tries the prefixes in order and notes every miss; the leadership screens, the most requested, come
# first (the prefixes are distinct, and web's only pattern is the bare home page, so order changes no match).
urlpatterns += i18n_patterns(
    path("progress/", include("minsheng.progress.urls")),
    path("", include("minsheng.web.urls")),
    path("accounts/", include("minsheng.accounts.urls")),
    path("org/", include("minsheng.org.urls")),
    path("catalog/", include("minsheng.policy.urls")),
    path("reporting/", include("minsheng.reporting.urls")),
    path("ingest/", include("minsheng.ingest.urls")),
    path("audit/", include("minsheng.audit.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
