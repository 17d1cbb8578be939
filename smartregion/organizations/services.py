"""Writes to organizations, their people, offers and needs.

Every function here checks who may do it (raising PermissionDenied), validates with
full_clean(), writes an audit entry and keeps the search index current, all in one
transaction. Views, the API and commands call these functions, never the models directly.
"""

import datetime as dt
import io
import struct
import warnings
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from smartregion.core import audit, mail, ratelimit, workflow
from smartregion.core.folding import fold
from smartregion.core.text import slug_base
from smartregion.core.workflow import Status
from smartregion.maps import geocoding
from smartregion.regions.loader import ensure_municipalities
from smartregion.regions.models import Region
from smartregion.search import index

from .models import (
    ContactPerson,
    EditorInvitation,
    Need,
    Offer,
    Organization,
    OrganizationClaim,
    OrganizationRole,
)

# Paths under /akteure/ that belong to self-service pages, so no profile may take them.
RESERVED_SLUGS = frozenset({"neu", "ansprueche", "einladung"})


def unique_slug(name: str) -> str:
    base = slug_base(name, fallback="organisation", reserved=RESERVED_SLUGS)
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- location -------------------------------------------------------------------------------


def postal_code_error(value: str, exc: Exception) -> str:
    """A message for people from the geocoder's exception (translatable, unlike the geocoder's)."""
    if isinstance(exc, geocoding.PostalCodeNotFound):
        return _(
            "Die Postleitzahl „%(code)s“ ist in den mitgelieferten Daten (NRW) nicht bekannt."
        ) % {"code": exc.postal_code}
    shown = (value or "").strip()[:20]
    if not shown:
        return _("Bitte geben Sie eine Postleitzahl an (fünf Ziffern, z. B. 45879).")
    return _("„%(value)s“ ist keine gültige Postleitzahl: erwartet werden fünf Ziffern.") % {
        "value": shown
    }


def locate(organization: Organization, *, strict: bool = False) -> None:
    """Coordinates and municipality from the postal code, offline.

    Unknown codes leave the location empty, or with ``strict`` raise a ValidationError on
    ``postal_code`` (what people editing a profile should see).
    """
    if not organization.postal_code:
        organization.lat = organization.lon = organization.municipality = None
        return
    try:
        place = geocoding.geocode(organization.postal_code, organization.city or None)
    except (geocoding.PostalCodeNotFound, ValueError) as exc:
        if strict:
            raise ValidationError(
                {"postal_code": postal_code_error(organization.postal_code, exc)}
            ) from exc
        organization.lat = organization.lon = organization.municipality = None
        return
    organization.postal_code = place.postal_code
    organization.lat, organization.lon = place.lat, place.lon
    organization.municipality = ensure_municipalities([place.ags])[0]
    if not organization.city:
        organization.city = place.place


# --- logos ----------------------------------------------------------------------------------

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_SIDE = 6000  # pixels per side, checked from the header before anything is decoded
LOGO_BOX = (400, 400)
LOGO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


class ProcessedLogo(ContentFile):
    """A logo that went through logo_from_upload(): WebP, at most 400×400, no metadata."""


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text


