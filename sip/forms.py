"""Forms for SIP plans. Input shape only; the rules live in sip.services."""

from __future__ import annotations

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cases.forms import LabelledMemberChoice
from cases.models import Member
from consent.models import Consent
from familjelotsen.forms import (
    ConditionalFieldsMixin,
    DateInput,
    ShowWhen,
    VersionedForm,
    VersionField,
)
from familjelotsen.models import Administration
from sip import models as sm


def _administrations():
    return Administration.objects.order_by("name")


class PlanForm(ConditionalFieldsMixin, forms.Form):
    show_when = {
        "initiator_administration": ShowWhen(
            {
                "initiator": (
                    sm.Plan.Initiator.MUNICIPALITY.value,
                    sm.Plan.Initiator.REGION.value,
                    sm.Plan.Initiator.SCHOOL.value,
                )
            }
        ),
    }
    version = VersionField(required=False)  # none yet when the plan is created
    member = LabelledMemberChoice(queryset=Member.objects.none(), label=_("The plan is for"))
    initiator = forms.ChoiceField(
        label=_("Who took the initiative"), choices=sm.Plan.Initiator.choices
    )
    initiator_administration = forms.ModelChoiceField(
        queryset=_administrations(), required=False, label=_("Initiating administration")
    )
    need_noticed_on = forms.DateField(label=_("Need noticed on"), widget=DateInput())
    own_words = forms.CharField(
        label=_("What is important to me"),
        required=False,
        widget=forms.Textarea,
        help_text=_("The person's own words and goals."),
    )
    child_participation = forms.CharField(
        label=_("The child's participation"),
        required=False,
        widget=forms.Textarea,
        help_text=_("How the child's views were obtained, according to age and maturity."),
    )
    current_situation = forms.CharField(
        label=_("Current situation"), required=False, widget=forms.Textarea
    )
    questions = forms.CharField(
        label=_("Questions for the meeting"), required=False, widget=forms.Textarea
    )
    own_actions = forms.CharField(
        label=_("What the person and the family will do"), required=False, widget=forms.Textarea
    )
    overall_responsible = forms.ModelChoiceField(
        queryset=_administrations(),
        required=False,
        label=_("Huvudman with overall responsibility"),
    )
    coordinator_name = forms.CharField(label=_("Named coordinator"), required=False, max_length=120)
    coordinator_contact = forms.CharField(
        label=_("Coordinator's contact details"), required=False, max_length=120
    )
    next_follow_up_on = forms.DateField(
        label=_("Next follow-up"), required=False, widget=DateInput()
    )
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(), required=False, label=_("The person's consent")
    )

    def __init__(self, *args, family, labels, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        member.queryset = Member.objects.filter(family=family).order_by("kind", "birth_date")
        member.labels = labels
        consents = Consent.objects.filter(family=family).order_by("-valid_until")
        if plan is not None:
            del self.fields["member"]
            consents = consents.filter(subject_id=plan.member_id)
        self.fields["consent"].queryset = consents
        self.fields["consent"].label_from_instance = lambda c: (
            _("Consent #%(id)s of %(who)s, valid %(from)s – %(until)s%(revoked)s")
            % {
                "id": c.pk,
                "who": labels.get(c.subject_id, _("(not shown)")),
                "from": date_format(c.valid_from),
                "until": date_format(c.valid_until),
                "revoked": _(" (revoked)") if c.revoked_on else "",
            }
        )


class ParticipantForm(ConditionalFieldsMixin, forms.Form):
    # A professional comes from an administration; the person or next of kin may be a member
    # of the family; next of kin take part only with the person's agreement.
    show_when = {
        "administration": ShowWhen(
            {"kind": (sm.Participant.Kind.PROFESSIONAL.value,)},
            required=_("Choose the professional's administration."),
        ),
        "family_member": ShowWhen(
            {"kind": (sm.Participant.Kind.PERSON.value, sm.Participant.Kind.PRIVATE.value)}
        ),
        "person_agrees": ShowWhen(
            {"kind": (sm.Participant.Kind.PRIVATE.value,)},
            required=_("Next of kin take part only if the person agrees: confirm that they do."),
        ),
    }
    kind = forms.ChoiceField(label=_("Kind"), choices=sm.Participant.Kind.choices)
    administration = forms.ModelChoiceField(
        queryset=_administrations(), required=False, label=_("Administration")
    )
    family_member = LabelledMemberChoice(
        queryset=Member.objects.none(), required=False, label=_("Family member")
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=120,
        help_text=_("Not needed for a family member chosen above."),
    )
    role = forms.CharField(label=_("Role or relation"), required=False, max_length=120)
    contact = forms.CharField(label=_("Contact details"), required=False, max_length=120)
    person_agrees = forms.BooleanField(
        label=_("The person agrees to this next of kin taking part"), required=False
    )

    def __init__(self, *args, family, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_member"].queryset = Member.objects.filter(family=family)
        self.fields["family_member"].labels = labels

    def clean(self):
        # Said together with the other fields' messages, not only after they are put right.
        data = super().clean()
        if not data.get("family_member") and not (data.get("name") or "").strip():
            self.add_error("name", _("Give the participant's name."))
        return data


class NeedForm(forms.Form):
    description = forms.CharField(label=_("Need"), widget=forms.Textarea(attrs={"rows": 3}))


class InterventionForm(forms.Form):
    version = VersionField(required=False)  # none yet when the intervention is added
    description = forms.CharField(label=_("Intervention"), max_length=300)
    goal = forms.CharField(
        label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_administration = forms.ModelChoiceField(
        queryset=_administrations(),
        required=False,
        label=_("Responsible administration (huvudman)"),
    )
    unit = forms.CharField(label=_("Responsible unit"), required=False, max_length=120)
    contact_person = forms.CharField(label=_("Contact person"), required=False, max_length=120)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_on = forms.DateField(label=_("End"), required=False, widget=DateInput())
    need = forms.ModelChoiceField(
        queryset=sm.Need.objects.none(), required=False, label=_("Meets the need")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = plan.needs.all()
        self.fields["need"].label_from_instance = lambda n: n.description[:80]


class InterventionReportForm(VersionedForm):
    """How an intervention stands, recorded by the administration responsible for it, and its
    outcome at the latest follow-up (only when the plan has been followed up)."""

    unit = forms.CharField(label=_("Responsible unit"), required=False, max_length=120)
    contact_person = forms.CharField(label=_("Contact person"), required=False, max_length=120)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_on = forms.DateField(label=_("End"), required=False, widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("Outcome at the latest follow-up"),
        required=False,
        choices=[("", "—"), *sm.FollowUpOutcome.Outcome.choices],
    )
    continues = forms.BooleanField(
        label=_("The intervention continues"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, follow_up=None, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up is None:
            for name in ("outcome", "continues", "note"):
                del self.fields[name]
        else:
            self.fields["outcome"].help_text = _("The follow-up of %(date)s.") % {
                "date": date_format(follow_up.held_on)
            }


class OtherMeasureForm(ConditionalFieldsMixin, forms.Form):
    show_when = {
        "actor_name": ShowWhen(
            {"actor": (sm.OtherMeasure.Actor.PRIVATE.value, sm.OtherMeasure.Actor.OTHER.value)}
        ),
    }
    actor = forms.ChoiceField(label=_("Actor"), choices=sm.OtherMeasure.Actor.choices)
    actor_name = forms.CharField(label=_("Name of the actor"), required=False, max_length=120)
    description = forms.CharField(label=_("Measure"), max_length=300)
    contact_person = forms.CharField(label=_("Contact person"), required=False, max_length=120)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_on = forms.DateField(label=_("End"), required=False, widget=DateInput())


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=sm.Meeting.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), required=False, max_length=120)
    present = forms.ModelMultipleChoiceField(
        queryset=sm.Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Present"),
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, plan, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = plan.participants.all()
        names = {p.pk: f"{p.display_name} ({p.get_kind_display()})" for p in participants}
        self.fields["present"].label_from_instance = lambda p: names.get(p.pk, "")


class FollowUpForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the follow-up"), widget=DateInput())
    next_follow_up_on = forms.DateField(label=_("Next follow-up"), widget=DateInput())
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.interventions = list(interventions)
        for i in self.interventions:
            self.fields[f"outcome_{i.pk}"] = forms.ChoiceField(
                label=_("Outcome: %(what)s") % {"what": i.description},
                choices=[("", "—"), *sm.FollowUpOutcome.Outcome.choices],
            )
            self.fields[f"continues_{i.pk}"] = forms.BooleanField(
                label=_("The intervention continues"), required=False, initial=True
            )
            self.fields[f"note_{i.pk}"] = forms.CharField(
                label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def intervention_rows(self):
        return [
            {
                "intervention": i,
                "outcome": self[f"outcome_{i.pk}"],
                "continues": self[f"continues_{i.pk}"],
                "note": self[f"note_{i.pk}"],
            }
            for i in self.interventions
        ]

    def outcomes(self) -> dict[int, tuple[str, bool, str]]:
        data = self.cleaned_data
        return {
            i.pk: (data[f"outcome_{i.pk}"], data[f"continues_{i.pk}"], data[f"note_{i.pk}"])
            for i in self.interventions
        }


class DistributionForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=120)
    administration = forms.ModelChoiceField(
        queryset=_administrations(), required=False, label=_("Administration")
    )
    copy_kind = forms.ChoiceField(label=_("Original or copy"), choices=sm.Distribution.Copy.choices)
    sent_on = forms.DateField(label=_("Sent"), widget=DateInput())


class TransitionForm(ConditionalFieldsMixin, forms.Form):
    show_when = {
        "reason": ShowWhen(
            {"to_status": tuple(sorted(sm.REASON_REQUIRED))},
            required=_("Give a reason for closing the plan."),
        ),
    }
    to_status = forms.ChoiceField(label=_("New status"), choices=sm.Plan.Status.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the plan is closed."),
    )
