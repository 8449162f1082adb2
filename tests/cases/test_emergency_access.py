"""Break-the-glass (issue 21 part 3): a case worker opens a family not shared with them in an
emergency, with a reason, for themselves alone and at most seven days; every read is logged
with the basis "emergency"; the case team sees a notice at once; the owning team lead reviews
it afterwards (accepted or reported), with the unreviewed ones on their start page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from cases import services
from cases.personnummer import format_full
from familjelotsen import access
from familjelotsen.models import AccessLogEntry, User
from tests.factories import (
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REASON = "Skolan larmade: barnet är inte hemma och vårdnadshavaren svarar inte."
EMERGENCY = AccessLogEntry.Basis.EMERGENCY


@pytest.fixture
def world(ombud, adm_rs):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja", last_name="Berg")
    entry = JournalEntryFactory(family=family)
    goal = GoalFactory(family=family, member=child)
    return {"family": family, "child": child, "entry": entry, "goal": goal}


@pytest.fixture
def requester(adm_rs):
    """A family ombud of the owning administration who is not on the family's case team."""
    return UserFactory(username="p_emergency", role=User.Role.FAMILY_OMBUD, administration=adm_rs)


def _ask(client, child, *, reason=REASON, days="1"):
    return client.post(
        reverse("cases:emergency_access"),
        {"personal_number": format_full(child.personal_number), "reason": reason, "days": days},
    )


def _open(user, child, days=1):
    outcome = services.emergency_access_request(
        user=user, personal_number=child.personal_number, reason=REASON, days=days
    )
    assert len(outcome.opened) == 1
    return outcome.opened[0]


def _sees(user, family) -> bool:
    return access.visible(user, cm.Family).filter(pk=family.pk).exists()


# --- From request to review -------------------------------------------------------------------


def test_a_case_worker_opens_a_family_reads_it_and_the_team_lead_reviews_it(
    world, client, requester, team_lead, ombud
):
    family, child = world["family"], world["child"]
    assert not _sees(requester, family)

    client.force_login(requester)
    response = _ask(client, child)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:family_detail", args=[family.pk])
    emergency = cm.EmergencyAccess.objects.get(user=requester, family=family)
    assert emergency.pending and emergency.reason == REASON
    assert emergency.ends_at - emergency.starts_at == dt.timedelta(days=1)

    page = client.get(reverse("cases:family_detail", args=[family.pk]))
    assert page.status_code == 200
    assert "Maja" in page.content.decode()
    assert "under your own emergency access" in page.content.decode()

    client.force_login(team_lead)
    start = client.get(reverse("cases:waiting_list")).content.decode()
    assert "Emergency access to review (1)" in start
    assert reverse("cases:emergency_review", args=[emergency.pk]) in start

    response = client.post(
        reverse("cases:emergency_review", args=[emergency.pk]),
        {"decision": "accepted", "note": ""},
    )
    assert response.status_code == 302
    emergency.refresh_from_db()
    assert (emergency.review, emergency.reviewed_by) == ("accepted", team_lead)
    start = client.get(reverse("cases:waiting_list")).content.decode()
    assert "Emergency access to review" not in start


def test_the_requester_sees_the_records_and_a_colleague_of_the_same_administration_does_not(
    world, requester, colleague_not_on_team
):
    family = world["family"]
    _open(requester, world["child"])

    for model, obj in [
        (cm.Family, family),
        (cm.Member, world["child"]),
        (cm.JournalEntry, world["entry"]),
        (cm.Goal, world["goal"]),
    ]:
        assert access.visible(requester, model).filter(pk=obj.pk).exists(), model
        assert not access.visible(colleague_not_on_team, model).filter(pk=obj.pk).exists(), model


def test_emergency_access_is_read_only(world, client, requester):
    family = world["family"]
    _open(requester, world["child"])
    can = access.family_permissions(requester, family)
    assert can.see and can.emergency
    assert not (can.oversee or can.document or can.change)
    assert not access.visible(requester, cm.JournalEntry, access.CHANGE).exists()

    client.force_login(requester)
    assert client.get(reverse("cases:journal_new", args=[family.pk])).status_code == 403
    assert client.get(reverse("cases:family_edit", args=[family.pk])).status_code == 403
    assert client.get(reverse("cases:journal_sign", args=[world["entry"].pk])).status_code in (
        403,
        405,
    )


