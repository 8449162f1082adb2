"""One deployment for several municipalities and a region (issue 21): organisations own
administrations, count their own reference codes, and a family's school administration is the
one of the school the child goes to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familjelotsen.models import Administration, Organisation, OrganisationEvent
from tests.factories import AdministrationFactory, OrganisationFactory

Kind = Administration.Kind


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


@pytest.fixture
def nora(db):
    return OrganisationFactory(name="Nora kommun", code="NOR")


# --- The system administrator keeps the organisations ----------------------------------------


def test_admin_registers_a_municipality_and_puts_an_administration_in_it(admin_client):
    response = admin_client.post(
        reverse("sysadmin:organisation_create"),
        {"name": "Lindesbergs kommun", "kind": "municipality", "code": "LIN"},
    )
    assert response.status_code == 302
    lindesberg = Organisation.objects.get(code="LIN")
    admin_client.post(
        reverse("sysadmin:administration_create"),
        {"name": "Kultur", "kind": Kind.OTHER, "organisation": lindesberg.pk},
    )
    assert Administration.objects.get(name="Kultur").organisation == lindesberg
    page = admin_client.get(reverse("sysadmin:organisations")).content.decode()
    assert "Lindesbergs kommun" in page and "LIN" in page
    assert OrganisationEvent.objects.filter(pgh_obj=lindesberg).exists()


def test_an_organisations_code_cannot_be_changed_once_given(admin_client, nora):
    admin_client.post(
        reverse("sysadmin:organisation_edit", args=[nora.pk]),
        {"name": "Nora", "kind": "municipality", "code": "XYZ"},
    )
    nora.refresh_from_db()
    assert nora.name == "Nora"
    assert nora.code == "NOR"


@pytest.mark.swedish
def test_a_malformed_or_taken_code_is_refused_next_to_the_field_and_kept(admin_client, nora):
    response = admin_client.post(
        reverse("sysadmin:organisation_create"),
        {"name": "Hällefors kommun", "kind": "municipality", "code": "h1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_code_errors"' in body
    assert "Skriv 2–6 versaler" in body
    assert 'value="Hällefors kommun"' in body
    response = admin_client.post(
        reverse("sysadmin:organisation_create"),
        {"name": "Hällefors kommun", "kind": "municipality", "code": "NOR"},
    )
    assert "En annan kommun eller region har redan den koden" in response.content.decode()
    assert not Organisation.objects.filter(name="Hällefors kommun").exists()


@pytest.mark.swedish
def test_an_administration_without_an_organisation_is_refused(admin_client, nora):
    response = admin_client.post(
        reverse("sysadmin:administration_create"), {"name": "Kultur", "kind": Kind.OTHER}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_organisation_errors"' in body
    assert "Välj vilken kommun eller region förvaltningen hör till" in body
    assert not Administration.objects.filter(name="Kultur").exists()


def test_an_organisation_with_administrations_cannot_be_deleted(db):
    from django.db.models import ProtectedError

    adm = AdministrationFactory()
    with pytest.raises(ProtectedError):
        adm.organisation.delete()


def test_other_staff_cannot_reach_the_organisation_pages(client, project_leader, nora):
    client.force_login(project_leader)
    assert client.get(reverse("sysadmin:organisations")).status_code == 403
    response = client.post(
        reverse("sysadmin:organisation_create"),
        {"name": "Hällefors kommun", "kind": "municipality", "code": "HFS"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.filter(code="HFS").exists()


# --- Reference codes per organisation ---------------------------------------------------------


def _register(by, on):
    from cases import services

    return services.family_create_from_request(
        by=by, requesting_administration=by.administration, request_date=on
    )


def test_each_municipality_counts_its_own_reference_codes_from_0001(db, nora):
    import datetime as dt

    from familjelotsen.models import User
    from tests.factories import UserFactory

    lindesberg = OrganisationFactory(name="Lindesbergs kommun", code="LIN")
    ombud_lin = UserFactory(
        role=User.Role.FAMILY_OMBUD,
        administration=AdministrationFactory(name="Råd & Stöd", organisation=lindesberg),
    )
    ombud_nor = UserFactory(
        role=User.Role.FAMILY_OMBUD,
        administration=AdministrationFactory(name="Socialtjänsten Nora", organisation=nora),
    )
    day = dt.date(2026, 3, 1)
    first_lin = _register(ombud_lin, day)
    first_nor = _register(ombud_nor, day)
    second_lin = _register(ombud_lin, day)
    next_year_nor = _register(ombud_nor, dt.date(2027, 1, 2))
    assert first_lin.reference == "FL-LIN-2026-0001"
    assert first_nor.reference == "FL-NOR-2026-0001"
    assert second_lin.reference == "FL-LIN-2026-0002"
    assert next_year_nor.reference == "FL-NOR-2027-0001"


def test_references_given_before_organisations_stay_valid_and_unique(db):
    import datetime as dt

    from cases import models as cm
    from tests.factories import FamilyFactory, UserFactory

    old = FamilyFactory(reference="FL-2026-0001")
    ombud = UserFactory(administration=AdministrationFactory())
    new = _register(ombud, dt.date(2026, 3, 1))
    assert new.reference == "FL-TST-2026-0001"
    assert cm.Family.objects.filter(reference=old.reference).count() == 1
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        cm.Family.objects.filter(pk=new.pk).update(reference="FL-lin-2026-0009")


# --- The school administration is the child's school's, never the first in the database -------


def _pupil_post(client, child, **extra):
    data = {
        "school": "Ekbackens skola",
        "grade": 4,
        "support_level": "guidance",
        "eligibility_track": "yes",
        **extra,
    }
    return client.post(reverse("cases:pupil_support_create", args=[child.pk]), data)


@pytest.fixture
def nora_school(nora):
    """Another municipality's school administration, registered before the family's own (the
    first school administration in the database)."""
    return AdministrationFactory(name="Skolan Nora", kind=Kind.SCHOOL, organisation=nora)


@pytest.fixture
def child(ombud):
    from tests.factories import FamilyFactory, MemberFactory

    return MemberFactory(family=FamilyFactory(responsible_ombud=ombud))


def test_pupil_support_goes_to_the_school_administration_of_the_familys_municipality(
    client, ombud, child, nora_school, adm_school
):
    from cases import models as cm

    assert nora_school.pk < adm_school.pk
    client.force_login(ombud)
    response = _pupil_post(client, child)
    assert response.status_code == 302
    assert cm.PupilSupport.objects.get(member=child).owner == adm_school


def test_a_child_at_school_in_another_municipality_gets_that_school_administration(
    client, ombud, child, nora_school, adm_school
):
    from cases import models as cm

    client.force_login(ombud)
    response = _pupil_post(client, child, school_administration=nora_school.pk)
    assert response.status_code == 302
    assert cm.PupilSupport.objects.get(member=child).owner == nora_school


@pytest.mark.swedish
def test_two_school_administrations_in_the_municipality_are_not_guessed_between(
    client, ombud, child, adm_school
):
    from cases import models as cm

    other = AdministrationFactory(
        name="Friskolan", kind=Kind.SCHOOL, organisation=adm_school.organisation
    )
    client.force_login(ombud)
    response = _pupil_post(client, child)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_school_administration_errors"' in body
    assert "har mer än en skolförvaltning" in body
    assert 'value="Ekbackens skola"' in body
    assert not cm.PupilSupport.objects.filter(member=child).exists()
    assert _pupil_post(client, child, school_administration=other.pk).status_code == 302
    assert cm.PupilSupport.objects.get(member=child).owner == other


@pytest.mark.swedish
def test_a_municipality_without_a_school_administration_is_told_so(
    client, ombud, child, nora_school
):
    from cases import models as cm

    client.force_login(ombud)
    response = _pupil_post(client, child)
    assert response.status_code == 200
    assert "har ingen skolförvaltning registrerad" in response.content.decode()
    assert not cm.PupilSupport.objects.filter(member=child).exists()


def test_only_a_school_administration_can_own_pupil_support(db, ombud, child, adm_soc):
    from django.core.exceptions import ValidationError

    from cases import services

    with pytest.raises(ValidationError):
        services.pupil_school_administration(member=child, chosen=adm_soc)
