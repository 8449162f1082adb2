"""Background work of the reporting app: rendering a report's PDF (django-tasks, database
backend: `manage.py db_worker`).

The rule: tasks only queue, services do the work and never queue. The `@task` functions here
are thin: each calls a function of `reporting.services` that does the work. Whoever needs work
queued (a view, a management command) calls this module; a flow that does work and then
queues more (an export: save the narrative, then render) is orchestrated here too.
`reporting.services` never imports this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import transaction
from django_tasks import task

from reporting import services

if TYPE_CHECKING:
    from familjelotsen.models import User
    from reporting.models import Report


@task()
def render_report(report_id: int) -> str:
    """Render and archive one report; the report row carries the progress and the outcome."""
    return services.report_render(report_id=report_id).status


def report_export(
    *,
    report: Report,
    user: User,
    summary: str,
    comments: Mapping[str, str],
    expected_version: int,
    language: str = "sv",
) -> Report:
    """Save the narrative (`services.report_export`) and queue the PDF: `render_report` runs
    once the transaction commits (the report page shows the progress)."""
    report = services.report_export(
        report=report,
        user=user,
        summary=summary,
        comments=comments,
        expected_version=expected_version,
        language=language,
    )
    report_id = report.pk
    transaction.on_commit(lambda: render_report.enqueue(report_id))
    return report