def logo_from_upload(upload) -> ProcessedLogo:
    """Decode an uploaded logo and re-encode it as a clean WebP.

    The file's type is decided by Pillow opening it with only the JPEG, PNG, WebP and GIF
    decoders (never by its name). Size is checked before decoding: at most 5 MB and 6000 px per
    side, so a small file that unpacks into a huge bitmap is refused unread. The result is a
    fresh bitmap (no EXIF, GPS, ICC or comments), oriented by its EXIF tag, fit into 400×400.
    SVG is refused: it is a document that can carry script, not a picture.
    """
    if isinstance(upload, ProcessedLogo):
        return upload
    size = getattr(upload, "size", None) or 0
    if size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Die Datei ist %(size).1f MB groß; erlaubt sind höchstens 5 MB.")
            % {"size": size / 1024 / 1024},
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if _looks_like_svg(head):
        raise ValidationError(
            _(
                "SVG-Dateien sind als Logo nicht möglich, weil sie Skripte enthalten können. "
                "Bitte laden Sie das Logo als PNG, JPEG, WebP oder GIF hoch."
            ),
            code="svg",
        )
    unreadable = ValidationError(
        _(
            "Die Datei ist kein Bild, das wir lesen können. Erlaubt sind PNG, JPEG, WebP und GIF "
            "(der Dateiname allein genügt nicht)."
        ),
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=LOGO_FORMATS) as image:
                width, height = image.size
                if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                    raise ValidationError(
                        _(
                            "Das Bild ist %(width)d × %(height)d Pixel groß; erlaubt sind "
                            "höchstens 6000 × 6000 Pixel."
                        )
                        % {"width": width, "height": height},
                        code="too_many_pixels",
                    )
                if image.format == "JPEG":
                    image.draft("RGB", (LOGO_BOX[0] * 2, LOGO_BOX[1] * 2))
                image.load()
                picture = ImageOps.exif_transpose(image)
        transparent = picture.mode in ("RGBA", "LA", "PA") or (
            picture.mode == "P" and "transparency" in picture.info
        )
        picture = picture.convert("RGBA" if transparent else "RGB")
        picture.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
        # A new bitmap from the pixels alone: nothing of the original file's metadata survives.
        clean = Image.frombytes(picture.mode, picture.size, picture.tobytes())
        out = io.BytesIO()
        clean.save(out, format="WEBP", quality=85, method=4)
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _("Das Bild hat zu viele Pixel; erlaubt sind höchstens 6000 × 6000 Pixel."),
            code="too_many_pixels",
        ) from exc
    except (
        UnidentifiedImageError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        TypeError,
        IndexError,
        EOFError,
        struct.error,
    ) as exc:
        raise unreadable from exc
    return ProcessedLogo(out.getvalue(), name="logo.webp")


def _logo_for(upload) -> ProcessedLogo:
    try:
        return logo_from_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"logo": exc.error_list}) from exc


def _check_text_limits(obj) -> None:
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


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- duplicates -----------------------------------------------------------------------------

# Hosts that many organizations share: the same domain there says nothing.
_SHARED_HOSTS = frozenset(
    {
        "facebook.com",
        "instagram.com",
        "linkedin.com",
        "xing.com",
        "youtube.com",
        "github.com",
        "github.io",
        "sites.google.com",
        "wordpress.com",
        "wixsite.com",
        "jimdofree.com",
        "jimdosite.com",
        "blogspot.com",
    }
)


