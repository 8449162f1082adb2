"""A family with a child in joint custody, owned by Råd & Stöd, the ombud responsible."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consent import services
from tests.factories import (
    CustodianFactory,
    CustodyLinkFactory,
    FamilyFactory,
    MemberFactory,
    PupilSupportFactory,
)


@pytest.fixture
def family(ombud, colleague_on_team, adm_soc, adm_school, adm_region):
    # adm_soc, adm_school and adm_region exist so that the share buttons list them.
    return FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])


@pytest.fixture
def child(family):
    return MemberFactory(family=family, first_name="Maja", last_name="Berg")


@pytest.fixture
def mother(family, child):
    parent = CustodianFactory(family=family, first_name="Lena", last_name="Berg")
    CustodyLinkFactory(child=child, custodian=parent)
    return parent


@pytest.fixture
def father(family, child):
    parent = CustodianFactory(family=family, first_name="Olof", last_name="Berg")
    CustodyLinkFactory(child=child, custodian=parent)
    return parent


@pytest.fixture
def pupil_support(child, adm_school):
    return PupilSupportFactory(member=child, owner=adm_school)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def register(family, ombud, today):
    """Register a consent through the service with sensible defaults."""

    def _register(
        subject, receiving, categories=("coordination", "school"), signers=None, **kwargs
    ):
        if signers is None:
            signers = list(subject.custodians.all()) if subject.is_child else [subject]
        kwargs.setdefault("valid_from", today - dt.timedelta(days=10))
        kwargs.setdefault("valid_until", today + dt.timedelta(days=300))
        if subject.is_child:
            kwargs.setdefault("child_maturity_note", "Tio år, har fått säga sin mening.")
        return services.consent_register(
            family=family,
            subject=subject,
            registered_by=ombud,
            receiving=receiving,
            categories=list(categories),
            purpose="Samordning",
            signatures=[
                services.SignatureInput(p, min(kwargs["valid_from"], today)) for p in signers
            ],
            **kwargs,
        )

    return _register


PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signed-by-lena-berg.pdf", PDF_BYTES, "application/pdf")
