"""The report figures read the questionnaires and the survey (evaluation.figures): a write to
those tables makes cached figures stale, like a write to any table the figures read
(reporting 0002 has the counter and the trigger function)."""

from django.db import migrations

TABLES = [
    "evaluation_questionnaire",
    "evaluation_surveyround",
    "evaluation_surveyinvitation",
    "evaluation_surveyresponse",
]

CREATE = "\n".join(
    f"CREATE TRIGGER reporting_figures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
    f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reporting_figures_changed();"
    for table in TABLES
)
DROP = "\n".join(f"DROP TRIGGER reporting_figures_changed ON {table};" for table in TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_follow_up_survey_extract"),
        ("reporting", "0002_figures_version"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
