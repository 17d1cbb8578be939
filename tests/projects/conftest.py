import pytest

from smartregion.organizations.models import OrganizationRole
from smartregion.projects.taxonomy import ensure_ozg
from smartregion.regions.models import Municipality
from smartregion.search import index
from tests.factories import OrganizationFactory, ProjectFactory, TransferProfileFactory

GELSENKIRCHEN, BOTTROP, HERTEN, KREIS_RE = "05513000", "05512000", "05562020", "05562"


@pytest.fixture(autouse=True)
def _ozg_taxonomy(db):
    """Browser tests (transactional) flush the database, migration data included."""
    ensure_ozg()


def make_project(*, topics=(), municipalities=(), ozg=(), transfer=None, **kwargs):
    """A project as the pages see it: relations set, transfer profile, indexed."""
    project = ProjectFactory(**kwargs)
    project.topics.set(topics)
    project.municipalities.set(Municipality.objects.filter(ags__in=municipalities))
    project.ozg_services.set(ozg)
    if transfer is not None:
        TransferProfileFactory(project=project, **transfer)
    index.index(project)
    return project


@pytest.fixture
def org_with_editor(db):
    """A published organization and a person on its team (editor)."""

    def make(user, **kwargs):
        org = OrganizationFactory(status="published", **kwargs)
        OrganizationRole.objects.create(
            organization=org, user=user, role=OrganizationRole.Role.EDITOR
        )
        return org

    return make


CONTACT = "anlaufstelle@example.org"


@pytest.fixture
def reuse(db, region, user, org_with_editor):
    """A published project whose lead organization's team includes `user` (the editor), with
    a contact point that has an account of its own (verified address)."""
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    lead = org_with_editor(user, name="Stadt Gelsenkirchen Digital")
    project = make_project(
        title="Digitaler Bauantrag",
        lead_organization=lead,
        municipalities=[GELSENKIRCHEN],
        transfer={
            "maturity": "operating",
            "contact_name": "Stabsstelle",
            "contact_email": CONTACT,
            "licence": "EUPL-1.2",
            "source_url": "https://example.org/git/bauantrag",
        },
    )
    contact = UserFactory(email=CONTACT, display_name="Anlaufstelle")
    EmailAddress.objects.create(user=contact, email=CONTACT, verified=True, primary=True)
    project.editor = user
    project.contact = contact
    return project
