from __future__ import annotations

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Apply the retention rule (gallring) to closed families; run monthly. With "
        "--dry-run, only list what would be deleted or kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the families past the limit without changing anything.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        found = retention.apply(dry_run=dry_run)
        verb = "would be" if dry_run else "was"
        for c in found:
            # Reference codes and dates only: no personal data in the output.
            self.stdout.write(
                f"{c.family.reference}\tlast entry {c.last_entry}\tdue {c.eligible_on}"
                f"\tdeadline {c.deadline}\t{c.action}"
            )
        self.stdout.write(
            f"{len(found)} famil{'y' if len(found) == 1 else 'ies'} {verb} "
            f"handled{' (dry run)' if dry_run else ''}."
        )
