"""Pages of the evaluation. Thin: ask the access policy, call a selector or a service, render.

- The family's follow-up (questionnaires, the agreement to take part): the case team only
  (`access.get_family_for_team`: 404 when the family is not visible, 403 when short of it).
  Reads of individual answers are logged like any record of the family.
- The blank questionnaire to print: no personal data, for anyone signed in.
- The collaboration survey: the project leader runs the rounds; the people asked answer.
- The evaluators' extract: the project leader only; every family in it is logged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evaluation import forms, selectors, services
from evaluation.models import FAMILY_QUESTIONS, Questionnaire
from familjelotsen import access
from familjelotsen.audit import Action, log_access, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.pdf import render_pdf

GET_POST = require_http_methods(["GET", "POST"])


def _project_leader_only(request) -> None:
    if not access.runs_surveys(request.user):
        raise access.NotForRole


# --- The family's follow-up ---------------------------------------------------------------------


@require_GET
def family(request, family_id):
    """The family's questionnaires side by side, what is due and the agreement."""
    family = access.get_family_for_follow_up(request, family_id)
    questionnaires = selectors.family_questionnaires(request.user, family)
    log_list(user=request.user, objects=questionnaires, request=request)
    panel = selectors.family_panel(request.user, family)
    return render(
        request,
        "evaluation/family.html",
        {
            "family": family,
            "questionnaires": questionnaires,
            "rows": selectors.answer_rows(questionnaires),
            "panel": panel,
            "agreement_form": forms.AgreementForm(initial={"given_on": timezone.localdate()}),
            "withdraw_form": forms.WithdrawForm(initial={"withdrawn_on": timezone.localdate()}),
        },
    )


@GET_POST
@idempotent_post
def questionnaire_new(request, family_id):
    family = access.get_family_for_follow_up(request, family_id)
    occasion = request.GET.get("tillfalle")
    initial = {
        "answered_on": timezone.localdate(),
        "how": Questionnaire.How.WITH_OMBUD,
        "occasion": occasion if occasion in Questionnaire.Occasion.values else None,
    }
    form = forms.QuestionnaireForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.questionnaire_create(family=family, by=request.user, **data),
    )
    if done.saved:
        log_access(
            user=request.user,
            action=Action.CREATE,
            obj=done.result,
            basis=family.access_basis,
            request=request,
        )
        messages.success(request, _("The questionnaire was saved."))
        return redirect("evaluation:family", family.pk)
    if request.method == "POST":
        log_read(request, family)
    return render(
        request,
        "evaluation/questionnaire_form.html",
        {"family": family, "form": form, "questions": FAMILY_QUESTIONS},
    )


@require_GET
def questionnaire_detail(request, pk):
    questionnaire = access.get_questionnaire_for_user(request, pk)
    return render(
        request,
        "evaluation/questionnaire_detail.html",
        {"questionnaire": questionnaire, "family": questionnaire.family},
    )


@GET_POST
@idempotent_post
def questionnaire_correct(request, pk):
    """Correct the answers as entered (the case team, who alone reads them)."""
    questionnaire = access.get_questionnaire_for_user(request, pk)
    family = questionnaire.family
    initial = {
        "answered_on": questionnaire.answered_on,
        "how": questionnaire.how,
        "declined": questionnaire.declined,
        **{key: getattr(questionnaire, key) for key, _label in FAMILY_QUESTIONS},
    }
    form = forms.QuestionnaireForm(request.POST or None, initial=initial, correcting=True)
    done = submit(
        request,
        form,
        lambda data: services.questionnaire_correct(
            questionnaire=questionnaire, by=request.user, **data
        ),
    )
    if done.saved:
        log_read(request, questionnaire, Action.CHANGE)
        messages.success(request, _("The questionnaire was corrected."))
        return redirect("evaluation:questionnaire_detail", questionnaire.pk)
    if request.method == "POST":
        log_read(request, questionnaire)
    return render(
        request,
        "evaluation/questionnaire_form.html",
        {
            "family": family,
            "form": form,
            "questions": FAMILY_QUESTIONS,
            "questionnaire": questionnaire,
        },
    )


