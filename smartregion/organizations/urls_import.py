from django.urls import path

from . import importviews

app_name = "importer"
urlpatterns = [
    path("", importviews.upload, name="upload"),
    path("vorlage-<slug:kind>.csv", importviews.template_csv, name="template"),
    path("<int:pk>/", importviews.job_detail, name="job"),
    path("<int:pk>/fortschritt/", importviews.job_progress, name="progress"),
    path("<int:pk>/ausfuehren/", importviews.job_commit, name="commit"),
    path("<int:pk>/fehler.csv", importviews.job_errors_csv, name="errors_csv"),
]
