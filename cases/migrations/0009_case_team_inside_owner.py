"""The case team is drawn from the owning administration only (SPEC §3.2).

Until now anyone could be added, so staff of another administration could reach a family
through its case team without any consent. This removes every case-team row whose user is
employed by another administration than the one owning the family (a responsible ombud of
another administration stops being responsible), and prints each removal by id so that the
team lead can review it: they see the family again only through shares a consent covers.
Nothing else is deleted. Not reversible: the rows were access that no rule allowed.
"""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    CaseTeamMember = apps.get_model("cases", "CaseTeamMember")
    Family = apps.get_model("cases", "Family")
    outside = (
        CaseTeamMember.objects.exclude(user__administration_id=F("family__owner_id"))
        .order_by("family_id", "user_id")
        .values_list("pk", "family_id", "user_id", "role")
    )
    rows = list(outside)
    for _pk, family_id, user_id, role in rows:
        print(
            f"\n  case team: removed user {user_id} ({role}) from family {family_id}: "
            "employed outside the owning administration",
            end="",
        )
        if role == "responsible_ombud":
            Family.objects.filter(pk=family_id, responsible_ombud_id=user_id).update(
                responsible_ombud=None
            )
    CaseTeamMember.objects.filter(pk__in=[pk for pk, *_ in rows]).delete()
    if rows:
        print(f"\n  case team: {len(rows)} row(s) removed; review them with the team leads.")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_journal_draft_key")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
