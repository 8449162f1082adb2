from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Network work")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What network work adds to the family page of cases (familjelotsen.slots).
        from familjelotsen import slots
        from network import demo, selectors, services

        slots.provide(
            slots.FAMILY_PAGE,
            "network_summary",
            selectors.family_summary,
            shows=lambda summary: summary.get("processes", []),
        )
        slots.provide(slots.DEMO, "network", demo.seed, order=40)
        # A family of network work only that ends ends its network processes.
        slots.provide(slots.FAMILY_ENDED, "network", services.processes_close_with_family)
