"""A family with a child whose custodians consented to sharing with school and the Region,
and a SIP ready to be agreed: the starting point of most SIP tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cases.models import InfoCategory
from tests.factories import (
    ConsentFactory,
    FamilyFactory,
    MemberFactory,
    PlanFactory,
    SipInterventionFactory,
)


@pytest.fixture
def family(ombud, colleague_on_team):
    return FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])


@pytest.fixture
def child(family):
    return MemberFactory(family=family, first_name="Kim", last_name="Berglund")


@pytest.fixture
def consent(child, adm_school, adm_region):
    return ConsentFactory(
        subject=child,
        receiving=[adm_school, adm_region],
        categories=[InfoCategory.COORDINATION, InfoCategory.SCHOOL],
    )


@pytest.fixture
def ready_plan(child, consent, adm_region, adm_school):
    """A prepared plan with everything the law asks for: agreeing it must succeed."""
    today = timezone.localdate()
    plan = PlanFactory(
        member=child,
        status="prepared",
        prepared_on=today - dt.timedelta(days=5),
        overall_responsible=adm_region,
        coordinator_name="Sara Samordnare",
        next_follow_up_on=today + dt.timedelta(days=90),
        consent=consent,
    )
    SipInterventionFactory(
        plan=plan,
        description="Utredning och behandling på BUP",
        responsible_administration=adm_region,
    )
    SipInterventionFactory(
        plan=plan, description="Särskilt stöd i matematik", responsible_administration=adm_school
    )
    return plan


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared with the English source strings (the UI default is Swedish)."""
    with translation.override("en"):
        yield
