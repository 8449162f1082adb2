"""The access log gets a basis for the evaluators' extract ("evaluation with the family's
agreement"): the project leader's pseudonymised extract logs one row per family in it, and
only families that agreed to take part in the evaluation are in it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0009_merge_stored_files_and_second_factor_reset"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accesslogentry",
            name="basis",
            field=models.CharField(
                choices=[
                    ("case_team", "case team"),
                    ("team_lead", "team lead"),
                    ("share", "share with consent"),
                    ("duty", "legal duty"),
                    ("aggregate", "aggregate figures"),
                    ("administration", "system administration"),
                    ("evaluation", "evaluation with the family's agreement"),
                ],
                max_length=16,
                verbose_name="basis",
            ),
        ),
    ]
