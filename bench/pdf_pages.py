"""The steering-group PDF for one year, end to end as the export task builds it, read back:
render time, pages and queries (complements bench_report.py, which splits the time).

    DATABASE_URL=<bench db> .venv/bin/python bench/pdf_pages.py [--year 2025]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
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
from pypdf import PdfReader  # noqa: E402

from familjelotsen.models import Administration, User  # noqa: E402
from reporting import figures, services, suppression  # noqa: E402
from reporting.models import Report, ReportKind  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    args = parser.parse_args()
    period = figures.Period(dt.date(args.year, 1, 1), dt.date(args.year, 12, 31))
    report = Report(
        kind=ReportKind.STEERING_GROUP,
        period_start=period.start,
        period_end=period.end,
        created_by=User(username="bench", role=User.Role.PROJECT_LEADER),
        made_in=Administration(name="Bench"),
        summary="Benchmark.",
        language="sv",
    )
    # A fresh process: the first export of a worker, WeasyPrint imported on the way.
    with translation.override("sv"), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        tables = suppression.suppress(figures.compute(period))
        pdf = services.render_pdf("reporting/report_pdf.html", services.pdf_context(report, tables))
        first = time.perf_counter() - started
    with translation.override("sv"):
        started = time.perf_counter()
        tables = suppression.suppress(figures.compute(period))
        pdf = services.render_pdf("reporting/report_pdf.html", services.pdf_context(report, tables))
        warm = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"End to end, first in a fresh process: {first:.2f} s; warm worker: {warm:.2f} s")
    print(f"Pages: {pages}; queries: {len(captured.captured_queries)}; {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
