from django import template

from smartregion.organizations.models import Organization
from smartregion.synergies.models import ProjectSuggestion, Suggestion

register = template.Library()

PROFILE_LIMIT = 5


@register.inclusion_tag("synergies/_partners.html", takes_context=True)
def matching_partners(context, organization, limit: int = PROFILE_LIMIT):
    """ "Passende Partner" on a profile: precomputed rows, one query whatever their number.
    Only published organizations on both sides, nothing marked "Passt nicht"."""
    suggestions = []
    if organization.is_published:
        suggestions = list(
            Suggestion.objects.public()
            .filter(organization=organization)
            .select_related("other__municipality")
            .order_by("position")[:limit]
        )
    # A municipality also sees the projects it could reuse (one more query, for them only).
    projects = []
    if organization.is_published and organization.kind == Organization.Kind.MUNICIPALITY:
        projects = ProjectSuggestion.objects.reuse_for(organization, limit)
    user = context.get("user")
    # team_user_ids reads the roles the profile view prefetched: no query.
    member = bool(user and user.is_authenticated and user.pk in organization.team_user_ids)
    return {
        "suggestions": suggestions,
        "projects": projects,
        "organization": organization,
        "member": member,
    }
