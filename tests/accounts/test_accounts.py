import json
import re

import pytest
from django.core import mail

from smartregion.accounts.models import User
from smartregion.core import workflow
from smartregion.core.models import AuditEntry
from smartregion.organizations.models import Organization, OrganizationRole
from smartregion.organizations.services import organization_propose

pytestmark = pytest.mark.django_db


def test_signup_sends_a_verification_mail_and_login_waits_for_it(client, region, password):
    page = client.post(
        "/konto/signup/",
        {"email": "neu@example.org", "password1": password, "password2": password},
    )
    assert page.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    link = re.search(r"http://[^\s]+/konto/confirm-email/[^\s]+/", message.body).group(0)
    # Not verified yet: logging in leads to the "verify your address" page, not into the account.
    client.logout()
    page = client.post("/konto/login/", {"login": "neu@example.org", "password": password})
    assert page.status_code == 302 and "confirm-email" in page["Location"]
    client.post(link.replace("http://127.0.0.1:8000", ""))
    assert client.get("/konto/").status_code == 200


def test_signup_honeypot_refuses_bots(client, region, password):
    page = client.post(
        "/konto/signup/",
        {
            "email": "bot@example.org",
            "password1": password,
            "password2": password,
            "homepage": "http://spam.example",
        },
    )
    assert page.status_code == 200
    assert "automatisiert" in page.content.decode()
    assert not User.objects.filter(email="bot@example.org").exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "kein-at-zeichen", "password1": "x", "password2": "x"},
        {"email": "a@b.de", "password1": "kurz", "password2": "kurz"},
        {"email": "<script>@x.de", "password1": "Abcdef-12345", "password2": "Abcdef-12345"},
        {"email": "x" * 300 + "@example.org", "password1": "Abcdef-12345", "password2": "Abc"},
    ],
)
def test_signup_rejects_bad_input_with_messages(client, region, data):
    page = client.post("/konto/signup/", data)
    assert page.status_code == 200
    assert "kern-form-input--error" in page.content.decode() or "kern-alert--danger" in (
        page.content.decode()
    )
    assert User.objects.count() == 0


def test_login_is_rate_limited_after_repeated_failures(client, region, user):
    for _ in range(5):
        client.post("/konto/login/", {"login": user.email, "password": "falsch"})
    page = client.post("/konto/login/", {"login": user.email, "password": "falsch"})
    assert page.status_code == 429 or "Zu viele" in page.content.decode()


def test_password_reset_sends_a_mail(client, region, user):
    client.post("/konto/password/reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/konto/password/reset/key/" in mail.outbox[0].body


def test_profile_page_and_update(client, region, user):
    client.force_login(user)
    page = client.post("/konto/", {"display_name": "  Anna  ", "language": "en"}, follow=True)
    assert "gespeichert" in page.content.decode() or "saved" in page.content.decode()
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Anna", "en")


def test_profile_rejects_bad_input(client, region, user):
    client.force_login(user)
    page = client.post("/konto/", {"display_name": "x" * 101, "language": "xx"})
    assert page.status_code == 200
    user.refresh_from_db()
    assert user.language == "de"


def test_account_pages_need_login(client, region):
    for path in ("/konto/", "/konto/export/", "/konto/loeschen/"):
        page = client.get(path)
        assert page.status_code == 302 and "/konto/login/" in page["Location"]


def test_export_contains_everything_about_the_person_and_nobody_else(
    client, region, user, other_user, coordinator
):
    org = organization_propose(user=user, name="Meine Firma", kind="company")
    workflow.approve(obj=org, by=coordinator)
    organization_propose(user=other_user, name="Fremde Firma", kind="company")
    client.force_login(user)
    page = client.get("/konto/export/")
    assert page["Content-Type"] == "application/json"
    assert "attachment" in page["Content-Disposition"]
    data = json.loads(page.content)
    assert data["account"]["email"] == user.email
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]
    assert data["organization_roles"] == [
        {
            "organization": "Meine Firma",
            "role": "owner",
            "since": data["organization_roles"][0]["since"],
        }
    ]
    actions = {a["action"] for a in data["activity"]}
    assert {"organization.created", "organization.submitted"} <= actions
    [mine] = [c for c in data["contributions"] if c["title"] == "Meine Firma"]
    assert mine["status"] == "published" and mine["published_at"]
    assert {"organization_claims", "adoptions_declared", "synergies"} <= data.keys()
    text = page.content.decode()
    assert other_user.email not in text and "Fremde Firma" not in text
    assert coordinator.email not in text


