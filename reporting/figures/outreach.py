"""The team's work outside the family cases (issue 20 parts 3–4): consultations for
professionals and parenting-support courses, as raw tables for `reporting.suppression`.

Definitions (each table carries its own in its note, printed under it):
- consultations: those held during the period, by the kind of the asking professional's
  administration; hours are the time spent on them. Counted like persons (1–4 shown as "<5"):
  a few consultations from one kind of administration could point at the professional who
  asked. Their follow-up is counted the same way;
- courses: those that started during the period, by the administration they are run for.
  Participants are places on the courses (a parent on two courses counts twice), named and
  anonymous together; completed are those who attended at least the course's number of
  sessions (the anonymous as the leaders recorded them).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation
from courses.models import Attendance, Course, Participant, Session
from familjelotsen.models import Administration
from reporting.figures.sql import T_ADMIN, administration_in_scope, fetch, scope_params
from reporting.figures.tables import Cell, Column, Figures, Period, Row, Table, cnt, to_hours

T_CONSULTATION = Consultation._meta.db_table
T_COURSE = Course._meta.db_table
T_SESSION = Session._meta.db_table
T_PARTICIPANT = Participant._meta.db_table
T_ATTENDANCE = Attendance._meta.db_table

CONSULTATIONS_DEFINITION = _(
    "Consultations held during the period: a professional asked the team for advice without "
    "identifying the family. By the kind of the asking professional's administration; hours "
    "are the time the team spent on them."
)
COURSES_DEFINITION = _(
    "Parenting-support courses that started during the period, by the administration they "
    "are run for. Participants are places on the courses, registered and anonymous parents "
    "together; completed are those who attended at least the course's number of sessions."
)


def consultations(p: Period, fig: Figures) -> None:
    sql = f"""
        SELECT a.kind, GROUPING(a.kind) AS is_total, count(*) AS n, sum(c.minutes) AS minutes,
               count(*) FILTER (WHERE c.follow_up = 'new_consultation') AS again,
               count(*) FILTER (WHERE c.follow_up = 'request') AS request
        FROM {T_CONSULTATION} c JOIN {T_ADMIN} a ON a.id = c.asking_administration_id
        WHERE c.held_on BETWEEN %(start)s AND %(end)s
          AND {administration_in_scope(p, "c.asking_administration_id")}
        GROUP BY ROLLUP (a.kind)
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["kind"]): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }

    def cells(r) -> dict:
        if not r:
            return {"consultations": cnt(0), "hours": Cell(0, 0, decimals=1)}
        return {
            "consultations": cnt(r["n"]),
            "hours": Cell(to_hours(r["minutes"]), r["n"]),
        }

    total = data.get(None)
    fig.tables["consultations"] = Table(
        "consultations",
        _("Consultations for professionals, by the asking administration"),
        [
            Column("consultations", _("Consultations")),
            Column("hours", _("Hours"), count=False, decimals=1),
        ],
        [Row(k.value, k.label, cells(data.get(k.value))) for k in Administration.Kind],
        Row("total", _("All consultations"), cells(total)),
        note=CONSULTATIONS_DEFINITION,
    )
    n = total["n"] if total else 0
    again = total["again"] if total else 0
    request = total["request"] if total else 0
    fig.tables["consultation_follow_up"] = Table(
        "consultation_follow_up",
        _("What followed the consultations"),
        [Column("consultations", _("Consultations"))],
        [
            Row("none", _("Nothing further"), {"consultations": cnt(n - again - request)}),
            Row("new_consultation", _("A new consultation"), {"consultations": cnt(again)}),
            Row("request", _("Became a request"), {"consultations": cnt(request)}),
        ],
        Row("total", _("All consultations"), {"consultations": cnt(n)}),
        note=_("The follow-up the team recorded for each consultation of the period."),
    )
    fig.facts["consultations"] = n


def courses(p: Period, fig: Figures) -> None:
    sql = f"""
        WITH attended AS (
            SELECT participant_id, count(*) AS n FROM {T_ATTENDANCE} GROUP BY participant_id
        ), named AS (
            SELECT pa.course_id, count(*) AS n,
                   count(*) FILTER (WHERE COALESCE(at.n, 0) >= co.sessions_to_complete) AS done
            FROM {T_PARTICIPANT} pa
            JOIN {T_COURSE} co ON co.id = pa.course_id
            LEFT JOIN attended at ON at.participant_id = pa.id
            GROUP BY pa.course_id
        ), sessions AS (
            SELECT course_id, count(*) AS n FROM {T_SESSION} GROUP BY course_id
        )
        SELECT c.administration_id, a.name, GROUPING(c.administration_id) AS is_total,
               count(*) AS courses,
               sum(COALESCE(s.n, 0)) AS sessions,
               sum(COALESCE(nm.n, 0) + c.anonymous_participants) AS participants,
               sum(COALESCE(nm.done, 0) + c.anonymous_completed) AS completed
        FROM {T_COURSE} c
        JOIN {T_ADMIN} a ON a.id = c.administration_id
        LEFT JOIN named nm ON nm.course_id = c.id
        LEFT JOIN sessions s ON s.course_id = c.id
        WHERE c.start_date BETWEEN %(start)s AND %(end)s
          AND {administration_in_scope(p, "c.administration_id")}
        GROUP BY ROLLUP ((c.administration_id, a.name))
    """  # noqa: S608 -- table names from model meta; values are parameters
    data = {
        (None if r["is_total"] else r["administration_id"]): r
        for r in fetch(sql, {"start": p.start, "end": p.end, **scope_params(p)})
    }
    names = {k: r["name"] for k, r in data.items() if k is not None}

    def cells(r) -> dict:
        r = r or {}
        participants = int(r.get("participants") or 0)
        return {
            # Courses and sessions are no persons: shown unless too few parents lie behind.
            "courses": Cell(int(r.get("courses") or 0), participants),
            "sessions": Cell(int(r.get("sessions") or 0), participants),
            "participants": cnt(participants),
            "completed": cnt(r.get("completed")),
        }

    rows = [
        Row(str(pk), names.get(pk, ""), cells(r))
        for pk, r in sorted(data.items(), key=lambda kv: names.get(kv[0], ""))
        if pk is not None
    ]
    fig.tables["courses"] = Table(
        "courses",
        _("Parenting-support courses, by municipality / administration"),
        [
            Column("courses", _("Courses"), count=False),
            Column("sessions", _("Sessions"), count=False),
            Column("participants", _("Participants")),
            Column("completed", _("Completed")),
        ],
        rows,
        Row("total", _("All courses"), cells(data.get(None))),
        note=COURSES_DEFINITION,
    )
    total = data.get(None) or {}
    fig.facts["courses"] = int(total.get("courses") or 0)
    fig.facts["course_participants"] = int(total.get("participants") or 0)
