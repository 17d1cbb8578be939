"""Forms of the project pages. They check shape and type; the services check the rules (who may,
which organizations may be named) and their ValidationErrors are shown on the same fields."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.organizations.forms import TopicGroupsMixin, WebsiteField
from smartregion.organizations.models import Organization
from smartregion.regions.models import Municipality, Region, Topic

from . import services
from .models import (
    MAX_AMOUNT_DIGITS,
    FundingProgramme,
    OzgService,
    Project,
    ProjectPartner,
    ProjectResult,
    TransferProfile,
    validate_licence,
)

MAX_OZG_SERVICES = 60
_OZG_SPLIT = re.compile(r"[\s,;]+")
_MARKDOWN_HINT = gettext_lazy(
    "Markdown ist möglich: **fett**, *kursiv*, Listen mit „-“, Links als [Text](https://…). "
    "HTML wird nicht übernommen."
)


def _label(model, name: str) -> str:
    return model._meta.get_field(name).verbose_name


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class EuroField(forms.DecimalField):
    """An amount as people in Germany write it: "480.000", "480.000,50", "480000,5", "1.5"
    (a point before exactly three digits groups thousands, as in "480.000"; otherwise it is a
    decimal point)."""

    def to_python(self, value):
        text = str(value or "").replace("€", "").replace("EUR", "")
        text = "".join(text.split())
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS.match(text):
            text = text.replace(".", "")
        return super().to_python(text)


def _amount(model, name: str):
    return EuroField(
        label=_label(model, name),
        required=False,
        min_value=0,
        max_digits=MAX_AMOUNT_DIGITS,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=gettext_lazy("In Euro, z. B. 480000 oder 480.000,00."),
    )


def _text(model, name: str, *, rows: int = 4, max_length: int = 5000, **kwargs):
    return forms.CharField(
        label=_label(model, name),
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class OzgServicesField(forms.CharField):
    """OZG services by their OZG-IDs, separated by commas or spaces ("10519, 10124")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(getattr(s, "service_key", str(s)) for s in value)
        return value

    def clean(self, value):
        text = super().clean(value) or ""
        keys = list(dict.fromkeys(k for k in _OZG_SPLIT.split(text) if k))
        if len(keys) > MAX_OZG_SERVICES:
            raise ValidationError(
                _("Bitte höchstens %(max)d OZG-Leistungen angeben.") % {"max": MAX_OZG_SERVICES}
            )
        malformed = [k for k in keys if not k.isdigit() or len(k) > 12]
        if malformed:
            raise ValidationError(
                _("Eine OZG-ID besteht aus Ziffern: „%(value)s“ ist keine.")
                % {"value": malformed[0][:20]}
            )
        found = {s.service_key: s for s in OzgService.objects.filter(service_key__in=keys)}
        unknown = [k for k in keys if k not in found]
        if unknown:
            raise ValidationError(
                _("Diese OZG-IDs gibt es nicht: %(ids)s.") % {"ids": ", ".join(unknown[:10])}
            )
        return [found[k] for k in keys]


