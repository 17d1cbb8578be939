from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynergiesConfig(AppConfig):
    name = "smartregion.synergies"
    label = "synergies"
    verbose_name = _("Synergien")

    def ready(self):
        from smartregion.accounts import gdpr
        from smartregion.search import index

        from . import hooks
        from .models import AlertSettings, TandemProfile

        # Every change of an organization, offer or need goes through the search index.
        index.on_change(hooks.changed)

        def export(user):
            settings = AlertSettings.objects.filter(user=user).first()
            profile = TandemProfile.objects.filter(user=user).prefetch_related("topics").first()
            return {
                "mail_settings": {"need_alerts": settings.need_alerts, "digest": settings.digest}
                if settings
                else None,
                "tandem_profile": {
                    "stage": profile.stage,
                    "offers": profile.offers,
                    "seeks": profile.seeks,
                    "topics": [t.slug for t in profile.topics.all()],
                    "active": profile.active,
                }
                if profile
                else None,
            }

        gdpr.register_exporter("synergies", export)
