"""Tandems: opt in, pairing across organizations, both accept, goals and check-in reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from smartregion.synergies.models import Tandem, TandemProfile
from smartregion.synergies.tandems import pairing, reminders, services
from tests.factories import UserFactory

from .conftest import member

pytestmark = pytest.mark.django_db

EXPERIENCE = "Dreißig Jahre Erfahrung in der Softwareentwicklung und im Projektmanagement."
WISH = "Ich suche Rat zu Softwareentwicklung, Projektmanagement und meinem Berufsweg."


def profile(user, stage, org=None, offers=EXPERIENCE, seeks=WISH):
    return services.profile_save(
        user=user, stage=stage, offers=offers, seeks=seeks, organization=org
    )


@pytest.fixture
def people(refreshed):
    young = member(refreshed.startup, UserFactory(display_name="Jana Jung"))
    old = member(refreshed.university, UserFactory(display_name="Erwin Erfahren"))
    colleague = member(refreshed.startup, UserFactory(display_name="Kai Kollege"))
    return young, old, colleague


def test_engine_pairs_young_and_experienced_across_organizations(refreshed, people):
    young, old, colleague = people
    profile(young, "young", refreshed.startup, offers="Neugier und Erfahrung mit neuen Tools.")
    profile(colleague, "experienced", refreshed.startup)  # same organization: never a pair
    profile(old, "experienced", refreshed.university, seeks="Frische Ideen zu neuen Tools.")
    mail.outbox.clear()
    assert pairing.propose_tandems() == 1
    tandem = Tandem.objects.get()
    assert (tandem.young.user, tandem.experienced.user) == (young, old)
    assert tandem.reasons
    assert sorted(m.to[0] for m in mail.outbox) == sorted([young.email, old.email])
    assert pairing.propose_tandems() == 0  # idempotent: both are in an open tandem


def test_both_accept_then_the_tandem_is_formed_and_introduced(refreshed, people):
    young, old, _ = people
    profile(young, "young")
    profile(old, "experienced")
    pairing.propose_tandems()
    tandem = Tandem.objects.get()
    services.tandem_accept(tandem=tandem, by=young)
    assert tandem.state == "proposed"
    mail.outbox.clear()
    services.tandem_accept(tandem=tandem, by=old)
    assert tandem.state == "formed" and tandem.next_checkin_on
    to_young = next(m for m in mail.outbox if m.to == [young.email])
    assert to_young.reply_to == [old.email]  # addresses only once both said yes


def test_strangers_cannot_act_on_a_tandem(refreshed, people):
    young, old, colleague = people
    profile(young, "young")
    profile(old, "experienced")
    pairing.propose_tandems()
    with pytest.raises(PermissionDenied):
        services.tandem_for(user=colleague, pk=Tandem.objects.get().pk)


def test_checkin_reminders_are_sent_once_per_due_date(refreshed, people):
    young, old, _ = people
    profile(young, "young")
    profile(old, "experienced")
    pairing.propose_tandems()
    tandem = Tandem.objects.get()
    services.tandem_accept(tandem=tandem, by=young)
    services.tandem_accept(tandem=tandem, by=old)
    services.tandem_update(
        tandem=tandem, by=young, goals="Ein Projekt gemeinsam planen.", checkin_days=14
    )
    Tandem.objects.filter(pk=tandem.pk).update(next_checkin_on=timezone.localdate())
    mail.outbox.clear()
    call_command("synergies", "tandems")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([young.email, old.email])
    assert "Ein Projekt gemeinsam planen." in mail.outbox[0].body
    assert reminders.send_checkin_reminders() == 0
    tandem.refresh_from_db()
    assert tandem.next_checkin_on == timezone.localdate() + dt.timedelta(days=14)


def test_tandem_page_shows_proposals_and_accepts(client, refreshed, people):
    young, old, _ = people
    profile(young, "young")
    profile(old, "experienced")
    pairing.propose_tandems()
    tandem = Tandem.objects.get()
    client.force_login(young)
    page = client.get("/synergien/tandem/").content.decode()
    assert "Tandem mit Erwin Erfahren" in page and old.email not in page
    client.post(f"/synergien/tandem/{tandem.pk}/annehmen/")
    tandem.refresh_from_db()
    assert tandem.young_accepted_at
    client.force_login(UserFactory())
    assert client.post(f"/synergien/tandem/{tandem.pk}/ablehnen/").status_code == 403


def test_opt_in_through_the_page(client, refreshed, people):
    young, _, _ = people
    client.force_login(young)
    response = client.post(
        "/synergien/tandem/",
        {
            "stage": "young",
            "offers": "Erfahrung mit neuen Tools.",
            "seeks": WISH,
            "active": "on",
            "organization": refreshed.startup.pk,
        },
    )
    assert response.status_code == 302
    assert TandemProfile.objects.get(user=young).organization == refreshed.startup
    # Someone else's organization is not offered.
    response = client.post(
        "/synergien/tandem/",
        {
            "stage": "young",
            "offers": "x",
            "seeks": "y",
            "organization": refreshed.city.pk,
        },
    )
    assert response.status_code == 200
    assert TandemProfile.objects.get(user=young).organization == refreshed.startup


def test_coordinators_see_only_counts(client, refreshed, people, coordinator):
    young, old, _ = people
    profile(young, "young")
    profile(old, "experienced")
    pairing.propose_tandems()
    client.force_login(coordinator)
    section = client.get("/koordination/synergien/").content.decode().split('id="tandem-title"')[1]
    assert "Jana Jung" not in section and "Erwin Erfahren" not in section
    proposed = '<span class="sr-count-card__value">1</span> <span class="sr-count-card__label">'
    assert f"{proposed}vorgeschlagen" in section
