"""Throttling (django-axes + allauth rate limits): a username is locked out from one address
after five failures, not from another address; unknown and known usernames get the same
answers (no enumeration)."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from tests.security.twofactor import log_in_with_password, totp_code

pytestmark = pytest.mark.django_db

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OFFICE = {"REMOTE_ADDR": "198.51.100.10"}


def _fail(client, username, times, address):
    responses = []
    for _ in range(times):
        responses.append(log_in_with_password(client, username, "fel-lösenord-123", **address))
    return responses


def test_five_failures_lock_the_username_out_from_that_address(client, ombud):
    failures = _fail(client, ombud.username, settings.AXES_FAILURE_LIMIT - 1, ATTACKER)
    assert all(r.status_code == 200 for r in failures)

    fifth = log_in_with_password(client, ombud.username, "fel-lösenord-123", **ATTACKER)
    assert fifth.status_code == 429
    # Even the right password is refused from that address during the cool-off.
    right = log_in_with_password(client, ombud.username, **ATTACKER)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15" in right.content.decode()  # says how long the pause lasts


def test_lockout_from_one_address_does_not_lock_the_user_out_from_another(client, ombud):
    _fail(client, ombud.username, settings.AXES_FAILURE_LIMIT, ATTACKER)
    assert log_in_with_password(client, ombud.username, **ATTACKER).status_code == 429

    from_office = log_in_with_password(client, ombud.username, **OFFICE)
    # The password step passes: on to the second factor.
    assert from_office.status_code == 302
    assert from_office["Location"].startswith(reverse("mfa_authenticate"))


def test_unknown_and_known_usernames_get_the_same_answers(client, ombud):
    known = _fail(client, ombud.username, settings.AXES_FAILURE_LIMIT, ATTACKER)
    unknown = _fail(client, "p_nobody", settings.AXES_FAILURE_LIMIT, ATTACKER)

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    first_known = known[0].content.decode().replace(ombud.username, "USERNAME")
    first_unknown = unknown[0].content.decode().replace("p_nobody", "USERNAME")
    assert _without_tokens(first_known) == _without_tokens(first_unknown)
    assert _without_tokens(known[-1].content.decode()) == _without_tokens(
        unknown[-1].content.decode()
    )


def _without_tokens(body: str) -> str:
    """The page minus what differs per request anyway (CSRF token, CSP nonce)."""
    import re

    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'nonce="[^"]+"', "", body)


def test_a_successful_login_resets_the_failure_count(client, ombud):
    _fail(client, ombud.username, settings.AXES_FAILURE_LIMIT - 1, ATTACKER)
    # Signed in fully (the password alone is not a login yet) ...
    assert log_in_with_password(client, ombud.username, **ATTACKER).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": totp_code()}, **ATTACKER)
    assert client.session["_auth_user_id"] == str(ombud.pk)
    client.logout()
    # The earlier failures no longer count towards a lockout.
    failures = _fail(client, ombud.username, settings.AXES_FAILURE_LIMIT - 1, ATTACKER)
    assert all(r.status_code == 200 for r in failures)


def test_second_factor_guesses_are_rate_limited_per_user(client, ombud):
    log_in_with_password(client, ombud.username, **ATTACKER)
    # English: allauth's own wording, whatever the Swedish catalogue says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    statuses = []
    for guess in range(35):
        response = client.post(reverse("mfa_authenticate"), {"code": f"{guess:06d}"}, **ATTACKER)
        statuses.append(response.content.decode())
    assert any("Too many failed login attempts" in body for body in statuses)
    assert "_auth_user_id" not in client.session


def test_rate_limits_live_in_the_shared_database_cache():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache.set("fl:probe", "x", 10)
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from familjelotsen_cache")
        assert cursor.fetchone()[0] >= 1


def test_failed_logins_leave_no_name_or_personnummer_in_the_logs(client, ombud, caplog):
    caplog.set_level(logging.DEBUG)
    _fail(client, ombud.username, 2, ATTACKER)
    # Someone types a personnummer into the username field by mistake.
    _fail(client, "191212121212", 2, ATTACKER)
    log = caplog.text
    assert "AXES" in log  # the failures are logged ...
    for secret in (ombud.username, "191212121212", "fel-lösenord-123", ATTACKER["REMOTE_ADDR"]):
        assert secret not in log  # ... without who, what or from where
