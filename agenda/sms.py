"""SMS provider adapters: where a reminder's text goes once agenda.reminders decided to send it.

Configured from the environment (or settings, which win; tests override settings):

- ``FL_SMS_BACKEND``: ``console`` (default: writes the message to standard output, for
  development; nothing leaves the machine) or ``http`` (an SMS gateway).
- ``FL_SMS_GATEWAY_URL``: the gateway's endpoint, which takes a JSON POST.
- ``FL_SMS_GATEWAY_USER`` / ``FL_SMS_GATEWAY_PASSWORD``: HTTP basic authentication.
- ``FL_SMS_SENDER``: the sender name or number shown on the phone (default "Familjelotsen").
- ``FL_SMS_GATEWAY_TIMEOUT`` (seconds, default 10), ``FL_SMS_GATEWAY_RETRIES`` (attempts per
  send, default 3) and ``FL_SMS_GATEWAY_BACKOFF`` (seconds before the first retry, doubled for
  each further one, default 1).

An adapter either returns a `SendResult` or raises `SmsError` with a reason fit for the
outbox (never the message text or the number: the reason is shown to staff and may be logged).
Every request carries the message's idempotency key, so a gateway that already accepted it
(a timeout after delivery, a worker that died) does not send it again.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext_noop

DEFAULT_SENDER = "Familjelotsen"


logger = logging.getLogger(__name__)

# Why a message was not sent, as staff read it on the outbox (stored in English, translated
# where shown: `{% translate row.failure_reason %}`).
GATEWAY_FAULT = gettext_noop("The SMS service has a fault right now; the message is sent later.")
GATEWAY_REFUSED = gettext_noop("The SMS service refused the message.")
GATEWAY_SLOW = gettext_noop("The SMS service did not answer in time.")
GATEWAY_UNREACHABLE = gettext_noop("The SMS service could not be reached.")
INTERNAL_ERROR = gettext_noop("An internal error stopped the sending.")


class SmsError(Exception):
    """Sending failed. `permanent` errors (the gateway refused the message) are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:300]
        self.permanent = permanent


@dataclass(frozen=True)
class SendResult:
    provider: str
    message_id: str = ""


class SmsBackend(Protocol):
    name: str

    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult: ...


def config(name: str, default: str = "") -> str:
    """A setting from django.conf.settings when set there, else from the environment."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


# --- Numbers ------------------------------------------------------------------------------------


def normalise_mobile(raw: str) -> str | None:
    """A Swedish mobile number in E.164 (+467…), or None when it is not one.

    Accepts what the member form accepts: 07… or +467…, spaces and dashes ignored.
    """
    value = "".join(ch for ch in (raw or "") if ch not in " -()")
    if value.startswith("00"):
        value = "+" + value[2:]
    if value.startswith("07"):
        value = "+46" + value[1:]
    if not value.startswith("+467") or not value[1:].isdigit():
        return None
    if not 11 <= len(value) - 1 <= 12:
        return None
    return value


def mask_number(number: str) -> str:
    """For pages that need to say which number without showing it all."""
    if len(number) < 6:
        return "…"
    return f"{number[:4]}…{number[-2:]}"


# --- Backends -----------------------------------------------------------------------------------


class ConsoleBackend:
    """Development: the message is written to standard output and counts as sent."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult:
        self.stream.write(f"--- SMS {idempotency_key} to {to}\n{text}\n---\n")
        self.stream.flush()
        return SendResult(provider=self.name, message_id=idempotency_key)


class HttpGatewayBackend:
    """A JSON-over-HTTPS SMS gateway: POST {"from", "to", "message", "reference"} with basic
    authentication and an ``Idempotency-Key`` header. 2xx is success (an ``id`` in the JSON
    answer is kept); timeouts, connection errors, 429 and 5xx are retried with backoff; any
    other answer is a permanent refusal."""

    name = "http"

    def __init__(
        self,
        *,
        url: str,
        user: str = "",
        password: str = "",
        sender: str = DEFAULT_SENDER,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 1.0,
        sleep=time.sleep,
    ):
        if not url:
            raise SmsError(
                "The SMS gateway address (FL_SMS_GATEWAY_URL) is not configured.", permanent=True
            )
        if not url.startswith(("https://", "http://")):
            raise SmsError("The SMS gateway address must be an http(s) URL.", permanent=True)
        self.url = url
        self.user = user
        self.password = password
        self.sender = sender
        self.timeout = timeout
        self.retries = max(1, retries)
        self.backoff = backoff
        self.sleep = sleep

    def _request(self, *, to: str, text: str, idempotency_key: str) -> urllib.request.Request:
        body = json.dumps(
            {"from": self.sender, "to": to, "message": text, "reference": idempotency_key}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": idempotency_key,
        }
        if self.user or self.password:
            pair = f"{self.user}:{self.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        # The scheme is checked in __init__: http(s) only.
        return urllib.request.Request(  # noqa: S310
            self.url, data=body, headers=headers, method="POST"
        )

    def _attempt(self, request: urllib.request.Request) -> SendResult:
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(10_000)
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
            transient = status == 429 or status >= 500
            # The status code is for the operator's log; staff read what it means.
            logger.warning("The SMS gateway answered HTTP %s.", status)
            raise SmsError(
                GATEWAY_FAULT if transient else GATEWAY_REFUSED, permanent=not transient
            ) from None
        except TimeoutError:
            raise SmsError(GATEWAY_SLOW) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SmsError(GATEWAY_SLOW) from None
            logger.warning("The SMS gateway could not be reached (%s).", type(exc.reason).__name__)
            raise SmsError(GATEWAY_UNREACHABLE) from None
        except (ConnectionError, OSError) as exc:
            logger.warning("The SMS gateway could not be reached (%s).", type(exc).__name__)
            raise SmsError(GATEWAY_UNREACHABLE) from None
        message_id = ""
        try:
            answer = json.loads(raw or b"{}")
            if isinstance(answer, dict):
                message_id = str(answer.get("id") or answer.get("message_id") or "")[:100]
        except ValueError:
            pass
        return SendResult(provider=self.name, message_id=message_id)

    def send(self, *, to: str, text: str, idempotency_key: str) -> SendResult:
        request = self._request(to=to, text=text, idempotency_key=idempotency_key)
        delay = self.backoff
        for attempt in range(1, self.retries + 1):
            try:
                return self._attempt(request)
            except SmsError as exc:
                if exc.permanent or attempt == self.retries:
                    # The outbox shows the reason as it is (a fixed, translated message) and
                    # the number of tries beside it.
                    raise
            self.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover


def get_backend() -> SmsBackend:
    name = config("FL_SMS_BACKEND", "console").strip().lower() or "console"
    if name == "console":
        return ConsoleBackend()
    if name == "http":
        return HttpGatewayBackend(
            url=config("FL_SMS_GATEWAY_URL"),
            user=config("FL_SMS_GATEWAY_USER"),
            password=config("FL_SMS_GATEWAY_PASSWORD"),
            sender=config("FL_SMS_SENDER", DEFAULT_SENDER) or DEFAULT_SENDER,
            timeout=float(config("FL_SMS_GATEWAY_TIMEOUT", "10")),
            retries=int(config("FL_SMS_GATEWAY_RETRIES", "3")),
            backoff=float(config("FL_SMS_GATEWAY_BACKOFF", "1")),
        )
    raise SmsError(f"Unknown SMS backend {name!r} (FL_SMS_BACKEND).", permanent=True)
