"""WCAG 2.1 AA with axe-core (bundled with axe-playwright-python, no CDN) on the main pages of
every role, error states included; and no page loads anything from another origin."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from familjelotsen import access
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    JournalEntryFactory,
    MemberFactory,
    PupilSupportFactory,
)

pytestmark = pytest.mark.e2e
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def _check(session, path, *, prepare=None):
    page = session.page
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.url.startswith(session.base_url)
            or r.url.startswith(("data:", "blob:"))
            or foreign.append(r.url)
        ),
    )
    page.goto(path)
    if prepare:
        prepare(page)
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    assert results.violations_count == 0, f"{path}\n{results.generate_report()}"
    assert not foreign, f"{path} loaded from another origin: {foreign}"


@pytest.fixture
def world(ombud, adm_school):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family, first_name="Lena")
    support = PupilSupportFactory(member=child, owner=adm_school)
    entry = JournalEntryFactory(family=family, facts="Hembesök.")
    entry.concerns.set([child])
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    return {
        "family": family,
        "child": child,
        "support": support,
        "entry": entry,
        "consent": consent,
    }


def test_the_login_page_is_accessible(browser, live_server, transactional_db):
    from tests.e2e.conftest import Session

    class Anonymous(Session):
        def login(self):
            return self.page

    anon = Anonymous(browser, live_server.url, None)
    _check(anon, "/konto/login/")

    def wrong_password(page):
        page.fill("input[name=login]", "nobody")
        page.fill("input[name=password]", "fel")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()

    _check(anon, "/konto/login/", prepare=wrong_password)
    anon.close()


def test_the_ombuds_pages_are_accessible(session_for, ombud, world):
    s = session_for(ombud, viewport={"width": 768, "height": 1024})
    f = world["family"].pk
    for path in [
        "/familjer/",
        f"/familjer/{f}/",
        f"/familjer/{f}/journal/ny/",
        f"/familjer/journal/{world['entry'].pk}/",
        f"/familjer/{f}/medlemmar/ny/",
        f"/familjer/{f}/besok/",
        f"/familjer/{f}/mal/",
        f"/familjer/{f}/kriterier/",
        f"/samtycke/familj/{f}/",
        f"/samtycke/{world['consent'].pk}/",
        f"/sip/familj/{f}/",
        f"/natverk/familj/{f}/",
        "/familjer/ny/",
        "/familjer/finns-inte/",
    ]:
        _check(s, path)

    def submit_empty(page):
        page.fill("#id_place", "")
        page.fill("#id_starts_at", "")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()

    _check(s, f"/familjer/{f}/besok/", prepare=submit_empty)


def test_the_team_leads_pages_are_accessible(session_for, team_lead, world):
    s = session_for(team_lead)
    for path in [
        "/familjer/vantelista/",
        "/familjer/",
        "/loggkontroll/",
        f"/familjer/{world['family'].pk}/",
        f"/familjer/{world['family'].pk}/team/",
    ]:
        _check(s, path)


def test_the_school_coordinators_pages_are_accessible(session_for, school_coordinator, world):
    s = session_for(school_coordinator)
    _check(s, "/familjer/elever/")
    _check(s, f"/familjer/elever/{world['support'].pk}/")

    def bad_review(page):
        page.fill("#id_reviewed_on", "inte ett datum")
        page.locator("button[name=add_review]").click()
        page.wait_for_load_state()

    _check(s, f"/familjer/elever/{world['support'].pk}/", prepare=bad_review)


def test_the_coordinators_and_project_leaders_pages_are_accessible(
    session_for, region_coordinator, project_leader, world
):
    _check(session_for(region_coordinator), "/familjer/delat/")
    leader = session_for(project_leader)
    for path in ["/rapporter/", "/rapporter/ny/", "/rapporter/arkiv/"]:
        _check(leader, path)
    # The preview of a draft (issue 19: tiles, collapsed comment boxes, the sticky bar).
    from tests.factories import ReportFactory

    _check(leader, f"/rapporter/{ReportFactory(created_by=project_leader).pk}/")
    assert timezone.now()


# --- Every form's error state (issue 18) -------------------------------------------------------

# Empties the page's main form (the one with the most fields), turns off the browser's own
# checks, and sends it with its primary button: the server's error state is what is tested.
_SUBMIT_EMPTY = """() => {
  const forms = [...document.querySelectorAll("main form")];
  const form = forms.sort((a, b) => b.elements.length - a.elements.length)[0];
  if (!form) { return false; }
  for (const el of form.elements) {
    if (["hidden", "submit", "button", "file"].includes(el.type)) { continue; }
    if (el.type === "checkbox" || el.type === "radio") { el.checked = false; continue; }
    if (el.tagName === "SELECT") {
      if ([...el.options].some((o) => o.value === "")) { el.value = ""; }
      continue;
    }
    el.value = "";
  }
  form.noValidate = true;
  form.requestSubmit(
    form.querySelector("button.button--primary[type=submit], button[type=submit]")
  );
  return true;
}"""


def _error_state(session, path) -> str | None:
    """The page's form sent empty, then axe on the page that comes back with its errors.
    Returns what is wrong, or None."""
    page = session.page
    page.goto(path)
    if page.locator("main form").count() == 0:
        return f"{path}: no form on the page"
    with page.expect_navigation():
        page.evaluate(_SUBMIT_EMPTY)
    page.wait_for_load_state()
    if page.locator("[data-error-summary], .field--error").count() == 0:
        return f"{path}: no error shown after an empty submit"
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    if results.violations_count:
        return f"{path}\n{results.generate_report()}"
    return None


@pytest.fixture
def form_world(ombud, team_lead, adm_school, adm_region):
    from tests.factories import (
        GoalFactory,
        NetworkMeetingFactory,
        NetworkParticipantFactory,
        NetworkProcessFactory,
        PlanFactory,
        SipInterventionFactory,
        UserFactory,
    )

    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja")
    CustodianFactory(family=family, first_name="Lena")
    support = PupilSupportFactory(member=child, owner=adm_school)
    consent = ConsentFactory(subject=child, receiving=[adm_school, adm_region])
    access.apply_default_shares(consent=consent, by=ombud)
    plan = PlanFactory(member=child)
    SipInterventionFactory(plan=plan, responsible_administration=adm_region)
    process = NetworkProcessFactory(member=child)
    NetworkParticipantFactory(process=process)
    meeting = NetworkMeetingFactory(process=process)
    waiting = FamilyFactory(status="request", responsible_ombud=None, owner=ombud.administration)
    UserFactory(administration=ombud.administration, role=ombud.role, username="tar_over")
    return {
        "f": family.pk,
        "child": child.pk,
        "support": support.pk,
        "goal": GoalFactory(family=family).pk,
        "consent": consent.pk,
        "plan": plan.pk,
        "process": process.pk,
        "meeting": meeting.pk,
        "waiting": waiting.pk,
        "leaving": ombud.pk,
    }


# Each persona's forms (their own pages), sent empty.
FORMS = {
    "ombud": [
        "/familjer/{f}/andra/",
        "/familjer/{f}/kriterier/",
        "/familjer/{f}/medlemmar/ny/",
        "/familjer/medlem/{child}/",
        "/familjer/{f}/journal/ny/",
        "/familjer/{f}/besok/",
        "/familjer/{f}/mal/",
        "/familjer/mal/{goal}/uppfoljning/",
        "/familjer/{f}/kasam/",
        "/familjer/{f}/hinder/",
        "/familjer/{f}/tid/",
        "/familjer/medlem/{child}/orosanmalan/",
        "/samtycke/familj/{f}/ny/{child}/",
        "/samtycke/familj/{f}/blankett/",
        "/samtycke/{consent}/aterkalla/",
        "/sip/familj/{f}/ny/",
        "/sip/{plan}/andra/",
        "/sip/{plan}/deltagare/ny/",
        "/sip/{plan}/behov/ny/",
        "/sip/{plan}/insatser/ny/",
        "/sip/{plan}/andra-aktorer/ny/",
        "/sip/{plan}/moten/ny/",
        "/sip/{plan}/uppfoljning/ny/",
        "/sip/{plan}/utskick/ny/",
        "/natverk/familj/{f}/ny/",
        "/natverk/{process}/andra/",
        "/natverk/{process}/avsluta/",
        "/natverk/{process}/natverket/ny/",
        "/natverk/{process}/moten/ny/",
        "/natverk/{process}/moten/{meeting}/atgarder/ny/",
        "/natverk/{process}/behovsinventering/ny/",
        "/natverk/{process}/tid/ny/",
    ],
    "team_lead": [
        "/familjer/ny/",
        "/familjer/overlamning/{leaving}/",
    ],
    "school_coordinator": [
        "/familjer/elever/{support}/",
    ],
    "project_leader": [
        "/rapporter/ny/",
        "/rapporter/kostnadsnyckel/",
    ],
    "sysadmin": [
        "/administration/anvandare/ny/",
        "/administration/forvaltningar/ny/",
        "/administration/referensdata/lagrum/ny/",
        "/administration/referensdata/gallring/ny/",
        "/administration/referensdata/kostnadsnyckel/",
    ],
}


@pytest.mark.parametrize("who", list(FORMS))
def test_every_forms_error_state_is_accessible(who, session_for, form_world, request):
    s = session_for(request.getfixturevalue(who), viewport={"width": 768, "height": 1024})
    problems = []
    for path in FORMS[who]:
        problem = _error_state(s, path.format(**form_world))
        if problem:
            problems.append(problem)
    assert not problems, "\n\n".join(problems)
