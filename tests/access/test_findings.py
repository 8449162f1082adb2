"""The leaks of issue 14, each as a regression test from both sides: who sees, who must not.

1. The case team was a side road around consent.
2. The project leader saw individual cases through a share to Råd & Stöd.
3. A record made after the consent was never shared; a renewed consent did not restore the
   SIP share.
4. Protected identity leaked through the register extract of someone outside the case team.
(5, reads without a log row, is tests/cases/test_access_policy.py and test_crawl_log.py;
6 is test_policy_in_one_place.py; 7, a shared administration contributing to the SIP, is
tests/sip/test_views.py.)
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from cases import services as case_services
from consent import services as consent_services
from familjelotsen import access
from familjelotsen.models import User
from sip import models as sm
from sip import services as sip_services
from tests.factories import (
    CustodianFactory,
    CustodyLinkFactory,
    FamilyFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def family(ombud, adm_school, adm_region):
    return FamilyFactory(responsible_ombud=ombud)


@pytest.fixture
def child(family):
    return MemberFactory(family=family, first_name="Maja", last_name="Berg")


@pytest.fixture
def mother(family, child):
    parent = CustodianFactory(
        family=family,
        first_name="Lena",
        last_name="Berg",
        protected_identity=True,
        personal_number="198507099805",
        mobile="0701234567",
    )
    CustodyLinkFactory(child=child, custodian=parent)
    return parent


def _register(family, by, subject, receiving, *, categories=("coordination", "school"), **kw):
    today = timezone.localdate()
    signers = list(subject.custodians.all()) if subject.is_child else [subject]
    kw.setdefault("valid_from", today - dt.timedelta(days=10))
    kw.setdefault("valid_until", today + dt.timedelta(days=300))
    if subject.is_child:
        kw.setdefault("child_maturity_note", "Tio år, har fått säga sin mening.")
    return consent_services.consent_register(
        family=family,
        subject=subject,
        registered_by=by,
        receiving=receiving,
        categories=list(categories),
        purpose="Samordning",
        signatures=[
            consent_services.SignatureInput(p, min(kw["valid_from"], today)) for p in signers
        ],
        **kw,
    )


def _sees(user, obj) -> bool:
    return access.visible(user, type(obj)).filter(pk=obj.pk).exists()


# --- 1. The case team is not a road around consent ---------------------------------------------


def test_staff_of_another_administration_cannot_join_the_case_team(
    family, ombud, school_coordinator, region_coordinator
):
    for outsider in (school_coordinator, region_coordinator):
        with pytest.raises(ValidationError) as refused:
            access.team_add(family=family, user=outsider, added_by=ombud)
        assert "consent" in str(refused.value)
        assert not cm.CaseTeamMember.objects.filter(family=family, user=outsider).exists()
        assert not _sees(outsider, family)
    assert _sees(ombud, family)


@pytest.mark.swedish
def test_the_team_page_refuses_an_outsider_with_a_swedish_reason(
    family, ombud, region_coordinator, client
):
    client.force_login(ombud)
    url = reverse("cases:team_edit", args=[family.pk])
    assert f'value="{region_coordinator.pk}"' not in client.get(url).content.decode()
    answer = client.post(url, {"user": region_coordinator.pk})
    assert answer.status_code == 200
    assert "samtycke" in " ".join(answer.context["form"].errors["user"])
    assert not cm.CaseTeamMember.objects.filter(family=family, user=region_coordinator).exists()
    client.force_login(region_coordinator)
    assert client.get(reverse("cases:family_detail", args=[family.pk])).status_code == 404


def test_a_colleague_of_the_owning_administration_joins_and_sees(
    family, ombud, colleague_not_on_team
):
    assert not _sees(colleague_not_on_team, family)
    access.team_add(family=family, user=colleague_not_on_team, added_by=ombud)
    assert _sees(colleague_not_on_team, family)


def test_revoking_the_consent_closes_the_family_to_the_other_administration(
    family, ombud, child, mother, school_coordinator, today
):
    consent = _register(family, ombud, child, [school_coordinator.administration])
    assert _sees(school_coordinator, family) and _sees(school_coordinator, child)
    consent_services.consent_revoke(
        consent=consent, by=ombud, revoked_on=today, how="oral", reason="Familjen ångrade sig"
    )
    assert not _sees(school_coordinator, family)
    assert not _sees(school_coordinator, child)
    assert _sees(ombud, family)


# --- 2. The project leader sees aggregates only ------------------------------------------------


def test_a_share_to_the_project_leaders_administration_reaches_its_case_workers_only(
    adm_soc, adm_rs, project_leader, ombud
):
    soc_ombud = UserFactory(role=User.Role.FAMILY_OMBUD, administration=adm_soc)
    family = FamilyFactory(responsible_ombud=soc_ombud)
    child = MemberFactory(family=family)
    parent = CustodianFactory(family=family)
    CustodyLinkFactory(child=child, custodian=parent)
    _register(family, soc_ombud, child, [adm_rs])

    assert _sees(ombud, family) and _sees(ombud, child)  # a case worker of Råd & Stöd
    assert not _sees(project_leader, family)
    assert not _sees(project_leader, child)


def test_the_project_leader_sees_a_case_only_when_added_to_its_team(family, ombud, project_leader):
    assert not _sees(project_leader, family)
    access.team_add(family=family, user=project_leader, added_by=ombud)
    assert _sees(project_leader, family)


# --- 3. A record made after the consent is shared at once --------------------------------------


def test_pupil_support_made_after_the_consent_reaches_the_school_at_once(
    family, ombud, child, mother, school_coordinator, region_coordinator, client
):
    _register(family, ombud, child, [school_coordinator.administration])
    support = case_services.pupil_support_save(
        member=child,
        by=ombud,
        school_administration=school_coordinator.administration,
        support_level=cm.PupilSupport.Level.EXTRA_ADAPTATIONS,
        school="Ekskolan",
        grade=4,
    )
    assert _sees(school_coordinator, support)
    assert not _sees(region_coordinator, support)
    client.force_login(school_coordinator)
    assert client.get(reverse("cases:pupil_detail", args=[support.pk])).status_code == 200
    pupils = client.get(reverse("cases:pupils")).content.decode()
    assert reverse("cases:pupil_detail", args=[support.pk]) in pupils


def test_a_renewed_consent_restores_the_sip_share_without_touching_the_plan(
    family, ombud, child, mother, region_coordinator, today
):
    region = region_coordinator.administration
    first = _register(family, ombud, child, [region])
    plan = sip_services.plan_create(
        family=family,
        member=child,
        by=ombud,
        initiator=sm.Plan.Initiator.MUNICIPALITY,
        need_noticed_on=today,
    )
    sip_services.participant_add(
        plan=plan,
        by=ombud,
        kind=sm.Participant.Kind.PROFESSIONAL,
        administration=region,
        role="Handläggare",
        name="Kim Ek",
    )
    assert _sees(region_coordinator, plan)

    consent_services.consent_revoke(
        consent=first, by=ombud, revoked_on=today, how="oral", reason="Familjen ångrade sig"
    )
    assert not _sees(region_coordinator, plan)

    _register(family, ombud, child, [region], valid_from=today)
    assert _sees(region_coordinator, plan)
    assert access.sync_access(repair=False) == {
        "missing": [],
        "unjustified": [],
        "shares": [],
        "groups": [],
    }


# --- 4. Exports show protected identity to the case team only ----------------------------------


def test_the_register_extract_masks_a_protected_member_for_the_team_lead(
    family, ombud, mother, team_lead, client
):
    url = reverse("register_extract", args=[mother.pk, "json"])
    client.force_login(team_lead)
    answer = client.get(url)
    assert answer.status_code in (200, 403)
    text = answer.content.decode()
    for secret in ("Lena", "198507099805", "0701234567", "850709"):
        assert secret not in text

    client.force_login(ombud)
    answer = client.get(url)
    assert answer.status_code == 200
    extract = json.dumps(json.loads(answer.content), ensure_ascii=False)
    assert "Lena" in extract and "0701234567" in extract


def test_the_register_extract_pdf_masks_a_protected_member_for_the_team_lead(
    family, ombud, mother, team_lead, client
):
    from pypdf import PdfReader

    url = reverse("register_extract", args=[mother.pk, "pdf"])
    client.force_login(team_lead)
    answer = client.get(url)
    if answer.status_code == 200:
        import io

        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
        for secret in ("Lena", "198507099805", "0701234567"):
            assert secret not in text
    else:
        assert answer.status_code == 403
