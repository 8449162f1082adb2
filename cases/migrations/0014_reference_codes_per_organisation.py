"""Reference codes per organisation (issue 21): a new family's reference is
FL-<organisation code>-<year>-<nnnn>, counted per organisation and year, so that each
municipality numbers its own families from 0001. References already given stay as they are
(FL-<year>-<nnnn>): the format allows both, and the two can never collide.

The old counter (one per year) is replaced by a counter per organisation and year; its counts
are not carried over, since the new references start from 0001 under each code. Codes are up
to six letters, so references get longer.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_emergency_access"),
        ("familjelotsen", "0013_organisations"),
    ]

    operations = [
        migrations.DeleteModel(name="ReferenceCounter"),
        migrations.CreateModel(
            name="ReferenceCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="familjelotsen.organisation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organisation", "year"),
                        name="referencecounter_per_organisation_year",
                    )
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="family", name="family_reference_format"),
        migrations.AlterField(
            model_name="family",
            name="reference",
            field=models.CharField(
                editable=False, max_length=24, unique=True, verbose_name="reference code"
            ),
        ),
        migrations.AlterField(
            model_name="familyevent",
            name="reference",
            field=models.CharField(editable=False, max_length=24, verbose_name="reference code"),
        ),
        migrations.AddConstraint(
            model_name="family",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("reference__regex", "^FL-([A-ZÅÄÖ]{2,6}-)?[0-9]{4}-[0-9]{4,}$")
                ),
                name="family_reference_format",
            ),
        ),
        migrations.AlterField(
            model_name="retentionlogentry",
            name="family_reference",
            field=models.CharField(max_length=24),
        ),
    ]
