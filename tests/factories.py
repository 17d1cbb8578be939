import datetime as dt

import factory
from django.utils.text import slugify

from smartregion.accounts.models import User
from smartregion.organizations.models import Need, Offer, Organization, OrganizationRole


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "Ein-langes-Testpasswort-2026")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Digitalwerkstatt {n} GmbH")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organization.Kind.COMPANY
    short_description = "Wir digitalisieren Prozesse im Mittelstand."
    created_by = factory.SubFactory(UserFactory)
    status = "draft"


class OrganizationRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationRole

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganizationRole.Role.OWNER


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    organization = factory.SubFactory(OrganizationFactory, status="published")
    title = factory.Sequence(lambda n: f"Angebot {n}")
    description = "Wir beraten kleine und mittlere Unternehmen."
    kind = Offer.Kind.CONSULTING
    status = "published"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    organization = factory.SubFactory(OrganizationFactory, status="published")
    title = factory.Sequence(lambda n: f"Bedarf {n}")
    description = "Wir suchen Unterstützung."
    expires_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    status = "published"


# --- projects -----------------------------------------------------------------------------------

from smartregion.projects.models import (  # noqa: E402 - kept apart from the directory's factories
    FundingProgramme,
    Project,
    ProjectPartner,
    TransferProfile,
)


class FundingProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingProgramme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"programm-{n}")
    name = factory.Sequence(lambda n: f"Förderprogramm {n}")
    funder = "Land Nordrhein-Westfalen"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projekt {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Ein Projekt, das Verwaltungsleistungen digitalisiert."
    lead_organization = factory.SubFactory(OrganizationFactory, status="published")
    phase = Project.Phase.RUNNING
    created_by = factory.SubFactory(UserFactory)
    status = "published"


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory, status="published")
    role = ProjectPartner.Role.PARTNER


class TransferProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferProfile

    project = factory.SubFactory(ProjectFactory)
    maturity = TransferProfile.Maturity.PILOT
