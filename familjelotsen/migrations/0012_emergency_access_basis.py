"""Break-the-glass (issue 21 part 3): the access-log basis of reading a family's records under
a case worker's temporary emergency access, so every such read can be told apart and reviewed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0011_referrer_role_and_bases"),
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
                    ("referrer", "own request to the team"),
                    ("school_contact", "the team's school-responsible member"),
                    ("emergency", "emergency access (break-the-glass)"),
                ],
                max_length=16,
                verbose_name="basis",
            ),
        ),
    ]
