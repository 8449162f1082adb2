"""Forms of the consent app. They parse and check input for the field messages; the rules
themselves live in consent.services (which raise ValidationError per field, mapped back here)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from consent import selectors, services
from consent.models import Consent
from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen, VersionedForm
from familjelotsen.models import Administration, User


class MemberChoiceField(forms.ModelChoiceField):
    """Members labelled as the user may see them (protected identity masked)."""

    def label_from_instance(self, obj):
        return selectors._label_member(obj).display_name


class ScanField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Signed form (scan)"))
        kwargs.setdefault(
            "help_text", _("PDF, JPEG or PNG, at most 10 MB. Checked by its content.")
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)
        self.error_messages["empty"] = _(
            "The file is empty. Choose the scanned, signed consent form."
        )

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file:
            services.validate_scan(file)
        return file


class _ScopeMixin:
    """What every consent scope form asks: who may exchange which information, for what."""

    def _scope_fields(self, family: cm.Family, *, period_required: bool) -> None:
        others = Administration.objects.exclude(pk=family.owner_id).order_by("name")
        self.fields["receiving"] = forms.ModelMultipleChoiceField(
            label=_("Receiving administrations"),
            help_text=_("Who may receive information about the person."),
            queryset=others,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["disclosing"] = forms.ModelMultipleChoiceField(
            label=_("Disclosing administrations"),
            help_text=_(
                "Who may give information. Each administration needs the consent for "
                "what it discloses."
            ),
            queryset=Administration.objects.order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            initial=[family.owner_id],
        )
        self.fields["categories"] = forms.MultipleChoiceField(
            label=_("Information covered"),
            choices=cm.InfoCategory.choices,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["not_covered"] = forms.CharField(
            label=_("Does not cover"),
            help_text=_("Ask the person what the consent must not cover, and write it here."),
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
        )
        self.fields["purpose"] = forms.CharField(
            label=_("Purpose"),
            widget=forms.Textarea(attrs={"rows": 2}),
            initial=_("Coordination of the support for the family within Familjelotsen."),
        )
        self.fields["valid_from"] = forms.DateField(
            label=_("Valid from"),
            widget=DateInput(),
            initial=timezone.localdate,
            required=period_required,
        )
        self.fields["valid_until"] = forms.DateField(
            label=_("Valid until"),
            help_text=_("Mandatory. A consent is always limited in time."),
            widget=DateInput(),
            required=period_required,
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date cannot be before the start date."))
        return data


class ConsentForm(ConditionalFieldsMixin, _ScopeMixin, forms.Form):
    """Register one person's consent. For a child the custodians' consents are checkboxes with
    a date each; for an adult, the date the person consented. Who took an oral consent and its
    wording apply to an oral consent; the scan to a written one."""

    show_when = {
        "oral_taken_by": ShowWhen(
            {"form": (Consent.Form.ORAL,)}, required=_("Say who took the oral consent.")
        ),
        "oral_wording": ShowWhen(
            {"form": (Consent.Form.ORAL,)},
            required=_("Write down the wording of the oral consent."),
        ),
        "scan": ShowWhen({"form": (Consent.Form.WRITTEN,)}),
    }

    form = forms.ChoiceField(
        label=_("How it was given"),
        choices=Consent.Form.choices,
        initial=Consent.Form.WRITTEN,
        widget=forms.RadioSelect,
    )
    oral_wording = forms.CharField(
        label=_("Wording of the oral consent"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(
        self, *args, family: cm.Family, subject: cm.Member, custodians, user: User, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.family, self.subject, self.custodians = family, subject, list(custodians)
        self._scope_fields(family, period_required=True)
        team = User.objects.filter(case_teams__family=family).order_by("first_name", "last_name")
        self.fields["oral_taken_by"] = forms.ModelChoiceField(
            label=_("Oral consent taken by"), queryset=team, required=False, initial=user.pk
        )
        self.fields["scan"] = ScanField(
            required=False,
            help_text=_("PDF, JPEG or PNG, at most 10 MB. You can also add it later."),
        )
        self.signature_errors: list[str] = []
        today = timezone.localdate()
        if subject.is_child:
            # Each custodian's date applies once their box is ticked.
            self.show_when = {
                **type(self).show_when,
                **{
                    f"signed_on_{c.pk}": ShowWhen(
                        {f"sign_{c.pk}": (True,)},
                        required=_("Give the date of this custodian's consent."),
                    )
                    for c in self.custodians
                },
            }
            for custodian in self.custodians:
                self.fields[f"sign_{custodian.pk}"] = forms.BooleanField(
                    label=custodian.display_name, required=False
                )
                self.fields[f"signed_on_{custodian.pk}"] = forms.DateField(
                    label=_("Date of %(name)s's consent") % {"name": custodian.display_name},
                    widget=DateInput(),
                    required=False,
                    initial=today,
                )
            self.fields["child_view"] = forms.CharField(
                label=_("The child's own view"),
                help_text=_("What the child said about the information exchange."),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields["child_maturity_note"] = forms.CharField(
                label=_("The child's age and maturity"),
                help_text=_(
                    "Your assessment of the child's maturity in this matter, and how the "
                    "child's view was heard."
                ),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        else:
            self.fields[f"signed_on_{subject.pk}"] = forms.DateField(
                label=_("Date of the consent"), widget=DateInput(), initial=today
            )

    @property
    def custodian_rows(self) -> list[tuple]:
        return [(self[f"sign_{c.pk}"], self[f"signed_on_{c.pk}"]) for c in self.custodians]

    @property
    def adult_date(self):
        return None if self.subject.is_child else self[f"signed_on_{self.subject.pk}"]

    def clean(self):
        data = super().clean()
        signatures = []
        if self.subject.is_child:
            for custodian in self.custodians:
                if data.get(f"sign_{custodian.pk}"):
                    signed_on = data.get(f"signed_on_{custodian.pk}")
                    if signed_on is None:
                        if f"signed_on_{custodian.pk}" not in self.errors:
                            self.add_error(
                                f"signed_on_{custodian.pk}",
                                _("Give the date of this custodian's consent."),
                            )
                        continue
                    signatures.append(services.SignatureInput(custodian, signed_on))
        elif data.get(f"signed_on_{self.subject.pk}"):
            signatures.append(
                services.SignatureInput(self.subject, data[f"signed_on_{self.subject.pk}"])
            )
        data["signatures"] = signatures
        return data

    def apply_service_errors(self, error: ValidationError) -> None:
        """Signature problems are listed beside the signatures (and in the summary)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            if field == "signatures":
                self.signature_errors.extend(messages)
                # Also a form-level error so the summary at the top names it.
                self.add_error(None, messages)
            elif field in self.fields:
                self.add_error(field, messages)
            else:
                self.add_error(None, messages)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "receiving": list(data["receiving"]),
            "disclosing": list(data["disclosing"]),
            "categories": data["categories"],
            "not_covered": data.get("not_covered", ""),
            "purpose": data["purpose"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "form": data["form"],
            "oral_taken_by": data.get("oral_taken_by"),
            "oral_wording": data.get("oral_wording", ""),
            "child_view": data.get("child_view", ""),
            "child_maturity_note": data.get("child_maturity_note", ""),
            "signatures": data["signatures"],
            "scan": data.get("scan") or None,
        }


