"""The agenda: booked visits, their SMS reminders, the staff's daily digest and the private
calendar feed. It stands above network in the house (it reads SIP, network and consent
dates); its records are the `cases` models of `cases/models/agenda.py`, which stay there."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "agenda"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The demo municipality (familjelotsen.slots.DEMO): reminders of visits after every
        # other app's demo.
        from agenda import demo
        from familjelotsen import slots

        slots.provide(slots.DEMO, "reminders", demo.seed, order=90)
