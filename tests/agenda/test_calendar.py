"""The private calendar feed: visits, SIP meetings and network meetings of the user's visible
families, with reference code and place only; the address works without a session and stops
working (404) when revoked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from agenda import calendar_feed
from cases import models as cm
from familjelotsen.models import AccessLogEntry
from sip import models as sm
from tests.agenda.conftest import at_local
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    MemberFactory,
    NetworkMeetingFactory,
    NetworkProcessFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(family, parent, child, book, adm_soc, ombud):
    today = timezone.localdate()
    visit = book(family, place="Familjecentralen; rum 2, plan 3")
    plan = PlanFactory(
        member=child,
        status=sm.Plan.Status.AGREED,
        agreed_on=today - dt.timedelta(days=10),
        first_meeting_on=today - dt.timedelta(days=10),
        next_follow_up_on=today + dt.timedelta(days=20),
        overall_responsible=adm_soc,
        consent=ConsentFactory(subject=child),
    )
    sip_meeting = sm.Meeting.objects.create(
        plan=plan,
        kind=sm.Meeting.Kind.SIP_MEETING,
        held_on=today + dt.timedelta(days=7),
        place="Skolan",
        recorded_by=ombud,
    )
    network_meeting = NetworkMeetingFactory(
        process=NetworkProcessFactory(member=child), held_on=today + dt.timedelta(days=9)
    )
    return {
        "visit": visit,
        "plan": plan,
        "sip_meeting": sip_meeting,
        "network_meeting": network_meeting,
    }


def _feed(token: str):
    return Client().get(reverse("agenda:calendar_feed", kwargs={"token": token}))


def _events(body: str) -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", body, flags=re.S)


@pytest.mark.swedish
def test_the_feed_works_without_a_session_and_lists_visits_and_meetings(ombud, family, planned):
    token = calendar_feed.token_create(user=ombud)
    response = _feed(token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # CRLF only
    uids = set(re.findall(r"UID:(\S+)", body))
    assert uids == {
        f"visit-{planned['visit'].pk}@familjelotsen",
        f"sip-meeting-{planned['sip_meeting'].pk}@familjelotsen",
        f"sip-follow-up-{planned['plan'].pk}-"
        f"{planned['plan'].next_follow_up_on:%Y%m%d}@familjelotsen",
        f"network-meeting-{planned['network_meeting'].pk}@familjelotsen",
    }
    with translation.override("sv"):
        kind = planned["visit"].get_kind_display()
    assert f"SUMMARY:{kind} {family.reference}\r\n" in body
    start = planned["visit"].starts_at.astimezone(dt.UTC)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}" in body
    assert "LOCATION:Familjecentralen\\; rum 2\\, plan 3" in body


def test_the_feed_holds_no_name_personnummer_or_diagnosis(ombud, family, parent, child, planned):
    body = _feed(calendar_feed.token_create(user=ombud)).content.decode()
    unfolded = body.replace("\r\n ", "")
    for secret in (
        parent.first_name,
        parent.last_name,
        child.first_name,
        child.last_name,
        parent.personal_number,
        child.personal_number,
        child.personal_number[2:],
        child.npf_diagnosis,
        ombud.last_name,
    ):
        assert secret not in unfolded


def test_a_revoked_address_answers_404_at_once(ombud, planned):
    token = calendar_feed.token_create(user=ombud)
    assert _feed(token).status_code == 200
    calendar_feed.token_revoke(user=ombud)
    assert _feed(token).status_code == 404


def test_a_new_address_replaces_the_old_one(ombud, planned):
    old = calendar_feed.token_create(user=ombud)
    new = calendar_feed.token_create(user=ombud)
    assert _feed(old).status_code == 404
    assert _feed(new).status_code == 200


def test_an_unknown_address_or_a_deactivated_user_gets_404(ombud, planned):
    assert _feed("nonsense").status_code == 404
    token = calendar_feed.token_create(user=ombud)
    ombud.is_active = False
    ombud.save()
    assert _feed(token).status_code == 404


def test_only_a_hash_of_the_token_is_stored(ombud):
    token = calendar_feed.token_create(user=ombud)
    row = cm.CalendarFeedToken.objects.get(user=ombud)
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_staff_outside_the_case_team_see_none_of_the_familys_events(
    colleague_not_on_team, other_team_lead, planned
):
    for user in (colleague_not_on_team, other_team_lead):
        body = _feed(calendar_feed.token_create(user=user)).content.decode()
        assert _events(body) == []


def test_the_team_lead_sees_the_administrations_visits(team_lead, planned):
    body = _feed(calendar_feed.token_create(user=team_lead)).content.decode()
    assert f"visit-{planned['visit'].pk}@" in body


def test_an_administration_with_a_shared_plan_sees_its_sip_meeting_but_no_visit(
    region_coordinator, family, child, planned, ombud
):
    from familjelotsen import access

    ConsentFactory(
        subject=child,
        receiving=[region_coordinator.administration],
        categories=[cm.InfoCategory.COORDINATION],
    )
    access.share(
        obj=planned["plan"], administration=region_coordinator.administration, shared_by=ombud
    )
    body = _feed(calendar_feed.token_create(user=region_coordinator)).content.decode()
    assert f"sip-meeting-{planned['sip_meeting'].pk}@" in body
    assert "visit-" not in body


def test_no_place_is_shown_for_a_family_with_protected_identity(ombud, book):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, protected_identity=True)
    book(family, place="Gömdvägen 3")
    body = _feed(calendar_feed.token_create(user=ombud)).content.decode()
    assert "Gömdvägen" not in body and "LOCATION" not in body


def test_a_cancelled_visit_is_published_as_cancelled(ombud, family, book):
    from agenda import services

    visit = book(family)
    services.visit_cancel(visit=visit)
    body = _feed(calendar_feed.token_create(user=ombud)).content.decode()
    [event] = _events(body)
    assert "STATUS:CANCELLED" in event


def test_each_event_in_a_fetch_is_logged(ombud, family, planned):
    _feed(calendar_feed.token_create(user=ombud))
    logged = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert logged.count() == 4
    assert set(logged.values_list("family_id", flat=True)) == {family.pk}
    assert set(logged.values_list("basis", flat=True)) == {"case_team"}


def test_the_team_leads_fetch_is_logged_with_the_basis_the_policy_found(team_lead, family, planned):
    _feed(calendar_feed.token_create(user=team_lead))
    logged = AccessLogEntry.objects.filter(user=team_lead, action="view")
    assert logged.filter(object_type="cases.visit").exists()
    assert set(logged.values_list("basis", flat=True)) == {"team_lead"}


def test_no_place_is_shown_to_the_team_lead_either_for_a_protected_family(ombud, team_lead, book):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, protected_identity=True, first_name="Hemlig")
    book(family, place="Gömdvägen 3")
    body = _feed(calendar_feed.token_create(user=team_lead)).content.decode()
    assert family.reference in body
    assert "Gömdvägen" not in body and "Hemlig" not in body and "LOCATION" not in body


def test_the_feed_takes_the_same_number_of_queries_for_many_events(
    ombud, book, django_assert_max_num_queries
):
    for index in range(8):
        family = FamilyFactory(responsible_ombud=ombud)
        CustodianFactory(family=family)
        book(family, days=2 + index)
    token = calendar_feed.token_create(user=ombud)
    _feed(token)  # as calendar apps poll: the last use was just noted, content types cached
    # the token with its user (1), visits, SIP meetings, SIP follow-ups, network meetings
    # (4), the access basis of the families behind the visits (1), the access log (1).
    with django_assert_max_num_queries(7):
        response = _feed(token)
    assert len(_events(response.content.decode())) == 8


def test_the_calendar_page_shows_a_new_address_once_and_can_turn_it_off(ombud, as_user):
    client = as_user(ombud)
    url = reverse("agenda:calendar")
    assert "no active calendar address" in client.get(url).content.decode()
    html = client.post(url, {"action": "create"}).content.decode()
    [address] = re.findall(r'value="(http[^"]+\.ics)"', html)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert _feed(token).status_code == 200
    assert address not in client.get(url).content.decode()  # shown once only
    client.post(url, {"action": "revoke"})
    assert _feed(token).status_code == 404


def test_the_system_administrator_has_no_calendar(sysadmin, as_user):
    assert as_user(sysadmin).get(reverse("agenda:calendar")).status_code == 403


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a;b,c\\d", "a\\;b\\,c\\\\d"), ("rad 1\nrad 2", "rad 1\\nrad 2")],
)
def test_text_values_are_escaped(text, escaped):
    assert calendar_feed.escape(text) == escaped


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "LOCATION:" + "åäö" * 40
    folded = calendar_feed.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line


def test_an_all_day_event_uses_dates(ombud):
    event = calendar_feed.Event(
        uid="x@y", summary="S", start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 2)
    )
    body = calendar_feed.render_ical([event], now=at_local(0))
    assert "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260302" in body
