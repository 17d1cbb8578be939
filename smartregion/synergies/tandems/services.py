"""Writes to tandem profiles and tandems: only the two people concerned may act."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartregion.core import audit, mail
from smartregion.organizations.models import OrganizationRole

from ..models import Tandem, TandemProfile


def _signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied


@transaction.atomic
def profile_save(
    *, user, stage: str, offers: str, seeks: str, topics=(), organization=None, active: bool = True
) -> TandemProfile:
    """Opt in (or change the profile). The organization, if given, must be one's own."""
    _signed_in(user)
    if (
        organization is not None
        and not OrganizationRole.objects.filter(user=user, organization=organization).exists()
    ):
        raise ValidationError({"organization": _("Bitte wählen Sie eine Ihrer Organisationen.")})
    profile = TandemProfile.objects.filter(user=user).first() or TandemProfile(user=user)
    created = profile.pk is None
    profile.stage, profile.offers, profile.seeks = stage, offers.strip(), seeks.strip()
    profile.organization, profile.active = organization, active
    profile.full_clean()
    profile.save()
    profile.topics.set(topics)
    audit.record(
        actor=user,
        action="tandem_profile.created" if created else "tandem_profile.updated",
        target=profile,
        target_label=user.public_name,
    )
    if active:
        from .tasks import propose

        transaction.on_commit(propose.enqueue)
    return profile


def tandem_for(*, user, pk: int) -> Tandem:
    """The tandem, if the user is one of its two people (else PermissionDenied)."""
    _signed_in(user)
    tandem = Tandem.objects.select_related("young__user", "experienced__user").get(pk=pk)
    if tandem.side(user) is None:
        raise PermissionDenied
    return tandem


@transaction.atomic
def tandem_accept(*, tandem: Tandem, by) -> Tandem:
    side = tandem.side(by)
    if side is None:
        raise PermissionDenied
    if tandem.state != Tandem.State.PROPOSED:
        raise ValidationError(_("Dieser Vorschlag ist nicht mehr offen."))
    now = timezone.now()
    setattr(tandem, f"{side}_accepted_at", now)
    if tandem.young_accepted_at and tandem.experienced_accepted_at:
        tandem.state, tandem.formed_at = Tandem.State.FORMED, now
        tandem.schedule_next_checkin()
        _introduce(tandem)
    tandem.save()
    audit.record(actor=by, action="tandem.accepted", target=tandem, data={"state": tandem.state})
    return tandem


def _introduce(tandem: Tandem) -> None:
    """Both said yes: now, and only now, each learns the other's address (as Reply-To)."""
    for person, partner in ((tandem.young, tandem.experienced), (tandem.experienced, tandem.young)):
        mail.send(
            to=person.user.email,
            template="synergies_tandem_formed",
            context={
                "partner": partner.user.public_name,
                "url": mail.absolute("/synergien/tandem/"),
            },
            reply_to=partner.user.email,
        )


@transaction.atomic
def tandem_decline(*, tandem: Tandem, by) -> Tandem:
    if tandem.side(by) is None:
        raise PermissionDenied
    if tandem.state != Tandem.State.PROPOSED:
        raise ValidationError(_("Dieser Vorschlag ist nicht mehr offen."))
    tandem.state = Tandem.State.DECLINED
    tandem.save(update_fields=["state"])
    audit.record(actor=by, action="tandem.declined", target=tandem)
    from .tasks import propose

    transaction.on_commit(propose.enqueue)  # both are free again: find them someone else
    return tandem


@transaction.atomic
def tandem_update(*, tandem: Tandem, by, goals: str, checkin_days: int) -> Tandem:
    if tandem.side(by) is None:
        raise PermissionDenied
    if tandem.state != Tandem.State.FORMED:
        raise ValidationError(_("Ziele gibt es für gebildete Tandems."))
    tandem.goals, tandem.checkin_days = goals.strip(), checkin_days
    tandem.full_clean()
    tandem.schedule_next_checkin()
    tandem.save()
    audit.record(actor=by, action="tandem.updated", target=tandem)
    return tandem


@transaction.atomic
def tandem_end(*, tandem: Tandem, by) -> Tandem:
    if tandem.side(by) is None:
        raise PermissionDenied
    tandem.state, tandem.next_checkin_on = Tandem.State.ENDED, None
    tandem.save(update_fields=["state", "next_checkin_on"])
    audit.record(actor=by, action="tandem.ended", target=tandem)
    return tandem
