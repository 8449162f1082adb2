"""Withdraw the shares of consents that ran out (or were revoked) and start the default shares
of consents registered in advance whose first day has come. The worker's schedule does this
daily (`consent.services.consents_on_date`, registered in consent.apps); this command does it
by hand, for any date.

Reads never depend on this command: a grant carries its consent's end date, so an expired
consent stops access at midnight whether or not this has run. The command makes the share
rows, the grants and the history say so. Prints counts only (no personal data)."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from consent import services


class Command(BaseCommand):
    help = "Withdraw shares whose consent has expired; start consents whose period has begun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Apply as of this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, **options):
        on = timezone.localdate()
        if options.get("date"):
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        # The history names the command as the actor of the withdrawals it makes.
        with pghistory.context(command="expire_consents"):
            withdrawn = services.consent_expire_due(on=on)
            started = services.consent_start_due(on=on)
        self.stdout.write(
            f"expire_consents {on.isoformat()}: {withdrawn} share(s) withdrawn, "
            f"{started} consent(s) started."
        )
