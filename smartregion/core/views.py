from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Prefetch
from django.db.utils import DatabaseError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from smartregion.organizations.models import Organization
from smartregion.regions.models import Region, Topic

from .legal import default_text
from .models import LegalPage


@require_safe  # GET and HEAD: load balancers often ask with HEAD
def healthz(request):
    """200 when the database answers and every migration is applied; 503 otherwise."""
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return JsonResponse({"status": "error", "detail": "database unreachable"}, status=503)
    if unapplied:
        return JsonResponse(
            {"status": "error", "detail": f"{len(unapplied)} migrations not applied"}, status=503
        )
    return JsonResponse({"status": "ok"})


def home(request):
    region: Region | None = Region.objects.home()
    if region is None:
        return render(
            request,
            "core/no_region.html",
            {"region_slug": settings.SMARTREGION_REGION},
            status=503,
        )
    municipalities = list(region.municipalities.select_related("parent").order_by("name"))
    kreise = [m for m in municipalities if m.is_kreis]
    groups = [
        {
            "kreis": kreis,
            "members": [m for m in municipalities if m.parent_id == kreis.pk],
        }
        for kreis in kreise
    ]
    standalone = [m for m in municipalities if not m.is_kreis and m.parent_id is None]
    organizations = Organization.objects.published()
    topics = Topic.objects.filter(parent__isnull=True, children__regions=region).distinct()
    topics = topics.prefetch_related(
        Prefetch("children", queryset=Topic.objects.filter(regions=region))
    )
    counts = [
        {"label": _("Akteure"), "value": organizations.count(), "url": "/akteure/"},
        {"label": _("Kommunen"), "value": sum(1 for m in municipalities if not m.is_kreis)},
        {
            "label": _("Kompetenzfelder"),
            "value": region.topics.filter(parent__isnull=False).count(),
        },
    ]
    return render(
        request,
        "core/home.html",
        {
            "region": region,
            "groups": groups,
            "standalone": standalone,
            "counts": counts,
            "latest_organizations": organizations.order_by("-published_at")[:6],
            "topics": topics,
            "partners": region.partner_list(),
        },
    )


@cache_control(max_age=300, public=True)
def brand_css(request):
    """The region's colours as CSS variables: a stylesheet, since the CSP forbids inline styles."""
    region = Region.objects.home()
    primary = region.color_primary if region else "#0b4f8a"
    secondary = region.color_secondary if region else "#5c2d91"
    css = f":root {{ --sr-primary: {primary}; --sr-secondary: {secondary}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def legal_page(request, kind: str):
    if kind not in LegalPage.Kind.values:
        raise Http404
    page = LegalPage.objects.filter(kind=kind).first()
    english = (get_language() or "de").startswith("en")
    if page is None:
        body = default_text(kind, region=Region.objects.home())
    else:
        body = page.body_en if english and page.body_en else page.body
    return render(
        request,
        "core/legal_page.html",
        {"kind": kind, "title": LegalPage.Kind(kind).label, "body": body, "page": page},
    )
