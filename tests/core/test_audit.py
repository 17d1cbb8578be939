import pytest

from smartregion.core import audit
from smartregion.core.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted(user):
    entry = audit.record(actor=user, action="test.done", target_label="etwas")
    entry.reason = "geändert"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_deleted_actor_is_shown_as_deleted_account(user):
    entry = audit.record(actor=user, action="test.done", target_label="etwas")
    user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None
    assert entry.actor_display == "gelöschtes Konto"


def test_system_entries_have_no_actor():
    entry = audit.record(actor=None, action="system.cleanup")
    assert entry.actor_display == "System"
