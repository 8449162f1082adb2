"""Consent pages: who may see and write, what they show, what they log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from cases import models as cm
from consent.models import Consent, Share
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from tests.factories import ConsentFactory, JournalEntryFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    """A logged-in client in English, so messages compare against the source strings."""

    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _client


def _register_post(family, adm_school, today, **changes):
    data = {
        "receiving": [adm_school.pk],
        "disclosing": [family.owner_id],
        "categories": ["coordination", "school"],
        "purpose": "Samordning kring skolgången",
        "valid_from": today.isoformat(),
        "valid_until": (today + dt.timedelta(days=365)).isoformat(),
        "form": "written",
        "child_maturity_note": "Tio år; har fått säga sin mening.",
        "child_view": "Vill att skolan vet.",
    }
    data.update(changes)
    return data


# --- The family's consent list ----------------------------------------------------------------


def test_the_ombud_sees_the_familys_consents_in_a_fixed_number_of_queries(
    as_user,
    ombud,
    family,
    child,
    mother,
    father,
    register,
    adm_school,
    django_assert_max_num_queries,
):
    register(child, [adm_school])
    register(mother, [adm_school])
    client = as_user(ombud)
    url = reverse("consent:family", args=[family.pk])

    # session, user, family with basis, content type (first use only), consents, their
    # receiving administrations (prefetch), members, one access-log INSERT for all records,
    # the user's administration (page header), session save (savepoint, UPDATE, release)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Maja" in response.content and b"Lena" in response.content

    for _ in range(8):
        register(father, [adm_school])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_list_logs_the_family_and_each_consent_shown(
    as_user, ombud, family, mother, register, adm_school
):
    consent = register(mother, [adm_school])
    as_user(ombud).get(reverse("consent:family", args=[family.pk]))

    logged = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert logged.filter(object_type="consent.consent", object_id=consent.pk).count() == 1
    assert logged.filter(object_type="cases.family", object_id=family.pk).count() == 1


def test_staff_outside_the_case_team_do_not_find_the_family_consents(
    as_user,
    colleague_not_on_team,
    region_coordinator,
    project_leader,
    sysadmin,
    other_team_lead,
    family,
    mother,
    register,
    adm_school,
):
    consent = register(mother, [adm_school])
    for user in (
        colleague_not_on_team,
        region_coordinator,
        project_leader,
        sysadmin,
        other_team_lead,
    ):
        client = as_user(user)
        assert client.get(reverse("consent:family", args=[family.pk])).status_code == 404
        assert client.get(reverse("consent:detail", args=[consent.pk])).status_code == 404
        assert client.get(reverse("consent:print", args=[consent.pk])).status_code == 404


def test_school_sees_the_family_it_receives_but_not_the_consent_records(
    as_user, school_coordinator, family, mother, register, adm_school
):
    consent = register(mother, [adm_school])
    page = as_user(school_coordinator).get(reverse("consent:family", args=[family.pk]))
    assert page.status_code == 200
    assert b"kept by the family's case team" in page.content
    detail = as_user(school_coordinator).get(reverse("consent:detail", args=[consent.pk]))
    assert detail.status_code == 404


def test_revocation_closes_the_family_page_to_school_at_once_while_the_owner_keeps_it(
    as_user,
    ombud,
    school_coordinator,
    family,
    child,
    mother,
    father,
    pupil_support,
    register,
    adm_school,
    today,
):
    consent = register(child, [adm_school])
    school = as_user(school_coordinator)
    url = reverse("consent:family", args=[family.pk])
    assert school.get(url).status_code == 200

    response = as_user(ombud).post(
        reverse("consent:revoke", args=[consent.pk]),
        {
            "version": consent.version,
            "revoked_on": today.isoformat(),
            "how": "Per telefon",
            "reason": "Vill inte att skolan får veta mer.",
        },
    )
    assert response.status_code == 302

    assert school.get(url).status_code == 404
    assert school.get(reverse("consent:detail", args=[consent.pk])).status_code == 404
    assert as_user(ombud).get(url).status_code == 200
    assert Consent.objects.get(pk=consent.pk).revoked_on == today


# --- Registering ------------------------------------------------------------------------------


def test_the_ombud_registers_a_childs_consent_with_each_custodians_signature(
    as_user, ombud, family, child, mother, father, adm_school, school_coordinator, today
):
    client = as_user(ombud)
    url = reverse("consent:register", args=[family.pk, child.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Lena" in page.content and b"Olof" in page.content

    response = client.post(
        url,
        _register_post(
            family,
            adm_school,
            today,
            **{
                f"sign_{mother.pk}": "on",
                f"signed_on_{mother.pk}": today.isoformat(),
                f"sign_{father.pk}": "on",
                f"signed_on_{father.pk}": today.isoformat(),
            },
        ),
    )

    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:detail", args=[consent.pk])
    assert set(consent.signatures.values_list("signer_id", flat=True)) == {mother.pk, father.pk}
    assert consent.registered_by == ombud
    assert cm.Family.objects.filter(pk=family.pk).exists()
    assert Share.objects.filter(administration=adm_school).count() == 2  # family + child


def test_a_consent_without_end_date_is_refused_and_the_input_is_kept(
    as_user, ombud, family, child, mother, adm_school, today
):
    response = as_user(ombud).post(
        reverse("consent:register", args=[family.pk, child.pk]),
        _register_post(
            family,
            adm_school,
            today,
            valid_until="",
            **{f"sign_{mother.pk}": "on", f"signed_on_{mother.pk}": today.isoformat()},
        ),
    )
    assert response.status_code == 200
    assert b"field--error" in response.content
    assert "Samordning kring skolgången".encode() in response.content
    assert not Consent.objects.exists()


def test_a_childs_consent_without_any_custodian_is_refused_at_the_signatures(
    as_user, ombud, family, child, mother, adm_school, today
):
    response = as_user(ombud).post(
        reverse("consent:register", args=[family.pk, child.pk]),
        _register_post(family, adm_school, today),
    )
    assert response.status_code == 200
    assert b"At least one custodian must have consented." in response.content
    assert not Consent.objects.exists()


def test_a_written_consent_can_carry_its_scan_at_registration(
    as_user, ombud, family, mother, adm_school, today, pdf_upload
):
    response = as_user(ombud).post(
        reverse("consent:register", args=[family.pk, mother.pk]),
        _register_post(
            family,
            adm_school,
            today,
            scan=pdf_upload,
            **{f"signed_on_{mother.pk}": today.isoformat()},
        ),
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.scan_content_type == "application/pdf"
    assert consent.scan.name.startswith("consent-scans/")
    assert "signed" not in consent.scan.name  # the original name is never kept


def test_those_who_oversee_the_case_register_consents_and_no_one_else(
    as_user,
    team_lead,
    colleague_not_on_team,
    school_coordinator,
    family,
    child,
    mother,
    register,
    adm_school,
):
    # OVERSEE (SPEC §3, issue 14): the case team or the owning team lead run the consents.
    register(mother, [adm_school])  # school sees the family overview through the consent
    url = reverse("consent:register", args=[family.pk, child.pk])
    assert as_user(team_lead).get(url).status_code == 200
    assert as_user(colleague_not_on_team).get(url).status_code == 404
    # School sees the family through a share, but a share never runs the case.
    assert as_user(school_coordinator).get(url).status_code == 403


def test_a_consent_registered_by_the_team_lead_is_logged_with_the_team_lead_basis(
    as_user, team_lead, family, mother, adm_school, today
):
    response = as_user(team_lead).post(
        reverse("consent:register", args=[family.pk, mother.pk]),
        _register_post(family, adm_school, today, **{f"signed_on_{mother.pk}": today.isoformat()}),
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    row = AccessLogEntry.objects.get(user=team_lead, action="create", object_id=consent.pk)
    assert row.basis == "team_lead"


def test_the_register_form_logs_the_family_and_each_person_named_once(
    as_user, ombud, family, child, mother, father
):
    as_user(ombud).get(reverse("consent:register", args=[family.pk, child.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert rows.filter(object_type="cases.family", object_id=family.pk).count() == 1
    for member in (child, mother, father):
        assert rows.filter(object_type="cases.member", object_id=member.pk).count() == 1
    assert rows.count() == 4


def test_a_member_of_another_family_cannot_be_registered_here(as_user, ombud, family):
    stranger = MemberFactory()
    url = reverse("consent:register", args=[family.pk, stranger.pk])
    assert as_user(ombud).get(url).status_code == 404


def test_the_other_custodian_signs_later_from_the_detail_page(
    as_user, ombud, family, child, mother, father, register, adm_school, today
):
    consent = register(child, [adm_school], signers=[mother])
    client = as_user(ombud)
    page = client.get(reverse("consent:detail", args=[consent.pk]))
    assert b"Joint custody: only one custodian signed" in page.content

    client.post(
        reverse("consent:add_signature", args=[consent.pk]),
        {"version": consent.version, "signer": father.pk, "signed_on": today.isoformat()},
    )
    assert consent.signatures.count() == 2
    page = client.get(reverse("consent:detail", args=[consent.pk]))
    assert b"Joint custody: only one custodian signed" not in page.content


# --- Detail, revocation, history --------------------------------------------------------------


def test_the_detail_page_shows_the_history_to_the_case_team(
    as_user, ombud, team_lead, family, mother, register, adm_school, today
):
    consent = register(mother, [adm_school])
    client = as_user(ombud)
    client.post(
        reverse("consent:revoke", args=[consent.pk]),
        {
            "version": consent.version,
            "revoked_on": today.isoformat(),
            "how": "Per telefon",
            "reason": "Flyttar från kommunen.",
        },
    )
    page = client.get(reverse("consent:detail", args=[consent.pk])).content.decode()

    assert "Consent registered" in page
    assert "Consent revoked" in page
    assert "withdrawn (the consent was revoked)" in page
    # The revocation was made by the ombud, recorded by the request context.
    assert str(ombud) in page.split("History", 1)[1]
    # The team lead oversees the case: the consents and their history are theirs to see.
    lead_page = as_user(team_lead).get(reverse("consent:detail", args=[consent.pk]))
    assert lead_page.status_code == 200
    assert b"Consent registered" in lead_page.content


def test_the_detail_page_logs_one_view_of_the_consent(as_user, ombud, mother, register, adm_school):
    consent = register(mother, [adm_school])
    as_user(ombud).get(reverse("consent:detail", args=[consent.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert rows.filter(object_type="consent.consent", object_id=consent.pk).count() == 1
    # The adult consented for themselves: the consent's row names her; nothing else is shown.
    assert rows.count() == 1


def test_the_consent_pages_of_the_team_lead_are_logged_once_with_their_basis(
    as_user, team_lead, child, mother, father, register, adm_school
):
    consent = register(child, [adm_school])
    as_user(team_lead).get(reverse("consent:detail", args=[consent.pk]))
    rows = AccessLogEntry.objects.filter(user=team_lead, action="view")
    assert [(r.object_type, r.object_id, r.basis) for r in rows.order_by("object_type", "id")] == [
        ("cases.member", min(mother.pk, father.pk), "team_lead"),
        ("cases.member", max(mother.pk, father.pk), "team_lead"),
        ("consent.consent", consent.pk, "team_lead"),
    ]


def test_a_revocation_without_reason_keeps_the_input_and_says_why(
    as_user, ombud, mother, register, adm_school, today
):
    consent = register(mother, [adm_school])
    response = as_user(ombud).post(
        reverse("consent:revoke", args=[consent.pk]),
        {"version": consent.version, "revoked_on": today.isoformat(), "how": "Brev", "reason": ""},
    )
    assert response.status_code == 200
    assert b"field--error" in response.content
    assert b'value="Brev"' in response.content
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_a_stale_revocation_shows_the_conflict(as_user, ombud, mother, register, adm_school, today):
    consent = register(mother, [adm_school])
    response = as_user(ombud).post(
        reverse("consent:revoke", args=[consent.pk]),
        {
            "version": consent.version + 1,
            "revoked_on": today.isoformat(),
            "how": "Brev",
            "reason": "Skäl",
        },
    )
    assert response.status_code == 200
    assert b"Someone else changed this consent" in response.content


def test_those_who_oversee_the_case_revoke(
    as_user, team_lead, other_team_lead, school_coordinator, mother, register, adm_school
):
    consent = register(mother, [adm_school])
    url = reverse("consent:revoke", args=[consent.pk])
    assert as_user(team_lead).get(url).status_code == 200
    assert as_user(other_team_lead).get(url).status_code == 404
    assert as_user(school_coordinator).get(url).status_code == 404


# --- Share buttons ----------------------------------------------------------------------------


def test_sharing_a_journal_entry_under_consent_and_withdrawing_it(
    as_user, ombud, family, child, mother, father, register, adm_school, school_coordinator
):
    register(child, [adm_school])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.SCHOOL)
    note.concerns.set([child])
    client = as_user(ombud)
    body = {
        "content_type": "cases.journalentry",
        "object_id": note.pk,
        "administration": adm_school.pk,
        "next": f"/samtycke/familj/{family.pk}/",
    }

    response = client.post(reverse("consent:share"), body)
    assert response.status_code == 302
    assert response["Location"] == body["next"]
    assert list(access.visible(school_coordinator, cm.JournalEntry)) == [note]

    client.post(reverse("consent:unshare"), body)
    assert not access.visible(school_coordinator, cm.JournalEntry).exists()
    assert Share.objects.get(object_id=note.pk).withdrawn_reason == "withdrawn by the family ombud"


def test_a_share_the_consent_does_not_cover_is_refused_with_the_reason(
    as_user, ombud, family, child, mother, register, adm_school
):
    register(child, [adm_school], signers=[mother])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.HEALTH)
    note.concerns.set([child])
    response = as_user(ombud).post(
        reverse("consent:share"),
        {
            "content_type": "cases.journalentry",
            "object_id": note.pk,
            "administration": adm_school.pk,
        },
        follow=True,
    )
    assert b"Not every person the record concerns has a valid consent" in response.content
    assert not Share.objects.filter(object_id=note.pk, content_type__model="journalentry").exists()


def test_share_buttons_answer_htmx_with_the_updated_controls(
    as_user, ombud, family, mother, register, adm_school
):
    register(mother, [adm_school], categories=["coordination", "social"])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.SOCIAL)
    note.concerns.set([mother])
    response = as_user(ombud).post(
        reverse("consent:share"),
        {
            "content_type": "cases.journalentry",
            "object_id": note.pk,
            "administration": adm_school.pk,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"Stop sharing with Skolan" in response.content


@pytest.mark.parametrize("label", ["auth.user", "consent.share", "nonsense", "cases.nothing"])
def test_only_guarded_records_can_be_shared(as_user, ombud, family, adm_school, label):
    response = as_user(ombud).post(
        reverse("consent:share"),
        {"content_type": label, "object_id": family.pk, "administration": adm_school.pk},
    )
    assert response.status_code == 404


def test_sharing_is_for_the_case_team(
    as_user, team_lead, colleague_not_on_team, family, adm_school
):
    body = {"content_type": "cases.family", "object_id": family.pk, "administration": adm_school.pk}
    assert as_user(team_lead).post(reverse("consent:share"), body).status_code == 403
    assert as_user(colleague_not_on_team).post(reverse("consent:share"), body).status_code == 404
    assert not Share.objects.exists()


def test_a_consent_factory_consent_lists_without_signatures(as_user, ombud, family, child):
    # Consents imported without signatures (e.g. from an older system) still list.
    ConsentFactory(subject=child, receiving=[])
    assert as_user(ombud).get(reverse("consent:family", args=[family.pk])).status_code == 200


def test_stopping_a_share_the_consent_also_wants_says_it_stays_and_why(
    as_user, ombud, family, child, mother, father, register, adm_school, school_coordinator
):
    register(child, [adm_school])
    body = {
        "content_type": "cases.family",
        "object_id": family.pk,
        "administration": adm_school.pk,
        "next": f"/samtycke/familj/{family.pk}/",
    }
    client = as_user(ombud)
    client.post(reverse("consent:share"), body)
    assert Share.objects.get(object_id=family.pk, withdrawn_at__isnull=True).reason == "manual"

    response = client.post(reverse("consent:unshare"), body, follow=True)
    assert b"it follows the consent" in response.content
    row = Share.objects.get(
        content_type__model="family", object_id=family.pk, withdrawn_at__isnull=True
    )
    assert row.reason == "default"
    assert access.visible(school_coordinator, cm.Family).filter(pk=family.pk).exists()


def test_the_share_controls_offer_withdrawal_only_for_the_ombuds_own_share(
    as_user, ombud, family, child, mother, father, register, adm_school
):
    from consent import selectors

    register(child, [adm_school])
    options = {o["administration"].pk: o for o in selectors.share_options(ombud, family)}
    assert options[adm_school.pk]["state"] == "shared"
    assert not options[adm_school.pk]["withdrawable"]
    assert options[adm_school.pk]["source"] == "Default share under the consent"

    response = as_user(ombud).post(
        reverse("consent:share"),
        {"content_type": "cases.family", "object_id": family.pk, "administration": adm_school.pk},
        HTTP_HX_REQUEST="true",
    )
    assert b"Stop sharing with Skolan" in response.content
    assert b"Shared by the family ombud" in response.content


def test_the_blank_form_page_logs_the_family_and_each_member_named_once(
    as_user, team_lead, family, child, mother
):
    response = as_user(team_lead).get(reverse("consent:blank_form", args=[family.pk]))
    assert response.status_code == 200
    rows = AccessLogEntry.objects.filter(user=team_lead, action="view")
    assert rows.filter(object_type="cases.family", object_id=family.pk).count() == 1
    assert rows.filter(object_type="cases.member", object_id=child.pk).count() == 1
    assert rows.filter(object_type="cases.member", object_id=mother.pk).count() == 1
    assert rows.count() == 3
