"""GET /api/v1/projects and /api/v1/projects/{slug}."""

import pytest

from smartregion.projects.models import OzgService
from smartregion.regions.models import Topic
from tests.factories import FundingProgrammeFactory, OrganizationFactory, ProjectPartnerFactory

from .conftest import BOTTROP, HERTEN, KREIS_RE, make_project

pytestmark = pytest.mark.django_db


def slugs(client, **params) -> list[str]:
    response = client.get("/api/v1/projects", params)
    assert response.status_code == 200, response.content[:500]
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture
def two_projects(region):
    bau = make_project(
        title="Bauportal",
        phase="running",
        topics=[Topic.objects.get(slug="e-government")],
        programme=FundingProgrammeFactory(slug="umbau-21"),
        municipalities=[HERTEN],
        ozg=[OzgService.objects.get(service_key="10519")],
        transfer={
            "maturity": "operating",
            "licence": "EUPL-1.2",
            "source_url": "https://example.org/code",
        },
    )
    robot = make_project(
        title="Lernroboter",
        phase="planned",
        topics=[Topic.objects.get(slug="ki")],
        municipalities=[BOTTROP],
        transfer={"maturity": "idea"},
    )
    make_project(title="Unveröffentlicht", status="pending")
    return bau, robot


def test_list_filters(client, two_projects):
    assert sorted(slugs(client)) == ["bauportal", "lernroboter"]
    assert slugs(client, status="running") == ["bauportal"]
    assert slugs(client, topic="ki") == ["lernroboter"]
    assert slugs(client, programme="umbau-21") == ["bauportal"]
    assert slugs(client, municipality=KREIS_RE) == ["bauportal"]
    assert slugs(client, ozg="10519") == ["bauportal"]
    assert slugs(client, maturity="idea") == ["lernroboter"]
    assert slugs(client, open_source="true") == ["bauportal"]
    assert slugs(client, open_source="false") == ["lernroboter"]
    assert slugs(client, q="Lernrob") == ["lernroboter"]
    assert slugs(client, status="running", topic="ki") == []
    page = client.get("/api/v1/projects", {"page_size": 1, "page": 2}).json()
    assert page["count"] == 2 and len(page["results"]) == 1


def test_list_item_shape(client, two_projects):
    item = next(
        i for i in client.get("/api/v1/projects").json()["results"] if i["slug"] == "bauportal"
    )
    assert item["status"] == "running"
    assert item["programme"]["slug"] == "umbau-21"
    assert item["municipalities"] == [{"ags": HERTEN, "name": "Herten"}]
    assert item["ozg_services"] == ["10519"]
    assert item["maturity"] == "operating" and item["open_source"] is True
    assert item["url"].endswith("/projekte/bauportal/")


def test_detail_with_partners_and_transfer_profile(client, region):
    project = make_project(
        title="Digitaler Bauantrag",
        ozg=[OzgService.objects.get(service_key="10519")],
        transfer={
            "maturity": "pilot",
            "contact_name": "Stabsstelle",
            "contact_email": "geheim@example.org",
            "contact_hours": "Di 9–12 Uhr",
        },
    )
    ProjectPartnerFactory(project=project, role="transfer", organization__name="KDN")
    ProjectPartnerFactory(project=project, organization=OrganizationFactory(status="draft"))
    project.presentations.create(event_title="Austauschbörse")
    data = client.get(f"/api/v1/projects/{project.slug}").json()
    assert [p["organization"]["name"] for p in data["partners"]] == ["KDN"]
    assert data["partners"][0]["role"] == "transfer"
    assert data["ozg"][0] == {
        "key": "10519",
        "name": "Bauvorbescheid und Baugenehmigung",
        "situation": "Bauen & Immobilien",
        "subject": "Bauen & Wohnen",
    }
    assert data["transfer"]["maturity"] == "pilot"
    assert data["transfer"]["contact_point"] == {
        "name": "Stabsstelle",
        "email": None,
        "phone": None,
        "hours": "Di 9–12 Uhr",
    }
    assert "geheim@example.org" not in str(data)
    assert data["presented_at"][0]["event_title"] == "Austauschbörse"


def test_detail_of_unpublished_or_unknown_project_is_404(client, region):
    project = make_project(status="pending")
    assert client.get(f"/api/v1/projects/{project.slug}").status_code == 404
    assert client.get("/api/v1/projects/gibt-es-nicht").status_code == 404
    assert client.get("/api/v1/projects/" + "x" * 5000).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>"},
        {"status": "'; DROP TABLE projects_project; --"},
        {"ozg": "1" * 500},
        {"page": "0"},
        {"page_size": "100000"},
        {"municipality": ["x"] * 50},
    ],
)
def test_hostile_parameters_never_crash(client, region, params):
    response = client.get("/api/v1/projects", params)
    assert response.status_code in (200, 422)


def test_projects_appear_in_the_openapi_document(client, region):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/projects" in paths and "/api/v1/projects/{slug}" in paths
