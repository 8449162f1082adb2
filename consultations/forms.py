"""The consultation form. Input shape only; the rules (no personnummer, the name warning)
live in consultations.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consultations.models import Consultation
from consultations.services import NameWarning
from familjelotsen.forms import DateInput
from familjelotsen.models import Administration

MINUTES = _("Write the time spent in minutes, 1 to 1440.")


class ConsultationForm(forms.Form):
    asked_by = forms.CharField(
        label=_("Asking professional"),
        max_length=120,
        help_text=_("Title or role, e.g. “kurator at Norrskolan”. A name only when needed."),
    )
    asking_administration = forms.ModelChoiceField(
        label=_("Their administration"), queryset=Administration.objects.order_by("name")
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Describe the situation without anything that identifies the family: no names, "
            "personal identity numbers or addresses."
        ),
    )
    advice = forms.CharField(label=_("Advice given"), widget=forms.Textarea(attrs={"rows": 4}))
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"),
        min_value=1,
        max_value=24 * 60,
        error_messages={"min_value": MINUTES, "max_value": MINUTES},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up"),
        choices=Consultation.FollowUp.choices,
        widget=forms.RadioSelect,
        initial=Consultation.FollowUp.NONE,
    )
    names_confirmed = forms.BooleanField(
        label=_("Save anyway: the words are not about the family"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The confirmation is offered once the text was found to hold a name (or re-offered
        # while it is ticked); until then it is not in the form.
        self.warned = bool(self.data.get(self.add_prefix("names_confirmed")))

    def apply_service_errors(self, exc) -> None:
        """A service's errors at their fields; a name warning also offers the confirmation."""
        if isinstance(exc, NameWarning):
            self.warned = True
        for field, errors in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)
