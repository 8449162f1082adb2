"""Benchmark: server time and SQL queries of the main pages, their SQL floor, and the
visibility selector against django-guardian, on the scale dataset (bench/seed_scale.py).

    DATABASE_URL=<bench db> .venv/bin/python bench/bench_pages.py [--runs 30] [--out FILE]

Runs with DEBUG off (a throw-away secret key; static files collected into bench/data/static),
requests go through Django's test Client with force_login, as three users with median
workloads (bench/pick.py). For every page: median and p95 of the server time over --runs
requests (after warm-up), the number of SQL queries, and the time of the page's main query
alone, re-run with a cursor (the floor). Prints a Markdown report; --out also writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-throwaway-" + secrets.token_hex(24))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "bench" / "data" / "static"))

import django  # noqa: E402

django.setup()

import pick  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402

from cases import models as cm  # noqa: E402
from familjelotsen import access  # noqa: E402
from familjelotsen.models import AccessLogEntry  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# Each page: path, which personas may open it, and how to find its main query among the
# captured ones (the list or record the page is about).
def pages(persona) -> list[tuple[str, str, str | None]]:
    rows = []
    if persona.key in ("ombud", "lead", "lead_largest"):
        rows.append(("Mina familjer", "/familjer/", 'FROM "cases_family"'))
    if persona.family_id:
        rows.append(("Family page", f"/familjer/{persona.family_id}/", 'FROM "cases_journalentry"'))
    rows.append(("Pupil list", "/familjer/elever/", 'FROM "cases_pupilsupport"'))
    if persona.sip_family_id:
        rows.append(("SIP family view", f"/sip/familj/{persona.sip_family_id}/", 'FROM "sip_plan"'))
    if persona.key in ("lead", "lead_largest"):
        rows.append(("Access-log review", "/loggkontroll/", 'FROM "familjelotsen_accesslogentry"'))
    return rows


def main_query(captured: list[dict], marker: str | None) -> str | None:
    """The page's main query: the slowest captured SELECT that reads the page's table."""
    if marker is None:
        return None
    candidates = [
        q
        for q in captured
        if q["sql"].lstrip().upper().startswith("SELECT")
        and marker in q["sql"]
        and "COUNT(*)" not in q["sql"].upper()
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda q: float(q["time"]))["sql"]


def time_sql(sql: str, runs: int) -> float:
    times = []
    with connection.cursor() as cur:
        for _ in range(runs + 2):
            started = time.perf_counter()
            cur.execute(sql)
            cur.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times[2:])


def measure_page(client: Client, path: str, marker: str | None, runs: int) -> dict:
    for _ in range(3):  # warm-up: caches, prepared template loaders, connection
        response = client.get(path, secure=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, secure=True)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            break
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, secure=True)
    sql = main_query(captured.captured_queries, marker)
    floor = time_sql(sql, runs) if sql else None
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return {
        "status": response.status_code,
        "median": statistics.median(times),
        "p95": pct(times, 95),
        "queries": len(captured.captured_queries),
        "floor": floor,
        "main_sql": sql,
        "slowest_sql": slowest["sql"] if slowest else None,
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else None,
    }


def time_call(func, runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def visibility(persona, model, perm: str, runs: int) -> dict:
    user = persona.user

    def ours():
        return list(access.visible(user, model).values_list("id", flat=True))

    def guardian():
        return list(
            get_objects_for_user(
                user, perm, klass=model, with_superuser=False, accept_global_perms=False
            ).values_list("id", flat=True)
        )

    sql = str(access.visible(user, model).values_list("id", flat=True).query)
    compiled = access.visible(user, model).values_list("id", flat=True)
    with CaptureQueriesContext(connection) as captured:
        list(compiled)
    raw = captured.captured_queries[-1]["sql"] if captured.captured_queries else sql
    return {
        "model": model.__name__,
        "rows_ours": len(ours()),
        "rows_guardian": len(guardian()),
        "ours": time_call(ours, runs),
        "raw": time_sql(raw, runs),
        "guardian": time_call(guardian, runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    static_root = Path(settings.STATIC_ROOT)
    if not settings.DEBUG and not (static_root / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    data = {
        "debug": settings.DEBUG,
        "families": cm.Family.objects.count(),
        "members": cm.Member.objects.count(),
        "journal_entries": cm.JournalEntry.objects.count(),
        "access_log": AccessLogEntry.objects.count(),
        "personas": [],
        "pages": [],
        "visibility": [],
    }
    personas = [
        *pick.ombud(),
        *pick.school_coordinator(),
        *pick.team_lead(),
        *pick.team_lead(largest=True),
    ]
    for persona in personas:
        data["personas"].append(
            {
                "key": persona.key,
                "label": persona.label,
                "username": persona.user.username,
                "workload": persona.workload,
                "family": persona.family_id,
                "sip_family": persona.sip_family_id,
            }
        )
        client = Client()
        client.force_login(persona.user)
        for name, path, marker in pages(persona):
            row = measure_page(client, path, marker, args.runs)
            row.update(page=name, path=path, who=persona.label)
            data["pages"].append(row)
            print(
                f"{persona.label:20} {name:18} {row['status']} median {ms(row['median']):>7} ms"
                f"  p95 {ms(row['p95']):>7} ms  {row['queries']:>3} queries  floor "
                f"{ms(row['floor']) if row['floor'] else '-':>6} ms",
                flush=True,
            )
        models = [(cm.Family, "cases.view_family")]
        if persona.key == "school":
            models.append((cm.PupilSupport, "cases.view_pupilsupport"))
        for model, perm in models:
            row = visibility(persona, model, perm, args.runs)
            row["who"] = persona.label
            data["visibility"].append(row)
            print(
                f"{persona.label:20} visible({row['model']}) {row['rows_ours']} rows "
                f"{ms(row['ours'])} ms (raw SQL {ms(row['raw'])} ms); guardian "
                f"{row['rows_guardian']} rows {ms(row['guardian'])} ms",
                flush=True,
            )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, indent=2, default=str))
    print()
    print(report(data))


def report(data: dict) -> str:
    lines = [
        f"Data: {data['families']:,} families, {data['members']:,} members, "
        f"{data['journal_entries']:,} journal entries, {data['access_log']:,} access-log rows; "
        f"DEBUG {'on' if data['debug'] else 'off'}.",
        "",
        "| user | workload |",
        "|---|---|",
    ]
    lines += [f"| {p['label']} (`{p['username']}`) | {p['workload']} |" for p in data["personas"]]
    lines += [
        "",
        "| page | as | status | median ms | p95 ms | queries | main query ms | page / floor |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in data["pages"]:
        ratio = f"{r['median'] / r['floor']:.1f}×" if r["floor"] else "–"
        floor = ms(r["floor"]) if r["floor"] else "–"
        lines.append(
            f"| {r['page']} | {r['who']} | {r['status']} | {ms(r['median'])} | {ms(r['p95'])} |"
            f" {r['queries']} | {floor} | {ratio} |"
        )
    lines += [
        "",
        "| visibility of | as | rows (ours / guardian) | access.visible ms | its raw SQL ms |"
        " selector / raw | guardian ms | guardian / ours |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in data["visibility"]:
        lines.append(
            f"| {r['model']} | {r['who']} | {r['rows_ours']} / {r['rows_guardian']} |"
            f" {ms(r['ours'])} | {ms(r['raw'])} | {r['ours'] / r['raw']:.2f}× |"
            f" {ms(r['guardian'])} | {r['guardian'] / r['ours']:.2f}× |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
