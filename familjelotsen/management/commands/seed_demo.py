from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from familjelotsen import demo


class Command(BaseCommand):
    help = "Load the fictional demo municipality (idempotent: safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            base = demo.seed()
            from cases import demo as cases_demo

            cases_demo.seed(base)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
