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
