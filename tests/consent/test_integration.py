"""What the lead's pages include: the family panel, the share buttons, "expiring soon"; and
the demo consents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from cases import models as cm
from consent import demo, selectors, services
from consent.models import Consent, Share
from familjelotsen import access
from tests.factories import (
    CustodianFactory,
    CustodyLinkFactory,
    FamilyFactory,
    JournalEntryFactory,
    MemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _family_for(user, family):
    request = RequestFactory().get("/")
    request.user = user
    return access.get_family_for_user(request, family.pk)


def _render(template, context, user):
    request = RequestFactory().get("/familjer/1/")
    request.user = user
    with translation.override("en"):
        return render_to_string(template, context, request=request)


# --- Family panel -----------------------------------------------------------------------------


def test_the_family_panel_shows_which_administration_sees_what_under_which_consent(
    ombud, family, child, mother, father, pupil_support, register, adm_school, adm_region
):
    to_school = register(child, [adm_school])
    register(mother, [adm_region], categories=["coordination", "social"])

    panel = selectors.family_panel(ombud, _family_for(ombud, family))

    assert {c.status for c in panel["consents"]} == {"active"}
    seen = {
        entry["administration"].name: {
            (item["share"].content_type.model, tuple(c.pk for c in item["consents"]))
            for item in entry["shares"]
        }
        for entry in panel["administrations"]
    }
    assert seen["Skolan"] == {
        ("family", (to_school.pk,)),
        ("member", (to_school.pk,)),
        ("pupilsupport", (to_school.pk,)),
    }
    assert {model for model, _ in seen["Regionen"]} == {"family", "member"}
    html = _render("consent/_family_panel.html", {"consent_panel": panel}, ombud)
    assert "Pupil support for Maja Berg" in html
    assert "Skolan" in html and "Regionen" in html


def test_staff_who_see_the_family_through_a_share_see_only_their_own_part_of_the_panel(
    school_coordinator, family, child, mother, father, register, adm_school, adm_region
):
    register(child, [adm_school, adm_region])

    panel = selectors.family_panel(school_coordinator, _family_for(school_coordinator, family))

    assert panel["consents"] == []
    assert [e["administration"].name for e in panel["administrations"]] == ["Skolan"]
    html = _render("consent/_family_panel.html", {"consent_panel": panel}, school_coordinator)
    assert "Regionen" not in html


def test_the_panel_flags_revoked_and_partial_consents(
    ombud, family, child, mother, father, register, adm_school, today
):
    revoked = register(mother, [adm_school])
    services.consent_revoke(consent=revoked, by=ombud, revoked_on=today, how="Brev", reason="Nej")
    partial = register(child, [adm_school], signers=[father])

    panel = selectors.family_panel(ombud, _family_for(ombud, family))

    statuses = {c.pk: c.status for c in panel["consents"]}
    assert statuses == {revoked.pk: "revoked", partial.pk: "active"}
    assert [c.pk for c in panel["partial_custody"]] == [partial.pk]
    html = _render("consent/_family_panel.html", {"consent_panel": panel}, ombud)
    assert "Joint custody: only one custodian signed" in html
    assert "Revoked" in html


def test_the_family_panel_runs_a_fixed_number_of_queries(
    ombud,
    family,
    child,
    mother,
    father,
    pupil_support,
    register,
    adm_school,
    adm_region,
    django_assert_max_num_queries,
):
    register(child, [adm_school, adm_region])
    register(mother, [adm_school, adm_region], categories=["coordination"])
    family = _family_for(ombud, family)

    # consents (+ receiving), shares (+ their consents), one query per kind of shared record
    # (family needs none; members; pupil support)
    with django_assert_max_num_queries(8):
        selectors.family_panel(ombud, family)


# --- Share buttons ----------------------------------------------------------------------------


def test_share_options_say_shared_can_share_or_why_not(
    ombud, family, child, mother, father, register, adm_school, adm_region, adm_soc
):
    register(child, [adm_school, adm_region], categories=["coordination", "school"])
    note = JournalEntryFactory(family=family, category=cm.InfoCategory.SCHOOL)
    note.concerns.set([child])
    access.share(obj=note, administration=adm_school, shared_by=ombud)

    options = {o["administration"].name: o for o in selectors.share_options(ombud, note)}

    assert options["Skolan"]["state"] == "shared"
    assert options["Regionen"]["state"] == "can_share"
    assert options["Socialtjänsten"]["state"] == "cannot_share"
    assert "Socialtjänsten" in options["Socialtjänsten"]["reason"]
    assert "Råd & Stöd" not in options  # the owner holds the case already
    html = _render(
        "consent/_share_controls.html",
        {"obj": note, "share_options": list(options.values())},
        ombud,
    )
    assert "Stop sharing with Skolan" in html
    assert "Share with Regionen" in html
    assert "disabled" in html


# --- Expiring soon ----------------------------------------------------------------------------


def test_expiring_soon_lists_the_ombuds_consents_ending_within_30_days(
    ombud, colleague_not_on_team, family, child, mother, father, register, adm_school, today
):
    soon = register(mother, [adm_school], valid_until=today + dt.timedelta(days=20))
    register(child, [adm_school], valid_until=today + dt.timedelta(days=200))
    later_family = FamilyFactory(responsible_ombud=colleague_not_on_team)
    other = MemberFactory(family=later_family, kind=cm.Member.Kind.CUSTODIAN)
    services.consent_register(
        family=later_family,
        subject=other,
        registered_by=colleague_not_on_team,
        receiving=[adm_school],
        categories=["coordination"],
        purpose="x",
        valid_from=today,
        valid_until=today + dt.timedelta(days=5),
        signatures=[services.SignatureInput(other, today)],
    )

    expiring = selectors.expiring_soon(ombud)

    assert [c.pk for c in expiring] == [soon.pk]
    assert expiring[0].days_left == 20
    html = _render("consent/_expiring.html", {"expiring_consents": expiring}, ombud)
    assert "20 days left" in html and "Lena Berg" in html


def test_a_renewed_consent_is_not_flagged_as_expiring(ombud, mother, register, adm_school, today):
    register(mother, [adm_school], valid_until=today + dt.timedelta(days=10))
    register(mother, [adm_school], valid_until=today + dt.timedelta(days=400))
    assert selectors.expiring_soon(ombud) == []


def test_the_team_lead_not_on_the_team_gets_no_expiring_list(
    team_lead, mother, register, adm_school, today
):
    register(mother, [adm_school], valid_until=today + dt.timedelta(days=10))
    assert selectors.expiring_soon(team_lead) == []


# --- Demo -------------------------------------------------------------------------------------


def _demo_family(key, ombud, children=1, custodians=2):
    family = FamilyFactory(responsible_ombud=ombud)
    kids = [MemberFactory(family=family, first_name=f"{key}-barn{i}") for i in range(children)]
    for i in range(custodians):
        parent = CustodianFactory(family=family, first_name=f"{key}-vh{i}")
        for kid in kids:
            CustodyLinkFactory(child=kid, custodian=parent)
    return family


@pytest.fixture
def demo_base(ombud, adm_rs, adm_soc, adm_school, adm_region):
    ombud2 = UserFactory(username="p_ombud2", administration=adm_soc)
    families = {
        "berg": _demo_family("berg", ombud, children=2),
        "lind": _demo_family("lind", ombud, custodians=1),
        "holm": _demo_family("holm", ombud),
        "strand": _demo_family("strand", ombud2, custodians=1),
        "ek": _demo_family("ek", ombud),
        "sjo": _demo_family("sjo", ombud),
    }
    return {
        "families": families,
        "users": {"ombud": ombud, "ombud2": ombud2},
        "administrations": {a.name: a for a in (adm_rs, adm_soc, adm_school, adm_region)},
    }


def test_the_demo_makes_the_consent_situations_and_is_idempotent(demo_base, today):
    demo.seed(demo_base)
    demo.seed(demo_base)

    f = demo_base["families"]
    assert f["berg"].consents.count() == 4  # two children, two custodians
    assert all(c.signatures.count() == 2 for c in f["berg"].consents.filter(custody="joint"))
    assert f["lind"].consents.get().receiving.get().name == "Skolan"
    assert not f["holm"].consents.exists()
    strand = f["strand"].consents.get()
    assert strand.revoked_on is not None and strand.revoke_reason
    assert not Share.objects.filter(family=f["strand"], withdrawn_at__isnull=True).exists()
    assert f["ek"].consents.get().valid_until == today + dt.timedelta(days=20)
    assert f["sjo"].consents.get().only_one_custodian_signed
    assert Consent.objects.count() == 8


def test_the_demo_skips_missing_families(demo_base):
    demo_base["families"] = {"lind": demo_base["families"]["lind"]}
    demo.seed(demo_base)
    assert Consent.objects.count() == 1
    assert demo.seed({}) == {}
