"""Forms of the agenda: booking a visit with its SMS reminders, and moving it. Validation
messages are at the field; everything typed is kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agenda.reminders import member_sms_state
from cases import models as cm
from cases.forms import DateTimeInput, member_label
from familjelotsen.forms import ConditionalFieldsMixin, ShowWhen

_REMINDER_CHOSEN = {"remind_day_before": (True,), "remind_two_hours_before": (True,)}


class VisitForm(ConditionalFieldsMixin, forms.Form):
    # Who gets the SMS, and the confirmation for protected identity, apply once a reminder is
    # chosen.
    show_when = {
        "reminder_members": ShowWhen(_REMINDER_CHOSEN),
        "confirm_protected": ShowWhen(_REMINDER_CHOSEN),
    }
    starts_at = forms.DateTimeField(
        label=_("Time"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=cm.JournalEntry.Kind.choices,
        initial=cm.JournalEntry.Kind.HOME_VISIT,
    )
    # SMS reminders (issue 9); agenda.reminders checks the choice and plans the messages.
    remind_day_before = forms.BooleanField(
        label=_("SMS reminder the day before at 18:00"), required=False
    )
    remind_two_hours_before = forms.BooleanField(
        label=_("SMS reminder two hours before"), required=False
    )
    reminder_members = forms.ModelMultipleChoiceField(
        label=_("Who gets the reminder"),
        required=False,
        queryset=cm.Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only members who agreed to SMS reminders and have a mobile number. The SMS holds "
            "the time, the place and your first name."
        ),
    )
    confirm_protected = forms.BooleanField(
        label=_("I confirm that an SMS may be sent to a member with protected identity"),
        required=False,
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].help_text = _(
            "Sent in the SMS reminder: write no names and nothing that reveals a diagnosis."
        )
        if members is not None:
            self.fields["reminder_members"].queryset = members
            self.fields["reminder_members"].label_from_instance = _sms_recipient_label


def _sms_recipient_label(member: cm.Member) -> str:
    state = member_sms_state(member)
    notes = {
        "no_consent": _("has not agreed to SMS"),
        "no_mobile": _("no mobile number"),
    }
    label = member_label(member)
    extra = [str(notes[state])] if state in notes else []
    if member.protected_identity and getattr(member, "identity_visible", False):
        extra.append(str(_("protected identity: needs your confirmation")))
    return f"{label} ({', '.join(extra)})" if extra else label


class VisitRescheduleForm(forms.Form):
    """Move a booked visit; its SMS reminders follow (issue 9)."""

    starts_at = forms.DateTimeField(
        label=_("New time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=600)
    place = forms.CharField(
        label=_("Place"),
        max_length=120,
        help_text=_(
            "Sent in the SMS reminder: write no names and nothing that reveals a diagnosis."
        ),
    )
