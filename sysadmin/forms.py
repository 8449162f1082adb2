"""The administration area's forms. They check the shape of the input; the services decide
(unique names, who may change what) and their refusals land on the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen
from familjelotsen.models import Administration, IdentityProvider, Organisation, User
from reporting.models import VolumeWork

WORK_HELP = _(
    "Choose the administration whose cases the person works in, not their employer: staff "
    "employed elsewhere who work in Råd & Stöd's team are users of Råd & Stöd. Only staff of "
    "the administration that holds a case can be on its case team; other administrations see "
    "a family only through shares that a valid consent covers. The system administrator works "
    "for no administration."
)


class StaffSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or username"), required=False, max_length=80)


class _StaffFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    administration = forms.ModelChoiceField(
        label=_("Administration"),
        queryset=Administration.objects.order_by("name"),
        required=False,
        help_text=WORK_HELP,
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Reports on"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Project leaders only: the municipalities and regions whose figures the person "
            "sees in the reports and on the dashboard. None ticked: no figures at all."
        ),
    )


class UserCreateForm(_StaffFields):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Give it to the person in a safe way. They set up their authenticator app at "
            "their first login."
        ),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = [
        "username",
        "first_name",
        "last_name",
        "title",
        "email",
        "role",
        "administration",
        "organisations",
        "password1",
        "password2",
    ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User.username_validator(username)
        return username

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", _("The two passwords differ: type the same twice."))
        return data


class UserEditForm(_StaffFields):
    pass


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "Why the second factor is reset, e.g. a lost phone and how the person's identity "
            "was checked. Kept in the change history."
        ),
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("E.g. Lindesbergs kommun."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        help_text=_(
            "2–6 capital letters, e.g. LIN. Part of every new family's reference code "
            "(FL-LIN-2026-0001): it cannot be changed later."
        ),
    )

    def __init__(self, *args, fixed_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_code:
            # Families' reference codes carry it: shown, never changed.
            self.fields["code"].disabled = True
            self.fields["code"].required = False


class AdministrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Administration.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Municipality or region"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_(
            "The principal the administration belongs to. Its families count in that "
            "organisation's figures and get its code in their reference."
        ),
    )


class LegalReferenceForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("How the pages refer to it, e.g. 'report-of-concern'. Letters, digits, -."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    citation = forms.CharField(
        label=_("Citation"), max_length=200, help_text=_("E.g. 'SoL (2025:400) 20 kap. 2 §'.")
    )
    wording = forms.CharField(
        label=_("Current wording or summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    url = forms.URLField(label=_("Source"), required=False, assume_scheme="https")
    verified_on = forms.DateField(
        label=_("Verified against the official text"), required=False, widget=DateInput()
    )


class BirthDaysField(forms.CharField):
    """Days of the month as "5, 15, 25"."""

    default_error_messages = {
        "invalid": _("Write days of the month as numbers separated by commas, e.g. 5, 15, 25."),
    }

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        try:
            return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class RetentionRuleForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200)
    years_after_last_entry = forms.IntegerField(
        label=_("Years after the last journal entry"), min_value=1, max_value=100
    )
    by_end_of_following_year = forms.BooleanField(
        label=_("Deletion due by the end of the following calendar year"), required=False
    )
    research_birth_days = BirthDaysField(
        label=_("Birth days kept for research"),
        required=False,
        help_text=_("Persons born on these days of a month are kept (default 5, 15, 25)."),
    )
    legal_reference = forms.ModelChoiceField(
        label=_("Legal reference"),
        queryset=cm.LegalReference.objects.order_by("key"),
        required=False,
    )
    active = forms.BooleanField(label=_("Active"), required=False)


# --- The money behind the funder report (issue 19) ---------------------------------------------


class PriceSettingsForm(forms.Form):
    base_price = forms.DecimalField(
        label=_("Agreed yearly price (SEK)"),
        required=False,
        max_digits=12,
        decimal_places=0,
        min_value=0,
        help_text=_("What the team costs a year by the agreement, all costs included."),
    )
    price_level_year = forms.IntegerField(
        label=_("Price level of the agreed price (year)"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("E.g. 2018: the price is raised by OPI from 2019 on."),
    )
    indexed = forms.BooleanField(label=_("Index the price by OPI every year"), required=False)
    cost_per_placement_month = forms.DecimalField(
        label=_("Cost per placement-month (SEK)"),
        required=False,
        max_digits=10,
        decimal_places=0,
        min_value=0,
        help_text=_("What one month of a placement outside the home costs on average."),
    )
    months_per_placement = forms.IntegerField(
        label=_("Months an avoided placement is counted as"), min_value=1, max_value=120
    )
    project_start = forms.DateField(
        label=_("Project start"),
        required=False,
        widget=DateInput(),
        help_text=_("Families over the whole project are counted from this date."),
    )


class PriceIndexForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    change_percent = forms.DecimalField(
        label=_("OPI change (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=-20,
        max_value=50,
        help_text=_("The change of the care price index for the year, as SKR publishes it."),
    )


class ContributionForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    funder = forms.CharField(label=_("Funder"), max_length=120)
    administration = forms.ModelChoiceField(
        label=_("Administration"),
        queryset=Administration.objects.order_by("name"),
        required=False,
        help_text=_("When the funder is one of the administrations."),
    )
    amount = forms.DecimalField(
        label=_("Contribution (SEK)"), max_digits=12, decimal_places=0, min_value=0
    )


class VolumeTargetForm(forms.Form):
    work = forms.ChoiceField(label=_("Kind of work"))
    target_value = forms.DecimalField(
        label=_("Target"), max_digits=7, decimal_places=1, min_value=0
    )
    low = forms.DecimalField(
        label=_("Lower end of the range"),
        required=False,
        max_digits=7,
        decimal_places=1,
        min_value=0,
        help_text=_("Only when the target is a range, e.g. 15 of 15–30 families."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work"].choices = VolumeWork.choices


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class IdentityProviderForm(ConditionalFieldsMixin, forms.Form):
    """An organisation's login service (OpenID Connect or SAML 2.0). The mappings are written
    one per line, "claim value = role" and "claim value = administration", so the
    administrator never edits JSON; the services check the roles and administrations and what
    each protocol needs."""

    # Each protocol's own fields (the services check what each needs).
    show_when = {
        "entity_id": ShowWhen({"protocol": (IdentityProvider.Protocol.SAML.value,)}),
        "client_id": ShowWhen({"protocol": (IdentityProvider.Protocol.OIDC.value,)}),
        "client_secret": ShowWhen({"protocol": (IdentityProvider.Protocol.OIDC.value,)}),
    }

    enabled = forms.BooleanField(label=_("In use"), required=False, initial=True)
    protocol = forms.ChoiceField(
        label=_("Protocol"),
        choices=IdentityProvider.Protocol.choices,
        initial=IdentityProvider.Protocol.OIDC,
        help_text=_("SAML where the organisation's federation requires it (SITHS, say)."),
    )
    server_url = forms.URLField(
        label=_("Address of the provider"),
        max_length=200,
        assume_scheme="https",
        help_text=_(
            "OpenID Connect: the issuer, e.g. https://login.lindesberg.se/realms/staff. "
            "SAML: the provider's metadata, e.g. https://idp.regionorebrolan.se/metadata"
        ),
    )
    entity_id = forms.CharField(
        label=_("Entity id (SAML)"),
        max_length=255,
        required=False,
        help_text=_("The provider's entity id in its metadata."),
    )
    client_id = forms.CharField(
        label=_("Client id (OpenID Connect)"), max_length=191, required=False
    )
    client_secret = forms.CharField(
        label=_("Client secret (OpenID Connect)"),
        max_length=191,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored secret."),
    )
    role_claim = forms.CharField(
        label=_("Claim with the role"),
        max_length=64,
        required=False,
        help_text=_("SAML: the attribute's name."),
    )
    role_map = forms.CharField(
        label=_("Roles by claim value"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: claim value = role. Roles: family_ombud, team_lead, "
            "school_coordinator, coordinator, project_leader, referrer."
        ),
    )
    administration_claim = forms.CharField(
        label=_("Claim with the administration"), max_length=64, required=False
    )
    administration_map = forms.CharField(
        label=_("Administrations by claim value"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: claim value = the administration's name. A value without a line "
            "is matched against the names of this organisation's administrations."
        ),
    )
    strong_acr_values = forms.CharField(
        label=_("acr values of strong authentication"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line, e.g. http://id.elegnamnden.se/loa/1.0/loa3. SAML: the assertion's "
            "authentication context classes."
        ),
    )
    strong_amr_values = forms.CharField(
        label=_("amr values of strong authentication"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, e.g. mfa"),
    )

    def _pairs(self, name: str) -> dict[str, str]:
        pairs = {}
        for line in _lines(self.cleaned_data.get(name, "")):
            key, sep, value = line.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise forms.ValidationError(
                    _("Write each line as: claim value = %(what)s (not “%(line)s”)."),
                    params={
                        "what": _("role") if name == "role_map" else _("administration"),
                        "line": line[:60],
                    },
                )
            pairs[key.strip()] = value.strip()
        return pairs

    def clean_role_map(self):
        return self._pairs("role_map")

    def clean_administration_map(self):
        return self._pairs("administration_map")

    def clean_strong_acr_values(self):
        return _lines(self.cleaned_data.get("strong_acr_values", ""))

    def clean_strong_amr_values(self):
        return _lines(self.cleaned_data.get("strong_amr_values", ""))

    @staticmethod
    def initial_for(idp) -> dict:
        if idp is None:
            return {"enabled": True, "role_claim": "roles", "administration_claim": "department"}
        return {
            "enabled": idp.enabled,
            "protocol": idp.protocol,
            "server_url": idp.server_url,
            "entity_id": idp.entity_id,
            "client_id": idp.client_id,
            "role_claim": idp.role_claim,
            "role_map": "\n".join(f"{k} = {v}" for k, v in idp.role_map.items()),
            "administration_claim": idp.administration_claim,
            "administration_map": "\n".join(
                f"{k} = {v}" for k, v in idp.administration_map.items()
            ),
            "strong_acr_values": "\n".join(idp.strong_acr_values),
            "strong_amr_values": "\n".join(idp.strong_amr_values),
        }
