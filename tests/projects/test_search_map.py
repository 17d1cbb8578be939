"""Projects in the global search (/suche/, /api/v1/search) and on the map (at a municipality)."""

import json
import re

import pytest

from smartregion.regions.models import Municipality, Topic
from smartregion.search import index
from smartregion.search.query import search
from tests.factories import OrganizationFactory

from .conftest import BOTTROP, GELSENKIRCHEN, HERTEN, KREIS_RE, make_project

pytestmark = pytest.mark.django_db


def test_projects_are_found_by_title_partner_and_ozg_service(region):
    from smartregion.projects.models import OzgService

    partner = OrganizationFactory(status="published", name="Quellwerk Systemhaus")
    project = make_project(
        title="Digitaler Bauantrag",
        acronym="DiBa",
        ozg=[OzgService.objects.get(service_key="10519")],
    )
    project.partners.create(organization=partner)
    from smartregion.search import index

    index.index(project)
    for query in ("Bauantrag", "DiBa", "Quellwerk", "Baugenehmigung", "10519"):
        result = search(query, filters={"type": ["project"]})
        assert [h.title for h in result.hits] == ["Digitaler Bauantrag (DiBa)"], query


def test_search_page_has_the_project_type(client, region):
    make_project(title="Smarte Straßenlaternen")
    html = client.get("/suche/", {"q": "Straßenlaternen"}).content.decode()
    assert 'sr-hit__type">Projekt</span>' in html
    assert re.search(r'value="project"[^>]*>\s*<label[^>]*>Projekt <span', html)
    only = client.get("/suche/", {"q": "Straßenlaternen", "type": "organization"})
    assert "Smarte Straßenlaternen" not in only.content.decode()
    api = client.get("/api/v1/search", {"q": "Straßenlaternen", "type": "project"}).json()
    assert [r["type"] for r in api["results"]] == ["project"]


def test_project_sits_on_the_map_at_its_municipality(client, region):
    gelsenkirchen = Municipality.objects.get(ags=GELSENKIRCHEN)
    make_project(title="Kartenprojekt", phase="running", municipalities=[GELSENKIRCHEN, BOTTROP])
    make_project(title="Ortloses Projekt")  # no municipality: not on the map
    data = json.loads(client.get("/api/v1/map.geojson", {"type": "project"}).content)
    # A point at each of its municipalities' centres, the same entry behind each.
    assert len(data["features"]) == 2
    for feature in data["features"]:
        assert feature["properties"] == {
            "type": "project",
            "title": "Kartenprojekt",
            "url": "/projekte/kartenprojekt/",
            "kind": "laufend",
        }
    bottrop = Municipality.objects.get(ags=BOTTROP)
    points = {tuple(f["geometry"]["coordinates"]) for f in data["features"]}
    assert points == {
        (round(bottrop.lon, 5), round(bottrop.lat, 5)),
        (round(gelsenkirchen.lon, 5), round(gelsenkirchen.lat, 5)),
    }
    # Found under each of its municipalities.
    for ags in (GELSENKIRCHEN, BOTTROP):
        found = json.loads(client.get("/api/v1/map.geojson", {"municipality": ags}).content)
        assert "Kartenprojekt" in {f["properties"]["title"] for f in found["features"]}
    nothing = json.loads(client.get("/api/v1/map.geojson", {"municipality": KREIS_RE}).content)
    assert "Kartenprojekt" not in {f["properties"]["title"] for f in nothing["features"]}


def test_project_sits_at_the_lead_organizations_municipality_when_involved(client, region):
    gelsenkirchen = Municipality.objects.get(ags=GELSENKIRCHEN)
    lead = OrganizationFactory(status="published", municipality=gelsenkirchen)
    make_project(
        title="Leitprojekt", lead_organization=lead, municipalities=[GELSENKIRCHEN, BOTTROP]
    )
    # Listed under the lead's municipality (the first point of its document).
    from smartregion.search.models import SearchDocument

    document = SearchDocument.objects.get(type="project")
    assert document.municipality == GELSENKIRCHEN
    assert (document.lat, document.lon) == (gelsenkirchen.lat, gelsenkirchen.lon)


def test_map_page_and_its_list_show_projects(client, region):
    make_project(
        title="Listenprojekt",
        municipalities=[GELSENKIRCHEN],
        topics=[Topic.objects.get(slug="e-government")],
    )
    page = client.get("/karte/").content.decode()
    assert 'data-label-project="Projekt"' in page and "sr-marker--project" in page
    listing = client.get("/karte/liste/").content.decode()
    assert "Listenprojekt" in listing


def test_project_sits_at_the_lead_in_a_kreis_that_takes_part(client, region):
    herten = Municipality.objects.get(ags="05562020")
    lead = OrganizationFactory(status="published", municipality=herten)
    make_project(title="Kreisprojekt", lead_organization=lead, municipalities=[KREIS_RE, BOTTROP])
    from smartregion.search.models import SearchDocument

    document = SearchDocument.objects.get(type="project")
    assert (document.lat, document.lon) == (herten.lat, herten.lon)


def test_a_full_index_rebuild_keeps_every_point_of_a_project(client, region):
    make_project(title="Zweiortprojekt", municipalities=[GELSENKIRCHEN, BOTTROP])
    index.rebuild()
    data = json.loads(client.get("/api/v1/map.geojson", {"type": "project"}).content)
    assert len(data["features"]) == 2


def test_map_list_names_the_other_places_of_a_project(client, region):
    """Listed once, under its first place; the list names the others (not the Kreis the
    municipality facet adds for the Kreis filter)."""
    make_project(title="Stadtübergreifend", municipalities=[GELSENKIRCHEN, BOTTROP, HERTEN])
    make_project(title="Nur Gelsenkirchen", municipalities=[GELSENKIRCHEN])
    html = client.get("/karte/liste/", {"type": "project"}).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("Stadtübergreifend</a>") == 1
    entry = main[main.index("Stadtübergreifend</a>") :].split("</li>")[0]
    assert main.index(">Bottrop</h2>") < main.index("Stadtübergreifend")  # first by name
    assert "auch in Gelsenkirchen, Herten" in entry
    assert "Kreis" not in entry
    single = main[main.index("Nur Gelsenkirchen</a>") :].split("</li>")[0]
    assert "auch in" not in single
