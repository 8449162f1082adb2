from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SysadminConfig(AppConfig):
    name = "sysadmin"
    verbose_name = _("System administration")
    default_auto_field = "django.db.models.BigAutoField"
