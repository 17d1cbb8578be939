"""Writes to projects, their partners, results, presentations and transfer profiles.

Like organizations.services: every function checks who may do it (PermissionDenied), validates
with full_clean() (plus the length of text fields, which Django checks only in forms), writes
an audit entry and keeps the search index current, all in one transaction. Views, the API,
the demo and later importers call these functions, never the models directly.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from smartregion.core import audit, workflow
from smartregion.core.text import slug_base
from smartregion.organizations.models import Organization
from smartregion.projects.publiccode.spdx import suggestion
from smartregion.regions.models import Region
from smartregion.search import index

from .models import (
    OzgService,
    Project,
    ProjectPartner,
    ProjectPresentation,
    ProjectResult,
    TransferProfile,
)

# Paths under /projekte/ that belong to pages, so no project may take them as its slug.
RESERVED_SLUGS = frozenset({"neu", "ozg-leistungen"})

PROJECT_FIELDS = (
    "title",
    "acronym",
    "summary",
    "description",
    "website",
    "phase",
    "starts_on",
    "ends_on",
    "programme",
    "funder",
    "funding_amount",
    "total_budget",
    "model_region",
)
PROJECT_RELATIONS = ("topics", "municipalities", "ozg_services")
TRANSFER_FIELDS = (
    "maturity",
    "reusable_parts",
    "licence",
    "open_source",
    "source_url",
    "documentation_url",
    "prerequisites_technical",
    "prerequisites_organizational",
    "prerequisites_legal",
    "adoption_effort",
    "adoption_cost",
    "contact_name",
    "contact_email",
    "contact_email_public",
    "contact_phone",
    "contact_hours",
    "publiccode",
)
# Markdown and multi-line texts keep their white space; one-line fields are stripped.
_KEEP_SPACE = {"description"}


def unique_slug(title: str) -> str:
    base = slug_base(title, fallback="projekt", reserved=RESERVED_SLUGS)
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_text_limits(obj) -> None:
    """TextFields' max_length binds only forms; services check it for every caller."""
    errors = {}
    for field in obj._meta.concrete_fields:
        if field.get_internal_type() == "TextField" and field.max_length:
            value = getattr(obj, field.attname) or ""
            if len(value) > field.max_length:
                errors[field.name] = _(
                    "Der Text ist zu lang: %(length)d Zeichen, erlaubt sind %(max)d."
                ) % {"length": len(value), "max": field.max_length}
    if errors:
        raise ValidationError(errors)


def _require_editor(project: Project, user) -> None:
    if not project.can_edit(user):
        raise PermissionDenied


def _pks(items) -> set[int]:
    return {getattr(item, "pk", item) for item in items}


def _check_relations(data: dict) -> None:
    """Topics and places must be the home region's; OZG services must exist (forms offer only
    those, the API and hostile posts may send anything)."""
    region = Region.objects.home()
    errors = {}
    allowed = {
        "topics": region.topics if region else None,
        "municipalities": region.municipalities if region else None,
        "ozg_services": OzgService.objects,
    }
    for name, manager in allowed.items():
        if name not in data or data[name] is None or manager is None:
            continue
        wanted = _pks(data[name])
        if wanted and manager.filter(pk__in=wanted).count() != len(wanted):
            errors[name] = _("Bitte wählen Sie nur aus den angebotenen Einträgen.")
    if errors:
        raise ValidationError(errors)


def _assign(obj, data: dict, fields) -> list[str]:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    changed = []
    for name, value in data.items():
        if isinstance(value, str) and name not in _KEEP_SPACE:
            value = value.strip()
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _set_relations(project: Project, data: dict, *, creating: bool) -> list[str]:
    changed = []
    for name in PROJECT_RELATIONS:
        if data.get(name) is None:
            continue
        manager = getattr(project, name)
        new = _pks(data[name])
        old = set() if creating else set(manager.values_list("pk", flat=True))
        if new != old:
            manager.set(new)
            changed.append(name)
    return changed


def _save(obj) -> None:
    check_text_limits(obj)
    obj.full_clean()
    obj.save()


# --- projects -------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    by,
    lead_organization: Organization,
    topics=(),
    municipalities=(),
    ozg_services=(),
    is_demo: bool = False,
    submit: bool = True,
    **data,
) -> Project:
    """Someone of the lead organization (or a coordinator) enters a project. It waits for a
    coordinator's approval (`submit`), like a new organization."""
    if not getattr(by, "is_authenticated", False) or not lead_organization.can_edit(by):
        raise PermissionDenied
    relations = {"topics": topics, "municipalities": municipalities, "ozg_services": ozg_services}
    _check_relations(relations)
    project = Project(
        lead_organization=lead_organization,
        slug=unique_slug(data.get("title") or ""),
        created_by=by,
        is_demo=is_demo,
    )
    _assign(project, data, PROJECT_FIELDS)
    _save(project)
    _set_relations(project, relations, creating=True)
    audit.record(actor=by, action="project.created", target=project)
    if submit:
        workflow.submit(obj=project, by=by)
    return project


