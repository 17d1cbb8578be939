"""Writing a checked plan: one transaction, everything or nothing, one audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import audit
from smartregion.core.bulk import large_write
from smartregion.core.text import slug_base
from smartregion.core.workflow import Status
from smartregion.regions.loader import ensure_municipalities
from smartregion.regions.models import Municipality
from smartregion.search import index

from ..models import ContactPerson, ImportJob, Offer, Organization
from ..services import RESERVED_SLUGS
from .rows import Plan, Progress, RowResult, check

INDEX_BATCH = 1000  # objects indexed per step of the progress bar


class ImportRejected(Exception):
    """At least one row is invalid, so nothing was imported."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(
            _(
                "%(count)s Zeile(n) sind fehlerhaft. Es wurde nichts importiert: ein Import gilt "
                "ganz oder gar nicht."
            )
            % {"count": plan.counts()["errors"]}
        )


# --- writing ---------------------------------------------------------------------------------


@transaction.atomic
def commit(*, kind: str, rows, by, filename: str = "", progress: Progress | None = None) -> Plan:
    """Check and import the rows in one transaction: all of them, or (ImportRejected) none."""
    if by is not None and not getattr(by, "is_coordinator", False):
        raise PermissionDenied
    with large_write():
        return _commit(kind=kind, rows=rows, by=by, filename=filename, progress=progress)


def _commit(*, kind: str, rows, by, filename: str, progress: Progress | None) -> Plan:
    plan = check(kind=kind, rows=rows, progress=progress)
    if not plan.is_valid:
        raise ImportRejected(plan)
    if kind == ImportJob.Kind.ORGANIZATIONS:
        written = _write_organizations(plan, by, progress)
    else:
        written = _write_offers(plan, by, progress)
    _reindex(written, plan, progress)
    model = "organization" if kind == ImportJob.Kind.ORGANIZATIONS else "offer"
    audit.record(
        actor=by,
        action=f"{model}.imported",
        target_label=_("Import aus „%(file)s“") % {"file": filename or "–"},
        data={"file": filename, **plan.counts()},
    )
    return plan


def _write_organizations(plan: Plan, by, progress: Progress | None) -> list:
    now = timezone.now()
    new, updated = plan.of("new"), plan.of("update")
    wanted = {r.ags for r in new + updated if r.ags}
    known = Municipality.objects.filter(ags__in=wanted).select_related("parent")
    places = {m.ags: m for m in known}
    missing = sorted(wanted - places.keys())
    if missing:
        places.update({m.ags: m for m in ensure_municipalities(missing)})
    slugs = set(Organization.objects.values_list("slug", flat=True))
    for r in new:
        org = r.obj
        org.slug = _unique_slug(org.name, slugs)
        org.status, org.published_at, org.created_by = Status.PUBLISHED, now, by
        org.municipality = places.get(r.ags)
    total, done = len(new) + len(updated), 0
    for start in range(0, len(new), 500):
        batch = [r.obj for r in new[start : start + 500]]
        Organization.objects.bulk_create(batch)
        done += len(batch)
        if progress:
            progress("write", done, total)
    _ensure_pks(new)
    for r in updated:
        if r.ags:
            r.obj.municipality = places.get(r.ags)
        r.obj.updated_at = now
    fields = ["name", "kind", "short_description", "description", "website", "street",
              "postal_code", "city", "municipality", "lat", "lon", "size", "founded",
              "updated_at"]  # fmt: skip
    if updated:
        Organization.objects.bulk_update([r.obj for r in updated], fields, batch_size=500)
        if progress:
            progress("write", total, total)
    _write_m2m(Organization, new + updated, "organization")
    contacts_new = [r for r in new + updated if r.contact is not None and r.contact_is_new]
    for r in contacts_new:
        r.contact.organization = r.obj
    ContactPerson.objects.bulk_create([r.contact for r in contacts_new], batch_size=500)
    changed_contacts = [r.contact for r in updated if r.contact and not r.contact_is_new]
    ContactPerson.objects.bulk_update(
        changed_contacts, ["role", "email", "phone", "show_email", "show_phone"], batch_size=500
    )
    return [r.obj for r in new + updated]


def _write_offers(plan: Plan, by, progress: Progress | None) -> list:
    now = timezone.now()
    new, updated = plan.of("new"), plan.of("update")
    for r in new:
        r.obj.status, r.obj.published_at, r.obj.created_by = Status.PUBLISHED, now, by
    for start in range(0, len(new), 500):
        Offer.objects.bulk_create([r.obj for r in new[start : start + 500]])
        if progress:
            progress("write", start + len(new[start : start + 500]), len(new) + len(updated))
    _ensure_pks(new)
    for r in updated:
        r.obj.updated_at = now
    if updated:
        fields = ["title", "description", "kind", "cost", "online", "ends_on", "updated_at"]
        Offer.objects.bulk_update([r.obj for r in updated], fields, batch_size=500)
    _write_m2m(Offer, new + updated, "offer")
    return [r.obj for r in new + updated]


def _write_m2m(model, results: list[RowResult], column: str) -> None:
    for name in ("topics", "audiences"):
        through = getattr(model, name).through
        target = "topic" if name == "topics" else "audience"
        given = [r for r in results if getattr(r, name) is not None]
        replaced = [r.obj.pk for r in given if r.target]
        for start in range(0, len(replaced), 500):
            through.objects.filter(**{f"{column}_id__in": replaced[start : start + 500]}).delete()
        links = [
            through(**{f"{column}_id": r.obj.pk, f"{target}_id": pk})
            for r in given
            for pk in getattr(r, name)
        ]
        through.objects.bulk_create(links, batch_size=1000)


def _ensure_pks(results: list[RowResult]) -> None:
    # SQLite >= 3.35 and PostgreSQL return the new ids from bulk inserts; the M2M rows need them.
    if results and results[0].obj.pk is None:
        raise RuntimeError("the database did not return ids from a bulk insert")


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slug_base(name, fallback="organisation", reserved=RESERVED_SLUGS)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _reindex(written: list, plan: Plan, progress: Progress | None) -> None:
    """Index the written objects (an updated organization's offers and needs with them) in
    batches, telling the same listeners a single edit tells (the synergy refresh)."""
    if not written:
        return
    model = type(written[0])
    ids = [obj.pk for obj in written]
    for start in range(0, len(ids), INDEX_BATCH):
        batch = ids[start : start + INDEX_BATCH]
        index.index_many(model, batch)
        if progress:
            progress("index", start + len(batch), len(ids))
