"""Need alerts and the weekly digest: opt-in only, once, with a working unsubscribe link."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from smartregion.synergies import tasks
from smartregion.synergies.digest import send_digests
from smartregion.synergies.models import AlertSettings, NeedAlert, NeedCoverage

from .conftest import member, need

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fixture_needs_are_old(refreshed):
    """The landscape's needs were published long ago: only the tests' own needs are news."""
    refreshed.city.needs.update(published_at=timezone.now() - dt.timedelta(days=60))


def unsubscribe_path(message) -> str:
    url = re.search(r"https?://\S+/synergien/abbestellen/\S+/", message.body).group(0)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    return re.sub(r"^https?://[^/]+", "", url)


def test_new_need_alerts_members_who_want_it_at_once(refreshed):
    wants = member(refreshed.security)
    AlertSettings.objects.create(user=wants, need_alerts="immediate")
    member(refreshed.security)  # a colleague who did not opt in
    mail.outbox.clear()
    fresh = need(
        refreshed.city,
        "Schulung gegen Phishing",
        "Wir suchen Schulungen zur Cybersicherheit und IT-Sicherheit für die Verwaltung.",
        topics=["cybersicherheit"],
    )
    result = tasks.refresh_organizations.call(organization_ids=[refreshed.city.pk])
    assert result["alerts"] == 1
    [alert_mail] = mail.outbox
    assert alert_mail.to == [wants.email]
    assert "Schulung gegen Phishing" in alert_mail.subject
    assert unsubscribe_path(alert_mail)
    assert NeedAlert.objects.filter(need=fresh, organization=refreshed.security).exists()
    # Editing the need later alerts nobody again.
    tasks.refresh_organizations.call(organization_ids=[refreshed.city.pk])
    assert len(mail.outbox) == 1


def test_old_needs_alert_nobody(refreshed):
    AlertSettings.objects.create(user=member(refreshed.security), need_alerts="immediate")
    need(
        refreshed.city,
        "Schulung gegen Phishing",
        "Cybersicherheit und IT-Sicherheit.",
        published_at=timezone.now() - dt.timedelta(days=30),
    )
    tasks.refresh_organizations.call(organization_ids=[refreshed.city.pk])
    assert mail.outbox == []


def test_refresh_records_which_needs_nobody_answers(refreshed):
    unmet = need(refreshed.bakery, "Lastenfahrrad für Auslieferung", "Wir suchen ein Lastenrad.")
    from smartregion.synergies import refresh

    refresh.full_refresh()
    assert NeedCoverage.objects.get(need=unmet).strong_matches == 0
    school_need = refreshed.school.needs.get()
    assert NeedCoverage.objects.get(need=school_need).best_organization == refreshed.tablets


def test_weekly_digest_lists_new_suggestions_once_per_week(client, refreshed):
    user = member(refreshed.school)
    AlertSettings.objects.create(user=user, digest=True)
    AlertSettings.objects.create(user=member(refreshed.city))  # not opted in
    stats = send_digests()
    assert stats.sent == 1
    [digest] = mail.outbox
    assert digest.to == [user.email]
    assert "Tablet-Werk GmbH" in digest.body
    assert send_digests().sent == 0  # the same week again
    # Next week, nothing new: nothing is sent, but the week counts as done.
    later = timezone.now() + dt.timedelta(days=7)
    stats = send_digests(now=later)
    assert (stats.sent, stats.empty) == (0, 1)
    assert len(mail.outbox) == 1
    # The link in the mail works without signing in.
    path = unsubscribe_path(digest)
    client.post(path)
    assert not AlertSettings.objects.get(user=user).digest


def _weekly_phishing_alert(refreshed):
    """A member of the security company wants need alerts weekly; the city seeks training."""
    user = member(refreshed.security)
    AlertSettings.objects.create(user=user, need_alerts="weekly")
    need(
        refreshed.city,
        "Schulung gegen Phishing",
        "Wir suchen Schulungen zur Cybersicherheit und IT-Sicherheit für die Verwaltung.",
        topics=["cybersicherheit"],
    )
    tasks.refresh_organizations.call(organization_ids=[refreshed.city.pk])
    return user


def test_weekly_need_alerts_arrive_in_the_digest(refreshed):
    _weekly_phishing_alert(refreshed)
    assert mail.outbox == []  # not at once
    call_command("synergies", "digest")
    [digest] = mail.outbox
    assert "Schulung gegen Phishing" in digest.body


def test_the_digest_leaves_out_needs_of_an_organization_archived_since(refreshed, coordinator):
    from smartregion.core import workflow

    _weekly_phishing_alert(refreshed)
    assert NeedAlert.objects.filter(organization=refreshed.security).exists()
    workflow.archive(obj=refreshed.city, by=coordinator)
    call_command("synergies", "digest")
    assert all("Schulung gegen Phishing" not in m.body for m in mail.outbox)
