"""The signed scan (checked by content, served only through a permission check) and the
printable consent form."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from consent import services
from familjelotsen.models import AccessLogEntry
from tests.consent.conftest import PDF_BYTES
from tests.factories import CustodianFactory, CustodyLinkFactory, MemberFactory

pytestmark = pytest.mark.django_db

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb"
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
)


@pytest.fixture
def as_user():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return _client


@pytest.fixture
def consent(register, mother, adm_school):
    return register(mother, [adm_school])


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploads go to a temporary private directory, never into the repository."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }


def _upload(client, consent, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("consent:upload_scan", args=[consent.pk]),
        {"version": consent.version, "scan": SimpleUploadedFile(name, content, content_type)},
    )


# --- Upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png"), (JPEG_BYTES, "image/jpeg")],
)
def test_a_scan_is_recognised_by_its_content(content, expected):
    assert services.sniff_scan_type(content) == expected


def test_a_pdf_jpeg_or_png_scan_is_accepted_and_stored_under_a_random_name(as_user, ombud, consent):
    response = _upload(as_user(ombud), consent, "Lena Berg samtycke.png", PNG_BYTES, "image/png")

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.scan_content_type == "image/png"
    assert "Lena" not in consent.scan.name
    assert consent.version == 2


def test_a_renamed_exe_is_refused_with_a_message(as_user, ombud, consent):
    response = _upload(as_user(ombud), consent, "samtycke.pdf", EXE_BYTES, "application/pdf")

    assert response.status_code == 200
    assert b"Only PDF, JPEG or PNG files can be uploaded" in response.content
    consent.refresh_from_db()
    assert not consent.scan


def test_a_text_file_named_pdf_is_refused(as_user, ombud, consent):
    response = _upload(as_user(ombud), consent, "samtycke.pdf", b"just text", "application/pdf")
    assert b"Only PDF, JPEG or PNG files can be uploaded" in response.content


def test_an_oversized_scan_is_refused_with_a_message(as_user, ombud, consent):
    big = PDF_BYTES + b"0" * (services.MAX_SCAN_BYTES + 1)
    response = _upload(as_user(ombud), consent, "samtycke.pdf", big, "application/pdf")

    assert response.status_code == 200
    assert b"larger than 10 MB" in response.content
    consent.refresh_from_db()
    assert not consent.scan


def test_an_empty_scan_is_refused_with_a_message(as_user, ombud, consent):
    response = _upload(as_user(ombud), consent, "samtycke.pdf", b"", "application/pdf")

    assert response.status_code == 200
    assert b"The file is empty" in response.content
    consent.refresh_from_db()
    assert not consent.scan


def test_those_who_oversee_the_case_upload_a_scan_and_no_one_else(
    as_user, team_lead, colleague_not_on_team, school_coordinator, consent
):
    lead = _upload(as_user(team_lead), consent, "s.pdf", PDF_BYTES, "application/pdf")
    assert lead.status_code == 302
    consent.refresh_from_db()
    for user in (colleague_not_on_team, school_coordinator):
        response = _upload(as_user(user), consent, "s.pdf", PDF_BYTES, "application/pdf")
        assert response.status_code == 404


# --- Download ---------------------------------------------------------------------------------


@pytest.fixture
def scanned(consent, ombud, pdf_upload):
    return services.consent_attach_scan(consent=consent, file=pdf_upload, by=ombud)


def test_the_case_team_downloads_the_scan_as_an_attachment_and_it_is_logged(
    as_user, colleague_on_team, scanned
):
    response = as_user(colleague_on_team).get(reverse("consent:download_scan", args=[scanned.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessLogEntry.objects.filter(
        user=colleague_on_team, action="download", object_id=scanned.pk
    ).exists()


def test_the_scan_is_not_reachable_without_permission(
    as_user,
    school_coordinator,
    region_coordinator,
    colleague_not_on_team,
    other_team_lead,
    scanned,
):
    url = reverse("consent:download_scan", args=[scanned.pk])
    # School receives the family under this consent, but not the consent record itself.
    for user in (school_coordinator, region_coordinator, colleague_not_on_team, other_team_lead):
        assert as_user(user).get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(action="download").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(scanned):
    response = Client().get(reverse("consent:download_scan", args=[scanned.pk]))
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_a_consent_without_scan_has_nothing_to_download(as_user, ombud, consent):
    assert (
        as_user(ombud).get(reverse("consent:download_scan", args=[consent.pk])).status_code == 404
    )


# --- The printable form -----------------------------------------------------------------------


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_printed_consent_names_members_administrations_categories_period_and_signers(
    as_user, ombud, family, child, mother, father, register, adm_school, adm_region, today
):
    consent = register(child, [adm_school, adm_region], categories=["coordination", "school"])
    response = as_user(ombud).get(reverse("consent:print", args=[consent.pk]))

    text = _pdf_text(response)
    assert response["Content-Disposition"].startswith("attachment;")
    for expected in (
        family.reference,
        "Maja Berg",
        "Lena Berg",
        "Olof Berg",
        "Skolan",
        "Regionen",
        str(family.owner),
        "School situation",
        consent.valid_from.isoformat(),
        consent.valid_until.isoformat(),
        "The child's own view",
    ):
        assert expected in text, expected
    assert text.count("Signature:") == 2  # one line for each custodian
    assert AccessLogEntry.objects.filter(user=ombud, action="print", object_id=consent.pk).exists()


def test_the_printed_form_masks_a_protected_identity_for_someone_outside_the_case_team(
    as_user, team_lead, family, register, adm_school
):
    child = MemberFactory(
        family=family, first_name="Hemlig", last_name="Skyddad", protected_identity=True
    )
    parent = CustodianFactory(
        family=family, first_name="Dold", last_name="Skyddad", protected_identity=True
    )
    CustodyLinkFactory(child=child, custodian=parent)
    consent = register(child, [adm_school])

    text = _pdf_text(as_user(team_lead).get(reverse("consent:print", args=[consent.pk])))

    assert "Protected identity" in text
    assert "Hemlig" not in text and "Dold" not in text and "Skyddad" not in text
    assert child.personal_number[:8] not in text


def test_the_case_team_sees_the_protected_identity_on_the_printed_form(
    as_user, ombud, family, register, adm_school
):
    child = MemberFactory(family=family, first_name="Hemlig", protected_identity=True)
    CustodyLinkFactory(child=child)
    consent = register(child, [adm_school])
    assert "Hemlig" in _pdf_text(as_user(ombud).get(reverse("consent:print", args=[consent.pk])))


def test_a_blank_pre_filled_form_can_be_printed_before_any_consent_exists(
    as_user, ombud, family, child, mother, father, adm_school, adm_region
):
    client = as_user(ombud)
    url = reverse("consent:blank_form", args=[family.pk])
    assert client.get(url, {"member": child.pk}).status_code == 200

    response = client.post(
        url,
        {
            "member": child.pk,
            "receiving": [adm_region.pk],
            "disclosing": [family.owner_id],
            "categories": ["health"],
            "purpose": "Samordning med BUP",
        },
    )

    text = _pdf_text(response)
    for expected in (
        "Maja Berg",
        "Lena Berg",
        "Olof Berg",
        "Regionen",
        "Health and diagnoses",
        "Samordning med BUP",
    ):
        assert expected in text, expected
    assert text.count("Signature:") == 2
    assert "Skolan" not in text
    assert AccessLogEntry.objects.filter(user=ombud, action="print").exists()


def test_a_blank_form_for_an_adult_has_their_own_signature_line(
    as_user, ombud, family, mother, adm_school
):
    response = as_user(ombud).post(
        reverse("consent:blank_form", args=[family.pk]),
        {
            "member": mother.pk,
            "receiving": [adm_school.pk],
            "disclosing": [family.owner_id],
            "categories": ["social"],
            "purpose": "Samordning",
        },
    )
    text = _pdf_text(response)
    assert text.count("Signature:") == 1
    assert "Lena Berg" in text


def test_a_blank_form_request_with_missing_choices_keeps_the_input(as_user, ombud, family, mother):
    response = as_user(ombud).post(
        reverse("consent:blank_form", args=[family.pk]),
        {"member": mother.pk, "purpose": "Mitt syfte"},
    )
    assert response.status_code == 200
    assert b"field--error" in response.content
    assert b"Mitt syfte" in response.content


def test_the_blank_form_is_not_for_outsiders(
    as_user, colleague_not_on_team, school_coordinator, family
):
    url = reverse("consent:blank_form", args=[family.pk])
    assert as_user(colleague_not_on_team).get(url).status_code == 404
    assert as_user(school_coordinator).get(url).status_code == 404


def test_the_blank_form_is_not_for_an_administration_the_family_is_shared_with(
    as_user, school_coordinator, family, mother, register, adm_school
):
    register(mother, [adm_school])
    url = reverse("consent:blank_form", args=[family.pk])
    assert as_user(school_coordinator).get(url).status_code == 403


def test_the_blank_form_printed_by_the_team_lead_masks_a_protected_identity(
    as_user, team_lead, ombud, family, adm_school
):
    hidden = CustodianFactory(
        family=family, first_name="Dold", last_name="Skyddad", protected_identity=True
    )
    body = {
        "member": hidden.pk,
        "receiving": [adm_school.pk],
        "disclosing": [family.owner_id],
        "categories": ["social"],
        "purpose": "Samordning",
    }
    url = reverse("consent:blank_form", args=[family.pk])
    lead_text = _pdf_text(as_user(team_lead).post(url, body))
    assert "Protected identity" in lead_text
    assert "Dold" not in lead_text and "Skyddad" not in lead_text
    # The case team prints it for the person to sign: with the name (see print_consent).
    assert "Dold Skyddad" in _pdf_text(as_user(ombud).post(url, body))


def test_printing_a_consent_writes_print_rows_only(as_user, ombud, consent, mother):
    before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    as_user(ombud).get(reverse("consent:print", args=[consent.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, id__gt=before)
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        ("print", "consent.consent", consent.pk)
    ]
