"""Forms for network work. Input shape only; the rules live in network.services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.forms import LabelledMemberChoice
from cases.models import Member
from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen, VersionField
from familjelotsen.models import Administration
from network import models as nm


def _administrations():
    return Administration.objects.order_by("name")


_DECIDED = {"provision": (nm.NetworkProcess.Provision.DECIDED.value,)}
_PRIVATE = {"side": (nm.NetworkParticipant.Side.PRIVATE.value,)}
_PROFESSIONAL = {"side": (nm.NetworkParticipant.Side.PROFESSIONAL.value,)}


class ProcessForm(ConditionalFieldsMixin, forms.Form):
    # The decision applies to a decided intervention (bistånd), not to a service.
    show_when = {
        "decision_reference": ShowWhen(
            _DECIDED, required=_("A decided intervention needs its decision reference.")
        ),
        "decision_date": ShowWhen(_DECIDED),
    }
    version = VersionField(required=False)  # none yet when the process is started
    member = LabelledMemberChoice(queryset=Member.objects.none(), label=_("Child or young person"))
    started_on = forms.DateField(label=_("Started"), widget=DateInput())
    purpose = forms.CharField(
        label=_("What the network work is about"), required=False, widget=forms.Textarea
    )
    provision = forms.ChoiceField(
        label=_("Given as"), choices=nm.NetworkProcess.Provision.choices, widget=forms.RadioSelect
    )
    decision_reference = forms.CharField(
        label=_("Decision reference"),
        required=False,
        max_length=60,
        help_text=_("Required for a decided intervention."),
    )
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DateInput())
    follow_up_person = forms.CharField(
        label=_("Named follow-up person"),
        required=False,
        max_length=120,
        help_text=_("The one who keeps the threads together after the meeting."),
    )

    def __init__(self, *args, family, labels, process=None, **kwargs):
        super().__init__(*args, **kwargs)
        if process is not None:
            del self.fields["member"]
            del self.fields["started_on"]
        else:
            self.fields["member"].queryset = Member.objects.filter(family=family).order_by(
                "birth_date"
            )
            self.fields["member"].labels = labels
            self.fields["member"].label = _("Child or young person (%(min)s–%(max)s years)") % {
                "min": settings.NETWORK_WORK_MIN_AGE,
                "max": settings.NETWORK_WORK_MAX_AGE,
            }


class CloseForm(forms.Form):
    on = forms.DateField(label=_("Closed on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ParticipantForm(ConditionalFieldsMixin, forms.Form):
    show_when = {
        "relation": ShowWhen(_PRIVATE, required=_("Say how the person is related to the child.")),
        "administration": ShowWhen(_PROFESSIONAL),
        "organisation": ShowWhen(_PROFESSIONAL),
        "role": ShowWhen(_PROFESSIONAL),
    }
    side = forms.ChoiceField(
        label=_("Network"),
        choices=nm.NetworkParticipant.Side.choices,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    relation = forms.CharField(
        label=_("Relation to the child"),
        required=False,
        max_length=120,
        help_text=_("For the private network, e.g. grandmother, neighbour, football coach."),
    )
    administration = forms.ModelChoiceField(
        queryset=_administrations(), required=False, label=_("Administration")
    )
    organisation = forms.CharField(
        label=_("Other organisation"),
        required=False,
        max_length=120,
        help_text=_("For professionals outside the administrations, e.g. Försäkringskassan."),
    )
    role = forms.CharField(label=_("Role"), required=False, max_length=120)


class MeetingForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=nm.Stage.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.ChoiceField(
        label=_("Place"), choices=nm.NetworkMeeting.Place.choices, widget=forms.RadioSelect
    )
    attended = forms.ModelMultipleChoiceField(
        queryset=nm.NetworkParticipant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Attended"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.queryset = process.participants.all()
        field.label_from_instance = lambda p: (
            f"{p.name} ({p.relation})"
            if p.side == nm.NetworkParticipant.Side.PRIVATE
            else f"{p.name} ({p.administration.name if p.administration_id else p.organisation}"
            f"{', ' + p.role if p.role else ''})"
        )


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=300)
    responsible_participant = forms.ModelChoiceField(
        queryset=nm.NetworkParticipant.objects.none(),
        required=False,
        label=_("Who: a person in the network"),
    )
    responsible_administration = forms.ModelChoiceField(
        queryset=_administrations(), required=False, label=_("… or an administration")
    )
    due_on = forms.DateField(label=_("By when"), required=False, widget=DateInput())

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_participant"].queryset = process.participants.all()


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=nm.Action.Status.choices)
    version = VersionField()


class InventoryForm(forms.Form):
    made_on = forms.DateField(label=_("Date"), widget=DateInput())
    rated_by = forms.ChoiceField(
        label=_("Rated by"), choices=nm.NeedsInventory.RatedBy.choices, widget=forms.RadioSelect
    )
    child_view = forms.CharField(
        label=_("The child's own view"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    RATING_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in nm.GirfecArea.choices:
            self.fields[f"rating_{key}"] = forms.TypedChoiceField(
                label=_("%(area)s: rating (1–5)") % {"area": label},
                choices=self.RATING_CHOICES,
                coerce=int,
                help_text=_("1 = great concern, 5 = going very well"),
            )
            self.fields[f"strengths_{key}"] = forms.CharField(
                label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"concerns_{key}"] = forms.CharField(
                label=_("Concerns"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def area_rows(self):
        return [
            {
                "label": label,
                "rating": self[f"rating_{key}"],
                "strengths": self[f"strengths_{key}"],
                "concerns": self[f"concerns_{key}"],
            }
            for key, label in nm.GirfecArea.choices
        ]

    def ratings(self) -> dict[str, tuple[int, str, str]]:
        d = self.cleaned_data
        return {
            key: (d[f"rating_{key}"], d[f"strengths_{key}"], d[f"concerns_{key}"])
            for key, _label in nm.GirfecArea.choices
        }


class TimeForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=nm.Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=24 * 60)
