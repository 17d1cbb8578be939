"""The project catalogue /projekte/, project pages and the OZG reference."""

import itertools
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import workflow
from smartregion.projects.models import OzgService
from smartregion.regions.models import Topic
from smartregion.search import index
from tests.factories import (
    FundingProgrammeFactory,
    OrganizationFactory,
    ProjectPartnerFactory,
)

from .conftest import BOTTROP, GELSENKIRCHEN, HERTEN, KREIS_RE, make_project

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def jsonld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD"
    return json.loads(found.group(1))


def titles(html: str) -> set[str]:
    return set(
        re.findall(r'<h3 class="kern-heading-small sr-hit__title"><a [^>]*>([^<]+)</a>', html)
    )


# --- the list ----------------------------------------------------------------------------------


def test_list_paginates_with_constant_queries(client, region):
    topic = Topic.objects.get(slug="e-government")
    for n in range(10):
        make_project(title=f"Vorhaben {n:02d}", topics=[topic], municipalities=[GELSENKIRCHEN])
    with CaptureQueriesContext(connection) as ten:
        page = client.get("/projekte/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Vorhaben 00" in html and "10 Treffer" in html
    for n in range(10, 40):
        make_project(title=f"Vorhaben {n:02d}", topics=[topic], municipalities=[BOTTROP])
    with CaptureQueriesContext(connection) as forty:
        page = client.get("/projekte/")
    assert len(forty) == len(ten)
    assert "Seite 1 von 2" in page.content.decode()
    assert client.get("/projekte/", {"seite": 2}).status_code == 200


def test_list_filters_by_every_facet(client, region):
    ki = Topic.objects.get(slug="ki")
    egov = Topic.objects.get(slug="e-government")
    umbau = FundingProgrammeFactory(slug="umbau-21", name="UMBAU 21 – Smart Region")
    bau = OzgService.objects.get(service_key="10519")
    melde = OzgService.objects.get(service_key="10559")  # another subject than 10519
    make_project(
        title="Bauportal",
        phase="running",
        topics=[egov],
        programme=umbau,
        model_region=region,
        municipalities=[HERTEN],
        ozg=[bau],
        transfer={
            "maturity": "operating",
            "licence": "EUPL-1.2",
            "source_url": "https://example.org/code",
        },
    )
    make_project(
        title="Lernroboter",
        phase="planned",
        topics=[ki],
        municipalities=[BOTTROP],
        ozg=[melde],
        transfer={"maturity": "idea"},
    )
    cases = {
        "phase": ("running", "planned"),
        "topic": ("e-government", "ki"),
        "programme": ("umbau-21", None),
        "model_region": ("emscher-lippe", None),
        "municipality": (KREIS_RE, BOTTROP),  # Herten lies in the Kreis Recklinghausen
        "ozg_subject": (str(bau.situation.subject_id), str(melde.situation.subject_id)),
        "ozg_situation": (str(bau.situation_id), str(melde.situation_id)),
        "ozg_service": ("10519", "10559"),
        "maturity": ("operating", "idea"),
        "open_source": ("ja", "nein"),
    }
    for facet, (bauportal, lernroboter) in cases.items():
        found = titles(client.get("/projekte/", {facet: bauportal}).content.decode())
        assert found == {"Bauportal"}, facet
        if lernroboter:
            found = titles(client.get("/projekte/", {facet: lernroboter}).content.decode())
            assert found == {"Lernroboter"}, facet
    html = client.get("/projekte/").content.decode()
    legends = re.findall(r'<legend class="kern-label">([^<]+)</legend>', html)
    for label in (
        "Projektstand",
        "Förderprogramm",
        "Modellregion",
        "OZG-Leistung",
        "Reifegrad",
        "Quellcode",
        "Kommune",
        "Thema",
    ):
        assert label in legends
    assert "Art des Eintrags" not in legends
    assert "Bauvorbescheid und Baugenehmigung (10519)" in html


def test_list_search_and_htmx_partial(client, region):
    make_project(title="Digitaler Bauantrag", summary="Bauanträge online stellen.")
    make_project(title="Schulcloud")
    html = client.get("/projekte/", {"q": "Bauanträgen"}).content.decode()
    assert titles(html) == {"Digitaler Bauantrag"}
    partial = client.get("/projekte/", {"q": "Bauantrag"}, **HTMX).content.decode()
    assert "<html" not in partial and "Digitaler Bauantrag" in partial


def test_list_shows_only_published_projects_and_marks_demo(client, region):
    make_project(title="Öffentliches Projekt", is_demo=True)
    make_project(title="Wartendes Projekt", status="pending")
    html = client.get("/projekte/").content.decode()
    assert "Öffentliches Projekt" in html and "Wartendes Projekt" not in html
    assert "Demo-Eintrag" in html


def test_empty_catalogue_invites_to_enter_a_project(client, region):
    html = client.get("/projekte/").content.decode()
    assert "Noch ist kein Projekt freigeschaltet." in html
    assert "/konto/login/?next=/projekte/neu/" in html


# --- the project page --------------------------------------------------------------------------


def test_detail_shows_everything_with_links_and_jsonld(client, region):
    lead = OrganizationFactory(status="published", name="Stadtwerk Digital")
    project = make_project(
        title="Digitaler Bauantrag",
        acronym="DiBa",
        lead_organization=lead,
        programme=FundingProgrammeFactory(name="Digitale Modellregionen NRW"),
        municipalities=[GELSENKIRCHEN],
        ozg=[OzgService.objects.get(service_key="10519")],
        transfer={
            "maturity": "operating",
            "licence": "EUPL-1.2",
            "source_url": "https://example.org/code",
            "contact_name": "Stabsstelle",
            "contact_email": "geheim@example.org",
            "contact_hours": "Di 9–12 Uhr",
        },
    )
    partner = ProjectPartnerFactory(
        project=project, role="implementation", organization__name="Umsetzer GmbH"
    )
    hidden = ProjectPartnerFactory(
        project=project, organization__status="draft", organization__name="Geheimer Entwurf"
    )
    project.results.create(kind="document", title="Leitfaden", url="https://example.org/l.pdf")
    html = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{lead.get_absolute_url()}"' in html
    assert f'href="{partner.organization.get_absolute_url()}"' in html
    assert "Umsetzungspartner" in html
    assert hidden.organization.name not in html  # unpublished organizations stay private
    assert "Leitfaden" in html and "Bauvorbescheid und Baugenehmigung" in html
    assert "im Betrieb" in html and "EUPL-1.2" in html and "Di 9–12 Uhr" in html
    assert "geheim@example.org" not in html  # not marked public
    data = jsonld(html)
    node, software = data["@graph"]
    assert node["@type"] == "Project" and node["name"] == "Digitaler Bauantrag"
    assert node["alternateName"] == "DiBa"
    assert node["funding"]["name"] == "Digitale Modellregionen NRW"
    members = [m["member"]["name"] for m in node["member"]]
    assert members == ["Stadtwerk Digital", "Umsetzer GmbH"]
    assert node["areaServed"] == [{"@type": "AdministrativeArea", "name": "Gelsenkirchen"}]
    assert software["@type"] == "SoftwareSourceCode"
    assert software["license"] == "https://spdx.org/licenses/EUPL-1.2.html"
    assert software["codeRepository"] == "https://example.org/code"


def test_public_contact_email_is_shown(client, region):
    project = make_project(
        transfer={
            "contact_name": "Stelle",
            "contact_email": "stelle@example.org",
            "contact_email_public": True,
        }
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert 'href="mailto:stelle@example.org"' in html


def test_script_in_text_fields_is_escaped(client, region):
    attack = '<script>alert("x")</script>'
    project = make_project(
        title=f"Titel {attack}",
        summary=f"Kurz {attack}",
        description=f"Lang {attack} [Link](javascript:alert(1))",
        transfer={"contact_name": attack, "adoption_cost": attack, "contact_hours": attack},
    )
    project.results.create(kind="link", title=attack, url="https://example.org/")
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html  # the Markdown link stays text
    assert "&lt;script&gt;" in html
    # Inside the JSON-LD block the text cannot close the element either.
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in block and json.loads(block)["@graph"][0]["name"].endswith(attack)
    listing = client.get("/projekte/").content.decode()
    assert "<script>alert" not in listing


def test_unpublished_project_is_visible_to_its_team_only(
    client, region, user, other_user, org_with_editor
):
    project = make_project(status="pending", lead_organization=org_with_editor(user))
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(other_user)
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(user)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Nicht öffentlich – Status: Wartet auf Freigabe" in html


def test_detail_without_transfer_profile_or_helpers_has_empty_states(client, region):
    project = make_project()
    html = client.get(project.get_absolute_url()).content.decode()
    assert "noch keinen Steckbrief zur Nachnutzung" in html
    assert "Noch passt kein Angebot einer anderen Organisation" in html
    assert "Noch sind keine Ergebnisse eingetragen." in html


def test_headings_are_in_order_and_forms_have_labels(client, region):
    project = make_project(transfer={"maturity": "pilot", "adoption_effort": "wenig"})
    html = client.get(project.get_absolute_url()).content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    assert "<main" in html


# --- the OZG reference -------------------------------------------------------------------------


def test_ozg_page_lists_services_and_links_those_with_projects(client, region):
    make_project(ozg=[OzgService.objects.get(service_key="10519")])
    html = client.get("/projekte/ozg-leistungen/").content.decode()
    assert html.count("OZG-ID") >= 557
    assert 'href="/projekte/?ozg_service=10519"' in html
    assert 'href="/projekte/?ozg_service=10513"' not in html  # no project implements it


def test_approval_puts_the_project_into_the_catalogue(client, region, coordinator):
    project = make_project(status="pending", title="Freizugebendes Projekt")
    assert "Freizugebendes Projekt" not in client.get("/projekte/").content.decode()
    workflow.approve(obj=project, by=coordinator)
    assert "Freizugebendes Projekt" in client.get("/projekte/").content.decode()
    workflow.archive(obj=project, by=coordinator)
    assert "Freizugebendes Projekt" not in client.get("/projekte/").content.decode()
    index.rebuild(["project"])
    assert "Freizugebendes Projekt" not in client.get("/projekte/").content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"ozg_subject": "<script>alert(1)</script>"},
        {"ozg_situation": "9" * 40},
        {"programme": "\"'><img src=x>"},
        {"phase": ["running"] * 30, "open_source": "vielleicht"},
        {"q": "<script>", "seite": "-1"},
    ],
)
def test_hostile_filter_values_are_harmless(client, region, params):
    make_project(title="Robustes Projekt")
    response = client.get("/projekte/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x>" not in html


def test_pending_project_waits_in_the_moderation_queue(client, region, coordinator):
    project = make_project(status="pending", title="Projekt in der Warteschlange")
    client.force_login(coordinator)
    html = client.get("/koordination/").content.decode()
    assert "Projekt in der Warteschlange" in html
    response = client.post(f"/koordination/freigabe/projects.project/{project.pk}/freigeben/")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_published
    assert "Projekt in der Warteschlange" in client.get("/projekte/").content.decode()
