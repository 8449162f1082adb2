"""Set-up step of the locust run: signed-in sessions for the load test's users.

    DATABASE_URL=<bench db> DJANGO_SECRET_KEY=<the server's> .venv/bin/python \
        bench/locust_sessions.py --users 100 --out bench/data/sessions.json

Logging in through the real form costs an Argon2 hash and a TOTP code per user (and allauth
throttles 30 logins a minute per address); the load test measures the pages, so each virtual
user gets a session made here, the way a completed two-factor login leaves one (staff in the
scale dataset all have an authenticator app). Run with the same DJANGO_SECRET_KEY as the
server: the session's auth hash is keyed with it.

Writes, per virtual user, the session cookie and the records its journey opens and writes
to: the ombud's own families (and those of them she may document and book visits for: her
drafts and visits), the school coordinator's pupils (and those whose support they may change:
the pupil-health-team reviews) and shared families, the project leader's archived reports
(the CSV export; the PDF download of rendered ones). Journal drafts are not listed: the load
test signs the drafts it saved itself. Works on the scale dataset and on the demo data
(`ombud`, `skola`, `projektledare`, `teamledare`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familjelotsen.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from cases import models as cm  # noqa: E402
from familjelotsen import access  # noqa: E402
from familjelotsen.models import User  # noqa: E402
from reporting.models import Report  # noqa: E402
from sip import models as sm  # noqa: E402

OPEN = ["assessment", "active", "phasing_out"]
# The journeys' mix of virtual users (SPEC §5): ombuds are most of the staff.
MIX = {"ombud": 0.6, "school": 0.25, "project_leader": 0.05, "lead": 0.10}


def session_for(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def ombud_rows(n: int) -> list[dict]:
    users = (
        User.objects.filter(role=User.Role.FAMILY_OMBUD, case_teams__family__status__in=OPEN)
        .distinct()
        .order_by("id")[:n]
    )
    rows = []
    for u in users:
        families = list(
            cm.CaseTeamMember.objects.filter(user=u, family__status__in=OPEN)
            .order_by("family_id")
            .values_list("family_id", flat=True)
        )
        # Writing a journal entry needs DOCUMENT, booking a visit OVERSEE: the case team has
        # both, but the policy decides.
        writable = (
            access.visible(u, cm.Family, access.DOCUMENT)
            .filter(id__in=families)
            .filter(id__in=access.visible(u, cm.Family, access.OVERSEE).values("id"))
        )
        write_families = sorted(writable.values_list("id", flat=True))
        rows.append(
            {"journey": "ombud", "user": u, "families": families, "write_families": write_families}
        )
    return rows


def school_rows(n: int) -> list[dict]:
    rows = []
    for u in User.objects.filter(role=User.Role.SCHOOL_COORDINATOR).order_by("id"):
        pupils = list(
            access.visible(u, cm.PupilSupport).order_by("id").values_list("id", flat=True)[:50]
        )
        if not pupils:
            continue
        plans = access.visible(u, sm.Plan).values("family_id")
        families = list(
            access.visible(u, cm.Family).filter(id__in=plans).values_list("id", flat=True)[:50]
        )
        # Reviews are recorded on pupil support the coordinator may change (CHANGE).
        review_pupils = list(
            access.visible(u, cm.PupilSupport, access.CHANGE)
            .order_by("id")
            .values_list("id", flat=True)[:50]
        )
        rows.append(
            {
                "journey": "school",
                "user": u,
                "pupils": pupils,
                "review_pupils": review_pupils,
                "families": families,
            }
        )
        if len(rows) == n:
            break
    return rows


def lead_rows(n: int) -> list[dict]:
    rows = []
    for u in User.objects.filter(role=User.Role.TEAM_LEAD).order_by("id")[:n]:
        families = list(
            cm.Family.objects.filter(owner_id=u.administration_id, status__in=OPEN)
            .order_by("id")
            .values_list("id", flat=True)[:50]
        )
        rows.append({"journey": "lead", "user": u, "families": families})
    return rows


def leader_rows(n: int) -> list[dict]:
    rows = []
    for u in User.objects.filter(role=User.Role.PROJECT_LEADER).order_by("id")[:n]:
        # The archive's newest reports (the CSV export); the rendered ones also have a PDF.
        # None yet (the demo data): the load test makes one through the new-report form.
        reports = access.visible_reports(u).order_by("-id")
        rows.append(
            {
                "journey": "project_leader",
                "user": u,
                "reports": list(reports.values_list("id", flat=True)[:20]),
                "pdf_reports": list(
                    reports.filter(status=Report.Status.DONE).values_list("id", flat=True)[:20]
                ),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "data" / "sessions.json")
    args = parser.parse_args()
    want = {k: max(1, round(args.users * share)) for k, share in MIX.items()}
    rows = (
        ombud_rows(want["ombud"])
        + school_rows(want["school"])
        + leader_rows(want["project_leader"])
        + lead_rows(want["lead"])
    )
    for row in rows:
        user = row.pop("user")
        row["username"] = user.username
        row["cookie"] = session_for(user)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "users": rows,
    }
    args.out.write_text(json.dumps(payload, indent=1))
    counts = {k: sum(1 for r in rows if r["journey"] == k) for k in MIX}
    print(f"{len(rows)} sessions written to {args.out}: {counts}")


if __name__ == "__main__":
    main()
