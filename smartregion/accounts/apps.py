from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "smartregion.accounts"
    label = "accounts"
    verbose_name = _("Konten")

    def ready(self):
        from . import gdpr, tokens

        gdpr.register_exporter("api_tokens", tokens.export_tokens)
