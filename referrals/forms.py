"""Forms of the referrals app. They parse input for the field messages; the rules of sending
and deciding live in referrals.services (ValidationError per field, mapped back here)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import InfoCategory, WorkKind
from cases.personnummer import PersonnummerError, format_full, parse
from consent.forms import ScanField
from familjelotsen import access
from familjelotsen.forms import DateInput, VersionField
from familjelotsen.models import Administration
from referrals import services
from referrals.models import Referral, ReferralPerson

PersonKind = ReferralPerson.Kind


class PersonnummerField(forms.CharField):
    """A personnummer or samordningsnummer, checked as the family's members are
    (cases/personnummer.py); cleans to 12 digits, or "" when left empty."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Personal identity number"))
        kwargs.setdefault("help_text", _("YYYYMMDD-NNNN"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 14)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return parse(value).digits
        except PersonnummerError as exc:
            raise ValidationError(str(exc), code="personnummer") from None


# Each person's fields say whose they are: the error summary names the field by its label.
LABELS = {
    "child": (
        _("First name (the child)"),
        _("Last name (the child)"),
        _("Personal identity number (the child)"),
    ),
    "c1": (
        _("First name (custodian)"),
        _("Last name (custodian)"),
        _("Personal identity number (custodian)"),
    ),
    "c2": (
        _("First name (second custodian)"),
        _("Last name (second custodian)"),
        _("Personal identity number (second custodian)"),
    ),
}


def _person_fields(prefix: str, *, signs: bool) -> dict:
    first, last, number = LABELS[prefix]
    fields = {
        f"{prefix}_first_name": forms.CharField(label=first, max_length=80, required=False),
        f"{prefix}_last_name": forms.CharField(label=last, max_length=80, required=False),
        f"{prefix}_personal_number": PersonnummerField(label=number),
    }
    if signs:
        fields[f"{prefix}_signed_consent"] = forms.BooleanField(
            label=_("Signed the consent form"), required=False
        )
    return fields


PEOPLE = (
    ("child", PersonKind.CHILD, 0),
    ("c1", PersonKind.CUSTODIAN, 0),
    ("c2", PersonKind.CUSTODIAN, 1),
)


class ReferralForm(forms.Form):
    """The request: the family as the referrer knows it, what the help is about, the kind of
    work wished and the family's signed consent form with what it covers."""

    version = VersionField(required=False)

    def __init__(self, *args, user, referral: Referral | None = None, sending=False, **kwargs):
        self.referral = referral
        # Sending (or changing a sent request): what a sent request needs is checked here too,
        # so every message comes at once with the format errors.
        self.sending = sending or (referral is not None and referral.status == Referral.Status.SENT)
        if referral is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(referral)
        super().__init__(*args, **kwargs)
        teams = access.referral_teams()
        self.fields["team"] = forms.ModelChoiceField(
            label=_("Team"),
            queryset=teams,
            empty_label=None,
            help_text=_("The team the request goes to: its team lead decides on it."),
        )
        self.fields["kind"] = forms.ChoiceField(
            label=_("Kind of work wished"),
            choices=WorkKind.choices,
            initial=WorkKind.COORDINATED_SUPPORT,
            widget=forms.RadioSelect,
            help_text=_(
                "Coordinated support: the Familjelotsen criteria (a neuropsychiatric diagnosis, "
                "a child of school age, known to social services). Network work: a network "
                "meeting around a child or young person of 0–20."
            ),
        )
        for prefix, _kind, _position in PEOPLE:
            self.fields.update(_person_fields(prefix, signs=prefix != "child"))
        self.fields["school"] = forms.CharField(
            label=_("The child's school"), max_length=120, required=False
        )
        self.fields["about"] = forms.CharField(
            label=_("What the help is about"),
            widget=forms.Textarea(attrs={"rows": 4}),
            required=False,
            help_text=_(
                "The family's situation as you know it and what you and the family hope the "
                "team can do."
            ),
        )
        self.fields["referrer_phone"] = forms.CharField(
            label=_("Your phone number"), max_length=30, required=False
        )
        self.fields["scan"] = ScanField(
            label=_("Signed consent form (scan)"),
            required=False,
            help_text=(
                _("A form is attached. Choose a file only to replace it.")
                if referral is not None and referral.scan
                else _("PDF, JPEG or PNG, at most 10 MB. You can also attach it later.")
            ),
        )
        self.fields["consent_signed_on"] = forms.DateField(
            label=_("Signed on"), widget=DateInput(), required=False
        )
        self.fields["consent_valid_until"] = forms.DateField(
            label=_("Valid until"),
            widget=DateInput(),
            required=False,
            help_text=_("The end date on the form. A consent is always limited in time."),
        )
        self.fields["consent_receiving"] = forms.ModelMultipleChoiceField(
            label=_("Receiving administrations"),
            help_text=_("Who the family agreed may receive information about them."),
            queryset=Administration.objects.order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            initial=[user.administration_id],
        )
        self.fields["consent_categories"] = forms.MultipleChoiceField(
            label=_("Information covered"),
            choices=InfoCategory.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            initial=[InfoCategory.COORDINATION, InfoCategory.SCHOOL],
        )
        self.fields["child_view"] = forms.CharField(
            label=_("The child's age and maturity, and the child's own view"),
            help_text=_("How the child was told about the request and what the child said."),
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
        )
        if referral is None and teams.count() == 1:
            self.fields["team"].initial = teams.first().pk

    @staticmethod
    def initial_from(referral: Referral) -> dict:
        initial = {
            "version": referral.version,
            "team": referral.team_id,
            "kind": referral.kind,
            "school": referral.school,
            "about": referral.about,
            "referrer_phone": referral.referrer_phone,
            "consent_signed_on": referral.consent_signed_on,
            "consent_valid_until": referral.consent_valid_until,
            "consent_receiving": [a.pk for a in referral.consent_receiving.all()],
            "consent_categories": referral.consent_categories,
            "child_view": referral.child_view,
        }
        slots = {(kind, position): prefix for prefix, kind, position in PEOPLE}
        for person in referral.people.all():
            prefix = slots.get((person.kind, person.position))
            if prefix is None:
                continue
            initial[f"{prefix}_first_name"] = person.first_name
            initial[f"{prefix}_last_name"] = person.last_name
            initial[f"{prefix}_personal_number"] = format_full(person.personal_number)
            initial[f"{prefix}_signed_consent"] = person.signed_consent
        return initial

    def section(self, *names):
        return [self[name] for name in names]

    @property
    def child_fields(self):
        return self.section(
            "child_first_name", "child_last_name", "child_personal_number", "school"
        )

    def custodian_fields(self, prefix):
        return self.section(
            f"{prefix}_first_name",
            f"{prefix}_last_name",
            f"{prefix}_personal_number",
            f"{prefix}_signed_consent",
        )

    @property
    def custodian1_fields(self):
        return self.custodian_fields("c1")

    @property
    def custodian2_fields(self):
        return self.custodian_fields("c2")

    def clean(self):
        data = super().clean()
        start, end = data.get("consent_signed_on"), data.get("consent_valid_until")
        if start and start > timezone.localdate():
            self.add_error("consent_signed_on", _("A consent cannot be dated in the future."))
        if start and end and end < start:
            self.add_error(
                "consent_valid_until", _("The end date cannot be before the start date.")
            )
        if self.sending:
            kwargs = self.service_kwargs()
            for field, messages in services.send_errors(
                people=kwargs["people"],
                about=kwargs["about"],
                has_scan=bool(kwargs["scan"] or (self.referral and self.referral.scan)),
                consent_signed_on=kwargs["consent_signed_on"],
                consent_valid_until=kwargs["consent_valid_until"],
                consent_receiving=kwargs["consent_receiving"],
                consent_categories=kwargs["consent_categories"],
                child_view=kwargs["child_view"],
                today=timezone.localdate(),
            ).items():
                if field not in self.errors:
                    self.add_error(field, messages)
        if self.errors and self.files.get("scan"):
            # A browser never fills a file field in again: say so where the field is.
            self.add_error(
                "scan", _("Choose the file again: it is not kept while the form has errors.")
            )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        people = [
            services.PersonInput(
                kind=kind,
                position=position,
                first_name=data.get(f"{prefix}_first_name", "").strip(),
                last_name=data.get(f"{prefix}_last_name", "").strip(),
                personal_number=data.get(f"{prefix}_personal_number", ""),
                signed_consent=bool(data.get(f"{prefix}_signed_consent")),
            )
            for prefix, kind, position in PEOPLE
        ]
        return {
            "team": data.get("team"),
            "kind": data.get("kind"),
            "people": people,
            "about": data.get("about", ""),
            "school": data.get("school", ""),
            "referrer_phone": data.get("referrer_phone", ""),
            "scan": data.get("scan") or None,
            "consent_signed_on": data.get("consent_signed_on"),
            "consent_valid_until": data.get("consent_valid_until"),
            "consent_receiving": list(data.get("consent_receiving") or []),
            "consent_categories": data.get("consent_categories") or [],
            "child_view": data.get("child_view", ""),
        }


class DecisionForm(forms.Form):
    version = VersionField(required=False)


class DeclineForm(DecisionForm):
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The referrer reads it: say why, and where the family may turn instead."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class SchoolContactForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = forms.ModelChoiceField(
            label=_("School-responsible member of the team"),
            queryset=access.school_contact_candidates(user),
            required=False,
            empty_label=_("No one"),
            help_text=_(
                "Requests from a school go to this family ombud as well as to you: the rektor "
                "contacts the team's school-responsible member."
            ),
        )
