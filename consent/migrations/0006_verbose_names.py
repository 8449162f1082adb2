# Names for records the change history and the access log show, in the user's language
# ("Mål #12", not "Goal #12"). Options only: no change to any table.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0005_explicit_shares_from_manual_shares'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='consentsignature',
            options={'verbose_name': 'consent signature', 'verbose_name_plural': 'consent signatures'},
        ),
        migrations.AlterModelOptions(
            name='explicitshare',
            options={'verbose_name': 'explicit share', 'verbose_name_plural': 'explicit shares'},
        ),
        migrations.AlterModelOptions(
            name='share',
            options={'verbose_name': 'share', 'verbose_name_plural': 'shares'},
        ),
    ]
