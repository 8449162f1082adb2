"""Benchmark: the steering-group PDF for one year (issue 7), on whatever the database holds.

Measures the two halves of an export separately, as the background task runs them:
computing every figure (SQL) and rendering the PDF (WeasyPrint), with the query count.
Nothing is written to the database: the report row is never saved.

    DATABASE_URL=... .venv/bin/python bench/bench_report.py [--year 2025] [--runs 3]

Run it on the scale dataset of the benchmarks issue for meaningful numbers, and record the
results in bench/results.md (machine, date, command, data size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from cases import models as cm  # noqa: E402
from familjelotsen.models import Administration, User  # noqa: E402
from reporting import figures, services, suppression  # noqa: E402
from reporting.models import Report, ReportKind  # noqa: E402


def data_size() -> dict[str, int]:
    return {
        "families": cm.Family.objects.count(),
        "members": cm.Member.objects.count(),
        "journal entries": cm.JournalEntry.objects.count(),
        "time entries": cm.TimeEntry.objects.count(),
        "goal follow-ups": cm.GoalFollowUp.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    period = figures.Period(dt.date(args.year, 1, 1), dt.date(args.year, 12, 31))
    # An unsaved report: the template needs its kind, period and narrative only.
    author = User(username="bench", role=User.Role.PROJECT_LEADER)
    report = Report(
        kind=ReportKind.STEERING_GROUP,
        period_start=period.start,
        period_end=period.end,
        created_by=author,
        made_in=Administration(name="Bench"),
        summary="Benchmark.",
        language="sv",
    )
    print(f"Data: {data_size()}")
    print(f"Period: {period.start} – {period.end}, {args.runs} runs")
    figure_times, render_times, queries, sizes = [], [], [], []
    for _ in range(args.runs):
        with translation.override("sv"), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            tables = suppression.suppress(figures.compute(period))
            computed = time.perf_counter()
            pdf = services.render_pdf(
                "reporting/report_pdf.html",
                services.pdf_context(report, tables),
                **services.PDF_OPTIONS,  # tagged PDF/UA, as the archive renders it
            )
            rendered = time.perf_counter()
        figure_times.append(computed - started)
        render_times.append(rendered - computed)
        queries.append(len(captured.captured_queries))
        sizes.append(len(pdf))
    print(f"Figures (SQL + suppression): median {statistics.median(figure_times):.3f} s")
    print(f"PDF rendering:               median {statistics.median(render_times):.3f} s")
    total = [f + r for f, r in zip(figure_times, render_times, strict=True)]
    print(f"Total:                       median {statistics.median(total):.3f} s")
    print(f"Queries per report:          {max(queries)}")
    print(f"PDF size:                    {max(sizes) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
