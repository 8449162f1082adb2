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
        import datetime as dt

        from agenda import demo, tasks
        from familjelotsen import schedule, slots

        slots.provide(slots.DEMO, "reminders", demo.seed, order=90)
        # Scheduled jobs (familjelotsen.schedule, run by the worker): the sweep behind the
        # reminders' deferred tasks, and the staff's digest before the working day.
        schedule.register("send_due_reminders", schedule.EveryMinutes(5), tasks.dispatch_due)
        schedule.register("send_digests", schedule.Daily(dt.time(6, 30)), tasks.digests_queue)
