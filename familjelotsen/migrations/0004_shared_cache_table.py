"""The shared cache (settings.CACHES: Django's DatabaseCache) needs its table wherever the
schema is built, including throw-away test databases: allauth's rate limits, used TOTP codes
and one-time form tokens live there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable skips tables that exist, so this is safe to re-run.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("familjelotsen", "0003_track_staff_and_administration_history")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
