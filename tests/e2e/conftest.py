"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against the
app served by pytest-django's live server on 127.0.0.1 with the real PostgreSQL database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import struct
import time

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (building data with factories) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def totp_now(secret_b32: str, *, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits) for the test users' authenticator secret."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run `make test` (it installs it).")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One signed-in user in their own browser context (cookies apart from the others)."""

    def __init__(self, browser, base_url, user, *, viewport=None):
        self.base_url = base_url
        self.user = user
        self.context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, locale="sv-SE", base_url=base_url
        )
        self.console_errors: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        return page

    def login(self):
        from django.conf import settings

        from tests.factories import TEST_TOTP_SECRET

        page = self.page
        page.goto("/konto/login/")
        page.fill("input[name=login]", self.user.username)
        page.fill("input[name=password]", settings.DEMO_PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
        code_field = page.locator("input[name=code]")
        if code_field.count():
            # A code is valid for its own 30 s only (no tolerance): one that would reach the
            # server in the next window is refused, so wait for a fresh window near the end.
            left = 30 - time.time() % 30
            if left < 4:
                time.sleep(left + 0.1)
            code_field.fill(totp_now(TEST_TOTP_SECRET))
            page.locator("form button[type=submit]").first.click()
            page.wait_for_load_state()
        assert "/konto/login" not in page.url, "login failed"
        assert "/konto/2fa/" not in page.url, "the second factor was refused"
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def session_for(browser, live_server, transactional_db):
    from django.core.cache import cache

    cache.clear()  # rate-limit counters of earlier tests live in the database cache
    sessions: list[Session] = []

    def make(user, **kwargs) -> Session:
        session = Session(browser, live_server.url, user, **kwargs)
        session.login()
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


class _Capture:
    def __init__(self):
        import logging

        self.records: list[str] = []
        self.handler = logging.Handler()
        self.handler.emit = lambda record: self.records.append(
            f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        )


@pytest.fixture(autouse=True)
def no_personal_data_in_logs(transactional_db):
    """Every log line written while a journey runs (the app's and the live server's) is
    checked afterwards: no name, personnummer or journal text of the test's people."""
    import logging

    capture = _Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture.handler)
    root.setLevel(logging.DEBUG)
    yield capture
    root.removeHandler(capture.handler)
    root.setLevel(previous)
    from cases.models import JournalEntry, Member

    secrets = set()
    for first, last, pnr in Member.objects.values_list(
        "first_name", "last_name", "personal_number"
    ):
        secrets.add(f"{first} {last}")
        if pnr:
            secrets.update({pnr, f"{pnr[:8]}-{pnr[8:]}", pnr[2:]})
    for facts in JournalEntry.objects.values_list("facts", flat=True):
        if len(facts) > 12:
            secrets.add(facts[:40])
    text = "\n".join(capture.records)
    leaked = sorted(s for s in secrets if s.strip() and s in text)
    assert not leaked, f"personal data in the logs: {leaked}"
