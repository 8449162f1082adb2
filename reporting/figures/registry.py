"""The figures in the order they are computed, and `compute(period)`, the one entry point."""

from __future__ import annotations

from collections.abc import Callable

from evaluation.figures import family_follow_up, survey_rounds
from reporting.figures.flow import durations_and_placements, flow, monthly
from reporting.figures.members import members
from reporting.figures.money import money
from reporting.figures.network import network
from reporting.figures.outcomes import goal_progress, kasam, obstacles
from reporting.figures.outreach import consultations, courses
from reporting.figures.sip import sip
from reporting.figures.tables import Figures, Period
from reporting.figures.work import caseload, cost, hours_by_activity, journal

# In order: later figures may read earlier ones (cost reads hours and flow).
FIGURES: list[Callable[[Period, Figures], None]] = [
    flow,
    monthly,
    durations_and_placements,
    caseload,
    members,
    goal_progress,
    kasam,
    obstacles,
    journal,
    hours_by_activity,
    cost,
    sip,
    network,
    consultations,  # consultations for professionals (issue 20)
    courses,  # parenting-support courses (issue 20)
    money,  # reads placements, consultations and courses (volume targets)
    family_follow_up,  # evaluation: the family questionnaires (issue 19)
    survey_rounds,  # evaluation: the collaboration survey (issue 19)
]


def compute(period: Period) -> Figures:
    """Every figure for the period, each computed once."""
    fig = Figures(period)
    for figure in FIGURES:
        figure(period, fig)
    return fig
