from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    name = "sip"
    verbose_name = _("SIP plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What SIP adds to the pages of cases (familjelotsen.slots): imported here, once the
        # apps are loaded.
        import datetime as dt

        from familjelotsen import schedule, slots
        from sip import demo, selectors, services

        def plans(interventions):
            return {i.plan for i in interventions}

        slots.provide(
            slots.FAMILY_PAGE,
            "sip_summary",
            selectors.family_summary,
            shows=lambda summary: summary.get("plans", []),
        )
        slots.provide(
            slots.WORK_LISTS,
            "my_interventions",
            selectors.interventions_panel,
            shows=lambda panel: plans(panel["rows"]),
        )
        slots.provide(
            slots.PUPIL_PAGE, "interventions", selectors.interventions_for_member, shows=plans
        )
        slots.provide(slots.DEMO, "sip", demo.seed, order=30)
        schedule.register(
            "sip_follow_ups_due", schedule.Daily(dt.time(0, 20)), services.plans_mark_follow_up_due
        )
