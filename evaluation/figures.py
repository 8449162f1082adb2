"""The evaluation's report figures: the family questionnaires (family level) and the
collaboration survey (actor level), as raw tables for `reporting.suppression`.

Same signature as reporting's figures (`(period, fig)`); registered in
`reporting/figures/registry.py`, which imports this module while `reporting.figures` loads.
Reporting's table types are imported at the end of this module, so that importing it first
also works (the registry finds the functions already defined). Aggregates only: means with
the number of families or answers behind them, never per family, ombud or person.

Definitions:
- family questionnaires: those answered during the period, by occasion (start, closure, six
  months after closure). Means of the answers 1–5; "would rather not answer" is left out of the
  mean, and a family that declined the questionnaire is counted apart. The occasions are
  different families' answers, not the same families followed (compare with care);
- collaboration survey: the rounds opened on or before the end of the period (the latest
  four), each with those asked, those who answered and the mean of each statement (1–5);
  by kind of administration for the latest of them.
"""

from __future__ import annotations

from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    FAMILY_QUESTIONS,
    SURVEY_QUESTIONS,
    Questionnaire,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from familjelotsen.models import Administration

Occasion = Questionnaire.Occasion
ROUNDS_SHOWN = 4
# Short column headings for the survey's statements (the statements are in the note).
SURVEY_HEADINGS = {
    "overview": _("Overview"),
    "whole_picture": _("Whole picture"),
    "core_time": _("Time for the core task"),
    "collaboration": _("Collaboration works"),
}


def _mean_column(key, label) -> Column:
    return Column(key, label, count=False, additive=False, decimals=1)


def _mean_aggregates(keys, prefix: str = "") -> dict:
    """Mean and number of real answers (1–5) of each key ("would rather not" is 0)."""
    aggregates = {}
    for key in keys:
        answered = Q(**{f"{prefix}{key}__gte": 1})
        aggregates[f"{key}_mean"] = Avg(f"{prefix}{key}", filter=answered)
        aggregates[f"{key}_n"] = Count(f"{prefix}{key}", filter=answered)
    return aggregates


def _scalar(qs) -> Subquery:
    """The one value `v` of a correlated, grouped subquery."""
    return Subquery(qs.values("v")[:1])


def family_follow_up(p: Period, fig: Figures) -> None:
    """Start vs closure vs six months: the mean answer to each question, and how many answered."""
    keys = [key for key, _label in FAMILY_QUESTIONS]
    # One query: per occasion, the means and their bases, and the declined questionnaires.
    by_occasion = {
        r["occasion"]: r
        for r in Questionnaire.objects.filter(
            Q(answered_on__range=(p.start, p.end)) & family_scope_q(p, "family__")
        )
        .values("occasion")
        .annotate(
            answered=Count("id", filter=Q(declined=False)),
            declined_n=Count("id", filter=Q(declined=True)),
            **_mean_aggregates(keys),
        )
        .order_by()
    }
    empty: dict = {}
    rows = [
        Row(
            key,
            label,
            {
                occasion: measure(
                    one_decimal(by_occasion.get(occasion, empty).get(f"{key}_mean")),
                    by_occasion.get(occasion, empty).get(f"{key}_n"),
                )
                for occasion in Occasion.values
            },
        )
        for key, label in FAMILY_QUESTIONS
    ]
    fig.tables["family_follow_up"] = Table(
        "family_follow_up",
        _("The families' own view: mean answer by occasion"),
        [_mean_column(o.value, o.label) for o in Occasion],
        rows,
        note=_(
            "Questionnaires answered during the period; 1 not at all true – 5 completely true. "
            "“Would rather not answer” is left out. Each occasion is the families who answered "
            "then, not the same families followed."
        ),
    )
    fig.tables["family_follow_up_count"] = Table(
        "family_follow_up_count",
        _("Questionnaires answered, by occasion"),
        [Column("answered", _("Answered")), Column("declined", _("Did not want to answer"))],
        [
            Row(
                o.value,
                o.label,
                {
                    "answered": cnt(by_occasion.get(o.value, empty).get("answered")),
                    "declined": cnt(by_occasion.get(o.value, empty).get("declined_n")),
                },
            )
            for o in Occasion
        ],
        note=_("Families; the questionnaire is asked at start, at closure and six months after."),
    )


