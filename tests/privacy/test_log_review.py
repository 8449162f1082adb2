"""Loggkontroll: the team lead's review of the access log (issue 14, finding 7): rows with human
labels masked by the policy, review flags, a recorded review, a CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from familjelotsen.models import AccessLogEntry, AccessLogReview
from privacy.log_review import MANY_FAMILIES, PER_PAGE
from tests.factories import FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
# A Wednesday, well inside working hours.
WEDNESDAY = dt.date(2026, 3, 4)


def at(day: dt.date = WEDNESDAY, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


def log_row(user, *, family=None, member=None, when=None, basis="case_team", **extra):
    """A row as the views write it (the log holds ids only)."""
    if member is not None:
        defaults = {"object_type": "cases.member", "object_id": member.pk}
    elif family is not None:
        defaults = {"object_type": "cases.family", "object_id": family.pk}
    else:
        defaults = {"object_type": "cases.family", "object_id": None}
    defaults.update(extra)
    family_id = defaults.pop("family_id", None)
    return AccessLogEntry.objects.create(
        user=user,
        administration_id=user.administration_id,
        action=defaults.pop("action", "view"),
        family_id=family_id or (member.family_id if member else getattr(family, "pk", None)),
        member_id=member.pk if member else None,
        basis=basis,
        at=when or at(),
        **defaults,
    )


def review_rows(client, **params):
    response = client.get(reverse("access_log"), params)
    assert response.status_code == 200
    return response, response.context["page"].rows


def one_row(rows, entry):
    return next(r for r in rows if r.entry.pk == entry.pk)


# --- Filters ----------------------------------------------------------------------------------


def test_the_team_lead_filters_the_log_by_family_and_user(
    client, ombud, colleague_on_team, team_lead
):
    family = FamilyFactory(responsible_ombud=ombud)
    other = FamilyFactory(responsible_ombud=ombud)
    log_row(ombud, family=family)
    log_row(ombud, family=other)
    log_row(colleague_on_team, family=family)
    client.force_login(team_lead)
    _response, rows = review_rows(client, family=family.reference, user=ombud.pk)
    assert [(r.entry.family_id, r.entry.user_id) for r in rows] == [(family.pk, ombud.pk)]


def test_an_unknown_reference_gets_a_message_at_the_field(client, team_lead):
    client.force_login(team_lead)
    body = client.get(reverse("access_log"), {"family": "FL-1999-0001"}).content.decode()
    assert 'class="field-errors"' in body


def test_only_team_leads_review_the_log(
    client, ombud, school_coordinator, project_leader, sysadmin
):
    for user in (ombud, school_coordinator, project_leader, sysadmin):
        client.force_login(user)
        assert client.get(reverse("access_log")).status_code == 403
        assert client.get(reverse("access_log_csv")).status_code == 403
        assert client.get(reverse("access_log_reviews")).status_code == 403
        response = client.post(
            reverse("access_log"),
            {
                "period_from": "2026-03-01",
                "period_to": "2026-03-31",
                "sampled": "x",
                "findings": "y",
            },
        )
        assert response.status_code == 403
    assert not AccessLogReview.objects.exists()


# --- Labels and masking -----------------------------------------------------------------------


def test_rows_carry_the_family_code_the_kind_of_record_and_the_members_name(
    client, ombud, team_lead
):
    family = FamilyFactory(responsible_ombud=ombud)
    maja = MemberFactory(family=family, first_name="Maja", last_name="Berglund")
    entry = log_row(ombud, member=maja)
    family_entry = log_row(ombud, family=family, when=at(hour=13))
    client.force_login(team_lead)
    response, rows = review_rows(client)
    row = one_row(rows, entry)
    assert (row.family_reference, row.kind, row.member_name) == (
        family.reference,
        "Family member",
        "Maja Berglund",
    )
    assert one_row(rows, family_entry).kind == "Family"
    html = response.content.decode()
    assert "Maja Berglund" in html and family.reference in html and "cases.member" not in html
    # The name shown is a read of personal data: one row, the basis from the policy.
    read = AccessLogEntry.objects.get(user=team_lead, member_id=maja.pk)
    assert (read.action, read.basis) == ("view", "team_lead")


def test_a_protected_member_is_masked_for_a_team_lead_not_on_the_case_team(
    client, ombud, team_lead
):
    family = FamilyFactory(responsible_ombud=ombud)
    hidden = MemberFactory(family=family, first_name="Hemlig", protected_identity=True)
    entry = log_row(ombud, member=hidden)
    client.force_login(team_lead)
    response, rows = review_rows(client)
    row = one_row(rows, entry)
    assert row.member_masked and row.member_name == ""
    html = response.content.decode()
    assert "Hemlig" not in html and "Protected identity" in html
    # No name shown: no read of the member logged.
    assert not AccessLogEntry.objects.filter(user=team_lead, member_id=hidden.pk).exists()


def test_a_team_lead_on_the_case_team_sees_the_protected_name(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud, team=[team_lead])
    hidden = MemberFactory(family=family, first_name="Hemlig", protected_identity=True)
    entry = log_row(ombud, member=hidden)
    client.force_login(team_lead)
    _response, rows = review_rows(client)
    assert one_row(rows, entry).member_name.startswith("Hemlig")


def test_a_member_of_a_family_the_reviewer_cannot_see_is_not_named(
    client, ombud, team_lead, other_team_lead
):
    """Staff of the lead's administration read a family of another administration (a share):
    the lead reviews the read but gets no name they could not see otherwise."""
    family = FamilyFactory(responsible_ombud=_ombud_of(other_team_lead))
    member = MemberFactory(family=family, first_name="Annanstans")
    entry = log_row(ombud, member=member, basis="share")
    client.force_login(team_lead)
    response, rows = review_rows(client)
    row = one_row(rows, entry)
    assert (row.member_name, row.member_masked) == ("", False)
    assert row.family_reference == family.reference
    assert "Annanstans" not in response.content.decode()


def _ombud_of(lead):
    from familjelotsen.models import User
    from tests.factories import UserFactory

    return UserFactory(
        username=f"ombud_{lead.username}",
        role=User.Role.FAMILY_OMBUD,
        administration=lead.administration,
    )


# --- Flags ------------------------------------------------------------------------------------


def test_a_read_outside_the_case_team_is_flagged(client, ombud, colleague_on_team, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    inside = log_row(ombud, family=family, basis="case_team")
    outside = log_row(team_lead, family=family, basis="team_lead", when=at(hour=13))
    report = log_row(
        team_lead, basis="aggregate", object_type="reporting.report", object_id=1, family_id=None
    )
    client.force_login(team_lead)
    _response, rows = review_rows(client)
    assert one_row(rows, outside).outside_team
    assert not one_row(rows, inside).outside_team
    # Aggregate figures concern no family: nothing outside a case team.
    assert not one_row(rows, report).outside_team


def test_a_read_of_a_protected_member_is_flagged(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    hidden = MemberFactory(family=family, protected_identity=True)
    plain = MemberFactory(family=family)
    flagged = log_row(ombud, member=hidden)
    not_flagged = log_row(ombud, member=plain)
    client.force_login(team_lead)
    _response, rows = review_rows(client)
    assert one_row(rows, flagged).protected
    assert not one_row(rows, not_flagged).protected


@pytest.mark.parametrize(
    ("when", "after_hours"),
    [
        (at(hour=6, minute=59), True),
        (at(hour=7), False),
        (at(hour=12), False),
        (at(hour=18), False),
        (at(hour=18, minute=1), True),
        (at(hour=23, minute=30), True),
        (at(WEDNESDAY + dt.timedelta(days=3), hour=11), True),  # Saturday
        (at(WEDNESDAY + dt.timedelta(days=4), hour=11), True),  # Sunday
    ],
)
def test_after_hours_is_local_time_before_7_after_18_or_the_weekend(
    client, ombud, team_lead, when, after_hours
):
    family = FamilyFactory(responsible_ombud=ombud)
    entry = log_row(ombud, family=family, when=when)
    client.force_login(team_lead)
    _response, rows = review_rows(client)
    assert one_row(rows, entry).after_hours is after_hours


def test_more_than_n_families_in_a_day_is_flagged(client, ombud, colleague_on_team, team_lead):
    # The family ids in the log are plain integers (the log outlives the records).
    busy = [
        log_row(ombud, family_id=900_000 + i, when=at(hour=8, minute=i))
        for i in range(MANY_FAMILIES + 1)
    ]
    calm = [
        log_row(colleague_on_team, family_id=900_000 + i, when=at(hour=8, minute=i))
        for i in range(MANY_FAMILIES)
    ]
    # The next day the busy user is calm again.
    next_day = log_row(ombud, family_id=900_000, when=at(WEDNESDAY + dt.timedelta(days=1)))
    client.force_login(team_lead)
    _response, rows = review_rows(client)
    assert one_row(rows, busy[0]).many_families
    assert not one_row(rows, calm[0]).many_families
    assert not one_row(rows, next_day).many_families


def test_only_flagged_rows(client, ombud, colleague_on_team, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    plain = log_row(ombud, family=family)
    late = log_row(ombud, family=family, when=at(hour=22))
    outside = log_row(team_lead, family=family, basis="team_lead", when=at(hour=9))
    busy = [
        log_row(colleague_on_team, family_id=800_000 + i, when=at(hour=10, minute=i))
        for i in range(MANY_FAMILIES + 1)
    ]
    client.force_login(team_lead)
    _response, rows = review_rows(client, only_flagged="on")
    shown = {r.entry.pk for r in rows}
    assert plain.pk not in shown
    assert {late.pk, outside.pk} <= shown
    # The many-families flag is computed in the filter too, not only on the page.
    assert {b.pk for b in busy} <= shown
    assert all(r.flagged for r in rows)


def test_the_page_does_not_count_the_log_and_pages_on_from_the_last_row(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    member = MemberFactory(family=family)
    oldest = log_row(ombud, member=member, when=at(hour=7))
    for i in range(PER_PAGE):
        log_row(ombud, member=member, when=at(hour=8) + dt.timedelta(seconds=i))
    client.force_login(team_lead)
    response, rows = review_rows(client)
    page = response.context["page"]
    assert len(rows) == PER_PAGE and page.has_next and page.is_first
    # Showing the names wrote the lead's own read at the top of the log: the next page still
    # starts after the last row shown.
    assert AccessLogEntry.objects.filter(user=team_lead, member_id=member.pk).exists()
    assert f"fore={page.next_cursor}" in response.content.decode()
    response, rows = review_rows(client, fore=page.next_cursor)
    assert [r.entry.pk for r in rows] == [oldest.pk]
    assert not response.context["page"].has_next and not response.context["page"].is_first
    # A broken cursor is the first page, not an error.
    _response, rows = review_rows(client, fore="nonsense")
    assert len(rows) == PER_PAGE


def test_the_page_takes_a_fixed_number_of_queries(
    client, ombud, team_lead, django_assert_max_num_queries
):
    family = FamilyFactory(responsible_ombud=ombud)
    members = [MemberFactory(family=family) for _ in range(5)]
    for i in range(40):
        log_row(ombud, member=members[i % 5], when=at(hour=8) + dt.timedelta(minutes=i))
    client.force_login(team_lead)
    # session, user, filter's user list, rows, family references, members, busy days, the
    # log INSERT, the reviews, the header, the session save: a fixed number whatever the rows.
    with django_assert_max_num_queries(16):
        client.get(reverse("access_log"))


# --- A recorded review ------------------------------------------------------------------------


def test_recording_a_review(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    log_row(ombud, family=family, when=at(hour=22))
    client.force_login(team_lead)
    response, _rows = review_rows(client, only_flagged="on")
    initial = response.context["review_form"].initial
    assert "only flagged rows" in initial["sampled"]
    assert "1 row looked at (1 flagged)" in initial["sampled"]

    response = client.post(
        reverse("access_log") + "?only_flagged=on",
        {
            "period_from": "2026-03-01",
            "period_to": "2026-03-31",
            "sampled": initial["sampled"],
            "findings": f"{family.reference}: a visit booked late; asked the ombud, in order.",
            "follow_up_needed": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("access_log") + "?only_flagged=on"
    review = AccessLogReview.objects.get()
    assert (review.reviewer, review.administration, review.follow_up_needed) == (
        team_lead,
        team_lead.administration,
        True,
    )
    assert (review.period_from, review.period_to) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    # Listed afterwards, on the log page and the list of reviews; no way to change it.
    for url in (reverse("access_log"), reverse("access_log_reviews")):
        html = client.get(url).content.decode()
        assert "asked the ombud, in order." in html


def test_a_review_with_the_period_backwards_is_refused_at_the_field(client, team_lead):
    client.force_login(team_lead)
    response = client.post(
        reverse("access_log"),
        {"period_from": "2026-03-31", "period_to": "2026-03-01", "sampled": "x", "findings": "y"},
    )
    assert response.status_code == 200
    assert response.context["review_form"].errors["period_to"]
    assert not AccessLogReview.objects.exists()


def test_another_administrations_reviews_are_not_listed(client, team_lead, other_team_lead):
    AccessLogReview.objects.create(
        reviewer=other_team_lead,
        administration=other_team_lead.administration,
        period_from=WEDNESDAY,
        period_to=WEDNESDAY,
        sampled="Socialtjänstens urval",
        findings="Inget att anmärka",
    )
    client.force_login(team_lead)
    assert "Socialtjänstens urval" not in client.get(reverse("access_log_reviews")).content.decode()


# --- CSV export -------------------------------------------------------------------------------


def test_the_csv_export_has_the_labels_and_flags_masks_protected_names_and_is_logged(
    client, ombud, team_lead
):
    family = FamilyFactory(responsible_ombud=ombud)
    hidden = MemberFactory(family=family, first_name="Hemlig", protected_identity=True)
    maja = MemberFactory(family=family, first_name="Maja", last_name="Berglund")
    log_row(ombud, member=hidden, when=at(hour=22))
    log_row(ombud, member=maja, when=at(hour=10))
    client.force_login(team_lead)
    response = client.get(reverse("access_log_csv"), {"family": family.reference})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Hemlig" not in text
    assert hidden.personal_number not in text and maja.personal_number not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:8] == [
        "Time",
        "User",
        "Administration",
        "Action",
        "Kind of record",
        "Record id",
        "Family",
        "Person",
    ]
    by_person = {r[7]: dict(zip(header, r, strict=True)) for r in body}
    protected = by_person["Protected identity"]
    assert protected["Family"] == family.reference
    assert protected["Kind of record"] == "Family member"
    assert (protected["Protected identity"], protected["After hours"]) == ("yes", "yes")
    assert by_person["Maja Berglund"]["After hours"] == "no"
    assert by_person["Maja Berglund"]["Outside the case team"] == "no"

    export = AccessLogEntry.objects.get(
        user=team_lead, action="export", object_type="familjelotsen.accesslogentry"
    )
    # One family's log: the basis the policy finds for that family.
    assert (export.family_id, export.basis) == (family.pk, "team_lead")
    # The named member in the file is an export of her data too; the masked one is not.
    assert AccessLogEntry.objects.filter(
        user=team_lead, action="export", member_id=maja.pk
    ).exists()
    assert not AccessLogEntry.objects.filter(user=team_lead, member_id=hidden.pk).exists()


def test_a_csv_cell_is_never_a_formula(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="=HYPERLINK(1)", last_name="X")
    log_row(ombud, member=family.members.get())
    client.force_login(team_lead)
    text = client.get(reverse("access_log_csv")).content.decode("utf-8-sig")
    assert ";'=HYPERLINK(1) X;" in text


# --- A family's log extract -------------------------------------------------------------------


def test_the_family_log_extract_pdf_lists_who_opened_the_records(client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Hemligt")
    log_row(ombud, family=family)
    client.force_login(team_lead)
    response = client.get(reverse("family_log_extract", args=[family.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert family.reference in text
    assert ombud.get_full_name() in text
    assert "Hemligt" not in text
    # Exactly one row for the print (no second VIEW row for the lookup).
    mine = AccessLogEntry.objects.filter(user=team_lead, family_id=family.pk)
    assert list(mine.values_list("action", "basis")) == [("print", "team_lead")]


def test_another_team_lead_cannot_print_the_extract(client, ombud, other_team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    client.force_login(other_team_lead)
    assert client.get(reverse("family_log_extract", args=[family.pk])).status_code == 404


def test_sync_access_check_exits_zero_without_drift(db):
    out = io.StringIO()
    call_command("sync_access", "--check", stdout=out)
    assert "No drift" in out.getvalue()
