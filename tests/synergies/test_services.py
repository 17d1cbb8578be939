"""Feedback and contact requests: who may, what is sent, what is logged, what is limited."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from smartregion.core.models import AuditEntry
from smartregion.organizations.models import ContactPerson
from smartregion.synergies import services
from smartregion.synergies.models import Suggestion
from tests.factories import UserFactory

from .conftest import member, suggestion

pytestmark = pytest.mark.django_db

MESSAGE = "Guten Tag, wir möchten Tablets im Unterricht einsetzen und suchen Begleitung."


@pytest.fixture
def school_member(refreshed):
    return member(refreshed.school, UserFactory(display_name="Sabine Schule"))


@pytest.fixture
def tablets_team(refreshed):
    return [member(refreshed.tablets), member(refreshed.tablets, role="editor")]


def test_member_marks_a_suggestion_and_it_is_logged(refreshed, school_member):
    s = suggestion(refreshed.school, refreshed.tablets)
    services.suggestion_feedback(suggestion=s, by=school_member, feedback="fits")
    s.refresh_from_db()
    assert (s.feedback, s.feedback_by) == ("fits", school_member)
    entry = AuditEntry.objects.get(action="suggestion.feedback")
    assert entry.data["to"] == "fits" and entry.actor == school_member


def test_member_of_one_organization_cannot_judge_anothers_suggestions(refreshed, school_member):
    theirs = suggestion(refreshed.city, refreshed.security)
    with pytest.raises(PermissionDenied):
        services.suggestion_feedback(suggestion=theirs, by=school_member, feedback="hidden")
    with pytest.raises(PermissionDenied):
        services.suggestion_for(user=school_member, pk=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.feedback == "none"


def test_unknown_feedback_value_is_refused(refreshed, school_member):
    s = suggestion(refreshed.school, refreshed.tablets)
    with pytest.raises(ValidationError):
        services.suggestion_feedback(suggestion=s, by=school_member, feedback="<script>")


def test_contact_request_reaches_the_team_with_reply_to_the_sender(
    refreshed, school_member, tablets_team
):
    s = suggestion(refreshed.school, refreshed.tablets)
    mail.outbox.clear()
    sent = services.contact_request(suggestion=s, by=school_member, message=MESSAGE)
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in tablets_team)
    message = mail.outbox[0]
    assert message.reply_to == [school_member.email]
    assert MESSAGE in message.body
    assert "Gesamtschule am Park" in message.subject
    # The recipients do not learn each other's addresses; the sender learns none.
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    s.refresh_from_db()
    assert s.feedback == Suggestion.Feedback.CONTACTED
    entry = AuditEntry.objects.get(action="suggestion.contacted")
    assert entry.data["recipients"] == 2
    assert MESSAGE not in str(entry.data) and tablets_team[0].email not in str(entry.data)


def test_contact_request_falls_back_to_the_contact_person(refreshed, school_member):
    ContactPerson.objects.create(
        organization=refreshed.tablets, name="Tina Tablet", email="tina@tablet.example"
    )
    services.contact_request(
        suggestion=suggestion(refreshed.school, refreshed.tablets),
        by=school_member,
        message=MESSAGE,
    )
    assert [m.to for m in mail.outbox] == [["tina@tablet.example"]]


def test_contact_request_to_an_unreachable_organization_says_so(refreshed, school_member):
    with pytest.raises(ValidationError, match="nicht erreichbar"):
        services.contact_request(
            suggestion=suggestion(refreshed.school, refreshed.tablets),
            by=school_member,
            message=MESSAGE,
        )


def test_hostile_message_is_escaped_in_the_html_mail(refreshed, school_member, tablets_team):
    hostile = '<script>alert("x")</script> Bitte melden Sie sich bei uns, danke!'
    services.contact_request(
        suggestion=suggestion(refreshed.school, refreshed.tablets),
        by=school_member,
        message=hostile,
    )
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_short_message_is_refused_and_nothing_is_sent(refreshed, school_member, tablets_team):
    with pytest.raises(ValidationError):
        services.contact_request(
            suggestion=suggestion(refreshed.school, refreshed.tablets),
            by=school_member,
            message="Hallo",
        )
    assert mail.outbox == []


def test_contact_requests_are_limited_to_ten_a_day(refreshed, school_member, tablets_team):
    s = suggestion(refreshed.school, refreshed.tablets)
    for _ in range(10):
        services.contact_request(suggestion=s, by=school_member, message=MESSAGE)
    mail.outbox.clear()
    with pytest.raises(services.RateLimited):
        services.contact_request(suggestion=s, by=school_member, message=MESSAGE)
    assert mail.outbox == []


def test_stranger_cannot_send_a_contact_request(refreshed, tablets_team):
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.contact_request(
            suggestion=suggestion(refreshed.school, refreshed.tablets),
            by=stranger,
            message=MESSAGE,
        )
    assert mail.outbox == []


def test_a_coordinator_does_not_write_in_an_organizations_name(
    refreshed, tablets_team, coordinator
):
    with pytest.raises(PermissionDenied):
        services.contact_request(
            suggestion=suggestion(refreshed.school, refreshed.tablets),
            by=coordinator,
            message=MESSAGE,
        )
    assert mail.outbox == []
