"""Uploaded files live in PostgreSQL (familjelotsen.storage): web workers keep no local
files, backups hold the files, and a scan reaches only those allowed to read its consent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from familjelotsen.models import AccessLogEntry, StoredFile
from familjelotsen.storage import DatabaseStorage
from tests.consent.conftest import (  # noqa: F401 -- fixtures
    PDF_BYTES,
    child,
    family,
    mother,
    register,
    today,
)

pytestmark = pytest.mark.django_db


def test_the_default_storage_is_the_database():
    assert settings.STORAGES["default"]["BACKEND"] == "familjelotsen.storage.DatabaseStorage"
    assert isinstance(storages["default"], DatabaseStorage)


def test_a_file_is_stored_read_measured_and_deleted_in_the_database():
    storage = DatabaseStorage()
    name = storage.save("consent-scans/abc", ContentFile(b"%PDF-1.4 bytes"))

    assert name == "consent-scans/abc"
    assert StoredFile.objects.get(name=name).size == 14
    assert storage.exists(name)
    assert storage.size(name) == 14
    with storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.4 bytes"
    assert storage.listdir("consent-scans") == ([], ["abc"])
    assert storage.listdir("") == (["consent-scans"], [])

    storage.delete(name)
    assert not storage.exists(name)
    assert not StoredFile.objects.filter(name=name).exists()
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    with pytest.raises(FileNotFoundError):
        storage.size(name)


def test_a_taken_name_is_never_overwritten():
    storage = DatabaseStorage()
    first = storage.save("consent-scans/same", ContentFile(b"first"))
    second = storage.save("consent-scans/same", ContentFile(b"second"))

    assert first != second
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


def test_a_stored_file_has_no_url():
    storage = DatabaseStorage()
    name = storage.save("consent-scans/x", ContentFile(b"x"))
    with pytest.raises(NotImplementedError):
        storage.url(name)


# --- A consent scan, uploaded and downloaded through the real views ---------------------------


@pytest.fixture
def consent(register, mother, adm_school):  # noqa: F811 -- pytest fixtures by name
    return register(mother, [adm_school])


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_uploaded_scan_lands_in_the_database_and_not_on_disk(ombud, consent):
    settings_root = Path(str(settings.PRIVATE_MEDIA_ROOT))
    before = set(settings_root.rglob("*")) if settings_root.exists() else set()

    response = _client(ombud).post(
        reverse("consent:upload_scan", args=[consent.pk]),
        {
            "version": consent.version,
            "scan": SimpleUploadedFile("lena.pdf", PDF_BYTES, "application/pdf"),
        },
    )

    assert response.status_code == 302
    consent.refresh_from_db()
    stored = StoredFile.objects.get(name=consent.scan.name)
    assert bytes(stored.content) == PDF_BYTES
    after = set(settings_root.rglob("*")) if settings_root.exists() else set()
    assert after == before, "the upload wrote to the web server's disk"


def test_the_scan_in_the_database_is_served_to_the_case_team_only(
    ombud, colleague_on_team, colleague_not_on_team, school_coordinator, other_team_lead, consent
):
    _client(ombud).post(
        reverse("consent:upload_scan", args=[consent.pk]),
        {
            "version": consent.version,
            "scan": SimpleUploadedFile("lena.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    url = reverse("consent:download_scan", args=[consent.pk])

    allowed = _client(colleague_on_team).get(url)
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == PDF_BYTES
    assert allowed["Content-Disposition"].startswith("attachment;")
    assert AccessLogEntry.objects.filter(
        user=colleague_on_team, action="download", object_id=consent.pk
    ).exists()

    for user in (colleague_not_on_team, school_coordinator, other_team_lead):
        refused = _client(user).get(url)
        assert refused.status_code == 404
        assert PDF_BYTES not in refused.content
    assert not AccessLogEntry.objects.filter(
        action="download", user__in=[colleague_not_on_team, school_coordinator, other_team_lead]
    ).exists()


def test_a_scan_missing_from_the_database_is_a_404_not_an_error(ombud, consent):
    _client(ombud).post(
        reverse("consent:upload_scan", args=[consent.pk]),
        {
            "version": consent.version,
            "scan": SimpleUploadedFile("lena.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    StoredFile.objects.all().delete()
    response = _client(ombud).get(reverse("consent:download_scan", args=[consent.pk]))
    assert response.status_code == 404


# --- Moving the files of the former file storage ----------------------------------------------


def _write(root, name: str, data: bytes):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_move_command_moves_files_into_the_database_under_their_names(tmp_path):
    _write(tmp_path, "consent-scans/aaa", b"scan a")
    _write(tmp_path, "consent-scans/bbb", b"scan b")

    call_command("move_files_to_database", "--from", str(tmp_path))

    assert {f.name: bytes(f.content) for f in StoredFile.objects.all()} == {
        "consent-scans/aaa": b"scan a",
        "consent-scans/bbb": b"scan b",
    }
    assert default_storage.open("consent-scans/aaa").read() == b"scan a"
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_the_move_command_run_twice_changes_nothing_the_second_time(tmp_path):
    _write(tmp_path, "consent-scans/aaa", b"scan a")
    call_command("move_files_to_database", "--from", str(tmp_path))
    # A run interrupted after the row was written but before the file was deleted:
    _write(tmp_path, "consent-scans/aaa", b"scan a")

    call_command("move_files_to_database", "--from", str(tmp_path))

    assert StoredFile.objects.count() == 1
    assert bytes(StoredFile.objects.get().content) == b"scan a"
    assert not (tmp_path / "consent-scans" / "aaa").exists()


def test_the_move_command_never_replaces_other_bytes_under_the_same_name(tmp_path):
    DatabaseStorage().save("consent-scans/aaa", ContentFile(b"already here"))
    path = _write(tmp_path, "consent-scans/aaa", b"something else")

    with pytest.raises(SystemExit):
        call_command("move_files_to_database", "--from", str(tmp_path))

    assert bytes(StoredFile.objects.get().content) == b"already here"
    assert path.read_bytes() == b"something else"


def test_a_dry_run_moves_nothing(tmp_path):
    path = _write(tmp_path, "consent-scans/aaa", b"scan a")
    call_command("move_files_to_database", "--from", str(tmp_path), "--dry-run")
    assert not StoredFile.objects.exists()
    assert path.exists()
