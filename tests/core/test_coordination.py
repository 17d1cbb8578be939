import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smartregion.core import audit, workflow
from smartregion.core.models import AuditEntry, LegalPage
from smartregion.organizations.models import Organization
from smartregion.organizations.services import organization_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(region, user):
    return organization_propose(
        user=user, name="Digitalwerkstatt Dorsten", kind="company", postal_code="46282"
    )


def _url(org, decision):
    return f"/koordination/freigabe/organizations.organization/{org.pk}/{decision}/"


def test_dashboard_needs_a_coordinator(client, region, user):
    assert client.get("/koordination/").status_code == 302  # to the login
    client.force_login(user)
    assert client.get("/koordination/").status_code == 403


def test_dashboard_lists_pending_items_with_submitter(client, pending, coordinator, user):
    client.force_login(coordinator)
    html = client.get("/koordination/").content.decode()
    assert "Digitalwerkstatt Dorsten" in html
    assert user.email in html  # coordinators see who submitted
    assert 'id="pending-count"' in html and ">1</span>" in html


def test_dashboard_empty_state(client, region, coordinator):
    client.force_login(coordinator)
    assert "Nichts zu tun" in client.get("/koordination/").content.decode()


def test_dashboard_query_count_is_constant(client, region, coordinator, user):
    client.force_login(coordinator)
    organization_propose(user=user, name="Erste GmbH", kind="company")
    with CaptureQueriesContext(connection) as one:
        client.get("/koordination/")
    for n in range(10):
        organization_propose(user=user, name=f"Weitere {n} GmbH", kind="company")
    with CaptureQueriesContext(connection) as eleven:
        client.get("/koordination/")
    assert len(eleven) == len(one)


def test_approve_without_javascript_redirects_with_a_message(client, pending, coordinator):
    client.force_login(coordinator)
    page = client.post(_url(pending, "freigeben"), follow=True)
    assert page.redirect_chain[-1][0] == "/koordination/"
    assert "ist freigegeben und öffentlich" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "published"


def test_approve_with_htmx_returns_the_row_and_the_new_count(client, pending, coordinator):
    client.force_login(coordinator)
    page = client.post(_url(pending, "freigeben"), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="item-organizationsorganization-{pending.pk}"' in html
    assert "ist freigegeben" in html
    assert 'hx-swap-oob="true"' in html
    assert "<html" not in html  # a fragment, not a page


def test_reject_sends_the_reason_to_the_owner(client, pending, coordinator, user):
    client.force_login(coordinator)
    mail.outbox.clear()
    page = client.post(
        _url(pending, "ablehnen"), {"reason": "Bitte Website ergänzen."}, HTTP_HX_REQUEST="true"
    )
    assert "abgelehnt" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "rejected"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Bitte Website ergänzen." in mail.outbox[0].body


def test_reject_without_reason_keeps_the_item_pending(client, pending, coordinator):
    client.force_login(coordinator)
    page = client.post(_url(pending, "ablehnen"), {"reason": " "}, follow=True)
    assert page.status_code == 400
    assert "Bitte geben Sie einen Grund" in page.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_reason_comes_back_as_typed(client, pending, coordinator, htmx):
    """Too long for the service: the item's form opens again with the text and the error."""
    client.force_login(coordinator)
    typed = "<b>Zu lang</b> " + "x" * 2000
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    page = client.post(_url(pending, "ablehnen"), {"reason": typed}, **headers)
    html = page.content.decode()
    assert page.status_code == (200 if htmx else 400)
    assert "höchstens 2000 Zeichen" in html
    assert "&lt;b&gt;Zu lang&lt;/b&gt; " + "x" * 2000 + "</textarea>" in html
    assert "<b>Zu lang" not in html
    assert 'aria-invalid="true"' in html and '<details class="sr-reject" open>' in html
    assert ("<html" in html) is not htmx  # htmx gets the item alone
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_deciding_twice_says_what_happened(client, pending, coordinator):
    client.force_login(coordinator)
    client.post(_url(pending, "freigeben"))
    page = client.post(_url(pending, "ablehnen"), {"reason": "zu spät"}, follow=True)
    assert "kann nicht mehr geändert werden" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/koordination/freigabe/organizations.organization/999999/freigeben/",
        "/koordination/freigabe/accounts.user/1/freigeben/",
        "/koordination/freigabe/nichts/1/freigeben/",
    ],
)
def test_decide_on_unknown_objects_is_404(client, region, coordinator, path):
    client.force_login(coordinator)
    assert client.post(path).status_code == 404


