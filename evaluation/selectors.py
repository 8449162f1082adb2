"""Every read the evaluation's pages make. Individual answers start from the access policy
(`access.visible_questionnaires`); the extract reads only families that agreed to take part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from evaluation.models import (
    FAMILY_QUESTIONS,
    EvaluationAgreement,
    EvaluationKey,
    ExtractMade,
    Questionnaire,
    SurveyComment,
    SurveyInvitation,
    SurveyRound,
)
from familjelotsen import access
from familjelotsen.rows import all_fields, from_json, json_rows

Occasion = Questionnaire.Occasion
Status = cm.Family.Status

# How long after the end date each questionnaire is asked for, and until when.
CLOSURE_WINDOW = dt.timedelta(days=182)
SIX_MONTHS = dt.timedelta(days=182)
SIX_MONTHS_WINDOW = dt.timedelta(days=365)
# A six-month questionnaire shows up this long before it is due, so a visit can be planned.
SHOWS_BEFORE = dt.timedelta(days=30)
OPEN_WORK = (Status.ACTIVE, Status.PHASING_OUT)


@dataclass(frozen=True)
class Due:
    family: cm.Family
    occasion: str
    label: str
    due_on: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()

    @property
    def url(self) -> str:
        return reverse("evaluation:questionnaire_new", args=[self.family.pk]) + (
            f"?tillfalle={self.occasion}"
        )


def due_occasions(family: cm.Family, done: set[str], today: dt.date) -> list[Due]:
    """The questionnaires the family is due (or soon due) for, given those entered."""
    due = []
    if family.status in OPEN_WORK and family.start_date and Occasion.START not in done:
        due.append(Due(family, Occasion.START, Occasion.START.label, family.start_date))
    if family.status == Status.CLOSED and family.end_date:
        if Occasion.CLOSURE not in done and today <= family.end_date + CLOSURE_WINDOW:
            due.append(Due(family, Occasion.CLOSURE, Occasion.CLOSURE.label, family.end_date))
        six = family.end_date + SIX_MONTHS
        if (
            Occasion.SIX_MONTHS not in done
            and six - SHOWS_BEFORE <= today <= family.end_date + SIX_MONTHS_WINDOW
        ):
            due.append(Due(family, Occasion.SIX_MONTHS, Occasion.SIX_MONTHS.label, six))
    return due


def _occasions_done(family_ids) -> dict[int, set[str]]:
    done: dict[int, set[str]] = {}
    for family_id, occasion in Questionnaire.objects.filter(family_id__in=family_ids).values_list(
        "family_id", "occasion"
    ):
        done.setdefault(family_id, set()).add(occasion)
    return done


def due_questionnaires(user) -> list[Due]:
    """The ombud's work: questionnaires due for the families whose case team they are on,
    the six-month one after closure too; the most overdue first. Two queries."""
    today = timezone.localdate()
    families = list(
        access.visible_families(user, access.DOCUMENT)
        .filter(
            Q(status__in=OPEN_WORK, start_date__isnull=False)
            | Q(status=Status.CLOSED, end_date__gte=today - SIX_MONTHS_WINDOW)
        )
        .only("id", "reference", "status", "start_date", "end_date")
    )
    done = _occasions_done([f.pk for f in families])
    due = [d for f in families for d in due_occasions(f, done.get(f.pk, set()), today)]
    return sorted(due, key=lambda d: (d.due_on, d.family.reference))


def family_panel(user, family: cm.Family) -> dict:
    """The follow-up panel of the family page: for the case team only (nobody else reads the
    answers, and the panel says nothing to others). One query."""
    if not access.family_permissions(user, family).document:
        return {}
    # The questionnaires (with the basis, for the page's log) and the agreement: one statement.
    row = (
        cm.Family.objects.filter(pk=family.pk)
        .values(
            panel_questionnaires=json_rows(
                access.visible_questionnaires(user)
                .filter(family_id=OuterRef("pk"))
                .order_by("answered_on", "id"),
                **all_fields(Questionnaire),
                access_basis="access_basis",
                access_consent_id="access_consent_id",
            ),
            panel_agreement=json_rows(
                EvaluationAgreement.objects.filter(family_id=OuterRef("pk")),
                **all_fields(EvaluationAgreement),
            ),
        )
        .get()
    )
    questionnaires = [from_json(Questionnaire, r) for r in row["panel_questionnaires"]]
    agreement = next((from_json(EvaluationAgreement, r) for r in row["panel_agreement"]), None)
    done = {q.occasion for q in questionnaires}
    return {
        "family": family,
        "questionnaires": questionnaires,
        "due": due_occasions(family, done, timezone.localdate()),
        "agreement": agreement,
        "open_occasions": [o for o in Occasion if o not in done],
    }


def family_questionnaires(user, family: cm.Family) -> list[Questionnaire]:
    return list(
        access.visible_questionnaires(user)
        .filter(family_id=family.pk)
        .select_related("entered_by")
        .order_by("answered_on")
    )


def answer_rows(questionnaires: list[Questionnaire]) -> list[dict]:
    """The answers side by side, one row per question, one column per questionnaire."""
    return [
        {"question": label, "answers": [q.answers()[i][1] for q in questionnaires]}
        for i, (_key, label) in enumerate(FAMILY_QUESTIONS)
    ]


# --- The collaboration survey ------------------------------------------------------------------


def open_invitations(user) -> list[SurveyRound]:
    """The rounds the user is asked in and has not answered yet, open today."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    return list(
        SurveyRound.objects.filter(
            closed_on__isnull=True,
            opened_on__lte=today,
            closes_on__gte=today,
            invitations__user=user,
            invitations__answered=False,
        ).order_by("closes_on")
    )


