"""Forms of the parenting-support courses. Input shape only; the rules live in
courses.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.models import COMPLETION_BY_KIND, CourseKind, Participant
from familjelotsen.forms import DateInput
from familjelotsen.models import Administration

COUNT = _("Write a whole number, 0 or more.")


def _count(label, **kwargs) -> forms.IntegerField:
    kwargs.setdefault("required", False)  # empty is 0
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=999,
        initial=0,
        error_messages={"min_value": COUNT, "max_value": COUNT},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class CourseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of course"), choices=CourseKind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_("Optional, e.g. “ABC spring, Nora”."),
    )
    administration = forms.ModelChoiceField(
        label=_("Municipality / administration"),
        queryset=Administration.objects.order_by("name"),
        help_text=_("The administration the course is run for: the reports count by it."),
    )
    leaders = forms.ModelMultipleChoiceField(
        label=_("Leaders"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=120)
    sessions_to_complete = forms.IntegerField(
        label=_("Sessions needed to complete the course"),
        min_value=1,
        max_value=99,
        required=False,
        error_messages={
            "min_value": _("Write a number of sessions, 1 or more."),
            "max_value": _("Write a number of sessions, 1 or more."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    anonymous_participants = _count(
        _("Anonymous participants"),
        help_text=_("Parents who take part without being registered: counted, not named."),
    )
    anonymous_completed = _count(_("Anonymous participants who completed"))

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leaders
        self.fields["leaders"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.title})" if u.title else u.get_full_name()
        )
        usual = ", ".join(f"{CourseKind(k).label} {n}" for k, n in COMPLETION_BY_KIND.items())
        self.fields["sessions_to_complete"].help_text = _(
            "Leave empty for the kind's usual figure (%(usual)s)."
        ) % {"usual": usual}

    def clean(self):
        data = super().clean()
        # An empty count is 0: the field is there for the courses that have them.
        for name in ("anonymous_participants", "anonymous_completed"):
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the session"), widget=DateInput())


class ParticipantForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Parent or other adult"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates.select_related("family").order_by(
            "last_name", "first_name", "id"
        )
        self.fields["member"].label_from_instance = lambda m: (
            f"{m.first_name} {m.last_name} ({m.family.reference})"
        )


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    anonymous_present = _count(_("Anonymous participants present"))

    def __init__(self, *args, course, lines, **kwargs):
        super().__init__(*args, **kwargs)
        by_pk = {line.participant.pk: line for line in lines}
        self.fields["present"].queryset = Participant.objects.filter(course=course).order_by(
            "created_at", "id"
        )
        self.fields["present"].label_from_instance = lambda p: by_pk[p.pk].display

    def clean_anonymous_present(self):
        return self.cleaned_data.get("anonymous_present") or 0
