from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Requests from school and social services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What requests add to the pages of cases (familjelotsen.slots): the requests waiting
        # for a decision on the team lead's waiting list and on the school-responsible
        # member's list of families; and a request from school in the demo municipality.
        from familjelotsen import slots
        from referrals import demo, selectors

        slots.provide(
            slots.WAITING_LIST, "incoming_referrals", selectors.waiting, shows=lambda rows: rows
        )
        slots.provide(
            slots.FAMILY_LIST, "incoming_referrals", selectors.waiting, shows=lambda rows: rows
        )
        slots.provide(slots.DEMO, "referrals", demo.seed, order=70)
