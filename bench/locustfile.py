"""Load test of the three journeys' read paths (SPEC §5), against 127.0.0.1 only.

    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8765 --headless \
        -u 100 -r 10 -t 5m --csv bench/data/locust

Sessions come from bench/locust_sessions.py (BENCH_SESSIONS, default
bench/data/sessions.json); each virtual user takes the next account in the file. The server
runs with DEBUG off behind "TLS" (X-Forwarded-Proto: https, as the proxy in front of gunicorn
sends it), so the __Host- session cookie is sent as a header.

Journeys (read paths only: nothing is written but the access log and the session):
1. the family ombud: Mina familjer, one of her families, the new journal entry form;
2. the school coordinator: the pupil list, one pupil, the SIP family view of a shared family;
3. the project leader: the report dashboard, the new-report form, the archive;
and team leads: the waiting list, a family, the access-log review.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

HOST_ALLOWED = ("127.0.0.1", "localhost", "[::1]")
SESSIONS = json.loads(
    Path(
        os.environ.get("BENCH_SESSIONS", Path(__file__).resolve().parent / "data" / "sessions.json")
    ).read_text()
)
_BY_JOURNEY: dict[str, itertools.cycle] = {}


def _next(journey: str) -> dict:
    rows = [r for r in SESSIONS["users"] if r["journey"] == journey]
    cycle = _BY_JOURNEY.setdefault(journey, itertools.cycle(rows))
    return next(cycle)


class Staff(HttpUser):
    abstract = True
    journey = ""
    # A person reads a page for a few seconds before the next click.
    wait_time = between(2, 5)

    def on_start(self):
        if not any(h in (self.host or "") for h in HOST_ALLOWED):
            raise RuntimeError("The load test runs against this machine (127.0.0.1) only.")
        self.account = _next(self.journey)
        self.client.headers.update(
            {
                "Cookie": f"{SESSIONS['cookie_name']}={self.account['cookie']}",
                "X-Forwarded-Proto": "https",
                "Accept-Language": "sv",
            }
        )

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")


class Ombud(Staff):
    weight = 6
    journey = "ombud"

    @task(3)
    def my_families(self):
        self.get("/familjer/", "ombud: Mina familjer")

    @task(4)
    def family(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/", "ombud: family page")

    @task(2)
    def new_entry(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/journal/ny/", "ombud: new journal entry form")


class SchoolCoordinator(Staff):
    weight = 3
    journey = "school"

    @task(3)
    def pupils(self):
        self.get("/familjer/elever/", "school: pupil list")

    @task(3)
    def pupil(self):
        pupil = random.choice(self.account["pupils"])
        self.get(f"/familjer/elever/{pupil}/", "school: pupil")

    @task(1)
    def sip(self):
        if self.account["families"]:
            family = random.choice(self.account["families"])
            self.get(f"/sip/familj/{family}/", "school: SIP family view")


class ProjectLeader(Staff):
    weight = 1
    journey = "project_leader"

    @task(3)
    def dashboard(self):
        self.get("/rapporter/", "project leader: report dashboard")

    @task(1)
    def new_report(self):
        self.get("/rapporter/ny/", "project leader: new report form")

    @task(1)
    def archive(self):
        self.get("/rapporter/arkiv/", "project leader: archive")


class TeamLead(Staff):
    weight = 1
    journey = "lead"

    @task(2)
    def waiting_list(self):
        self.get("/familjer/vantelista/", "lead: waiting list")

    @task(2)
    def family(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/", "lead: family page")

    @task(1)
    def access_log(self):
        self.get("/loggkontroll/", "lead: access-log review")
