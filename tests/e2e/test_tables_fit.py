"""Tables that fit at 768 px (issue 18): the waiting list, a SIP's interventions and the access
log review stack into one card per row on a tablet; nothing runs off the right edge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases import models as cm
from tests.factories import (
    FamilyFactory,
    MemberFactory,
    PlanFactory,
    SipInterventionFactory,
)

pytestmark = pytest.mark.e2e
TABLET = {"width": 768, "height": 1024}


def _nothing_overflows(page, path):
    page.goto(path)
    page.wait_for_load_state()
    wide = page.evaluate(
        """() => {
          const out = [];
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push("page");
          document.querySelectorAll("table").forEach((t, i) => {
            const wrap = t.parentElement;
            if (t.scrollWidth > wrap.clientWidth + 1) out.push("table " + i);
          });
          return out;
        }"""
    )
    assert not wide, f"{path}: wider than the screen: {wide}"
    assert page.locator("table.stack td[data-label]").count() > 0, path


def test_the_lead_and_the_ombud_see_tables_that_fit_a_tablet(
    session_for, team_lead, ombud, adm_rs, adm_region, adm_school
):
    for n in range(3):
        family = FamilyFactory(
            responsible_ombud=None,
            owner=adm_rs,
            requesting_administration=adm_rs,
            status=cm.Family.Status.REQUEST,
            start_date=None,
            request_date=timezone.localdate() - dt.timedelta(days=n),
        )
        MemberFactory(family=family)
    mine = FamilyFactory(responsible_ombud=ombud)
    plan = PlanFactory(member=MemberFactory(family=mine), status="prepared")
    SipInterventionFactory(
        plan=plan,
        description="Utredning och behandling på BUP med en lång beskrivning av insatsen",
        responsible_administration=adm_region,
    )
    SipInterventionFactory(
        plan=plan, description="Stöd i matematik", responsible_administration=adm_school
    )

    lead = session_for(team_lead, viewport=TABLET).page
    _nothing_overflows(lead, "/familjer/vantelista/")
    _nothing_overflows(lead, "/loggkontroll/")
    _nothing_overflows(session_for(ombud, viewport=TABLET).page, f"/sip/{plan.pk}/")


def _fits(page, path):
    """No table of the page (and not the page) is wider than the screen."""
    page.goto(path)
    page.wait_for_load_state()
    wide = page.evaluate(
        """() => {
          const out = [];
          if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push("page");
          document.querySelectorAll("table").forEach((t, i) => {
            if (t.scrollWidth > t.parentElement.clientWidth + 1) {
              out.push("table " + i + " " + ((t.caption || {}).textContent || "").trim());
            }
          });
          return out;
        }"""
    )
    return [f"{path}: wider than the screen: {wide}"] if wide else []


def test_every_other_table_fits_a_tablet(
    session_for, ombud, team_lead, project_leader, sysadmin, adm_region, adm_school
):
    from tests.factories import (
        ConsentFactory,
        CustodianFactory,
        NetworkMeetingFactory,
        NetworkProcessFactory,
    )

    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family)
    consent = ConsentFactory(subject=child, receiving=[adm_school, adm_region])
    plan = PlanFactory(member=child, status="prepared")
    SipInterventionFactory(
        plan=plan,
        description="Utredning och behandling på BUP med en lång beskrivning av insatsen",
        responsible_administration=adm_region,
    )
    process = NetworkProcessFactory(member=child)
    meeting = NetworkMeetingFactory(process=process)
    f = family.pk
    pages = {
        ombud: [
            "/familjer/",
            f"/familjer/{f}/",
            f"/familjer/{f}/historik/",
            f"/familjer/{f}/sms/",
            f"/samtycke/familj/{f}/",
            f"/samtycke/{consent.pk}/",
            f"/sip/familj/{f}/",
            f"/natverk/familj/{f}/",
            f"/natverk/{process.pk}/",
            f"/natverk/{process.pk}/moten/{meeting.pk}/",
        ],
        team_lead: ["/familjer/overlamning/", "/familjer/sms/misslyckade/"],
        project_leader: ["/rapporter/", "/rapporter/arkiv/", "/rapporter/kostnadsnyckel/"],
        sysadmin: [
            "/administration/",
            "/administration/anvandare/",
            "/administration/forvaltningar/",
            "/administration/referensdata/",
            "/administration/historik/",
        ],
    }
    problems = []
    for user, paths in pages.items():
        page = session_for(user, viewport=TABLET).page
        for path in paths:
            problems += _fits(page, path)
    assert not problems, "\n".join(problems)
