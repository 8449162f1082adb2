"""Print a demo user's current two-factor code (development and browser tests only).

    .venv/bin/python manage.py demo_totp ombud

The code is one allauth has not yet accepted for that user: a code is accepted once (replay
protection), so when the current one was used already the command waits for the next 30 s
window before printing.
"""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from familjelotsen.demo import DEMO_TOTP_SECRET
from familjelotsen.models import User
from familjelotsen.two_factor import uses_demo_secret


def current_code(secret: str = DEMO_TOTP_SECRET, at: float | None = None) -> str:
    from allauth.mfa import app_settings

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


class Command(BaseCommand):
    help = "Print a demo user's current two-factor (TOTP) code. Development only."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp runs only with DJANGO_DEBUG=true.")
        user = User.objects.filter(username=username).first()
        if user is None or not uses_demo_secret(user):
            raise CommandError("No demo user with the demo authenticator by that name.")
        totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
        from allauth.mfa import app_settings

        period = app_settings.TOTP_PERIOD
        code = current_code()
        # allauth remembers an accepted code for one period: hand out a fresh one instead.
        while cache.get(totp._get_used_cache_key(code)) is not None:
            time.sleep(period - time.time() % period + 0.05)
            code = current_code()
        self.stdout.write(code)
