"""The access log gets a basis for the system administrator's reads of staff accounts
("system administration"): the administration area logs them, and never reads a case."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0006_scheduled_runs"),
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
                ],
                max_length=16,
                verbose_name="basis",
            ),
        ),
    ]
