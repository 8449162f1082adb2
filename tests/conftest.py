"""Named personas for every role (DESIGN.md "Tests"), shared by all test modules."""

from __future__ import annotations

import pytest

from familjelotsen.models import Administration, User
from tests.factories import AdministrationFactory, UserFactory

Kind = Administration.Kind
Role = User.Role


@pytest.fixture
def adm_rs(db):
    return AdministrationFactory(name="Råd & Stöd", kind=Kind.DISABILITY_SERVICES)


@pytest.fixture
def adm_soc(db):
    return AdministrationFactory(name="Socialtjänsten", kind=Kind.SOCIAL_SERVICES)


@pytest.fixture
def adm_school(db):
    return AdministrationFactory(name="Skolan", kind=Kind.SCHOOL)


@pytest.fixture
def adm_region(db):
    return AdministrationFactory(name="Regionen", kind=Kind.HEALTH_REGION)


@pytest.fixture
def ombud(adm_rs):
    """The family ombud, responsible for the family in the case tests."""
    return UserFactory(username="p_ombud", role=Role.FAMILY_OMBUD, administration=adm_rs)


@pytest.fixture
def colleague_on_team(adm_rs):
    return UserFactory(username="p_colleague", role=Role.FAMILY_OMBUD, administration=adm_rs)


@pytest.fixture
def colleague_not_on_team(adm_rs):
    """Same administration, not on the case team: employment alone grants nothing."""
    return UserFactory(username="p_outsider", role=Role.FAMILY_OMBUD, administration=adm_rs)


@pytest.fixture
def team_lead(adm_rs):
    return UserFactory(username="p_lead", role=Role.TEAM_LEAD, administration=adm_rs)


@pytest.fixture
def other_team_lead(adm_soc):
    """Team lead of an administration that does not own the family."""
    return UserFactory(username="p_lead_soc", role=Role.TEAM_LEAD, administration=adm_soc)


@pytest.fixture
def school_coordinator(adm_school):
    return UserFactory(username="p_school", role=Role.SCHOOL_COORDINATOR, administration=adm_school)


@pytest.fixture
def region_coordinator(adm_region):
    return UserFactory(username="p_region", role=Role.COORDINATOR, administration=adm_region)


@pytest.fixture
def project_leader(adm_rs):
    return UserFactory(username="p_project", role=Role.PROJECT_LEADER, administration=adm_rs)


@pytest.fixture
def sysadmin(db):
    return UserFactory(
        username="p_admin", role=Role.SYSTEM_ADMIN, administration=None, is_staff=True
    )


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run at once in tests; tests of the worker itself override this."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_unless_swedish(request, settings):
    """Tests assert the English source strings, so they read the UI in English; tests marked
    `swedish` (and the browser journeys) check the Swedish UI that users get by default."""
    from django.utils import translation

    if request.node.get_closest_marker("swedish") or request.node.get_closest_marker("e2e"):
        yield
        return
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
