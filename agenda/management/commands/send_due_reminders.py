"""Queue the SMS reminders that are due but have no task waiting, now. The worker's schedule
does this every five minutes (familjelotsen.schedule, registered in agenda.apps): the safety
net behind the deferred tasks planned at booking (a lost task, a worker that died mid-send,
retries after the worker was down)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agenda import tasks
from familjelotsen.history import history_context


class Command(BaseCommand):
    help = "Queue every SMS reminder that is due (safe to run any number of times)."

    def handle(self, *args, **options):
        with history_context("send_due_reminders"):
            count = tasks.dispatch_due()
        self.stdout.write(self.style.SUCCESS(f"Queued {count} due SMS reminders."))
