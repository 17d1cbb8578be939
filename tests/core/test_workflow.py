import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from smartregion.core import workflow
from smartregion.core.models import AuditEntry
from smartregion.core.workflow import Status
from tests.factories import OrganizationFactory, OrganizationRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(user, region):
    org = OrganizationFactory(created_by=user, name="Digitalwerkstatt Marl")
    OrganizationRoleFactory(organization=org, user=user)
    return org


def test_submit_moves_draft_to_pending_and_tells_submitter_and_coordinators(
    draft, user, coordinator
):
    workflow.submit(obj=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == Status.PENDING
    assert draft.submitted_at is not None
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([user.email, coordinator.email])
    to_coordinator = next(m for m in mail.outbox if m.to == [coordinator.email])
    assert "Digitalwerkstatt Marl" in to_coordinator.subject
    assert "/koordination/" in to_coordinator.body
    assert to_coordinator.alternatives[0][1] == "text/html"


def test_submit_by_a_stranger_is_refused(draft, other_user):
    with pytest.raises(PermissionDenied):
        workflow.submit(obj=draft, by=other_user)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="organization.submitted").exists()


def test_approve_publishes_writes_audit_and_mails_the_owner(draft, user, coordinator):
    workflow.submit(obj=draft, by=user)
    mail.outbox.clear()
    workflow.approve(obj=draft, by=coordinator)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    entry = AuditEntry.objects.get(action="organization.approved")
    assert entry.actor == coordinator
    assert entry.target == draft
    assert entry.data == {"from": "pending", "to": "published", "had_actor": True}
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Veröffentlicht" in mail.outbox[0].subject
    assert draft.get_absolute_url() in mail.outbox[0].body


def test_only_coordinators_approve_or_reject(draft, user):
    workflow.submit(obj=draft, by=user)
    with pytest.raises(PermissionDenied):
        workflow.approve(obj=draft, by=user)
    with pytest.raises(PermissionDenied):
        workflow.reject(obj=draft, by=user, reason="nein")
    draft.refresh_from_db()
    assert draft.status == Status.PENDING


def test_reject_needs_a_reason_and_sends_it(draft, user, coordinator):
    workflow.submit(obj=draft, by=user)
    with pytest.raises(ValueError, match="Grund"):
        workflow.reject(obj=draft, by=coordinator, reason="   ")
    mail.outbox.clear()
    workflow.reject(obj=draft, by=coordinator, reason="Bitte ergänzen Sie eine Beschreibung.")
    draft.refresh_from_db()
    assert draft.status == Status.REJECTED
    assert draft.rejection_reason == "Bitte ergänzen Sie eine Beschreibung."
    assert AuditEntry.objects.get(action="organization.rejected").reason == draft.rejection_reason
    assert "Bitte ergänzen Sie eine Beschreibung." in mail.outbox[0].body


def test_rejected_object_can_be_reworked_and_submitted_again(draft, user, coordinator):
    workflow.submit(obj=draft, by=user)
    workflow.reject(obj=draft, by=coordinator, reason="Beschreibung fehlt")
    workflow.submit(obj=draft, by=user)
    draft.refresh_from_db()
    assert draft.status == Status.PENDING
    assert draft.rejection_reason == ""


def test_second_approval_of_the_same_item_fails_clearly(draft, user, coordinator):
    """Two coordinators clicking at once: the conditional update lets only one win."""
    workflow.submit(obj=draft, by=user)
    stale = type(draft).objects.get(pk=draft.pk)
    workflow.approve(obj=draft, by=coordinator)
    with pytest.raises(workflow.TransitionError, match="Veröffentlicht"):
        workflow.reject(obj=stale, by=coordinator, reason="zu spät")
    assert AuditEntry.objects.filter(target_id=str(draft.pk)).count() == 2


def test_archive_by_editor_hides_and_notifies(draft, user, coordinator):
    workflow.submit(obj=draft, by=user)
    workflow.approve(obj=draft, by=coordinator)
    mail.outbox.clear()
    workflow.archive(obj=draft, by=user, reason="Firma aufgelöst")
    draft.refresh_from_db()
    assert draft.status == Status.ARCHIVED
    assert type(draft).objects.published().count() == 0
    assert "Archiviert" in mail.outbox[0].subject


def test_archive_by_stranger_is_refused(draft, other_user):
    with pytest.raises(PermissionDenied):
        workflow.archive(obj=draft, by=other_user)


def test_after_transition_hook_runs_in_the_transaction(draft, user, coordinator):
    seen = []
    reg = workflow.registration_for("organizations.organization")
    hook = lambda obj, action: seen.append((obj.pk, action, obj.status))  # noqa: E731
    reg.after_transition.append(hook)
    try:
        workflow.submit(obj=draft, by=user)
        workflow.approve(obj=draft, by=coordinator)
    finally:
        reg.after_transition.remove(hook)
    assert seen == [(draft.pk, "submitted", "pending"), (draft.pk, "approved", "published")]


def test_pending_count_spans_registered_models(draft, user):
    assert workflow.pending_count() == 0
    workflow.submit(obj=draft, by=user)
    assert workflow.pending_count() == 1
