"""Retention of requests that never became a case (declined, withdrawn, never sent): they hold
the child's and custodians' personnummer, free text and the signed consent form's scan, but no
family. The rule's years run from the decision (or last change); then the request is deleted
with its people, its scan and its history. An accepted request is its family's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import models as cm
from privacy import retention
from referrals.models import Referral, ReferralPerson
from tests.factories import FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db
PNR = "201504031236"


def _request(ombud, *, status, decided: dt.datetime | None, family=None, about="Raderasson"):
    referrer = UserFactory(role="referrer", administration=ombud.administration)
    referral = Referral(
        status=status,
        referrer=referrer,
        administration=referrer.administration,
        team=ombud.administration,
        about=about,
        family=family,
        sent_at=decided,
        decided_at=decided,
        decided_by=ombud if decided else None,
        decline_reason="Inte för teamet." if status == Referral.Status.DECLINED else "",
    )
    referral.scan.save("blankett.pdf", ContentFile(b"%PDF-1.4 Raderasson"), save=False)
    referral.save()
    ReferralPerson.objects.create(
        referral=referral, kind="child", first_name="Raderas", personal_number=PNR
    )
    return referral


def _texts_with(needle: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM referrals_referralperson WHERE personal_number = %s", [needle]
        )
        people = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM referrals_referralpersonevent WHERE personal_number = %s",
            [needle],
        )
        history = cursor.fetchone()[0]
    return people + history


def test_an_old_declined_request_is_deleted_with_its_scan_and_history(ombud, time_machine):
    long_ago = timezone.make_aware(dt.datetime(2024, 2, 1, 10))
    old = _request(ombud, status=Referral.Status.DECLINED, decided=long_ago)
    recent = _request(ombud, status=Referral.Status.DRAFT, decided=None, about="Nyligen")
    family = FamilyFactory(responsible_ombud=ombud)
    accepted = _request(ombud, status=Referral.Status.ACCEPTED, decided=long_ago, family=family)
    old_scan = old.scan.name
    old_people = list(ReferralPerson.objects.filter(referral=old).values_list("pk", flat=True))
    time_machine.move_to(dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC))

    listed = retention.apply_requests(dry_run=True)
    assert [c.referral.pk for c in listed] == [old.pk]  # a dry run changes nothing
    assert Referral.objects.filter(pk=old.pk).exists()

    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert f"request {old.pk}" in out.getvalue() and PNR not in out.getvalue()
    assert not Referral.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old_scan)
    # The old request's people and their history are gone; the accepted request (its
    # family's, under the family's rule) and the recently withdrawn one stay.
    assert _texts_with(PNR) > 0
    assert not ReferralPerson.objects.filter(referral_id=old.pk).exists()
    person_history = ReferralPerson.pgh_event_model.objects.filter(pgh_obj_id__in=old_people)
    assert old_people and not person_history.exists()
    assert not Referral.pgh_event_model.objects.filter(pgh_obj_id=old.pk).exists()
    assert Referral.objects.filter(pk__in=[recent.pk, accepted.pk]).count() == 2
    log = cm.RetentionLogEntry.objects.get(family_reference=f"request {old.pk}")
    assert log.action == "deleted" and "Raderasson" not in str(log.counts)
    # Nothing more is due.
    assert retention.apply_requests(dry_run=True) == []


def test_without_an_active_rule_no_request_is_deleted(ombud, time_machine):
    old = _request(
        ombud,
        status=Referral.Status.DECLINED,
        decided=timezone.make_aware(dt.datetime(2020, 2, 1, 10)),
    )
    cm.RetentionRule.objects.update(active=False)
    time_machine.move_to(dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC))
    assert retention.apply_requests(dry_run=False) == []
    assert Referral.objects.filter(pk=old.pk).exists()
