"""Journey 3 (SPEC §5.3): the project leader picks the steering-group report for a period,
writes the summary, exports it (a background task renders the PDF while the page shows its
progress), downloads the PDF; the PDF read back has the summary, headings and "<5"."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.db import connection
from pypdf import PdfReader

from reporting.models import Report
from tests.factories import FamilyFactory, MemberFactory, today

pytestmark = pytest.mark.e2e


def _worker_until(done: threading.Event) -> None:
    """The background worker that `make run` starts, in a thread until the test is done
    (its Worker class directly: the command installs signal handlers, main thread only)."""
    from django_tasks_db.management.commands.db_worker import Worker

    try:
        while not done.is_set():
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="e2e",
                excluded_queue_names=[],
            ).run()
            done.wait(0.3)
    finally:
        connection.close()


def test_the_project_leader_exports_the_steering_group_report(
    session_for, ombud, project_leader, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    year = today().year
    for n in range(3):  # three families: every family count in the report is "<5"
        family = FamilyFactory(
            responsible_ombud=ombud,
            request_date=dt.date(year, 2, 1 + n),
            start_date=dt.date(year, 3, 1 + n),
        )
        MemberFactory(family=family, first_name=f"Hemligt{n}", birth_date=dt.date(year - 9, 5, 3))

    me = session_for(project_leader)
    page = me.page
    page.goto("/rapporter/ny/")
    page.check("input[name=kind][value=steering_group]")
    page.select_option("select[name=preset]", "")
    page.fill("input[name=period_start]", f"{year}-01-01")
    page.fill("input[name=period_end]", today().isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("textarea[name=summary]")
    summary = "Familjelotsen har under perioden fortsatt arbetet med tre familjer."
    page.fill("textarea[name=summary]", summary)

    done = threading.Event()
    worker = threading.Thread(target=_worker_until, args=(done,), daemon=True)
    try:
        page.locator("button[name=action][value=export]").click()
        page.wait_for_selector("#report-progress")
        report = Report.objects.latest("id")
        assert report.status in (Report.Status.PENDING, Report.Status.RENDERING, Report.Status.DONE)
        worker.start()
        download_link = page.locator("#report-progress a, a.button--primary").filter(has_text="PDF")
        download_link.first.wait_for(timeout=60_000)
        with page.expect_download() as info:
            download_link.first.click()
        pdf_bytes = open(info.value.path(), "rb").read()  # noqa: SIM115
    finally:
        done.set()
        if worker.is_alive():
            worker.join(timeout=30)

    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages).split()
    )
    assert summary in text
    for heading in ("Familjenivå", "Processnivå", "Aktörsnivå"):
        assert heading.lower() in text.lower() or heading in text
    assert "<5" in text
    assert "Hemligt0" not in text
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and report.created_by == project_leader
    assert not me.console_errors, me.console_errors
