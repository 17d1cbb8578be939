"""Self-service: propose, claim, edit, logos, contacts, team, offers and needs."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from smartregion.core import workflow
from smartregion.core.models import AuditEntry
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
from smartregion.regions.loader import ensure_municipalities
from smartregion.regions.models import Topic
from smartregion.search.models import SearchDocument
from tests.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    OrganizationRoleFactory,
)

pytestmark = pytest.mark.django_db


# --- helpers --------------------------------------------------------------------------------


def _image(fmt="PNG", size=(1200, 800), mode="RGB", color="teal", **save) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


def _upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _org_data(**overrides) -> dict:
    data = {
        "name": "Digitalwerk Buer GmbH",
        "kind": "company",
        "short_description": "Wir bringen kleine Betriebe ins Netz.",
        "description": "Beratung **und** Umsetzung.",
        "website": "https://www.digitalwerk-buer.de",
        "social_links": "https://www.linkedin.com/company/digitalwerk\nhttps://mastodon.social/@dw",
        "street": "Hochstraße 1",
        "postal_code": "45894",
        "city": "Gelsenkirchen",
        "size": "10-49",
        "founded": "2015",
        "logo_alt": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _published(owner=None, **kwargs) -> Organization:
    org = OrganizationFactory(status="published", postal_code="45879", **kwargs)
    if owner is not None:
        OrganizationRoleFactory(organization=org, user=owner, role="owner")
    return org


def _actions(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def _indexed(obj, type_: str) -> bool:
    return SearchDocument.objects.filter(type=type_, object_id=obj.pk).exists()


# --- propose --------------------------------------------------------------------------------


def test_propose_needs_a_signed_in_person(client, region):
    response = client.get("/akteure/neu/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_propose_form_groups_topics_under_their_parent(client, region, user):
    client.force_login(user)
    html = client.get("/akteure/neu/").content.decode()
    parent = region.topics.filter(parent=None).first()
    child = region.topics.filter(parent=parent).first()
    assert f'<legend class="kern-label">{parent.name}</legend>' in html
    assert child.name in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html


def test_proposal_is_pending_owned_geocoded_and_mailed_to_coordinators(
    client, region, user, coordinator
):
    client.force_login(user)
    topic = Topic.objects.filter(parent__isnull=False, regions=region).first()
    audience = region.audiences.first()
    response = client.post("/akteure/neu/", _org_data(topics=[topic.pk], audiences=[audience.pk]))
    org = Organization.objects.get(name="Digitalwerk Buer GmbH")
    assert response.status_code == 302
    assert response["Location"] == f"/akteure/{org.slug}/eingereicht/"
    assert org.status == "pending"
    assert org.municipality.name == "Gelsenkirchen"
    assert org.lat and org.lon
    assert org.social_links == [
        "https://www.linkedin.com/company/digitalwerk",
        "https://mastodon.social/@dw",
    ]
    assert list(org.topics.all()) == [topic]
    assert org.founded == 2015
    assert OrganizationRole.objects.get(organization=org, user=user).role == "owner"
    assert coordinator.email in [m.to[0] for m in mail.outbox]
    page = client.get(response["Location"]).content.decode()
    assert "wartet auf Freigabe" in page


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("10115", "ist in den mitgelieferten Daten (NRW) nicht bekannt"),
        ("4587", "keine gültige Postleitzahl"),
        ("<b>x</b>", "keine gültige Postleitzahl"),
        ("", "Dieses Feld ist zwingend erforderlich"),
    ],
)
def test_proposal_with_unknown_postal_code_is_a_field_error(client, region, user, code, message):
    client.force_login(user)
    response = client.post("/akteure/neu/", _org_data(postal_code=code))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "<b>x</b>" not in html
    assert not Organization.objects.exists()


def test_proposal_accepts_postal_code_with_country_prefix(client, region, user):
    client.force_login(user)
    client.post("/akteure/neu/", _org_data(postal_code="D-45894"))
    assert Organization.objects.get().postal_code == "45894"


def test_duplicate_website_domain_shows_existing_profile_and_offers_claim(client, region, user):
    existing = _published(name="Digitalwerk", website="https://digitalwerk-buer.de/")
    client.force_login(user)
    html = client.post(
        "/akteure/neu/", _org_data(website="http://WWW.digitalwerk-buer.de/kontakt")
    ).content.decode()
    assert "gibt es vielleicht schon" in html
    assert existing.get_absolute_url() in html
    assert f"/akteure/{existing.slug}/beanspruchen/" in html
    assert Organization.objects.count() == 1
    # It really is another organization: confirm and it is created.
    client.post(
        "/akteure/neu/",
        _org_data(website="http://www.digitalwerk-buer.de/kontakt", confirm_new="on"),
    )
    assert Organization.objects.count() == 2


def test_duplicate_name_is_folded_and_needs_the_same_postal_code(client, region, user):
    _published(name="Müller Digital GmbH")  # postal code 45879
    client.force_login(user)
    html = client.post(
        "/akteure/neu/",
        _org_data(name="MUELLER digital  GmbH", website="", postal_code="45879"),
    ).content.decode()
    assert "gibt es vielleicht schon" in html
    assert Organization.objects.count() == 1
    client.post("/akteure/neu/", _org_data(name="Mueller Digital GmbH", website=""))  # 45894
    assert Organization.objects.count() == 2


def test_shared_hosts_and_private_drafts_are_no_duplicates(region, user):
    OrganizationFactory(website="https://www.facebook.com/a", status="published")
    OrganizationFactory(name="Geheim GmbH", postal_code="45879", status="draft")
    assert services.find_duplicates(name="X", website="https://facebook.com/b") == []
    assert services.find_duplicates(name="Geheim GmbH", postal_code="45879") == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "x", "gültige Auswahl"),
        ("size", "1000000", "gültige Auswahl"),
        ("topics", "99999", "gültige Auswahl"),
        ("audiences", "abc", "ist kein gültiger Wert"),
        ("founded", "abc", "ganze Zahl"),
        ("founded", "2999", "kleiner oder gleich"),
        ("website", "javascript:alert(1)", "gültige Adresse"),
        ("social_links", "javascript:alert(1)", "keine Webadresse mit http:// oder https://"),
        ("social_links", "\n".join(f"https://e{i}.de" for i in range(6)), "höchstens 5"),
        ("name", "N" * 201, "höchstens 200 Zeichen"),
        ("description", "x" * 20_001, "höchstens 20000 Zeichen"),
        ("name", "", "zwingend erforderlich"),
    ],
)
def test_proposal_refuses_bad_input(client, region, user, field, value, message):
    client.force_login(user)
    response = client.post("/akteure/neu/", _org_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organization.objects.exists()


def test_hostile_name_and_description_are_escaped_and_sanitized(client, region, user, coordinator):
    client.force_login(user)
    client.post(
        "/akteure/neu/",
        _org_data(
            name='<script>alert("x")</script> GmbH',
            description=(
                "<script>alert(1)</script>\n\n[klick](javascript:alert(1)) "
                "<img src=x onerror=alert(1)>"
            ),
        ),
    )
    org = Organization.objects.get()
    workflow.approve(obj=org, by=coordinator)
    for url in (
        org.get_absolute_url(),
        f"/akteure/{org.slug}/verwalten/",
        f"/akteure/{org.slug}/bearbeiten/",
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript:' not in html, url
    client.force_login(coordinator)
    html = client.get("/koordination/protokoll/").content.decode()
    assert "<script>alert" not in html


# --- logos ----------------------------------------------------------------------------------


def test_logo_is_resized_oriented_and_stripped_of_metadata(region):
    exif = Image.Exif()
    exif[0x013B] = "Geheime Fotografin"  # Artist
    exif[0x0112] = 6  # orientation: rotate 90° clockwise
    jpeg = _image("JPEG", size=(1200, 800), exif=exif.tobytes())
    logo = services.logo_from_upload(_upload(jpeg, "foto.jpg", "image/jpeg"))
    with Image.open(io.BytesIO(logo.read())) as out:
        assert out.format == "WEBP"
        assert out.size == (267, 400)  # turned upright, then fit into 400×400
        assert not out.getexif()
        assert "exif" not in out.info and "icc_profile" not in out.info
    assert b"Geheime" not in logo.read()


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("GIF", "P"), ("WEBP", "RGB"), ("JPEG", "CMYK")]
)
def test_logo_accepts_the_four_formats(region, fmt, mode):
    logo = services.logo_from_upload(_upload(_image(fmt, size=(50, 30), mode=mode), "l.bin"))
    with Image.open(io.BytesIO(logo.read())) as out:
        assert out.format == "WEBP"
        assert out.size == (50, 30)  # small logos are not blown up


def test_transparent_logo_keeps_its_transparency(region):
    png = _image("PNG", size=(20, 20), mode="RGBA", color=(0, 0, 0, 0))
    logo = services.logo_from_upload(_upload(png))
    with Image.open(io.BytesIO(logo.read())) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((5, 5))[3] == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Ich bin gar kein Bild, nur Text.\n" * 10, "logo.png", "kein Bild"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(1)</script></svg>",
            "logo.svg",
            "SVG-Dateien",
        ),
        (b'<svg onload="alert(1)"/>', "logo.png", "SVG-Dateien"),
        (_image("BMP", size=(10, 10)), "logo.png", "kein Bild"),
        (_image("PNG", size=(20, 20))[:60], "logo.png", "kein Bild"),  # truncated
        (b"", "logo.png", "leer"),
    ],
)
def test_logo_refuses_what_is_not_a_supported_image(region, content, name, message):
    with pytest.raises(services.ValidationError) as exc:
        services.logo_from_upload(_upload(content, name))
    assert message in " ".join(exc.value.messages)


def test_logo_refuses_too_many_pixels_before_decoding(region):
    # 7000×7000 one-bit pixels compress to a few kB: a small file, a huge bitmap.
    bomb = _image("PNG", size=(7000, 7000), mode="1", color=0)
    assert len(bomb) < 100_000
    with pytest.raises(services.ValidationError) as exc:
        services.logo_from_upload(_upload(bomb))
    assert "höchstens 6000 × 6000 Pixel" in exc.value.messages[0]


def test_ten_megabytes_of_junk_are_refused_with_a_clear_message(client, region, user):
    client.force_login(user)
    junk = _upload(b"\x89PNG" + b"\0" * (10 * 1024 * 1024), "gross.png")
    response = client.post("/akteure/neu/", {**_org_data(logo_alt="Logo"), "logo": junk})
    assert "erlaubt sind höchstens 5 MB" in response.content.decode()
    assert not Organization.objects.exists()


def test_logo_needs_alt_text(client, region, user):
    client.force_login(user)
    response = client.post("/akteure/neu/", {**_org_data(), "logo": _upload(_image(), "logo.png")})
    assert "Bitte beschreiben Sie das Logo in Worten" in response.content.decode()
    assert not Organization.objects.exists()


def test_proposal_with_logo_stores_a_webp(client, region, user):
    client.force_login(user)
    client.post(
        "/akteure/neu/",
        {**_org_data(logo_alt="Schriftzug Digitalwerk"), "logo": _upload(_image(), "x.png")},
    )
    org = Organization.objects.get()
    assert org.logo.name.startswith(f"logos/{org.slug}-") and org.logo.name.endswith(".webp")
    with org.logo.open("rb") as fh, Image.open(fh) as out:
        assert out.format == "WEBP" and max(out.size) == 400


def test_edit_replaces_and_removes_the_logo(
    client, region, user, django_capture_on_commit_callbacks
):
    org = _published(owner=user)
    client.force_login(user)
    data = {**services_initial(org), "logo_alt": "Altes Logo"}
    client.post(f"/akteure/{org.slug}/bearbeiten/", {**data, "logo": _upload(_image())})
    org.refresh_from_db()
    first = org.logo.name
    assert first and org.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/akteure/{org.slug}/bearbeiten/",
            {**data, "logo": _upload(_image(color="red"))},
        )
    org.refresh_from_db()
    assert org.logo.name != first
    assert not org.logo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/akteure/{org.slug}/bearbeiten/", {**data, "remove_logo": "on"})
    org.refresh_from_db()
    assert not org.logo


def services_initial(org) -> dict:
    """The edit form's data as a browser would send it back unchanged."""
    from smartregion.organizations.forms import OrganizationForm

    initial = OrganizationForm.initial_for(org)
    data = {k: v for k, v in initial.items() if v not in (None, [], "")}
    data["social_links"] = "\n".join(initial["social_links"])
    data["postal_code"] = org.postal_code or "45879"
    return data


