from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The data subject's and the reviewer's side of the records: log review (loggkontroll),
    the family log extract, the register extract and retention (gallring). It stands above
    the apps whose records it reads (cases, consent, SIP, network) and below reporting."""

    name = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"