def test_protected_identity_stays_masked_under_emergency_access(world, requester):
    hidden = MemberFactory(family=world["family"], protected_identity=True)
    _open(requester, world["child"])
    member = access.visible_members(requester).get(pk=hidden.pk)
    assert member.identity_visible is False


# --- Expiry -----------------------------------------------------------------------------------


def test_a_seven_day_access_holds_on_day_seven_and_ends_after_it(world, requester):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        emergency = _open(requester, world["child"], days=7)
    with time_machine.travel(start + dt.timedelta(days=6, hours=23), tick=False):
        assert _sees(requester, world["family"])
    with time_machine.travel(emergency.ends_at + dt.timedelta(seconds=1), tick=False):
        assert not _sees(requester, world["family"])
        assert not access.visible(requester, cm.JournalEntry).exists()


def test_more_than_seven_days_is_refused_by_the_form_the_service_and_the_database(
    world, client, requester
):
    client.force_login(requester)
    response = _ask(client, world["child"], days="8")
    assert response.status_code == 200
    assert not cm.EmergencyAccess.objects.exists()

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.emergency_access_request(
            user=requester, personal_number=world["child"].personal_number, reason=REASON, days=8
        )
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        cm.EmergencyAccess.objects.create(
            user=requester,
            administration=requester.administration,
            family=world["family"],
            reason=REASON,
            days=7,
            starts_at=now,
            ends_at=now + dt.timedelta(days=7, minutes=1),
        )


def test_the_user_may_end_the_access_early(world, client, requester):
    emergency = _open(requester, world["child"], days=3)
    client.force_login(requester)
    page = client.get(reverse("cases:emergency_access")).content.decode()
    assert reverse("cases:emergency_end", args=[emergency.pk]) in page

    assert client.post(reverse("cases:emergency_end", args=[emergency.pk])).status_code == 302
    emergency.refresh_from_db()
    assert emergency.ended_early
    assert not _sees(requester, world["family"])


def test_no_one_else_may_end_someones_emergency_access(world, client, requester, colleague_on_team):
    emergency = _open(requester, world["child"])
    client.force_login(colleague_on_team)
    assert client.post(reverse("cases:emergency_end", args=[emergency.pk])).status_code == 404
    assert _sees(requester, world["family"])


def test_the_users_own_page_lists_their_accesses_with_their_end_times(world, client, requester):
    emergency = _open(requester, world["child"], days=2)
    client.force_login(requester)
    page = client.get(reverse("cases:emergency_access")).content.decode()
    assert world["family"].reference in page
    ends = timezone.localtime(emergency.ends_at)
    from django.utils import formats

    assert formats.date_format(ends, "SHORT_DATETIME_FORMAT") in page


# --- The access log ---------------------------------------------------------------------------


def test_the_request_and_every_read_are_logged_with_the_emergency_basis(world, client, requester):
    client.force_login(requester)
    before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    _ask(client, world["child"])
    created = AccessLogEntry.objects.get(id__gt=before)
    assert (created.action, created.object_type, created.basis) == (
        "create",
        "cases.emergencyaccess",
        EMERGENCY,
    )
    assert created.family_id == world["family"].pk

    mark = created.id
    assert client.get(reverse("cases:family_detail", args=[world["family"].pk])).status_code == 200
    # The member's page reads (the form is not offered).
    assert client.get(reverse("cases:member_edit", args=[world["child"].pk])).status_code == 200
    rows = list(AccessLogEntry.objects.filter(id__gt=mark))
    assert rows
    assert {r.basis for r in rows} == {EMERGENCY}
    assert {r.user_id for r in rows} == {requester.pk}


