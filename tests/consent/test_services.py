"""Consent decides access: registering, refusing, revoking, expiring (SPEC §3.3-3.5, §4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory

from cases import models as cm
from consent import selectors, services
from consent.models import Consent, ConsentSignature, Share
from familjelotsen import access
from tests.factories import GoalFactory, JournalEntryFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- Registering ------------------------------------------------------------------------------


def test_each_custodian_consent_is_recorded_separately_for_a_child(
    register, child, mother, father, adm_school
):
    consent = register(child, [adm_school])

    signatures = consent.signatures.order_by("signer_id")
    assert [(s.signer, s.capacity) for s in signatures] == [
        (mother, ConsentSignature.Capacity.CUSTODIAN),
        (father, ConsentSignature.Capacity.CUSTODIAN),
    ]
    assert consent.custody == Consent.Custody.JOINT
    assert not consent.only_one_custodian_signed


def test_joint_custody_with_only_one_signature_is_flagged(
    register, child, mother, father, adm_school, ombud, family
):
    consent = register(child, [adm_school], signers=[mother])

    assert consent.only_one_custodian_signed
    panel = selectors.family_panel(ombud, access.get_family_for_user(_request(ombud), family.pk))
    assert [c.pk for c in panel["partial_custody"]] == [consent.pk]


def test_the_other_custodian_can_sign_later_and_the_flag_goes(
    register, child, mother, father, adm_school, ombud, today
):
    consent = register(child, [adm_school], signers=[mother])

    services.consent_signature_add(
        consent=consent, signer=father, signed_on=today, by=ombud, expected_version=1
    )

    consent.refresh_from_db()
    assert not consent.only_one_custodian_signed
    assert consent.version == 2


def test_an_adult_consents_for_themselves(register, mother, adm_school):
    consent = register(mother, [adm_school], categories=["coordination", "social"])

    assert [(s.signer, s.capacity) for s in consent.signatures.all()] == [
        (mother, ConsentSignature.Capacity.SELF)
    ]
    assert consent.custody == ""


def test_disclosing_defaults_to_the_family_owner(register, mother, adm_school, family):
    consent = register(mother, [adm_school])

    assert list(consent.disclosing.all()) == [family.owner]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_until": None}, "valid_until"),
        ({"categories": []}, "categories"),
        ({"receiving": []}, "receiving"),
        ({"valid_until_before": True}, "valid_until"),
        ({"form": "oral"}, "oral_wording"),
        ({"child_maturity_note": ""}, "child_maturity_note"),
        ({"signers": []}, "signatures"),
    ],
)
def test_an_incomplete_consent_is_refused_with_a_message_at_the_field(
    register, child, mother, adm_school, today, changes, field
):
    kwargs = dict(changes)
    receiving = kwargs.pop("receiving", [adm_school])
    categories = kwargs.pop("categories", ["coordination"])
    if kwargs.pop("valid_until_before", False):
        kwargs["valid_until"] = today - dt.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        register(child, receiving, categories=categories, **kwargs)

    assert field in error.value.message_dict
    assert not Consent.objects.exists()


def test_someone_outside_the_family_cannot_be_the_subject(register, adm_school, ombud):
    from tests.factories import MemberFactory

    stranger = MemberFactory(kind=cm.Member.Kind.CUSTODIAN)
    with pytest.raises(ValidationError) as error:
        register(stranger, [adm_school])
    assert "subject" in error.value.message_dict


def test_only_the_childs_custodians_can_consent_for_the_child(
    register, child, mother, adm_school, family
):
    from tests.factories import CustodianFactory

    uncle = CustodianFactory(family=family, kind=cm.Member.Kind.OTHER_ADULT)
    with pytest.raises(ValidationError) as error:
        register(child, [adm_school], signers=[uncle])
    assert "signatures" in error.value.message_dict


def test_an_oral_consent_records_who_took_it_and_the_wording(register, mother, adm_school, ombud):
    consent = register(
        mother, [adm_school], form="oral", oral_taken_by=ombud, oral_wording="Ja, det går bra."
    )

    assert consent.oral_taken_by == ombud
    assert consent.oral_wording == "Ja, det går bra."


def test_a_written_consent_can_be_registered_before_the_scan_arrives(
    register, mother, adm_school, ombud, family
):
    consent = register(mother, [adm_school])

    assert not consent.scan
    [row] = selectors.family_consents(ombud, family)
    assert row.scan_missing


# --- Consent drives access --------------------------------------------------------------------


def test_registering_shares_family_child_and_pupil_support_with_school(
    register, child, mother, father, pupil_support, adm_school, school_coordinator, family
):
    register(child, [adm_school])

    assert list(access.visible(school_coordinator, cm.Family)) == [family]
    assert list(access.visible(school_coordinator, cm.Member)) == [child]
    assert list(access.visible(school_coordinator, cm.PupilSupport)) == [pupil_support]


def test_a_share_without_covering_consent_is_refused(family, child, adm_school, ombud):
    with pytest.raises(access.ShareRefused):
        access.share(obj=child, administration=adm_school, shared_by=ombud)

    assert not Share.objects.exists()
    assert access.share_check(child, adm_school)


def test_a_category_not_covered_is_not_shared(
    register, child, mother, father, adm_school, ombud, family, school_coordinator
):
    register(child, [adm_school], categories=["coordination", "school"])
    health_note = JournalEntryFactory(family=family, category=cm.InfoCategory.HEALTH)
    health_note.concerns.set([child])

    with pytest.raises(access.ShareRefused):
        access.share(obj=health_note, administration=adm_school, shared_by=ombud)
    assert list(access.visible(school_coordinator, cm.JournalEntry)) == []

    school_note = JournalEntryFactory(family=family, category=cm.InfoCategory.SCHOOL)
    school_note.concerns.set([child])
    access.share(obj=school_note, administration=adm_school, shared_by=ombud)
    assert list(access.visible(school_coordinator, cm.JournalEntry)) == [school_note]


def test_a_consent_for_the_child_does_not_cover_the_parents_records(
    register, child, mother, father, adm_school, ombud, family, school_coordinator
):
    register(child, [adm_school], categories=["coordination", "school", "employment"])
    parents_goal = GoalFactory(family=family, member=mother, area=cm.OutcomeArea.PARENTS_OCCUPATION)

    assert access.share_check(mother, adm_school)
    assert access.share_check(parents_goal, adm_school)
    with pytest.raises(access.ShareRefused):
        access.share(obj=mother, administration=adm_school, shared_by=ombud)
    assert mother not in access.visible(school_coordinator, cm.Member)


def test_a_record_about_two_people_needs_both_consents(
    register, child, mother, father, adm_school, ombud, family
):
    register(child, [adm_school])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.SCHOOL)
    note.concerns.set([child, mother])

    assert access.share_check(note, adm_school)
    register(mother, [adm_school], categories=["school"])
    assert access.share_check(note, adm_school) is None


# --- Revocation and expiry --------------------------------------------------------------------


def test_revocation_removes_access_for_the_receiving_administration_at_once(
    register,
    child,
    mother,
    father,
    pupil_support,
    adm_school,
    ombud,
    family,
    school_coordinator,
    today,
):
    consent = register(child, [adm_school])
    assert access.visible(school_coordinator, cm.PupilSupport).exists()

    withdrawn = services.consent_revoke(
        consent=consent, by=ombud, revoked_on=today, how="Per telefon", reason="Vill inte längre"
    )

    assert withdrawn == 3  # family overview, child, pupil support
    for model in (cm.Family, cm.Member, cm.PupilSupport):
        assert not access.visible(school_coordinator, model).exists()
    with pytest.raises(Http404):
        access.get_family_for_user(_request(school_coordinator), family.pk)
    with pytest.raises(Http404):
        access.get_pupil_support_for_user(_request(school_coordinator), pupil_support.pk)
    # The owner keeps everything; nothing is deleted.
    assert access.get_family_for_user(_request(ombud), family.pk) == family
    assert cm.PupilSupport.objects.filter(pk=pupil_support.pk).exists()
    assert Share.objects.filter(withdrawn_at__isnull=False).count() == 3
    consent.refresh_from_db()
    assert (consent.revoked_by, consent.revoked_how) == (ombud, "Per telefon")


def test_revocation_keeps_shares_another_consent_still_covers(
    register,
    child,
    mother,
    father,
    adm_school,
    adm_region,
    ombud,
    family,
    school_coordinator,
    region_coordinator,
    today,
):
    to_school = register(child, [adm_school])
    register(child, [adm_region], categories=["coordination", "health"])

    services.consent_revoke(
        consent=to_school, by=ombud, revoked_on=today, how="Skriftligt", reason="Byter skola"
    )

    assert not access.visible(school_coordinator, cm.Member).exists()
    assert list(access.visible(region_coordinator, cm.Member)) == [child]


@pytest.mark.parametrize(
    ("how", "reason", "on_delta", "field"),
    [
        ("", "Skäl", 0, "how"),
        ("Per telefon", "", 0, "reason"),
        ("Per telefon", "Skäl", 3, "revoked_on"),
    ],
)
def test_a_revocation_needs_how_why_and_a_date_not_in_the_future(
    register, mother, adm_school, ombud, today, how, reason, on_delta, field
):
    consent = register(mother, [adm_school])
    with pytest.raises(ValidationError) as error:
        services.consent_revoke(
            consent=consent,
            by=ombud,
            revoked_on=today + dt.timedelta(days=on_delta),
            how=how,
            reason=reason,
        )
    assert field in error.value.message_dict
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_a_stale_revocation_is_refused(register, mother, adm_school, ombud, today):
    consent = register(mother, [adm_school])
    with pytest.raises(ValidationError):
        services.consent_revoke(
            consent=consent, by=ombud, revoked_on=today, how="x", reason="y", expected_version=7
        )


def test_an_expired_consent_grants_nothing_even_before_the_command_runs(
    register,
    child,
    mother,
    father,
    pupil_support,
    adm_school,
    ombud,
    family,
    school_coordinator,
    today,
):
    register(child, [adm_school], valid_until=today + dt.timedelta(days=5))
    assert access.visible(school_coordinator, cm.PupilSupport).exists()

    with time_machine.travel(today + dt.timedelta(days=6), tick=False):
        for model in (cm.Family, cm.Member, cm.PupilSupport):
            assert not access.visible(school_coordinator, model).exists()
        with pytest.raises(Http404):
            access.get_family_for_user(_request(school_coordinator), family.pk)
        assert access.get_family_for_user(_request(ombud), family.pk) == family
    # The share rows are still there: only the command withdraws them.
    assert Share.objects.filter(withdrawn_at__isnull=True).count() == 3


def test_expire_consents_withdraws_the_shares_of_expired_consents(
    register, child, mother, father, pupil_support, adm_school, today
):
    register(child, [adm_school], valid_until=today + dt.timedelta(days=5))
    lasting = register(mother, [adm_school], categories=["coordination"])

    with time_machine.travel(today + dt.timedelta(days=6), tick=False):
        call_command("expire_consents")

    active = Share.objects.filter(withdrawn_at__isnull=True)
    # The mother's own consent still covers her and the family overview.
    assert {(s.content_type.model, s.object_id) for s in active} == {
        ("family", child.family_id),
        ("member", mother.pk),
    }
    assert set(active.values_list("consents", flat=True)) == {lasting.pk}
    withdrawn = Share.objects.filter(withdrawn_at__isnull=False)
    assert {s.withdrawn_reason for s in withdrawn} == {"consent expired"}
    assert not cm.PupilSupportGroupObjectPermission.objects.exists()


def test_expire_consents_with_nothing_due_changes_nothing(register, mother, adm_school):
    register(mother, [adm_school])
    assert services.consent_expire_due() == 0
    assert Share.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_a_consent_registered_in_advance_starts_sharing_on_its_first_day(
    register, mother, adm_school, school_coordinator, today
):
    register(
        mother,
        [adm_school],
        valid_from=today + dt.timedelta(days=3),
        valid_until=today + dt.timedelta(days=100),
    )
    assert not Share.objects.exists()

    with time_machine.travel(today + dt.timedelta(days=3), tick=False):
        call_command("expire_consents")
        assert list(access.visible(school_coordinator, cm.Member)) == [mother]


def test_a_consent_starting_later_restores_the_ombuds_explicit_share_too(
    register, family, mother, adm_school, school_coordinator, ombud, today
):
    # Derived, not accumulated: when the new consent begins, every source it covers comes
    # back, the ombud's explicit share of a journal entry included.
    first = register(mother, [adm_school], categories=["coordination", "social"])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.SOCIAL)
    note.concerns.set([mother])
    access.share(obj=note, administration=adm_school, shared_by=ombud)
    services.consent_revoke(
        consent=first, by=ombud, revoked_on=today, how="Per telefon", reason="Vill vänta"
    )
    assert not access.visible(school_coordinator, cm.JournalEntry).exists()
    register(
        mother,
        [adm_school],
        categories=["coordination", "social"],
        valid_from=today + dt.timedelta(days=2),
        valid_until=today + dt.timedelta(days=100),
    )

    with time_machine.travel(today + dt.timedelta(days=2), tick=False):
        assert services.consent_start_due() == 1
        assert list(access.visible(school_coordinator, cm.JournalEntry)) == [note]
        row = Share.objects.get(content_type__model="journalentry", withdrawn_at__isnull=True)
        assert row.reason == Share.Reason.MANUAL
        assert not access.family_drift(family)[0]


# --- History ----------------------------------------------------------------------------------


def test_history_rows_exist_after_a_change(register, mother, adm_school, ombud, today):
    import pghistory

    consent = register(mother, [adm_school])
    with pghistory.context(user=ombud.pk):
        services.consent_revoke(
            consent=consent, by=ombud, revoked_on=today, how="Per telefon", reason="Flyttar"
        )

    events = consent.events.order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events.last().revoked_on == today
    assert events.last().pgh_context.metadata["user"] == ombud.pk
    history = selectors.consent_history(ombud, consent)
    whats = [str(row["what"]) for row in history]
    assert "Consent revoked" in whats
    assert "Consent registered" in whats
    assert any("withdrawn" in w for w in whats)


def test_history_rows_cannot_be_rewritten(register, mother, adm_school):
    from django.db import connection, transaction

    consent = register(mother, [adm_school])
    event = consent.events.get()
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute(
            f'UPDATE "{event._meta.db_table}" SET purpose = %s WHERE pgh_id = %s',
            ["ändrat", event.pk],
        )
