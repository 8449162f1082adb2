from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from tests.factories import FamilyFactory, MemberFactory, NetworkProcessFactory


@pytest.fixture
def family(ombud, colleague_on_team):
    return FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])


@pytest.fixture
def child(family):
    today = timezone.localdate()
    return MemberFactory(
        family=family,
        first_name="Love",
        last_name="Lindqvist",
        birth_date=today.replace(year=today.year - 12, day=1),
    )


@pytest.fixture
def process(child):
    return NetworkProcessFactory(member=child, started_on=timezone.localdate() - dt.timedelta(60))


@pytest.fixture
def as_user():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        # English through the language cookie (the UI is Swedish unless the user chose).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _client


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with the English source strings (the UI default is Swedish)."""
    with translation.override("en"):
        yield
