from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases import models as cm
from tests.factories import FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_an_update_outside_the_app_still_writes_history(ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    member = MemberFactory(family=family, first_name="Före")
    cm.Member.objects.filter(pk=member.pk).update(first_name="Efter")
    events = cm.Member.pgh_event_model.objects.filter(pgh_obj=member).order_by("pgh_id")
    assert [e.first_name for e in events] == ["Före", "Efter"]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {cm.Member.pgh_event_model._meta.db_table}")


def test_the_case_team_sees_the_history_and_who_changed_what(ombud, client):
    family = FamilyFactory(responsible_ombud=ombud)
    member = MemberFactory(family=family)
    client.force_login(ombud)
    response = client.post(
        reverse("cases:member_edit", args=[member.pk]),
        {
            "kind": "child",
            "first_name": "Nytt",
            "last_name": member.last_name,
            "id_type": "personnummer",
            "personal_number": member.personal_number,
            "version": member.version,
            "occupation": "",
            "occupation_at_start": "",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:family_history", args=[family.pk]))
    rows = page.context["events"]
    changed = [r for r in rows if not r["created"] and r["record_id"] == member.pk]
    assert changed and changed[0]["by"] == ombud
    assert "first name" in [f.lower() for f in changed[0]["fields"]] or "förnamn" in [
        f.lower() for f in changed[0]["fields"]
    ]


def test_the_history_is_for_the_case_team_only(ombud, team_lead, colleague_not_on_team, client):
    family = FamilyFactory(responsible_ombud=ombud)
    url = reverse("cases:family_history", args=[family.pk])
    client.force_login(team_lead)
    assert client.get(url).status_code == 403
    client.force_login(colleague_not_on_team)
    assert client.get(url).status_code == 404


@pytest.mark.swedish
def test_history_rows_name_records_by_their_date_not_by_database_ids(ombud, client):
    """A case worker recognises "Journalanteckning 3 mars 2026", not "Journalanteckning #440";
    a family member is never labelled by their birth date."""
    import datetime as dt
    import html

    from django.utils import timezone

    from tests.factories import JournalEntryFactory

    family = FamilyFactory(responsible_ombud=ombud)
    visit = timezone.make_aware(dt.datetime(2026, 3, 3, 10, 0))
    entry = JournalEntryFactory(family=family, event_at=visit)
    member = MemberFactory(family=family, birth_date=dt.date(2015, 6, 1))
    client.force_login(ombud)
    page = html.unescape(client.get(reverse("cases:family_history", args=[family.pk])).text)
    assert "Journalanteckning 3 mars 2026" in page
    assert f"#{entry.pk}" not in page
    assert f"nr {member.pk}" in page
    assert "1 juni 2015" not in page
    assert f"Familj {family.reference}" in page
