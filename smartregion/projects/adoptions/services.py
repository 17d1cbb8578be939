"""Adoptions: a signed-in person declares a municipality's interest in reusing a project; the
declaring side or the project side (editors, contact point) moves it forward or ends it. Only
the project side confirms the public steps (running, adopted).

Every step is one conditional UPDATE (two people clicking at once cannot both move it), one
audit entry and mails: the contact point hears about every step, the declaring person about
the steps the project side takes. In public only the municipality is named, never a person.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import audit, mail
from smartregion.organizations.models import Organization
from smartregion.regions.models import Municipality
from smartregion.search import index

from ..models import Adoption, Project
from ..services import check_text_limits

MAX_NOTE = 1000


def may_move(adoption: Adoption, user) -> bool:
    return adoption.is_adopter(user) or adoption.project.can_respond(user)


def municipality_organization(user, municipality: Municipality) -> Organization | None:
    """The municipality's own organization, if the declaring person is on its team: its
    editors then share the adoption with them."""
    return (
        Organization.objects.filter(
            kind=Organization.Kind.MUNICIPALITY, municipality=municipality, roles__user=user
        )
        .exclude(status="archived")
        .order_by("pk")
        .first()
    )


def own_municipality(user) -> Municipality | None:
    """The municipality of the first municipal organization the person works for, if any:
    the declaration form suggests it."""
    org = (
        Organization.objects.filter(
            kind=Organization.Kind.MUNICIPALITY, roles__user=user, municipality__isnull=False
        )
        .select_related("municipality")
        .order_by("pk")
        .first()
    )
    return org.municipality if org is not None else None


def _clean_text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Bitte geben Sie einen Grund an.")})
    if len(value) > MAX_NOTE:
        raise ValidationError(
            {field: _("Der Text ist zu lang: höchstens %(max)d Zeichen.") % {"max": MAX_NOTE}}
        )
    return value


def _notify(adoption: Adoption, *, by, previous: str | None, reason: str = "") -> None:
    project = adoption.project
    context = {
        "project": project.title,
        "project_url": mail.absolute(project.get_absolute_url()),
        "manage_url": mail.absolute(adoption.get_absolute_url()),
        "municipality": adoption.municipality.name,
        "state": str(Adoption.State(adoption.state).label),
        "previous": str(Adoption.State(previous).label) if previous else "",
        "actor": by.public_name,
        "note": adoption.note if previous is None else "",
        "reason": reason,
    }
    declarer = adoption.declared_by
    # The contact point may want to write back at once: the declaring person's address is
    # the reply address of the mail (the declaration form says so).
    reply_to = declarer.email if declarer is not None and declarer.is_active else None
    for address in project.contact_point_emails():
        mail.send(
            to=address,
            template="project_adoption_contact",
            context={**context, "declarer_email": reply_to or ""},
            reply_to=reply_to,
        )
    if (
        previous is not None
        and declarer is not None
        and declarer.is_active
        and declarer.pk != by.pk
        and not adoption.is_adopter(by)
    ):
        mail.send(to=declarer.email, template="project_adoption_adopter", context=context)


@transaction.atomic
def adoption_declare(
    *, project: Project, by, municipality: Municipality, note: str = ""
) -> Adoption:
    """Anyone signed in may declare a municipality's interest in a published project (people
    of a municipality often have no organization profile here); the contact point checks who
    is asking, and nothing about the person is shown in public."""
    if not getattr(by, "is_authenticated", False):
        raise PermissionDenied
    if not project.is_published:
        raise ValidationError(_("Dieses Projekt ist nicht öffentlich."))
    note = _clean_text(note, "note")
    taken = project.adoptions.active().filter(municipality=municipality).first()
    if taken is not None:
        raise ValidationError(
            {
                "municipality": _(
                    "Für %(name)s ist schon eine Nachnutzung eingetragen (Stand: %(state)s). "
                    "Die Anlaufstelle des Projekts hilft weiter."
                )
                % {"name": municipality.name, "state": taken.get_state_display()}
            }
        )
    adoption = Adoption(
        project=project,
        municipality=municipality,
        organization=municipality_organization(by, municipality),
        declared_by=by,
        note=note,
    )
    check_text_limits(adoption)
    adoption.full_clean()
    adoption.save()
    audit.record(
        actor=by,
        action="adoption.declared",
        target=adoption,
        data={"project": project.pk, "municipality": municipality.ags},
    )
    _notify(adoption, by=by, previous=None)
    return adoption


def _move(adoption: Adoption, *, by, to: str, reason: str = "") -> Adoption:
    if not may_move(adoption, by):
        raise PermissionDenied
    previous = adoption.state
    now = timezone.now()
    changes = {"state": to, f"{to}_at": now, "updated_at": now}
    if reason:
        changes["abort_reason"] = reason
    updated = Adoption.objects.filter(pk=adoption.pk, state=previous).update(**changes)
    if not updated:
        raise ValidationError(
            _("Der Stand hat sich inzwischen geändert. Bitte laden Sie die Seite neu.")
        )
    for name, value in changes.items():
        setattr(adoption, name, value)
    audit.record(
        actor=by,
        action="adoption.aborted" if to == Adoption.State.ABORTED else "adoption.advanced",
        target=adoption,
        reason=reason,
        data={"from": previous, "to": to, "project": adoption.project_id},
    )
    _notify(adoption, by=by, previous=previous, reason=reason)
    if previous in Adoption.PUBLIC_STATES or to in Adoption.PUBLIC_STATES:
        index.index(adoption.project)  # the catalogue counts and filters by adoptions
    return adoption


@transaction.atomic
def adoption_advance(*, adoption: Adoption, by, to: str) -> Adoption:
    """Move forward to a later step (steps may be skipped, never gone back). The public steps
    need the project side: a declaring person could otherwise put any municipality on the
    project page as a reuser."""
    if not may_move(adoption, by):
        raise PermissionDenied
    project_side = adoption.project.can_respond(by)
    if to in Adoption.PUBLIC_STATES and not project_side and to in adoption.next_states():
        raise ValidationError(
            _(
                "„%(state)s“ bestätigt die Projektseite (das Projektteam oder die Anlaufstelle). "
                "Schreiben Sie ihr, wie weit Sie sind; sie setzt den Stand dann."
            )
            % {"state": Adoption.State(to).label}
        )
    if to not in adoption.next_states(project_side=project_side):
        raise ValidationError(
            _("„%(state)s“ ist von hier aus kein nächster Schritt.")
            % {"state": Adoption.State(to).label if to in Adoption.State.values else to[:30]}
        )
    return _move(adoption, by=by, to=to)


@transaction.atomic
def adoption_abort(*, adoption: Adoption, by, reason: str) -> Adoption:
    """End an open adoption, with a reason both sides can read."""
    if not may_move(adoption, by):
        raise PermissionDenied
    if adoption.is_closed:
        raise ValidationError(_("Diese Nachnutzung ist schon abgeschlossen."))
    reason = _clean_text(reason, "reason", required=True)
    return _move(adoption, by=by, to=Adoption.State.ABORTED, reason=reason)
