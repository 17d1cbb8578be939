"""Self-service pages: propose or claim an organization, edit its profile, contact persons,
team, offers and needs. Views fetch through permission-checking getters; the services decide
and raise PermissionDenied (403) for anyone else."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartregion.core import ratelimit, workflow
from smartregion.core.permissions import coordinator_required
from smartregion.regions.models import Region

from . import forms, services
from .models import (
    ContactPerson,
    EditorInvitation,
    Need,
    Offer,
    Organization,
    OrganizationClaim,
    OrganizationRole,
)

PROPOSALS_PER_DAY = "10/d"
CLAIMS_PER_DAY = "10/d"


def _apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form's fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _editable_organization(request, slug: str) -> Organization:
    """The organization, if the signed-in person may change it. Others get 403 for public
    profiles and 404 for the rest, so unpublished profiles do not reveal that they exist."""
    org = get_object_or_404(
        Organization.objects.select_related("municipality").prefetch_related("roles"), slug=slug
    )
    if not org.can_edit(request.user):
        if org.is_published:
            raise PermissionDenied
        raise Http404
    return org


def _manage(org: Organization):
    return redirect("manage:dashboard", slug=org.slug)


# --- propose and claim ----------------------------------------------------------------------


@login_required
def propose(request):
    region = Region.objects.home()
    duplicates: list[dict] = []
    if request.method != "POST":
        form = forms.OrganizationProposeForm(region=region)
        return render(request, "organizations/manage/propose.html", {"form": form})
    form = forms.OrganizationProposeForm(request.POST, request.FILES, region=region)
    if form.is_valid():
        data = form.service_data()
        if not form.cleaned_data["confirm_new"]:
            found = services.find_duplicates(
                name=data["name"], website=data["website"], postal_code=data["postal_code"]
            )
            duplicates = [
                {
                    "org": org,
                    "visible": org.is_published or org.can_edit(request.user),
                    "claimable": org.is_published and not org.can_edit(request.user),
                }
                for org in found
            ]
        if not duplicates:
            if ratelimit.hit("organization-propose", str(request.user.pk), PROPOSALS_PER_DAY):
                form.add_error(None, _("Sie haben heute schon viele Organisationen vorgeschlagen."))
            else:
                try:
                    org = services.organization_propose(user=request.user, **data)
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    return redirect("manage:submitted", slug=org.slug)
    context = {"form": form, "duplicates": duplicates, "logo_dropped": bool(request.FILES)}
    return render(request, "organizations/manage/propose.html", context)


@login_required
def submitted(request, slug: str):
    org = _editable_organization(request, slug)
    return render(request, "organizations/manage/submitted.html", {"organization": org})


@login_required
def claim(request, slug: str):
    org = get_object_or_404(Organization.objects.published().prefetch_related("roles"), slug=slug)
    if request.user.pk in org.team_user_ids:
        messages.info(request, _("Sie gehören schon zum Team dieses Profils."))
        return _manage(org)
    open_claim = OrganizationClaim.objects.filter(
        organization=org, user=request.user, state=OrganizationClaim.State.OPEN
    ).first()
    form = forms.ClaimForm(request.POST or None)
    if request.method == "POST" and open_claim is None and form.is_valid():
        if ratelimit.hit("organization-claim", str(request.user.pk), CLAIMS_PER_DAY):
            form.add_error(None, _("Sie haben heute schon viele Profile beansprucht."))
        else:
            try:
                services.organization_claim(
                    organization=org, user=request.user, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Danke! Die Koordination prüft Ihren Anspruch und meldet sich per E-Mail."),
                )
                return redirect(org.get_absolute_url())
    context = {"organization": org, "form": form, "open_claim": open_claim}
    return render(request, "organizations/manage/claim.html", context)


@coordinator_required
def claims(request):
    qs = (
        OrganizationClaim.objects.filter(state=OrganizationClaim.State.OPEN)
        .select_related("organization", "user")
        .order_by("created_at")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("seite"))
    return render(request, "organizations/manage/claims.html", {"page": page})


@require_POST
@coordinator_required
def claim_decide(request, pk: int, decision: str):
    claim = get_object_or_404(
        OrganizationClaim.objects.select_related("organization", "user"), pk=pk
    )
    try:
        if decision == "annehmen":
            services.claim_accept(claim=claim, by=request.user)
            done = _("%(person)s betreut jetzt „%(org)s“ und hat eine E-Mail erhalten.")
        elif decision == "ablehnen":
            services.claim_decline(
                claim=claim, by=request.user, reason=request.POST.get("reason", "")
            )
            done = _(
                "Der Anspruch auf „%(org)s“ ist abgelehnt; %(person)s hat den Grund per E-Mail."
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, done % {"person": claim.user.public_name, "org": claim.organization.name}
        )
    return redirect("manage:claims")


def invitation(request, token: str):
    """Anyone with the link sees what it is for; accepting needs an account."""
    inv = get_object_or_404(
        EditorInvitation.objects.select_related("organization", "invited_by"), token=token[:64]
    )
    if request.method == "POST" and inv.is_usable:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(invitation=inv, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Willkommen im Team von „%(org)s“! Sie können das Profil jetzt bearbeiten.")
                % {"org": inv.organization.name},
            )
            return _manage(inv.organization)
    return render(request, "organizations/manage/invitation.html", {"invitation": inv})


# --- the organization's own pages -----------------------------------------------------------


@login_required
def dashboard(request, slug: str):
    org = _editable_organization(request, slug)
    context = {
        "organization": org,
        "offers": org.offers.order_by("title"),
        "needs": org.needs.order_by("-expires_on", "title"),
        "contacts": org.contacts.all(),
        "is_owner": org.is_owner(request.user),
        "open_claims": OrganizationClaim.objects.filter(
            organization=org, state=OrganizationClaim.State.OPEN
        ).count()
        if request.user.is_coordinator
        else 0,
    }
    return render(request, "organizations/manage/dashboard.html", context)


@login_required
def edit(request, slug: str):
    org = _editable_organization(request, slug)
    region = Region.objects.home()
    if request.method != "POST":
        form = forms.OrganizationEditForm(region=region, organization=org)
    else:
        form = forms.OrganizationEditForm(
            request.POST, request.FILES, region=region, organization=org
        )
        if form.is_valid():
            try:
                services.organization_update(
                    organization=org, by=request.user, **form.service_data()
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
                org.refresh_from_db()  # the page shows the stored profile, not the attempt
            else:
                messages.success(
                    request,
                    _("Gespeichert. Die Änderungen sind sofort öffentlich.")
                    if org.is_published
                    else _("Gespeichert."),
                )
                return _manage(org)
    return render(request, "organizations/manage/edit.html", {"organization": org, "form": form})


@require_POST
@login_required
def submit(request, slug: str):
    org = _editable_organization(request, slug)
    try:
        workflow.submit(obj=org, by=request.user)
    except workflow.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Eingereicht. Die Koordination prüft das Profil."))
    return _manage(org)


@login_required
def team(request, slug: str):
    org = _editable_organization(request, slug)
    form = forms.InvitationForm(request.POST or None)
    if request.method == "POST":
        if not org.is_owner(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation = services.editor_invite(
                    organization=org, by=request.user, email=form.cleaned_data["email"]
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Die Einladung an %(email)s ist verschickt.") % {"email": invitation.email},
                )
                return redirect("manage:team", slug=org.slug)
    context = {
        "organization": org,
        "form": form,
        "roles": org.roles.select_related("user").order_by("role", "created_at"),
        "invitations": org.invitations.filter(accepted_at=None).order_by("-created_at"),
        "is_owner": org.is_owner(request.user),
    }
    return render(request, "organizations/manage/team.html", context)


@require_POST
@login_required
def team_remove(request, slug: str, pk: int):
    org = _editable_organization(request, slug)
    role = get_object_or_404(
        OrganizationRole.objects.select_related("user"), pk=pk, organization=org
    )
    try:
        services.editor_remove(role=role, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("%(person)s gehört nicht mehr zum Team.") % {"person": role.user.public_name}
        )
    return redirect("manage:team", slug=org.slug)


@require_POST
@login_required
def invitation_revoke(request, slug: str, pk: int):
    org = _editable_organization(request, slug)
    inv = get_object_or_404(EditorInvitation, pk=pk, organization=org)
    services.invitation_revoke(invitation=inv, by=request.user)
    messages.success(
        request, _("Die Einladung an %(email)s gilt nicht mehr.") % {"email": inv.email}
    )
    return redirect("manage:team", slug=org.slug)


# --- contact persons ------------------------------------------------------------------------


@login_required
def contact_form(request, slug: str, pk: int | None = None):
    org = _editable_organization(request, slug)
    contact = get_object_or_404(ContactPerson, pk=pk, organization=org) if pk else None
    initial = forms.ContactForm.initial_for(contact) if contact else None
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_create(organization=org, by=request.user, **form.cleaned_data)
            else:
                services.contact_update(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Die Ansprechperson ist gespeichert."))
            return _manage(org)
    context = {"organization": org, "form": form, "contact": contact}
    return render(request, "organizations/manage/contact_form.html", context)


@require_POST
@login_required
def contact_delete(request, slug: str, pk: int):
    org = _editable_organization(request, slug)
    contact = get_object_or_404(ContactPerson, pk=pk, organization=org)
    services.contact_delete(contact=contact, by=request.user)
    messages.success(request, _("Die Ansprechperson ist entfernt."))
    return _manage(org)


# --- offers and needs -----------------------------------------------------------------------

_CONTENT = {
    "angebote": (Offer, forms.OfferForm, services.offer_create, services.offer_update, "offer"),
    "bedarfe": (Need, forms.NeedForm, services.need_create, services.need_update, "need"),
}


def _content_config(kind: str):
    if kind not in _CONTENT:
        raise Http404
    return _CONTENT[kind]


@login_required
def content_form(request, slug: str, kind: str, pk: int | None = None):
    model, form_class, create, update, name = _content_config(kind)
    org = _editable_organization(request, slug)
    obj = get_object_or_404(model, pk=pk, organization=org) if pk else None
    region = Region.objects.home()
    kwargs = {"region": region}
    if obj is not None:
        kwargs["initial"] = form_class.initial_for(obj)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if obj is None:
                obj = create(organization=org, by=request.user, **form.service_data())
            else:
                update(**{name: obj}, by=request.user, **form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if not org.is_published:
                done = _(
                    "Gespeichert. Es wird öffentlich, sobald die Organisation freigegeben ist."
                )
            elif obj.is_published:
                done = _("Gespeichert und veröffentlicht.")
            else:
                done = _("Gespeichert.")
            messages.success(request, done)
            return _manage(org)
    context = {"organization": org, "form": form, "object": obj, "kind": name}
    return render(request, "organizations/manage/content_form.html", context)


@require_POST
@login_required
def content_status(request, slug: str, kind: str, pk: int, action: str):
    model = _content_config(kind)[0]
    org = _editable_organization(request, slug)
    obj = get_object_or_404(model, pk=pk, organization=org)
    try:
        if action == "archivieren":
            services.content_archive(obj=obj, by=request.user)
            done = _("„%(title)s“ ist archiviert und nicht mehr öffentlich.")
        elif action == "veroeffentlichen":
            services.content_publish(obj=obj, by=request.user)
            done = _("„%(title)s“ ist veröffentlicht.")
        else:
            raise Http404
    except (ValidationError, workflow.TransitionError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done % {"title": obj.title})
    return _manage(org)
