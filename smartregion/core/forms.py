"""Form plumbing shared by every app: KERN markup and the anonymous-form defence."""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import ratelimit


def widget_kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple is a RadioSelect too
        return "choices"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_CSS = {
    "checkbox": "kern-form-check__checkbox",
    "select": "kern-form-input__select",
    "input": "kern-form-input__input",
    "hidden": "",
}


class KernBoundField(BoundField):
    """Gives every widget of every form (ours and allauth's) its KERN class."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        kind = widget_kind(widget)
        if kind == "choices":
            # CheckboxSelectMultiple subclasses RadioSelect, so it must be tested first.
            css = (
                "kern-form-check__checkbox"
                if isinstance(widget, forms.CheckboxSelectMultiple)
                else "kern-form-check__radio"
            )
        else:
            css = _CSS[kind]
        if css:
            attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class KernRenderer(TemplatesSetting):
    """Renders every form field as a KERN form group (label, hint, error, input)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = KernBoundField


class AntiSpamMixin:
    """Honeypot field plus a per-IP rate limit, for every form that anonymous people can send.

    The view passes `request=`. The honeypot is a text field hidden by CSS that people never see
    or reach by keyboard; bots that fill every field are refused. The rate limit counts every
    submission per client address and form class in the shared cache.
    """

    honeypot_name = "homepage"
    rate_limit = "10/h"

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields[self.honeypot_name] = forms.CharField(
            required=False,
            label=_("Dieses Feld bitte leer lassen"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean(self):
        cleaned = super().clean()
        if self.data.get(self.add_prefix(self.honeypot_name)):
            raise forms.ValidationError(
                _(
                    "Ihre Eingabe wurde als automatisiert erkannt und nicht gespeichert. "
                    "Falls das ein Irrtum ist, schreiben Sie uns bitte eine E-Mail."
                ),
                code="honeypot",
            )
        if self.request is not None:
            retry_after = ratelimit.hit(
                f"form:{type(self).__name__}", ratelimit.client_ip(self.request), self.rate_limit
            )
            if retry_after:
                minutes = max(1, round(retry_after / 60))
                raise forms.ValidationError(
                    ngettext(
                        "Von Ihrer Adresse kamen zu viele Anfragen. Bitte versuchen Sie es "
                        "in %(minutes)d Minute noch einmal; Ihre Eingaben bleiben erhalten.",
                        "Von Ihrer Adresse kamen zu viele Anfragen. Bitte versuchen Sie es "
                        "in %(minutes)d Minuten noch einmal; Ihre Eingaben bleiben erhalten.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code="rate_limited",
                )
        return cleaned
