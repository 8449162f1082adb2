from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo municipality (familjelotsen.slots.DEMO): families first.
        from cases import demo
        from familjelotsen import slots

        slots.provide(slots.DEMO, "cases", demo.seed, order=10)
