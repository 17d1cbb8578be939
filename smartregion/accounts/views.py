import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import services
from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]


class DeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Ihr Passwort zur Bestätigung"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_update(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
        )
        messages.success(request, _("Ihre Angaben sind gespeichert."))
        return redirect("accounts:profile")
    roles = request.user.organization_roles.select_related("organization")
    return render(request, "accounts/profile.html", {"form": form, "roles": roles})


@login_required
@require_GET
def export(request):
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="smartregion-konto-{stamp}.json"'
    return response


@login_required
def delete(request):
    form = DeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user, by=user)
        messages.success(request, _("Ihr Konto ist gelöscht. Danke, dass Sie dabei waren."))
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form})
