"""Reuse of a project in a real browser: declaring an adoption interest and moving it along,
asking (with the email confirmation), moderating and answering a question, entering event
questions as a coordinator, and uploading a publiccode.yml with errors. axe-core checks every
new page type (WCAG 2.1 A/AA)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.helpers import a11y_violations, login, make_user, publish

pytestmark = pytest.mark.e2e

CONTACT = "anlaufstelle@example.org"
BROKEN = """\
publiccodeYmlVersion: "0"
name: Bürgerportal
url: "https://git.example.org/stadt/buergerportal.git"
platforms:
  - web
developmentStatus: production
softwareType: standalone/web
description:
  de:
    longDescription: >
      Das Bürgerportal bündelt die Terminvergabe aller Bürgerbüros einer Kommune. Bürgerinnen
      und Bürger buchen online, die Verwaltung plant Personal und Räume in einer Oberfläche.
    features:
      - Online-Terminbuchung
legal:
  license: EUPL-1.2
maintenance:
  type: none
localisation:
  localisationReady: true
  availableLanguages:
    - de
"""


@pytest.fixture(autouse=True)
def _ozg_taxonomy(transactional_db):
    from smartregion.projects.taxonomy import ensure_ozg

    ensure_ozg()


def _project(editor, coordinator):
    """A published project of `editor`'s organization, with a contact point address."""
    from smartregion.core import workflow
    from smartregion.projects import services
    from smartregion.regions.models import Municipality

    lead = publish(editor, coordinator, "Stadt Gelsenkirchen Digital", kind="municipality")
    project = services.project_create(
        by=editor,
        lead_organization=lead,
        title="Digitaler Bauantrag",
        summary="Bauanträge online stellen.",
        phase="running",
        municipalities=Municipality.objects.filter(ags="05513000"),
    )
    services.transfer_update(
        project=project,
        by=editor,
        maturity="operating",
        reusable_parts=["software"],
        licence="EUPL-1.2",
        source_url="https://example.org/code",
        contact_name="Stabsstelle",
        contact_email=CONTACT,
    )
    workflow.approve(obj=project, by=coordinator)
    mail.outbox.clear()  # the setup's moderation mails
    return project


def _problems(reports: list[str]) -> str:
    return "\n\n".join(r for r in reports if r)


def test_declaring_an_adoption_and_moving_it_along(new_page, region, user, coordinator):
    project = _project(user, coordinator)
    contact = make_user(email=CONTACT, display_name="Anlaufstelle")
    adopter = make_user(display_name="Kämmerei Bottrop")
    reports = []

    page = new_page()
    login(page, adopter.email, next_url=project.get_absolute_url())
    page.get_by_role("link", name="Interesse an Nachnutzung").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interesse an Nachnutzung")
    reports.append(a11y_violations(page))
    page.get_by_label("Welche Kommune möchte das Projekt nachnutzen?").select_option(
        label="Bottrop"
    )
    page.get_by_label("Notiz für die Anlaufstelle").fill("Start 2027 geplant.")
    page.get_by_role("button", name="Interesse erklären").click()
    expect(page.get_by_role("status")).to_contain_text("Anlaufstelle des Projekts ist informiert")
    expect(page.locator("main")).to_contain_text("Bottrop")
    reports.append(a11y_violations(page))
    assert [m.to[0] for m in mail.outbox] == [CONTACT]

    side = new_page()
    login(side, contact.email, next_url=f"/projekte/{project.slug}/nachnutzungen/")
    expect(side.locator("main")).to_contain_text(adopter.email)  # the project side sees who
    side.get_by_label("Nächster Schritt für Bottrop").select_option(label="Gespräch")
    side.get_by_role("button", name=re.compile("^Stand ändern")).click()
    expect(side.get_by_role("status")).to_contain_text("Stand jetzt „Gespräch“")
    reports.append(a11y_violations(side))

    # The declaring side cannot put itself on the project page: the project side confirms.
    page.reload()
    expect(page.locator("main")).to_contain_text("bestätigt die Projektseite")
    expect(page.get_by_label("Nächster Schritt für Bottrop")).to_have_count(0)
    side.get_by_label("Nächster Schritt für Bottrop").select_option(label="nachgenutzt")
    side.get_by_role("button", name=re.compile("^Stand ändern")).click()
    expect(side.get_by_role("status")).to_contain_text("Stand jetzt „nachgenutzt“")
    expect(side.get_by_label("Nächster Schritt für Bottrop")).to_have_count(0)

    visitor = new_page()
    visitor.goto(project.get_absolute_url())
    expect(visitor.locator("main")).to_contain_text("Bottrop (nachgenutzt)")
    expect(visitor.locator("main")).not_to_contain_text("Kämmerei Bottrop")
    visitor.goto("/projekte/?sortierung=nachnutzungen")
    expect(visitor.locator("main")).to_contain_text("von 1 Kommune nachgenutzt")
    reports.append(a11y_violations(visitor))
    assert not _problems(reports), _problems(reports)