def website_domain(url: str) -> str:
    """'https://www.Example.de/about' -> 'example.de'; '' for shared hosts or junk."""
    try:
        host = (urlsplit((url or "").strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if not host or host in _SHARED_HOSTS or any(host.endswith("." + s) for s in _SHARED_HOSTS):
        return ""
    return host


def find_duplicates(
    *, name: str, website: str = "", postal_code: str = "", exclude: Organization | None = None
) -> list[Organization]:
    """Profiles that are probably the same organization: same website domain, or the same name
    (ignoring case, umlauts, punctuation) at the same postal code. Drafts and rejected or
    archived profiles are someone's private matter and are not shown."""
    visible = Organization.objects.filter(status__in=[Status.PUBLISHED, Status.PENDING])
    if exclude is not None:
        visible = visible.exclude(pk=exclude.pk)
    found: dict[int, Organization] = {}
    domain = website_domain(website)
    if domain:
        for org in visible.filter(website__icontains=domain):
            if website_domain(org.website) == domain:
                found[org.pk] = org
    key = fold(name or "")
    if key and postal_code:
        for org in visible.filter(postal_code=postal_code.strip()):
            if fold(org.name) == key:
                found[org.pk] = org
    return sorted(found.values(), key=lambda o: o.name)


# --- organizations --------------------------------------------------------------------------


def _clean_links(links) -> list[str]:
    return [str(link).strip() for link in (links or []) if str(link).strip()]


@transaction.atomic
def organization_propose(
    *,
    user,
    name: str,
    kind: str,
    short_description: str = "",
    description: str = "",
    website: str = "",
    social_links=(),
    street: str = "",
    postal_code: str = "",
    city: str = "",
    topics=(),
    audiences=(),
    size: str = "",
    founded: int | None = None,
    logo=None,
    logo_alt: str = "",
    is_demo: bool = False,
    submit: bool = True,
) -> Organization:
    """A signed-in person proposes an organization; they own its profile, coordinators approve."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    organization = Organization(
        name=name.strip(),
        slug=unique_slug(name),
        kind=kind,
        short_description=short_description.strip(),
        description=description,
        website=website.strip(),
        social_links=_clean_links(social_links),
        street=street.strip(),
        postal_code=postal_code.strip(),
        city=city.strip(),
        size=size or "",
        founded=founded,
        logo_alt=logo_alt.strip(),
        created_by=user,
        is_demo=is_demo,
    )
    if logo is not None:
        organization.logo = _logo_for(logo)
    locate(organization)
    _check_text_limits(organization)
    organization.full_clean()
    organization.save()
    organization.topics.set(topics)
    organization.audiences.set(audiences)
    OrganizationRole.objects.create(
        organization=organization, user=user, role=OrganizationRole.Role.OWNER
    )
    audit.record(actor=user, action="organization.created", target=organization)
    if submit:
        workflow.submit(obj=organization, by=user)
    return organization


PROFILE_FIELDS = (
    "name",
    "kind",
    "short_description",
    "description",
    "website",
    "social_links",
    "street",
    "postal_code",
    "city",
    "size",
    "founded",
    "logo_alt",
)


def _pks(items) -> set[int]:
    return {getattr(item, "pk", item) for item in items}


def _set_m2m(obj, name: str, items, *, creating: bool) -> bool:
    """Replace a many-to-many relation; True when it changed."""
    manager = getattr(obj, name)
    new = _pks(items)
    old = set() if creating else set(manager.values_list("pk", flat=True))
    if new == old:
        return False
    manager.set(new)
    return True


def _home_region_check(*, topics=None, audiences=None, municipalities=None) -> None:
    """Topics, audiences and places must be the home region's (forms offer only those)."""
    region = Region.objects.home()
    if region is None:
        return
    errors = {}
    for name, items, allowed in (
        ("topics", topics, region.topics),
        ("audiences", audiences, region.audiences),
        ("municipalities", municipalities, region.municipalities),
    ):
        if items is None:
            continue
        wanted = _pks(items)
        if wanted and allowed.filter(pk__in=wanted).count() != len(wanted):
            errors[name] = _("Bitte wählen Sie nur aus den angebotenen Einträgen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    by,
    topics=None,
    audiences=None,
    logo=None,
    remove_logo: bool = False,
    **data,
) -> Organization:
    """Change a profile. Published profiles change in public at once (re-indexed); every change
    is logged with the names of the fields it touched. ``logo``: a new upload; ``remove_logo``:
    drop the current one; topics/audiences: None leaves them as they are."""
    if not organization.can_edit(by):
        raise PermissionDenied
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"organization_update() got unknown fields: {sorted(unknown)}")
    _home_region_check(topics=topics, audiences=audiences)
    changed: list[str] = []
    for name, value in data.items():
        if name == "social_links":
            value = _clean_links(value)
        elif isinstance(value, str) and name != "description":
            value = value.strip()
        elif value is None and name != "founded":
            value = ""
        if getattr(organization, name) != value:
            setattr(organization, name, value)
            changed.append(name)
    if {"postal_code", "city"} & set(changed):
        locate(organization, strict=True)
    old_logo = organization.logo.name if organization.logo else ""
    if logo is not None:
        organization.logo = _logo_for(logo)
        changed.append("logo")
    elif remove_logo and old_logo:
        organization.logo = ""
        changed.append("logo")
    _check_text_limits(organization)
    organization.full_clean()
    organization.save()
    if topics is not None and _set_m2m(organization, "topics", topics, creating=False):
        changed.append("topics")
    if audiences is not None and _set_m2m(organization, "audiences", audiences, creating=False):
        changed.append("audiences")
    if "logo" in changed:
        _delete_file_after_commit(organization.logo.storage, old_logo)
    if changed:
        audit.record(
            actor=by,
            action="organization.updated",
            target=organization,
            data={"fields": changed},
        )
    if organization.is_published:
        index.index(organization)
    return organization


# --- contact persons ------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "role", "email", "phone", "show_email", "show_phone", "position")


def _check_contact(contact: ContactPerson) -> None:
    errors = {}
    if contact.show_email and not contact.email:
        errors["email"] = _("Um eine E-Mail-Adresse zu zeigen, tragen Sie bitte eine ein.")
    if contact.show_phone and not contact.phone:
        errors["phone"] = _("Um eine Telefonnummer zu zeigen, tragen Sie bitte eine ein.")
    if errors:
        raise ValidationError(errors)


def _write_contact(contact: ContactPerson, data: dict) -> list[str]:
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    changed = []
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)
    _check_contact(contact)
    contact.full_clean()
    contact.save()
    return changed


