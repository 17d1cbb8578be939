from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "smartregion.projects"
    label = "projects"
    verbose_name = _("Projekte")

    def ready(self):
        from smartregion.core import workflow

        from . import search
        from .models import Question
        from .questions.services import after_transition

        search.register()
        # Questions join the coordinators' queue; approved ones go to the contact point.
        workflow.register(Question, after_transition=after_transition)

        from smartregion.accounts import gdpr

        from .models import Adoption

        def export_adoptions(user):
            return [
                {
                    "project": a.project.title,
                    "municipality": a.municipality.name,
                    "state": a.state,
                    "note": a.note,
                    "declared_at": a.interest_at.isoformat(),
                }
                for a in Adoption.objects.filter(declared_by=user).select_related(
                    "project", "municipality"
                )
            ]

        gdpr.register_exporter("adoptions_declared", export_adoptions)
