from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("bodies/", views.body_list, name="bodies"),
]
