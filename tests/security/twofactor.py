"""Signing in as a person does: password, then the authenticator app's code."""

from __future__ import annotations

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.urls import reverse

from tests.factories import TEST_TOTP_SECRET


def totp_code(secret: str = TEST_TOTP_SECRET, at: float | None = None) -> str:
    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def log_in_with_password(client, username: str, password: str | None = None, **extra):
    return client.post(
        reverse("account_login"),
        {"login": username, "password": password or settings.DEMO_PASSWORD},
        **extra,
    )


def log_in(client, user, *, secret: str = TEST_TOTP_SECRET, follow: bool = True):
    """Password, then the current code; returns the response after the second factor."""
    response = log_in_with_password(client, user.username)
    assert response.status_code == 302, "the password step should pass"
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}, follow=follow)


def mid_window() -> float:
    """An instant 10 s into the next TOTP window: close to now (sessions stay valid) and far
    from a window edge (a frozen clock never straddles two codes)."""
    period = app_settings.TOTP_PERIOD
    return (int(time.time()) // period + 1) * period + 10


def confirm_password(client, **extra):
    """allauth's "confirm access" step before a change of factors."""
    return client.post(
        reverse("account_reauthenticate"), {"password": settings.DEMO_PASSWORD}, **extra
    )
