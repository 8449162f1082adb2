"""Reports that look finished (issue 19 part 1): the PDF read back — no table cut off, no
English, suppressed values marked, the front page's tiles and who prepared it, a tagged
PDF/UA document with a descriptive file name — and drafts deleted from both sides, archived
reports never."""

from __future__ import annotations

import io
import re

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse
from pypdf import PdfReader

from reporting.models import Report, ReportKind
from tests.factories import ReportFactory
from tests.reporting.test_pdf import export, sv

pytestmark = pytest.mark.django_db


def _pdf_pages(report: Report) -> list[str]:
    reader = PdfReader(io.BytesIO(bytes(report.pdf)))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def steering(world, django_capture_on_commit_callbacks, period):
    report = ReportFactory(
        created_by=world.project_leader, period_start=period.start, period_end=period.end
    )
    return export(report, django_capture_on_commit_callbacks, summary="Ett bra år.")


@pytest.mark.swedish
def test_every_table_cell_is_on_the_page_and_no_table_is_cut_off(steering):
    """Every cell of every table of the archived figures is found in the PDF text: a table
    cut at the right edge loses its last columns' text."""
    text = "\n".join(_pdf_pages(steering))
    flat = " ".join(text.split())
    # Headers may be hyphenated across lines ("Utfas-" "ning").
    unbroken = re.sub(r"[-\u2010]\s+", "", text)
    missing = []
    for table in steering.figures.values():
        for column in table["columns"]:
            for word in column["label"].replace("-", " ").split():
                if len(word) > 3 and word.strip("()%") not in unbroken:
                    missing.append((table["key"], column["label"]))
        for row in table["rows"]:
            for cell in row["cells"]:
                shown = cell["display"].replace("\xa0", " ")
                if shown and shown not in flat:
                    missing.append((table["key"], row["label"], cell["display"]))
    assert not missing


@pytest.mark.swedish
def test_the_pdf_holds_no_english_strings(steering):
    text = "\n".join(_pdf_pages(steering))
    for english in (
        "Waiting time",
        "Families in the programme",
        "Hours",
        "Requested",
        "Prepared by",
        "Definition of",
        "Cost per",
        "Target",
        "Page ",
        "Summary",
    ):
        assert english not in text, english


@pytest.mark.swedish
def test_the_front_page_has_tiles_the_organisation_and_who_prepared_it(steering, settings):
    first = _pdf_pages(steering)[0]
    assert settings.ORGANISATION_NAME in first
    assert "Upprättad av" in first and steering.created_by.get_full_name() in first
    assert sv("The period in figures") in first
    assert sv("Families in the programme") in first
    assert sv("Cost per family with coordinated support (SEK)").split(" (")[0] in " ".join(
        first.split()
    )


@pytest.mark.swedish
def test_suppressed_values_are_marked_in_tables_and_charts(steering):
    text = "\n".join(_pdf_pages(steering))
    assert "<5" in text
    # The charts explain their dashed bars / open points instead of drawing gaps.
    assert "Streckad stapel" in text or "Ofylld punkt" in text


def test_the_pdf_is_tagged_pdf_ua(steering):
    reader = PdfReader(io.BytesIO(bytes(steering.pdf)))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sv"
    metadata = root["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in metadata
    assert b"Styrgruppsrapport 2025-04-01" in metadata  # the document's title


def test_the_downloads_are_named_for_kind_period_and_organisation(client, steering, settings):
    settings.ORGANISATION_NAME = "Exempelby kommun"
    client.force_login(steering.created_by)
    response = client.get(reverse("reporting:report_pdf", args=[steering.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="styrgruppsrapport_2025-04-01_2025-11-30_exempelby-kommun.pdf"'
    )
    response = client.get(reverse("reporting:report_csv", args=[steering.pk]))
    assert (
        "styrgruppsrapport_2025-04-01_2025-11-30_exempelby-kommun.csv"
        in (response["Content-Disposition"])
    )


# --- Deleting drafts ---------------------------------------------------------------------------


def test_the_maker_deletes_a_draft(client, project_leader):
    report = ReportFactory(created_by=project_leader)
    client.force_login(project_leader)
    response = client.post(reverse("reporting:report_delete", args=[report.pk]))
    assert response.status_code == 302
    assert not Report.objects.filter(pk=report.pk).exists()


def test_the_project_leader_deletes_a_team_leads_draft(client, project_leader, team_lead):
    report = ReportFactory(created_by=team_lead)
    client.force_login(project_leader)
    client.post(reverse("reporting:report_delete", args=[report.pk]))
    assert not Report.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize("persona", ["ombud", "school_coordinator", "sysadmin", "other_team_lead"])
def test_nobody_else_deletes_a_draft(client, request, persona, team_lead):
    report = ReportFactory(created_by=team_lead)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("reporting:report_delete", args=[report.pk]))
    assert response.status_code in (403, 404)
    assert Report.objects.filter(pk=report.pk).exists()


def test_a_team_lead_cannot_delete_the_project_leaders_draft(client, project_leader, team_lead):
    report = ReportFactory(created_by=project_leader, made_in=team_lead.administration)
    client.force_login(team_lead)
    response = client.post(reverse("reporting:report_delete", args=[report.pk]))
    assert response.status_code == 403
    assert Report.objects.filter(pk=report.pk).exists()


def test_an_archived_report_is_never_deleted(client, steering):
    client.force_login(steering.created_by)
    page = client.get(reverse("reporting:report", args=[steering.pk])).content.decode()
    assert reverse("reporting:report_delete", args=[steering.pk]) not in page
    response = client.post(reverse("reporting:report_delete", args=[steering.pk]))
    assert response.status_code == 403
    # Nor around the application: the database refuses it.
    with pytest.raises((IntegrityError, InternalError, ProgrammingError)), transaction.atomic():
        Report.objects.filter(pk=steering.pk).delete()
    assert Report.objects.filter(pk=steering.pk).exists()


def test_the_preview_autosaves_the_narrative_with_the_version(client, project_leader):
    report = ReportFactory(created_by=project_leader, kind=ReportKind.FUNDER)
    client.force_login(project_leader)
    url = reverse("reporting:report_autosave", args=[report.pk])
    response = client.post(url, {"version": report.version, "summary": "Första utkastet"})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.summary == "Första utkastet"
    assert response.json() == {"version": report.version}
    # A save from an older version is refused, not silently overwritten.
    stale = client.post(url, {"version": report.version - 1, "summary": "Gammal text"})
    assert stale.status_code == 409
    report.refresh_from_db()
    assert report.summary == "Första utkastet"


def test_the_dashboard_opens_on_the_running_period_and_shows_a_chosen_one(client, project_leader):
    client.force_login(project_leader)
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "The current period:" in page
    page = client.get(reverse("reporting:dashboard"), {"period": "year-2025"}).content.decode()
    assert "<h2>The period " in page and "2025" in page and "The current period:" not in page
    assert 'value="year-2025" selected' in page
    # An unknown period falls back to the running one, never an error.
    response = client.get(reverse("reporting:dashboard"), {"period": "<script>"})
    assert response.status_code == 200 and "The current period:" in response.content.decode()
