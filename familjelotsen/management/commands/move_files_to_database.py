from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from familjelotsen.storage import move_from_filesystem


class Command(BaseCommand):
    help = (
        "Move uploaded files (signed consent scans) from the former file storage "
        "(DJANGO_PRIVATE_MEDIA_ROOT) into the database, keeping their names; a file is "
        "deleted from disk once the database holds it. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="location",
            default=str(settings.PRIVATE_MEDIA_ROOT),
            help="The directory to move from (default: DJANGO_PRIVATE_MEDIA_ROOT).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would be moved.")

    def handle(self, *args, location: str, dry_run: bool = False, **options):
        result = move_from_filesystem(Path(location), dry_run=dry_run)
        verb = "Would move" if dry_run else "Moved"
        self.stdout.write(f"{verb} {len(result.moved)} file(s) into the database.")
        if result.already:
            self.stdout.write(
                f"{len(result.already)} file(s) were in the database already"
                + ("." if dry_run else "; deleted from disk.")
            )
        for name in result.conflicts:
            self.stderr.write(f"Left on disk: {name} (the database holds other bytes by that name)")
        if result.conflicts:
            raise SystemExit(1)
