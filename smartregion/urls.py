from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve

from smartregion.core import coordination, views
from smartregion.core.models import LegalPage

from .api import api

core_patterns = (
    [
        path("", views.home, name="home"),
        path("brand.css", views.brand_css, name="brand_css"),
        re_path(
            r"^(?P<kind>{})/$".format("|".join(LegalPage.Kind.values)),
            views.legal_page,
            name="legal",
        ),
        path("koordination/", coordination.dashboard, name="moderation"),
        path(
            "koordination/freigabe/<str:key>/<int:pk>/<slug:decision>/",
            coordination.decide,
            name="decide",
        ),
        path("koordination/protokoll/", coordination.audit_log, name="audit_log"),
        path("koordination/rechtstexte/", coordination.legal_pages, name="legal_pages"),
        path("koordination/rechtstexte/<slug:kind>/", coordination.legal_edit, name="legal_edit"),
    ],
    "core",
)

urlpatterns = [
    path("", include(core_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("konto/", include("smartregion.accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("akteure/", include("smartregion.organizations.urls_manage")),
    path("akteure/", include("smartregion.organizations.urls")),
    path("angebote/", include("smartregion.organizations.urls_offers")),
    path("bedarfe/", include("smartregion.organizations.urls_needs")),
    path("projekte/", include("smartregion.projects.urls")),
    path("suche/", include("smartregion.search.urls")),
    path("karte/", include("smartregion.maps.urls")),
    path("atlas/", include("smartregion.atlas.urls")),
    path("koordination/import/", include("smartregion.organizations.urls_import")),
    path("koordination/synergien/", include("smartregion.synergies.urls_coordination")),
    path("synergien/", include("smartregion.synergies.urls")),
    path("netzwerk/", include("smartregion.synergies.urls_network")),
    path("koordination/fragen/", include("smartregion.projects.urls_coordination")),
    path("daten/", include("smartregion.organizations.urls_export")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            r"^media/(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    )
