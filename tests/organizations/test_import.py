"""Coordinators' import of organizations and offers: web upload, dry run, atomic commit, CLI."""

import csv
import datetime as dt
import importlib
import io
import os
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from smartregion.core.models import AuditEntry
from smartregion.organizations import importing
from smartregion.organizations.importing import writing
from smartregion.organizations.models import ContactPerson, ImportJob, Offer, Organization
from smartregion.search.query import search
from tests.factories import OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/koordination/import/"
HEADER = ["Name", "Art", "PLZ", "Website", "Kurzbeschreibung", "Themen", "Zielgruppen"]
GOOD = [
    ["Digitalwerkstatt Gladbeck", "Initiative/Verein", "45964", "www.dw-gladbeck.example",
     "Offene Werkstatt", "ki; bildung-und-gesellschaft", "Schulen"],
    ["Datenschmiede Marl GmbH", "Unternehmen", "45768", "https://datenschmiede.example",
     "Daten für den Mittelstand", "Künstliche Intelligenz (KI)", "kmu"],
]  # fmt: skip


def csv_bytes(rows, *, delimiter=";", encoding="utf-8", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="akteure.csv", kind="organizations", encoding="auto"):
    return client.post(
        URL,
        {"kind": kind, "encoding": encoding, "file": SimpleUploadedFile(name, data)},
        follow=True,
    )


@pytest.fixture
def coordinator_client(client, region, coordinator):
    client.force_login(coordinator)
    return client


def last_job() -> ImportJob:
    return ImportJob.objects.latest("created_at")


# --- access -----------------------------------------------------------------------------------