def test_asking_and_answering_a_question(new_page, region, user, coordinator):
    project = _project(user, coordinator)
    contact = make_user(email=CONTACT, display_name="Anlaufstelle")
    question = "Welche Schnittstellen braucht unser Fachverfahren?"
    reports = []

    asker = new_page()
    asker.goto(project.get_absolute_url())
    asker.get_by_role("link", name="Eine Frage stellen").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Fragen & Antworten")
    reports.append(a11y_violations(asker))
    asker.get_by_label("Ihre Frage").fill(question)
    asker.get_by_label("Ihr Name").fill("Kim aus Marl")
    asker.get_by_label("Ihre E-Mail-Adresse").fill("kim@example.org")
    asker.get_by_label(re.compile("^Ich bin einverstanden")).check()
    asker.get_by_role("button", name="Frage absenden").click()
    expect(asker.get_by_role("status")).to_contain_text("bestätigen Sie Ihre Frage")
    link = re.search(r"https?://\S+/fragen/bestaetigen/\S+/", mail.outbox[-1].body).group(0)
    asker.goto(link[link.index("/projekte/") :])
    reports.append(a11y_violations(asker))
    asker.get_by_role("button", name="Frage bestätigen").click()
    expect(asker.get_by_role("status")).to_contain_text("Ihre Frage ist bestätigt")

    moderator = new_page()
    login(moderator, coordinator.email, next_url="/koordination/")
    item = moderator.locator("li.sr-queue__item", has_text=question)
    item.get_by_role("button", name=re.compile("^Freigeben")).click()
    expect(moderator.locator("li.sr-queue__item--done")).to_contain_text("ist freigegeben")

    side = new_page()
    login(side, contact.email, next_url=f"/projekte/{project.slug}/fragen/beantworten/")
    expect(side.locator("main")).to_contain_text(question)
    reports.append(a11y_violations(side))
    side.get_by_label("Ihre Antwort").fill("Die **XBau**-Schnittstelle genügt.")
    side.get_by_role("button", name="Antwort veröffentlichen").click()
    expect(side.get_by_role("status")).to_contain_text("gespeichert und öffentlich")
    assert any("XBau" in m.body and m.to == ["kim@example.org"] for m in mail.outbox)

    asker.goto(f"/projekte/{project.slug}/fragen/")
    faq = asker.locator("#faq-title + ul")
    expect(faq).to_contain_text(question)
    expect(faq.locator("strong", has_text="XBau")).to_be_visible()
    expect(asker.locator("main")).not_to_contain_text("kim@example.org")
    assert not _problems(reports), _problems(reports)


def test_coordinator_enters_event_questions(new_page, region, user, coordinator):
    project = _project(user, coordinator)
    page = new_page()
    login(page, coordinator.email, next_url="/koordination/fragen/")
    reports = [a11y_violations(page)]
    page.get_by_label("Projekt", exact=True).select_option(label=project.title)
    page.get_by_label("Veranstaltung", exact=True).fill("Austauschbörse 2026")
    page.get_by_label("eine Frage je Zeile").check()
    page.get_by_label("Fragen", exact=True).fill(
        "Wie lange dauert die Einführung?\nWer schult die Beschäftigten?"
    )
    page.get_by_role("button", name="Fragen eintragen").click()
    expect(page.get_by_role("status")).to_contain_text("2 Fragen zu „Digitaler Bauantrag“")
    expect(page.locator("main")).to_contain_text("Wer schult die Beschäftigten?")
    reports.append(a11y_violations(page))
    assert not _problems(reports), _problems(reports)


def test_publiccode_upload_shows_the_errors(new_page, region, user, coordinator):
    project = _project(user, coordinator)
    page = new_page()
    login(page, user.email, next_url=f"/projekte/{project.slug}/publiccode/")
    reports = [a11y_violations(page)]
    page.get_by_label("publiccode.yml").set_input_files(
        {"name": "publiccode.yml", "mimeType": "application/yaml", "buffer": BROKEN.encode()}
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()
    expect(page.get_by_role("alert")).to_contain_text("Die Datei hat 2 Fehler")
    errors = page.locator("#errors-title + ul")
    expect(errors).to_contain_text("developmentStatus – Zeile 6")
    expect(errors).to_contain_text("description.de.shortDescription")
    reports.append(a11y_violations(page))

    fixed = BROKEN.replace("production", "stable").replace(
        "    longDescription", "    shortDescription: Termine online buchen\n    longDescription"
    )
    page.get_by_label("publiccode.yml").set_input_files(
        {"name": "publiccode.yml", "mimeType": "application/yaml", "buffer": fixed.encode()}
    )
    page.get_by_role("button", name="Hochladen und prüfen").click()
    expect(page.get_by_role("status")).to_contain_text("gültig und gespeichert")
    link = page.get_by_role("link", name="publiccode.yml des Projekts ansehen")
    exported = page.context.request.get(link.get_attribute("href"))
    assert exported.ok and "name: Bürgerportal" in exported.text()
    assert not _problems(reports), _problems(reports)
