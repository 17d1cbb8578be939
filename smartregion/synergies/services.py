"""What members do with suggestions: feedback, contact requests, mail settings.

Every function checks who may do it (PermissionDenied), writes an audit entry and is the one
path for views, the API and commands alike.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import audit, mail, ratelimit
from smartregion.organizations.models import Organization, OrganizationRole

from . import unsubscribe
from .models import AlertSettings, Suggestion

CONTACTS_PER_DAY = "10/d"
MESSAGE_MIN, MESSAGE_MAX = 20, 3000


class RateLimited(Exception):
    """Too many attempts; `wait` seconds until the next is allowed."""

    def __init__(self, wait: int, message: str):
        super().__init__(message)
        self.wait = wait


def is_member(user, organization: Organization) -> bool:
    """Someone with a role (any) in the organization."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(r.user_id == user.pk for r in organization.roles.all())


def may_act_for(user, organization: Organization) -> bool:
    """Members of the organization, and coordinators (feedback on suggestions)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_coordinator or is_member(user, organization)


def suggestion_for(*, user, pk: int) -> Suggestion:
    """The suggestion, if the user may act for its organization (else PermissionDenied; an
    unknown id is Suggestion.DoesNotExist, which views turn into 404)."""
    suggestion = (
        Suggestion.objects.select_related("organization", "other__municipality")
        .prefetch_related("organization__roles")
        .get(pk=pk)
    )
    if not may_act_for(user, suggestion.organization):
        raise PermissionDenied
    return suggestion


@transaction.atomic
def suggestion_feedback(*, suggestion: Suggestion, by, feedback: str) -> Suggestion:
    """ "Passt", "Passt nicht" (hidden from then on), "Kontakt aufgenommen", or back to none
    (the undo). Survives every refresh: the row is kept while it carries feedback."""
    if not may_act_for(by, suggestion.organization):
        raise PermissionDenied
    if feedback not in Suggestion.Feedback.values:
        raise ValidationError({"feedback": _("Unbekannte Rückmeldung.")})
    previous = suggestion.feedback
    if previous == feedback:
        return suggestion
    suggestion.feedback = feedback
    suggestion.feedback_by = by
    suggestion.feedback_at = timezone.now()
    suggestion.save(update_fields=["feedback", "feedback_by", "feedback_at"])
    audit.record(
        actor=by,
        action="suggestion.feedback",
        target=suggestion,
        target_label=f"{suggestion.organization.name} → {suggestion.other.name}",
        data={"from": previous, "to": feedback, "kind": suggestion.kind},
    )
    return suggestion


def contact_recipients(organization: Organization) -> list[str]:
    """Who reads a contact request: the profile's team (owners first), else its contact
    persons with an address. The sender never sees these addresses."""
    roles = (
        OrganizationRole.objects.filter(organization=organization, user__is_active=True)
        .exclude(user__email="")
        .order_by("-role", "created_at")  # "owner" sorts after "editor": owners first
    )
    emails = list(dict.fromkeys(roles.values_list("user__email", flat=True)))
    if emails:
        return emails
    contacts = organization.contacts.exclude(email="").values_list("email", flat=True)
    return list(dict.fromkeys(contacts))[:1]


def _clean_message(message: str) -> str:
    message = (message or "").replace("\r\n", "\n").strip()
    if len(message) < MESSAGE_MIN:
        raise ValidationError(
            {
                "message": _("Bitte schreiben Sie ein paar Sätze (mindestens %(n)d Zeichen).")
                % {"n": MESSAGE_MIN}
            }
        )
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            {
                "message": _("Die Nachricht ist zu lang (höchstens %(n)d Zeichen).")
                % {"n": MESSAGE_MAX}
            }
        )
    return message


@transaction.atomic
def contact_request(*, suggestion: Suggestion, by, message: str) -> int:
    """Send the message to the suggested partner through the platform, Reply-To the sender.
    Nobody's address appears on a page: the partner sees the sender's when reading the mail,
    the sender sees the partner's only if they answer. Limited to 10 a day per person; logged
    (audit entry, suggestion marked "Kontakt aufgenommen"). Returns the number of mails.
    Only members write in their organization's name; coordinators do not speak for it."""
    if not is_member(by, suggestion.organization):
        raise PermissionDenied
    message = _clean_message(message)
    other = suggestion.other
    if not other.is_published:
        raise ValidationError(_("Diese Organisation ist nicht mehr öffentlich."))
    recipients = contact_recipients(other)
    if not recipients:
        raise ValidationError(
            _("%(name)s ist über die Plattform leider nicht erreichbar.") % {"name": other.name}
        )
    wait = ratelimit.hit("synergy-contact", str(by.pk), CONTACTS_PER_DAY)
    if wait:
        raise RateLimited(
            wait,
            _(
                "Sie haben heute schon %(n)d Kontaktanfragen gesendet. Bitte versuchen Sie es "
                "morgen wieder."
            )
            % {"n": ratelimit.Rate.parse(CONTACTS_PER_DAY).count},
        )
    sender = suggestion.organization
    context = {
        "sender_name": by.public_name,
        "sender_organization": sender.name,
        "sender_url": mail.absolute(sender.get_absolute_url()),
        "organization": other.name,
        "message": message,
        "reasons": suggestion.reasons,
    }
    for address in recipients:
        mail.send(to=address, template="synergies_contact", context=context, reply_to=by.email)
    audit.record(
        actor=by,
        action="suggestion.contacted",
        target=suggestion,
        target_label=f"{sender.name} → {other.name}",
        # The outcome, not the content: no message text, no addresses in the log.
        data={"recipients": len(recipients), "kind": suggestion.kind, "length": len(message)},
    )
    if suggestion.feedback != Suggestion.Feedback.CONTACTED:
        suggestion_feedback(suggestion=suggestion, by=by, feedback=Suggestion.Feedback.CONTACTED)
    return len(recipients)


# --- mail settings ----------------------------------------------------------------------------


def settings_for(user) -> AlertSettings:
    found = AlertSettings.objects.filter(user=user).first()
    return found or AlertSettings(user=user)


@transaction.atomic
def settings_update(*, user, need_alerts: str, digest: bool) -> AlertSettings:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    settings = settings_for(user)
    settings.need_alerts = need_alerts
    settings.digest = bool(digest)
    settings.full_clean(exclude=["user"])
    settings.save()
    audit.record(
        actor=user,
        action="synergy_settings.updated",
        target=settings,
        data={"need_alerts": need_alerts, "digest": bool(digest)},
    )
    return settings


@transaction.atomic
def unsubscribe_with(*, token: str) -> tuple[AlertSettings, str] | None:
    """Turn off the mails a signed link names; None for a broken link. Works signed out."""
    found = unsubscribe.read(token)
    if found is None:
        return None
    user_id, scope = found
    settings = AlertSettings.objects.select_related("user").filter(user_id=user_id).first()
    if settings is None:
        return None
    before = (settings.digest, settings.need_alerts)
    if scope == "digest":  # the weekly mail altogether: new suggestions and weekly need alerts
        settings.digest = False
        if settings.need_alerts == AlertSettings.NeedAlerts.WEEKLY:
            settings.need_alerts = AlertSettings.NeedAlerts.OFF
    else:
        settings.need_alerts = AlertSettings.NeedAlerts.OFF
    if (settings.digest, settings.need_alerts) == before:
        return settings, scope
    settings.save()
    audit.record(actor=None, action=f"synergy_settings.unsubscribed_{scope}", target=settings)
    return settings, scope
