from django_tasks import task

from .pairing import propose_tandems


@task()
def propose() -> int:
    """Pair whoever is free (idempotent; also run daily by `smartregion synergies tandems`)."""
    return propose_tandems()
