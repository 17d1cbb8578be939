"""What goes into the search index, and keeping it current.

Each searchable model registers a `build(obj) -> Document | None` (None: not public, so not in
the index) and the services that change such objects call `index(obj)` in their transaction. For
models under the publication workflow this happens automatically on every transition.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, models, transaction
from django.utils import timezone

from smartregion.core import workflow

from . import text
from .models import SearchDocument, SearchFacet


@dataclass
class Document:
    title: str
    text: str
    url: str
    facets: dict[str, Iterable[str]] = field(default_factory=dict)
    municipality: str = ""
    lat: float | None = None
    lon: float | None = None
    valid_until: date | None = None
    extra_terms: str = ""  # words that should find the object but are not shown (topics, places)
    # Further points on the map beside lat/lon (a project at each of its municipalities).
    more_places: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Registration:
    type: str
    model: type[models.Model]
    build: Callable[[models.Model], Document | None]
    queryset: Callable[[], models.QuerySet]
    label: Callable[[], str]
    related: Callable[[models.Model], Iterable[models.Model]] | None = None


_registry: dict[str, Registration] = {}
_listeners: list[Callable[[models.Model], None]] = []


def on_change(listener: Callable[[models.Model], None]) -> None:
    """Call `listener(obj)` whenever `index(obj)` runs, in the same transaction. Every service
    (and every workflow transition) that changes a searchable object calls `index(obj)`, so
    this is the one place other domains hear of changes (the synergy engine's refresh)."""
    if listener not in _listeners:
        _listeners.append(listener)


def register(
    type: str,
    model,
    *,
    build,
    queryset,
    label,
    related=None,
) -> None:
    """Make a model searchable. `queryset()` yields everything to index on a full rebuild (with
    the prefetching `build` needs); `related(obj)` names objects whose documents depend on obj
    (an organization's offers drop out when the organization is archived)."""
    _registry[type] = Registration(type, model, build, queryset, label, related)
    if issubclass(model, workflow.Publishable):
        workflow.register(model, after_transition=_after_transition)


def registrations() -> list[Registration]:
    return list(_registry.values())


def registration_for_model(model) -> Registration | None:
    for reg in _registry.values():
        if reg.model is model or isinstance(model, reg.model):
            return reg
    return None


def _after_transition(obj, action: str) -> None:
    index(obj)


def _facet_rows(document: SearchDocument, facets: dict[str, Iterable[str]]) -> list[SearchFacet]:
    rows = [SearchFacet(document=document, name="type", value=document.type)]
    for name, values in facets.items():
        for value in dict.fromkeys(v for v in values if v not in (None, "")):
            rows.append(SearchFacet(document=document, name=name, value=str(value)[:80]))
    return rows


def _columns(doc: Document) -> dict:
    """A document's stored columns (one place for _apply and rebuild)."""
    return {
        "title": doc.title[:300],
        "sort_title": doc.title.lower()[:300],
        "text": doc.text,
        "url": doc.url,
        "title_terms": text.terms(doc.title),
        "body_terms": text.terms(f"{doc.text} {doc.extra_terms}"),
        "municipality": doc.municipality or "",
        "lat": doc.lat,
        "lon": doc.lon,
        "more_places": [[round(a, 6), round(b, 6)] for a, b in doc.more_places] or None,
        "valid_until": doc.valid_until,
    }


def _apply(reg: Registration, obj, doc: Document | None) -> None:
    lookup = {"type": reg.type, "object_id": obj.pk}
    if doc is None:
        SearchDocument.objects.filter(**lookup).delete()
        return
    values = {**_columns(doc), "updated_at": timezone.now()}
    document, created = SearchDocument.objects.update_or_create(**lookup, defaults=values)
    if not created:
        document.facets.all().delete()
    SearchFacet.objects.bulk_create(_facet_rows(document, doc.facets))


@transaction.atomic
def index(obj) -> None:
    """Bring obj's document (and its dependents') in line with obj's current state."""
    reg = registration_for_model(type(obj))
    if reg is None:
        return
    _index(reg, obj)
    for listener in _listeners:
        listener(obj)


def _index(reg: Registration, obj) -> None:
    _apply(reg, obj, reg.build(obj))
    for dependent in reg.related(obj) if reg.related else ():
        dependent_reg = registration_for_model(type(dependent))
        if dependent_reg is not None:
            _index(dependent_reg, dependent)


@transaction.atomic
def remove(obj) -> None:
    reg = registration_for_model(type(obj))
    if reg is not None:
        SearchDocument.objects.filter(type=reg.type, object_id=obj.pk).delete()


def rebuild(types: Iterable[str] | None = None, *, batch: int = 1000, progress=None) -> int:
    """Rebuild the index from scratch (all types or the given ones). Returns documents written.

    Each type is rebuilt in one transaction: searches see the old or the new index, never a
    half-built one.
    """
    written = 0
    for reg in _registry.values():
        if types and reg.type not in types:
            continue
        with transaction.atomic():
            SearchDocument.objects.filter(type=reg.type).delete()
            documents: list[SearchDocument] = []
            pending_facets: list[dict] = []
            qs = reg.queryset()
            total = qs.count()
            for i, obj in enumerate(qs.iterator(chunk_size=batch), start=1):
                doc = reg.build(obj)
                if doc is not None:
                    documents.append(
                        SearchDocument(type=reg.type, object_id=obj.pk, **_columns(doc))
                    )
                    pending_facets.append(doc.facets)
                if len(documents) >= batch or (i == total and documents):
                    written += _flush(documents, pending_facets)
                    documents, pending_facets = [], []
                if progress:
                    progress(reg.type, i, total)
            if documents:
                written += _flush(documents, pending_facets)
    return written


def _flush(documents: list[SearchDocument], facets: list[dict]) -> int:
    created = SearchDocument.objects.bulk_create(documents)
    if created and created[0].pk is None:  # backends that don't return ids on bulk insert
        created = list(
            SearchDocument.objects.filter(
                type=documents[0].type, object_id__in=[d.object_id for d in documents]
            )
        )
        by_object = {d.object_id: d for d in created}
        created = [by_object[d.object_id] for d in documents]
    # Facet rows go in with one executemany: at hundreds of thousands of rows, building a model
    # instance per row costs more than the insert itself.
    rows = [
        (document.pk, row.name, row.value)
        for document, doc_facets in zip(created, facets, strict=True)
        for row in _facet_rows(document, doc_facets)
    ]
    table = SearchFacet._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (document_id, name, value) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
        )
    return len(created)
