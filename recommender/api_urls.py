"""The recommender's part of /api/v1/ (mounted by config/urls.py)."""

from django.urls import path

from recommender.api import views

urlpatterns = [
    path("recommendations/", views.RecommendationView.as_view(), name="api-recommendations"),
    path("admin/retrain/", views.RetrainView.as_view(), name="api-admin-retrain"),
    path("admin/jobs/<int:pk>/", views.JobView.as_view(), name="api-admin-job"),
]
