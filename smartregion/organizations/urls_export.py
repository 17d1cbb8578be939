from django.urls import path

from . import exporting

app_name = "export"
urlpatterns = [
    path("", exporting.index_view, name="index"),
    path("<slug:dataset>.<slug:fmt>", exporting.download, name="download"),
]
