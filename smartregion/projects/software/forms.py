from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from smartregion.projects import publiccode
from smartregion.projects.publiccode.loader import too_large


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("publiccode.yml"),
        help_text=_("Die Datei aus dem Repository der Software (UTF-8, höchstens 5 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yml,.yaml,text/yaml,application/yaml"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before reading: the validator would say the same after reading it all.
        if upload.size > publiccode.MAX_BYTES:
            raise ValidationError(too_large(upload.size).message)
        return upload
