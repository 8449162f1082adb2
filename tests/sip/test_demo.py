"""The SIP and network demo seeds: idempotent, skip what is missing, and give "berg" an agreed
SIP with a Regionen and a Skolan intervention and a network process with meetings and actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import InfoCategory
from familjelotsen import access
from network import demo as network_demo
from network import models as nm
from sip import demo as sip_demo
from sip import models as sm
from tests.factories import ConsentFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(ombud, adm_school, adm_region):
    today = timezone.localdate()
    berg = FamilyFactory(responsible_ombud=ombud)
    elis = MemberFactory(
        family=berg, first_name="Elis", birth_date=today - dt.timedelta(days=13 * 365)
    )
    MemberFactory(family=berg, first_name="Maja", birth_date=today - dt.timedelta(days=9 * 365))
    ConsentFactory(
        subject=elis,
        receiving=[adm_school, adm_region],
        categories=[InfoCategory.COORDINATION, InfoCategory.SCHOOL, InfoCategory.HEALTH],
        valid_from=today - dt.timedelta(days=200),
    )
    return {
        "families": {"berg": berg},
        "administrations": {"Skolan": adm_school, "Regionen": adm_region},
        "users": {"ombud": ombud},
    }


def test_berg_gets_an_agreed_sip_shared_with_the_region_and_school_and_a_network_process(
    base, region_coordinator, school_coordinator
):
    made = sip_demo.seed(base)
    network = network_demo.seed(base)

    agreed = sm.Plan.objects.get(status=sm.Plan.Status.AGREED)
    assert agreed in made["sip_plans"]
    assert {i.responsible_administration.name for i in agreed.interventions.all()} == {
        "Regionen",
        "Skolan",
    }
    assert agreed.days_to_first_meeting == 30
    assert list(access.visible(region_coordinator, sm.Plan)) == [agreed]
    assert list(access.visible(school_coordinator, sm.Plan)) == [agreed]

    process = network["network_processes"][0]
    assert process.meetings.count() == 4
    assert process.actions.count() == 3
    follow_up = process.meetings.get(stage=nm.Stage.FOLLOW_UP_MEETING)
    assert follow_up.carried_actions.count() == 2
    assert process.inventories.count() == 3


def test_the_demo_seeds_are_idempotent_and_skip_missing_families(base):
    sip_demo.seed(base)
    network_demo.seed(base)
    counts = (sm.Plan.objects.count(), nm.NetworkProcess.objects.count(), nm.Action.objects.count())
    sip_demo.seed(base)
    network_demo.seed(base)
    assert counts == (
        sm.Plan.objects.count(),
        nm.NetworkProcess.objects.count(),
        nm.Action.objects.count(),
    )
    assert sip_demo.seed({"families": {}, "administrations": {}}) == {"sip_plans": []}
    assert network_demo.seed({}) == {"network_processes": []}
