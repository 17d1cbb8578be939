from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "smartregion.search"
    label = "search"
    verbose_name = _("Suche")

    def ready(self):
        from smartregion.regions.models import Audience, Municipality, Topic

        from .query import register_facet

        def by_slug(model):
            def resolve(values):
                return {o.slug: o.label for o in model.objects.filter(slug__in=values)}

            return resolve

        def municipalities(values):
            return dict(Municipality.objects.filter(ags__in=values).values_list("ags", "name"))

        register_facet("municipality", label=lambda: _("Kommune"), resolve=municipalities, order=20)
        register_facet("topic", label=lambda: _("Thema"), resolve=by_slug(Topic), order=30)
        register_facet(
            "audience", label=lambda: _("Zielgruppe"), resolve=by_slug(Audience), order=40
        )
