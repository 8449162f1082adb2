"""The report preview as the project leader uses it (issue 19): the save and export buttons
stay in view while scrolling, the comment boxes are closed until wanted, the narrative saves
itself, and a draft can be deleted (after a confirmation)."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting.models import Report, ReportKind
from tests.factories import ReportFactory

pytestmark = pytest.mark.e2e


def test_the_preview_keeps_its_buttons_in_view_and_saves_the_text_itself(
    session_for, project_leader
):
    report = ReportFactory(
        created_by=project_leader,
        kind=ReportKind.STEERING_GROUP,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    me = session_for(project_leader, viewport={"width": 768, "height": 1024})
    page = me.page
    page.goto(f"/rapporter/{report.pk}/")
    export = page.locator("button[name=action][value=export]")
    # Far down the page the buttons are still on the screen.
    page.mouse.wheel(0, 6000)
    page.wait_for_timeout(300)
    assert export.is_visible()
    box = export.bounding_box()
    assert box is not None and 0 <= box["y"] <= 1024 - box["height"]
    # Comment boxes are closed: their text areas are not shown until opened.
    comment = page.locator("textarea[name=comment_goals]")
    assert not comment.is_visible()
    page.locator("details:has(textarea[name=comment_goals]) > summary").click()
    assert comment.is_visible()

    page.fill("textarea[name=summary]", "Sparas av sig själv.")
    # Saved a few seconds after the typing stops, without pressing a button.
    for _ in range(60):
        page.wait_for_timeout(250)
        report.refresh_from_db()
        if report.summary:
            break
    page.wait_for_timeout(500)
    status = page.locator("#report-autosave-status").text_content()
    assert "sparas automatiskt" in status
    report.refresh_from_db()
    assert report.summary == "Sparas av sig själv."

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("button", has_text="Radera utkastet").click()
    page.wait_for_url("**/rapporter/arkiv/")
    assert not Report.objects.filter(pk=report.pk).exists()
    assert not me.console_errors, me.console_errors
