"""Forms for cases. Validation messages are at the field; everything typed is kept."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases import models as cm
from cases.personnummer import format_full
from cases.services import MEMBER_FIELDS, resolve_identifier
from familjelotsen import access
from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen, VersionField
from familjelotsen.models import Administration, User


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LabelledMemberChoice(forms.ModelChoiceField):
    """Members named through the access policy's labels (`cases.labels`: protected identity
    masked)."""

    def __init__(self, *args, labels: dict[int, str] | None = None, **kwargs):
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk, _("(not shown)"))


def _eligibility_fields(form: forms.Form) -> None:
    for criterion in cm.Eligibility.Criterion:
        form.fields[f"elig_{criterion.value}"] = forms.ChoiceField(
            label=criterion.label,
            choices=cm.Eligibility.Answer.choices,
            initial=cm.Eligibility.Answer.UNKNOWN,
            widget=forms.RadioSelect,
        )
        form.fields[f"elig_{criterion.value}_note"] = forms.CharField(
            label=_("Note"),
            required=False,
            max_length=500,
        )


def eligibility_answers(cleaned: dict) -> dict[str, tuple[str, str]]:
    return {
        c: (
            cleaned.get(f"elig_{c}") or cm.Eligibility.Answer.UNKNOWN,
            cleaned.get(f"elig_{c}_note") or "",
        )
        for c in cm.Eligibility.Criterion.values
    }


class FamilyRequestForm(ConditionalFieldsMixin, forms.Form):
    # How network work is given applies to network work only.
    show_when = {
        "provision": ShowWhen(
            {"kind": (cm.WorkKind.NETWORK_WORK,)},
            required=_("Say whether the network work is a decided intervention or a service."),
        )
    }
    kind = forms.ChoiceField(
        label=_("Kind of work"),
        choices=cm.WorkKind.choices,
        initial=cm.WorkKind.COORDINATED_SUPPORT,
        widget=forms.RadioSelect,
        help_text=_(
            "Coordinated support: the Familjelotsen criteria apply. Network work only: "
            "pre-meeting, network meeting and follow-up for a child or young person "
            "%(min)s–%(max)s years."
        ),
    )
    provision = forms.ChoiceField(
        label=_("Network work given as"),
        choices=cm.Provision.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("A decided intervention goes before a service on the waiting list."),
    )
    requesting_administration = forms.ModelChoiceField(
        label=_("Requesting administration"), queryset=Administration.objects.all()
    )
    requesting_contact = forms.CharField(
        label=_("Contact person at the requesting administration"), max_length=120, required=False
    )
    request_date = forms.DateField(label=_("Request date"), widget=DateInput())
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=cm.Family.Priority.choices,
        coerce=int,
        initial=cm.Family.Priority.NORMAL,
    )
    responsible_ombud = forms.ModelChoiceField(
        label=_("Responsible family ombud"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Can be assigned later from the waiting list."),
    )
    placements_at_risk_at_start = forms.IntegerField(
        label=_("Placements at risk at start"), min_value=0, max_value=20, initial=0
    )
    background = forms.CharField(
        label=_("Background"), widget=forms.Textarea, required=False, max_length=10000
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_date"].initial = timezone.localdate()
        self.fields["responsible_ombud"].queryset = access.ombuds(user.administration_id)
        kind = self.fields["kind"]
        kind.help_text = kind.help_text % {
            "min": settings.NETWORK_WORK_MIN_AGE,
            "max": settings.NETWORK_WORK_MAX_AGE,
        }
        _eligibility_fields(self)

    def clean_request_date(self):
        value = self.cleaned_data["request_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The request date cannot be in the future."))
        return value


class EligibilityForm(forms.Form):
    def __init__(self, *args, family: cm.Family | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _eligibility_fields(self)
        if family is not None and not self.is_bound:
            for row in family.eligibility.all():
                self.fields[f"elig_{row.criterion}"].initial = row.answer
                self.fields[f"elig_{row.criterion}_note"].initial = row.note


class FamilyEditForm(forms.ModelForm):
    version = VersionField(min_value=1)

    class Meta:
        model = cm.Family
        fields = [
            "requesting_administration",
            "requesting_contact",
            "priority",
            "background",
            "placements_at_risk_at_start",
            "placements_happened",
            "provision",
        ]
        widgets = {"background": forms.Textarea, "provision": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # How the work is given is network work's only (it orders the waiting list).
        if self.instance.kind != cm.WorkKind.NETWORK_WORK:
            del self.fields["provision"]
        else:
            self.fields["provision"].required = True
            self.fields["provision"].choices = cm.Provision.choices


class TransitionForm(ConditionalFieldsMixin, forms.Form):
    show_when = {"reason": ShowWhen({"to_status": tuple(sorted(cm.REASON_REQUIRED))})}
    to_status = forms.ChoiceField(label=_("New status"), choices=cm.Family.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Required when the family's participation ends."),
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # No preselected status: a change of status is always a deliberate choice.
        self.fields["to_status"].choices = [("", _("Choose…"))] + [
            (v, cm.Family.Status(v).label) for v in allowed
        ]


class MoveToCoordinatedForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the family needs coordinated support"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Kept in the status history."),
    )


class AssignOmbudForm(forms.Form):
    """The responsible ombud. Offered: the family ombud of the administration that owns the
    family (the case team stays inside the owning administration); on the waiting list, whose
    requests the team lead's administration owns, the lead's own administration. A posted
    ombud of another administration is refused by `access.team_set_responsible` (through the
    service), whose message explains consent and sharing."""

    ombud = forms.ModelChoiceField(label=_("Family ombud"), queryset=User.objects.none())

    def __init__(self, *args, user: User, family: cm.Family | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        administration_id = family.owner_id if family is not None else user.administration_id
        ombuds = access.ombuds().order_by("last_name", "first_name")
        field = self.fields["ombud"]
        if family is None:
            field.queryset = ombuds.filter(administration_id=administration_id)
        else:
            field.queryset = ombuds
            offered = forms.ModelChoiceField(
                queryset=ombuds.filter(administration_id=administration_id)
            )
            field.widget.choices = offered.choices


class TeamAddForm(forms.Form):
    """Offers only who can join the family's case team (`access.team_candidates`: staff of
    the owning administration in a case role). Anyone else who is posted (a stale page, an
    edited request) is refused by `access.team_add`, whose message explains consent and
    sharing at the field."""

    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())

    def __init__(self, *args, family: cm.Family, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        # Validated against every active staff member not on the team, so that the access
        # module (not a generic "not a valid choice") says why someone cannot join.
        field.queryset = (
            User.objects.filter(is_active=True, administration__isnull=False)
            .exclude(case_teams__family=family)
            .select_related("administration")
        )
        offered = forms.ModelChoiceField(
            queryset=access.team_candidates(family)
            .exclude(case_teams__family=family)
            .select_related("administration")
            .order_by("last_name", "first_name"),
        )
        field.widget.choices = offered.choices


_NUMBER = {"id_type": (cm.Member.IdType.PERSONNUMMER, cm.Member.IdType.SAMORDNINGSNUMMER)}
_YOUNG, _ADULT = {"kind": ("child", "sibling")}, {"kind": ("custodian", "other_adult")}


class MemberForm(ConditionalFieldsMixin, forms.ModelForm):
    """Personnummer as YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN; the birth date
    only without a number (`clean` derives it); school for a child, occupation for an adult."""

    show_when = {
        "personal_number": ShowWhen(_NUMBER, clear=False),
        "birth_date": ShowWhen({"id_type": (cm.Member.IdType.NONE,)}, clear=False),
        **{name: ShowWhen(_YOUNG) for name in ("school", "grade", "school_class")},
        **{name: ShowWhen(_ADULT) for name in ("occupation", "occupation_at_start")},
    }

    version = VersionField(min_value=1, required=False)
    personal_number = forms.CharField(
        label=_("Personal identity or coordination number"),
        required=False,
        max_length=15,
        help_text=_("YYYYMMDD-NNNN, YYMMDD-NNNN or YYMMDD+NNNN (100 years or older)."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DateInput(),
        help_text=_("Only needed when there is no number."),
    )
    custodians = forms.ModelMultipleChoiceField(
        label=_("Custodians"),
        required=False,
        queryset=cm.Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or two, for a child."),
    )

    class Meta:
        model = cm.Member
        # The fields a member's service accepts, named once there.
        fields = list(MEMBER_FIELDS)

    def __init__(self, *args, family: cm.Family, custodian_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        qs = custodian_choices if custodian_choices is not None else cm.Member.objects.none()
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
            self.fields["custodians"].initial = list(
                self.instance.custodians.values_list("pk", flat=True)
            )
            if self.instance.personal_number and not self.is_bound:
                self.initial["personal_number"] = format_full(self.instance.personal_number)
        self.fields["custodians"].queryset = qs.exclude(
            kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING]
        )

    def clean_mobile(self):
        value = "".join(ch for ch in self.cleaned_data.get("mobile", "") if ch not in " -")
        if value and not (
            value.startswith(("07", "+467"))
            and value.lstrip("+").isdigit()
            and 10 <= len(value.lstrip("+")) <= 12
        ):
            raise forms.ValidationError(_("Give a Swedish mobile number, e.g. 070-123 45 67."))
        return value

    def clean(self):
        cleaned = super().clean()
        id_type = cleaned.get("id_type")
        if id_type:
            try:
                digits, birth = resolve_identifier(
                    id_type=id_type,
                    raw_number=cleaned.get("personal_number") or "",
                    birth_date=cleaned.get("birth_date"),
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
            else:
                cleaned["personal_number"] = digits
                cleaned["birth_date"] = birth
        if cleaned.get("sms_reminders") and not cleaned.get("mobile"):
            self.add_error("mobile", _("SMS reminders need a mobile number."))
        return cleaned

    def _post_clean(self):
        # Model validation runs in the service (with the family and owner set).
        pass


class JournalEntryForm(forms.ModelForm):
    version = VersionField(min_value=1, required=False)
    concerns = forms.ModelMultipleChoiceField(
        label=_("Concerns"),
        required=False,
        queryset=cm.Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The members this entry is about (one visit can concern several children)."),
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Family members taking part"),
        required=False,
        queryset=cm.Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    outcome_areas = forms.MultipleChoiceField(
        label=_("Outcome areas"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(a.value, a.label) for a in cm.JOURNAL_OUTCOME_AREAS],
    )
    event_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = cm.JournalEntry
        fields = [
            "kind",
            "event_at",
            "duration_minutes",
            "place",
            "participants",
            "other_participants",
            "concerns",
            "facts",
            "assessment",
            "outcome_areas",
            "next_steps",
            "category",
        ]
        widgets = {
            "facts": forms.Textarea(attrs={"rows": 8}),
            "assessment": forms.Textarea(attrs={"rows": 5}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].queryset = members
        self.fields["participants"].queryset = members
        self.fields["concerns"].label_from_instance = member_label
        self.fields["participants"].label_from_instance = member_label
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault(
                "event_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean_event_at(self):
        value = self.cleaned_data["event_at"]
        if value > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError(_("Document what has happened: the time is in the future."))
        return value

    def _post_clean(self):
        pass


def member_label(member: cm.Member) -> str:
    """A member named in a choice, protected identity masked (also the agenda's forms)."""
    if getattr(member, "identity_visible", False):
        return f"{member.first_name} {member.last_name}"
    return str(_("Protected identity"))


class AddendumForm(forms.Form):
    facts = forms.CharField(
        label=_("Correction or addition"), widget=forms.Textarea, max_length=20000
    )
    assessment = forms.CharField(
        label=pgettext_lazy("journal entry", "Assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )


class ObjectionForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Person"), queryset=cm.Member.objects.none())
    statement = forms.CharField(
        label=_("What the person considers incorrect"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = member_label


class GoalForm(forms.Form):
    area = forms.ChoiceField(label=_("Outcome area"), choices=cm.OutcomeArea.choices)
    description = forms.CharField(
        label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    member = forms.ModelChoiceField(
        label=_("Concerns"), required=False, queryset=cm.Member.objects.none()
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = member_label


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    rating = forms.TypedChoiceField(
        label=_("Progress"),
        coerce=int,
        choices=cm.GoalFollowUp.Rating.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be dated in the future."))
        return value


class AssessmentForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Person"), queryset=cm.Member.objects.none())
    instrument = forms.ChoiceField(label=_("Instrument"), choices=cm.Assessment.Instrument.choices)
    score = forms.IntegerField(
        label=_("Total score from the paper form"), min_value=0, max_value=1000
    )
    assessed_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = member_label

    def clean(self):
        cleaned = super().clean()
        instrument, score = cleaned.get("instrument"), cleaned.get("score")
        if instrument and score is not None:
            low, high = cm.Assessment.SCORE_RANGES[cm.Assessment.Instrument(instrument)]
            if not low <= score <= high:
                self.add_error(
                    "score",
                    _("The total score of %(instrument)s lies between %(low)s and %(high)s.")
                    % {
                        "instrument": cm.Assessment.Instrument(instrument).label,
                        "low": low,
                        "high": high,
                    },
                )
        return cleaned


class ObstacleForm(ConditionalFieldsMixin, forms.Form):
    show_when = {
        "administration": ShowWhen(
            {"kind": (cm.Obstacle.Kind.COORDINATION,)},
            required=_("Name the administration concerned by a coordination obstacle."),
        ),
    }
    kind = forms.ChoiceField(label=_("Kind"), choices=cm.Obstacle.Kind.choices)
    administration = forms.ModelChoiceField(
        label=_("Administration concerned"), required=False, queryset=Administration.objects.all()
    )
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    observed_on = forms.DateField(label=_("Date"), widget=DateInput())


class TimeEntryForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"), choices=cm.TimeEntry.Activity.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=1440)


class HandOverForm(forms.Form):
    """The ombud who takes over every family a leaving ombud holds: an active family ombud of
    the team lead's own administration (the service refuses anyone else)."""

    to_ombud = forms.ModelChoiceField(
        label=_("Hand the families over to"), queryset=User.objects.none()
    )

    def __init__(self, *args, user: User, departing: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_ombud"].queryset = (
            access.ombuds(user.administration_id)
            .exclude(pk=departing.pk)
            .order_by("last_name", "first_name")
        )
