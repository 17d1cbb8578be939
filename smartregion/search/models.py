from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One searchable thing (an organization, an offer, a project …) as the index sees it.

    `title_terms`/`body_terms` hold the stemmed, folded words (see search.text); the database's
    full-text index is built over them: an FTS5 table on SQLite, a tsvector column on PostgreSQL
    (both created in migration 0002). Only public objects have a document.
    """

    type = models.CharField(max_length=32, db_index=True)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    municipality = models.CharField(max_length=8, blank=True, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # [[lat, lon], …]: more map points of the same entry (index.Document.more_places).
    more_places = models.JSONField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, db_index=True)
    sort_title = models.CharField(max_length=300, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "object_id"], name="one_document_per_object")
        ]
        # The lists (/akteure/, /angebote/ …) filter by type: their ids (counted, facets) need
        # the expiry date and the id beside the type, a page in title order the title (both
        # index-only, no sort; PostgreSQL's index-only scans need the id in the index).
        indexes = [
            models.Index(fields=["type", "valid_until", "id"], name="search_doc_type_valid_id"),
            models.Index(fields=["type", "sort_title", "id"], name="search_doc_type_title"),
            # The map's cache key reads the newest change on every request (index_stamp). An
            # index of its own, not db_index: altering the field would make SQLite rebuild the
            # table and drop the full-text triggers on it (migration 0002).
            models.Index(fields=["updated_at"], name="search_doc_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.type}:{self.object_id} {self.title}"


class SearchFacet(models.Model):
    """A facet value of a document (topic=ki, municipality=05513000 …), for filters and counts."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=24)
    value = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "name", "value"], name="unique_facet")
        ]
        indexes = [models.Index(fields=["name", "value", "document"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ZeroResultSearch(models.Model):
    """A search that found nothing: the query and filters, never who searched."""

    query = models.CharField(_("Suchbegriff"), max_length=200)
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Suche ohne Treffer")
        verbose_name_plural = _("Suchen ohne Treffer")

    def __str__(self) -> str:
        return self.query


class IndexVersion(models.Model):
    """One row that counts the committed changes of the index: every transaction that writes
    documents adds one, at its end (search.index). PostgreSQL's row lock orders these
    transactions, so the count seen by a reader changes exactly when a change has committed
    since; the in-process copy of the index (search.facetcounts) serves lists from memory
    while the count it was taken at is still the current one."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.version)
