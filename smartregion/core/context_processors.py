from django.conf import settings

from smartregion.regions.models import Region

from . import workflow


def platform(request):
    """What every page needs: the home region, and the moderation count for coordinators."""
    if not hasattr(request, "_home_region"):
        request._home_region = Region.objects.home()
    user = getattr(request, "user", None)
    pending = None
    if user is not None and user.is_authenticated and user.is_coordinator:
        pending = workflow.pending_count()
    return {
        "region": request._home_region,
        "pending_count": pending,
        "site_url": settings.SITE_URL,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