def test_decide_unknown_decision_is_404(client, pending, coordinator):
    client.force_login(coordinator)
    assert client.post(_url(pending, "loeschen")).status_code == 404
    assert Organization.objects.filter(pk=pending.pk).exists()


def test_decide_refuses_get_and_non_coordinators(client, pending, user):
    client.force_login(user)
    assert client.get(_url(pending, "freigeben")).status_code == 405
    assert client.post(_url(pending, "freigeben")).status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_decide_needs_a_csrf_token(pending, coordinator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(_url(pending, "freigeben")).status_code == 403


def test_audit_log_filters_and_paginates(client, pending, coordinator, user):
    workflow.approve(obj=pending, by=coordinator)
    for n in range(60):
        audit.record(actor=user, action="test.bulk", target_label=f"Objekt {n}")
    client.force_login(coordinator)
    html = client.get("/koordination/protokoll/").content.decode()
    assert "test.bulk" in html and "Seite 1 von 2" in html
    html = client.get("/koordination/protokoll/", {"action": "approved"}).content.decode()
    assert "organization.approved" in html and "test.bulk" not in html
    html = client.get("/koordination/protokoll/", {"person": coordinator.email}).content.decode()
    assert "organization.approved" in html and "test.bulk" not in html
    html = client.get("/koordination/protokoll/", {"since": "2999-01-01"}).content.decode()
    assert "Kein Eintrag passt" in html


@pytest.mark.parametrize(
    "query",
    [{"since": "gestern"}, {"target_type": "abc"}, {"action": "x" * 5000}, {"seite": "-1"}],
)
def test_audit_log_survives_malformed_filters(client, region, coordinator, query):
    client.force_login(coordinator)
    assert client.get("/koordination/protokoll/", query).status_code == 200


def test_audit_log_query_count_is_constant(client, region, coordinator, user):
    client.force_login(coordinator)
    audit.record(actor=user, action="a.b", target_label="x")
    with CaptureQueriesContext(connection) as few:
        client.get("/koordination/protokoll/")
    for n in range(30):
        audit.record(actor=user if n % 2 else coordinator, action="a.b", target=coordinator)
    with CaptureQueriesContext(connection) as many:
        client.get("/koordination/protokoll/")
    assert len(many) == len(few)


def test_coordinator_edits_a_legal_page_without_deploy(client, region, coordinator):
    client.force_login(coordinator)
    form = client.get("/koordination/rechtstexte/impressum/").content.decode()
    assert "§ 5 DDG" in form  # pre-filled with the starting text
    page = client.post(
        "/koordination/rechtstexte/impressum/",
        {"body": "## Betreiberin\n\nWiN Emscher-Lippe GmbH <script>x</script>", "body_en": ""},
        follow=True,
    )
    html = page.content.decode()
    assert "<h2>Betreiberin</h2>" in html and "<script>x" not in html
    assert LegalPage.objects.get(kind="impressum").updated_by == coordinator
    assert AuditEntry.objects.filter(action="legalpage.updated").count() == 1


def test_legal_page_english_falls_back_to_german(client, region, coordinator):
    LegalPage.objects.create(kind="impressum", body="Deutscher Text")
    client.cookies["django_language"] = "en"
    assert "Deutscher Text" in client.get("/impressum/").content.decode()


def test_legal_page_edit_validates_input(client, region, coordinator):
    client.force_login(coordinator)
    page = client.post("/koordination/rechtstexte/impressum/", {"body": "", "body_en": ""})
    assert page.status_code == 200
    assert "kern-form-input--error" in page.content.decode()
    page = client.post(
        "/koordination/rechtstexte/impressum/", {"body": "x" * 100_001, "body_en": ""}
    )
    assert "höchstens 100000 Zeichen" in page.content.decode().replace(".", "")
    assert not LegalPage.objects.exists()


def test_legal_page_edit_is_for_coordinators_only(client, region, user):
    client.force_login(user)
    page = client.post("/koordination/rechtstexte/impressum/", {"body": "gehackt"})
    assert page.status_code == 403
    assert not LegalPage.objects.exists()
    assert client.get("/koordination/rechtstexte/unbekannt/").status_code in (403, 404)
