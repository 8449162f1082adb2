"""The family page is made of panels (docs/architecture.md, the panel rule).

The apps above cases register their panels in a slot; the family page gathers them without
importing those apps. Each panel has its own query budget, which does not grow with the
family's records, and the page logs every record a panel shows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familjelotsen import slots
from familjelotsen.models import AccessLogEntry
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    MemberFactory,
    NetworkProcessFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

# The panel (slot key) -> the most queries it may take for one family, however big.
# In the order the page gathers them: the consent panel last, as it names the shared records
# the others have read (familjelotsen.memo).
PANEL_BUDGETS = {
    # Break-the-glass (issue 21): the user's permissions on the family (memoised on the family
    # page) and the notices with the user's own access in one query.
    "emergency": 2,
    "sip_summary": 3,
    "network_summary": 5,
    "follow_up_panel": 3,
    "consent_panel": 8,
}


def test_the_family_page_slot_holds_the_consent_sip_and_network_panels():
    assert slots.provided(slots.FAMILY_PAGE) == list(PANEL_BUDGETS)


def test_a_page_gathers_nothing_from_a_slot_nobody_provides():
    assert slots.gather("no such slot", None) == ({}, [])


@pytest.fixture
def grow(ombud, adm_school):
    """A family, and a function that adds one more child with a consent, a SIP and a network
    process to it."""
    family = FamilyFactory(responsible_ombud=ombud)
    CustodianFactory(family=family)

    def add_one():
        child = MemberFactory(family=family)
        ConsentFactory(subject=child, receiving=[adm_school])
        PlanFactory(member=child)
        NetworkProcessFactory(member=child)

    return family, add_one


def _queries(func, *args) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func(*args)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("key", list(PANEL_BUDGETS))
def test_each_panel_takes_a_fixed_number_of_queries_however_big_the_family(ombud, grow, key):
    family, add_one = grow
    panel = next(c for c in slots.contributions(slots.FAMILY_PAGE) if c.key == key)
    add_one()
    panel.provide(ombud, family)  # caches that fill once per process (content types)
    small = _queries(panel.provide, ombud, family)
    for _ in range(4):
        add_one()
    big = _queries(panel.provide, ombud, family)
    assert big == small
    assert big <= PANEL_BUDGETS[key]


def test_the_family_page_logs_each_record_its_panels_show(client, ombud, grow):
    family, add_one = grow
    add_one()
    add_one()
    client.force_login(ombud)
    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 200
    logged = set(
        AccessLogEntry.objects.filter(user=ombud, family_id=family.pk).values_list(
            "object_type", flat=True
        )
    )
    assert {"consent.consent", "sip.plan", "network.networkprocess"} <= logged


def test_a_colleague_outside_the_case_team_gets_no_panel_and_no_log_row(
    client, colleague_not_on_team, grow
):
    family, add_one = grow
    add_one()
    client.force_login(colleague_not_on_team)
    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(user=colleague_not_on_team).exists()
