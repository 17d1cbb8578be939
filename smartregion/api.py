"""The public API, /api/v1/. Each domain package contributes a ninja Router."""

from ninja import NinjaAPI

from smartregion.maps.api import router as maps_router
from smartregion.organizations.api import router as organizations_router
from smartregion.projects.api import router as projects_router
from smartregion.regions.api import router as regions_router
from smartregion.search.api import router as search_router
from smartregion.synergies.api import router as synergies_router

api = NinjaAPI(
    title="smartregion API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", regions_router)
api.add_router("/", organizations_router)
api.add_router("/", search_router)
api.add_router("/", maps_router)
api.add_router("/", projects_router)
api.add_router("/", synergies_router)
