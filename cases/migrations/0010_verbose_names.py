# Names for records the change history and the access log show, in the user's language
# ("Mål #12", not "Goal #12"). Options only: no change to any table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_case_team_inside_owner'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='assessment',
            options={'ordering': ['assessed_on', 'id'], 'verbose_name': 'KASAM score', 'verbose_name_plural': 'KASAM scores'},
        ),
        migrations.AlterModelOptions(
            name='caseteammember',
            options={'verbose_name': 'case team member', 'verbose_name_plural': 'case team members'},
        ),
        migrations.AlterModelOptions(
            name='custodylink',
            options={'verbose_name': 'custody link', 'verbose_name_plural': 'custody links'},
        ),
        migrations.AlterModelOptions(
            name='eligibility',
            options={'verbose_name': 'eligibility answer', 'verbose_name_plural': 'eligibility answers'},
        ),
        migrations.AlterModelOptions(
            name='goal',
            options={'ordering': ['area', 'id'], 'verbose_name': 'goal', 'verbose_name_plural': 'goals'},
        ),
        migrations.AlterModelOptions(
            name='goalfollowup',
            options={'ordering': ['date', 'id'], 'verbose_name': 'goal follow-up', 'verbose_name_plural': 'goal follow-ups'},
        ),
        migrations.AlterModelOptions(
            name='journalobjection',
            options={'verbose_name': 'objection to a journal entry', 'verbose_name_plural': 'objections to journal entries'},
        ),
        migrations.AlterModelOptions(
            name='obstacle',
            options={'ordering': ['-observed_on', '-id'], 'verbose_name': 'obstacle', 'verbose_name_plural': 'obstacles'},
        ),
        migrations.AlterModelOptions(
            name='pupilhealthreview',
            options={'ordering': ['-reviewed_on', '-id'], 'verbose_name': 'pupil-health-team review', 'verbose_name_plural': 'pupil-health-team reviews'},
        ),
        migrations.AlterModelOptions(
            name='statuschange',
            options={'ordering': ['changed_at', 'id'], 'verbose_name': 'status change', 'verbose_name_plural': 'status changes'},
        ),
        migrations.AlterModelOptions(
            name='timeentry',
            options={'ordering': ['-date', '-id'], 'verbose_name': 'time entry', 'verbose_name_plural': 'time entries'},
        ),
        migrations.AlterModelOptions(
            name='visit',
            options={'ordering': ['starts_at'], 'verbose_name': 'visit', 'verbose_name_plural': 'visits'},
        ),
    ]
