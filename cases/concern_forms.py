"""Forms of a report of concern to social services (14 kap. 1 § SoL) and its feedback."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from cases.forms import DateTimeInput
from familjelotsen.forms import DateInput


class ReportOfConcernForm(forms.Form):
    reported_at = forms.DateTimeField(
        label=_("Reported at"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    recipient_unit = forms.CharField(
        label=_("Recipient unit"),
        max_length=200,
        help_text=_("E.g. Socialtjänsten, barn och unga, mottagningen."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=cm.ReportOfConcern.Channel.choices)
    summary = forms.CharField(
        label=_("Summary of the concern"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    custodians_informed = forms.ChoiceField(
        label=_("Were the custodians informed?"),
        choices=cm.ReportOfConcern.Informed.choices,
        widget=forms.RadioSelect,
    )

    def clean_reported_at(self):
        value = self.cleaned_data["reported_at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("The report cannot be dated in the future."))
        return value


class ConcernFeedbackForm(forms.Form):
    received_on = forms.DateField(label=_("Feedback received"), widget=DateInput())
    feedback = forms.CharField(
        label=_("Feedback from social services"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
