"""Questions and answers: asking (double opt-in for anonymous askers, honeypot, rate limit),
moderation, answering by the project side only, the FAQ, event questions entered in bulk,
overdue questions and the weekly reminder."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from smartregion.core import workflow
from smartregion.core.models import AuditEntry
from smartregion.organizations.models import OrganizationRole
from smartregion.projects.models import Question
from smartregion.projects.questions import services
from tests.factories import OrganizationFactory, UserFactory

from .conftest import CONTACT, make_project

pytestmark = pytest.mark.django_db
ASKER = "fragende@example.org"
QUESTION = "Welche Schnittstellen braucht unser Fachverfahren für den Bauantrag?"


def ask(client, project, **extra):
    data = {"text": QUESTION, "asker_name": "", "asker_email": ASKER, "consent": "on", **extra}
    return client.post(f"/projekte/{project.slug}/fragen/", data, follow=True)


def confirm_path() -> str:
    """The path of the confirmation link in the mail to the asker."""
    body = next(m.body for m in mail.outbox if m.to == [ASKER])
    return re.search(r"https?://[^/\s]+(/projekte/\S+/fragen/bestaetigen/\S+/)", body).group(1)


def approved(project, coordinator, text=QUESTION, **fields) -> Question:
    question = Question.objects.create(project=project, text=text, status="pending", **fields)
    return workflow.approve(obj=question, by=coordinator)


# --- asking -------------------------------------------------------------------------------------


def test_anonymous_question_waits_for_the_email_confirmation(client, reuse):
    page = ask(client, reuse, asker_name="Kim aus Marl")
    assert "bestätigen Sie Ihre Frage" in page.content.decode()
    question = Question.objects.get()
    assert question.status == "draft" and question.confirmed_at is None
    assert question.consent_version == services.CONSENT_VERSION and question.consent_at
    assert question.confirm_token_hash and len(question.confirm_token_hash) == 64
    assert [m.to[0] for m in mail.outbox] == [ASKER]
    path = confirm_path()
    assert question.confirm_token_hash not in path  # only the hash is stored
    # GET shows a button and changes nothing (mail scanners open links)
    page = client.get(path)
    assert "Frage bestätigen" in page.content.decode()
    question.refresh_from_db()
    assert question.status == "draft"
    page = client.post(path)
    assert "Ihre Frage ist bestätigt" in page.content.decode()
    question.refresh_from_db()
    assert question.status == "pending" and question.confirmed_at is not None
    assert client.post(path).status_code == 200  # a second click is fine
    assert Question.objects.get().status == "pending"
    assert AuditEntry.objects.filter(action="question.submitted").count() == 1


def test_confirmed_question_is_in_the_moderation_queue(client, reuse, coordinator):
    ask(client, reuse)
    client.post(confirm_path())
    assert coordinator.email in [m.to[0] for m in mail.outbox]
    client.force_login(coordinator)
    queue = client.get("/koordination/").content.decode()
    assert "Frage zu „Digitaler Bauantrag“" in queue and QUESTION in queue


def test_stale_foreign_and_unknown_confirmation_links_are_refused(client, reuse):
    ask(client, reuse)
    path = confirm_path()
    other = make_project(title="Anderes Projekt")
    assert client.get(path.replace(reuse.slug, other.slug)).status_code == 404
    assert client.get(f"/projekte/{reuse.slug}/fragen/bestaetigen/falsch/").status_code == 404
    Question.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    response = client.post(path)
    assert response.status_code == 404 and "abgelaufen" in response.content.decode()
    assert Question.objects.get().status == "draft"


def test_anonymous_askers_must_give_an_address_and_consent(client, reuse):
    page = ask(client, reuse, asker_email="", consent="").content.decode()
    assert page.count("kern-error") >= 2
    page = ask(client, reuse, asker_email="keine-adresse").content.decode()
    assert "kern-error" in page
    assert not Question.objects.exists() and not mail.outbox


def test_signed_in_askers_go_straight_to_moderation(client, reuse, other_user):
    client.force_login(other_user)
    page = client.get(f"/projekte/{reuse.slug}/fragen/").content.decode()
    assert 'name="asker_email"' not in page and 'name="consent"' not in page
    client.post(f"/projekte/{reuse.slug}/fragen/", {"text": QUESTION})
    question = Question.objects.get()
    assert question.status == "pending" and question.created_by == other_user
    assert question.asker_email == ""


def test_honeypot_refuses_bots(client, reuse):
    page = ask(client, reuse, homepage="http://spam.example").content.decode()
    assert "als automatisiert erkannt" in page
    assert not Question.objects.exists()


def test_questions_are_rate_limited_per_address(client, reuse):
    for n in range(5):
        ask(client, reuse, text=f"{QUESTION} ({n})")
    page = ask(client, reuse, text=f"{QUESTION} (6)").content.decode()
    assert "zu viele Anfragen" in page
    assert Question.objects.count() == 5


def test_no_questions_to_unpublished_projects(client, region):
    draft = make_project(title="Entwurf", status="pending")
    assert client.get(f"/projekte/{draft.slug}/fragen/").status_code == 404
    with pytest.raises(ValidationError):
        services.question_ask(
            project=draft, by=None, text=QUESTION, asker_email=ASKER, consent=True
        )


# --- moderation and answers ---------------------------------------------------------------------


def test_approval_tells_the_contact_point_not_the_public(client, reuse, coordinator):
    question = Question.objects.create(
        project=reuse, text=QUESTION, asker_email=ASKER, status="pending"
    )
    mail.outbox.clear()
    workflow.approve(obj=question, by=coordinator)
    assert [m.to[0] for m in mail.outbox] == [CONTACT]  # no "now public" mail to the asker
    assert QUESTION in mail.outbox[0].body
    assert Question.objects.get().notified_at is not None
    assert QUESTION not in client.get(f"/projekte/{reuse.slug}/fragen/").content.decode()


def test_rejection_sends_the_reason_to_the_asker(reuse, coordinator):
    question = Question.objects.create(
        project=reuse, text=QUESTION, asker_email=ASKER, status="pending"
    )
    workflow.reject(obj=question, by=coordinator, reason="Bitte ohne Werbung.")
    assert any(m.to == [ASKER] and "Bitte ohne Werbung." in m.body for m in mail.outbox)


def test_contact_point_answers_and_the_faq_shows_it(client, reuse, coordinator):
    question = approved(reuse, coordinator, asker_email=ASKER, asker_name="Kim aus Marl")
    mail.outbox.clear()
    client.force_login(reuse.contact)
    page = client.get(f"/projekte/{reuse.slug}/fragen/beantworten/").content.decode()
    assert QUESTION in page
    response = client.post(
        f"/projekte/{reuse.slug}/fragen/{question.pk}/antwort/",
        {"answer": "Die **XBau**-Schnittstelle."},
        follow=True,
    )
    assert "gespeichert und öffentlich" in response.content.decode()
    question.refresh_from_db()
    assert question.answered_by == reuse.contact and question.answered_at
    assert [m.to[0] for m in mail.outbox] == [ASKER]
    assert "XBau" in mail.outbox[0].body
    client.logout()
    for path in (f"/projekte/{reuse.slug}/fragen/", reuse.get_absolute_url()):
        page = client.get(path).content.decode()
        assert QUESTION in page and "<strong>XBau</strong>" in page
        assert "gefragt von Kim aus Marl" in page and ASKER not in page
    # changing the answer does not mail again
    client.force_login(reuse.editor)
    client.post(f"/projekte/{reuse.slug}/fragen/{question.pk}/antwort/", {"answer": "Neu."})
    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="question.answer_changed").count() == 1


def test_an_unrelated_editor_cannot_answer_a_foreign_projects_question(client, reuse, coordinator):
    question = approved(reuse, coordinator)
    stranger = UserFactory()
    other_lead = OrganizationFactory(status="published")
    OrganizationRole.objects.create(organization=other_lead, user=stranger, role="owner")
    other = make_project(title="Fremdes Projekt", lead_organization=other_lead)
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, by=stranger, answer="Übernommen!")
    client.force_login(stranger)
    url = f"/projekte/{reuse.slug}/fragen/{question.pk}/antwort/"
    assert client.post(url, {"answer": "Übernommen!"}).status_code == 403
    assert client.get(f"/projekte/{reuse.slug}/fragen/beantworten/").status_code == 403
    # the question's id under the stranger's own project is not found
    foreign = f"/projekte/{other.slug}/fragen/{question.pk}/antwort/"
    assert client.post(foreign, {"answer": "Übernommen!"}).status_code == 404
    question.refresh_from_db()
    assert question.answer == ""


def test_a_question_waiting_for_moderation_cannot_be_answered(reuse):
    question = Question.objects.create(project=reuse, text=QUESTION, status="pending")
    with pytest.raises(ValidationError):
        services.question_answer(question=question, by=reuse.editor, answer="Schon jetzt.")


def test_script_in_questions_and_answers_is_escaped(client, reuse, coordinator):
    hostile = '<script>alert("x")</script> Geht das auch mit <img src=x onerror=alert(1)>?'
    question = approved(reuse, coordinator, text=hostile, asker_name="<b>Mallory</b>")
    services.question_answer(
        question=question, by=reuse.editor, answer='Nein. <script>alert("y")</script>'
    )
    for path in (f"/projekte/{reuse.slug}/fragen/", reuse.get_absolute_url()):
        page = client.get(path).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page and "&lt;b&gt;Mallory&lt;/b&gt;" in page


def test_overlong_texts_are_refused(reuse, coordinator):
    with pytest.raises(ValidationError):
        services.question_ask(project=reuse, by=reuse.editor, text="x" * 2001)
    question = approved(reuse, coordinator)
    with pytest.raises(ValidationError):
        services.question_answer(question=question, by=reuse.editor, answer="x" * 5001)


# --- coordinators ---------------------------------------------------------------------------------


def test_coordinators_enter_event_questions_in_bulk(client, reuse, coordinator, user):
    text = (
        "Wie lange dauert die Einführung?\n\nWer schult die Beschäftigten\nin der Bauaufsicht?"
        "\n\n\nGibt es eine Schnittstelle zur E-Akte?"
    )
    data = {
        "project": reuse.pk,
        "event_title": "Austauschbörse 2026",
        "event_date": "2026-03-12",
        "split": "paragraph",
        "text": text,
    }
    client.force_login(user)
    assert client.post("/koordination/fragen/", data).status_code == 403
    client.force_login(coordinator)
    response = client.post("/koordination/fragen/", data, follow=True)
    assert "3 Fragen zu „Digitaler Bauantrag“ sind eingetragen" in response.content.decode()
    questions = Question.objects.order_by("pk")
    assert [q.text for q in questions][1] == "Wer schult die Beschäftigten in der Bauaufsicht?"
    assert all(q.status == "published" and q.source == "event" for q in questions)
    assert {q.event_title for q in questions} == {"Austauschbörse 2026"}
    assert [m.to[0] for m in mail.outbox] == [CONTACT]  # one mail with all of them
    assert "Gibt es eine Schnittstelle zur E-Akte?" in mail.outbox[0].body
    data.update(split="line", text="Frage eins, bitte?\nFrage zwei, bitte?")
    client.post("/koordination/fragen/", data)
    assert Question.objects.count() == 5


def test_bulk_entry_names_the_question_that_is_wrong(client, reuse, coordinator):
    client.force_login(coordinator)
    data = {"project": reuse.pk, "event_title": "Börse", "split": "line"}
    page = client.post("/koordination/fragen/", {**data, "text": "Eine gute Frage?\nkurz"})
    assert "Frage 2:" in page.content.decode()
    page = client.post("/koordination/fragen/", {**data, "project": 999999, "text": "Gute Frage?"})
    assert "kern-error" in page.content.decode()
    assert not Question.objects.exists()


def test_unanswered_questions_older_than_a_week_are_overdue(client, reuse, coordinator):
    old = approved(reuse, coordinator, text="Eine alte offene Frage zum Projekt?")
    Question.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=8))
    approved(reuse, coordinator, text="Eine neue offene Frage zum Projekt?")
    client.force_login(coordinator)
    page = client.get("/koordination/fragen/").content.decode()
    assert "2 unbeantwortete Fragen · 1 überfällig" in page
    assert page.count('kern-badge--warning kern-badge--small">überfällig') == 1


def test_weekly_reminder_is_idempotent(reuse, coordinator, capsys):
    approved(reuse, coordinator)
    now = timezone.now()
    mail.outbox.clear()
    assert services.remind_unanswered(now=now) == []  # just told at approval
    later = now + dt.timedelta(days=7, minutes=1)
    sent = services.remind_unanswered(now=later)
    assert [(p.pk, n) for p, n in sent] == [(reuse.pk, 1)]
    assert [m.to[0] for m in mail.outbox] == [CONTACT]
    assert "Erinnerung" in mail.outbox[0].subject
    assert services.remind_unanswered(now=later) == []
    assert services.remind_unanswered(now=later + dt.timedelta(days=6)) == []
    assert len(services.remind_unanswered(now=later + dt.timedelta(days=7, minutes=1))) == 1
    # answered questions remind nobody
    Question.objects.update(answer="Erledigt.", notified_at=None)
    mail.outbox.clear()
    call_command("projects", "remind")
    assert not mail.outbox
    assert "0 Erinnerung(en) verschickt" in capsys.readouterr().out


def test_unconfirmed_questions_are_deleted_after_a_week(client, reuse):
    ask(client, reuse)
    assert services.purge_unconfirmed() == 0
    Question.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    call_command("projects", "remind")
    assert not Question.objects.exists()
    assert AuditEntry.objects.get(action="question.purged").data["count"] == 1


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_answered_questions_only_without_addresses(client, reuse, coordinator):
    answered = approved(reuse, coordinator, asker_email=ASKER, asker_name="Kim")
    services.question_answer(question=answered, by=reuse.editor, answer="So geht es.")
    approved(reuse, coordinator, text="Noch offen: wie teuer ist der Betrieb?")
    Question.objects.create(project=reuse, text="Wartet auf Freigabe?", status="pending")
    data = client.get(f"/api/v1/projects/{reuse.slug}/questions").json()
    assert data["count"] == 1
    assert data["results"][0]["question"] == QUESTION
    assert data["results"][0]["answer"] == "So geht es."
    assert data["results"][0]["asked_by"] == "Kim"
    detail = client.get(f"/api/v1/projects/{reuse.slug}").json()
    assert [q["question"] for q in detail["questions"]] == [QUESTION]
    assert ASKER not in str(detail) and ASKER not in str(data)
    draft = make_project(title="Entwurf", status="pending")
    assert client.get(f"/api/v1/projects/{draft.slug}/questions").status_code == 404


def test_api_pages_the_answered_questions(client, reuse, coordinator, monkeypatch):
    from smartregion.projects import api

    monkeypatch.setattr(api, "QUESTIONS_PAGE", 2)
    for n in range(3):
        question = approved(reuse, coordinator, text=f"Frage Nummer {n}?")
        services.question_answer(question=question, by=reuse.editor, answer=f"Antwort {n}.")
    first = client.get(f"/api/v1/projects/{reuse.slug}/questions").json()
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (3, 1, 2, 2)
    second = client.get(f"/api/v1/projects/{reuse.slug}/questions", {"page": 2}).json()
    assert len(second["results"]) == 1
    seen = {r["question"] for r in first["results"] + second["results"]}
    assert seen == {f"Frage Nummer {n}?" for n in range(3)}
    for bad in ("0", "x", "-1"):
        response = client.get(f"/api/v1/projects/{reuse.slug}/questions", {"page": bad})
        assert response.status_code == 422


def test_the_askers_address_is_forgotten_once_the_answer_is_sent(client, reuse, coordinator):
    ask(client, reuse)
    path = confirm_path()
    client.post(path)
    question = Question.objects.get()
    workflow.approve(obj=question, by=coordinator)
    mail.outbox.clear()
    services.question_answer(question=question, by=reuse.editor, answer="So geht es.")
    assert [m.to[0] for m in mail.outbox if m.to == [ASKER]] == [ASKER]  # the answer went out
    question.refresh_from_db()
    assert question.asker_email == "" and question.confirm_token_hash == ""
    assert "So geht es." in client.get(f"/projekte/{reuse.slug}/fragen/").content.decode()
    assert client.get(path).status_code == 404  # the confirmation link has done its work


def test_addresses_of_rejected_questions_are_forgotten_after_a_week(client, reuse, coordinator):
    ask(client, reuse)
    client.post(confirm_path())
    question = Question.objects.get()
    workflow.reject(obj=question, by=coordinator, reason="Keine Frage zum Projekt.")
    services.purge_unconfirmed()
    question.refresh_from_db()
    assert question.asker_email == ASKER  # still within the week
    Question.objects.update(updated_at=timezone.now() - dt.timedelta(days=8))
    services.purge_unconfirmed()
    question.refresh_from_db()
    assert question.asker_email == "" and question.confirm_token_hash == ""
