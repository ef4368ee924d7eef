from django.urls import path

from . import views

app_name = "ingest"
urlpatterns = [
    path("", views.documents, name="documents"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/proposals/<int:proposal_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/proposals/<int:proposal_pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
]
