from __future__ import annotations

from django.core.management.base import BaseCommand

from privacy import retention


class Command(BaseCommand):
    help = (
        "Apply the retention rule (gallring) to closed families and to requests that never "
        "became one; run monthly. With --dry-run, only list what would be deleted or kept."
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
        # Requests that never became a case (declined, withdrawn, never sent): numbers only.
        requests = retention.apply_requests(dry_run=dry_run)
        for r in requests:
            self.stdout.write(
                f"request {r.number}\tlast change {r.last_change}\tdue {r.eligible_on}\tdeleted"
            )
        self.stdout.write(
            f"{len(requests)} request{'' if len(requests) == 1 else 's'} without a family "
            f"{'would be' if dry_run else 'was' if len(requests) == 1 else 'were'} deleted"
            f"{' (dry run)' if dry_run else ''}."
        )
