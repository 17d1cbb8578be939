"""/synergien/tandem/: one's tandem profile, proposals to accept or decline, formed tandems
with their goals. Only the two people of a tandem see it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smartregion.organizations.models import Organization
from smartregion.regions.models import Region, Topic

from ..models import Tandem, TandemProfile
from . import services


class ProfileForm(forms.ModelForm):
    class Meta:
        model = TandemProfile
        fields = ["stage", "offers", "seeks", "topics", "organization", "active"]
        widgets = {
            "stage": forms.RadioSelect,
            "offers": forms.Textarea(attrs={"rows": 4}),
            "seeks": forms.Textarea(attrs={"rows": 4}),
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region = Region.objects.home()
        self.fields["topics"].queryset = region.topics.all() if region else Topic.objects.all()
        self.fields["organization"].queryset = Organization.objects.filter(roles__user=user)
        self.fields["stage"].choices = TandemProfile.Stage.choices


class GoalsForm(forms.ModelForm):
    class Meta:
        model = Tandem
        fields = ["goals", "checkin_days"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4})}

    checkin_days = forms.TypedChoiceField(
        label=gettext_lazy("Erinnerung an ein Treffen"),
        coerce=int,
        choices=[
            (14, gettext_lazy("alle zwei Wochen")),
            (30, gettext_lazy("monatlich")),
            (60, gettext_lazy("alle zwei Monate")),
        ],
    )


def _tandems(user):
    mine = Q(young__user=user) | Q(experienced__user=user)
    return list(
        Tandem.objects.filter(mine)
        .exclude(state=Tandem.State.DECLINED)
        .select_related("young__user", "experienced__user")
        .prefetch_related("young__topics", "experienced__topics")
    )


@login_required
def tandem_home(request):
    profile = TandemProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_save(user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Ihr Tandem-Profil ist gespeichert."))
            return redirect("synergies:tandem")
    tandems = [
        {
            "t": t,
            "partner": t.partner_of(request.user),
            "accepted": t.accepted_by(t.side(request.user)),
            "goals_form": GoalsForm(instance=t, prefix=f"t{t.pk}"),
        }
        for t in _tandems(request.user)
    ]
    return render(
        request, "synergies/tandem.html", {"form": form, "profile": profile, "tandems": tandems}
    )


ACTIONS = {"annehmen": "accept", "ablehnen": "decline", "ziele": "update", "beenden": "end"}


@require_POST
@login_required
def tandem_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    try:
        tandem = services.tandem_for(user=request.user, pk=pk)
    except Tandem.DoesNotExist:
        raise Http404 from None
    try:
        if action == "ziele":
            form = GoalsForm(request.POST, instance=tandem, prefix=f"t{tandem.pk}")
            if not form.is_valid():
                raise ValidationError(_("Bitte prüfen Sie die Ziele und den Abstand der Treffen."))
            services.tandem_update(tandem=tandem, by=request.user, **form.cleaned_data)
        else:
            getattr(services, f"tandem_{ACTIONS[action]}")(tandem=tandem, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Gespeichert."))
    return redirect("synergies:tandem")
