"""Sign, then book the next visit in one flow (issue 18): signing from the journal form leads
to a booking already filled in from the entry, and the confirmation says in one sentence when
the visit is and when the SMS reminders go."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from tests.agenda.conftest import at_local
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db


def _sign_new_entry(client, family, *, when, place="Biblioteket"):
    return client.post(
        reverse("cases:journal_new", args=[family.pk]),
        {
            "kind": cm.JournalEntry.Kind.SCHOOL_MEETING,
            "event_at": when.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "place": place,
            "facts": "Möte om veckoschemat.",
            "category": cm.InfoCategory.SOCIAL,
            "sign": "1",
        },
    )


def test_signing_leads_to_a_booking_filled_in_from_the_entry(family, parent, ombud, as_user, book):
    # The family's last booking chose an SMS the day before to the parent.
    book(family, members=[parent], remind_day_before=True, days=3)
    client = as_user(ombud)
    when = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1)

    response = _sign_new_entry(client, family, when=when)

    entry = cm.JournalEntry.objects.get(family=family, facts="Möte om veckoschemat.")
    assert entry.is_signed
    booking = reverse("agenda:visit_book", args=[family.pk])
    assert response.status_code == 302 and response["Location"] == f"{booking}?efter={entry.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form.initial["place"] == "Biblioteket"
    assert form.initial["kind"] == cm.JournalEntry.Kind.SCHOOL_MEETING
    assert form.initial["duration_minutes"] == 45
    assert form.initial["starts_at"] == (when + dt.timedelta(days=7)).replace(tzinfo=None)
    assert form.initial["remind_day_before"] is True
    assert form.initial["reminder_members"] == [parent.pk]


def test_the_booking_is_confirmed_in_one_sentence_with_the_sms_times(
    family, parent, ombud, as_user
):
    client = as_user(ombud)
    starts = at_local(7, 10)
    response = client.post(
        reverse("agenda:visit_book", args=[family.pk]),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Hemma hos familjen",
            "kind": cm.JournalEntry.Kind.HOME_VISIT,
            "remind_day_before": "on",
            "remind_two_hours_before": "on",
            "reminder_members": [parent.pk],
        },
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    day_before = (starts - dt.timedelta(days=1)).strftime("%-d")
    assert message.startswith("The next visit is booked: ")
    assert "10:00, Hemma hos familjen" in message
    assert "18:00" in message and "08:00" in message and f" {day_before} " in message


def test_a_booking_page_never_fills_in_from_an_entry_of_another_family(family, ombud, as_user):
    other = FamilyFactory(responsible_ombud=ombud)
    client = as_user(ombud)
    when = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    response = _sign_new_entry(client, other, when=when, place="Annan plats")
    assert response.status_code == 302, response.context["form"].errors
    entry = cm.JournalEntry.objects.get(family=other)
    page = client.get(reverse("agenda:visit_book", args=[family.pk]) + f"?efter={entry.pk}")
    assert page.status_code == 200
    assert "place" not in page.context["form"].initial
