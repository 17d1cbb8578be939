from django.urls import path

from . import network_views

app_name = "network"
urlpatterns = [
    path("", network_views.network_page, name="graph"),
    path("daten.json", network_views.network_data, name="data"),
]
