"""The competence landscape in a real browser: the map with filters, an invited editor keeping a
profile, and a coordinator's import that stops at one bad row."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, login, make_user, publish, wait_for_maps

pytestmark = pytest.mark.e2e


def _clean(reports):
    failures = [r for r in reports if r]
    assert not failures, "\n\n".join(failures)


def test_map_filters_sync_with_url_and_list(page, region, user, coordinator):
    publish(user, coordinator, "Emscher Daten GmbH", postal_code="45879")
    publish(user, coordinator, "Ruhr Robotik Hochschule", kind="university", postal_code="46236")
    page.goto("/karte/")
    wait_for_maps(page)
    reports = [a11y_violations(page)]
    status = page.locator("#map-status")
    expect(status).to_have_text("2 Einträge mit Ortsangabe")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(2)

    page.locator("#map-facets").get_by_label(re.compile(r"^Hochschule")).check()
    expect(status).to_have_text("1 Eintrag mit Ortsangabe")
    expect(page).to_have_url(re.compile(r"/karte/\?.*kind=university"))
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    reports.append(a11y_violations(page))

    page.locator("#map-q").fill("Daten")
    page.locator("#map-q").press("Enter")
    expect(status).to_have_text(re.compile(r"^0 Einträge|^Kein"))

    # The same state opens in the list alternative and in the search.
    page.goto("/karte/?kind=university")
    page.get_by_role("link", name="Liste", exact=True).click()
    expect(page).to_have_url(re.compile(r"/karte/liste/\?.*kind=university"))
    expect(page.locator("main")).to_contain_text("Ruhr Robotik Hochschule")
    expect(page.locator("main")).not_to_contain_text("Emscher Daten GmbH")
    reports.append(a11y_violations(page))
    page.get_by_role("link", name="Ruhr Robotik Hochschule").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ruhr Robotik Hochschule")
    _clean(reports)


def test_search_links_to_the_map_with_its_filters(page, region, user, coordinator):
    publish(user, coordinator, "Ruhr Robotik Hochschule", kind="university", postal_code="46236")
    page.goto("/suche/?kind=university")
    page.get_by_role("link", name="Auf der Karte zeigen").click()
    expect(page).to_have_url(re.compile(r"/karte/\?kind=university"))
    expect(page.locator("#map-status")).to_have_text("1 Eintrag mit Ortsangabe")


def test_owner_invites_an_editor_who_edits_the_profile(new_page, region, user, coordinator):
    org = publish(user, coordinator, "Emscher Daten GmbH")
    other = publish(make_user(), coordinator, "Fremde Firma AG")
    editor = make_user(display_name="Eda Editorin")
    owner_page = new_page()
    login(owner_page, user.email, next_url=f"/akteure/{org.slug}/team/")
    reports = [a11y_violations(owner_page)]
    mail.outbox.clear()
    owner_page.get_by_label("E-Mail-Adresse der Person").fill(editor.email)
    with owner_page.expect_navigation():
        owner_page.get_by_role("button", name="Einladung senden").click()
    expect(owner_page.locator("main")).to_contain_text(editor.email)
    invitation_mail = next(m for m in mail.outbox if editor.email in m.to)
    link = re.search(r"https?://\S+/akteure/einladung/\S+/", invitation_mail.body).group(0)

    editor_page = new_page()
    login(editor_page, editor.email, next_url=re.sub(r"^https?://[^/]+", "", link))
    reports.append(a11y_violations(editor_page))
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Einladung annehmen").click()

    editor_page.goto(f"/akteure/{org.slug}/bearbeiten/")
    reports.append(a11y_violations(editor_page))
    field = editor_page.get_by_label(re.compile(r"^Kurzbeschreibung"))
    field.fill("Wir vernetzen Schulen mit <b>Daten</b>.")
    with editor_page.expect_navigation():
        editor_page.locator("main form [type=submit]").last.click()
    editor_page.goto(f"/akteure/{org.slug}/")
    # Published profile: the edit is live at once, and the markup stays text.
    expect(editor_page.locator("main")).to_contain_text("Wir vernetzen Schulen mit <b>Daten</b>.")

    # An editor of one organization can never open another's edit form.
    editor_page.guard.expect_error(r"status of 40[34]")
    response = editor_page.goto(f"/akteure/{other.slug}/bearbeiten/")
    assert response.status in (403, 404)
    _clean(reports)


GOOD_AND_BAD = (
    "Name;Art;Kurzbeschreibung;PLZ\n"
    "Digitalwerkstatt Gladbeck e. V.;Initiative/Verein;Offene Werkstatt.;45964\n"
    "Datenhafen Herten GmbH;Unternehmen;Daten aus dem Hafen.;99999x\n"
    "Lernlabor Dorsten;Schule/Bildungsträger;Ein Labor für Schulen.;46282\n"
)


def test_coordinator_import_stops_at_one_bad_row(page, region, coordinator, tmp_path):
    from smartregion.organizations.models import Organization

    bad = tmp_path / "akteure.csv"
    bad.write_text(GOOD_AND_BAD, encoding="utf-8")
    login(page, coordinator.email, next_url="/koordination/import/")
    reports = [a11y_violations(page)]
    page.get_by_label("Datei", exact=True).set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    expect(page.get_by_role("alert")).to_contain_text("1 Zeile ist fehlerhaft", timeout=20_000)
    errors = page.locator("section[aria-labelledby=errors-heading] tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("th")).to_have_text("3")
    expect(errors.first).to_contain_text("Postleitzahl")
    expect(page.get_by_role("button", name="Import ausführen")).to_have_count(0)
    reports.append(a11y_violations(page))
    assert not Organization.objects.filter(name__startswith="Digitalwerkstatt").exists()

    good = tmp_path / "akteure-korrigiert.csv"
    good.write_text(GOOD_AND_BAD.replace("99999x", "45699"), encoding="utf-8")
    page.goto("/koordination/import/")
    page.get_by_label("Datei", exact=True).set_input_files(str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Hochladen und prüfen").click()
    page.get_by_role("button", name="Import ausführen").click(timeout=20_000)
    expect(page.locator("main")).to_contain_text("3", timeout=20_000)
    page.wait_for_function(
        "() => !document.querySelector('progress')", timeout=30_000
    )  # the job page stops polling when the import is written
    assert Organization.objects.filter(status="published", is_demo=False).count() == 3
    reports.append(a11y_violations(page))
    _clean(reports)
