"""The shipped OZG taxonomy, loaded by migration 0002 and, when a database was emptied after
migrating (`smartregion flush`, the browser tests' flush between tests), again on demand."""

import importlib

from django.apps import apps
from django.db import transaction

from .models import OzgService

# The migration reads the shipped files itself (so it keeps working when this app changes);
# this module reuses that one loader instead of keeping a second copy.
_loader = importlib.import_module("smartregion.projects.migrations.0002_load_ozg")


@transaction.atomic
def ensure_ozg() -> None:
    """Load the taxonomy if it is missing (idempotent, cheap when it is there)."""
    if not OzgService.objects.exists():
        _loader.load(apps, None)
