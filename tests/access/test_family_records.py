"""`access.family_records` (the family page's reads) against `access.visible_records`.

The family page asks the policy for one family's records with `family_records`, which for a
member of the case team or the owner's team lead filters on the family with a constant basis,
and for a user who reaches the family through a share or an emergency access leaves out the
membership arms that cannot hold. Both shortcuts must give exactly the rows and annotations
of the full visibility statement restricted to the family: checked here for every demo user,
every family (visible to them or not), every guarded record type and every need, on the demo
data (shares under consents, an emergency access, protected identity) with a report of
concern added so the reporter's own grant (DUTY) is among the bases.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases import models as cm
from cases import services as case_services
from familjelotsen import access
from familjelotsen.models import User
from tests.demo_data import demo_loaded

pytestmark = pytest.mark.django_db

ANNOTATIONS = ("access_basis", "access_consent_id", "access_share_change")
MEMBER_FLAGS = ("on_team", "identity_visible")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_loaded(django_db_blocker):
        yield


def _rows(qs, model) -> set[tuple]:
    fields = ("pk", *ANNOTATIONS, *(MEMBER_FLAGS if model is cm.Member else ()))
    return {tuple(getattr(obj, f) for f in fields) for obj in qs}


def _school_reports_concern() -> None:
    """The school coordinator reports concern about a child of a family shared with school:
    she keeps sight of her report (DUTY) whatever the shares."""
    school = User.objects.get(username="skola")
    child = access.visible_members(school).filter(kind=cm.Member.Kind.CHILD).order_by("pk").first()
    assert child is not None, "the demo shares no child with school"
    case_services.report_of_concern_record(
        child=child,
        by=school,
        reported_at=timezone.now(),
        recipient_unit="Socialtjänsten",
        channel=cm.ReportOfConcern.Channel.PHONE,
        summary="Oro för barnet.",
        custodians_informed=cm.ReportOfConcern.Informed.YES,
    )


def _ombud2_opens_a_family_in_an_emergency() -> None:
    """The other administration's ombud opens a family she does not see (break-the-glass)."""
    ombud2 = User.objects.get(username="ombud2")
    child = (
        cm.Member.objects.filter(kind=cm.Member.Kind.CHILD)
        .exclude(family__in=access.visible(ombud2, cm.Family))
        .exclude(personal_number="")
        .order_by("pk")
        .first()
    )
    assert child is not None
    outcome = case_services.emergency_access_request(
        user=ombud2,
        personal_number=child.personal_number,
        reason="Barnet är akut i fara och socialjouren behöver underlaget nu.",
        days=2,
    )
    assert outcome.opened


def test_family_records_are_the_visible_records_of_the_family(demo):
    _school_reports_concern()
    _ombud2_opens_a_family_in_an_emergency()
    users = list(User.objects.filter(is_active=True).order_by("pk"))
    bases_seen = set()
    differences = []
    for user in users:
        # As a page has them: looked up through the policy, with their basis. (A family the
        # user does not reach takes the full statement itself: the last test.)
        for family in access.visible_families(user).order_by("pk"):
            bases_seen.add(family.access_basis)
            for model in access.REGISTRY:
                ref = access.REGISTRY[model].family_ref
                for need in access.Need:
                    expected = _rows(
                        access.visible_records(user, model, need).filter(**{ref: family.pk}), model
                    )
                    actual = _rows(access.family_records(user, model, family, need), model)
                    if actual != expected:
                        differences.append(
                            f"{user.username} family {family.pk} {model._meta.label_lower} "
                            f"{need}: {sorted(actual ^ expected, key=str)}"
                        )
    assert not differences, "family_records differs:\n" + "\n".join(differences[:40])
    # The data exercised every road: the case team, the lead, a share, an emergency access.
    assert {
        access.Basis.CASE_TEAM,
        access.Basis.TEAM_LEAD,
        access.Basis.SHARE,
        access.Basis.EMERGENCY,
    } <= bases_seen


def test_a_family_the_user_does_not_reach_yields_nothing(demo):
    """From the other side: a user given a family the policy does not show them (a plain
    instance, no basis) gets none of its records through `family_records`."""
    school = User.objects.get(username="skola")
    hidden = cm.Family.objects.exclude(pk__in=access.visible(school, cm.Family)).first()
    assert hidden is not None
    for model in access.REGISTRY:
        assert not access.family_records(school, model, hidden).exists(), model


def test_what_the_case_team_documents_is_reached_on_the_case_team_basis(demo):
    """`visible_records(..., DOCUMENT)` gives the basis as a constant (only the case team
    documents): the same rows and annotations as the full basis statement."""
    differences = []
    for user in User.objects.filter(is_active=True).order_by("pk"):
        for model in access.REGISTRY:
            full = access.with_basis(user, access.visible(user, model, access.DOCUMENT))
            if model is cm.Member:
                full = access.with_identity(user, full)
            actual = _rows(access.visible_records(user, model, access.DOCUMENT), model)
            if actual != _rows(full, model):
                differences.append(f"{user.username} {model._meta.label_lower}")
    assert not differences, differences
