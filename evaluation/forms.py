"""Forms of the evaluation. Input shape only; the rules live in evaluation.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import (
    FAMILY_QUESTIONS,
    SURVEY_QUESTIONS,
    Agreement,
    EvaluationAgreement,
    Questionnaire,
)
from evaluation.services import MISSING_ANSWER
from familjelotsen.forms import DateInput
from familjelotsen.models import Administration

# The scale as the family reads it: "Stämmer inte alls" … "Stämmer helt", then "Vill inte svara".
SCALE = [(value, label) for value, label in Agreement.choices if value] + [
    (Agreement.NO_ANSWER.value, Agreement.NO_ANSWER.label)
]


def _scale(label) -> forms.TypedChoiceField:
    # Not `required`: the statement is the label, and "Välj <the whole statement>." reads
    # badly; the form names a missing answer itself (MISSING_ANSWER).
    return forms.TypedChoiceField(
        label=label,
        choices=SCALE,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )


class QuestionnaireForm(forms.Form):
    occasion = forms.ChoiceField(
        label=_("Occasion"), choices=Questionnaire.Occasion.choices, widget=forms.RadioSelect
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())
    how = forms.ChoiceField(
        label=_("How it was answered"),
        choices=Questionnaire.How.choices,
        widget=forms.RadioSelect,
    )
    declined = forms.BooleanField(
        label=_("The family did not want to answer the questionnaire"),
        required=False,
        help_text=_("Then leave the questions empty: nothing but the date is kept."),
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Required unless the family declined.
        for key, label in FAMILY_QUESTIONS:
            self.fields[key] = _scale(label)
        if correcting:
            # A correction keeps the occasion: another occasion is another questionnaire.
            del self.fields["occasion"]

    def clean(self):
        data = super().clean()
        if not data.get("declined"):
            for key, _label in FAMILY_QUESTIONS:
                if data.get(key) is None and key not in self.errors:
                    self.add_error(key, MISSING_ANSWER)
        return data


class AgreementForm(forms.Form):
    given_on = forms.DateField(label=_("Agreed on"), widget=DateInput())
    form = forms.ChoiceField(
        label=_("How the agreement was given"),
        choices=EvaluationAgreement.Form.choices,
        widget=forms.RadioSelect,
    )


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Name of the round"),
        max_length=80,
        help_text=_("For example “Spring 2027”: it names the round in the reports."),
    )
    opened_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    administrations = forms.ModelMultipleChoiceField(
        label=_("Administrations asked"),
        queryset=Administration.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Everyone who works with the families there is asked to answer once."),
    )


class SurveyForm(forms.Form):
    comment = forms.CharField(
        label=_("What could make the collaboration work better?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Kept apart from your answers and without your name. Write no names of families "
            "or colleagues."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {key: _scale(label) for key, label in SURVEY_QUESTIONS}
        self.fields = {**fields, **self.fields}

    def clean(self):
        data = super().clean()
        for key, _label in SURVEY_QUESTIONS:
            if data.get(key) is None and key not in self.errors:
                self.add_error(key, MISSING_ANSWER)
        return data


class ExtractForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
