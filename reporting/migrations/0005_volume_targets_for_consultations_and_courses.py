# Volume targets for the team's work outside the family cases (issue 20): consultations
# for professionals, parenting-support courses and their places. Choices only: no data change.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0004_figures_watch_money_tables'),
    ]

    operations = [
        migrations.AlterField(
            model_name='volumetarget',
            name='work',
            field=models.CharField(choices=[('coordinated_support', 'Families with coordinated support, per year'), ('network_families', 'Families in network work, per year'), ('network_hours', 'Hours per network process'), ('project_families', 'Families over the whole project'), ('consultations', 'Consultations for professionals, per year'), ('courses', 'Parenting-support courses started, per year'), ('course_participants', 'Places on parenting-support courses, per year')], max_length=32, unique=True, verbose_name='kind of work'),
        ),
        migrations.AlterField(
            model_name='volumetargetevent',
            name='work',
            field=models.CharField(choices=[('coordinated_support', 'Families with coordinated support, per year'), ('network_families', 'Families in network work, per year'), ('network_hours', 'Hours per network process'), ('project_families', 'Families over the whole project'), ('consultations', 'Consultations for professionals, per year'), ('courses', 'Parenting-support courses started, per year'), ('course_participants', 'Places on parenting-support courses, per year')], max_length=32, verbose_name='kind of work'),
        ),
    ]
