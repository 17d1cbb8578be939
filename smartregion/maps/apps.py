from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "smartregion.maps"
    label = "maps"
    verbose_name = _("Karte")

    def ready(self):
        from smartregion.search import index

        from . import tasks

        # A change of the index makes the map's cached collections stale: compute the default
        # ones again in the background, so that no visitor waits for them.
        index.after_commit(tasks.warm_soon)
