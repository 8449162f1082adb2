"""The HTTP SMS gateway backend against a fake gateway on 127.0.0.1: success, errors,
timeouts, retries with backoff, failures recorded with the reason — and the visit is never
affected."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
import time_machine

from agenda import reminders, sms, tasks
from cases import models as cm

pytestmark = pytest.mark.django_db
S = cm.SmsReminder.Status


@pytest.fixture
def reminder(family, parent, book):
    visit = book(family, members=[parent], remind_day_before=True)
    return cm.SmsReminder.objects.get(visit=visit)


def _send_when_due(reminder, at=None):
    with time_machine.travel(at or reminder.send_at + dt.timedelta(minutes=1)):
        tasks.dispatch_due()
    reminder.refresh_from_db()
    return reminder


def test_the_gateway_gets_sender_number_text_credentials_and_the_idempotency_key(gateway, reminder):
    _send_when_due(reminder)

    assert reminder.status == S.SENT
    assert reminder.provider == "http" and reminder.provider_message_id.startswith("gw-")
    [request] = gateway.requests
    assert request["key"] == str(reminder.idempotency_key)
    assert request["body"] == {
        "from": "Kommunen",
        "to": "+46701234567",
        "message": reminder.text,
        "reference": str(reminder.idempotency_key),
    }
    assert request["auth"] == "Basic " + base64.b64encode(b"familjelotsen:hemligt").decode()


def test_a_server_error_is_retried_at_once_with_backoff_and_then_succeeds(gateway, reminder):
    gateway.script = [("status", 500), ("status", 503)]
    _send_when_due(reminder)
    assert reminder.status == S.SENT and reminder.attempts == 1
    assert len(gateway.requests) == 3
    assert {r["key"] for r in gateway.requests} == {str(reminder.idempotency_key)}


def test_a_timeout_is_retried_with_the_same_key_and_the_message_arrives_once(gateway, reminder):
    gateway.script = [("slow", 0.6)]  # answers after the client (0.3 s) gave up, but delivers
    _send_when_due(reminder)
    assert reminder.status == S.SENT
    assert len(gateway.requests) == 2
    assert len(gateway.delivered) == 1


def test_a_gateway_that_keeps_failing_leaves_the_reminder_failed_with_the_reason_and_a_retry(
    gateway, reminder, family
):
    visit_before = cm.Visit.objects.values().get(pk=reminder.visit_id)
    gateway.script = [("status", 500)] * 3
    _send_when_due(reminder)

    assert reminder.status == S.FAILED
    # A reason staff understand, without the gateway's status code (that goes to the log).
    assert reminder.failure_reason == sms.GATEWAY_FAULT
    assert "HTTP" not in reminder.failure_reason
    assert reminder.next_attempt_at is not None and reminder.will_retry
    assert reminder.next_attempt_at > reminder.last_attempt_at
    assert len(gateway.requests) == 3
    # The visit itself is untouched.
    assert cm.Visit.objects.values().get(pk=reminder.visit_id) == visit_before

    # The gateway is back: the retry goes out when it is due, with the same key.
    _send_when_due(reminder, at=reminder.next_attempt_at + dt.timedelta(seconds=5))
    assert reminder.status == S.SENT and reminder.attempts == 2
    assert list(gateway.delivered) == [str(reminder.idempotency_key)]


def test_a_gateway_that_does_not_answer_leaves_the_reminder_failed_as_timed_out(gateway, reminder):
    gateway.script = [("slow", 0.5)] * 3
    _send_when_due(reminder)
    assert reminder.status == S.FAILED
    assert reminder.failure_reason == sms.GATEWAY_SLOW


def test_retries_back_off_and_stop_before_the_visit(gateway, reminder):
    gateway.script = [("status", 502)] * 30
    times = []
    at = reminder.send_at + dt.timedelta(minutes=1)
    while True:
        _send_when_due(reminder, at=at)
        times.append(reminder.last_attempt_at)
        if not reminder.will_retry:
            break
        at = reminder.next_attempt_at + dt.timedelta(seconds=1)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == reminders.MAX_ATTEMPTS
    assert gaps == sorted(gaps) and gaps[0] >= reminders.RETRY_BASE
    assert reminder.status == S.FAILED and reminder.next_attempt_at is None


def test_a_refused_message_is_not_retried(gateway, reminder):
    gateway.script = [("status", 400)]
    _send_when_due(reminder)
    assert reminder.status == S.FAILED and not reminder.will_retry
    assert len(gateway.requests) == 1
    assert reminder.failure_reason == sms.GATEWAY_REFUSED


def test_an_unreachable_gateway_is_recorded(settings, reminder):
    settings.FL_SMS_BACKEND = "http"
    settings.FL_SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: refused
    settings.FL_SMS_GATEWAY_RETRIES = "2"
    settings.FL_SMS_GATEWAY_BACKOFF = "0"
    _send_when_due(reminder)
    assert reminder.status == S.FAILED
    assert reminder.failure_reason == sms.GATEWAY_UNREACHABLE


def test_a_failed_message_can_be_retried_by_hand(gateway, reminder, team_lead):
    gateway.script = [("status", 400)]
    _send_when_due(reminder)
    assert not reminder.will_retry

    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=5)):
        tasks.reminder_retry(reminder=reminder, by=team_lead)
        tasks.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == S.SENT and len(gateway.delivered) == 1


def test_the_reason_never_holds_the_number_or_the_text(gateway, reminder):
    gateway.script = [("status", 500)] * 3
    _send_when_due(reminder)
    assert "0701234567" not in reminder.failure_reason
    assert "+4670" not in reminder.failure_reason
    assert reminder.text not in reminder.failure_reason


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("070-123 45 67", "+46701234567"),
        ("0701234567", "+46701234567"),
        ("+46 70 123 45 67", "+46701234567"),
        ("0046701234567", "+46701234567"),
        ("013-20 60 00", None),
        ("", None),
        ("07012", None),
        ("07012345678901", None),
    ],
)
def test_mobile_numbers_are_sent_in_international_form(raw, e164):
    assert sms.normalise_mobile(raw) == e164


def test_the_gateway_backend_needs_an_http_address():
    with pytest.raises(sms.SmsError):
        sms.HttpGatewayBackend(url="")
    with pytest.raises(sms.SmsError):
        sms.HttpGatewayBackend(url="file:///etc/passwd")


def test_the_console_backend_is_the_default(settings, capsys):
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
    sms.ConsoleBackend().send(to="+46701234567", text="Hej", idempotency_key="k")
    assert "Hej" in capsys.readouterr().out
