"""Every change the evaluation makes: questionnaires, the family's agreement, survey rounds and
anonymous answers, and the evaluators' extract. Keyword-only, atomic; the views have asked
the access policy before calling."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Family
from evaluation import selectors
from evaluation.models import (
    FAMILY_QUESTION_KEYS,
    EvaluationAgreement,
    EvaluationKey,
    ExtractMade,
    Questionnaire,
    SurveyComment,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_access, log_list

Occasion = Questionnaire.Occasion
MISSING_ANSWER = gettext_lazy("Choose an answer, or “Would rather not answer”.")


# --- The family's questionnaires ---------------------------------------------------------------


def _occasion_refusal(family: Family, occasion: str, answered_on: dt.date) -> dict:
    today = timezone.localdate()
    if answered_on > today:
        return {"answered_on": _("The date cannot be in the future.")}
    if occasion == Occasion.START:
        if family.start_date is None:
            return {"occasion": _("The family's work has not started yet.")}
        return {}
    if family.end_date is None:
        return {
            "occasion": _(
                "The family's work has not been closed: answer the questionnaire at closure "
                "when it is."
            )
        }
    if answered_on < family.end_date - dt.timedelta(days=60):
        return {"answered_on": _("The questionnaire at closure is answered around the end date.")}
    if occasion == Occasion.SIX_MONTHS and answered_on < family.end_date + dt.timedelta(days=150):
        return {
            "answered_on": _(
                "The six-month questionnaire is answered about six months after the end date "
                "(%(date)s)."
            )
            % {"date": (family.end_date + dt.timedelta(days=182)).isoformat()}
        }
    return {}


def _answer_values(declined: bool, answers: dict, errors: dict) -> dict:
    """The answers to keep: none when the family declined, else every question answered (or
    "would rather not"). Raises with `errors` and each missing answer."""
    values = {key: None if declined else answers.get(key) for key in FAMILY_QUESTION_KEYS}
    if not declined:
        for key, value in values.items():
            if value is None:
                errors.setdefault(key, MISSING_ANSWER)
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def questionnaire_create(
    *,
    family: Family,
    by,
    occasion: str,
    answered_on: dt.date,
    how: str,
    declined: bool = False,
    **answers,
) -> Questionnaire:
    """Enter the family's answers at one occasion (once per occasion). `declined`: the family
    did not want to answer; nothing else is kept."""
    errors = _occasion_refusal(family, occasion, answered_on)
    if Questionnaire.objects.filter(family=family, occasion=occasion).exists():
        errors.setdefault(
            "occasion", _("The questionnaire for this occasion has already been entered.")
        )
    values = _answer_values(declined, answers, errors)
    try:
        with transaction.atomic():
            return Questionnaire.objects.create(
                family=family,
                occasion=occasion,
                answered_on=answered_on,
                how=how,
                declined=declined,
                entered_by=by,
                **values,
            )
    except IntegrityError:  # entered by a colleague at the same moment
        raise ValidationError(
            {"occasion": _("The questionnaire for this occasion has already been entered.")}
        ) from None


@transaction.atomic
def questionnaire_correct(
    *,
    questionnaire: Questionnaire,
    by,
    answered_on: dt.date,
    how: str,
    declined: bool = False,
    **answers,
) -> Questionnaire:
    """Correct what was entered (a wrong answer, date or way of answering). The occasion
    stays: another occasion is another questionnaire. The same rules as when entered; the
    corrector is kept beside who entered it, and the access log has the change."""
    locked = Questionnaire.objects.select_for_update().select_related("family")
    questionnaire = locked.get(pk=questionnaire.pk)
    errors = _occasion_refusal(questionnaire.family, questionnaire.occasion, answered_on)
    values = _answer_values(declined, answers, errors)
    questionnaire.answered_on, questionnaire.how = answered_on, how
    questionnaire.declined = declined
    for key, value in values.items():
        setattr(questionnaire, key, value)
    questionnaire.corrected_by = by
    questionnaire.save()
    return questionnaire


# --- The family's agreement to take part in the evaluation -----------------------------------


@transaction.atomic
def agreement_record(*, family: Family, by, given_on: dt.date, form: str) -> EvaluationAgreement:
    """The family agreed to take part in the evaluation (again, after a withdrawal)."""
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The date cannot be in the future.")})
    agreement = EvaluationAgreement.objects.select_for_update().filter(family=family).first()
    if agreement is None:
        return EvaluationAgreement.objects.create(
            family=family, given_on=given_on, form=form, recorded_by=by
        )
    if agreement.in_force:
        raise ValidationError({"given_on": _("The family's agreement is already recorded.")})
    agreement.given_on, agreement.form, agreement.recorded_by = given_on, form, by
    agreement.withdrawn_on = agreement.withdrawn_recorded_by = None
    agreement.save()
    return agreement


@transaction.atomic
def agreement_withdraw(*, family: Family, by, withdrawn_on: dt.date) -> EvaluationAgreement:
    """The family no longer takes part: left out of every extract made from now on."""
    agreement = EvaluationAgreement.objects.select_for_update().filter(family=family).first()
    if agreement is None or not agreement.in_force:
        raise ValidationError(_("The family has no agreement in force to withdraw."))
    if withdrawn_on > timezone.localdate() or withdrawn_on < agreement.given_on:
        raise ValidationError(
            {"withdrawn_on": _("The date must lie between the agreement and today.")}
        )
    agreement.withdrawn_on, agreement.withdrawn_recorded_by = withdrawn_on, by
    agreement.save()
    return agreement


# --- The collaboration survey ------------------------------------------------------------------


@transaction.atomic
def round_open(
    *, by, title: str, opened_on: dt.date, closes_on: dt.date, administrations
) -> SurveyRound:
    """Open a round and ask the case-working staff of the chosen administrations."""
    if closes_on < opened_on:
        raise ValidationError({"closes_on": _("The round must close after it opens.")})
    organisations = sorted(access.report_scope(by))
    if not organisations:
        raise ValidationError(
            _(
                "You report on no municipality or region yet: the system administrator "
                "chooses which."
            )
        )
    invitees = list(
        access.survey_invitees([a.pk for a in administrations]).values_list("pk", flat=True)
    )
    if not invitees:
        raise ValidationError(
            {"administrations": _("Nobody works with the families in these administrations.")}
        )
    survey_round = SurveyRound.objects.create(
        title=title,
        opened_on=opened_on,
        closes_on=closes_on,
        opened_by=by,
        organisations=organisations,
    )
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(round=survey_round, user_id=pk) for pk in invitees]
    )
    return survey_round


@transaction.atomic
def round_close(*, survey_round: SurveyRound, by, on: dt.date | None = None) -> SurveyRound:
    on = on or timezone.localdate()
    if survey_round.closed_on is None:
        survey_round.closed_on = max(on, survey_round.opened_on)
        survey_round.save(update_fields=["closed_on"])
    return survey_round


@transaction.atomic
def survey_answer(
    *,
    survey_round: SurveyRound,
    by,
    overview: int,
    whole_picture: int,
    core_time: int,
    collaboration: int,
    comment: str = "",
) -> None:
    """Answer a round once, anonymously: the invitation gets its "answered" mark; the answer is
    stored with the kind of administration only, and the comment apart from it."""
    invitation = (
        SurveyInvitation.objects.select_for_update().filter(round=survey_round, user=by).first()
    )
    if invitation is None:
        raise ValidationError(_("You are not asked in this survey round."))
    if invitation.answered:
        raise ValidationError(_("You have already answered this round. Thank you!"))
    if not survey_round.is_open():
        raise ValidationError(_("The survey round is closed."))
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    SurveyResponse.objects.create(
        round=survey_round,
        administration_kind=by.administration.kind,
        overview=overview,
        whole_picture=whole_picture,
        core_time=core_time,
        collaboration=collaboration,
    )
    if comment.strip():
        SurveyComment.objects.create(round=survey_round, text=comment.strip())


# --- The evaluators' extract -----------------------------------------------------------------


@transaction.atomic
def extract_make(*, by, start: dt.date, end: dt.date, request=None) -> list[dict]:
    """The pseudonymised rows for the period, one per family that agreed to take part: each
    family gets its stable random key the first time, and one access-log row (export, on the
    evaluation basis) per family; the extract itself is recorded."""
    if end < start:
        raise ValidationError({"end": _("The period must end after it starts.")})
    families = selectors.extract_families(start, end)
    EvaluationKey.objects.bulk_create(
        [EvaluationKey(family_id=f.pk) for f in families], ignore_conflicts=True
    )
    rows = selectors.extract_rows(families, start, end)
    log_list(
        user=by,
        objects=families,
        request=request,
        basis=access.evaluation_extract_basis(),
        action=Action.EXPORT,
    )
    made = ExtractMade.objects.create(
        made_by=by, period_start=start, period_end=end, families=len(families)
    )
    if not families:  # an empty extract is still an export the log should show
        log_access(
            user=by,
            action=Action.EXPORT,
            basis=access.evaluation_extract_basis(),
            request=request,
            object_type="evaluation.extractmade",
            object_id=made.pk,
        )
    return rows
