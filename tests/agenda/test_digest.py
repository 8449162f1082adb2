"""The staff's daily digest: what is due for each ombud (from their own case teams only), what
a team lead adds (requests waiting, ombud over the caseload figure), the e-mail (counts,
reference codes and a link: no names, no case text), sent at most once a day."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agenda import digests
from cases import models as cm
from familjelotsen.models import AccessLogEntry
from network import services as network_services
from sip import models as sm
from tests.agenda.conftest import at_local
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    GoalFollowUpFactory,
    JournalEntryFactory,
    MemberFactory,
    NetworkMeetingFactory,
    NetworkProcessFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 7, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def _due_everything(family, ombud, adm_soc, *, label: str):
    """One of each thing a digest reports, for `family`."""
    today = timezone.localdate()
    parent = CustodianFactory(
        family=family, first_name=f"Förälder{label}", mobile="0701234567", sms_reminders=True
    )
    child = MemberFactory(family=family, first_name=f"Barn{label}", npf_diagnosis="Autism")
    JournalEntryFactory(family=family, event_at=timezone.now() - dt.timedelta(days=2))
    from agenda import services

    services.visit_book(family=family, by=ombud, starts_at=at_local(0, 14), place="Hemma")
    GoalFactory(
        family=family, description=f"Hemligt mål {label}", target_date=today + dt.timedelta(days=3)
    )
    reached = GoalFactory(family=family, target_date=today + dt.timedelta(days=3))
    GoalFollowUpFactory(goal=reached, rating=5)
    PlanFactory(
        member=child,
        status=sm.Plan.Status.AGREED,
        agreed_on=today - dt.timedelta(days=100),
        first_meeting_on=today - dt.timedelta(days=100),
        need_noticed_on=today - dt.timedelta(days=120),
        next_follow_up_on=today - dt.timedelta(days=2),
        overall_responsible=adm_soc,
        consent=ConsentFactory(subject=child),
    )
    process = NetworkProcessFactory(member=child)
    meeting = NetworkMeetingFactory(process=process)
    network_services.action_add(
        meeting=meeting,
        by=ombud,
        what=f"Ring skolan om {label}",
        responsible_administration=adm_soc,
        due_on=today + dt.timedelta(days=1),
    )
    ConsentFactory(subject=parent, valid_until=today + dt.timedelta(days=10))
    return parent, child


@pytest.fixture
def world(ombud, colleague_not_on_team, adm_soc):
    mine = FamilyFactory(responsible_ombud=ombud)
    _due_everything(mine, ombud, adm_soc, label="A")
    quiet = FamilyFactory(responsible_ombud=ombud)
    JournalEntryFactory(family=quiet, event_at=timezone.now() - dt.timedelta(days=40))
    theirs = FamilyFactory(responsible_ombud=colleague_not_on_team)
    _due_everything(theirs, colleague_not_on_team, adm_soc, label="C")
    JournalEntryFactory(family=theirs, event_at=timezone.now() - dt.timedelta(days=40))
    return {"mine": mine, "quiet": quiet, "theirs": theirs}


def _refs(digest) -> dict[str, set[str]]:
    return {s.key: {i.reference for i in s.items} for s in digest.sections}


def test_an_ombuds_digest_lists_what_is_due_in_their_own_families(ombud, world):
    refs = _refs(digests.digest_for(ombud))
    mine, quiet = world["mine"].reference, world["quiet"].reference
    assert refs == {
        "unsigned_drafts": set(),
        "visits_today": {mine},
        "goal_follow_ups": {mine},
        "sip_follow_ups": {mine},
        "network_actions": {mine},
        "consents_expiring": {mine},
        "no_contact": {quiet},
    }


def test_an_ombud_never_sees_another_teams_families_in_the_digest(ombud, world):
    digest = digests.digest_for(ombud)
    assert world["theirs"].reference not in str(_refs(digest))
    assert all(i.family_id != world["theirs"].pk for s in digest.sections for i in s.items)


def test_the_other_ombud_sees_their_own(colleague_not_on_team, world):
    refs = _refs(digests.digest_for(colleague_not_on_team))
    assert refs["visits_today"] == {world["theirs"].reference}
    assert world["mine"].reference not in str(refs)


def test_an_overdue_sip_follow_up_is_marked_overdue(ombud, world):
    digest = digests.digest_for(ombud)
    [sip] = [s for s in digest.sections if s.key == "sip_follow_ups"]
    assert [i.overdue for i in sip.items] == [True]


def test_a_team_lead_adds_requests_waiting_and_ombud_over_the_caseload_figure(
    team_lead, ombud, world, settings, adm_rs
):
    settings.CASELOAD_PLANNING_FIGURE = 2
    today = timezone.localdate()
    waiting = FamilyFactory(
        responsible_ombud=None,
        owner=adm_rs,
        requesting_administration=adm_rs,
        status=cm.Family.Status.REQUEST,
        start_date=None,
        request_date=today - dt.timedelta(days=20),
    )
    FamilyFactory(
        responsible_ombud=None,
        owner=adm_rs,
        requesting_administration=adm_rs,
        status=cm.Family.Status.REQUEST,
        start_date=None,
        request_date=today - dt.timedelta(days=5),
    )
    FamilyFactory(responsible_ombud=ombud)  # a third open family: over the figure of 2

    digest = digests.digest_for(team_lead)
    refs = _refs(digest)
    assert refs["requests_waiting"] == {waiting.reference}
    [over] = [s for s in digest.sections if s.key == "over_caseload"]
    assert [i.what for i in over.items] == [
        f"{ombud.get_full_name()}: 3 open families (planning figure 2)"
    ]
    # The lead is on no case team: nothing of the ombud's own work is listed.
    assert refs["visits_today"] == set()


def test_another_administrations_team_lead_gets_nothing_of_this_one(other_team_lead, world, adm_rs):
    FamilyFactory(
        responsible_ombud=None,
        owner=adm_rs,
        requesting_administration=adm_rs,
        status=cm.Family.Status.REQUEST,
        start_date=None,
        request_date=timezone.localdate() - dt.timedelta(days=30),
    )
    digest = digests.digest_for(other_team_lead)
    assert digest.total == 0


def test_the_digest_e_mail_holds_counts_reference_codes_and_a_link_only(ombud, world):
    ombud.email = "ombud@example.invalid"
    ombud.save()
    delivery = digests.digest_send(user_id=ombud.pk, on=timezone.localdate())

    assert delivery.status == cm.DigestDelivery.Status.SENT
    [message] = mail.outbox
    assert message.to == ["ombud@example.invalid"]
    body = message.subject + message.body
    assert f": 1 ({world['mine'].reference})" in body  # one visit today, by reference code
    assert world["quiet"].reference in body
    assert "http://127.0.0.1:8000/familjer/idag/" in body
    for secret in (
        "FörälderA",
        "BarnA",
        "Autism",
        "Hemligt mål",
        "Ring skolan",
        "Hemma",
        world["theirs"].reference,
    ):
        assert secret not in body
    assert delivery.counts["visits_today"] == 1
    assert AccessLogEntry.objects.filter(
        user=ombud, action="export", family_id=world["mine"].pk
    ).exists()


def test_the_digest_is_sent_at_most_once_a_day(ombud, world):
    ombud.email = "ombud@example.invalid"
    ombud.save()
    for _ in range(3):
        digests.digest_send(user_id=ombud.pk, on=timezone.localdate())
    assert len(mail.outbox) == 1
    digests.digest_send(user_id=ombud.pk, on=timezone.localdate() + dt.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_no_e_mail_when_nothing_is_due_or_there_is_no_address(ombud, colleague_on_team, world):
    ombud.email = ""
    ombud.save()
    assert digests.digest_send(user_id=ombud.pk, on=timezone.localdate()).status == "no_address"
    colleague_on_team.email = "kollega@example.invalid"
    colleague_on_team.save()
    delivery = digests.digest_send(user_id=colleague_on_team.pk, on=timezone.localdate())
    assert delivery.status == "nothing_due" and mail.outbox == []


def test_a_failed_e_mail_is_kept_with_its_reason_and_can_be_retried(
    ombud, team_lead, world, monkeypatch, as_user, django_capture_on_commit_callbacks
):
    ombud.email = "ombud@example.invalid"
    ombud.save()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(digests, "send_mail", refuse)
    delivery = digests.digest_send(user_id=ombud.pk, on=timezone.localdate())
    assert (delivery.status, delivery.failure_reason) == ("failed", "ConnectionRefusedError")

    client = as_user(team_lead)
    assert "ConnectionRefusedError" in client.get(reverse("agenda:sms_failed")).content.decode()
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("agenda:digest_retry", args=[delivery.pk]))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_send_digests_sends_each_ombud_and_team_lead_once(
    ombud, team_lead, colleague_not_on_team, project_leader, world
):
    for user in (ombud, team_lead, colleague_not_on_team, project_leader):
        user.email = f"{user.username}@example.invalid"
        user.save()
    call_command("send_digests", stdout=io.StringIO())
    call_command("send_digests", stdout=io.StringIO())
    assert sorted(m.to[0] for m in mail.outbox) == [
        "p_ombud@example.invalid",
        "p_outsider@example.invalid",
    ]
    assert cm.DigestDelivery.objects.filter(user=team_lead).get().status == "nothing_due"
    assert not cm.DigestDelivery.objects.filter(user=project_leader).exists()


def test_the_digest_page_shows_the_users_day_and_logs_each_record(
    ombud, world, as_user, django_assert_max_num_queries
):
    client = as_user(ombud)
    client.get(reverse("agenda:digest"))
    before = AccessLogEntry.objects.filter(user=ombud).count()
    # Every page at most 15 (issue 16): session (1), user (1), drafts left unsigned (1),
    # visits, goals, SIP plans, network actions, consents with their receiving administrations
    # (2), quiet families, the access log (1 INSERT), the header's administration (1), the
    # session save in a savepoint (3). The reference codes come with the rows.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("agenda:digest"))
    html = response.content.decode()
    assert world["mine"].reference in html and world["quiet"].reference in html
    assert world["theirs"].reference not in html
    assert AccessLogEntry.objects.filter(user=ombud).count() - before == 6


def test_a_team_leads_today_page_with_the_waiting_list_stays_within_15_queries(
    team_lead, world, as_user, django_assert_max_num_queries
):
    client = as_user(team_lead)
    client.get(reverse("agenda:digest"))
    # The ombud's sections plus the waiting requests and the caseloads (2).
    with django_assert_max_num_queries(15):
        response = client.get(reverse("agenda:digest"))
    assert response.status_code == 200
    assert "Requests waiting more than 14 days" in response.content.decode()


def test_the_digest_page_is_for_ombud_and_team_leads(school_coordinator, as_user):
    assert as_user(school_coordinator).get(reverse("agenda:digest")).status_code == 403


def test_a_draft_left_unsigned_for_a_day_is_on_today_with_a_link_to_it(
    ombud, colleague_not_on_team, team_lead, world
):
    draft = JournalEntryFactory(family=world["mine"], facts="Påbörjat.")
    cm.JournalEntry.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=30)
    )
    fresh = JournalEntryFactory(family=world["mine"], facts="Skrivs nu.")

    mine = digests.digest_for(ombud)
    [section] = [s for s in mine.sections if s.key == "unsigned_drafts"]
    assert [i.obj.pk for i in section.items] == [draft.pk]  # not the one begun an hour ago
    assert section.items[0].url == reverse("cases:journal_edit", args=[draft.pk])
    assert fresh.pk not in [i.obj.pk for i in section.items]
    # Another team's ombud does not see it; the team lead of the administration does.
    other = digests.digest_for(colleague_not_on_team)
    assert not [s for s in other.sections if s.key == "unsigned_drafts"][0].items
    lead = digests.digest_for(team_lead)
    assert draft.pk in [
        i.obj.pk for s in lead.sections if s.key == "unsigned_drafts" for i in s.items
    ]
