"""Forms of emergency access (break-the-glass, issue 21 part 3): the request and the review."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from cases.personnummer import PersonnummerError, parse


def _day_choices():
    return [
        (n, ngettext("%(n)s day", "%(n)s days", n) % {"n": n})
        for n in range(1, cm.EMERGENCY_MAX_DAYS + 1)
    ]


class EmergencyAccessForm(forms.Form):
    """The child's personnummer (sent in the body of a POST, never in the address), why the
    records are needed now, and for how long (1-7 days)."""

    personal_number = forms.CharField(
        label=_("The child's personal identity number"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN. A coordination number works too."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=4000,
        help_text=_(
            "What has happened and why you need the family's records now. The family's team "
            "lead reviews every emergency access afterwards."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    days = forms.TypedChoiceField(
        label=_("Length"),
        choices=_day_choices,
        coerce=int,
        initial=cm.EMERGENCY_DEFAULT_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, in the user's language.
        self.fields["days"].help_text = gettext(
            "At most %(n)s days; you can end the access earlier."
        ) % {"n": cm.EMERGENCY_MAX_DAYS}

    def clean_personal_number(self):
        try:
            return parse(self.cleaned_data["personal_number"]).digits
        except PersonnummerError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < cm.EMERGENCY_REASON_MIN_LENGTH:
            raise forms.ValidationError(
                _(
                    "Describe the emergency and why you need the records now (at least "
                    "%(n)s characters)."
                )
                % {"n": cm.EMERGENCY_REASON_MIN_LENGTH}
            )
        return reason


class EmergencyReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (cm.EmergencyAccess.Review.ACCEPTED, _("Accepted: the emergency justified it")),
            (cm.EmergencyAccess.Review.REPORTED, _("Reported: the access was not justified")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        help_text=_("Required when you report the access: say why."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
