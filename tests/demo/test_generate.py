"""`smartregion generate`: large synthetic data for benchmarks, deterministic and marked demo."""

import pytest
from django.core.management import CommandError, call_command

from smartregion.organizations.models import Need, Offer, Organization
from smartregion.projects.models import Project
from smartregion.search.models import SearchDocument

pytestmark = pytest.mark.django_db


def _names():
    return list(Organization.objects.order_by("slug").values_list("name", "postal_code"))


def test_generates_organizations_offers_and_needs_at_real_places(region, capsys):
    call_command("generate", "--organizations", "40", "--seed", "3")
    out = capsys.readouterr().out
    orgs = Organization.objects.all()
    assert orgs.count() == 40 and "40 Organisationen" in out
    assert not orgs.filter(is_demo=False).exists()
    assert all(o.short_description.startswith("Synthetischer Demo-Eintrag.") for o in orgs)
    assert not orgs.filter(municipality__isnull=True).exists()
    assert all(len(o.postal_code) == 5 and o.lat and o.lon for o in orgs)
    assert Offer.objects.count() > 40 and not Offer.objects.filter(is_demo=False).exists()
    assert Need.objects.exists()
    # Published and searchable.
    assert SearchDocument.objects.filter(type="organization").count() == 40


def test_the_same_seed_gives_the_same_landscape(region):
    call_command("generate", "--organizations", "15", "--seed", "7", "--no-index")
    first = _names()
    Organization.objects.all().delete()
    call_command("generate", "--organizations", "15", "--seed", "7", "--no-index")
    assert _names() == first
    Organization.objects.all().delete()
    call_command("generate", "--organizations", "15", "--seed", "8", "--no-index")
    assert _names() != first


def test_projects_implement_real_ozg_services(region, capsys):
    call_command("generate", "--organizations", "10", "--projects", "4", "--no-index")
    assert "4 Projekte" in capsys.readouterr().out
    projects = Project.objects.prefetch_related("ozg_services", "topics")
    assert projects.count() == 4
    for project in projects:
        assert project.is_demo and project.is_published and project.lead_organization_id
        assert 1 <= len(project.ozg_services.all()) <= 4 and project.topics.exists()
        assert project.transfer.prerequisites_technical


@pytest.mark.parametrize(
    "args, message",
    [
        (["--organizations", "0"], "zwischen 1 und 1.000.000"),
        (["--organizations", "5", "--projects", "-1"], "zwischen 0 und 100.000"),
    ],
)
def test_out_of_range_numbers_are_refused(region, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", *args)


def test_without_a_loaded_region_it_says_so(db):
    with pytest.raises(CommandError, match="Region ist nicht geladen"):
        call_command("generate", "--organizations", "3")