def invitation_of(user, round_id) -> SurveyInvitation | None:
    return (
        SurveyInvitation.objects.select_related("round")
        .filter(round_id=round_id, user_id=user.pk)
        .first()
    )


def rounds_overview(scope) -> QuerySet:
    """The rounds of the organisations in `scope` (`access.report_scope`) with how many were
    asked and how many answered (no one's name)."""
    return (
        SurveyRound.objects.filter(organisations__overlap=sorted(scope))
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count("invitations", filter=Q(invitations__answered=True), distinct=True),
        )
        .order_by("-opened_on", "-id")
    )


def round_comments(survey_round: SurveyRound) -> list[str]:
    """The round's free text, in no particular order and with nothing that tells who."""
    return list(
        SurveyComment.objects.filter(round=survey_round)
        .order_by("id")
        .values_list("text", flat=True)
    )


# --- The evaluators' extract -------------------------------------------------------------------


def extract_families(start: dt.date, end: dt.date) -> list[cm.Family]:
    """The families in the programme during the period whose agreement to take part in the
    evaluation is in force; anonymised families never."""
    agreed = EvaluationAgreement.objects.filter(
        family_id=OuterRef("pk"), withdrawn_on__isnull=True, given_on__lte=timezone.localdate()
    )
    return list(
        cm.Family.objects.filter(
            Exists(agreed),
            start_date__isnull=False,
            start_date__lte=end,
            anonymised_at__isnull=True,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by()
    )


EXTRACT_QUESTION_COLUMNS = [
    f"{occasion}_{key}" for occasion in Occasion.values for key, _label in FAMILY_QUESTIONS
]
EXTRACT_COLUMNS = [
    "key",
    "administration_kind",
    "status",
    "request_month",
    "start_month",
    "end_month",
    "children",
    "adults",
    "children_birth_years",
    "adults_birth_years",
    "placements_at_risk_at_start",
    "placements_happened",
    "goals",
    *[f"{occasion}_answered_on_month" for occasion in Occasion.values],
    *EXTRACT_QUESTION_COLUMNS,
]
CHILD_KINDS = (cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING)


def _month(date: dt.date | None) -> str:
    return date.strftime("%Y-%m") if date else ""


def _years(members) -> str:
    # Protected identity: not even the birth year leaves the case team.
    return ";".join(str(m.birth_date.year) for m in members if not m.protected_identity)


def extract_rows(families: list[cm.Family], start: dt.date, end: dt.date) -> list[dict]:
    """One row per family: its key and what the evaluation needs, without names, numbers,
    addresses, references, dates of birth or free text. Rows in the order of the keys, so the
    order says nothing about the families."""
    ids = [f.pk for f in families]
    data = (
        cm.Family.objects.filter(pk__in=ids)
        .select_related("owner")
        .annotate(goal_count=Count("goals", distinct=True))
        .prefetch_related(
            Prefetch(
                "members",
                queryset=cm.Member.objects.only(
                    "id", "family_id", "kind", "birth_date", "protected_identity"
                ).order_by("birth_date", "id"),
            ),
            Prefetch("questionnaires", queryset=Questionnaire.objects.order_by("occasion")),
        )
    )
    keys = dict(EvaluationKey.objects.filter(family_id__in=ids).values_list("family_id", "key"))
    rows = []
    for family in data:
        members = list(family.members.all())
        children = [m for m in members if m.kind in CHILD_KINDS]
        adults = [m for m in members if m.kind not in CHILD_KINDS]
        row = {
            "key": keys[family.pk],
            "administration_kind": family.owner.kind,
            "status": family.status,
            "request_month": _month(family.request_date),
            "start_month": _month(family.start_date),
            "end_month": _month(family.end_date),
            "children": len(children),
            "adults": len(adults),
            "children_birth_years": _years(children),
            "adults_birth_years": _years(adults),
            "placements_at_risk_at_start": family.placements_at_risk_at_start,
            "placements_happened": family.placements_happened,
            "goals": family.goal_count,
        }
        row.update({column: "" for column in EXTRACT_COLUMNS if column not in row})
        for q in family.questionnaires.all():
            row[f"{q.occasion}_answered_on_month"] = _month(q.answered_on)
            for key, _label in FAMILY_QUESTIONS:
                value = getattr(q, key)
                row[f"{q.occasion}_{key}"] = "declined" if q.declined else value
        rows.append(row)
    return sorted(rows, key=lambda r: r["key"])


def extracts_made() -> QuerySet:
    return ExtractMade.objects.select_related("made_by")[:20]
