"""Make (or bring up to date) the migrated database the test databases are copied from.

Migrating an empty database takes about 90 s of CPU here (the project's migration history);
`make test` creates three test databases (two pytest-xdist workers and the browser run), so it
migrates once into a template and the test databases are made with `CREATE DATABASE …
TEMPLATE` (settings: `DJANGO_TEST_DB_TEMPLATE`), after which Django's own `migrate` of the
test database finds nothing to apply. The tests still run the real migrations, once.

The template's name carries a hash of the migration files, so a renamed or renumbered
migration (a merge) gets a fresh template instead of a history that no longer matches; older
templates of the same database are dropped. Prints the name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

PREFIX_LIMIT = 40  # PostgreSQL names are at most 63 bytes: prefix + "_tmpl_" + 10 hex


def _migrations_hash() -> str:
    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class Command(BaseCommand):
    help = "Create or update the migrated template the test databases are copied from."

    def handle(self, *args, **options):
        connection = connections["default"]
        base = connection.settings_dict["NAME"]
        prefix = f"test_{base}"[:PREFIX_LIMIT] + "_tmpl_"
        name = prefix + _migrations_hash()
        quote = connection.ops.quote_name
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "select datname from pg_database where datname like %s",
                [prefix.replace("_", r"\_") + "%"],
            )
            found = {row[0] for row in cursor.fetchall()}
            for stale in sorted(found - {name}):
                cursor.execute(f"drop database {quote(stale)} with (force)")
            if name not in found:
                cursor.execute(f"create database {quote(name)}")
        connection.close()
        connection.settings_dict["NAME"] = name
        try:
            call_command("migrate", verbosity=0, interactive=False)
        finally:
            # A template must have no open sessions when a database is copied from it.
            connection.close()
            connection.settings_dict["NAME"] = base
        self.stdout.write(name)
