"""Benchmark: the steering-group PDF and the report dashboard, and where their queries go
(issue 16, "Beyond one machine"): with DATABASE_REPLICA_URL set, the figures are read on the
streaming replica (familjelotsen.db), everything else on the primary.

    DATABASE_URL=<primary> [DATABASE_REPLICA_URL=<replica>] .venv/bin/python \\
        bench/bench_replica.py [--year 2025] [--runs 5]

`bench/run.sh` runs it with BENCH_REPLICA=1 twice: on the primary alone, and with the local
replica of `scripts/pg-replica.sh`. Nothing is written but the login sessions of the
dashboard's project leader. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-throwaway-" + secrets.token_hex(24))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "bench" / "data" / "static"))

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from familjelotsen import db  # noqa: E402
from familjelotsen.models import Administration, User  # noqa: E402
from reporting import selectors, services  # noqa: E402
from reporting.figures import Period  # noqa: E402
from reporting.models import Report, ReportKind  # noqa: E402


class Queries:
    """The queries each alias ran inside the block."""

    def __init__(self):
        self.aliases = [alias for alias in (db.PRIMARY, db.REPLICA) if alias in connections]

    def __enter__(self):
        self.contexts = {a: CaptureQueriesContext(connections[a]) for a in self.aliases}
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)
        return False

    def counts(self) -> dict[str, int]:
        return {a: len(c.captured_queries) for a, c in self.contexts.items()}


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def bench_pdf(period: Period, runs: int) -> dict:
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
    figures, renders = [], []
    for _ in range(runs):
        with translation.override("sv"), Queries() as queries:
            started = time.perf_counter()
            # What the render task does: the figures through the replica context.
            tables = selectors.period_tables(period)
            computed = time.perf_counter()
            services.render_pdf("reporting/report_pdf.html", services.pdf_context(report, tables))
            rendered = time.perf_counter()
        figures.append(computed - started)
        renders.append(rendered - computed)
    return {
        "what": f"Steering-group PDF {period.start.year}",
        "median_ms": median_ms([f + r for f, r in zip(figures, renders, strict=True)]),
        "detail": f"figures {median_ms(figures):.0f} ms, rendering {median_ms(renders):.0f} ms",
        "queries": queries.counts(),
    }


def bench_dashboard(runs: int) -> dict | None:
    leader = User.objects.filter(
        role=User.Role.PROJECT_LEADER, is_active=True, administration__isnull=False
    ).first()
    if leader is None:
        return None
    client = Client()
    client.force_login(leader)
    for _ in range(2):  # warm-up: templates, connections
        response = client.get("/rapporter/", secure=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/rapporter/", secure=True)
        times.append(time.perf_counter() - started)
    with Queries() as queries:
        response = client.get("/rapporter/", secure=True)
    return {
        "what": "Report dashboard",
        "median_ms": median_ms(times),
        "detail": f"status {response.status_code}, slowest {max(times) * 1000:.0f} ms",
        "queries": queries.counts(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    period = Period(dt.date(args.year, 1, 1), dt.date(args.year, 12, 31))
    where = "primary + replica" if db.replica_configured() else "primary only"
    if db.replica_configured():
        with db.on_replica():
            assert db.read_alias() == db.REPLICA, "the replica cannot be reached"
    rows = [bench_pdf(period, args.runs), bench_dashboard(args.runs)]
    print(f"Databases: {where}; {args.runs} runs each")
    print()
    print("| what | median ms | detail | queries on the primary | queries on the replica |")
    print("|---|---:|---|---:|---:|")
    for row in rows:
        if row is None:
            print("| Report dashboard | – | no project leader in this database | | |")
            continue
        counts = row["queries"]
        print(
            f"| {row['what']} | {row['median_ms']:.0f} | {row['detail']} |"
            f" {counts.get(db.PRIMARY, 0)} | {counts.get(db.REPLICA, '–')} |"
        )


if __name__ == "__main__":
    main()
