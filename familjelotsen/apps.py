from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiljelotsenConfig(AppConfig):
    name = "familjelotsen"
    verbose_name = _("Familjelotsen")
    default_auto_field = "django.db.models.BigAutoField"
