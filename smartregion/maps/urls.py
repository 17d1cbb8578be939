from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("liste/", views.map_list, name="list"),
]
