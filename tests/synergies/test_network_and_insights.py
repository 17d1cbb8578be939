"""/netzwerk/ (graph data and the table beside it) and the coordinators' view."""

import pytest

from smartregion.search.models import ZeroResultSearch
from smartregion.synergies import network
from smartregion.synergies.models import Suggestion
from tests.factories import ProjectFactory, ProjectPartnerFactory, UserFactory

from .conftest import member, need, offer, suggestion

pytestmark = pytest.mark.django_db


def edge(data, a, b):
    pair = {a.pk, b.pk}
    return next((e for e in data["edges"] if {e["source"], e["target"]} == pair), None)


def test_graph_links_projects_accepted_suggestions_and_shared_topics(client, refreshed):
    project = ProjectFactory(title="Digitale Schule", lead_organization=refreshed.school)
    ProjectPartnerFactory(project=project, organization=refreshed.tablets)
    s = suggestion(refreshed.city, refreshed.security)
    s.feedback = Suggestion.Feedback.CONTACTED
    s.save()
    data = client.get("/netzwerk/daten.json").json()
    assert edge(data, refreshed.school, refreshed.tablets)["kinds"][0] == "project"
    assert (
        "Gemeinsames Projekt: Digitale Schule"
        in edge(data, refreshed.school, refreshed.tablets)["reasons"]
    )
    assert edge(data, refreshed.city, refreshed.security)["kinds"][0] == "suggestion"
    topics = edge(data, refreshed.university, refreshed.startup)
    assert topics["kinds"] == ["topics"]
    assert edge(data, refreshed.bakery, refreshed.school) is None
    node = next(n for n in data["nodes"] if n["id"] == refreshed.school.pk)
    assert node["degree"] == 1 and node["url"] == refreshed.school.get_absolute_url()
    assert node["kind"] == "school"


def test_graph_filters_by_topic_and_municipality(client, refreshed):
    data = client.get("/netzwerk/daten.json", {"thema": "ki"}).json()
    assert {n["label"] for n in data["nodes"]} == {"Hochschule Nord", "KI Start GmbH"}
    assert client.get("/netzwerk/daten.json", {"kommune": "05513000"}).json()["nodes"] == []
    # Unknown filter values are ignored rather than trusted.
    assert len(client.get("/netzwerk/daten.json", {"thema": "<x>"}).json()["nodes"]) == 7


def test_network_page_has_the_table_of_strongest_links(client, refreshed):
    project = ProjectFactory(title="Digitale Schule", lead_organization=refreshed.school)
    ProjectPartnerFactory(project=project, organization=refreshed.tablets)
    page = client.get("/netzwerk/").content.decode()
    assert "Die stärksten Verbindungen" in page
    table = page[page.index("<tbody>") :]
    assert table.index("Gesamtschule am Park") < table.index("Hochschule Nord")  # project first
    assert 'data-src="/netzwerk/daten.json"' in page
    assert "<script>" not in page.replace('<script type="application/ld+json">', "")


def test_graph_is_capped(refreshed):
    graph = network.build(limit=3)
    assert len(graph.nodes) == 3 and graph.truncated


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_coordinators_view_shows_rates_gaps_searches_and_ideas(client, refreshed, coordinator):
    s = suggestion(refreshed.school, refreshed.tablets)
    s.feedback = Suggestion.Feedback.FITS
    s.save()
    need(refreshed.bakery, "Lastenfahrrad", "Wir suchen ein Lastenrad.", topics=["smart-mobility"])
    need(
        refreshed.city, "KI in der Verwaltung", "Künstliche Intelligenz für Anträge.", topics=["ki"]
    )
    offer(refreshed.tablets, "KI-Lernsoftware", "Maschinelles Lernen für Schulen.", topics=["ki"])
    from smartregion.synergies import refresh

    refresh.full_refresh()
    ZeroResultSearch.objects.create(query="Cyberabwehr Workshop")
    ZeroResultSearch.objects.create(query="Lastenrad")
    client.force_login(coordinator)
    page = client.get("/koordination/synergien/").content.decode()
    assert "Wie Vorschläge ankommen" in page
    assert "Smart Mobility" in section(page, "unmet-title")  # the unmet Lastenrad need's topic
    assert "„cyberabwehr workshop“ (1)" in page  # grouped under Cybersicherheit
    assert "keinem Thema zugeordnet" in page
    assert "Veranstaltungen werden hier noch nicht verwaltet" in page
    # A project idea: two organizations seek KI, a university and a company offer it.
    assert "Künstliche Intelligenz (KI)" in section(page, "ideas-title")


def test_coordinators_view_is_for_coordinators_only(client, refreshed):
    client.force_login(member(refreshed.school))
    assert client.get("/koordination/synergien/").status_code == 403
    client.force_login(UserFactory())
    assert client.get("/koordination/synergien/").status_code == 403


def test_the_cached_graph_follows_every_change_it_depends_on(client, refreshed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert (
        edge(client.get("/netzwerk/daten.json").json(), refreshed.school, refreshed.tablets) is None
    )
    with CaptureQueriesContext(connection) as warm:
        client.get("/netzwerk/daten.json")
    # The graph came from the cache: no organization's topics were read.
    assert not any("organization_topics" in q["sql"] for q in warm.captured_queries)
    project = ProjectFactory(title="Digitale Schule", lead_organization=refreshed.school)
    ProjectPartnerFactory(project=project, organization=refreshed.tablets)
    data = client.get("/netzwerk/daten.json").json()
    assert edge(data, refreshed.school, refreshed.tablets)["kinds"] == ["project"]
    s = suggestion(refreshed.city, refreshed.security)
    s.feedback, s.feedback_at = Suggestion.Feedback.FITS, s.computed_at
    s.save()
    data = client.get("/netzwerk/daten.json").json()
    assert edge(data, refreshed.city, refreshed.security)["kinds"][0] == "suggestion"
