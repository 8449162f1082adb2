"""The exported PDF read back: headings, figures, the summary and "<5" where due, never a
name or personal identity number; and the archive that keeps it unchanged."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.db import DatabaseError, transaction
from django.utils import translation
from pypdf import PdfReader

from cases import models as cm
from reporting import tasks
from reporting.models import Report, ReportKind
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def export(report: Report, capture, **narrative) -> Report:
    with capture(execute=True):
        tasks.report_export(
            report=report,
            user=report.created_by,
            summary=narrative.get("summary", ""),
            comments=narrative.get("comments", {}),
            expected_version=report.version,
        )
    report.refresh_from_db()
    assert report.status == Report.Status.DONE, report.error
    return report


def pdf_text(report: Report) -> str:
    reader = PdfReader(io.BytesIO(bytes(report.pdf)))
    return "\n".join(page.extract_text() for page in reader.pages)


def sv(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


@pytest.fixture
def steering(world, django_capture_on_commit_callbacks, period):
    report = ReportFactory(
        created_by=world.project_leader, period_start=period.start, period_end=period.end
    )
    return export(
        report,
        django_capture_on_commit_callbacks,
        summary="Arbetet har kommit igång väl under hösten.",
        comments={"goals": "Hemmet är det område där mest har hänt."},
    )


def test_the_pdf_has_the_kind_period_headings_figures_summary_and_comments(steering):
    text = pdf_text(steering)
    assert sv("Steering-group report") in text
    assert "2025-04-01 – 2025-11-30" in text
    for heading in (
        "Family level",
        "Process and method level",
        "Actor level",
        "Goal progress",
        "Coordinated individual plans (SIP)",
        "Network work",
        "Obstacles",
        "Families by requesting administration",
    ):
        assert sv(heading) in text, heading
    assert "Arbetet har kommit igång väl under hösten." in text
    assert "Hemmet är det område där mest har hänt." in text
    assert "Socialtjänsten" in text  # a requesting administration
    assert "<5" in text  # small counts are suppressed, not left out
    # A key figure of 5 or more (a tile: the label, then the figure).
    assert f"{sv('Families in the programme')} 6" in " ".join(text.split())
    assert "22,0" not in text  # network hours of only three processes are withheld


def test_the_pdf_holds_no_name_personal_identity_number_or_case_text(steering, world):
    text = pdf_text(steering)
    members = cm.Member.objects.all()
    assert members.count() > 10
    for member in members:
        assert member.personal_number not in text.replace(" ", "")
        assert (
            member.last_name not in text
            or member.last_name == "Exempelsson"
            and ("Exempelsson" not in text)
        )
    assert "Hemligsson" not in text and "Alva" not in text
    assert "skulderna" not in text and "Ingen ork" not in text and "ADHD" not in text
    for family in world.families:
        assert family.reference not in text


def test_every_page_has_a_page_number_and_the_header_names_the_report(steering):
    reader = PdfReader(io.BytesIO(bytes(steering.pdf)))
    assert len(reader.pages) > 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Sida {number} av {len(reader.pages)}" in text
        assert sv("Steering-group report") in text and "2025-04-01 – 2025-11-30" in text


def test_charts_are_svg_with_their_text_kept_as_text(steering):
    text = pdf_text(steering)
    # The month line chart labels its axis and legend with text: each label is there twice,
    # once in the chart and once in the table beside it.
    assert text.count("2025-04") >= 2
    assert "7,5" in text  # a tick on the chart's scale, in no table


def test_the_archive_records_who_when_and_the_checksum_and_never_changes(steering, world):
    assert steering.created_by == world.project_leader
    assert steering.exported_by == world.project_leader
    assert steering.rendered_at is not None and steering.exported_at is not None
    assert steering.checksum == hashlib.sha256(bytes(steering.pdf)).hexdigest()
    assert steering.pdf_size == len(bytes(steering.pdf))
    assert steering.figures["flow"]["rows"]  # the suppressed figures behind the PDF
    with pytest.raises(DatabaseError), transaction.atomic():
        Report.objects.filter(pk=steering.pk).update(summary="Ändrad i efterhand")


def test_the_archived_figures_hold_no_small_numbers(steering):
    for table in steering.figures.values():
        for row in table["rows"]:
            for cell in row["cells"]:
                if cell["suppressed"]:
                    assert cell["value"] is None


def test_a_committee_report_shows_its_own_administration(
    world, period, django_capture_on_commit_callbacks
):
    report = ReportFactory(
        created_by=world.project_leader,
        kind=ReportKind.COMMITTEE,
        administration=world.adm_school,
        period_start=period.start,
        period_end=period.end,
    )
    text = pdf_text(export(report, django_capture_on_commit_callbacks))
    assert sv("Committee report") in text and "Skolan" in text
    assert "Socialtjänsten" not in text  # other administrations' rows are left out
    assert sv("Hours and cost per funder") not in text


def test_a_funder_report_shows_outcomes_and_cost_per_funder_by_the_key(
    world, period, django_capture_on_commit_callbacks
):
    report = ReportFactory(
        created_by=world.project_leader,
        kind=ReportKind.FUNDER,
        period_start=period.start,
        period_end=period.end,
    )
    text = pdf_text(export(report, django_capture_on_commit_callbacks))
    assert sv("Funder report") in text
    assert sv("Hours and cost per funder by the distribution key") in text
    assert "Kommunen" in text and "Region Exempel" in text
    assert sv("Placements outside the home") in text
    assert "60,00" in text  # Kommunen's share
