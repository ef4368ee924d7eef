from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("export.csv", views.event_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.event_export, {"fmt": "xlsx"}, name="export_xlsx"),
]