def survey_rounds(p: Period, fig: Figures) -> None:
    """Round against round: those asked, those who answered and the mean of each statement."""
    keys = [key for key, _label in SURVEY_QUESTIONS]
    # One query: the rounds with their counts and means as correlated subqueries.
    per_round = SurveyResponse.objects.filter(round_id=OuterRef("pk")).order_by().values("round_id")
    invitations = SurveyInvitation.objects.filter(round_id=OuterRef("pk")).order_by()
    annotations = {
        "invited": _scalar(invitations.values("round_id").annotate(v=Count("id"))),
        "answered": _scalar(
            invitations.filter(answered=True).values("round_id").annotate(v=Count("id"))
        ),
    }
    for name, aggregate in _mean_aggregates(keys).items():
        annotations[name] = _scalar(per_round.annotate(v=aggregate))
    scoped = SurveyRound.objects.filter(opened_on__lte=p.end)
    if p.organisations is not None:  # None: every organisation (tests and benchmarks only)
        scoped = scoped.filter(organisations__overlap=sorted(p.organisations))
    rounds = list(scoped.annotate(**annotations).order_by("-opened_on", "-id")[:ROUNDS_SHOWN])
    rounds.reverse()  # oldest first: the comparison reads left to right in time
    rows = []
    for survey_round in rounds:
        cells = {
            "invited": cnt(survey_round.invited),
            "answered": cnt(survey_round.answered),
        }
        cells.update(
            {
                key: measure(
                    one_decimal(getattr(survey_round, f"{key}_mean")),
                    getattr(survey_round, f"{key}_n"),
                )
                for key in keys
            }
        )
        label = f"{survey_round.title} ({survey_round.opened_on:%Y-%m})"
        rows.append(Row(str(survey_round.pk), label, cells))
    fig.tables["survey_rounds"] = Table(
        "survey_rounds",
        _("Collaboration survey, round by round"),
        [
            Column("invited", _("Asked"), additive=False),
            Column("answered", _("Answered"), additive=False),
            *[_mean_column(key, SURVEY_HEADINGS[key]) for key in keys],
        ],
        rows,
        note=_(
            "The professionals around the families, answering anonymously; mean of 1 not at "
            "all true – 5 completely true. The latest four rounds opened by the end of the period."
        ),
    )
    _survey_by_kind(rounds[-1] if rounds else None, fig)


def _survey_by_kind(survey_round: SurveyRound | None, fig: Figures) -> None:
    keys = ("collaboration", "core_time")
    rows_by_kind = {}
    if survey_round is not None:
        rows_by_kind = {
            r["administration_kind"]: r
            for r in SurveyResponse.objects.filter(round=survey_round)
            .values("administration_kind")
            .annotate(n=Count("pk"), **_mean_aggregates(keys))
            .order_by()
        }
    # The total from the rows: each mean weighted by the answers behind it.
    total: dict = {"n": sum(r["n"] for r in rows_by_kind.values())}
    for key in keys:
        n = sum(r[f"{key}_n"] for r in rows_by_kind.values())
        weighted = sum((r[f"{key}_mean"] or 0) * r[f"{key}_n"] for r in rows_by_kind.values())
        total[f"{key}_n"], total[f"{key}_mean"] = n, (weighted / n if n else None)

    def row(key, label, r):
        return Row(
            key,
            label,
            {
                "answered": cnt(r.get("n")),
                "collaboration": measure(
                    one_decimal(r.get("collaboration_mean")), r.get("collaboration_n")
                ),
                "core_time": measure(one_decimal(r.get("core_time_mean")), r.get("core_time_n")),
            },
        )

    fig.tables["survey_by_kind"] = Table(
        "survey_by_kind",
        _("Collaboration survey, latest round by kind of administration"),
        [
            Column("answered", _("Answered")),
            _mean_column("collaboration", SURVEY_HEADINGS["collaboration"]),
            _mean_column("core_time", SURVEY_HEADINGS["core_time"]),
        ],
        [
            row(kind.value, kind.label, rows_by_kind.get(kind.value, {}))
            for kind in Administration.Kind
            if kind.value in rows_by_kind
        ],
        row("total", _("All who answered"), total),
        note=(survey_round.title if survey_round is not None else ""),
    )


# At the end, not the top: importing reporting.figures.tables runs reporting.figures, whose
# registry imports the figures above from this module (see the module's docstring).
from reporting.figures.sql import family_scope_q  # noqa: E402
from reporting.figures.tables import (  # noqa: E402
    Column,
    Figures,
    Period,
    Row,
    Table,
    cnt,
    measure,
    one_decimal,
)