class BlankFormForm(_ScopeMixin, forms.Form):
    """Choices for printing a pre-filled consent form before any consent exists."""

    def __init__(self, *args, family: cm.Family, members_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"] = MemberChoiceField(
            label=_("Whose information"), queryset=members_qs, empty_label=None
        )
        self._scope_fields(family, period_required=False)
        self.fields["valid_until"].help_text = _(
            "Leave empty to fill in by hand at the visit; a consent always needs an end date."
        )
        self.order_fields(["member"])


class RevokeForm(VersionedForm):
    revoked_on = forms.DateField(
        label=_("Revoked on"), widget=DateInput(), initial=timezone.localdate
    )
    how = forms.CharField(
        label=_("How it was revoked"),
        max_length=120,
        help_text=_("For example: by phone to the family ombud, in writing, at a meeting."),
    )
    reason = forms.CharField(label=_("Reason given"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_revoked_on(self):
        value = self.cleaned_data["revoked_on"]
        if value > timezone.localdate():
            raise ValidationError(
                _("A revocation takes effect at once: it cannot be dated in the future.")
            )
        return value


class ScanForm(VersionedForm):
    scan = ScanField()

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            raise ValidationError(_("Choose the scanned, signed consent form."))
        return scan


class SignatureAddForm(VersionedForm):
    def __init__(self, *args, custodians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"] = forms.TypedChoiceField(
            label=_("Custodian"),
            choices=[(c.pk, c.display_name) for c in custodians],
            coerce=int,
        )
        self.fields["signed_on"] = forms.DateField(
            label=_("Date of the consent"), widget=DateInput(), initial=timezone.localdate
        )
        self.custodians = {c.pk: c for c in custodians}


class ShareForm(forms.Form):
    content_type = forms.CharField(max_length=100)
    object_id = forms.IntegerField(min_value=1)
    administration = forms.ModelChoiceField(queryset=Administration.objects.all())
    next = forms.CharField(required=False, max_length=500)


class UnshareForm(ShareForm):
    reason = forms.CharField(required=False, max_length=200)