# --- edit -----------------------------------------------------------------------------------


def test_edit_of_a_published_profile_goes_live_at_once_and_is_logged(client, region, user):
    org = _published(owner=user, name="Altname GmbH", city="Gelsenkirchen")
    services.locate(org)
    org.save()
    client.force_login(user)
    data = services_initial(org)
    data.update(short_description="Jetzt mit Quantenberatung", postal_code="45768", city="")
    response = client.post(f"/akteure/{org.slug}/bearbeiten/", data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.municipality.name == "Marl"
    doc = SearchDocument.objects.get(type="organization", object_id=org.pk)
    assert "Quantenberatung" in doc.text
    entry = AuditEntry.objects.get(action="organization.updated")
    assert sorted(entry.data["fields"]) == ["city", "postal_code", "short_description"]
    assert entry.actor == user


def test_edit_with_unknown_postal_code_changes_nothing(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    data = {**services_initial(org), "postal_code": "99999", "name": "Neu"}
    html = client.post(f"/akteure/{org.slug}/bearbeiten/", data).content.decode()
    assert "„99999“ ist in den mitgelieferten Daten (NRW) nicht bekannt" in html
    org.refresh_from_db()
    assert org.name != "Neu"


def test_service_update_geocodes_strictly(region, user):
    org = _published(owner=user)
    with pytest.raises(services.ValidationError) as exc:
        services.organization_update(organization=org, by=user, postal_code="01067")
    assert "postal_code" in exc.value.message_dict


def test_unchanged_save_writes_no_audit_entry(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/bearbeiten/", services_initial(org))
    assert _actions("organization.updated") == 0


def test_rejected_profile_is_edited_and_resubmitted(client, region, user, coordinator):
    org = services.organization_propose(user=user, name="Zweiter Anlauf", kind="company")
    workflow.reject(obj=org, by=coordinator, reason="Bitte eine Beschreibung ergänzen.")
    client.force_login(user)
    page = client.get(f"/akteure/{org.slug}/verwalten/").content.decode()
    assert "Erneut einreichen" in page
    assert "Bitte eine Beschreibung ergänzen." in page
    data = {**services_initial(org), "description": "Jetzt mit Beschreibung."}
    client.post(f"/akteure/{org.slug}/bearbeiten/", data)
    assert not _indexed(org, "organization")  # not public: nothing to index
    mail.outbox.clear()
    client.post(f"/akteure/{org.slug}/einreichen/")
    org.refresh_from_db()
    assert org.status == "pending"
    assert coordinator.email in [m.to[0] for m in mail.outbox]
    # Submitting twice is refused with a message, not an error page.
    page = client.post(f"/akteure/{org.slug}/einreichen/", follow=True).content.decode()
    assert "kann nicht mehr geändert werden" in page


# --- contact persons ------------------------------------------------------------------------


def test_contacts_are_added_edited_removed_and_public_only_as_chosen(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    client.post(
        f"/akteure/{org.slug}/ansprechpersonen/neu/",
        {
            "name": "Erika Muster",
            "role": "Geschäftsführerin",
            "email": "erika@example.org",
            "phone": "+49 209 123456",
            "show_phone": "on",
        },
    )
    contact = ContactPerson.objects.get(organization=org)
    client.logout()
    html = client.get(org.get_absolute_url()).content.decode()
    assert "Erika Muster" in html and "Geschäftsführerin" in html
    assert "+49 209 123456" in html
    assert "erika@example.org" not in html
    client.force_login(user)
    client.post(
        f"/akteure/{org.slug}/ansprechpersonen/{contact.pk}/",
        {"name": "Erika Muster", "email": "erika@example.org", "show_email": "on"},
    )
    client.logout()
    html = client.get(org.get_absolute_url()).content.decode()
    assert "mailto:erika@example.org" in html and "209 123456" not in html
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/ansprechpersonen/{contact.pk}/entfernen/")
    assert not ContactPerson.objects.exists()
    assert _actions("organization.contact_added") == 1
    assert _actions("organization.contact_updated") == 1
    assert _actions("organization.contact_removed") == 1


def test_contact_cannot_show_what_it_does_not_have(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    html = client.post(
        f"/akteure/{org.slug}/ansprechpersonen/neu/",
        {"name": "Max", "show_email": "on", "phone": "<script>"},
    ).content.decode()
    assert "tragen Sie bitte eine ein" in html or "Bitte nur Ziffern" in html
    assert "<script>" not in html.split("<main", 1)[1]
    assert not ContactPerson.objects.exists()


# --- claims ---------------------------------------------------------------------------------


def test_claim_is_reviewed_and_accepted_by_a_coordinator(
    client, region, user, other_user, coordinator
):
    org = _published(owner=other_user)
    client.force_login(user)
    page = client.get(f"/akteure/{org.slug}/beanspruchen/")
    assert page.status_code == 200
    client.post(
        f"/akteure/{org.slug}/beanspruchen/",
        {"message": "Ich bin Geschäftsführerin; Zentrale 0209 1234."},
    )
    claim = OrganizationClaim.objects.get()
    assert claim.state == "open" and claim.user == user
    assert [m.to[0] for m in mail.outbox] == [coordinator.email]
    # A second claim while the first is open is not possible.
    html = client.get(f"/akteure/{org.slug}/beanspruchen/").content.decode()
    assert "liegt der Koordination vor" in html
    client.post(f"/akteure/{org.slug}/beanspruchen/", {"message": "Nochmal"})
    assert OrganizationClaim.objects.count() == 1

    client.force_login(coordinator)
    # The moderation dashboard points to it, and its badge counts it.
    html = client.get("/koordination/").content.decode()
    assert "Außerdem offen: Ansprüche auf Profile (1)" in html
    assert 'href="/akteure/ansprueche/"' in html and 'id="pending-count"' in html
    assert ">1</span>" in html
    html = client.get("/akteure/ansprueche/").content.decode()
    assert org.name in html and user.email in html and "Zentrale 0209 1234" in html
    mail.outbox.clear()
    client.post(f"/akteure/ansprueche/{claim.pk}/annehmen/")
    claim.refresh_from_db()
    assert claim.state == "accepted" and claim.decided_at
    assert OrganizationRole.objects.get(organization=org, user=user).role == "owner"
    assert [m.to[0] for m in mail.outbox] == [user.email]
    assert f"/akteure/{org.slug}/verwalten/" in mail.outbox[0].body
    assert _actions("organization.claimed") == 1
    assert _actions("organization.claim_accepted") == 1
    assert "Außerdem offen" not in client.get("/koordination/").content.decode()
    # Deciding twice is refused.
    page = client.post(f"/akteure/ansprueche/{claim.pk}/ablehnen/", {"reason": "x"}, follow=True)
    assert "schon entschieden" in page.content.decode()


def test_declining_a_claim_needs_a_reason_which_is_mailed(client, region, user, coordinator):
    org = _published()
    claim = services.organization_claim(organization=org, user=user, message="Ich bin's.")
    client.force_login(coordinator)
    page = client.post(f"/akteure/ansprueche/{claim.pk}/ablehnen/", {"reason": " "}, follow=True)
    assert "Bitte geben Sie einen Grund an" in page.content.decode()
    claim.refresh_from_db()
    assert claim.state == "open"
    mail.outbox.clear()
    client.post(
        f"/akteure/ansprueche/{claim.pk}/ablehnen/",
        {"reason": "Bitte melden Sie sich mit Ihrer dienstlichen Adresse."},
    )
    claim.refresh_from_db()
    assert claim.state == "declined"
    assert not OrganizationRole.objects.filter(user=user).exists()
    assert mail.outbox[0].to == [user.email]
    assert "dienstlichen Adresse" in mail.outbox[0].body
    assert AuditEntry.objects.get(action="organization.claim_declined").reason.startswith("Bitte")


def test_claims_page_is_for_coordinators_only(client, region, user):
    assert client.get("/akteure/ansprueche/").status_code == 302
    client.force_login(user)
    assert client.get("/akteure/ansprueche/").status_code == 403
    claim = services.organization_claim(organization=_published(), user=user, message="Ich.")
    assert client.post(f"/akteure/ansprueche/{claim.pk}/annehmen/").status_code == 403
    claim.refresh_from_db()
    assert claim.state == "open"


def test_claims_page_shows_empty_state_and_constant_queries(client, region, coordinator):
    client.force_login(coordinator)
    assert "Keine offenen Ansprüche" in client.get("/akteure/ansprueche/").content.decode()
    services.organization_claim(
        organization=_published(), user=OrganizationRoleFactory().user, message="Ich."
    )
    with CaptureQueriesContext(connection) as one:
        client.get("/akteure/ansprueche/")
    for _ in range(8):
        services.organization_claim(
            organization=_published(), user=OrganizationRoleFactory().user, message="Ich."
        )
    with CaptureQueriesContext(connection) as nine:
        client.get("/akteure/ansprueche/")
    assert len(nine) == len(one)


def test_unpublished_profiles_cannot_be_claimed(client, region, user):
    org = OrganizationFactory(status="pending")
    client.force_login(user)
    assert client.get(f"/akteure/{org.slug}/beanspruchen/").status_code == 404
    with pytest.raises(services.PermissionDenied):
        services.organization_claim(organization=org, user=user, message="Meins")


def test_team_members_are_not_asked_to_claim(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    response = client.get(f"/akteure/{org.slug}/beanspruchen/")
    assert response["Location"] == f"/akteure/{org.slug}/verwalten/"


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_claim_message_is_required_and_bounded(client, region, user, message):
    org = _published()
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/beanspruchen/", {"message": message})
    assert not OrganizationClaim.objects.exists()
    with pytest.raises(services.ValidationError):
        services.organization_claim(organization=org, user=user, message=message)


# --- team -----------------------------------------------------------------------------------


def test_owner_invites_an_editor_who_accepts_once(client, region, user, other_user):
    org = _published(owner=user)
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/team/", {"email": other_user.email.upper()})
    invitation = EditorInvitation.objects.get()
    assert invitation.email == other_user.email
    message = mail.outbox[-1]
    assert message.to == [other_user.email]
    link = f"/akteure/einladung/{invitation.token}/"
    assert link in message.body
    assert _actions("organization.editor_invited") == 1
    assert other_user.email not in str(AuditEntry.objects.values_list("data", flat=True))

    client.logout()
    page = client.get(link).content.decode()
    assert org.name in page and f"/konto/login/?next={link}" in page
    assert client.post(link)["Location"].startswith("/konto/login/")

    client.force_login(other_user)
    mail.outbox.clear()
    response = client.post(link)
    assert response["Location"] == f"/akteure/{org.slug}/verwalten/"
    assert OrganizationRole.objects.get(organization=org, user=other_user).role == "editor"
    assert mail.outbox[0].to == [user.email]  # the inviter hears about it
    # The link works once.
    page = client.get(link).content.decode()
    assert "gilt nicht mehr" in page
    client.force_login(OrganizationRoleFactory().user)
    client.post(link)
    assert OrganizationRole.objects.filter(organization=org).count() == 2


def test_invitation_expires_after_fourteen_days(client, region, user, other_user):
    org = _published(owner=user)
    invitation = services.editor_invite(organization=org, by=user, email=other_user.email)
    assert invitation.expires_at - invitation.created_at >= dt.timedelta(days=14) - dt.timedelta(
        seconds=5
    )
    EditorInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    client.force_login(other_user)
    client.post(f"/akteure/einladung/{invitation.token}/")
    assert not OrganizationRole.objects.filter(user=other_user).exists()
    assert client.get("/akteure/einladung/nicht-vorhanden/").status_code == 404


def test_owner_removes_editors_and_revokes_invitations(client, region, user, other_user):
    org = _published(owner=user)
    role = OrganizationRoleFactory(organization=org, user=other_user, role="editor")
    invitation = services.editor_invite(organization=org, by=user, email="neu@example.org")
    client.force_login(user)
    page = client.get(f"/akteure/{org.slug}/team/").content.decode()
    assert other_user.email in page and "neu@example.org" in page
    client.post(f"/akteure/{org.slug}/team/{role.pk}/entfernen/")
    client.post(f"/akteure/{org.slug}/team/einladung/{invitation.pk}/zurueckziehen/")
    assert not OrganizationRole.objects.filter(user=other_user).exists()
    assert not EditorInvitation.objects.exists()
    assert _actions("organization.editor_removed") == 1
    assert _actions("organization.invitation_revoked") == 1
    # Owners are not removed through the team page.
    owner_role = OrganizationRole.objects.get(user=user)
    page = client.post(f"/akteure/{org.slug}/team/{owner_role.pk}/entfernen/", follow=True)
    assert "ändert die Koordination" in page.content.decode()
    assert OrganizationRole.objects.filter(user=user).exists()


def test_editors_cannot_invite_or_remove(client, region, user, other_user):
    org = _published(owner=user)
    OrganizationRoleFactory(organization=org, user=other_user, role="editor")
    owner_role = OrganizationRole.objects.get(user=user)
    invitation = services.editor_invite(organization=org, by=user, email="neu@example.org")
    client.force_login(other_user)
    page = client.get(f"/akteure/{org.slug}/team/").content.decode()
    assert "Einladung senden" not in page and user.email not in page
    assert client.post(f"/akteure/{org.slug}/team/", {"email": "x@example.org"}).status_code == 403
    url = f"/akteure/{org.slug}/team/{owner_role.pk}/entfernen/"
    assert client.post(url).status_code == 403
    url = f"/akteure/{org.slug}/team/einladung/{invitation.pk}/zurueckziehen/"
    assert client.post(url).status_code == 403
    assert EditorInvitation.objects.count() == 1
    assert OrganizationRole.objects.filter(organization=org).count() == 2


def test_invitations_refuse_members_duplicates_and_floods(region, user, other_user):
    org = _published(owner=user)
    OrganizationRoleFactory(organization=org, user=other_user, role="editor")
    with pytest.raises(services.ValidationError, match="schon zum Team"):
        services.editor_invite(organization=org, by=user, email=other_user.email)
    services.editor_invite(organization=org, by=user, email="a@example.org")
    with pytest.raises(services.ValidationError, match="schon eine Einladung"):
        services.editor_invite(organization=org, by=user, email="A@example.org")
    with pytest.raises(services.ValidationError, match="gültige E-Mail"):
        services.editor_invite(organization=org, by=user, email="<script>@x")
    for n in range(19):
        services.editor_invite(organization=org, by=user, email=f"p{n}@example.org")
    with pytest.raises(services.ValidationError, match="viele Einladungen"):
        services.editor_invite(organization=org, by=user, email="zuviel@example.org")
    assert EditorInvitation.objects.count() == 20


# --- offers and needs -----------------------------------------------------------------------


def _offer_data(region, **overrides) -> dict:
    data = {
        "title": "Digital-Check für Handwerksbetriebe",
        "description": "Ein Nachmittag, ein Plan.",
        "kind": "consulting",
        "cost": "free",
        "region_wide": "on",
        "topics": [region.topics.exclude(parent=None).first().pk],
        "audiences": [region.audiences.first().pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _need_data(**overrides) -> dict:
    data = {
        "title": "Wir suchen eine Partnerin für KI-Projekte",
        "description": "Gern aus der Region.",
        "expires_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


def test_offer_of_a_published_organization_goes_live_at_once(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    response = client.post(f"/akteure/{org.slug}/angebote/neu/", _offer_data(region))
    assert response["Location"] == f"/akteure/{org.slug}/verwalten/"
    offer = Offer.objects.get()
    assert offer.status == "published" and offer.published_at
    assert offer.created_by == user
    assert _indexed(offer, "offer")
    assert _actions("offer.created") == 1 and _actions("offer.published") == 1
    client.post(
        f"/akteure/{org.slug}/angebote/{offer.pk}/",
        _offer_data(region, title="Digital-Check kompakt"),
    )
    doc = SearchDocument.objects.get(type="offer", object_id=offer.pk)
    assert doc.title == "Digital-Check kompakt"
    assert AuditEntry.objects.get(action="offer.updated").data["fields"] == ["title"]


def test_content_of_a_pending_organization_waits_for_its_approval(
    client, region, user, coordinator
):
    org = services.organization_propose(
        user=user, name="Neue Werkstatt", kind="company", postal_code="45879"
    )
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/angebote/neu/", _offer_data(region))
    client.post(f"/akteure/{org.slug}/bedarfe/neu/", _need_data())
    offer, need = Offer.objects.get(), Need.objects.get()
    assert offer.status == need.status == "draft"
    assert not _indexed(offer, "offer")
    workflow.approve(obj=org, by=coordinator)
    offer.refresh_from_db()
    need.refresh_from_db()
    assert offer.status == need.status == "published"
    assert _indexed(offer, "offer") and _indexed(need, "need")
    entry = AuditEntry.objects.get(action="offer.published")
    assert entry.actor is None and "freigegeben" in entry.reason


def test_archived_content_stays_archived_when_the_organization_is_approved(
    region, user, coordinator
):
    org = services.organization_propose(user=user, name="Archivtest", kind="company")
    offer = services.offer_create(organization=org, by=user, title="Alt", kind="service")
    services.content_archive(obj=offer, by=user)
    workflow.approve(obj=org, by=coordinator)
    offer.refresh_from_db()
    assert offer.status == "archived"


def test_archive_and_republish_an_offer(client, region, user):
    org = _published(owner=user)
    offer = OfferFactory(organization=org)
    services.offer_update(offer=offer, by=user, title=offer.title)  # indexes it
    assert _indexed(offer, "offer")
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/angebote/{offer.pk}/archivieren/")
    offer.refresh_from_db()
    assert offer.status == "archived" and not _indexed(offer, "offer")
    page = client.get(f"/akteure/{org.slug}/verwalten/").content.decode()
    assert "Archiviert" in page and "Veröffentlichen" in page
    client.post(f"/akteure/{org.slug}/angebote/{offer.pk}/veroeffentlichen/")
    offer.refresh_from_db()
    assert offer.status == "published" and _indexed(offer, "offer")
    assert client.post(f"/akteure/{org.slug}/angebote/{offer.pk}/loeschen/").status_code == 404


def test_offer_places_must_be_the_regions(client, region, user):
    org = _published(owner=user)
    herten = region.municipalities.get(ags="05562020")
    dortmund = ensure_municipalities(["05913000"])[0]
    client.force_login(user)
    url = f"/akteure/{org.slug}/angebote/neu/"
    html = client.post(
        url, _offer_data(region, region_wide=None, municipalities=[dortmund.pk])
    ).content.decode()
    assert "gültige Auswahl" in html
    html = client.post(url, _offer_data(region, region_wide=None)).content.decode()
    assert "wo das Angebot verfügbar ist" in html
    assert not Offer.objects.exists()
    client.post(url, _offer_data(region, region_wide=None, municipalities=[herten.pk]))
    assert list(Offer.objects.get().municipalities.all()) == [herten]
    with pytest.raises(services.ValidationError) as exc:
        services.offer_create(
            organization=org, by=user, title="T", kind="service", municipalities=[dortmund]
        )
    assert "municipalities" in exc.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "x", "gültige Auswahl"),
        ("cost", "teuer", "gültige Auswahl"),
        ("topics", "abc", "ist kein gültiger Wert"),
        ("ends_on", "morgen", "gültiges Datum"),
        ("ends_on", "2001-01-01", "in der Vergangenheit"),
        ("title", "T" * 201, "höchstens 200 Zeichen"),
    ],
)
def test_offer_form_refuses_bad_input(client, region, user, field, value, message):
    org = _published(owner=user)
    client.force_login(user)
    html = client.post(
        f"/akteure/{org.slug}/angebote/neu/", _offer_data(region, **{field: value})
    ).content.decode()
    assert message in html
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "in der Zukunft"),
        (-3, "in der Zukunft"),
        (365 * 2 + 2, "höchstens zwei Jahre"),
    ],
)
def test_need_expiry_is_in_the_future_and_at_most_two_years_ahead(
    client, region, user, days, message
):
    org = _published(owner=user)
    client.force_login(user)
    expires = (timezone.localdate() + dt.timedelta(days=days)).isoformat()
    html = client.post(
        f"/akteure/{org.slug}/bedarfe/neu/", _need_data(expires_on=expires)
    ).content.decode()
    assert message in html
    assert not Need.objects.exists()


def test_need_is_created_edited_and_archived(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    client.post(f"/akteure/{org.slug}/bedarfe/neu/", _need_data())
    need = Need.objects.get()
    assert need.status == "published" and _indexed(need, "need")
    client.post(f"/akteure/{org.slug}/bedarfe/{need.pk}/", _need_data(title="Neuer Titel"))
    need.refresh_from_db()
    assert need.title == "Neuer Titel"
    client.post(f"/akteure/{org.slug}/bedarfe/{need.pk}/archivieren/")
    need.refresh_from_db()
    assert need.status == "archived" and not _indexed(need, "need")


def test_relations_given_as_none_stay_as_they_are(region, user):
    org = _published(owner=user)
    topic = region.topics.first()
    offer = services.offer_create(
        organization=org, by=user, title="T", kind="service", topics=[topic]
    )
    services.offer_update(offer=offer, by=user, topics=None, municipalities=None, title="U")
    assert list(offer.topics.all()) == [topic]
    with pytest.raises(TypeError):
        services.offer_update(offer=offer, by=user, status="published")


def test_editing_an_expired_need_without_a_new_date_keeps_it(region, user):
    org = _published(owner=user)
    need = NeedFactory(organization=org, expires_on=timezone.localdate() - dt.timedelta(days=1))
    services.need_update(need=need, by=user, title="Nur der Titel")
    need.refresh_from_db()
    assert need.title == "Nur der Titel"
    with pytest.raises(services.ValidationError):
        services.content_publish(obj=need, by=user)


def test_management_page_lists_everything_with_constant_queries(client, region, user):
    org = _published(owner=user)
    OfferFactory(organization=org, title="Erstes Angebot")
    client.force_login(user)
    with CaptureQueriesContext(connection) as one:
        response = client.get(f"/akteure/{org.slug}/verwalten/")
    assert "Erstes Angebot" in response.content.decode()
    for n in range(9):
        OfferFactory(organization=org, status="draft" if n % 2 else "archived")
        NeedFactory(organization=org)
        ContactPerson.objects.create(organization=org, name=f"Person {n}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(f"/akteure/{org.slug}/verwalten/").content.decode()
    assert len(many) == len(one)
    assert "Person 8" in html and "Entwurf" in html and "Archiviert" in html


def test_management_page_empty_states(client, region, user):
    org = _published(owner=user)
    client.force_login(user)
    html = client.get(f"/akteure/{org.slug}/verwalten/").content.decode()
    assert "Noch keine Angebote" in html
    assert "Noch keine Bedarfe" in html
    assert "Noch keine Ansprechpersonen" in html


# --- the includes for the profile page -------------------------------------------------------


def test_profile_actions_follow_permissions(rf, region, user, other_user, coordinator):
    from django.contrib.auth.models import AnonymousUser

    org = _published(owner=user)

    def render(who):
        return render_to_string(
            "organizations/manage/_profile_actions.html", {"organization": org, "user": who}
        )

    assert "Profil bearbeiten" in render(user) and "Verwalten" in render(user)
    assert "Das ist meine Organisation" not in render(user)
    assert "Profil bearbeiten" in render(coordinator)
    for who in (other_user, AnonymousUser()):
        html = render(who)
        assert "Das ist meine Organisation" in html and "Profil bearbeiten" not in html
    org.status = "pending"
    assert render(other_user).strip() == ""
