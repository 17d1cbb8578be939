"""An editor of one organization can never change another: every service and every view is
tried with another organization's objects, and nothing may change."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from smartregion.core import workflow
from smartregion.organizations import services
from smartregion.organizations.models import (
    ContactPerson,
    EditorInvitation,
    Need,
    Offer,
    Organization,
    OrganizationClaim,
    OrganizationRole,
)
from tests.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    OrganizationRoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class World:
    """Org A with its editor; org B (published) and C (pending) with everything they can hold."""

    def __init__(self, region, editor_a):
        self.editor_a = editor_a
        self.a = OrganizationFactory(status="published", name="Alpha GmbH", postal_code="45879")
        OrganizationRoleFactory(organization=self.a, user=editor_a, role="editor")
        self.owner_b = UserFactory()
        self.b = OrganizationFactory(
            status="published", name="Beta GmbH", postal_code="45879", created_by=self.owner_b
        )
        OrganizationRoleFactory(organization=self.b, user=self.owner_b, role="owner")
        self.editor_b = OrganizationRoleFactory(organization=self.b, role="editor")
        self.offer_b = OfferFactory(organization=self.b, title="Beta-Angebot")
        self.need_b = NeedFactory(organization=self.b, title="Beta-Bedarf")
        self.contact_b = ContactPerson.objects.create(organization=self.b, name="Bea Beta")
        self.invitation_b = EditorInvitation.objects.create(
            organization=self.b, email="gast@example.org", invited_by=self.owner_b
        )
        self.c = OrganizationFactory(status="pending", name="Gamma GmbH", postal_code="45879")
        self.offer_c = OfferFactory(organization=self.c, status="draft")
        self.need_c = NeedFactory(organization=self.c, status="draft")
        self.contact_c = ContactPerson.objects.create(organization=self.c, name="Gina Gamma")
        self.invitation_c = EditorInvitation.objects.create(
            organization=self.c, email="gast2@example.org"
        )
        self.role_c = OrganizationRoleFactory(organization=self.c, role="editor")

    def snapshot(self) -> dict:
        """Everything an attacker might change, as plain values."""

        def rows(model, *fields):
            return sorted(model.objects.values_list("pk", *fields))

        return {
            "orgs": rows(Organization, "name", "status", "short_description", "postal_code"),
            "offers": rows(Offer, "title", "status", "organization"),
            "needs": rows(Need, "title", "status", "expires_on"),
            "contacts": rows(ContactPerson, "name", "email", "organization"),
            "invitations": rows(EditorInvitation, "email", "accepted_at"),
            "roles": rows(OrganizationRole, "organization", "user", "role"),
            "claims": rows(OrganizationClaim, "state"),
            "topics": sorted(Organization.topics.through.objects.values_list("pk", flat=True)),
        }


@pytest.fixture
def world(region, user):
    return World(region, user)


# --- services -------------------------------------------------------------------------------


def _service_calls(w: World, org, offer, need, contact, invitation, role):
    today = timezone.localdate()
    return {
        "organization_update": lambda by: services.organization_update(
            organization=org, by=by, name="Übernommen"
        ),
        "contact_create": lambda by: services.contact_create(organization=org, by=by, name="X"),
        "contact_update": lambda by: services.contact_update(contact=contact, by=by, name="X"),
        "contact_delete": lambda by: services.contact_delete(contact=contact, by=by),
        "editor_invite": lambda by: services.editor_invite(
            organization=org, by=by, email="boese@example.org"
        ),
        "invitation_revoke": lambda by: services.invitation_revoke(invitation=invitation, by=by),
        "editor_remove": lambda by: services.editor_remove(role=role, by=by),
        "offer_create": lambda by: services.offer_create(
            organization=org, by=by, title="Fremd", kind="service"
        ),
        "offer_update": lambda by: services.offer_update(offer=offer, by=by, title="Fremd"),
        "need_create": lambda by: services.need_create(
            organization=org, by=by, title="Fremd", expires_on=today + dt.timedelta(days=9)
        ),
        "need_update": lambda by: services.need_update(need=need, by=by, title="Fremd"),
        "content_publish": lambda by: services.content_publish(obj=offer, by=by),
        "content_archive_offer": lambda by: services.content_archive(obj=offer, by=by),
        "content_archive_need": lambda by: services.content_archive(obj=need, by=by),
        "submit": lambda by: workflow.submit(obj=org, by=by),
    }


@pytest.mark.parametrize("target", ["b", "c"])
def test_editor_of_a_cannot_use_any_service_on_another_organization(world, target):
    w = world
    objects = (
        (w.b, w.offer_b, w.need_b, w.contact_b, w.invitation_b, w.editor_b)
        if target == "b"
        else (w.c, w.offer_c, w.need_c, w.contact_c, w.invitation_c, w.role_c)
    )
    before = w.snapshot()
    for name, call in _service_calls(w, *objects).items():
        with pytest.raises(PermissionDenied):
            call(w.editor_a)
            pytest.fail(f"{name} let the editor of another organization through")
        assert w.snapshot() == before, name


def test_anonymous_cannot_use_any_service(world):
    from django.contrib.auth.models import AnonymousUser

    w = world
    objects = (w.b, w.offer_b, w.need_b, w.contact_b, w.invitation_b, w.editor_b)
    before = w.snapshot()
    for name, call in _service_calls(w, *objects).items():
        with pytest.raises(PermissionDenied):
            call(AnonymousUser())
            pytest.fail(f"{name} let an anonymous visitor through")
        assert w.snapshot() == before, name


def test_editors_cannot_manage_the_team_of_their_own_organization(world):
    w = world
    own_role = OrganizationRole.objects.get(user=w.editor_a)
    invitation = EditorInvitation.objects.create(organization=w.a, email="x@example.org")
    before = w.snapshot()
    for call in (
        lambda: services.editor_invite(organization=w.a, by=w.editor_a, email="y@example.org"),
        lambda: services.invitation_revoke(invitation=invitation, by=w.editor_a),
        lambda: services.editor_remove(role=own_role, by=w.editor_a),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert w.snapshot() == before


def test_only_coordinators_decide_claims(world, other_user):
    w = world
    claim = services.organization_claim(organization=w.b, user=other_user, message="Meins")
    for who in (w.editor_a, w.owner_b, other_user):
        with pytest.raises(PermissionDenied):
            services.claim_accept(claim=claim, by=who)
        with pytest.raises(PermissionDenied):
            services.claim_decline(claim=claim, by=who, reason="Nein")
    claim.refresh_from_db()
    assert claim.state == "open"


def test_coordinators_can_do_everything(world, coordinator):
    w = world
    calls = _service_calls(w, w.b, w.offer_b, w.need_b, w.contact_b, w.invitation_b, w.editor_b)
    for name in (
        "organization_update",
        "contact_create",
        "contact_update",
        "offer_create",
        "offer_update",
        "need_create",
        "need_update",
        "editor_invite",
        "content_archive_offer",
        "content_publish",
        "invitation_revoke",
        "editor_remove",
        "contact_delete",
    ):
        calls[name](coordinator)
    w.b.refresh_from_db()
    assert w.b.name == "Übernommen"
    assert not OrganizationRole.objects.filter(pk=w.editor_b.pk).exists()
    assert Offer.objects.filter(organization=w.b, title="Fremd").exists()


def test_a_former_editor_loses_access(world):
    """Creating an offer once does not keep the right to change it after leaving the team."""
    w = world
    offer = services.offer_create(organization=w.a, by=w.editor_a, title="Meins", kind="service")
    OrganizationRole.objects.filter(user=w.editor_a).delete()
    w.a = Organization.objects.get(pk=w.a.pk)
    offer = Offer.objects.get(pk=offer.pk)
    with pytest.raises(PermissionDenied):
        services.offer_update(offer=offer, by=w.editor_a, title="Noch meins")
    with pytest.raises(PermissionDenied):
        services.content_archive(obj=offer, by=w.editor_a)


def test_the_proposer_loses_the_profile_with_the_role(region, user, coordinator):
    org = services.organization_propose(user=user, name="Vorgeschlagen GmbH", kind="company")
    workflow.approve(obj=org, by=coordinator)
    assert org.created_by == user and org.can_edit(user)
    OrganizationRole.objects.filter(user=user).delete()
    org = Organization.objects.get(pk=org.pk)
    assert not org.can_edit(user)
    with pytest.raises(PermissionDenied):
        services.organization_update(organization=org, by=user, short_description="Noch meins")


# --- views ----------------------------------------------------------------------------------


def _urls(org, offer, need, contact, invitation, role):
    s = org.slug
    return [
        ("get", f"/akteure/{s}/verwalten/"),
        ("get", f"/akteure/{s}/bearbeiten/"),
        ("post", f"/akteure/{s}/bearbeiten/"),
        ("get", f"/akteure/{s}/eingereicht/"),
        ("post", f"/akteure/{s}/einreichen/"),
        ("get", f"/akteure/{s}/team/"),
        ("post", f"/akteure/{s}/team/"),
        ("post", f"/akteure/{s}/team/{role.pk}/entfernen/"),
        ("post", f"/akteure/{s}/team/einladung/{invitation.pk}/zurueckziehen/"),
        ("get", f"/akteure/{s}/ansprechpersonen/neu/"),
        ("post", f"/akteure/{s}/ansprechpersonen/neu/"),
        ("get", f"/akteure/{s}/ansprechpersonen/{contact.pk}/"),
        ("post", f"/akteure/{s}/ansprechpersonen/{contact.pk}/"),
        ("post", f"/akteure/{s}/ansprechpersonen/{contact.pk}/entfernen/"),
        ("get", f"/akteure/{s}/angebote/neu/"),
        ("post", f"/akteure/{s}/angebote/neu/"),
        ("get", f"/akteure/{s}/angebote/{offer.pk}/"),
        ("post", f"/akteure/{s}/angebote/{offer.pk}/"),
        ("post", f"/akteure/{s}/angebote/{offer.pk}/archivieren/"),
        ("post", f"/akteure/{s}/angebote/{offer.pk}/veroeffentlichen/"),
        ("get", f"/akteure/{s}/bedarfe/neu/"),
        ("post", f"/akteure/{s}/bedarfe/neu/"),
        ("get", f"/akteure/{s}/bedarfe/{need.pk}/"),
        ("post", f"/akteure/{s}/bedarfe/{need.pk}/"),
        ("post", f"/akteure/{s}/bedarfe/{need.pk}/archivieren/"),
    ]


# Data that would be valid for every form above, so a missing check would show as a change.
HOSTILE_DATA = {
    "name": "Übernommen",
    "kind": "company",
    "postal_code": "45879",
    "title": "Übernommen",
    "expires_on": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
    "region_wide": "on",
    "email": "boese@example.org",
    "message": "Das gehört jetzt mir.",
}


def _b(w):
    return _urls(w.b, w.offer_b, w.need_b, w.contact_b, w.invitation_b, w.editor_b)


def test_editor_of_a_gets_403_on_a_public_foreign_organization(client, world):
    w = world
    client.force_login(w.editor_a)
    before = w.snapshot()
    for method, url in _b(w):
        assert getattr(client, method)(url, HOSTILE_DATA).status_code == 403, (method, url)
        assert w.snapshot() == before, (method, url)


def test_editor_of_a_gets_404_on_an_unpublished_foreign_organization(client, world):
    w = world
    client.force_login(w.editor_a)
    before = w.snapshot()
    for method, url in _urls(w.c, w.offer_c, w.need_c, w.contact_c, w.invitation_c, w.role_c):
        assert getattr(client, method)(url, HOSTILE_DATA).status_code == 404, (method, url)
        assert w.snapshot() == before, (method, url)


def test_foreign_objects_under_ones_own_slug_are_404(client, world):
    """/akteure/alpha/angebote/<Beta's offer>/ must not reach Beta's offer."""
    w = world
    client.force_login(w.editor_a)
    before = w.snapshot()
    urls = _urls(w.a, w.offer_b, w.need_b, w.contact_b, w.invitation_b, w.editor_b)
    with_ids = [(m, u) for m, u in urls if any(part.isdigit() for part in u.split("/"))]
    assert len(with_ids) == 12
    for method, url in with_ids:
        assert getattr(client, method)(url, HOSTILE_DATA).status_code == 404, (method, url)
        assert w.snapshot() == before, (method, url)


def test_anonymous_people_are_sent_to_the_login(client, world):
    w = world
    before = w.snapshot()
    for method, url in _b(w):
        response = getattr(client, method)(url, HOSTILE_DATA)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/konto/login/?next="), (method, url)
    assert w.snapshot() == before


def test_anonymous_people_are_sent_to_the_login_for_propose_claim_and_claims(client, world):
    for url in ("/akteure/neu/", f"/akteure/{world.b.slug}/beanspruchen/", "/akteure/ansprueche/"):
        assert client.get(url)["Location"].startswith("/konto/login/"), url
        assert client.post(url, HOSTILE_DATA)["Location"].startswith("/konto/login/"), url
    assert not OrganizationClaim.objects.exists()
    assert Organization.objects.count() == 3


def test_coordinators_reach_every_page(client, world, coordinator):
    w = world
    client.force_login(coordinator)
    for method, url in _b(w):
        response = getattr(client, method)(url, HOSTILE_DATA)
        assert response.status_code in (200, 302), (method, url)
    w.b.refresh_from_db()
    assert w.b.name == "Übernommen"


def test_editor_reaches_own_pages(client, world):
    w = world
    offer = OfferFactory(organization=w.a)
    need = NeedFactory(organization=w.a)
    contact = ContactPerson.objects.create(organization=w.a, name="Anna Alpha")
    client.force_login(w.editor_a)
    for url in (
        f"/akteure/{w.a.slug}/verwalten/",
        f"/akteure/{w.a.slug}/bearbeiten/",
        f"/akteure/{w.a.slug}/team/",
        f"/akteure/{w.a.slug}/angebote/{offer.pk}/",
        f"/akteure/{w.a.slug}/bedarfe/{need.pk}/",
        f"/akteure/{w.a.slug}/ansprechpersonen/{contact.pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_unknown_slugs_and_kinds_are_404(client, world):
    client.force_login(world.editor_a)
    assert client.get("/akteure/gibt-es-nicht/verwalten/").status_code == 404
    assert client.get(f"/akteure/{world.a.slug}/projekte/neu/").status_code == 404
    assert client.get(f"/akteure/{world.a.slug}/angebote/999999/").status_code == 404


def test_every_form_needs_the_csrf_token(world):
    w = world
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.editor_a)
    before = w.snapshot()
    for url in (
        f"/akteure/{w.a.slug}/bearbeiten/",
        f"/akteure/{w.a.slug}/angebote/neu/",
        f"/akteure/{w.a.slug}/bedarfe/neu/",
        f"/akteure/{w.a.slug}/ansprechpersonen/neu/",
        f"/akteure/{w.a.slug}/einreichen/",
        f"/akteure/{w.b.slug}/beanspruchen/",
        "/akteure/neu/",
    ):
        assert client.post(url, HOSTILE_DATA).status_code == 403, url
    assert w.snapshot() == before
    page = client.get(f"/akteure/{w.a.slug}/bearbeiten/").content.decode()
    assert "csrfmiddlewaretoken" in page


def test_reserved_paths_never_become_profile_slugs(region, user):
    for name in ("Neu", "Ansprueche", "Einladung"):
        org = services.organization_propose(user=user, name=name, kind="company", submit=False)
        assert org.slug not in services.RESERVED_SLUGS
