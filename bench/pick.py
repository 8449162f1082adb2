"""Pick the benchmark's users and records from the scale dataset (bench/seed_scale.py).

Users with realistic caseloads: the ombud, school coordinator and team lead whose workload is
the median of their kind, so a measurement is neither the emptiest nor the busiest account.
Imported by bench_pages.py and locust_sessions.py after django.setup().
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import User
from sip import models as sm

OPEN = ["assessment", "active", "phasing_out"]


@dataclass
class Persona:
    key: str
    label: str
    user: User
    workload: str
    family_id: int | None  # for the family page
    sip_family_id: int | None  # for the SIP family view
    pupil_support_id: int | None = None


def _median_pick(rows: list[tuple[int, int]]) -> tuple[int, int]:
    """(id, load) closest to the median load; ties to the lowest id."""
    rows = [r for r in rows if r[1] > 0]
    if not rows:
        raise SystemExit("No user with a workload: build the dataset first (bench/seed_scale.py).")
    median = statistics.median(r[1] for r in rows)
    return min(rows, key=lambda r: (abs(r[1] - median), r[0]))


def _median_family(family_ids) -> int | None:
    """The family with the median number of journal entries among these."""
    counts = list(
        cm.Family.objects.filter(id__in=family_ids)
        .annotate(n=Count("journal"))
        .order_by("n", "id")
        .values_list("id", "n")
    )
    return counts[len(counts) // 2][0] if counts else None


def _with_plans(user, family_ids) -> int | None:
    """A family among these with the most SIP plans the user may see."""
    row = (
        access.visible(user, sm.Plan)
        .filter(family_id__in=family_ids)
        .values("family_id")
        .annotate(n=Count("id"))
        .order_by("-n", "family_id")
        .first()
    )
    return row["family_id"] if row else None


def ombud(n: int = 1) -> list[Persona]:
    loads = list(
        User.objects.filter(role=User.Role.FAMILY_OMBUD, is_active=True)
        .annotate(open_families=Count("case_teams", filter=Q(case_teams__family__status__in=OPEN)))
        .values_list("id", "open_families")
    )
    median_id, _ = _median_pick(loads)
    ordered = sorted(loads, key=lambda r: (r[0] != median_id, abs(r[1] - 8), r[0]))
    out = []
    for uid, load in ordered[:n]:
        user = User.objects.get(pk=uid)
        mine = cm.CaseTeamMember.objects.filter(user=user, family__status__in=OPEN).values(
            "family_id"
        )
        total = cm.CaseTeamMember.objects.filter(user=user).count()
        out.append(
            Persona(
                "ombud",
                "Family ombud",
                user,
                f"{load} open families on her case teams ({total} including closed)",
                _median_family(mine),
                _with_plans(user, mine),
            )
        )
    return out


def school_coordinator(n: int = 1) -> list[Persona]:
    today = timezone.localdate()
    per_group = dict(
        cm.PupilSupportGroupObjectPermission.objects.filter(
            valid_until__gte=today, permission__codename="view_pupilsupport"
        )
        .values("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    coordinators = list(
        User.objects.filter(role=User.Role.SCHOOL_COORDINATOR, is_active=True)
        .select_related("administration")
        .order_by("id")
    )
    loads = [(u.pk, per_group.get(u.administration.group_id, 0)) for u in coordinators]
    median_id, _ = _median_pick(loads)
    median_load = dict(loads)[median_id]
    ordered = sorted(loads, key=lambda r: (r[0] != median_id, abs(r[1] - median_load), r[0]))
    out = []
    for uid, load in ordered[:n]:
        user = User.objects.get(pk=uid)
        families = access.visible(user, cm.Family).values("id")
        support = access.visible(user, cm.PupilSupport).order_by("id").first()
        out.append(
            Persona(
                "school",
                "School coordinator",
                user,
                f"{load} pupils shared with her school",
                _median_family(families),
                _with_plans(user, families),
                support.pk if support else None,
            )
        )
    return out


def team_lead(n: int = 1, *, largest: bool = False) -> list[Persona]:
    """The team lead with the median number of open families in her administration, or with
    `largest` the lead of the administration with the most (the issue's heaviest reader)."""
    leads = list(User.objects.filter(role=User.Role.TEAM_LEAD, is_active=True).order_by("id"))
    loads = [
        (u.pk, cm.Family.objects.filter(owner_id=u.administration_id, status__in=OPEN).count())
        for u in leads
    ]
    chosen_id = max(loads, key=lambda r: (r[1], -r[0]))[0] if largest else _median_pick(loads)[0]
    ordered = sorted(loads, key=lambda r: (r[0] != chosen_id, r[0]))
    out = []
    for uid, load in ordered[:n]:
        user = User.objects.get(pk=uid)
        owned = cm.Family.objects.filter(owner_id=user.administration_id)
        out.append(
            Persona(
                "lead_largest" if largest else "lead",
                "Team lead, largest" if largest else "Team lead",
                user,
                f"{load} open families in her administration ({owned.count()} in all)",
                _median_family(owned.filter(status__in=OPEN).values("id")),
                _with_plans(user, owned.filter(status__in=OPEN).values("id")),
            )
        )
    return out


def project_leaders(n: int = 1) -> list[User]:
    return list(User.objects.filter(role=User.Role.PROJECT_LEADER, is_active=True)[:n])
