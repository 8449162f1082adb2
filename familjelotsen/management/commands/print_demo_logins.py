from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from familjelotsen.demo import USERS


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        for username, _role, adm, _first, _last, title in USERS:
            where = f", {adm}" if adm else ""
            self.stdout.write(f"  {username:<14} {title}{where}")
        self.stdout.write(
            "Single sign-on: on the login page, 'Logga in via Nora kommun' opens the demo "
            "login service (127.0.0.1:9400); pick nora-eva (ombud, strong login) or nora-olle "
            "(no role: his account waits for the system administrator, 'admin'). "
            "'Logga in via Region Örebro län' opens the Region's SAML login service "
            "(127.0.0.1:9401); pick region-karin (coordinator at Regionen, strong login)."
        )
