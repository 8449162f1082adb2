"""The report figures read these tables (reporting/figures/outreach.py): a write to any of
them makes cached figures stale (see reporting 0002_figures_version)."""

from django.db import migrations

TABLES = [
    "consultations_consultation",
]

CREATE = "\n".join(
    f"CREATE TRIGGER reporting_figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
    f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reporting_figures_changed();"
    for table in TABLES
)
DROP = "\n".join(f"DROP TRIGGER reporting_figures_changed ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_consultations"),
        ("reporting", "0002_figures_version"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