@transaction.atomic
def contact_create(*, organization: Organization, by, **data) -> ContactPerson:
    if not organization.can_edit(by):
        raise PermissionDenied
    contact = ContactPerson(organization=organization)
    _write_contact(contact, data)
    # The person's name stays out of the log; the entry points at the profile.
    audit.record(
        actor=by,
        action="organization.contact_added",
        target=organization,
        data={"contact": contact.pk},
    )
    return contact


@transaction.atomic
def contact_update(*, contact: ContactPerson, by, **data) -> ContactPerson:
    if not contact.organization.can_edit(by):
        raise PermissionDenied
    changed = _write_contact(contact, data)
    if changed:
        audit.record(
            actor=by,
            action="organization.contact_updated",
            target=contact.organization,
            data={"contact": contact.pk, "fields": changed},
        )
    return contact


@transaction.atomic
def contact_delete(*, contact: ContactPerson, by) -> None:
    organization = contact.organization
    if not organization.can_edit(by):
        raise PermissionDenied
    pk = contact.pk
    contact.delete()
    audit.record(
        actor=by, action="organization.contact_removed", target=organization, data={"contact": pk}
    )


# --- claims ---------------------------------------------------------------------------------


def _require_coordinator(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_coordinator):
        raise PermissionDenied


def _claim_mail_context(claim: OrganizationClaim, reason: str = "") -> dict:
    org = claim.organization
    return {
        "organization": org.name,
        "url": mail.absolute(org.get_absolute_url()),
        "manage_url": mail.absolute(reverse("manage:dashboard", kwargs={"slug": org.slug})),
        "reason": reason,
    }


@transaction.atomic
def organization_claim(*, organization: Organization, user, message: str) -> OrganizationClaim:
    """Someone says a published profile is theirs; the coordinators are told and decide."""
    if not getattr(user, "is_authenticated", False) or not organization.is_published:
        raise PermissionDenied
    message = (message or "").strip()
    if organization.roles.filter(user=user).exists():
        raise ValidationError(_("Sie gehören schon zum Team dieses Profils."))
    already = _(
        "Ihr Anspruch auf dieses Profil liegt der Koordination schon vor; Sie hören von uns."
    )
    open_claims = OrganizationClaim.objects.filter(
        organization=organization, user=user, state=OrganizationClaim.State.OPEN
    )
    if open_claims.exists():
        raise ValidationError(already)
    if not message:
        raise ValidationError({"message": _("Bitte schreiben Sie kurz, wie Sie dazugehören.")})
    claim = OrganizationClaim(organization=organization, user=user, message=message)
    _check_text_limits(claim)
    claim.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:  # a second click raced the first one
        raise ValidationError(already) from exc
    audit.record(
        actor=user, action="organization.claimed", target=organization, data={"claim": claim.pk}
    )
    from smartregion.accounts.models import User

    context = {
        **_claim_mail_context(claim),
        "claims_url": mail.absolute(reverse("manage:claims")),
        "claimant": user.public_name,
    }
    for address in User.objects.coordinators().values_list("email", flat=True):
        mail.send(to=address, template="organization_claim_submitted", context=context)
    return claim


def _decide_claim(claim: OrganizationClaim, state: str) -> None:
    updated = OrganizationClaim.objects.filter(
        pk=claim.pk, state=OrganizationClaim.State.OPEN
    ).update(state=state, decided_at=timezone.now())
    if not updated:
        raise ValidationError(_("Über diesen Anspruch wurde schon entschieden."))
    claim.refresh_from_db(fields=["state", "decided_at"])


@transaction.atomic
def claim_accept(*, claim: OrganizationClaim, by) -> OrganizationRole:
    """The claimant becomes an owner of the profile."""
    _require_coordinator(by)
    _decide_claim(claim, OrganizationClaim.State.ACCEPTED)
    role, created = OrganizationRole.objects.get_or_create(
        organization=claim.organization,
        user=claim.user,
        defaults={"role": OrganizationRole.Role.OWNER},
    )
    if not created and role.role != OrganizationRole.Role.OWNER:
        role.role = OrganizationRole.Role.OWNER
        role.save(update_fields=["role"])
    audit.record(
        actor=by,
        action="organization.claim_accepted",
        target=claim.organization,
        data={"claim": claim.pk, "user": claim.user_id},
    )
    if claim.user.is_active:
        mail.send(
            to=claim.user.email,
            template="organization_claim_accepted",
            context=_claim_mail_context(claim),
        )
    return role


