"""Forms of the self-service pages. They check shape and type; the services check the rules
(who may, what goes live) and their ValidationErrors are shown on the same fields."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartregion.maps import geocoding
from smartregion.regions.models import Audience, Municipality, Region, Topic

from . import services
from .models import ContactPerson, Need, Offer, Organization

HTTP_URL = URLValidator(schemes=["http", "https"])
MAX_SOCIAL_LINKS = 5


def _label(model, name: str) -> str:
    return model._meta.get_field(name).verbose_name


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _checkboxes(queryset=None, **kwargs):
    return forms.ModelMultipleChoiceField(
        queryset=queryset if queryset is not None else Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )


class WebsiteField(forms.URLField):
    default_validators = [HTTP_URL]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)


class SocialLinksField(forms.CharField):
    """Up to five web addresses, one per line, http(s) only."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 1200)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        links = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if len(links) > MAX_SOCIAL_LINKS:
            raise ValidationError(
                _("Bitte höchstens %(max)d Adressen angeben.") % {"max": MAX_SOCIAL_LINKS}
            )
        for link in links:
            shown = link if len(link) <= 60 else link[:60] + "…"
            if len(link) > 200:
                raise ValidationError(_("„%(link)s“ ist zu lang.") % {"link": shown})
            try:
                HTTP_URL(link)
            except ValidationError as exc:
                raise ValidationError(
                    _("„%(link)s“ ist keine Webadresse mit http:// oder https://.")
                    % {"link": shown}
                ) from exc
        return links


class TopicGroupsMixin:
    """Topics of the home region as checkboxes grouped under their parent topic."""

    def _setup_region_choices(self, region: Region | None) -> None:
        topics = list(region.topics.all()) if region else []
        parents = [t for t in topics if t.parent_id is None]
        known = {t.pk for t in parents}
        children: dict[int, list[Topic]] = {}
        for t in topics:
            if t.parent_id in known:
                children.setdefault(t.parent_id, []).append(t)
        grouped = []
        for parent in parents:
            options = [(parent.pk, _("%(topic)s allgemein") % {"topic": parent.label})]
            options += [(c.pk, c.label) for c in children.get(parent.pk, [])]
            grouped.append((parent.label, options))
        # Children whose parent is not in the region still deserve a box.
        orphans = [(t.pk, t.label) for t in topics if t.parent_id and t.parent_id not in known]
        if orphans:
            grouped.append((_("Weitere Themen"), orphans))
        field = self.fields["topics"]
        field.queryset = Topic.objects.filter(pk__in=[t.pk for t in topics])
        field.choices = grouped
        if "audiences" in self.fields:
            self.fields["audiences"].queryset = (
                region.audiences.all() if region else Audience.objects.none()
            )

    def topic_groups(self) -> list[dict]:
        """[{label, options: [BoundWidget]}] for the template (fieldset per parent topic)."""
        widgets = list(self["topics"].subwidgets)
        groups, start = [], 0
        for label, options in self.fields["topics"].choices:
            groups.append({"label": label, "options": widgets[start : start + len(options)]})
            start += len(options)
        return groups


