from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What consent adds to the pages of cases (familjelotsen.slots): imported here, once
        # the apps are loaded.
        import datetime as dt

        from consent import demo, selectors, services
        from familjelotsen import schedule, slots

        slots.provide(
            slots.FAMILY_PAGE,
            "consent_panel",
            selectors.family_panel,
            shows=lambda panel: panel.get("consents", []),
            # Last: it names the shared records the other panels have read (familjelotsen.memo).
            order=900,
        )
        slots.provide(
            slots.FAMILY_LIST,
            "expiring_consents",
            selectors.expiring_soon,
            shows=lambda consents: consents,
        )
        slots.provide(slots.RECORD_SHARING, "share_options", selectors.share_options)
        slots.provide(slots.DEMO, "consent", demo.seed, order=20)
        # Just after midnight: consents that ran out stop sharing, those that begin start.
        schedule.register(
            "expire_consents", schedule.Daily(dt.time(0, 10)), services.consents_on_date
        )
