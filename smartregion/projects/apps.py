from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "smartregion.projects"
    label = "projects"
    verbose_name = _("Projekte")

    def ready(self):
        from . import search

        search.register()
