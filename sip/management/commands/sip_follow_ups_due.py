"""Agreed (or followed-up) SIPs whose follow-up date has come move to "follow-up due" (daily by
the worker's schedule, registered in sip.apps; by hand with this command), so the ombud's
lists and the family perspective show them. Prints a count only (no personal data). The pages
flag an overdue follow-up by its date whether or not this has run."""

from __future__ import annotations

import pghistory
from django.core.management.base import BaseCommand

from sip import services


class Command(BaseCommand):
    help = "Move SIPs whose follow-up date has come to 'follow-up due'."

    def handle(self, *args, **options):
        # The history names the command as the actor of the steps it takes.
        with pghistory.context(command="sip_follow_ups_due"):
            count = services.plans_mark_follow_up_due()
        self.stdout.write(f"sip_follow_ups_due: {count} plan(s) now due for follow-up.")
