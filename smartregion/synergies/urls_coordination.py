from django.urls import path

from . import coordination

app_name = "synergies_coordination"
urlpatterns = [path("", coordination.overview, name="overview")]
