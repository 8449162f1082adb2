from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from familjelotsen import demo, slots


class Command(BaseCommand):
    help = "Load the fictional demo municipality (idempotent: safe to run again)."

    def handle(self, *args, **options):
        # The demo password and authenticator secret are public: never in production.
        if not settings.DEBUG:
            raise CommandError("seed_demo is for development only (DJANGO_DEBUG=true).")
        with transaction.atomic():
            made = demo.seed()
            # Each app adds its demo records on top of what the earlier ones made: the apps
            # register their seeds in the DEMO slot (AppConfig.ready()), in order.
            for contribution in slots.contributions(slots.DEMO):
                made.update(contribution.provide(made) or {})
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