@transaction.atomic
def project_update(*, project: Project, by, **data) -> Project:
    """Change a project; a published one changes in public at once (re-indexed). Relations
    given as None stay as they are."""
    _require_editor(project, by)
    relations = {name: data.pop(name) for name in PROJECT_RELATIONS if name in data}
    _check_relations(relations)
    changed = _assign(project, data, PROJECT_FIELDS)
    _save(project)
    changed += _set_relations(project, relations, creating=False)
    if changed:
        audit.record(actor=by, action="project.updated", target=project, data={"fields": changed})
    index.index(project)
    return project


# --- partners -------------------------------------------------------------------------------


@transaction.atomic
def partner_add(
    *, project: Project, by, organization: Organization, role: str, role_description: str = ""
) -> ProjectPartner:
    """Only organizations with a public profile can be named as partners (or ones the person
    adding them edits): a project page must not reveal someone's unpublished draft."""
    _require_editor(project, by)
    if not (organization.is_published or organization.can_edit(by)):
        raise ValidationError(
            {"organization": _("Diese Organisation hat kein öffentliches Profil.")}
        )
    if organization.pk == project.lead_organization_id:
        raise ValidationError({"organization": _("Diese Organisation leitet das Projekt schon.")})
    if project.partners.filter(organization=organization).exists():
        raise ValidationError({"organization": _("Diese Organisation ist schon Partner.")})
    partner = ProjectPartner(
        project=project,
        organization=organization,
        role=role,
        role_description=(role_description or "").strip(),
    )
    partner.full_clean()
    partner.save()
    audit.record(
        actor=by,
        action="project.partner_added",
        target=project,
        data={"organization": organization.pk, "role": role},
    )
    index.index(project)
    return partner


@transaction.atomic
def partner_remove(*, partner: ProjectPartner, by) -> None:
    project = partner.project
    _require_editor(project, by)
    organization_id = partner.organization_id
    partner.delete()
    audit.record(
        actor=by,
        action="project.partner_removed",
        target=project,
        data={"organization": organization_id},
    )
    index.index(project)


# --- results and presentations --------------------------------------------------------------


@transaction.atomic
def result_add(
    *, project: Project, by, kind: str, title: str, url: str, description: str = ""
) -> ProjectResult:
    _require_editor(project, by)
    result = ProjectResult(
        project=project,
        kind=kind,
        title=(title or "").strip(),
        url=(url or "").strip(),
        description=(description or "").strip(),
    )
    result.full_clean()
    result.save()
    audit.record(
        actor=by, action="project.result_added", target=project, data={"result": result.pk}
    )
    return result


@transaction.atomic
def result_remove(*, result: ProjectResult, by) -> None:
    project = result.project
    _require_editor(project, by)
    pk = result.pk
    result.delete()
    audit.record(actor=by, action="project.result_removed", target=project, data={"result": pk})


@transaction.atomic
def presentation_add(
    *, project: Project, by, event_title: str, event_date=None, event_url: str = ""
) -> ProjectPresentation:
    """Record that the project was presented at an event (the events work will call this
    with its Event, see ProjectPresentation)."""
    _require_editor(project, by)
    presentation = ProjectPresentation(
        project=project,
        event_title=(event_title or "").strip(),
        event_date=event_date,
        event_url=(event_url or "").strip(),
    )
    presentation.full_clean()
    presentation.save()
    audit.record(
        actor=by,
        action="project.presentation_added",
        target=project,
        data={"presentation": presentation.pk},
    )
    return presentation


@transaction.atomic
def presentation_remove(*, presentation: ProjectPresentation, by) -> None:
    project = presentation.project
    _require_editor(project, by)
    pk = presentation.pk
    presentation.delete()
    audit.record(
        actor=by,
        action="project.presentation_removed",
        target=project,
        data={"presentation": pk},
    )


# --- transferability ------------------------------------------------------------------------


def canonical_licence(value: str) -> str:
    """Write "eupl-1.2" as "EUPL-1.2": a single identifier in another case is written as SPDX
    writes it; expressions are left for the validator to judge."""
    value = " ".join((value or "").split())
    if value and " " not in value and (canonical := suggestion(value)):
        return canonical
    return value


@transaction.atomic
def transfer_update(*, project: Project, by, **data) -> TransferProfile:
    """Create or change the project's transfer profile ("Steckbrief zur Nachnutzung")."""
    _require_editor(project, by)
    profile, created = TransferProfile.objects.get_or_create(project=project)
    if "licence" in data:
        data["licence"] = canonical_licence(data["licence"])
    if "reusable_parts" in data:
        parts = data["reusable_parts"]
        data["reusable_parts"] = (
            list(dict.fromkeys(parts)) if isinstance(parts, list | tuple) else parts
        )
    changed = _assign(profile, data, TRANSFER_FIELDS)
    _save(profile)
    project.transfer = profile
    if changed or created:
        # The contact's address stays out of the log; the field names say what changed.
        audit.record(
            actor=by,
            action="project.transfer_updated",
            target=project,
            data={"fields": changed},
        )
    index.index(project)
    return profile
