from __future__ import annotations

import pytest

from familjelotsen import access
from tests.factories import ConsentFactory, FamilyFactory, MemberFactory, PupilSupportFactory

pytestmark = pytest.mark.django_db


def test_share_under_consent_makes_pupil_visible_to_school_and_revocation_removes_it(
    ombud, school_coordinator, adm_school, colleague_not_on_team
):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    support = PupilSupportFactory(member=child, owner=adm_school)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)

    assert list(access.visible(school_coordinator, type(family))) == [family]
    assert list(access.visible(school_coordinator, type(support))) == [support]
    assert list(access.visible(colleague_not_on_team, type(family))) == []
    assert list(access.visible(ombud, type(family))) == [family]

    from django.utils import timezone

    consent.revoked_on = timezone.localdate()
    consent.revoked_by = ombud
    consent.revoke_reason = "Familjen återkallade"
    consent.save()
    access.reconcile_shares(family_id=family.pk)
    assert list(access.visible(school_coordinator, type(support))) == []
    assert list(access.visible(school_coordinator, type(family))) == []