@transaction.atomic
def claim_decline(*, claim: OrganizationClaim, by, reason: str) -> OrganizationClaim:
    _require_coordinator(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Der Grund ist zu lang (höchstens 2000 Zeichen).")})
    _decide_claim(claim, OrganizationClaim.State.DECLINED)
    audit.record(
        actor=by,
        action="organization.claim_declined",
        target=claim.organization,
        reason=reason,
        data={"claim": claim.pk, "user": claim.user_id},
    )
    if claim.user.is_active:
        mail.send(
            to=claim.user.email,
            template="organization_claim_declined",
            context=_claim_mail_context(claim, reason),
        )
    return claim


# --- team: editors and invitations ----------------------------------------------------------

INVITATION_RATE = "20/d"  # per organization


@transaction.atomic
def editor_invite(*, organization: Organization, by, email: str) -> EditorInvitation:
    """An owner invites someone by email; the link in the mail works once, for 14 days."""
    if not organization.is_owner(by):
        raise PermissionDenied
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": _("Bitte geben Sie eine gültige E-Mail-Adresse an.")}
        ) from exc
    if organization.roles.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("Diese Person gehört schon zum Team.")})
    pending = organization.invitations.filter(
        email__iexact=email, accepted_at=None, expires_at__gt=timezone.now()
    )
    if pending.exists():
        raise ValidationError(
            {
                "email": _(
                    "An diese Adresse ist schon eine Einladung unterwegs. Sie können sie "
                    "zurückziehen und neu senden."
                )
            }
        )
    if ratelimit.hit("organization-invite", str(organization.pk), INVITATION_RATE):
        raise ValidationError(
            _(
                "Für diese Organisation wurden heute schon viele Einladungen verschickt. "
                "Bitte versuchen Sie es morgen wieder."
            )
        )
    invitation = EditorInvitation(organization=organization, email=email, invited_by=by)
    invitation.full_clean()
    invitation.save()
    # The address stays out of the log (it is kept on the invitation until it is used).
    audit.record(
        actor=by,
        action="organization.editor_invited",
        target=organization,
        data={"invitation": invitation.pk},
    )
    mail.send(
        to=email,
        template="organization_invitation",
        context={
            "organization": organization.name,
            "inviter": by.public_name,
            "url": mail.absolute(reverse("manage:invitation", kwargs={"token": invitation.token})),
            "expires_at": invitation.expires_at,
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: EditorInvitation, user) -> OrganizationRole:
    """The signed-in person becomes an editor; the invitation is used up."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    now = timezone.now()
    used = EditorInvitation.objects.filter(
        pk=invitation.pk, accepted_at=None, expires_at__gt=now
    ).update(accepted_at=now, accepted_by=user)
    if not used:
        raise ValidationError(
            _("Diese Einladung gilt nicht mehr: Sie wurde schon benutzt oder ist abgelaufen.")
        )
    organization = invitation.organization
    role, _created = OrganizationRole.objects.get_or_create(
        organization=organization, user=user, defaults={"role": OrganizationRole.Role.EDITOR}
    )
    audit.record(
        actor=user,
        action="organization.editor_added",
        target=organization,
        data={"invitation": invitation.pk, "user": user.pk},
    )
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active and inviter.pk != user.pk:
        mail.send(
            to=inviter.email,
            template="organization_invitation_accepted",
            context={
                "organization": organization.name,
                "person": user.public_name,
                "team_url": mail.absolute(
                    reverse("manage:team", kwargs={"slug": organization.slug})
                ),
            },
        )
    return role


@transaction.atomic
def invitation_revoke(*, invitation: EditorInvitation, by) -> None:
    organization = invitation.organization
    if not organization.is_owner(by):
        raise PermissionDenied
    pk = invitation.pk
    invitation.delete()
    audit.record(
        actor=by,
        action="organization.invitation_revoked",
        target=organization,
        data={"invitation": pk},
    )


@transaction.atomic
def editor_remove(*, role: OrganizationRole, by) -> None:
    """Owners remove editors (owners themselves are changed by the coordinators)."""
    organization = role.organization
    if not organization.is_owner(by):
        raise PermissionDenied
    if role.role != OrganizationRole.Role.EDITOR:
        raise ValidationError(_("Inhaberinnen und Inhaber des Profils ändert die Koordination."))
    user_id = role.user_id
    role.delete()
    audit.record(
        actor=by, action="organization.editor_removed", target=organization, data={"user": user_id}
    )


# --- offers and needs -----------------------------------------------------------------------

OFFER_FIELDS = ("title", "description", "kind", "cost", "region_wide", "online", "ends_on")
OFFER_RELATIONS = ("topics", "audiences", "municipalities")
NEED_FIELDS = ("title", "description", "expires_on")
NEED_RELATIONS = ("topics",)


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_need_expiry(value: dt.date | None) -> None:
    """A need is sought until a day in the future, at most two years ahead."""
    today = timezone.localdate()
    if value is None:
        raise ValidationError({"expires_on": _("Bitte geben Sie an, bis wann Sie suchen.")})
    if value <= today:
        raise ValidationError({"expires_on": _("Das Datum muss in der Zukunft liegen.")})
    latest = _years_later(today, 2)
    if value > latest:
        raise ValidationError(
            {
                "expires_on": _(
                    "Ein Bedarf gilt höchstens zwei Jahre; bitte wählen Sie ein Datum bis "
                    "zum %(date)s."
                )
                % {"date": latest.strftime("%d.%m.%Y")}
            }
        )


def check_offer_end(value: dt.date | None) -> None:
    if value is not None and value < timezone.localdate():
        raise ValidationError({"ends_on": _("Das Enddatum liegt in der Vergangenheit.")})


def _check_offer_place(offer: Offer, municipalities) -> None:
    if offer.region_wide or offer.online or municipalities:
        return
    raise ValidationError(
        {
            "municipalities": _(
                "Bitte geben Sie an, wo das Angebot verfügbar ist: in der ganzen Region, in "
                "bestimmten Kommunen oder online."
            )
        }
    )


def _go_live(obj, *, actor, reason: str = "") -> bool:
    """Publish one offer or need with a conditional UPDATE (like the workflow's transitions):
    two requests cannot both do it, and an archived item is not revived by accident."""
    now = timezone.now()
    previous = obj.status
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk)
        .exclude(status=Status.PUBLISHED)
        .update(
            status=Status.PUBLISHED,
            published_at=obj.published_at or now,
            submitted_at=obj.submitted_at or now,
            updated_at=now,
            rejection_reason="",
        )
    )
    if updated:
        obj.status = Status.PUBLISHED
        obj.published_at = obj.published_at or now
        obj.submitted_at = obj.submitted_at or now
        obj.rejection_reason = ""
        audit.record(
            actor=actor,
            action=f"{obj._meta.model_name}.published",
            target=obj,
            reason=reason,
            data={"from": previous, "to": Status.PUBLISHED},
        )
    index.index(obj)
    return bool(updated)


def _content_write(obj, *, by, data: dict, scalar, relations, creating: bool) -> list[str]:
    """Shared by offers and needs: checks, saves, logs, and publishes when the organization is
    public. Returns the names of the changed fields."""
    organization = obj.organization
    if not organization.can_edit(by):
        raise PermissionDenied
    unknown = set(data) - set(scalar) - set(relations)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    # A relation given as None stays as it is (like organization_update's topics=None).
    data = {k: v for k, v in data.items() if not (k in relations and v is None)}
    _home_region_check(**{name: data[name] for name in relations if name in data})
    changed = []
    for name in scalar:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str) and name != "description":
            value = value.strip()
        if creating or getattr(obj, name) != value:
            if name == "expires_on":
                check_need_expiry(value)
            elif name == "ends_on":
                check_offer_end(value)
            setattr(obj, name, value)
            changed.append(name)
    if creating and isinstance(obj, Need) and "expires_on" not in data:
        check_need_expiry(None)
    if isinstance(obj, Offer):
        places = (
            data["municipalities"]
            if "municipalities" in data
            else ([] if creating else list(obj.municipalities.all()))
        )
        _check_offer_place(obj, places)
    _check_text_limits(obj)
    obj.full_clean()
    obj.save()
    for name in relations:
        if name in data and _set_m2m(obj, name, data[name], creating=creating):
            changed.append(name)
    model = obj._meta.model_name
    audit.record(
        actor=by,
        action=f"{model}.created" if creating else f"{model}.updated",
        target=obj,
        data={"fields": changed},
    )
    if organization.is_published and obj.status in (Status.DRAFT, Status.PENDING, Status.REJECTED):
        _go_live(obj, actor=by)
    else:
        index.index(obj)
    return changed


@transaction.atomic
def offer_create(*, organization: Organization, by, **data) -> Offer:
    """A new offer: public at once when the organization is, else a draft that goes live with
    the organization's approval."""
    offer = Offer(organization=organization, created_by=by if by.is_authenticated else None)
    _content_write(
        offer, by=by, data=data, scalar=OFFER_FIELDS, relations=OFFER_RELATIONS, creating=True
    )
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, by, **data) -> Offer:
    _content_write(
        offer, by=by, data=data, scalar=OFFER_FIELDS, relations=OFFER_RELATIONS, creating=False
    )
    return offer


@transaction.atomic
def need_create(*, organization: Organization, by, **data) -> Need:
    need = Need(organization=organization, created_by=by if by.is_authenticated else None)
    _content_write(
        need, by=by, data=data, scalar=NEED_FIELDS, relations=NEED_RELATIONS, creating=True
    )
    return need


@transaction.atomic
def need_update(*, need: Need, by, **data) -> Need:
    _content_write(
        need, by=by, data=data, scalar=NEED_FIELDS, relations=NEED_RELATIONS, creating=False
    )
    return need


@transaction.atomic
def content_publish(*, obj: Offer | Need, by) -> Offer | Need:
    """Put an offer or need (back) online; only while its organization is public."""
    if not obj.organization.can_edit(by):
        raise PermissionDenied
    if not obj.organization.is_published:
        raise ValidationError(
            _("Das geht erst, wenn die Organisation freigegeben ist; dann geschieht es von selbst.")
        )
    if isinstance(obj, Need) and obj.is_expired:
        raise ValidationError(
            _("Der Bedarf ist abgelaufen. Bitte tragen Sie zuerst ein neues Datum ein.")
        )
    _go_live(obj, actor=by)
    return obj


@transaction.atomic
def content_archive(*, obj: Offer | Need, by) -> Offer | Need:
    """Take an offer or need offline; only the organization's team (and coordinators) may."""
    if not obj.organization.can_edit(by):
        raise PermissionDenied
    return workflow.archive(obj=obj, by=by)


def publish_waiting_content(organization: Organization, action: str) -> None:
    """When an organization is approved, the offers and needs its team drafted go live too."""
    if action != "approved" or not organization.is_published:
        return
    for model in (Offer, Need):
        for item in model._default_manager.filter(organization=organization, status=Status.DRAFT):
            _go_live(item, actor=None, reason=_("Die Organisation wurde freigegeben."))


# Runs inside workflow.approve's transaction. organizations/apps.py must import this module in
# ready() so the hook is in place before the first approval (see the self-service report).
workflow.register(Organization, after_transition=publish_waiting_content)
workflow.register_queue(
    "claims",
    label=lambda: _("Ansprüche auf Profile"),
    url_name="manage:claims",
    count=lambda: OrganizationClaim.objects.filter(state=OrganizationClaim.State.OPEN).count(),
)


def hand_over_ownership(user) -> None:
    """Before an account is deleted: where it is the only owner of a profile, the longest-
    serving editor becomes owner, so the profile keeps someone who can invite and decide.
    Without an editor the profile stays as it is (a claim makes someone owner again)."""
    owned = OrganizationRole.objects.filter(user=user, role=OrganizationRole.Role.OWNER)
    for role in owned.select_related("organization"):
        others = OrganizationRole.objects.filter(organization=role.organization).exclude(user=user)
        if others.filter(role=OrganizationRole.Role.OWNER).exists():
            continue
        heir = others.filter(role=OrganizationRole.Role.EDITOR).order_by("created_at", "pk").first()
        if heir is None:
            continue
        heir.role = OrganizationRole.Role.OWNER
        heir.save(update_fields=["role"])
        audit.record(
            actor=None,
            action="organization.owner_handed_over",
            target=role.organization,
            reason="Konto der bisherigen Inhaberin oder des bisherigen Inhabers gelöscht",
            data={"to": heir.user_id},
        )