class OrganizationForm(TopicGroupsMixin, forms.Form):
    name = forms.CharField(label=_label(Organization, "name"), max_length=200)
    kind = forms.ChoiceField(label=_label(Organization, "kind"))
    short_description = forms.CharField(
        label=_label(Organization, "short_description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Ein, zwei Sätze für Listen und Suchergebnisse."),
    )
    description = forms.CharField(
        label=_label(Organization, "description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy(
            "Markdown ist möglich: **fett**, *kursiv*, Listen mit „-“, Links als "
            "[Text](https://…). HTML wird nicht übernommen."
        ),
    )
    website = WebsiteField(label=_label(Organization, "website"), required=False)
    social_links = SocialLinksField(
        label=_label(Organization, "social_links"),
        help_text=gettext_lazy(
            "Bis zu fünf Adressen, eine pro Zeile, z. B. https://www.linkedin.com/company/…"
        ),
    )
    street = forms.CharField(label=_label(Organization, "street"), max_length=200, required=False)
    postal_code = forms.CharField(
        label=_label(Organization, "postal_code"),
        max_length=12,
        help_text=gettext_lazy("Damit finden wir den Ort auf der Karte (Postleitzahlen in NRW)."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(label=_label(Organization, "city"), max_length=120, required=False)
    topics = _checkboxes(label=_label(Organization, "topics"))
    audiences = _checkboxes(Audience.objects.none(), label=_label(Organization, "audiences"))
    size = forms.ChoiceField(label=_label(Organization, "size"), required=False)
    founded = forms.IntegerField(
        label=_label(Organization, "founded"), required=False, min_value=1000
    )
    logo = forms.FileField(
        label=_label(Organization, "logo"),
        required=False,
        max_length=200,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        help_text=gettext_lazy(
            "PNG, JPEG, WebP oder GIF, höchstens 5 MB. Wir verkleinern es auf 400 × 400 Pixel "
            "und entfernen Metadaten. SVG ist nicht möglich."
        ),
    )
    logo_alt = forms.CharField(
        label=_label(Organization, "logo_alt"),
        max_length=200,
        required=False,
        help_text=Organization._meta.get_field("logo_alt").help_text,
    )

    def __init__(self, *args, region: Region | None = None, organization=None, **kwargs):
        self.organization = organization
        if organization is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(organization)
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Bitte wählen …")), *Organization.Kind.choices]
        self.fields["size"].choices = [("", _("keine Angabe")), *Organization.Size.choices]
        year = timezone.now().year
        founded = self.fields["founded"]
        founded.max_value = year
        founded.validators.append(MaxValueValidator(year))
        founded.widget.attrs["max"] = year
        self._setup_region_choices(region)

    @staticmethod
    def initial_for(org: Organization) -> dict:
        fields = [
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
        ]
        initial = {name: getattr(org, name) for name in fields}
        initial["topics"] = [t.pk for t in org.topics.all()]
        initial["audiences"] = [a.pk for a in org.audiences.all()]
        return initial

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"]
        try:
            code = geocoding.normalize_postal_code(value)
            geocoding.geocode(code)
        except (geocoding.PostalCodeNotFound, ValueError) as exc:
            raise ValidationError(services.postal_code_error(value, exc)) from exc
        return code

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        return services.logo_from_upload(upload)

    def clean(self):
        cleaned = super().clean()
        has_logo = bool(self.files.get(self.add_prefix("logo"))) or (
            self.organization is not None
            and bool(self.organization.logo)
            and not cleaned.get("remove_logo")
        )
        if has_logo and not (cleaned.get("logo_alt") or "").strip() and "logo" not in self.errors:
            self.add_error(
                "logo_alt",
                _("Bitte beschreiben Sie das Logo in Worten, für Menschen, die es nicht sehen."),
            )
        return cleaned

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("confirm_new", None)
        data["size"] = data.get("size") or ""
        return data


class OrganizationProposeForm(OrganizationForm):
    confirm_new = forms.BooleanField(
        label=gettext_lazy("Es ist trotzdem eine andere Organisation: neu anlegen"),
        required=False,
    )

    def service_data(self) -> dict:
        data = super().service_data()
        if data.get("logo") is None:
            data.pop("logo", None)
        return data


class OrganizationEditForm(OrganizationForm):
    remove_logo = forms.BooleanField(label=gettext_lazy("Aktuelles Logo entfernen"), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_label(ContactPerson, "name"), max_length=150)
    role = forms.CharField(label=_label(ContactPerson, "role"), max_length=150, required=False)
    email = forms.EmailField(label=_label(ContactPerson, "email"), required=False)
    phone = forms.CharField(
        label=_label(ContactPerson, "phone"),
        max_length=40,
        required=False,
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()/\-]{3,40}$",
                gettext_lazy("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden."),
            )
        ],
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    show_email = forms.BooleanField(label=_label(ContactPerson, "show_email"), required=False)
    show_phone = forms.BooleanField(label=_label(ContactPerson, "show_phone"), required=False)

    @staticmethod
    def initial_for(contact: ContactPerson) -> dict:
        return {
            name: getattr(contact, name)
            for name in ("name", "role", "email", "phone", "show_email", "show_phone")
        }


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Wie gehören Sie zu der Organisation?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Zum Beispiel: Ihre Funktion und wie die Koordination das prüfen kann "
            "(Telefonnummer der Zentrale, Impressum, dienstliche E-Mail-Adresse)."
        ),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grund (geht per E-Mail an die Person)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-Mail-Adresse der Person"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class OfferForm(TopicGroupsMixin, forms.Form):
    title = forms.CharField(label=_label(Offer, "title"), max_length=200)
    description = forms.CharField(
        label=_label(Offer, "description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=OrganizationForm.base_fields["description"].help_text,
    )
    kind = forms.ChoiceField(label=_label(Offer, "kind"))
    topics = _checkboxes(label=_label(Offer, "topics"))
    audiences = _checkboxes(Audience.objects.none(), label=_label(Offer, "audiences"))
    cost = forms.ChoiceField(label=_label(Offer, "cost"), required=False)
    region_wide = forms.BooleanField(
        label=_label(Offer, "region_wide"), required=False, initial=True
    )
    municipalities = _checkboxes(
        Municipality.objects.none(),
        label=gettext_lazy("oder nur in diesen Kommunen"),
    )
    online = forms.BooleanField(label=_label(Offer, "online"), required=False)
    ends_on = forms.DateField(
        label=_label(Offer, "ends_on"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("Leer lassen, wenn das Angebot dauerhaft besteht."),
    )

    def __init__(self, *args, region: Region | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Bitte wählen …")), *Offer.Kind.choices]
        self.fields["cost"].choices = [("", _("keine Angabe")), *Offer.Cost.choices]
        self.fields["municipalities"].queryset = (
            region.municipalities.all() if region else Municipality.objects.none()
        )
        self._setup_region_choices(region)

    @staticmethod
    def initial_for(offer: Offer) -> dict:
        initial = {name: getattr(offer, name) for name in services.OFFER_FIELDS}
        for name in services.OFFER_RELATIONS:
            initial[name] = [o.pk for o in getattr(offer, name).all()]
        return initial

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["cost"] = data.get("cost") or ""
        return data


class NeedForm(TopicGroupsMixin, forms.Form):
    title = forms.CharField(label=_label(Need, "title"), max_length=200)
    description = forms.CharField(
        label=_label(Need, "description"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=OrganizationForm.base_fields["description"].help_text,
    )
    topics = _checkboxes(label=_label(Need, "topics"))
    expires_on = forms.DateField(
        label=_label(Need, "expires_on"),
        widget=_date_widget(),
        help_text=gettext_lazy(
            "Danach verschwindet der Bedarf aus Listen und Suche; höchstens zwei Jahre im Voraus."
        ),
    )

    def __init__(self, *args, region: Region | None = None, **kwargs):
        kwargs.setdefault("initial", {"expires_on": timezone.localdate() + dt.timedelta(days=90)})
        super().__init__(*args, **kwargs)
        self._setup_region_choices(region)

    @staticmethod
    def initial_for(need: Need) -> dict:
        initial = {name: getattr(need, name) for name in services.NEED_FIELDS}
        initial["topics"] = [t.pk for t in need.topics.all()]
        return initial

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
