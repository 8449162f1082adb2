"""The ombud's active manual shares become explicit-share sources.

Shares are now derived from their sources (familjelotsen.access.grants); until now a manual
share existed only as its Share row, so it would be lost the first time the family's shares
are derived. Each active manual share gets the explicit share that keeps it.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Share = apps.get_model("consent", "Share")
    ExplicitShare = apps.get_model("consent", "ExplicitShare")
    rows = Share.objects.filter(reason="manual", withdrawn_at__isnull=True)
    ExplicitShare.objects.bulk_create(
        [
            ExplicitShare(
                family_id=row.family_id,
                content_type_id=row.content_type_id,
                object_id=row.object_id,
                administration_id=row.administration_id,
                can_change=row.can_change,
                shared_by_id=row.shared_by_id,
            )
            for row in rows.iterator()
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0004_explicit_shares_and_share_reasons")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
