"""The report figures' data version: one counter row, and a statement-level trigger on each
table the figures read that counts it up in the writing transaction. Cached figures
(`reporting.figure_cache`) compare their count with it. A table the figures start to read
later needs its trigger in a new migration: tests/reporting/test_figure_cache.py fails until
it has one."""

import uuid

from django.db import migrations, models

# Every table `reporting.figures.compute` reads (tests/reporting/test_figure_cache.py checks).
TABLES = [
    "cases_assessment",
    "cases_family",
    "cases_goal",
    "cases_goalfollowup",
    "cases_journalentry",
    "cases_member",
    "cases_obstacle",
    "cases_timeentry",
    "familjelotsen_administration",
    "network_networkmeeting",
    "network_networkprocess",
    "network_networktimeentry",
    "reporting_costsettings",
    "reporting_fundershare",
    "sip_followup",
    "sip_intervention",
    "sip_plan",
]

FUNCTION = """
CREATE FUNCTION reporting_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reporting_figuresversion SET generation = generation + 1, changed_at = now()
    WHERE id = 1;
    RETURN NULL;
END
$$;
"""


def _create_triggers():
    return "\n".join(
        f"CREATE TRIGGER reporting_figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reporting_figures_changed();"
        for table in TABLES
    )


def _drop_triggers():
    return "\n".join(f"DROP TRIGGER reporting_figures_changed ON {table};" for table in TABLES)


def first_row(apps, schema_editor):
    apps.get_model("reporting", "FiguresVersion").objects.create(id=1)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_reports_archive_cost_key"),
        ("cases", "0010_verbose_names"),
        ("network", "0002_change_history"),
        ("sip", "0002_change_history"),
    ]

    operations = [
        migrations.CreateModel(
            name="FiguresVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("generation", models.BigIntegerField(default=0)),
                ("epoch", models.UUIDField(default=uuid.uuid4)),
                ("changed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "version of the report figures' data",
                "verbose_name_plural": "versions of the report figures' data",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="figures_version_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(first_row, migrations.RunPython.noop),
        migrations.RunSQL(FUNCTION, "DROP FUNCTION reporting_figures_changed();"),
        migrations.RunSQL(_create_triggers(), _drop_triggers()),
    ]
