from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from consultations import demo
        from familjelotsen import slots

        slots.provide(slots.DEMO, "consultations", demo.seed, order=70)
