"""The pages: "Passende Partner" on a profile, /synergien/ with feedback and contact, settings
and the unsubscribe link."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.synergies.models import AlertSettings, Suggestion
from smartregion.synergies.unsubscribe import token
from tests.factories import UserFactory

from .conftest import member, published, suggestion

pytestmark = pytest.mark.django_db

MESSAGE = "Guten Tag, wir möchten Tablets im Unterricht einsetzen und suchen Begleitung."


def add_suggestions(org, n: int):
    for i in range(n):
        other = published(f"Partner {org.pk}-{i} GmbH")
        Suggestion.objects.create(
            organization=org,
            other=other,
            kind="peer",
            score=0.5 - i / 100,
            reasons=[f"Grund {i}"],
            position=10 + i,
        )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_profile_shows_partners_with_reasons(client, refreshed):
    page = client.get(refreshed.school.get_absolute_url()).content.decode()
    assert "Passende Partner" in page
    assert "Tablet-Werk GmbH" in page
    assert "sucht „Schuldigitalisierung“" in page


def test_profile_hides_what_a_member_marked_does_not_fit(client, refreshed):
    s = suggestion(refreshed.school, refreshed.tablets)
    s.feedback = Suggestion.Feedback.HIDDEN
    s.save()
    page = client.get(refreshed.school.get_absolute_url()).content.decode()
    assert "Tablet-Werk GmbH" not in page


def test_profile_never_shows_unpublished_partners(client, refreshed):
    refreshed.tablets.status = "archived"
    refreshed.tablets.save()
    page = client.get(refreshed.school.get_absolute_url()).content.decode()
    assert "Tablet-Werk GmbH" not in page


def test_profile_query_count_does_not_grow_with_suggestions(client, refreshed):
    few = queries(client, refreshed.school.get_absolute_url())
    add_suggestions(refreshed.school, 8)
    many = queries(client, refreshed.school.get_absolute_url())
    without = queries(client, refreshed.bakery.get_absolute_url())
    assert few == many == without


def test_members_page_lists_filters_and_counts_constant_queries(client, refreshed):
    user = member(refreshed.school)
    client.force_login(user)
    page = client.get("/synergien/").content.decode()
    assert "Tablet-Werk GmbH" in page and "Schule ↔ Unternehmen" in page
    few = queries(client, "/synergien/")
    add_suggestions(refreshed.school, 12)
    assert queries(client, "/synergien/") == few
    only_peers = client.get("/synergien/?art=peer").content.decode()
    assert "Partner " in only_peers and "Tablet-Werk GmbH" not in only_peers


def test_members_page_needs_sign_in_and_an_organization(client, refreshed):
    assert client.get("/synergien/").status_code == 302
    client.force_login(UserFactory())
    assert "gehören noch zu keiner" in client.get("/synergien/").content.decode()


def test_feedback_without_javascript_redirects_back_and_hides(client, refreshed):
    user = member(refreshed.school)
    client.force_login(user)
    s = suggestion(refreshed.school, refreshed.tablets)
    response = client.post(
        f"/synergien/{s.pk}/rueckmeldung/",
        {"feedback": "hidden", "next": "/synergien/?art=need_offer"},
    )
    assert response.status_code == 302 and response.url == "/synergien/?art=need_offer"
    card = f'id="suggestion-{s.pk}"'
    assert card not in client.get("/synergien/").content.decode()
    hidden = client.get("/synergien/?zeigen=ausgeblendet").content.decode()
    assert card in hidden and "Rückgängig" in hidden
    client.post(f"/synergien/{s.pk}/rueckmeldung/", {"feedback": "none"})
    assert card in client.get("/synergien/").content.decode()


def test_feedback_with_htmx_answers_with_the_suggestion_only(client, refreshed):
    client.force_login(member(refreshed.school))
    s = suggestion(refreshed.school, refreshed.tablets)
    response = client.post(
        f"/synergien/{s.pk}/rueckmeldung/", {"feedback": "fits"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="suggestion-{s.pk}"' in body and "<html" not in body
    assert "Passt" in body


def test_feedback_on_a_foreign_suggestion_is_forbidden_and_unknown_ids_404(client, refreshed):
    client.force_login(member(refreshed.school))
    theirs = suggestion(refreshed.city, refreshed.security)
    assert (
        client.post(f"/synergien/{theirs.pk}/rueckmeldung/", {"feedback": "hidden"}).status_code
        == 403
    )
    assert client.post("/synergien/999999/rueckmeldung/", {"feedback": "hidden"}).status_code == 404
    assert client.get(f"/synergien/{theirs.pk}/kontakt/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.feedback == "none"


def test_open_redirect_is_refused(client, refreshed):
    client.force_login(member(refreshed.school))
    s = suggestion(refreshed.school, refreshed.tablets)
    response = client.post(
        f"/synergien/{s.pk}/rueckmeldung/", {"feedback": "fits", "next": "https://evil.example/"}
    )
    assert response.url.startswith("/synergien/?organisation=")


def test_contact_page_reveals_no_address_and_sends_the_mail(client, refreshed):
    sender = member(refreshed.school)
    recipient = member(refreshed.tablets, UserFactory(email="geheim@tablet.example"))
    client.force_login(sender)
    s = suggestion(refreshed.school, refreshed.tablets)
    page = client.get(f"/synergien/{s.pk}/kontakt/").content.decode()
    assert recipient.email not in page
    response = client.post(f"/synergien/{s.pk}/kontakt/", {"message": MESSAGE}, follow=True)
    assert recipient.email not in response.content.decode()
    assert "ist unterwegs" in response.content.decode()
    assert mail.outbox[-1].to == [recipient.email]
    assert mail.outbox[-1].reply_to == [sender.email]


def test_contact_form_shows_the_rate_limit(client, refreshed):
    member(refreshed.tablets)
    client.force_login(member(refreshed.school))
    s = suggestion(refreshed.school, refreshed.tablets)
    for _ in range(10):
        client.post(f"/synergien/{s.pk}/kontakt/", {"message": MESSAGE})
    page = client.post(f"/synergien/{s.pk}/kontakt/", {"message": MESSAGE}).content.decode()
    assert "schon 10 Kontaktanfragen" in page


def test_settings_are_opt_in_and_saved(client, refreshed):
    user = member(refreshed.school)
    client.force_login(user)
    assert client.get("/synergien/einstellungen/").status_code == 200
    assert not AlertSettings.objects.filter(user=user).exists()
    client.post("/synergien/einstellungen/", {"need_alerts": "weekly", "digest": "on"})
    saved = AlertSettings.objects.get(user=user)
    assert (saved.need_alerts, saved.digest) == ("weekly", True)


def test_unsubscribe_link_works_without_login_and_only_after_a_click(client, refreshed):
    user = member(refreshed.school)
    AlertSettings.objects.create(user=user, digest=True, need_alerts="weekly")
    url = f"/synergien/abbestellen/{token(user.pk, 'digest')}/"
    assert client.get(url).status_code == 200  # a link checker's GET changes nothing
    assert AlertSettings.objects.get(user=user).digest
    assert "keinen Wochenüberblick" in client.post(url).content.decode()
    saved = AlertSettings.objects.get(user=user)
    assert (saved.digest, saved.need_alerts) == (False, "off")


def test_tampered_unsubscribe_link_is_404(client, refreshed):
    user = member(refreshed.school)
    AlertSettings.objects.create(user=user, digest=True)
    forged = token(user.pk, "digest")[:-2] + "xx"
    assert client.get(f"/synergien/abbestellen/{forged}/").status_code == 404
    assert client.post(f"/synergien/abbestellen/{forged}/").status_code == 404
    assert AlertSettings.objects.get(user=user).digest
