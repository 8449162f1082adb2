from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo municipality (familjelotsen.slots.DEMO): families first.
        from cases import demo, selectors
        from familjelotsen import slots

        slots.provide(slots.DEMO, "cases", demo.seed, order=10)
        # Emergency access (issue 21): the notice on the family page, the team lead's list of
        # accesses to review on their start page, and one ended access waiting for review in
        # the demo.
        slots.provide(slots.FAMILY_PAGE, "emergency", selectors.emergency_panel)
        slots.provide(
            slots.WAITING_LIST,
            "emergency_unreviewed",
            selectors.emergency_unreviewed,
            shows=lambda rows: rows,
        )
        slots.provide(slots.DEMO, "emergency_access", demo.seed_emergency_access, order=95)
