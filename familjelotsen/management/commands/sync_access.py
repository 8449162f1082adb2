from __future__ import annotations

from django.core.management.base import BaseCommand

from familjelotsen import access


class Command(BaseCommand):
    help = (
        "Re-derive every grant from its sources (shares under valid consents, staff "
        "groups) and report drift; without --check, repair it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report drift; exit 1 when there is any."
        )

    def handle(self, *args, check: bool = False, **options):
        report = access.sync_access(repair=not check)
        drift = sum(len(v) for v in report.values())
        for kind, rows in report.items():
            for row in rows:
                self.stdout.write(f"{kind}: {row}")
        if drift == 0:
            self.stdout.write(self.style.SUCCESS("No drift: every grant matches its sources."))
        elif check:
            self.stderr.write(f"{drift} grant(s) drifted from their sources.")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.SUCCESS(f"Repaired {drift} drifted grant(s)."))
