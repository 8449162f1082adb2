from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases import models as cm
from cases import services
from tests.factories import CustodianFactory, FamilyFactory, JournalEntryFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(ombud):
    return FamilyFactory(responsible_ombud=ombud)


def test_one_visit_can_concern_two_children(family, ombud):
    first, second = MemberFactory(family=family), MemberFactory(family=family)
    parent = CustodianFactory(family=family)
    entry = services.journal_entry_save_draft(
        family=family,
        by=ombud,
        kind=cm.JournalEntry.Kind.HOME_VISIT,
        event_at=__import__("django.utils.timezone").utils.timezone.now(),
        facts="Läxhjälp med båda barnen.",
        concerns=[first, second],
        participants=[parent],
    )
    assert set(entry.concerns.all()) == {first, second}
    assert set(first.journal_entries.all()) == {entry} == set(second.journal_entries.all())
    assert list(parent.journal_entries.all()) == []


def test_signing_locks_the_entry_in_the_service(family, ombud):
    entry = JournalEntryFactory(family=family)
    services.journal_entry_sign(entry=entry, by=ombud)
    entry.refresh_from_db()
    assert entry.signed_by == ombud and entry.signed_at is not None
    with pytest.raises(ValidationError):
        services.journal_entry_save_draft(
            family=family, by=ombud, entry=entry, expected_version=entry.version, facts="Ändrat"
        )
    with pytest.raises(ValidationError):
        services.journal_entry_sign(entry=entry, by=ombud)