class ProjectForm(TopicGroupsMixin, forms.Form):
    lead_organization = forms.ModelChoiceField(
        label=_label(Project, "lead_organization"),
        queryset=Organization.objects.none(),
        help_text=gettext_lazy("Eine Organisation, in deren Team Sie sind."),
    )
    title = forms.CharField(label=_label(Project, "title"), max_length=200)
    acronym = forms.CharField(label=_label(Project, "acronym"), max_length=40, required=False)
    summary = forms.CharField(
        label=_label(Project, "summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Ein, zwei Sätze für Listen und Suchergebnisse."),
    )
    description = _text(
        Project, "description", rows=10, max_length=20_000, help_text=_MARKDOWN_HINT
    )
    website = WebsiteField(label=_label(Project, "website"), required=False)
    phase = forms.ChoiceField(label=_label(Project, "phase"), choices=Project.Phase.choices)
    starts_on = forms.DateField(
        label=_label(Project, "starts_on"), required=False, widget=_date_widget()
    )
    ends_on = forms.DateField(
        label=_label(Project, "ends_on"), required=False, widget=_date_widget()
    )
    programme = forms.ModelChoiceField(
        label=_label(Project, "programme"),
        queryset=FundingProgramme.objects.all(),
        required=False,
        empty_label=gettext_lazy("keine Angabe"),
    )
    funder = forms.CharField(
        label=_label(Project, "funder"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("z. B. das Ministerium, das fördert."),
    )
    funding_amount = _amount(Project, "funding_amount")
    total_budget = _amount(Project, "total_budget")
    model_region = forms.ModelChoiceField(
        label=_label(Project, "model_region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("keine"),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_label(Project, "municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_label(Project, "topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ozg_services = OzgServicesField(
        label=_label(Project, "ozg_services"),
        help_text=gettext_lazy(
            "Die OZG-IDs der Leistungen, die das Projekt umsetzt, durch Kommas getrennt, "
            "z. B. 10519, 10124. Alle IDs stehen in der Liste der OZG-Leistungen."
        ),
    )

    def __init__(self, *args, region: Region | None = None, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["lead_organization"]
        else:
            self.fields["lead_organization"].queryset = organizations
        self.fields["municipalities"].queryset = (
            region.municipalities.all() if region else Municipality.objects.none()
        )
        self._setup_region_choices(region)

    @staticmethod
    def initial_for(project: Project) -> dict:
        initial = {name: getattr(project, name) for name in services.PROJECT_FIELDS}
        initial["topics"] = [t.pk for t in project.topics.all()]
        initial["municipalities"] = [m.pk for m in project.municipalities.all()]
        initial["ozg_services"] = list(project.ozg_services.all())
        return initial

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class PartnerForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    role = forms.ChoiceField(
        label=_label(ProjectPartner, "role"), choices=ProjectPartner.Role.choices
    )
    role_description = forms.CharField(
        label=_label(ProjectPartner, "role_description"), max_length=200, required=False
    )


class ResultForm(forms.Form):
    kind = forms.ChoiceField(
        label=_label(ProjectResult, "kind"), choices=ProjectResult.Kind.choices
    )
    title = forms.CharField(label=_label(ProjectResult, "title"), max_length=200)
    url = forms.URLField(
        label=_label(ProjectResult, "url"),
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
    )
    description = forms.CharField(
        label=_label(ProjectResult, "description"), max_length=300, required=False
    )


_OPEN_SOURCE_CHOICES = [
    ("", gettext_lazy("automatisch: ja, wenn Lizenz und Quellcode-Repository angegeben sind")),
    ("ja", gettext_lazy("ja")),
    ("nein", gettext_lazy("nein")),
]


class TransferForm(forms.Form):
    maturity = forms.ChoiceField(
        label=_label(TransferProfile, "maturity"), choices=TransferProfile.Maturity.choices
    )
    reusable_parts = forms.MultipleChoiceField(
        label=_label(TransferProfile, "reusable_parts"),
        choices=TransferProfile.Part.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    licence = forms.CharField(
        label=_label(TransferProfile, "licence"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Die SPDX-Kennung der Lizenz, z. B. EUPL-1.2, MIT oder Apache-2.0 OR MIT."
        ),
    )
    open_source = forms.TypedChoiceField(
        label=_label(TransferProfile, "open_source"),
        choices=_OPEN_SOURCE_CHOICES,
        required=False,
        coerce=lambda value: value == "ja",
        empty_value=None,
    )
    source_url = WebsiteField(
        label=_label(TransferProfile, "source_url"), required=False, max_length=500
    )
    documentation_url = WebsiteField(
        label=_label(TransferProfile, "documentation_url"), required=False, max_length=500
    )
    prerequisites_technical = _text(TransferProfile, "prerequisites_technical")
    prerequisites_organizational = _text(TransferProfile, "prerequisites_organizational")
    prerequisites_legal = _text(TransferProfile, "prerequisites_legal")
    adoption_effort = _text(TransferProfile, "adoption_effort")
    adoption_cost = _text(TransferProfile, "adoption_cost")
    contact_name = forms.CharField(
        label=_label(TransferProfile, "contact_name"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Wer Fragen zur Nachnutzung beantwortet, z. B. eine Stabsstelle."),
    )
    contact_email = forms.EmailField(label=_label(TransferProfile, "contact_email"), required=False)
    contact_email_public = forms.BooleanField(
        label=_label(TransferProfile, "contact_email_public"), required=False
    )
    contact_phone = forms.CharField(
        label=_label(TransferProfile, "contact_phone"),
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()/\-]{3,40}$",
                gettext_lazy("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            )
        ],
        help_text=gettext_lazy("Wird öffentlich gezeigt."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    contact_hours = forms.CharField(
        label=_label(TransferProfile, "contact_hours"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Wann die Anlaufstelle antwortet, z. B. „Di und Do, 9–12 Uhr“."),
    )

    @staticmethod
    def initial_for(profile: TransferProfile | None) -> dict:
        if profile is None:
            return {}
        initial = {
            name: getattr(profile, name)
            for name in services.TRANSFER_FIELDS
            if name not in ("publiccode", "open_source")
        }
        initial["open_source"] = {True: "ja", False: "nein"}.get(profile.open_source, "")
        return initial

    def clean_licence(self):
        value = services.canonical_licence(self.cleaned_data.get("licence", ""))
        validate_licence(value)
        return value

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