def test_delete_needs_the_password(client, region, user):
    client.force_login(user)
    page = client.post("/konto/loeschen/", {"password": "falsch"})
    assert "Das Passwort stimmt nicht" in page.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_delete_keeps_published_content_credited_to_deleted_account(
    client, region, user, coordinator, password
):
    org = organization_propose(user=user, name="Bleibende Firma", kind="company")
    workflow.approve(obj=org, by=coordinator)
    client.force_login(user)
    page = client.post("/konto/loeschen/", {"password": password}, follow=True)
    assert "Ihr Konto ist gelöscht" in page.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    org = Organization.objects.get(pk=org.pk)
    assert org.status == "published" and org.created_by is None
    assert org.credited_to == "gelöschtes Konto"
    assert not OrganizationRole.objects.filter(organization=org).exists()
    submitted = AuditEntry.objects.get(action="organization.submitted")
    assert submitted.actor_display == "gelöschtes Konto"
    assert AuditEntry.objects.filter(action="account.deleted").exists()
    assert client.get(org.get_absolute_url()).status_code == 200
    assert not client.session.get("_auth_user_id")


def test_email_is_never_on_public_pages(client, region, user, coordinator):
    org = organization_propose(user=user, name="Öffentliche Firma", kind="company")
    workflow.approve(obj=org, by=coordinator)
    for path in ("/", "/akteure/", org.get_absolute_url()):
        assert user.email not in client.get(path).content.decode()


def test_behind_a_proxy_login_limits_count_per_visitor_not_per_proxy(client, region, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # BEHIND_PROXY=1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(30):  # "login" allows 30 a minute per address
        client.post(
            "/konto/login/",
            {"login": f"wer{n}@example.org", "password": "falsch"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )
    blocked = client.post(
        "/konto/login/",
        {"login": "noch-wer@example.org", "password": "falsch"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    assert blocked.status_code == 429
    other = client.post(
        "/konto/login/",
        {"login": "andere@example.org", "password": "falsch"},
        HTTP_X_FORWARDED_FOR="198.51.100.9",
        **proxy,
    )
    assert other.status_code == 200  # another visitor behind the same proxy is not blocked


def test_export_holds_the_claims_with_the_text_the_person_wrote(client, region, user):
    from smartregion.organizations.services import organization_claim
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(name="Beanspruchte GmbH", status="published")
    organization_claim(organization=org, user=user, message="Ich bin die Geschäftsführerin.")
    client.force_login(user)
    data = json.loads(client.get("/konto/export/").content)
    [claim] = data["organization_claims"]
    assert claim["organization"] == "Beanspruchte GmbH"
    assert claim["message"] == "Ich bin die Geschäftsführerin." and claim["state"] == "open"


def test_deleting_the_only_owner_hands_the_profile_to_its_longest_serving_editor(
    client, region, user, coordinator, password
):
    from tests.factories import UserFactory

    org = organization_propose(user=user, name="Weitergegebene Firma", kind="company")
    workflow.approve(obj=org, by=coordinator)
    first, later = UserFactory(), UserFactory()
    OrganizationRole.objects.create(organization=org, user=first, role="editor")
    OrganizationRole.objects.create(organization=org, user=later, role="editor")
    client.force_login(user)
    client.post("/konto/loeschen/", {"password": password})
    roles = dict(OrganizationRole.objects.filter(organization=org).values_list("user", "role"))
    assert roles == {first.pk: "owner", later.pk: "editor"}
    entry = AuditEntry.objects.get(action="organization.owner_handed_over")
    assert entry.data == {"to": first.pk}