def test_import_pages_are_for_coordinators_only(client, region, user, coordinator):
    job = ImportJob.objects.create(kind="organizations", filename="x.csv", created_by=coordinator)
    urls = [
        URL,
        f"{URL}{job.pk}/",
        f"{URL}{job.pk}/fortschritt/",
        f"{URL}{job.pk}/fehler.csv",
        f"{URL}vorlage-organizations.csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(f"{URL}{job.pk}/ausfuehren/").status_code == 403
    assert upload(client, csv_bytes(GOOD)).status_code == 403
    assert not ImportJob.objects.exclude(pk=job.pk).exists()


def test_services_refuse_non_coordinators(region, user):
    with pytest.raises(PermissionDenied):
        importing.job_create(by=user, kind="organizations", data=csv_bytes(GOOD), filename="a")
    with pytest.raises(PermissionDenied):
        importing.commit(kind="organizations", rows=[], by=user)


# --- the happy path ---------------------------------------------------------------------------


def test_csv_preview_writes_nothing_then_commit_imports_and_publishes(
    coordinator_client, coordinator
):
    page = upload(coordinator_client, csv_bytes(GOOD))
    html = page.content.decode()
    assert "Vorschau" in html and "Import ausführen" in html
    assert "Digitalwerkstatt Gladbeck" in html and "Datenschmiede Marl GmbH" in html
    assert Organization.objects.count() == 0  # the dry run wrote nothing
    job = last_job()
    assert job.status == "checked"
    assert job.counts == {"rows": 2, "new": 2, "updated": 0, "unchanged": 0, "errors": 0}

    page = coordinator_client.post(f"{URL}{job.pk}/ausfuehren/", follow=True)
    assert "Importiert: 2 neu, 0 aktualisiert, 0 unverändert." in page.content.decode()
    org = Organization.objects.get(name="Digitalwerkstatt Gladbeck")
    assert org.status == "published" and org.published_at is not None
    assert org.created_by == coordinator
    assert org.kind == "initiative"
    assert org.website == "https://www.dw-gladbeck.example"
    assert org.municipality.name == "Gladbeck" and org.city == "Gladbeck"
    assert org.lat and org.lon
    assert sorted(t.slug for t in org.topics.all()) == ["bildung-und-gesellschaft", "ki"]
    assert [a.slug for a in org.audiences.all()] == ["schulen"]
    assert not org.roles.exists()  # owned by nobody
    assert search("Werkstatt").count == 1
    entries = AuditEntry.objects.filter(action="organization.imported")
    assert entries.count() == 1  # once per import, not per row
    assert entries[0].data["new"] == 2 and entries[0].actor == coordinator
    job.refresh_from_db()
    assert job.status == "done" and job.rows == []  # the uploaded rows are not kept


def test_xlsx_with_numbers_dates_and_booleans(coordinator_client):
    header = [*HEADER, "Gründungsjahr", "Größe", "Ansprechperson", "Kontakt öffentlich"]
    rows = [
        [*GOOD[0][:2], 45964, *GOOD[0][3:], 2019, 35, "Erika Mustermann", True],
        [*GOOD[1][:2], 45768.0, *GOOD[1][3:], 1999.0, "250+", None, None],
    ]
    upload(coordinator_client, xlsx_bytes(rows, header), name="liste.xlsx")
    job = last_job()
    assert job.counts["new"] == 2, job.errors
    coordinator_client.post(f"{URL}{job.pk}/ausfuehren/")
    org = Organization.objects.get(name="Digitalwerkstatt Gladbeck")
    assert (org.postal_code, org.founded, org.size) == ("45964", 2019, "10-49")
    contact = org.contacts.get()
    assert contact.name == "Erika Mustermann" and contact.show_email


def test_german_english_and_oddly_cased_headers(coordinator_client):
    header = ["NAME", "kind", "postleitzahl", "Webseite", "short_description", "THEMEN", "Notiz"]
    upload(coordinator_client, csv_bytes(GOOD, header=header))
    job = last_job()
    assert job.counts["new"] == 2
    assert job.columns["ignored"] == ["Notiz"]
    html = coordinator_client.get(f"{URL}{job.pk}/").content.decode()
    assert "sie werden ignoriert: Notiz" in html


def test_latin1_file_is_detected_and_can_be_chosen(coordinator_client):
    rows = [["Bürgernetz Süd e. V.", "Initiative", "45657", "", "Grüße aus der Straße", "", ""]]
    data = csv_bytes(rows, encoding="cp1252")
    upload(coordinator_client, data)
    assert last_job().preview[0]["label"] == "Bürgernetz Süd e. V."
    upload(coordinator_client, data, encoding="latin-1")
    assert last_job().preview[0]["label"] == "Bürgernetz Süd e. V."
    page = upload(coordinator_client, data, encoding="utf-8")  # wrong choice: a clear error
    assert "lässt sich nicht als UTF-8 lesen" in page.content.decode()


def test_utf8_with_bom_and_utf16_are_read(coordinator_client):
    data = csv_bytes(GOOD)
    upload(coordinator_client, b"\xef\xbb\xbf" + data)
    assert last_job().counts["new"] == 2
    upload(coordinator_client, data.decode().encode("utf-16"))
    assert last_job().counts["new"] == 2


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_sniffed(coordinator_client, delimiter):
    upload(coordinator_client, csv_bytes(GOOD, delimiter=delimiter))
    assert last_job().counts["new"] == 2


def test_kinds_by_code_german_or_english_label(region):
    rows = [(2, {"name": "A", "kind": "company", "postal_code": "45879"}),
            (3, {"name": "B", "kind": "Hochschule", "postal_code": "45879"}),
            (4, {"name": "C", "kind": "Research institution", "postal_code": "45879"}),
            (5, {"name": "D", "kind": "Verein", "postal_code": "45879"}),
            (6, {"name": "E", "kind": "Bäckerei", "postal_code": "45879"})]  # fmt: skip
    plan = importing.check(kind="organizations", rows=rows)
    assert [r.action for r in plan.results] == ["new"] * 4 + ["error"]
    assert [r.obj.kind for r in plan.results[:4]] == [
        "company", "university", "research", "initiative"
    ]  # fmt: skip
    assert "Die Art „Bäckerei“ ist unbekannt" in plan.results[4].errors[0]


# --- bad files --------------------------------------------------------------------------------


def test_binary_junk_is_refused_with_a_clear_message(coordinator_client):
    page = upload(coordinator_client, os.urandom(50_000), name="daten.csv")
    assert "enthält Binärdaten und ist keine CSV-Datei" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_ten_megabytes_of_junk(coordinator_client):
    page = upload(coordinator_client, b"x" * (10 * 1024 * 1024 + 1))
    assert "größer als 10 MB" in page.content.decode()
    junk = os.urandom(10 * 1024 * 1024 - 10)
    page = upload(coordinator_client, junk, name="junk.csv")
    assert "Binärdaten" in page.content.decode()
    assert not ImportJob.objects.exists()


def test_fake_and_old_excel_files_are_refused(coordinator_client):
    page = upload(coordinator_client, b"Name;Art\nx;y\n", name="liste.xlsx")
    assert "ist aber keine Excel-Datei" in page.content.decode()
    page = upload(coordinator_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls")
    assert "Alte Excel-Dateien (.xls)" in page.content.decode()
    page = upload(coordinator_client, b"PK\x03\x04 broken zip", name="kaputt.xlsx")
    assert "beschädigt" in page.content.decode()


def test_missing_required_columns_are_named(coordinator_client):
    data = csv_bytes([["A", "https://a.example"]], header=["Name", "Website"])
    html = upload(coordinator_client, data).content.decode()
    assert "Es fehlen Pflichtspalten: „Art“ (kind), „PLZ“ (postal_code)" in html
    assert not ImportJob.objects.exists()


def test_empty_file_and_header_only(coordinator_client):
    assert "Die Datei ist leer." in upload(coordinator_client, b"   \n").content.decode()
    upload(coordinator_client, csv_bytes([]))
    assert last_job().counts["rows"] == 0


def test_too_many_rows(coordinator_client, monkeypatch):
    monkeypatch.setattr("smartregion.organizations.importing.files.MAX_ROWS", 3)
    html = upload(coordinator_client, csv_bytes(GOOD * 2)).content.decode()
    assert "mehr als 3 Zeilen" in html


def test_unclosed_quote_is_reported(coordinator_client):
    data = csv_bytes(GOOD) + b'"Offen;Unternehmen;45879' + b"x" * 200_000
    assert "nicht lesbar" in upload(coordinator_client, data).content.decode()


# --- rows with errors -------------------------------------------------------------------------


def test_one_bad_row_is_listed_and_blocks_the_whole_import(coordinator_client):
    bad = ["Kaputt GmbH", "Firmenart", "99999", "nicht eine url", "", "gibtsnicht", ""]
    upload(coordinator_client, csv_bytes([GOOD[0], bad, GOOD[1]]))
    job = last_job()
    assert job.counts == {"rows": 3, "new": 2, "updated": 0, "unchanged": 0, "errors": 1}
    html = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert "1 Zeile ist fehlerhaft – es wird nichts importiert." in html
    assert "Import ausführen" not in html
    [error] = job.errors
    assert error["line"] == 3 and error["label"] == "Kaputt GmbH"
    text = " ".join(error["messages"])
    assert "Die Art „Firmenart“ ist unbekannt" in text
    assert "Die Postleitzahl „99999“ ist in den mitgelieferten Daten (NRW) nicht bekannt." in text
    assert "Unbekannte Themen: „gibtsnicht“" in text
    assert "Website:" in text
    page = coordinator_client.post(f"{URL}{job.pk}/ausfuehren/", follow=True)
    assert "Es wird nichts importiert, solange eine Zeile fehlerhaft ist" in page.content.decode()
    assert Organization.objects.count() == 0
    errors_csv = coordinator_client.get(f"{URL}{job.pk}/fehler.csv").content.decode()
    assert errors_csv.splitlines()[1].startswith("3,Kaputt GmbH,")


def test_line_numbers_follow_the_file_with_blank_lines_and_multiline_cells(region):
    text = 'Name;Art;PLZ;Beschreibung\n\nA;company;45879;"zwei\nZeilen"\nB;;45879;\n'
    table = importing.read_table(text.encode(), kind="organizations")
    plan = importing.check(kind="organizations", rows=table.rows)
    assert [(r.line, r.action) for r in plan.results] == [(3, "new"), (5, "error")]


def test_lengths_and_control_characters_are_checked(region):
    rows = [(2, {"name": "x" * 201, "kind": "company", "postal_code": "45879"}),
            (3, {"name": "Nul\x00l", "kind": "company", "postal_code": "45879"}),
            (4, {"name": "Jahr", "kind": "company", "postal_code": "45879", "founded": "3000"}),
            (5, {"name": "Mail", "kind": "company", "postal_code": "45879",
                 "contact_name": "P", "contact_email": "kein-at"})]  # fmt: skip
    results = importing.check(kind="organizations", rows=rows).results
    assert "höchstens 200 Zeichen" in results[0].errors[0]
    assert "Steuerzeichen" in results[1].errors[0]
    assert "Gründungsjahr" in results[2].errors[0]
    assert "E-Mail" in " ".join(results[3].errors)


def test_duplicate_rows_within_the_file(coordinator_client):
    twin = [*GOOD[0]]
    twin[0] = "Digitalwerkstatt  GLADBECK"  # same folded name and postal code
    upload(coordinator_client, csv_bytes([GOOD[0], twin]))
    [error] = last_job().errors
    assert error["line"] == 3
    assert "steht schon in Zeile 2 der Datei" in error["messages"][0]


# --- duplicates against the directory ---------------------------------------------------------


def test_existing_organizations_match_by_domain_or_name_and_postal_code(
    coordinator_client, coordinator
):
    by_domain = OrganizationFactory(
        name="DW Gladbeck (alt)", website="http://dw-gladbeck.example/impressum", status="published"
    )
    by_name = OrganizationFactory(name="Datenschmiede  Marl gmbh", postal_code="45768",
                                  status="published", kind="company")  # fmt: skip
    upload(coordinator_client, csv_bytes(GOOD))
    job = last_job()
    assert job.counts["updated"] == 2 and job.counts["new"] == 0
    html = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert "Diese Einträge werden aktualisiert" in html and "Kurzbeschreibung" in html
    coordinator_client.post(f"{URL}{job.pk}/ausfuehren/")
    by_domain.refresh_from_db()
    by_name.refresh_from_db()
    assert by_domain.name == "Digitalwerkstatt Gladbeck"
    assert by_domain.website == "https://www.dw-gladbeck.example"
    assert by_name.short_description == "Daten für den Mittelstand"
    assert by_name.municipality.name == "Marl"
    assert by_name.created_by != coordinator  # an update keeps who created it
    assert Organization.objects.count() == 2
    assert search("Mittelstand").count == 1  # the update is re-indexed

    upload(coordinator_client, csv_bytes(GOOD))  # the same file again: nothing to do
    job = last_job()
    assert job.counts["unchanged"] == 2
    assert "Nichts zu tun" in coordinator_client.get(job.get_absolute_url()).content.decode()


def test_empty_cells_leave_existing_values_alone(region, coordinator):
    org = OrganizationFactory(name="Alt GmbH", postal_code="45879", city="Gelsenkirchen",
                              short_description="bleibt", website="https://alt.example",
                              status="published")  # fmt: skip
    rows = [(2, {"name": "Alt GmbH", "kind": "company", "postal_code": "45879",
                 "founded": "2001"})]  # fmt: skip
    plan = importing.commit(kind="organizations", rows=rows, by=coordinator)
    assert plan.counts()["updated"] == 1
    org.refresh_from_db()
    assert (org.short_description, org.website, org.founded) == ("bleibt", "https://alt.example",
                                                                 2001)  # fmt: skip


def test_ambiguous_match_is_an_error(region):
    for n in range(2):
        OrganizationFactory(name=f"Zwilling {n}", website="https://zwilling.example/" + str(n))
    rows = [(2, {"name": "Zwilling", "kind": "company", "postal_code": "45879",
                 "website": "zwilling.example"})]  # fmt: skip
    [result] = importing.check(kind="organizations", rows=rows).results
    assert "Passt zu 2 vorhandenen Einträgen" in result.errors[0]


def test_contacts_publish_only_what_is_marked_public(region, coordinator):
    rows = [(2, {"name": "Kontakt GmbH", "kind": "company", "postal_code": "45879",
                 "contact_name": "Max Muster", "contact_email": "max@example.org",
                 "contact_phone": "0209 123"})]  # fmt: skip
    importing.commit(kind="organizations", rows=rows, by=coordinator)
    contact = ContactPerson.objects.get()
    assert contact.email == "max@example.org" and not contact.show_email
    assert contact.public_email == "" and contact.public_phone == ""
    rows[0][1]["contact_public"] = "ja"
    plan = importing.commit(kind="organizations", rows=rows, by=coordinator)
    assert plan.counts()["updated"] == 1
    contact = ContactPerson.objects.get()
    assert contact.public_email == "max@example.org"


# --- atomicity --------------------------------------------------------------------------------


def test_failure_in_the_middle_of_the_commit_writes_nothing(coordinator_client, monkeypatch):
    upload(coordinator_client, csv_bytes(GOOD))
    job = last_job()

    def explode(*args, **kwargs):
        assert Organization.objects.count() == 2  # the organizations were already written
        raise RuntimeError("disk full")

    monkeypatch.setattr(writing, "_write_m2m", explode)
    page = coordinator_client.post(f"{URL}{job.pk}/ausfuehren/", follow=True)
    html = page.content.decode()
    assert "Es wurde nichts importiert." in html and "RuntimeError" in html
    assert Organization.objects.count() == 0
    assert not AuditEntry.objects.filter(action="organization.imported").exists()
    job.refresh_from_db()
    assert job.status == "failed"
    assert coordinator_client.post(f"{URL}{job.pk}/ausfuehren/").status_code == 302  # not again
    assert Organization.objects.count() == 0


def test_commit_checks_again_and_refuses_if_the_directory_changed(coordinator_client):
    from smartregion.regions.models import Audience

    upload(coordinator_client, csv_bytes(GOOD))
    job = last_job()
    Audience.objects.filter(slug="schulen").delete()  # gone since the preview
    html = coordinator_client.post(f"{URL}{job.pk}/ausfuehren/", follow=True).content.decode()
    assert "1 Zeile(n) sind fehlerhaft. Es wurde nichts importiert" in html
    assert "Unbekannte Zielgruppen: „Schulen“" in html
    assert Organization.objects.count() == 0


def test_rows_invalid_at_commit_raise_and_roll_back(region, coordinator):
    rows = [(2, {"name": "Gut", "kind": "company", "postal_code": "45879"}),
            (3, {"name": "Schlecht", "kind": "company", "postal_code": "00000"})]  # fmt: skip
    with pytest.raises(importing.ImportRejected) as exc:
        importing.commit(kind="organizations", rows=rows, by=coordinator)
    assert exc.value.plan.counts()["errors"] == 1
    assert Organization.objects.count() == 0


# --- hostile content --------------------------------------------------------------------------


def test_script_tags_are_stored_as_text_and_shown_escaped(client, region, coordinator):
    rows = [(2, {"name": "<script>alert(1)</script> GmbH", "kind": "company",
                 "postal_code": "45879", "short_description": "<img src=x onerror=alert(2)>",
                 "description": "<script>alert(3)</script> **fett**"})]  # fmt: skip
    importing.commit(kind="organizations", rows=rows, by=coordinator)
    org = Organization.objects.get()
    assert org.name == "<script>alert(1)</script> GmbH"
    html = client.get(org.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; GmbH" in html


def test_formula_cells_are_stored_as_given(region, coordinator):
    rows = [(2, {"name": '=HYPERLINK("http://evil.example","klick")', "kind": "company",
                 "postal_code": "45879"})]  # fmt: skip
    importing.commit(kind="organizations", rows=rows, by=coordinator)
    assert Organization.objects.get().name.startswith("=HYPERLINK")


# --- progress and background work -------------------------------------------------------------


def test_progress_partial_while_running_and_refresh_when_done(coordinator_client, coordinator):
    job = ImportJob.objects.create(
        kind="organizations", filename="gross.csv", created_by=coordinator, progress=42,
        total_rows=10_000,
    )  # fmt: skip
    page = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert 'role="status"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress max="100" value="42"' in page and "42 % erledigt" in page
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>: for browsers without JS
    assert "Seite neu laden" in page
    partial = coordinator_client.get(f"{URL}{job.pk}/fortschritt/", headers={"HX-Request": "true"})
    assert "<progress" in partial.content.decode() and "<html" not in partial.content.decode()
    job.status = "checked"
    job.save()
    done = coordinator_client.get(f"{URL}{job.pk}/fortschritt/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert coordinator_client.get(f"{URL}{job.pk}/fortschritt/").status_code == 303


def test_long_files_run_as_background_tasks(coordinator_client, monkeypatch):
    monkeypatch.setattr("smartregion.organizations.importing.jobs.INLINE_ROWS", 1)
    from django_tasks.signals import task_enqueued

    enqueued = []

    def spy(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.kwargs))

    task_enqueued.connect(spy)
    try:
        upload(coordinator_client, csv_bytes(GOOD))
        job = last_job()
        coordinator_client.post(f"{URL}{job.pk}/ausfuehren/")
    finally:
        task_enqueued.disconnect(spy)
    assert enqueued == [("check_job", {"job_id": job.pk}), ("run_job", {"job_id": job.pk})]
    job.refresh_from_db()
    assert job.status == "done" and job.progress == 100
    assert Organization.objects.count() == 2


def test_unused_previews_expire_and_lose_their_rows(region, coordinator):
    old = importing.job_create(
        by=coordinator, kind="organizations", data=csv_bytes(GOOD), filename="alt.csv"
    )
    ImportJob.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(days=8))
    importing.job_create(
        by=coordinator, kind="organizations", data=csv_bytes(GOOD), filename="neu.csv"
    )
    old.refresh_from_db()
    assert old.status == "failed" and old.rows == [] and "abgelaufen" in old.message
    with pytest.raises(ValueError, match="läuft schon oder ist abgeschlossen"):
        importing.job_start(job=old, by=coordinator)


def test_tasks_are_idempotent(region, coordinator):
    job = importing.job_create(
        by=coordinator, kind="organizations", data=csv_bytes(GOOD), filename="a.csv"
    )
    importing.job_start(job=job, by=coordinator)
    importing.run_job.call(job_id=job.pk)  # a second delivery of the same task
    importing.check_job.call(job_id=job.pk)
    assert Organization.objects.count() == 2
    job.refresh_from_db()
    assert job.status == "done"


def test_an_updated_organization_is_reindexed_with_its_offers(region, coordinator):
    org = OrganizationFactory(name="Digitalwerkstatt Gladbeck", website="https://dw.example",
                              status="published", postal_code="45964")  # fmt: skip
    OfferFactory(organization=org, title="Lötkurs")
    importing.commit(kind="organizations", rows=[(2, {"name": "Digitalwerkstatt Gladbeck",
                     "kind": "initiative", "website": "dw.example", "postal_code": "45964",
                     "short_description": "Jetzt mit Robotik"})], by=coordinator)  # fmt: skip
    assert search("Robotik").count == 1
    # the offer's document carries the organization's name and place: it was rebuilt too
    assert search("Lötkurs Digitalwerkstatt").count == 1


# --- offers -----------------------------------------------------------------------------------


def test_offers_import_by_website_name_or_slug(coordinator_client):
    org = OrganizationFactory(name="Digitalwerkstatt Gladbeck", website="https://dw.example",
                              status="published")  # fmt: skip
    OfferFactory(organization=org, title="KI-Sprechstunde", kind="consulting")
    header = ["Organisation", "Titel", "Art", "Kosten", "Online", "Verfügbar bis", "Themen"]
    rows = [
        ["www.dw.example", "KI-Sprechstunde", "Beratung", "kostenlos", "ja", "31.12.2030", "ki"],
        ["Digitalwerkstatt Gladbeck", "Löt-Kurs", "Schulung", "gefördert", "nein", "", ""],
        [org.slug, "Maker-Labor", "lab", "", "", "2030-06-30", ""],
        ["Unbekannt e. V.", "Etwas", "Beratung", "teuer", "vielleicht", "morgen", ""],
    ]
    upload(coordinator_client, csv_bytes(rows, header=header), kind="offers")
    job = last_job()
    assert job.counts == {"rows": 4, "new": 2, "updated": 1, "unchanged": 0, "errors": 1}
    text = " ".join(job.errors[0]["messages"])
    assert "Die Organisation „Unbekannt e. V.“ gibt es nicht" in text
    assert "Die Kosten „teuer“ sind unbekannt" in text and "kein Datum" in text
    upload(coordinator_client, csv_bytes(rows[:3], header=header), kind="offers")
    job = last_job()
    coordinator_client.post(f"{URL}{job.pk}/ausfuehren/")
    assert Offer.objects.count() == 3
    offer = Offer.objects.get(title="KI-Sprechstunde")
    assert (offer.cost, offer.online, str(offer.ends_on)) == ("free", True, "2030-12-31")
    assert Offer.objects.get(title="Löt-Kurs").status == "published"
    assert AuditEntry.objects.filter(action="offer.imported").count() == 1
    assert search("Löt-Kurs").count == 1


# --- downloads --------------------------------------------------------------------------------


def test_template_files_can_be_filled_in_and_imported(coordinator_client):
    response = coordinator_client.get(f"{URL}vorlage-organizations.csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffName;Art;Kurzbeschreibung")
    upload(coordinator_client, response.content, name="vorlage.csv")
    assert last_job().counts["new"] == 1, last_job().errors
    assert coordinator_client.get(f"{URL}vorlage-offers.csv").status_code == 200
    assert coordinator_client.get(f"{URL}vorlage-anderes.csv").status_code == 404


def test_upload_page_documents_columns_and_lists_jobs(coordinator_client):
    upload(coordinator_client, csv_bytes(GOOD), name="meine-liste.csv")
    html = coordinator_client.get(URL).content.decode()
    assert "Spalten für Akteure" in html and "Spalten für Angebote" in html
    assert "meine-liste.csv" in html


# --- command line -----------------------------------------------------------------------------


def test_cli_dry_run_import_and_exit_codes(region, tmp_path, coordinator):
    good = tmp_path / "gut.csv"
    good.write_bytes(csv_bytes(GOOD))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "organizations", str(good), "--dry-run", stdout=out, stderr=err)
    assert "Probelauf, nichts geschrieben" in out.getvalue()
    assert "neu:                2" in out.getvalue()
    assert "Prüfen: 100 %" in err.getvalue()  # not a terminal: a line per 10 %
    assert Organization.objects.count() == 0

    out = io.StringIO()
    call_command("import", "organizations", str(good), f"--user={coordinator.email}", stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    assert "importiert" in out.getvalue()
    assert Organization.objects.filter(created_by=coordinator).count() == 2

    bad = tmp_path / "schlecht.csv"
    bad.write_bytes(csv_bytes([["Neu GmbH", "company", "45879", "", "", "", ""],
                               ["Kaputt", "company", "12", "", "", "", ""]]))  # fmt: skip
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 Zeile\\(n\\) fehlerhaft: es wurde nichts importiert"):
        call_command("import", "organizations", str(bad), stdout=out, stderr=io.StringIO())
    assert "Zeile 3 (Kaputt): „12“ ist keine gültige Postleitzahl" in out.getvalue()
    assert not Organization.objects.filter(name="Neu GmbH").exists()


def test_cli_exits_with_status_1_on_errors(region, tmp_path, capsys):
    from django.core.management import ManagementUtility

    missing = tmp_path / "fehlt.csv"
    missing.write_bytes(b"Name;Website\nA;b\n")
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["smartregion", "import", "organizations", str(missing)]).execute()
    assert exc.value.code == 1
    assert "Es fehlen Pflichtspalten" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["smartregion", "import", "organizations", "/nicht/da.csv"]).execute()
    assert exc.value.code == 1


