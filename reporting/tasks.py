"""Background work: rendering a report's PDF (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from reporting import services


@task()
def render_report(report_id: int) -> str:
    """Render and archive one report; the report row carries the progress and the outcome."""
    return services.report_render(report_id=report_id).status
