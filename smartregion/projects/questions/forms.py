from django import forms
from django.utils.translation import gettext_lazy as _

from smartregion.core.forms import AntiSpamMixin

from ..models import Project
from . import services


class AskForm(AntiSpamMixin, forms.Form):
    """Anyone may ask: honeypot and a per-IP limit for everyone, address and consent only for
    people who are not signed in (they confirm by email)."""

    rate_limit = "5/h"

    text = forms.CharField(
        label=_("Ihre Frage"),
        min_length=services.MIN_QUESTION,
        max_length=services.MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    asker_name = forms.CharField(
        label=_("Ihr Name"),
        max_length=100,
        required=False,
        help_text=_("Freiwillig. Steht öffentlich bei der beantworteten Frage."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    asker_email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_(
            "Sie bekommen einen Link, mit dem Sie die Frage bestätigen, und später die "
            "Antwort. Die Adresse wird nie veröffentlicht."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(label=services.CONSENT_TEXT)

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["asker_email"]
            del self.fields["consent"]


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Antwort"),
        max_length=services.MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class BulkQuestionsForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Projekt"),
        queryset=Project.objects.published().order_by("title"),
        empty_label=_("bitte wählen"),
        help_text=_("Die Anlaufstelle dieses Projekts bekommt die Fragen per E-Mail."),
    )
    event_title = forms.CharField(
        label=_("Veranstaltung"),
        max_length=200,
        help_text=_("z. B. „Austauschbörse Digitale Verwaltung“"),
    )
    event_date = forms.DateField(
        label=_("Datum der Veranstaltung"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    split = forms.ChoiceField(
        label=_("Trennung der Fragen"),
        choices=[
            ("paragraph", _("eine Frage je Absatz (Leerzeile dazwischen)")),
            ("line", _("eine Frage je Zeile")),
        ],
        initial="paragraph",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Fragen"),
        max_length=services.MAX_BULK * (services.MAX_QUESTION + 2),
        widget=forms.Textarea(attrs={"rows": 14}),
    )
