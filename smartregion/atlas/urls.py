from django.urls import path

from . import views

app_name = "atlas"
urlpatterns = [
    path("", views.atlas, name="index"),
    path("<slug:chart>.csv", views.chart_csv, name="csv"),
]
