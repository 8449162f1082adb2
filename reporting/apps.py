from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo municipality's money (familjelotsen.slots.DEMO), after the families.
        from familjelotsen import slots
        from reporting import demo

        slots.provide(slots.DEMO, "reporting_money", demo.seed, order=60)
