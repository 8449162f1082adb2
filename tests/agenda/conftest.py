"""Fixtures for reminders: a family with a parent who agreed to SMS reminders, a recording SMS
backend, and a fake SMS gateway on 127.0.0.1 (a tiny http.server in a thread)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone, translation

from agenda import sms, tasks
from tests.factories import CustodianFactory, FamilyFactory, MemberFactory


@pytest.fixture
def family(ombud, colleague_on_team):
    return FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])


@pytest.fixture
def parent(family):
    return CustodianFactory(
        family=family,
        first_name="Lena",
        last_name="Berglund",
        mobile="0701234567",
        sms_reminders=True,
    )


@pytest.fixture
def child(family, parent):
    return MemberFactory(
        family=family, first_name="Maja", last_name="Berglund", npf_diagnosis="ADHD"
    )


def at_local(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A time `days` from today at hh:mm, Swedish time."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def book(ombud):
    def _book(
        family, *, members=(), days=3, hour=10, place="Hemma hos familjen", by=None, **kwargs
    ):
        return tasks.visit_book(
            family=family,
            by=by or ombud,
            starts_at=at_local(days, hour),
            place=place,
            reminder_members=list(members),
            **kwargs,
        )

    return _book


class RecordingBackend:
    name = "recording"

    def __init__(self):
        self.sent: list[dict] = []
        self.fail_with: sms.SmsError | None = None

    def send(self, *, to, text, idempotency_key):
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append({"to": to, "text": text, "key": idempotency_key})
        return sms.SendResult(provider=self.name, message_id=f"rec-{len(self.sent)}")


@pytest.fixture
def outbox(monkeypatch):
    """Messages "sent" in the test, instead of a console or gateway."""
    backend = RecordingBackend()
    monkeypatch.setattr(sms, "get_backend", lambda: backend)
    return backend


# --- The fake SMS gateway -------------------------------------------------------------------------


class FakeGateway:
    """Answers as scripted, one entry per request: ("ok",), ("status", 500), ("slow", seconds)
    (answers after the client gave up, but still delivers). Delivers each idempotency key once,
    as real gateways do."""

    def __init__(self):
        self.script: list[tuple] = []
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.lock = threading.Lock()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length) or b"{}")
        key = handler.headers.get("Idempotency-Key", "")
        with self.lock:
            self.requests.append(
                {"key": key, "body": body, "auth": handler.headers.get("Authorization")}
            )
            action = self.script.pop(0) if self.script else ("ok",)
        if action[0] == "status":
            handler.send_response(action[1])
            handler.end_headers()
            return
        if action[0] == "slow":
            time.sleep(action[1])
        with self.lock:
            self.delivered.setdefault(key, body)
        payload = json.dumps({"id": f"gw-{key[:8]}"}).encode()
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out first


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            fake.handle(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FL_SMS_BACKEND = "http"
    settings.FL_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/sms"
    settings.FL_SMS_GATEWAY_USER = "familjelotsen"
    settings.FL_SMS_GATEWAY_PASSWORD = "hemligt"
    settings.FL_SMS_SENDER = "Kommunen"
    settings.FL_SMS_GATEWAY_TIMEOUT = "0.3"
    settings.FL_SMS_GATEWAY_RETRIES = "3"
    settings.FL_SMS_GATEWAY_BACKOFF = "0.01"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _english():
    """Messages in English, so the tests read like the source (the UI is Swedish by
    default; SMS and e-mail texts stay in the deployment's language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def as_user(settings):
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _client
