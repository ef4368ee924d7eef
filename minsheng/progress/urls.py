from django.urls import path

from . import assessment_views, views

app_name = "progress"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("lagging/", views.lagging, name="lagging"),
    path("map/", views.district_map, name="map"),
    path("briefing/", views.briefing, name="briefing"),
    path("assessment/", assessment_views.assessment_home, name="assessment-home"),
    path("assessment/scheme/", assessment_views.scheme_edit, name="assessment-scheme"),
    path("assessment/satisfaction/", assessment_views.satisfaction_edit, name="assessment-satisfaction"),
    path("assessment/<int:year>/", assessment_views.assessment, name="assessment"),
    path("assessment/<int:year>/export.xlsx", assessment_views.assessment_export, name="assessment-export"),
    path("targets/<str:code>/", views.target_detail, name="target"),
    path("targets/<str:code>/units/<str:unit_code>/", views.unit_history, name="unit"),
    path("api/overview.json", views.overview_data, name="overview-data"),
    path("api/lagging.json", views.lagging_data, name="lagging-data"),
    path("api/map.json", views.map_data, name="map-data"),
    path("api/targets/<str:code>/series.json", views.series_data, name="series-data"),
    path("api/targets/<str:code>/units.json", views.target_units_data, name="units-data"),
]
