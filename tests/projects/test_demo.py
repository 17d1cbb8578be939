"""The demo projects that `smartregion demo` loads."""

import pytest
from django.core.management import call_command

from smartregion.demo.projects import PROJECTS
from smartregion.projects.models import Adoption, Project, Question
from smartregion.search.query import search


@pytest.mark.django_db
def test_demo_projects_load_once_and_are_marked(client, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo")
    assert "Demo-Projekt „futureWork“" in capsys.readouterr().out
    projects = Project.objects.all()
    assert projects.count() == len(PROJECTS)
    assert all(p.is_demo and p.is_published for p in projects)

    future = Project.objects.get(title="futureWork")
    assert future.lead_organization.name == "Westfälische Hochschule"
    assert "Daig" in future.description and "knapp einer Million Euro" in future.description
    assert future.programme.name == "UMBAU 21 – Smart Region"
    networks = Project.objects.get(title="SMART NETWORKS")
    assert networks.lead_organization.name == "WiN Emscher-Lippe GmbH"
    umbau = Project.objects.get(acronym="UMBAU 21")
    assert umbau.partners.count() == 3
    egov = Project.objects.filter(programme__slug="digitale-modellregionen-nrw")
    assert egov.count() == 3
    assert all(p.model_region.slug == "emscher-lippe" for p in egov)
    assert all("erfunden" in p.description for p in egov)
    assert all(p.ozg_services.exists() for p in egov)
    # No demo address can reach a real mailbox.
    for project in projects:
        profile = project.transfer_profile
        if profile and profile.contact_email:
            assert profile.contact_email.endswith("@demo.smartregion.invalid")

    assert search("Bauantrag", filters={"type": ["project"]}).count == 1
    page = client.get(future.get_absolute_url()).content.decode()
    assert "Demo-Eintrag" in page
    assert "6 Treffer" in client.get("/projekte/").content.decode()

    # a few adoptions and answered questions, marked as demo
    assert Adoption.objects.filter(is_demo=True).count() == 5
    assert Question.objects.faq().filter(is_demo=True).count() == 3
    bau = Project.objects.get(title="Digitaler Bauantrag")
    page = client.get(bau.get_absolute_url()).content.decode()
    assert "Bottrop (nachgenutzt)" in page and "Herten (Nachnutzung läuft)" in page
    assert "Mit welchen Fachverfahren" in page
    sorted_list = client.get("/projekte/", {"sortierung": "nachnutzungen"}).content.decode()
    assert sorted_list.index("Digitaler Bauantrag") < sorted_list.index("futureWork")

    call_command("demo")
    assert Adoption.objects.count() == 5 and Question.objects.count() == 3
    assert Project.objects.count() == len(PROJECTS)
    assert sum(p.partners.count() for p in Project.objects.all()) == sum(
        len(spec.get("partners", [])) for spec in PROJECTS
    )
