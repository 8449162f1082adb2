"""Long lists come in pages with a search (issue 16): the pupil list, the waiting list, the
families shared with us and Mina familjer. A search never finds a record the user may not see,
nor a name the user may not read; each page logs exactly the records it shows, in one INSERT."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from familjelotsen.paging import PER_PAGE
from tests.factories import ConsentFactory, FamilyFactory, MemberFactory, PupilSupportFactory

pytestmark = pytest.mark.django_db


def _shared_pupil(ombud, adm_school, first_name, *, school="Ekskolan", protected=False):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name=first_name, protected_identity=protected)
    support = PupilSupportFactory(member=child, owner=adm_school, school=school)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    return support


def _unshared_pupil(ombud, adm_school, first_name):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name=first_name)
    return PupilSupportFactory(member=child, owner=adm_school, school="Ekskolan")


def _pupil_rows(client, **params):
    response = client.get(reverse("cases:pupils"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_school_search_finds_a_shared_pupil_and_never_an_unshared_one(
    client, ombud, adm_school, school_coordinator
):
    _shared_pupil(ombud, adm_school, "Tilda")
    unshared = _unshared_pupil(ombud, adm_school, "Tindra")
    client.force_login(school_coordinator)
    body = _pupil_rows(client, q="Ti")
    assert "Tilda" in body
    assert "Tindra" not in body
    # Searching for the unshared pupil's exact name says there is no match, nothing more.
    body = _pupil_rows(client, q="Tindra")
    assert reverse("cases:pupil_detail", args=[unshared.pk]) not in body
    assert unshared.family.reference not in body
    assert "No pupils match." in body


def test_a_protected_name_is_not_searchable_by_school(
    client, ombud, adm_school, school_coordinator
):
    _shared_pupil(ombud, adm_school, "Siri", protected=True)
    client.force_login(school_coordinator)
    assert "No pupils match." in _pupil_rows(client, q="Siri")
    # The school of a pupil whose name is masked is not shown, so not searchable either.
    assert "No pupils match." in _pupil_rows(client, q="Ekskolan")
    # The case team finds her by name.
    client.force_login(ombud)
    assert "Siri" in _pupil_rows(client, q="Siri")


def test_the_pupil_list_comes_in_pages_that_each_log_what_they_show(
    client, ombud, adm_school, school_coordinator, django_assert_max_num_queries
):
    supports = [
        _shared_pupil(ombud, adm_school, f"Elev{n:03d}", school="Björkskolan")
        for n in range(PER_PAGE + 3)
    ]
    client.force_login(school_coordinator)
    before = AccessLogEntry.objects.filter(user=school_coordinator).count()
    with django_assert_max_num_queries(12):
        first = _pupil_rows(client)
    logged = AccessLogEntry.objects.filter(
        user=school_coordinator, object_type="cases.pupilsupport"
    )
    assert logged.count() == PER_PAGE
    assert AccessLogEntry.objects.filter(user=school_coordinator).count() - before == PER_PAGE
    assert "sida=2" in first
    second = _pupil_rows(client, sida=2)
    assert logged.count() == len(supports)
    assert "Next page" in first and "Previous page" not in first
    assert "Previous page" in second and "Next page" not in second
    names = {s.member.first_name for s in supports}
    shown = {n for n in names if n in first} | {n for n in names if n in second}
    assert shown == names
    assert not ({n for n in names if n in first} & {n for n in names if n in second})


def test_a_nonsense_page_number_shows_the_first_page(client, ombud, adm_school, school_coordinator):
    _shared_pupil(ombud, adm_school, "Alva")
    client.force_login(school_coordinator)
    for value in ("abc", "-4", "0", "99999999999999999999"):
        response = client.get(reverse("cases:pupils"), {"sida": value})
        assert response.status_code == 200
    assert "Alva" in _pupil_rows(client, sida="x")


def test_the_waiting_list_search_covers_the_leads_own_requests_only(
    client, team_lead, other_team_lead, ombud
):
    mine = FamilyFactory(
        status=cm.Family.Status.REQUEST, responsible_ombud=None, owner=team_lead.administration
    )
    MemberFactory(family=mine, first_name="Wilma")
    # Another administration's request: never on this lead's list, searched or not.
    theirs = FamilyFactory(
        status=cm.Family.Status.REQUEST,
        responsible_ombud=None,
        owner=other_team_lead.administration,
    )
    MemberFactory(family=theirs, first_name="Wilmer")
    client.force_login(team_lead)
    body = client.get(reverse("cases:waiting_list"), {"q": "Wilm"}).content.decode()
    assert mine.reference in body
    assert theirs.reference not in body
    body = client.get(reverse("cases:waiting_list"), {"q": "Wilmer"}).content.decode()
    assert "No families match." in body
    client.force_login(other_team_lead)
    body = client.get(reverse("cases:waiting_list"), {"q": "Wilm"}).content.decode()
    assert theirs.reference in body and mine.reference not in body


def test_my_families_pages_instead_of_cutting_the_list(client, ombud):
    families = [FamilyFactory(responsible_ombud=ombud) for _ in range(PER_PAGE + 1)]
    client.force_login(ombud)
    first = client.get(reverse("cases:my_families")).content.decode()
    second = client.get(reverse("cases:my_families"), {"sida": 2}).content.decode()
    refs = {f.reference for f in families}
    assert {r for r in refs if r in first} | {r for r in refs if r in second} == refs
    assert "sida=2" in first


def test_shared_with_us_searches_only_what_a_consent_shares(
    client, ombud, adm_school, school_coordinator
):
    shared = _shared_pupil(ombud, adm_school, "Nova").family
    unshared = _unshared_pupil(ombud, adm_school, "Noah").family
    client.force_login(school_coordinator)
    body = client.get(reverse("cases:shared"), {"q": "No"}).content.decode()
    assert shared.reference in body
    assert unshared.reference not in body


def test_the_family_journal_comes_in_pages_newest_first_without_a_count(
    client, ombud, django_assert_max_num_queries
):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import JournalEntryFactory

    family = FamilyFactory(responsible_ombud=ombud)
    now = timezone.now()
    for n in range(25):  # "Anteckning 00" is the newest
        JournalEntryFactory(
            family=family,
            facts=f"Anteckning {n:02d}",
            event_at=now - dt.timedelta(days=n),
            signed_at=now,
            signed_by=ombud,
        )
    client.force_login(ombud)
    url = reverse("cases:family_detail", args=[family.pk])
    first = client.get(url).content.decode()
    assert "Anteckning 00" in first and "Anteckning 19" in first
    assert "Anteckning 20" not in first
    assert "?sida=2#journal" in first  # the link to older entries

    # The next page, as htmx asks for it: the journal section only, the five oldest entries.
    with django_assert_max_num_queries(40) as queries:
        second = client.get(
            url, {"sida": 2}, headers={"HX-Request": "true", "HX-Target": "journal"}
        )
    body = second.content.decode()
    assert body.lstrip().startswith('<section class="card" id="journal"')
    assert "Anteckning 20" in body and "Anteckning 24" in body
    assert "Anteckning 19" not in body
    assert not any("COUNT(*)" in q["sql"] and "cases_journalentry" in q["sql"] for q in queries)

    # A page number nobody could have typed on purpose is the first page, not an error.
    assert "Anteckning 00" in client.get(url, {"sida": "x'; --"}).content.decode()