def test_a_request_that_finds_no_family_says_so_and_is_logged_without_personal_data(
    world, client, requester
):
    from tests.factories import personnummer_for

    unknown = personnummer_for(dt.date(2015, 4, 3), 977)
    client.force_login(requester)
    before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(
        reverse("cases:emergency_access"),
        {"personal_number": unknown, "reason": REASON, "days": "1"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "No family in Familjelotsen has a child with this personal identity number" in body
    assert REASON in body  # the reason is kept
    row = AccessLogEntry.objects.get(id__gt=before)
    assert (row.basis, row.object_id, row.family_id, row.member_id) == (
        EMERGENCY,
        None,
        None,
        None,
    )
    assert not cm.EmergencyAccess.objects.exists()


def test_a_family_the_user_already_sees_is_not_opened_again(world, client, ombud):
    client.force_login(ombud)
    response = _ask(client, world["child"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "You already see this family" in body
    assert reverse("cases:family_detail", args=[world["family"].pk]) in body
    assert not cm.EmergencyAccess.objects.exists()


def test_no_personnummer_in_any_address_or_log_row(world, client, requester):
    client.force_login(requester)
    response = _ask(client, world["child"])
    pnr = world["child"].personal_number
    assert pnr not in response["Location"] and pnr[2:] not in response["Location"]
    for row in AccessLogEntry.objects.all():
        assert pnr not in str(row.__dict__)
        assert pnr[2:8] not in (row.object_type or "")
    page = client.get(reverse("cases:emergency_access")).content.decode()
    assert pnr not in page and format_full(pnr) not in page


@pytest.mark.parametrize(
    ("reason", "number", "field_message"),
    [
        ("Akut.", None, "at least 20 characters"),
        (REASON, "20150403-0000", "check digit is wrong"),
        ("", None, "Fill in reason."),
    ],
)
def test_bad_input_is_refused_at_the_field_and_keeps_what_was_typed(
    world, client, requester, reason, number, field_message
):
    client.force_login(requester)
    response = client.post(
        reverse("cases:emergency_access"),
        {
            "personal_number": number or format_full(world["child"].personal_number),
            "reason": reason,
            "days": "2",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert field_message in body
    if reason:
        assert reason in body
    assert not cm.EmergencyAccess.objects.exists()


@pytest.mark.swedish
def test_a_short_reason_gets_a_clear_swedish_message(world, client, requester):
    client.force_login(requester)
    body = _ask(client, world["child"], reason="Akut läge.").content.decode()
    assert "minst 20 tecken" in body
    assert "Akut läge." in body


def test_who_may_ask_for_emergency_access(
    client, requester, team_lead, school_coordinator, project_leader, sysadmin
):
    for user, allowed in [
        (requester, True),
        (team_lead, True),
        (school_coordinator, True),
        (project_leader, False),
        (sysadmin, False),
    ]:
        client.force_login(user)
        status = client.get(reverse("cases:emergency_access")).status_code
        assert (status == 200) is allowed, (user.username, status)


# --- Notice to the case team ------------------------------------------------------------------


def test_the_case_team_and_the_owning_team_lead_see_the_notice_at_once(
    world, client, requester, ombud, team_lead, colleague_not_on_team
):
    emergency = _open(requester, world["child"], days=2)
    url = reverse("cases:family_detail", args=[world["family"].pk])
    name = requester.get_full_name()
    for user in (ombud, team_lead):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "Emergency access to this family" in body, user.username
        assert name in body
        ends = timezone.localtime(emergency.ends_at)
        from django.utils import formats

        assert formats.date_format(ends, "SHORT_DATETIME_FORMAT") in body
    # The requester reads the family but is not told about others' accesses as the team is.
    assert access.emergency_notices(requester, world["family"]) == []
    assert access.emergency_notices(colleague_not_on_team, world["family"]) == []


# --- Review: the owning team lead only --------------------------------------------------------


def test_only_the_owning_team_lead_may_review(
    world, client, requester, team_lead, other_team_lead, ombud
):
    emergency = _open(requester, world["child"])
    url = reverse("cases:emergency_review", args=[emergency.pk])
    for user in (requester, other_team_lead, ombud):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
        assert client.post(url, {"decision": "accepted", "note": ""}).status_code == 404, (
            user.username
        )
    emergency.refresh_from_db()
    assert emergency.pending

    client.force_login(team_lead)
    assert client.get(url).status_code == 200
    assert emergency not in access.unreviewed_emergency_accesses(other_team_lead)
    assert emergency in access.unreviewed_emergency_accesses(team_lead)


def test_reporting_needs_a_note_and_ends_a_running_access(world, client, requester, team_lead):
    emergency = _open(requester, world["child"], days=5)
    client.force_login(team_lead)
    url = reverse("cases:emergency_review", args=[emergency.pk])

    response = client.post(url, {"decision": "reported", "note": ""})
    assert response.status_code == 200
    assert "Say why the emergency access is reported." in response.content.decode()
    emergency.refresh_from_db()
    assert emergency.pending

    client.post(url, {"decision": "reported", "note": "Ingen akut situation förelåg."})
    emergency.refresh_from_db()
    assert emergency.review == "reported" and emergency.ended_early
    assert not _sees(requester, world["family"])


def test_the_start_page_lists_expired_unreviewed_accesses_too(world, client, requester, team_lead):
    start = timezone.now() - dt.timedelta(days=10)
    with time_machine.travel(start, tick=False):
        emergency = _open(requester, world["child"], days=1)
    client.force_login(team_lead)
    body = client.get(reverse("cases:waiting_list")).content.decode()
    assert reverse("cases:emergency_review", args=[emergency.pk]) in body


def test_the_daily_digest_tells_the_case_team_and_its_e_mail_names_no_one(
    world, requester, ombud, colleague_not_on_team
):
    from agenda import digests

    _open(requester, world["child"])
    digest = digests.digest_for(ombud)
    section = next(s for s in digest.sections if s.key == "emergency_access")
    assert [i.family_id for i in section.items] == [world["family"].pk]
    _subject, body = digests.digest_email(digest, site_url="https://familjelotsen.example")
    assert world["family"].reference in body
    assert requester.get_full_name() not in body
    others = digests.digest_for(colleague_not_on_team)
    assert "emergency_access" not in others.counts()


@pytest.mark.swedish
def test_the_case_team_and_the_owning_team_lead_get_an_e_mail_at_once_naming_no_one(
    world,
    client,
    requester,
    ombud,
    team_lead,
    colleague_not_on_team,
    other_team_lead,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    staff = (requester, ombud, team_lead, colleague_not_on_team, other_team_lead)
    for user in staff:
        user.email = f"{user.username}@kommun.example"
        user.save(update_fields=["email"])
    client.force_login(requester)
    with django_capture_on_commit_callbacks(execute=True):
        assert _ask(client, world["child"]).status_code == 302

    # The case team (the responsible ombud) and the owning team lead; not the one who opened
    # it, not a colleague off the team, not another administration's team lead.
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        [ombud.email, team_lead.email]
    )
    family = world["family"]
    for message in mailoutbox:
        assert family.reference in message.subject and family.reference in message.body
        assert "nödåtkomst" in message.subject  # Swedish, the staff's language
        assert reverse("cases:family_detail", args=[family.pk]) in message.body
        for secret in (REASON, requester.get_full_name(), "Maja", "Berg"):
            assert secret not in message.subject + message.body
    # Each e-mail is a disclosure of the family to its reader, logged as such.
    exported = AccessLogEntry.objects.filter(
        action=AccessLogEntry.Action.EXPORT, object_id=family.pk, object_type="cases.family"
    )
    assert sorted(exported.values_list("user_id", flat=True)) == sorted([ombud.pk, team_lead.pk])


def test_an_emergency_e_mail_that_cannot_be_sent_leaves_the_access_and_the_notice(
    world, requester, ombud, settings, django_capture_on_commit_callbacks
):
    from cases import tasks

    ombud.email = "ombud@kommun.example"
    ombud.save(update_fields=["email"])
    settings.EMAIL_BACKEND = "tests.cases.test_emergency_access.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = tasks.emergency_access_request(
            user=requester,
            personal_number=world["child"].personal_number,
            reason=REASON,
            days=1,
        )
    assert len(outcome.opened) == 1
    assert access.emergency_notices(ombud, world["family"])  # the page still tells


class RefusingBackend:
    """An SMTP server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("refused")


def test_the_team_lead_sees_a_fruitless_attempt_in_the_access_log(
    world, client, requester, team_lead
):
    from tests.factories import personnummer_for

    services.emergency_access_request(
        user=requester,
        personal_number=personnummer_for(dt.date(2015, 4, 3), 977),
        reason=REASON,
        days=1,
    )
    client.force_login(team_lead)
    response = client.get(reverse("access_log"), {"user": requester.pk})
    assert response.status_code == 200
    assert "emergency access (break-the-glass)" in response.content.decode()
