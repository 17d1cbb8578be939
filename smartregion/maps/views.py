from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from . import listing


def _context(request, *, with_list: bool = True) -> dict:
    state = listing.MapState.from_request(request)
    context = {
        "state": state,
        "query": state.querystring,  # what core/_pagination.html puts before "seite="
        "facets": listing.facets(state),
    }
    if with_list:
        context["page"] = listing.page(state, request.GET.get("seite"))
    return context


def map_page(request):
    """The map. Leaflet draws /api/v1/map.geojson with the page's own query string; without
    JavaScript the page shows the list instead. Script requests (HX-Request) get the filter
    form alone, with fresh counts."""
    if request.htmx:
        response = render(request, "maps/_facets.html", _context(request, with_list=False))
    else:
        response = render(request, "maps/map.html", _context(request))
    patch_vary_headers(response, ["HX-Request"])
    return response


def map_list(request):
    """The accessible alternative to the map: the same hits, grouped by municipality."""
    return render(request, "maps/list.html", _context(request))
