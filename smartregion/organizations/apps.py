from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "smartregion.organizations"
    label = "organizations"
    verbose_name = _("Akteure")

    def ready(self):
        from smartregion.accounts import gdpr

        from .models import OrganizationRole

        def export_roles(user):
            return [
                {
                    "organization": r.organization.name,
                    "role": r.role,
                    "since": r.created_at.isoformat(),
                }
                for r in OrganizationRole.objects.filter(user=user).select_related("organization")
            ]

        gdpr.register_exporter("organization_roles", export_roles)

        from . import search, services  # noqa: F401 - services registers publish-on-approval

        search.register()
