"""Reminder pages: booking with SMS reminders, the family's outbox, moving a visit, the team
lead's failed sends. Who sees them (both sides), what is logged, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from agenda import sms, tasks
from cases import models as cm
from familjelotsen.models import AccessLogEntry
from tests.agenda.conftest import at_local
from tests.factories import ConsentFactory, CustodianFactory, FamilyFactory

pytestmark = pytest.mark.django_db
S = cm.SmsReminder.Status


def _fail(reminder, reason=sms.GATEWAY_FAULT):
    cm.SmsReminder.objects.filter(pk=reminder.pk).update(
        status=S.FAILED, attempts=3, failure_reason=reason, last_attempt_at=reminder.send_at
    )


@pytest.fixture
def booked(family, parent, book):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)
    return visit


# --- Booking a visit with reminders ---------------------------------------------------------------


def test_the_ombud_books_a_visit_with_an_sms_reminder_in_one_form(family, parent, ombud, as_user):
    client = as_user(ombud)
    url = reverse("agenda:visit_book", args=[family.pk])
    page = client.get(url).content.decode()
    assert "SMS reminder the day before at 18:00" in page
    # The members are a group of checkboxes: named by a legend, not a dangling label.
    assert "<legend>Who gets the reminder</legend>" in page
    assert "Lena Berglund" in page

    response = client.post(
        url,
        {
            "starts_at": at_local(3).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Hemma hos familjen",
            "kind": cm.JournalEntry.Kind.HOME_VISIT,
            "remind_day_before": "on",
            "reminder_members": [parent.pk],
        },
    )
    assert response.status_code == 302
    [reminder] = cm.SmsReminder.objects.filter(family=family)
    assert (reminder.member, reminder.status) == (parent, S.PENDING)


def test_the_form_refuses_a_member_without_sms_consent_and_keeps_what_was_typed(
    family, ombud, as_user
):
    no_consent = CustodianFactory(family=family, mobile="0709998877", sms_reminders=False)
    response = as_user(ombud).post(
        reverse("agenda:visit_book", args=[family.pk]),
        {
            "starts_at": at_local(3).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "place": "Biblioteket",
            "kind": cm.JournalEntry.Kind.HOME_VISIT,
            "remind_day_before": "on",
            "reminder_members": [no_consent.pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "has not agreed to SMS reminders" in html
    assert 'value="Biblioteket"' in html and 'value="45"' in html
    assert "has not agreed to SMS" in html  # the checkbox says so before anyone picks it
    assert not cm.Visit.objects.filter(family=family).exists()


def test_the_form_refuses_a_place_with_a_name(family, parent, child, ombud, as_user):
    response = as_user(ombud).post(
        reverse("agenda:visit_book", args=[family.pk]),
        {
            "starts_at": at_local(3).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Hos Maja",
            "kind": cm.JournalEntry.Kind.HOME_VISIT,
            "remind_two_hours_before": "on",
            "reminder_members": [parent.pk],
        },
    )
    assert response.status_code == 200
    assert "without the names of family members" in response.content.decode()


# --- The outbox -----------------------------------------------------------------------------------


def test_the_case_team_sees_every_message_of_the_family(
    family, parent, booked, colleague_on_team, as_user
):
    rows = list(cm.SmsReminder.objects.filter(family=family).order_by("send_at"))
    _fail(rows[0])
    cm.SmsReminder.objects.filter(pk=rows[1].pk).update(
        status=S.CANCELLED, cancel_reason="by_staff"
    )
    response = as_user(colleague_on_team).get(reverse("agenda:sms_outbox", args=[family.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert sms.GATEWAY_FAULT in html
    assert "Cancelled by staff" in html
    assert "Lena Berglund" in html
    assert reverse("agenda:visit_reschedule", args=[booked.pk]) in html
    assert (
        AccessLogEntry.objects.filter(
            user=colleague_on_team, object_type="cases.smsreminder", family_id=family.pk
        ).count()
        == 2
    )


def test_the_team_lead_sees_the_outbox_but_not_a_protected_members_name_or_text(
    family, book, team_lead, as_user
):
    protected = CustodianFactory(
        family=family,
        first_name="Hemlig",
        mobile="0705556677",
        sms_reminders=True,
        protected_identity=True,
    )
    visit = book(family, members=[protected], remind_day_before=True, confirm_protected=True)
    html = as_user(team_lead).get(reverse("agenda:sms_outbox", args=[family.pk])).content.decode()
    assert "Hemlig" not in html and "Protected identity" in html
    assert "Reminder:" not in html
    # The team lead follows up; moving visits is the case team's.
    assert reverse("agenda:visit_reschedule", args=[visit.pk]) not in html


def test_staff_outside_the_case_team_get_404(
    family, booked, colleague_not_on_team, other_team_lead, as_user
):
    for user in (colleague_not_on_team, other_team_lead):
        response = as_user(user).get(reverse("agenda:sms_outbox", args=[family.pk]))
        assert response.status_code == 404


def test_an_administration_that_sees_the_family_through_a_share_gets_403(
    family, parent, booked, school_coordinator, ombud, as_user
):
    from familjelotsen import access

    ConsentFactory(
        subject=parent,
        receiving=[school_coordinator.administration],
        categories=[cm.InfoCategory.COORDINATION],
    )
    access.share(obj=family, administration=school_coordinator.administration, shared_by=ombud)
    response = as_user(school_coordinator).get(reverse("agenda:sms_outbox", args=[family.pk]))
    assert response.status_code == 403
    # The page says what is the case: the family is visible, this work is not theirs.
    assert "You can see this record but you are not allowed to change it" in (
        response.content.decode()
    )


def test_the_outbox_takes_the_same_number_of_queries_for_many_messages(
    family, parent, ombud, book, as_user, django_assert_max_num_queries
):
    for day in range(3, 9):
        book(
            family, members=[parent], days=day, remind_day_before=True, remind_two_hours_before=True
        )
    client = as_user(ombud)
    url = reverse("agenda:sms_outbox", args=[family.pk])
    # session (1), user with its second-factor flag (1), the family with its access basis
    # (1), messages with their visits (1), their members with identity masking (1), upcoming
    # visits with their reminder choices (1), the access log (1 INSERT), the header's
    # administration (1), the session save in a savepoint (3).
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") >= 12


# --- Moving a visit -------------------------------------------------------------------------------


def test_moving_a_visit_on_its_page_moves_its_reminders(family, booked, ombud, as_user):
    url = reverse("agenda:visit_reschedule", args=[booked.pk])
    client = as_user(ombud)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "starts_at": at_local(5, 13).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Skolan",
        },
    )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert (booked.starts_at, booked.place) == (at_local(5, 13), "Skolan")
    pending = cm.SmsReminder.objects.filter(visit=booked, status=S.PENDING)
    assert pending.count() == 2 and all("Skolan" in r.text for r in pending)


def test_moving_to_the_past_is_refused_at_the_field(family, booked, ombud, as_user):
    response = as_user(ombud).post(
        reverse("agenda:visit_reschedule", args=[booked.pk]),
        {
            "starts_at": at_local(-2).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60,
            "place": "Skolan",
        },
    )
    assert response.status_code == 200
    assert "future time" in response.content.decode()


def test_only_the_case_team_moves_a_visit(
    family, booked, team_lead, colleague_not_on_team, as_user
):
    url = reverse("agenda:visit_reschedule", args=[booked.pk])
    assert as_user(team_lead).get(url).status_code == 403
    assert as_user(colleague_not_on_team).get(url).status_code == 404


# --- Failed sends, retry, cancel ------------------------------------------------------------------


def test_the_team_lead_lists_failed_sends_and_retries_one(
    family, booked, team_lead, as_user, outbox
):
    reminder = cm.SmsReminder.objects.filter(visit=booked).order_by("send_at").first()
    _fail(reminder)
    client = as_user(team_lead)
    html = client.get(reverse("agenda:sms_failed")).content.decode()
    assert family.reference in html and sms.GATEWAY_FAULT in html

    response = client.post(reverse("agenda:sms_retry", args=[reminder.pk]), {"next": "failed"})
    assert response.status_code == 302 and response["Location"] == reverse("agenda:sms_failed")
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == S.SENT and len(outbox.sent) == 1


def test_another_administrations_team_lead_sees_no_failed_send(
    family, booked, other_team_lead, as_user
):
    reminder = cm.SmsReminder.objects.filter(visit=booked).first()
    _fail(reminder)
    client = as_user(other_team_lead)
    assert family.reference not in client.get(reverse("agenda:sms_failed")).content.decode()
    assert client.post(reverse("agenda:sms_retry", args=[reminder.pk])).status_code == 404


def test_the_failed_sends_page_is_for_team_leads(ombud, as_user):
    assert as_user(ombud).get(reverse("agenda:sms_failed")).status_code == 403


def test_the_failed_page_takes_the_same_number_of_queries_for_many_failures(
    ombud, team_lead, parent, book, as_user, django_assert_max_num_queries
):
    for index in range(5):
        other = FamilyFactory(responsible_ombud=ombud)
        member = CustodianFactory(family=other, mobile="0701234567", sms_reminders=True)
        visit = book(other, members=[member], days=3 + index, remind_day_before=True)
        for row in cm.SmsReminder.objects.filter(visit=visit):
            _fail(row)
    client = as_user(team_lead)
    # session (1), user (1), failed messages with family and visit (1), their members with
    # identity masking (1), the access log (1 INSERT), failed digests (1), the header's
    # administration (1), the session save in a savepoint (3).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("agenda:sms_failed"))
    assert response.content.decode().count(sms.GATEWAY_FAULT) == 5


def test_the_case_team_cancels_a_pending_message(family, booked, ombud, team_lead, as_user):
    reminder = cm.SmsReminder.objects.filter(visit=booked).first()
    assert (
        as_user(team_lead).post(reverse("agenda:sms_cancel", args=[reminder.pk])).status_code == 403
    )
    as_user(ombud).post(reverse("agenda:sms_cancel", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.cancel_reason) == (S.CANCELLED, "by_staff")


def test_the_family_page_links_to_the_outbox(family, ombud, as_user):
    html = as_user(ombud).get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert reverse("agenda:sms_outbox", args=[family.pk]) in html


def test_the_masked_number_shows_only_its_ends():
    assert sms.mask_number("+46701234567") == "+467…67"


# --- The policy decides, and the log carries its basis (issue 14) ---------------------------------


def test_the_outbox_logs_the_family_and_each_message_once_with_the_policys_basis(
    family, booked, team_lead, ombud, as_user
):
    url = reverse("agenda:sms_outbox", args=[family.pk])
    for user, basis in ((ombud, "case_team"), (team_lead, "team_lead")):
        as_user(user).get(url)
        rows = AccessLogEntry.objects.filter(user=user, family_id=family.pk)
        assert list(rows.filter(object_type="cases.family").values_list("basis", flat=True)) == [
            basis
        ]
        messages = rows.filter(object_type="cases.smsreminder")
        assert messages.count() == 2
        assert set(messages.values_list("basis", flat=True)) == {basis}


def test_the_place_of_a_visit_is_masked_for_a_team_lead_when_a_member_is_protected(
    family, book, team_lead, ombud, as_user
):
    CustodianFactory(family=family, protected_identity=True)
    book(family, place="Gömdvägen 3")
    url = reverse("agenda:sms_outbox", args=[family.pk])
    assert "Gömdvägen 3" not in as_user(team_lead).get(url).content.decode()
    assert "Gömdvägen 3" in as_user(ombud).get(url).content.decode()


def test_a_retry_is_logged_with_the_basis_the_policy_found(
    family, booked, team_lead, ombud, as_user
):
    first, second = cm.SmsReminder.objects.filter(visit=booked).order_by("send_at")
    _fail(first)
    _fail(second)
    as_user(team_lead).post(reverse("agenda:sms_retry", args=[first.pk]))
    as_user(ombud).post(reverse("agenda:sms_retry", args=[second.pk]))
    changes = AccessLogEntry.objects.filter(action="change", object_type="cases.smsreminder")
    assert set(changes.values_list("user", "object_id", "basis")) == {
        (team_lead.pk, first.pk, "team_lead"),
        (ombud.pk, second.pk, "case_team"),
    }


def test_the_form_to_move_a_visit_logs_one_read_of_the_family(family, booked, ombud, as_user):
    as_user(ombud).get(reverse("agenda:visit_reschedule", args=[booked.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, family_id=family.pk)
    assert list(rows.values_list("object_type", "basis")) == [("cases.family", "case_team")]


def test_only_the_team_lead_is_offered_the_failed_sends(ombud, team_lead, as_user):
    link = reverse("agenda:sms_failed")
    assert link in as_user(team_lead).get(reverse("agenda:digest")).content.decode()
    assert link not in as_user(ombud).get(reverse("agenda:digest")).content.decode()
