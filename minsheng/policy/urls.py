from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<slug:policy_code>/targets/<str:code>/", views.target_detail, name="target"),
]
