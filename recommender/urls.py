from django.urls import path

from recommender import views

app_name = "recommender"
urlpatterns = [
    path("", views.results, name="results"),
]
