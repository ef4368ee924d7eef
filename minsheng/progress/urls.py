from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("lagging/", views.lagging, name="lagging"),
    path("map/", views.district_map, name="map"),
    path("briefing/", views.briefing, name="briefing"),
    path("targets/<str:code>/", views.target_detail, name="target"),
    path("targets/<str:code>/units/<str:unit_code>/", views.unit_history, name="unit"),
    path("api/overview.json", views.overview_data, name="overview-data"),
    path("api/lagging.json", views.lagging_data, name="lagging-data"),
    path("api/map.json", views.map_data, name="map-data"),
    path("api/targets/<str:code>/series.json", views.series_data, name="series-data"),
    path("api/targets/<str:code>/units.json", views.target_units_data, name="units-data"),
]
