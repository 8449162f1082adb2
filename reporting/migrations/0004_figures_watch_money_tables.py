"""The money figures (issue 19) read three new tables: the figures cache must count their
writes too (see 0002_figures_version)."""

from django.db import migrations

TABLES = [
    "reporting_priceindexyear",
    "reporting_fundercontribution",
    "reporting_volumetarget",
]

CREATE = "\n".join(
    f"CREATE TRIGGER reporting_figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
    f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reporting_figures_changed();"
    for table in TABLES
)
DROP = "\n".join(f"DROP TRIGGER reporting_figures_changed ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_budget_opi_volume_targets_undeletable_archive")]

    operations = [migrations.RunSQL(CREATE, DROP)]