@require_GET
def questionnaire_print(request):
    """The blank questionnaire (no family on it) to leave with the family: PDF, or the page
    itself with `?format=html`."""
    context = {"questions": FAMILY_QUESTIONS, "scale": forms.SCALE}
    if request.GET.get("format") == "html":
        return render(request, "evaluation/questionnaire_print.html", context)
    pdf = render_pdf("evaluation/questionnaire_print.html", {**context, "pdf": True})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="uppfoljning-familj-formular.pdf"'
    return response


@require_POST
def agreement_record(request, family_id):
    family = access.get_family_for_follow_up(request, family_id)
    form = forms.AgreementForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.agreement_record(family=family, by=request.user, **data),
    )
    if done.saved:
        log_read(request, family, Action.CHANGE)
        messages.success(request, _("The family's agreement to take part was recorded."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("evaluation:family", family.pk)


@require_POST
def agreement_withdraw(request, family_id):
    family = access.get_family_for_follow_up(request, family_id)
    form = forms.WithdrawForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.agreement_withdraw(family=family, by=request.user, **data),
    )
    if done.saved:
        log_read(request, family, Action.CHANGE)
        messages.success(
            request, _("The withdrawal was recorded: the family is left out of the extract.")
        )
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("evaluation:family", family.pk)


# --- The collaboration survey ------------------------------------------------------------------


@GET_POST
def rounds(request):
    _project_leader_only(request)
    today = timezone.localdate()
    form = forms.RoundForm(
        request.POST or None,
        initial={"opened_on": today, "closes_on": today + dt.timedelta(days=21)},
    )
    done = submit(request, form, lambda data: services.round_open(by=request.user, **data))
    if done.saved:
        messages.success(request, _("The survey round was opened."))
        return redirect("evaluation:rounds")
    return render(
        request,
        "evaluation/rounds.html",
        {
            "form": form,
            "rounds": selectors.rounds_overview(access.report_scope(request.user)),
            "threshold": 5,
        },
    )


@require_GET
def round_detail(request, pk):
    _project_leader_only(request)
    survey_round = (
        selectors.rounds_overview(access.report_scope(request.user)).filter(pk=pk).first()
    )
    if survey_round is None:
        raise Http404
    # Free text only once enough have answered that no one is singled out.
    comments = selectors.round_comments(survey_round) if survey_round.answered >= 5 else None
    return render(
        request,
        "evaluation/round_detail.html",
        {"round": survey_round, "comments": comments},
    )


@require_POST
def round_close(request, pk):
    _project_leader_only(request)
    survey_round = (
        selectors.rounds_overview(access.report_scope(request.user)).filter(pk=pk).first()
    )
    if survey_round is not None:
        services.round_close(survey_round=survey_round, by=request.user)
        messages.success(request, _("The survey round was closed."))
    return redirect("evaluation:rounds")


@GET_POST
def survey_answer(request, round_id):
    """Answer a round once. Only the person asked reaches it; the answer keeps no name."""
    invitation = selectors.invitation_of(request.user, round_id)
    if invitation is None:
        raise Http404
    survey_round = invitation.round
    if invitation.answered or not survey_round.is_open():
        return render(
            request,
            "evaluation/survey_done.html",
            {"round": survey_round, "answered": invitation.answered},
        )
    form = forms.SurveyForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.survey_answer(survey_round=survey_round, by=request.user, **data),
    )
    if done.saved:
        return render(
            request, "evaluation/survey_done.html", {"round": survey_round, "answered": True}
        )
    return render(request, "evaluation/survey_form.html", {"round": survey_round, "form": form})


# --- The evaluators' extract -------------------------------------------------------------------


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=selectors.EXTRACT_COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@GET_POST
def extract(request):
    if not access.makes_evaluation_extract(request.user):
        raise access.NotForRole
    today = timezone.localdate()
    form = forms.ExtractForm(
        request.POST or None, initial={"start": today.replace(month=1, day=1), "end": today}
    )
    done = submit(
        request,
        form,
        lambda data: services.extract_make(by=request.user, request=request, **data),
    )
    if done.saved:
        data = form.cleaned_data
        response = HttpResponse(_csv(done.result), content_type="text/csv; charset=utf-8")
        name = f"utvardering-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(
        request,
        "evaluation/extract.html",
        {"form": form, "made": selectors.extracts_made()},
    )
