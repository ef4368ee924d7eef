from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:year>/", views.ledger, name="ledger_year"),
    path("ledger/create/", views.ledger_create, name="ledger_create"),
    path("ledger/<int:year>/publish/", views.ledger_publish, name="ledger_publish"),
    path("ledger/<int:year>/export.xlsx", views.ledger_export, name="ledger_export"),
    path("ledger/<int:year>/import/", views.ledger_import, name="ledger_import"),
    path("ledger/imports/<int:pk>/", views.ledger_import_status, name="ledger_import_status"),
    path("ledger/imports/<int:pk>/errors.xlsx", views.ledger_import_errors, name="ledger_import_errors"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/report/<str:unit_code>/<str:period_key>/", views.report_form, name="report"),
    path(
        "items/<int:pk>/report/<str:unit_code>/<str:period_key>/draft/",
        views.report_draft,
        name="report_draft",
    ),
    path(
        "items/<int:pk>/report/<str:unit_code>/<str:period_key>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/decide/", views.submission_decide, name="decide"),
    path("submissions/<int:pk>/unmask/<str:field>/", views.submission_unmask, name="unmask"),
    path("submissions/<int:pk>/correct/", views.submission_correct_view, name="correct"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("queue/", views.queue, name="queue"),
    path("missing/", views.missing, name="missing"),
    path("notices/", views.notices, name="notices"),
]
