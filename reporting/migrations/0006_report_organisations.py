"""Reports remember whose families they count (issue 21): the organisations in the maker's
scope. A report made before organisations counted every family there was, so it gets every
organisation that exists now (at most the default one of migration familjelotsen 0012). The
column is added with that as its default, then the default is dropped: archived reports are
protected against UPDATE by a trigger, and adding a column with a default changes no row."""

import django.contrib.postgres.fields
from django.db import migrations, models


def add_column(apps, schema_editor):
    Organisation = apps.get_model("familjelotsen", "Organisation")
    ids = ",".join(str(int(pk)) for pk in Organisation.objects.values_list("pk", flat=True))
    table = schema_editor.quote_name("reporting_report")
    schema_editor.execute(
        f"ALTER TABLE {table} ADD COLUMN organisations bigint[] NOT NULL DEFAULT '{{{ids}}}'"
    )
    schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN organisations DROP DEFAULT")


def drop_column(apps, schema_editor):
    table = schema_editor.quote_name("reporting_report")
    schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN organisations")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_volume_targets_for_consultations_and_courses"),
        ("familjelotsen", "0013_organisations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="report",
                    name="organisations",
                    field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(),
                        blank=True,
                        default=list,
                        size=None,
                        verbose_name="organisations",
                    ),
                ),
            ],
        ),
    ]
