"""A project's software part from and to publiccode.yml.

- `software_apply`: an uploaded, valid file becomes the transfer profile's `publiccode`
  document and fills licence, repository and documentation.
- `software_import`: the command and the API; the file's `url` (the repository, the
  standard's identifier of a piece of software) finds the project whose transfer profile
  names that repository, or a new project is created, pending approval. Importing the same
  file again therefore updates, never duplicates.
- `export_document`: what /projekte/<slug>/publiccode.yml serves.

Fields filled from a file are overwritten by the next file only while they still hold what
the previous file gave them: what people changed by hand stays.
"""

from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import audit, workflow
from smartregion.core.workflow import Status
from smartregion.organizations.models import Organization
from smartregion.projects import publiccode
from smartregion.search import index

from ..models import HTTP_URL, Project, TransferProfile, validate_licence
from ..services import canonical_licence, check_text_limits, unique_slug
from .mapping import DERIVED_FIELDS, derived, describe, maturity_for, repository_key

MAX_STORED_CHARS = 1_000_000  # a real file is a few kB; the JSON column is not a file store


@dataclass
class Outcome:
    status: Literal["imported", "updated", "invalid"]
    result: publiccode.Result
    project: Project | None = None
    reasons: list[str] = field(default_factory=list)


def _valid(name: str, value: str) -> bool:
    try:
        if name == "licence":
            validate_licence(value)
        else:
            HTTP_URL(value)
    except ValidationError:
        return False
    return True


def _fill(profile: TransferProfile, document: dict) -> list[str]:
    """Put the document and what follows from it into the profile; returns changed fields."""
    before = derived(profile.publiccode or {})
    after = derived(document)
    changed = []
    for name in DERIVED_FIELDS:
        current = getattr(profile, name)
        new = after.get(name, "")
        if name == "licence":
            new = canonical_licence(new)
        if not new or not _valid(name, new) or current == new:
            continue
        if not current or current == before.get(name):
            setattr(profile, name, new)
            changed.append(name)
    if "software" not in profile.reusable_parts:
        profile.reusable_parts = [*profile.reusable_parts, "software"]
        changed.append("reusable_parts")
    if profile.publiccode != document:
        profile.publiccode = document
        changed.append("publiccode")
    return changed


def _store(profile: TransferProfile) -> None:
    import json

    if len(json.dumps(profile.publiccode, ensure_ascii=False)) > MAX_STORED_CHARS:
        raise ValidationError(_("Die publiccode.yml ist zu groß, um sie zu speichern."))
    check_text_limits(profile)
    profile.full_clean()
    profile.save()


@transaction.atomic
def software_apply(*, project: Project, by, document: dict) -> TransferProfile:
    """The project's editors upload a publiccode.yml that validated (no errors)."""
    if not project.can_edit(by):
        raise PermissionDenied
    owner = find_by_repository(str(document.get("url", "")), excluding=project)
    if owner is not None:
        # One repository, one project: the import command and the API find a project by it.
        raise ValidationError(
            _(
                "Das Repository dieser publiccode.yml gehört schon zum Projekt „%(title)s“. "
                "Wenn es dasselbe Projekt ist, wenden Sie sich bitte an die Koordination."
            )
            % {"title": owner.title}
        )
    return _update(project, by=by, document=document)


def _update(project: Project, *, by, document: dict) -> TransferProfile:
    profile, _created = TransferProfile.objects.get_or_create(project=project)
    changed = _fill(profile, document)
    _store(profile)
    project.transfer = profile
    audit.record(
        actor=by,
        action="project.publiccode_imported",
        target=project,
        data={"fields": changed, "url": str(document.get("url", ""))[:500]},
    )
    index.index(project)
    return profile


def find_by_repository(url: str, *, excluding: Project | None = None) -> Project | None:
    """The project whose transfer profile names this repository (however it is written:
    http or https, with or without www., ".git" or a trailing slash), or whose stored
    publiccode.yml does."""
    key = repository_key(url)
    if not key:
        return None
    # Narrowed by the repository's name (which every spelling contains), decided by the key.
    name = key.rsplit("/", 1)[-1]
    candidates = TransferProfile.objects.filter(
        Q(source_url__icontains=name) | Q(publiccode__url__icontains=name)
    ).select_related("project")
    if excluding is not None:
        candidates = candidates.exclude(project=excluding)
    for profile in candidates.order_by("project_id"):
        stored = str((profile.publiccode or {}).get("url", ""))
        if key in (repository_key(profile.source_url), repository_key(stored)):
            return profile.project
    return None


def _create(document: dict, *, by, lead_organization: Organization | None) -> Project:
    text = describe(document)
    project = Project(
        title=str(document.get("name", "")).strip()[:200],
        slug=unique_slug(str(document.get("name", ""))),
        summary=text.summary,
        description=text.description,
        website=text.website,
        lead_organization=lead_organization,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        is_imported=True,
    )
    check_text_limits(project)
    project.full_clean()
    project.save()
    profile = TransferProfile(project=project, maturity=maturity_for(document))
    _fill(profile, document)
    _store(profile)
    project.transfer = profile
    audit.record(
        actor=by,
        action="project.created",
        target=project,
        data={"publiccode": str(document.get("url", ""))[:500]},
    )
    if getattr(by, "is_authenticated", False):
        workflow.submit(obj=project, by=by)
    else:
        # The command line (no account): pending like any new project, without mailing the
        # coordinators once per file of a bulk import; the queue shows them.
        now = timezone.now()
        Project.objects.filter(pk=project.pk).update(status=Status.PENDING, submitted_at=now)
        project.status, project.submitted_at = Status.PENDING, now
        audit.record(actor=None, action="project.submitted", target=project)
    return project


def _reasons(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{name}: {m}" for name, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)


def software_import(
    *,
    data: bytes,
    by=None,
    lead_organization: Organization | None = None,
    base_dir=None,
) -> Outcome:
    """Import one publiccode.yml. `by` None is the command line (a system import); with a
    person, updating needs the right to edit the project and naming a lead organization the
    right to edit that organization. Errors of the file are returned, not raised; the
    database is left as it was for an invalid file."""
    result = publiccode.parse(data, base_dir=base_dir)
    if result.errors or result.document is None:
        return Outcome("invalid", result, reasons=[str(e) for e in result.errors])
    document = result.document
    person = getattr(by, "is_authenticated", False)
    try:
        with transaction.atomic():
            project = find_by_repository(str(document.get("url", "")))
            if project is not None:
                if person and not project.can_edit(by):
                    raise PermissionDenied
                _update(project, by=by, document=document)
                return Outcome("updated", result, project)
            if person and lead_organization is not None and not lead_organization.can_edit(by):
                raise PermissionDenied
            project = _create(document, by=by, lead_organization=lead_organization)
            return Outcome("imported", result, project)
    except ValidationError as exc:
        return Outcome("invalid", result, reasons=_reasons(exc))