def test_cli_progress_bar_redraws_in_place_on_a_terminal():
    command = importlib.import_module("smartregion.organizations.management.commands.import")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = command.ProgressBar(screen, width=10)
    for done in range(0, 101):
        bar("check", done, 100)
    bar.finish()
    assert screen.getvalue().count("\r") == 101  # one redraw per percent, in place
    assert screen.getvalue().endswith("Prüfen     [##########] 100 % (100/100)\n")


def test_cli_encoding_option(region, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_bytes([["Müller & Söhne", "company", "45879", "", "", "", ""]],
                               encoding="latin-1"))  # fmt: skip
    out = io.StringIO()
    call_command("import", "organizations", str(path), "--encoding=latin-1", stdout=out,
                 stderr=io.StringIO())  # fmt: skip
    assert Organization.objects.get().name == "Müller & Söhne"


# --- the documented samples -------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_documented_sample_files_import_cleanly(region, coordinator):
    for name in ("import-sample.csv", "import-sample.xlsx"):
        data = (DOCS / name).read_bytes()
        table = importing.read_table(data, kind="organizations", filename=name)
        plan = importing.check(kind="organizations", rows=table.rows)
        assert plan.counts()["new"] == 4 and plan.is_valid, plan.error_list()
        assert not table.ignored
    table = importing.read_table((DOCS / "import-sample.csv").read_bytes(), kind="organizations")
    importing.commit(kind="organizations", rows=table.rows, by=coordinator)
    offers = importing.read_table((DOCS / "import-sample-offers.csv").read_bytes(), kind="offers")
    plan = importing.commit(kind="offers", rows=offers.rows, by=coordinator)
    assert plan.counts()["new"] == 3
    org = Organization.objects.get(name="Digitalwerkstatt Gladbeck e. V.")
    assert "- 3D-Druck" in org.description  # a cell spanning lines


def test_documented_columns_match_the_code():
    text = (DOCS / "import.md").read_text()
    for column in (*importing.ORGANIZATION_COLUMNS, *importing.OFFER_COLUMNS):
        assert f"| {column.label} | `{column.key}`" in text, column.key


def test_imported_slugs_spell_umlauts_out_and_avoid_reserved_paths(region, coordinator):
    rows = [(2, {"name": "Neu", "kind": "company", "postal_code": "45879"}),
            (3, {"name": "Bürgerbüro Süd", "kind": "company", "postal_code": "45879"})]  # fmt: skip
    importing.commit(kind="organizations", rows=rows, by=coordinator)
    slugs = set(Organization.objects.values_list("slug", flat=True))
    assert {"neu-organisation", "buergerbuero-sued"} <= slugs
