"""SMS reminders of booked visits (seed 001): planned with the visit, moved and cancelled with
it, only to members who agreed and have a mobile number, protected identity only on the
ombud's confirmation, a text with time, place and the ombud's first name and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from agenda import reminders, services, tasks
from cases import models as cm
from cases import services as cases_services
from tests.agenda.conftest import at_local
from tests.factories import CustodianFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
S = cm.SmsReminder.Status
Slot = cm.SmsReminder.Slot


def _rows(visit):
    return list(cm.SmsReminder.objects.filter(visit=visit).order_by("send_at", "id"))


# --- Planned with the visit -----------------------------------------------------------------------


def test_booking_a_visit_plans_the_day_before_and_two_hours_before_reminders(family, parent, book):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)

    rows = _rows(visit)
    assert [(r.slot, r.status, r.member_id) for r in rows] == [
        (Slot.DAY_BEFORE, S.PENDING, parent.pk),
        (Slot.TWO_HOURS, S.PENDING, parent.pk),
    ]
    day_before = timezone.localtime(rows[0].send_at)
    assert (day_before.date(), day_before.time()) == (
        timezone.localtime(visit.starts_at).date() - dt.timedelta(days=1),
        dt.time(18, 0),
    )
    assert rows[1].send_at == visit.starts_at - dt.timedelta(hours=2)
    assert rows[0].idempotency_key != rows[1].idempotency_key


def test_a_visit_booked_without_reminders_has_none(family, parent, book):
    visit = book(family)
    assert _rows(visit) == []
    assert not cm.VisitReminderChoice.objects.filter(visit=visit).exists()


def test_a_reminder_is_sent_when_due_and_only_then(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_day_before=True)
    reminder = _rows(visit)[0]

    assert tasks.dispatch_due() == 0
    assert outbox.sent == []
    with time_machine.travel(reminder.send_at + dt.timedelta(seconds=30)):
        assert tasks.dispatch_due() == 1

    reminder.refresh_from_db()
    assert reminder.status == S.SENT
    assert reminder.sent_to == "+46701234567"
    assert [m["to"] for m in outbox.sent] == ["+46701234567"]


# --- Moved and cancelled with the visit -----------------------------------------------------------


def test_moving_the_visit_cancels_the_old_reminders_and_plans_new_ones(
    family, parent, book, ombud, outbox
):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)
    old = _rows(visit)

    tasks.visit_reschedule(visit=visit, by=ombud, starts_at=at_local(6, 14))

    for row in old:
        row.refresh_from_db()
        assert (row.status, row.cancel_reason) == (S.CANCELLED, "rescheduled")
    new = [r for r in _rows(visit) if r.status == S.PENDING]
    assert [r.send_at for r in new] == [
        timezone.make_aware(dt.datetime.combine(at_local(5).date(), dt.time(18, 0))),
        at_local(6, 14) - dt.timedelta(hours=2),
    ]
    assert "14:00" in new[0].text

    # At the old reminder's time nothing goes out; at the new one the new time does.
    with time_machine.travel(old[0].send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    assert outbox.sent == []
    with time_machine.travel(new[0].send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    assert len(outbox.sent) == 1 and "14:00" in outbox.sent[0]["text"]


def test_cancelling_the_visit_cancels_its_reminders(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)

    services.visit_cancel(visit=visit)

    assert {(r.status, r.cancel_reason) for r in _rows(visit)} == {(S.CANCELLED, "visit_cancelled")}
    with time_machine.travel(visit.starts_at - dt.timedelta(hours=1)):
        assert tasks.dispatch_due() == 0
    assert outbox.sent == []


def test_a_sent_reminder_stays_sent_when_the_visit_moves_and_a_new_one_follows(
    family, parent, book, ombud, outbox
):
    visit = book(family, members=[parent], remind_day_before=True)
    first = _rows(visit)[0]
    with time_machine.travel(first.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
        tasks.visit_reschedule(visit=visit, by=ombud, starts_at=at_local(8, 9))

    first.refresh_from_db()
    assert first.status == S.SENT
    assert [r.status for r in _rows(visit)] == [S.SENT, S.PENDING]


def test_a_reminder_whose_time_has_passed_when_the_visit_moves_is_not_planned(
    family, parent, book, ombud
):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)
    new_time = at_local(1, 9, 30)
    with time_machine.travel(at_local(1, 8)):
        # Moved to 09:30 the same day: 18:00 the day before has passed, 07:30 too.
        tasks.visit_reschedule(visit=visit, by=ombud, starts_at=new_time)
    assert [r.status for r in _rows(visit)] == [S.CANCELLED, S.CANCELLED]


def test_the_visit_is_moved_even_when_it_has_no_reminders(family, book, ombud):
    visit = book(family)
    tasks.visit_reschedule(visit=visit, by=ombud, starts_at=at_local(4), place="Skolan")
    visit.refresh_from_db()
    assert (visit.starts_at, visit.place) == (at_local(4), "Skolan")


def test_a_cancelled_visit_cannot_be_moved(family, book, ombud):
    visit = book(family)
    services.visit_cancel(visit=visit)
    with pytest.raises(ValidationError):
        tasks.visit_reschedule(visit=visit, by=ombud, starts_at=at_local(4))


# --- Who may get a reminder -----------------------------------------------------------------------


def test_no_reminder_for_a_member_without_sms_consent(family, book):
    no_consent = CustodianFactory(family=family, mobile="0709998877", sms_reminders=False)
    with pytest.raises(ValidationError) as exc:
        book(family, members=[no_consent], remind_day_before=True)
    assert "reminder_members" in exc.value.message_dict
    assert not cm.Visit.objects.filter(family=family).exists()  # nothing half-booked


def test_no_reminder_for_a_member_without_a_mobile_number(family, book):
    no_mobile = CustodianFactory(family=family, mobile="", sms_reminders=True)
    with pytest.raises(ValidationError) as exc:
        book(family, members=[no_mobile], remind_day_before=True)
    assert "mobile" in " ".join(exc.value.message_dict["reminder_members"])


def test_no_reminder_to_a_landline_number(family, book):
    landline = CustodianFactory(family=family, mobile="013-20 60 00", sms_reminders=True)
    with pytest.raises(ValidationError):
        book(family, members=[landline], remind_two_hours_before=True)


def test_a_member_of_another_family_cannot_be_chosen(family, book):
    stranger = CustodianFactory(mobile="0701112233", sms_reminders=True)
    with pytest.raises(ValidationError):
        book(family, members=[stranger], remind_day_before=True)


def test_a_reminder_needs_both_who_and_when(family, parent, book):
    with pytest.raises(ValidationError) as exc:
        book(family, members=[parent])
    assert "remind_day_before" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        book(family, remind_day_before=True)
    assert "reminder_members" in exc.value.message_dict


def test_a_reminder_time_already_passed_is_refused_at_booking(family, parent, book):
    # At noon a visit at 23:00 today is still to come, but its day-before reminder has passed
    # (pinned: run after 23:00, the visit itself would be in the past).
    with (
        time_machine.travel(at_local(0, 12), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        book(family, members=[parent], days=0, hour=23, remind_day_before=True)
    assert "remind_day_before" in exc.value.message_dict


def test_a_member_with_protected_identity_gets_nothing_without_the_ombuds_confirmation(
    family, book, ombud
):
    protected = CustodianFactory(
        family=family, mobile="0705556677", sms_reminders=True, protected_identity=True
    )
    with pytest.raises(ValidationError) as exc:
        book(family, members=[protected], remind_day_before=True)
    assert "confirm_protected" in exc.value.message_dict

    visit = book(family, members=[protected], remind_day_before=True, confirm_protected=True)
    assert [r.member_id for r in _rows(visit)] == [protected.pk]
    choice = visit.reminder_choice
    assert choice.protected_confirmed_by == ombud and choice.protected_confirmed_at


def test_consent_withdrawn_after_booking_cancels_the_reminder_when_it_is_due(
    family, parent, book, outbox
):
    visit = book(family, members=[parent], remind_day_before=True)
    cases_services.member_update(
        member=parent, expected_version=parent.version, sms_reminders=False
    )
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.cancel_reason) == (S.CANCELLED, "no_consent")
    assert outbox.sent == []


def test_a_member_who_got_protected_identity_after_booking_gets_nothing(
    family, parent, book, outbox
):
    visit = book(family, members=[parent], remind_day_before=True)
    cm.Member.objects.filter(pk=parent.pk).update(protected_identity=True)
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.cancel_reason) == (S.CANCELLED, "protected")


def test_a_reminder_is_not_sent_when_the_ombud_has_left_the_case_team(
    family, parent, colleague_on_team, book, outbox
):
    visit = book(family, members=[parent], remind_day_before=True, by=colleague_on_team)
    cm.CaseTeamMember.objects.filter(family=family, user=colleague_on_team).delete()
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.cancel_reason == "ombud_left"


def test_a_reminder_for_a_closed_case_is_not_sent(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_day_before=True)
    cm.Family.objects.filter(pk=family.pk).update(status=cm.Family.Status.CLOSED)
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.cancel_reason == "case_closed"


def test_a_reminder_found_after_the_visit_began_is_not_sent(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_day_before=True)
    with time_machine.travel(visit.starts_at + dt.timedelta(minutes=5)):
        tasks.dispatch_due()
    assert _rows(visit)[0].cancel_reason == "too_late"
    assert outbox.sent == []


# --- The text -------------------------------------------------------------------------------------


def test_the_text_holds_time_place_and_the_ombuds_first_name_only(
    family, parent, child, book, ombud, outbox
):
    ombud.first_name, ombud.last_name = "Anna", "Exempelsson"
    ombud.save()
    sibling = MemberFactory(family=family, first_name="Elis", npf_diagnosis="Autism")
    visit = book(family, members=[parent], remind_day_before=True, place="Familjecentralen")
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    text = outbox.sent[0]["text"]

    assert "10:00" in text and "Familjecentralen" in text and "Anna" in text
    for secret in (
        "Exempelsson",
        parent.first_name,
        parent.last_name,
        child.first_name,
        sibling.first_name,
        "ADHD",
        "Autism",
        child.personal_number,
        parent.personal_number,
        family.reference,
    ):
        assert secret not in text
    assert len(text) <= 160 * 2


@pytest.mark.parametrize(
    "place",
    ["Hemma hos Maja", "Berglunds kök", "BUP Linköping", "ADHD-mottagningen", "Barnpsykiatrin"],
)
def test_a_place_that_would_reveal_a_name_or_a_diagnosis_is_refused(
    family, parent, child, book, place
):
    with pytest.raises(ValidationError) as exc:
        book(family, members=[parent], remind_day_before=True, place=place)
    assert "place" in exc.value.message_dict


def test_the_place_is_free_when_no_sms_goes_out(family, child, book):
    assert book(family, place="BUP Linköping").pk


def test_a_name_that_turns_up_in_the_place_later_stops_the_message(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_day_before=True, place="Hos mormor Signe")
    MemberFactory(family=family, kind=cm.Member.Kind.SIBLING, first_name="Signe")
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.cancel_reason == "unsafe_text" and outbox.sent == []


# --- Exactly once ---------------------------------------------------------------------------------


def test_sending_the_same_reminder_again_sends_nothing_more(family, parent, book, outbox):
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = _rows(visit)[0]
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        for _ in range(3):
            tasks.reminder_send(reminder_id=reminder.pk)
            tasks.dispatch_due()
    assert len(outbox.sent) == 1


def test_a_message_another_worker_is_sending_is_left_alone_until_it_is_stale(
    family, parent, book, outbox
):
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = _rows(visit)[0]
    due = reminder.send_at + dt.timedelta(minutes=1)
    cm.SmsReminder.objects.filter(pk=reminder.pk).update(
        status=S.SENDING, attempts=1, last_attempt_at=due
    )
    with time_machine.travel(due + dt.timedelta(minutes=1)):
        assert tasks.reminder_send(reminder_id=reminder.pk) == S.SENDING
    assert outbox.sent == []
    # The worker died: after ten minutes the same message (same key) is tried again.
    with time_machine.travel(due + dt.timedelta(minutes=11)):
        assert tasks.dispatch_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == S.SENT and reminder.attempts == 2
    assert outbox.sent[0]["key"] == str(reminder.idempotency_key)


def test_status_changes_outside_the_transition_table_are_refused(family, parent, book):
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = _rows(visit)[0]
    with pytest.raises(reminders.ReminderError):
        reminders._move(reminder, S.SENT, sent_at=timezone.now())
    services.visit_cancel(visit=visit)
    reminder.refresh_from_db()
    with pytest.raises(reminders.ReminderError):
        reminders.reminder_cancel(reminder=reminder, by=UserFactory())


def test_only_one_live_message_per_visit_member_and_slot(family, parent, book):
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = _rows(visit)[0]
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        cm.SmsReminder.objects.create(
            visit=visit,
            family=family,
            owner=family.owner,
            member=parent,
            slot=reminder.slot,
            send_at=reminder.send_at,
            text="x",
        )
