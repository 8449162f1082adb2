"""Journey 2 (SPEC §5.2): the school coordinator reviews pupil support for exactly the pupils
whose families consented, records a pupil-health-team review, sees the SIP interventions
school is responsible for, and loses the pupil the moment the consent is revoked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import models as cm
from familjelotsen import access
from tests.factories import (
    ConsentFactory,
    FamilyFactory,
    MemberFactory,
    PlanFactory,
    PupilSupportFactory,
    SipInterventionFactory,
)

pytestmark = pytest.mark.e2e


def test_the_school_coordinator_sees_exactly_the_consented_pupils(
    session_for, ombud, school_coordinator, adm_school
):
    shared_family = FamilyFactory(responsible_ombud=ombud)
    maja = MemberFactory(family=shared_family, first_name="Maja", last_name="Berg")
    support = PupilSupportFactory(member=maja, owner=adm_school, school="Exempelskolan")
    consent = ConsentFactory(subject=maja, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    plan = PlanFactory(
        member=maja,
        status="agreed",
        overall_responsible=adm_school,
        next_follow_up_on=timezone.localdate() + dt.timedelta(days=30),
        consent=consent,
    )
    SipInterventionFactory(
        plan=plan, description="Anpassad skoldag med resurs", responsible_administration=adm_school
    )
    access.share(obj=plan, administration=adm_school, shared_by=ombud)
    other_family = FamilyFactory(responsible_ombud=ombud)
    otto = MemberFactory(family=other_family, first_name="Otto", last_name="Lind")
    PupilSupportFactory(member=otto, owner=adm_school)

    school = session_for(school_coordinator)
    page = school.page
    page.goto("/familjer/elever/")
    table = page.locator("main table").first.inner_text()
    assert "Maja Berg" in table
    assert "Otto" not in page.content()
    assert "Anpassad skoldag med resurs" in page.content()

    page.get_by_role("link", name="Maja Berg").click()
    page.fill("#id_reviewed_on", timezone.localdate().isoformat())
    page.fill("#id_decision", "Särskilt stöd utreds, åtgärdsprogram påbörjas.")
    page.fill("#id_responsible", "Rektor")
    page.locator("button[name=add_review]").click()
    page.wait_for_load_state()
    assert "Särskilt stöd utreds" in page.content()
    assert support.reviews.get().responsible == "Rektor"
    pupil_url = page.url

    ombud_session = session_for(ombud)
    o = ombud_session.page
    o.goto(f"/samtycke/{consent.pk}/aterkalla/")
    o.fill("#id_revoked_on", timezone.localdate().isoformat())
    o.fill("#id_how", "Per telefon till familjeombudet")
    o.fill("#id_reason", "Familjen vill inte längre dela med skolan.")
    o.locator("main form button[type=submit]").last.click()
    o.wait_for_load_state()
    consent.refresh_from_db()
    assert consent.revoked_on == timezone.localdate()

    page.goto("/familjer/elever/")
    assert "Maja" not in page.content()
    assert "Anpassad skoldag med resurs" not in page.content()
    assert not school.console_errors, school.console_errors
    response = page.goto(pupil_url)
    assert response.status == 404
    assert support.pk in set(access.visible(ombud, cm.PupilSupport).values_list("pk", flat=True))
