"""The evaluation's records (issue 19 parts 3–5): who may do what with them.

- A family's follow-up questionnaires are the case team's: they enter them and they alone
  read the individual answers. Not the team lead, not an administration the family shared
  records with, not the project leader (the steering group and the project leader get the
  answers as suppressed aggregates in the reports, never per family or per ombud). Every read
  writes an access-log row, like any record of a family.
- The family's agreement to take part in the evaluation is recorded by the case team.
- The collaboration survey: the project leader opens and closes rounds; the professionals
  asked are the case-working staff of the administrations chosen; anyone asked answers once.
- The evaluators' extract (pseudonymised, per family) is made by the project leader only, and
  each family in it is logged on the evaluation basis.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet, Value
from django.http import Http404
from django.utils.translation import gettext as _

from cases import models as cm
from evaluation.models import Questionnaire
from familjelotsen.access.policy import (
    CASE_WORKING_ROLES,
    Basis,
    Need,
    Role,
    ShortOfNeed,
    get_for_user,
    sees_cases,
    team_family_ids,
)
from familjelotsen.audit import log_read
from familjelotsen.models import User


def visible_questionnaires(user) -> QuerySet:
    """The questionnaires whose individual answers the user may read: those of the families
    whose case team the user is on."""
    if not sees_cases(user):
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(family_id__in=team_family_ids(user)).annotate(
        access_basis=Value(Basis.CASE_TEAM, output_field=models.CharField()),
        access_consent_id=Value(None, output_field=models.BigIntegerField()),
    )


def get_family_for_follow_up(request, pk) -> cm.Family:
    """The family, for its follow-up: the case team only. 404 when the family is not visible;
    a user who sees the family but is not on its case team (a team lead, a receiving
    administration) is told why, since they cannot read the answers at all."""
    try:
        return get_for_user(request, cm.Family, pk, need=Need.DOCUMENT)
    except ShortOfNeed:
        raise PermissionDenied(
            _(
                "Only the family's case team enters and reads its follow-up questionnaires. "
                "The reports show the answers as figures for many families together."
            )
        ) from None


def get_questionnaire_for_user(request, pk) -> Questionnaire:
    """One questionnaire with its answers; 404 for anyone outside the family's case team (the
    page does not tell them it exists). A GET writes the read to the access log."""
    try:
        questionnaire = (
            visible_questionnaires(request.user)
            .select_related("family", "entered_by", "corrected_by")
            .get(pk=pk)
        )
    except (Questionnaire.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if request.method in ("GET", "HEAD"):
        log_read(request, questionnaire)
    return questionnaire


def runs_surveys(user) -> bool:
    """Opens and closes the rounds of the collaboration survey and sees their suppressed
    results: the project leader."""
    return sees_cases(user) and user.role == Role.PROJECT_LEADER


def survey_invitees(administration_ids) -> QuerySet:
    """The professionals a round asks: the active case-working staff of the administrations."""
    return User.objects.filter(
        is_active=True,
        administration_id__in=administration_ids,
        role__in=CASE_WORKING_ROLES,
    )


def makes_evaluation_extract(user) -> bool:
    """The pseudonymised extract for the evaluators: the project leader only."""
    return sees_cases(user) and user.role == Role.PROJECT_LEADER


def evaluation_extract_basis() -> str:
    """The access-log basis of a family's row in the evaluators' extract."""
    return Basis.EVALUATION
