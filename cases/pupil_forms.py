"""The pupil-support forms: the support in school, the school administration that owns it
(issue 21), and the pupil-health team's reviews."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen, VersionField
from familjelotsen.models import Administration


class PupilSupportForm(ConditionalFieldsMixin, forms.ModelForm):
    show_when = {"action_programme_review_on": ShowWhen({"support_level": ("special_support",)})}
    version = VersionField(min_value=1, required=False)

    class Meta:
        model = cm.PupilSupport
        fields = [
            "school",
            "grade",
            "support_level",
            "action_programme_review_on",
            "absence_concern",
            "eligibility_track",
        ]
        widgets = {"action_programme_review_on": DateInput()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(
            "support_level"
        ) == cm.PupilSupport.Level.SPECIAL_SUPPORT and not cleaned.get(
            "action_programme_review_on"
        ):
            self.add_error(
                "action_programme_review_on",
                _("Special support has an action programme: give its review date."),
            )
        return cleaned

    def _post_clean(self):
        pass


class SchoolAdministrationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.organisation.name})"


class PupilSupportCreateForm(PupilSupportForm):
    """New pupil support also says which school administration (huvudman) the child's school
    belongs to; it owns the record. Left empty, it is the school administration of the
    family's own municipality, when that has exactly one."""

    school_administration = SchoolAdministrationField(
        label=_("School administration"),
        queryset=Administration.objects.filter(kind=Administration.Kind.SCHOOL)
        .select_related("organisation")
        .order_by("organisation__name", "name"),
        required=False,
        help_text=_(
            "The administration the child's school belongs to. Leave it empty when the school "
            "is in the family's municipality and the municipality has one school "
            "administration."
        ),
    )

    class Meta(PupilSupportForm.Meta):
        fields = ["school", "school_administration", *PupilSupportForm.Meta.fields[1:]]


class PupilReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Date"), widget=DateInput())
    decision = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    responsible = forms.CharField(label=_("Responsible"), max_length=120)
