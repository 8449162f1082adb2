"""Queue each ombud's and team lead's digest e-mail now (the worker's schedule does this
every morning: familjelotsen.schedule, registered in agenda.apps).

Re-running on the same day sends nothing twice. The e-mails hold counts, reference codes and
a link; the digest page (/familjer/idag/) shows the rest to the signed-in user.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agenda import digests, tasks
from familjelotsen.history import history_context


class Command(BaseCommand):
    help = "Queue today's digest e-mail for every family ombud and team lead (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send in this process instead of queueing for the background worker.",
        )

    def handle(self, *args, date=None, now=False, **options):
        try:
            on = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        with history_context("send_digests"):
            if now:
                users = list(digests.digest_recipients().values_list("pk", flat=True))
                for user_id in users:
                    digests.digest_send(user_id=user_id, on=on)
                count = len(users)
            else:
                count = tasks.digests_queue(on=on)
        verb = "Sent" if now else "Queued"
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} digests for {on.isoformat()}."))
