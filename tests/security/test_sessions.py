"""Sessions: 30 minutes idle timeout with a warning, a keep-alive, production cookies, and a
logout that clears the browser's copy of the site."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_logout_clears_the_sites_cache_and_storage(client, ombud):
    client.force_login(ombud)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_only_a_logout_clears_site_data(client, ombud):
    client.force_login(ombud)
    assert "Clear-Site-Data" not in client.get(reverse("cases:my_families"))
    assert "Clear-Site-Data" not in client.get(reverse("account_logout"))  # the question only


def test_a_session_ends_after_thirty_idle_minutes(client, ombud):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(ombud)
        assert client.get(reverse("cases:my_families")).status_code == 200
    # Each request renews the 30 minutes ...
    with time_machine.travel(start + dt.timedelta(minutes=25), tick=False):
        assert client.get(reverse("cases:my_families")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("cases:my_families")).status_code == 200
    # ... and 31 idle minutes end the session.
    with time_machine.travel(start + dt.timedelta(minutes=81), tick=False):
        response = client.get(reverse("cases:my_families"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def _session_writes(queries) -> int:
    return sum('UPDATE "django_session"' in q["sql"] for q in queries)


def test_requests_renew_the_session_at_most_once_a_minute(client, ombud):
    """A page costs no session write when the session was renewed less than a minute ago;
    the first request after that minute renews it (the idle clock starts again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(ombud)
        client.get(reverse("cases:my_families"))
    with (
        time_machine.travel(start + dt.timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as within_the_minute,
    ):
        assert client.get(reverse("cases:my_families")).status_code == 200
    assert _session_writes(within_the_minute.captured_queries) == 0
    with (
        time_machine.travel(start + dt.timedelta(minutes=10), tick=False),
        CaptureQueriesContext(connection) as after_it,
    ):
        assert client.get(reverse("cases:my_families")).status_code == 200
    assert _session_writes(after_it.captured_queries) == 1
    # Renewed at minute 10: still signed in at minute 39, idle 29 minutes.
    with time_machine.travel(start + dt.timedelta(minutes=39), tick=False):
        assert client.get(reverse("cases:my_families")).status_code == 200


def test_stay_signed_in_renews_the_session(client, ombud):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(ombud)
    with time_machine.travel(start + dt.timedelta(minutes=28), tick=False):
        assert client.post(reverse("session_ping")).status_code == 204
    with time_machine.travel(start + dt.timedelta(minutes=50), tick=False):
        assert client.get(reverse("cases:my_families")).status_code == 200


def test_the_keep_alive_tells_an_ended_session(client):
    response = client.post(reverse("session_ping"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signed_in_pages_carry_the_accessible_timeout_warning(client, ombud):
    client.force_login(ombud)
    body = client.get(reverse("cases:my_families")).content.decode()
    assert '<dialog id="session-timeout"' in body
    assert 'aria-labelledby="session-timeout-title"' in body
    assert f'data-session-age="{settings.SESSION_COOKIE_AGE}"' in body
    assert f'data-ping-url="{reverse("session_ping")}"' in body
    assert "data-logout" in body  # the header's logout form hands over drafts first
    assert "js/session.js" in body


def test_anonymous_pages_have_no_timeout_warning(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "session-timeout" not in body


def test_session_script_documents_the_before_logout_contract():
    script = (ROOT / "static" / "js" / "session.js").read_text(encoding="utf-8")
    assert "familjelotsen:before-logout" in script
    assert "waitUntil" in script
    assert "LOGOUT_WAIT_MS = 2000" in script


def test_production_cookies_are_host_only_secure_httponly_and_lax():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x7#kq!2m-production-like-secret-9f8e7d6c5b4a3210-zyxwvutsrqponm",
        DJANGO_ALLOWED_HOSTS="familjelotsen.example.se",
    )
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_NAME, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_AGE, s.SESSION_SAVE_EVERY_REQUEST)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "True",
        "True",
        "Lax",
        "__Host-csrftoken",
        "True",
        "1800",
        "False",  # renewed by SessionRenewalMiddleware instead, at most once a minute
    ]
