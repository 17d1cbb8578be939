from django.db import models
from django.utils import timezone


class IndexChange(models.Model):
    """An organization whose profile, offers or needs changed, or a project that changed, in the
    order the refresh tasks saw the changes: the change log every process applies to its kept
    engine index (refresh.current_index), so a worker also learns of changes another worker
    refreshed.
    Rows older than the oldest index any process may still keep are deleted by the full
    refresh."""

    # The engine's actor id: "12" (organization 12) or "project:5". No foreign key: deleted
    # ones count too.
    actor_id = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "Indexänderung"
        verbose_name_plural = "Indexänderungen"

    def __str__(self) -> str:
        return f"{self.pk}: {self.actor_id}"