def test_signed_rows_are_protected_by_a_database_trigger(family, ombud):
    entry = JournalEntryFactory(family=family)
    child = MemberFactory(family=family)
    services.journal_entry_sign(entry=entry, by=ombud)
    for statement, params in [
        ("UPDATE cases_journalentry SET facts = 'ändrat' WHERE id = %s", [entry.pk]),
        ("DELETE FROM cases_journalentry WHERE id = %s", [entry.pk]),
        (
            "INSERT INTO cases_journalentry_concerns (journalentry_id, member_id) VALUES (%s, %s)",
            [entry.pk, child.pk],
        ),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    with pytest.raises(DatabaseError), transaction.atomic():
        cm.JournalEntry.objects.filter(pk=entry.pk).update(facts="via ORM")
    entry.refresh_from_db()
    assert entry.facts == "Vi gick igenom veckoschemat."


def test_a_draft_can_still_be_changed_at_the_database(family):
    entry = JournalEntryFactory(family=family)
    assert cm.JournalEntry.objects.filter(pk=entry.pk).update(facts="nytt") == 1


def test_an_addendum_keeps_the_original_readable(family, ombud, client):
    entry = JournalEntryFactory(family=family, facts="Ursprunglig text.")
    services.journal_entry_sign(entry=entry, by=ombud)
    addendum = services.journal_entry_addendum(
        original=entry, by=ombud, facts="Rättelse: mötet var på tisdagen."
    )
    entry.refresh_from_db()
    assert entry.facts == "Ursprunglig text."
    assert addendum.corrects == entry and addendum.is_signed
    client.force_login(ombud)
    body = client.get(reverse("cases:journal_edit", args=[entry.pk])).content.decode()
    assert "Ursprunglig text." in body and "Rättelse: mötet var på tisdagen." in body


def test_a_signed_entry_cannot_be_edited_through_the_page(family, ombud, client):
    entry = JournalEntryFactory(family=family)
    services.journal_entry_sign(entry=entry, by=ombud)
    client.force_login(ombud)
    response = client.post(reverse("cases:journal_edit", args=[entry.pk]), {"facts": "x"})
    assert response.status_code == 403
    page = client.get(reverse("cases:journal_edit", args=[entry.pk])).content.decode()
    assert 'id="journal-form"' not in page


def test_an_objection_is_recorded_beside_the_entry(family, ombud, client):
    parent = CustodianFactory(family=family)
    entry = JournalEntryFactory(family=family)
    services.journal_entry_sign(entry=entry, by=ombud)
    client.force_login(ombud)
    client.post(
        reverse("cases:journal_objection", args=[entry.pk]),
        {"member": parent.pk, "statement": "Jag sa inte så."},
    )
    objection = entry.objections.get()
    assert objection.member == parent and objection.statement == "Jag sa inte så."
    entry.refresh_from_db()
    assert entry.facts == "Vi gick igenom veckoschemat."


def _form_data(**extra):
    data = {
        "kind": "home_visit",
        "event_at": "2026-11-20T10:00",
        "duration_minutes": "60",
        "place": "Hemma",
        "facts": "Vi planerade veckan.",
        "category": "social",
        "assessment": "",
        "next_steps": "",
        "other_participants": "",
    }
    data.update(extra)
    return data


def test_autosave_creates_the_draft_then_updates_it_with_the_version(family, ombud, client):
    client.force_login(ombud)
    url = reverse("cases:journal_autosave", args=[family.pk])
    first = client.post(url, _form_data()).json()
    entry = cm.JournalEntry.objects.get(pk=first["entry_id"])
    assert entry.facts == "Vi planerade veckan." and not entry.is_signed
    second = client.post(
        url,
        _form_data(
            entry_id=entry.pk, version=first["version"], facts="Vi planerade veckan och helgen."
        ),
    ).json()
    assert second["entry_id"] == entry.pk and second["version"] == first["version"] + 1
    entry.refresh_from_db()
    assert entry.facts == "Vi planerade veckan och helgen."
    stale = client.post(
        url, _form_data(entry_id=entry.pk, version=first["version"], facts="Gammal flik")
    )
    assert stale.status_code == 409
    entry.refresh_from_db()
    assert entry.facts == "Vi planerade veckan och helgen."


def test_saving_from_the_new_form_after_autosave_edits_the_same_draft(family, ombud, client):
    client.force_login(ombud)
    first = client.post(reverse("cases:journal_autosave", args=[family.pk]), _form_data()).json()
    response = client.post(
        reverse("cases:journal_new", args=[family.pk]),
        _form_data(entry_id=first["entry_id"], version=first["version"], sign="1"),
    )
    assert response.status_code == 302
    assert cm.JournalEntry.objects.filter(family=family).count() == 1
    assert cm.JournalEntry.objects.get().is_signed


def test_a_form_with_errors_keeps_what_was_typed(family, ombud, client):
    client.force_login(ombud)
    response = client.post(
        reverse("cases:journal_new", args=[family.pk]),
        _form_data(event_at="inte ett datum", facts="Min långa text"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Min långa text" in body
    assert 'class="field-errors"' in body
    assert not cm.JournalEntry.objects.exists()


def test_a_double_submitted_form_creates_one_entry(family, ombud, client):
    client.force_login(ombud)
    page = client.get(reverse("cases:journal_new", args=[family.pk])).content.decode()
    import re

    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)
    data = _form_data(form_token=token)
    first = client.post(reverse("cases:journal_new", args=[family.pk]), data)
    second = client.post(reverse("cases:journal_new", args=[family.pk]), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert cm.JournalEntry.objects.filter(family=family).count() == 1


def test_a_stale_edit_shows_both_versions_and_keeps_the_users_text(family, ombud, client):
    entry = JournalEntryFactory(family=family, facts="Första versionen.")
    stale_version = entry.version
    services.journal_entry_save_draft(
        family=family,
        by=ombud,
        entry=entry,
        expected_version=stale_version,
        facts="Kollegans text.",
    )
    client.force_login(ombud)
    response = client.post(
        reverse("cases:journal_edit", args=[entry.pk]),
        _form_data(version=stale_version, facts="Min egen text."),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kollegans text." in body and "Min egen text." in body
    entry.refresh_from_db()
    assert entry.facts == "Kollegans text."


def test_a_draft_whose_first_answer_was_lost_is_not_saved_twice(family, ombud, client):
    """The browser's first autosave reached the server but the network dropped before the
    answer came back; the next save (same draft key, no entry id yet) updates that draft."""
    import uuid

    client.force_login(ombud)
    key = str(uuid.uuid4())
    url = reverse("cases:journal_autosave", args=[family.pk])
    client.post(url, _form_data(draft_key=key, facts="Början"))
    client.post(url, _form_data(draft_key=key, facts="Början och slutet"))
    response = client.post(
        reverse("cases:journal_new", args=[family.pk]),
        _form_data(draft_key=key, facts="Början och slutet.", sign="1"),
    )
    assert response.status_code == 302
    entry = cm.JournalEntry.objects.get(family=family)
    assert entry.facts == "Början och slutet." and entry.is_signed
