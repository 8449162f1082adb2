from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cases import models as cm
from familjelotsen import access
from tests.factories import ConsentFactory, CustodianFactory, FamilyFactory, MemberFactory


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def family(ombud, colleague_on_team, adm_school, adm_region):
    """An active family of the ombud's, shared with the school and the Region under consent
    (so that those administrations see it, and still must not read its questionnaires)."""
    family = FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])
    child = MemberFactory(family=family, first_name="Maja", last_name="Lindqvist")
    parent = CustodianFactory(family=family, first_name="Lena", last_name="Lindqvist")
    child.custodians.add(parent)
    consent = ConsentFactory(subject=child, receiving=[adm_school, adm_region])
    access.apply_default_shares(consent=consent, by=ombud)
    access.share(obj=family, administration=adm_school, shared_by=ombud)
    access.share(obj=family, administration=adm_region, shared_by=ombud)
    return family


@pytest.fixture
def closed_family(ombud):
    """Closed a little over six months ago: its six-month questionnaire is due."""
    family = FamilyFactory(
        responsible_ombud=ombud, request_date=days_ago(420), start_date=days_ago(400)
    )
    family.status = cm.Family.Status.CLOSED
    family.end_date = days_ago(190)
    family.save()
    return family


ANSWERS = {"support": 4, "overview": 3, "planning": 2, "safety": 5, "child_view": 0}


@pytest.fixture
def as_user():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _client
