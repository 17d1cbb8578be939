from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "smartregion.organizations"
    label = "organizations"
    verbose_name = _("Akteure")

    def ready(self):
        from smartregion.accounts import gdpr

        from . import services
        from .models import OrganizationClaim, OrganizationRole

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

        def export_claims(user):
            return [
                {
                    "organization": c.organization.name,
                    "message": c.message,
                    "state": c.state,
                    "created_at": c.created_at.isoformat(),
                    "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                }
                for c in OrganizationClaim.objects.filter(user=user).select_related("organization")
            ]

        gdpr.register_exporter("organization_claims", export_claims)
        gdpr.register_eraser("organization_owners", services.hand_over_ownership)

        from . import search  # services (imported above) registers publish-on-approval

        search.register()
