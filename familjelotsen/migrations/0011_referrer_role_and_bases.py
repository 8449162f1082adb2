"""Requests from school and social services (issue 20): the referrer role (a rektor or the
pupil-health team at a school, a social-services case officer), and the access-log bases of
reading a request: the referrer's own, and the team's school-responsible member's."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0010_access_log_basis_evaluation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("family_ombud", "Family ombud"),
                    ("team_lead", "Team lead"),
                    ("school_coordinator", "School coordinator"),
                    ("coordinator", "Coordinator / case officer"),
                    ("project_leader", "Project leader"),
                    ("system_admin", "System administrator"),
                    ("referrer", "Referrer (school or social services)"),
                ],
                max_length=32,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="userevent",
            name="role",
            field=models.CharField(
                choices=[
                    ("family_ombud", "Family ombud"),
                    ("team_lead", "Team lead"),
                    ("school_coordinator", "School coordinator"),
                    ("coordinator", "Coordinator / case officer"),
                    ("project_leader", "Project leader"),
                    ("system_admin", "System administrator"),
                    ("referrer", "Referrer (school or social services)"),
                ],
                max_length=32,
                verbose_name="role",
            ),
        ),
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
                ],
                max_length=16,
                verbose_name="basis",
            ),
        ),
    ]
