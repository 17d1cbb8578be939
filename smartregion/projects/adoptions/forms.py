from django import forms
from django.utils.translation import gettext_lazy as _

from smartregion.regions.models import Municipality

from ..models import Adoption


class MunicipalityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Municipality) -> str:
        # Two towns of the same name are told apart by their Kreis.
        return f"{obj.name} ({obj.parent.name})" if obj.parent_id else obj.name


class AdoptionForm(forms.Form):
    municipality = MunicipalityChoice(
        label=_("Welche Kommune möchte das Projekt nachnutzen?"),
        queryset=Municipality.objects.select_related("parent").order_by("name"),
        empty_label=_("bitte wählen"),
    )
    note = forms.CharField(
        label=_("Notiz für die Anlaufstelle"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Was Sie vorhaben oder wissen möchten (höchstens 1000 Zeichen)."),
    )


class AbortForm(forms.Form):
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


def next_state_choices(adoption: Adoption, *, project_side: bool) -> list[tuple[str, str]]:
    states = adoption.next_states(project_side=project_side)
    return [(s, Adoption.State(s).label) for s in states]
