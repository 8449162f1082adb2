"""The demo data for tests that walk it: `seed_demo` loaded once inside a transaction that is
rolled back afterwards (for a module-scoped fixture; each test then runs in a savepoint of
it, so tests stay isolated from each other and from the rest of the suite)."""

from __future__ import annotations

import io
from contextlib import contextmanager

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

# As tests/conftest.py sets per test (a module-scoped seed runs outside that fixture).
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@contextmanager
def demo_loaded(django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # seed_demo runs only with DEBUG (and gives the demo users their authenticator
            # then, which lets force_login past the second-factor middleware).
            with override_settings(DEBUG=True, TASKS=IMMEDIATE_TASKS):
                call_command("seed_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
