"""core.bulk.update_rows writes JSON, dates, numbers and booleans as save() would."""

import datetime as dt

import pytest
from django.utils import timezone

from smartregion.core.bulk import update_rows
from smartregion.synergies.models import Suggestion
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_update_rows_writes_the_named_fields_only(region):
    a, b, c = (OrganizationFactory() for _ in range(3))
    rows = [
        Suggestion.objects.create(organization=a, other=b, kind="peer", score=0.1),
        Suggestion.objects.create(organization=a, other=c, kind="peer", score=0.2),
    ]
    when = timezone.now() - dt.timedelta(days=3)
    for n, row in enumerate(rows):
        row.reasons = [f"Grund {n} <script>", "Gemeinsame Themen: KI"]
        row.score, row.active, row.computed_at = 0.5 + n / 10, False, when
        row.kind = "need_offer"  # changed in memory, not named below: stays "peer"
    assert update_rows(rows, ["reasons", "score", "active", "computed_at"]) == 2
    for n, row in enumerate(Suggestion.objects.order_by("pk")):
        assert row.reasons == [f"Grund {n} <script>", "Gemeinsame Themen: KI"]
        assert row.score == pytest.approx(0.5 + n / 10)
        assert row.active is False and row.computed_at == when and row.kind == "peer"
    assert update_rows([], ["score"]) == 0


def test_large_write_raises_sqlites_page_cache_and_puts_it_back():
    from django.db import connection

    from smartregion.core.bulk import LARGE_WRITE_CACHE_KIB, large_write

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    if connection.vendor != "sqlite":
        with large_write():  # nothing to change on PostgreSQL, and nothing breaks
            pass
        return
    usual = cache_size()
    with pytest.raises(RuntimeError), large_write():
        assert cache_size() == -LARGE_WRITE_CACHE_KIB
        raise RuntimeError
    assert cache_size() == usual
