from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from familjelotsen import demo

# Each app adds its demo records on top of what the earlier ones made (order matters).
APP_DEMOS = ["cases.demo", "consent.demo", "sip.demo", "network.demo", "reporting.demo"]


class Command(BaseCommand):
    help = "Load the fictional demo municipality (idempotent: safe to run again)."

    def handle(self, *args, **options):
        from django.conf import settings
        from django.core.management.base import CommandError

        # The demo password and authenticator secret are public: never in production.
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only (DJANGO_DEBUG=true).")
        with transaction.atomic():
            made = demo.seed()
            for name in APP_DEMOS:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name != name:
                        raise
                    continue
                made.update(module.seed(made) or {})
            from cases.demo import seed_reminders

            made.update(seed_reminders(made) or {})
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
