from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from familjelotsen.forms import ConditionalFieldsMixin, DateInput, ShowWhen, VersionedForm
from familjelotsen.models import Administration
from reporting import sections, selectors
from reporting.models import ReportKind
from reporting.services import COMMENT_MAX, SUMMARY_MAX


class ReportStartForm(ConditionalFieldsMixin, forms.Form):
    show_when = {"administration": ShowWhen({"kind": (ReportKind.COMMITTEE.value,)})}
    kind = forms.ChoiceField(
        label=_("Kind of report"), choices=ReportKind.choices, widget=forms.RadioSelect
    )
    preset = forms.ChoiceField(
        label=_("Period"),
        required=False,
        widget=forms.Select(attrs={"data-report-preset": ""}),
        help_text=_("A period from the report schedule, or choose your own dates below."),
    )
    period_start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    administration = forms.ModelChoiceField(
        label=_("Committee's administration"),
        queryset=Administration.objects.order_by("name"),
        required=False,
        help_text=_("For a committee report: the administration whose committee receives it."),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.presets = {p.key: p for p in selectors.presets(today)}
        self.fields["preset"].choices = [("", _("Own dates"))] + [
            (p.key, f"{p.label} ({p.start:%Y-%m-%d} – {p.end:%Y-%m-%d})")
            for p in self.presets.values()
        ]

    def clean(self):
        data = super().clean()
        preset = self.presets.get(data.get("preset") or "")
        if preset:
            data["period_start"], data["period_end"] = preset.start, preset.end
        else:
            for name in ("period_start", "period_end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give a date, or choose a period above."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        if data.get("kind") == ReportKind.COMMITTEE and not data.get("administration"):
            self.add_error("administration", _("Choose the committee's administration."))
        return data


class NarrativeForm(VersionedForm):
    summary = forms.CharField(
        label=_("Your summary"),
        required=False,
        max_length=SUMMARY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Your summary opens the report. Write no names or other details that "
            "could identify a family."
        ),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.section_fields = {}
        for section in sections.sections_for(kind):
            name = f"comment_{section.key}"
            self.fields[name] = forms.CharField(
                label=_("Comment on “%(section)s”") % {"section": section.title},
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.section_fields[section.key] = name

    @classmethod
    def initial_for(cls, report) -> dict:
        initial = {"version": report.version, "summary": report.summary}
        for key, text in (report.comments or {}).items():
            initial[f"comment_{key}"] = text
        return initial

    def comments(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(name, "") for key, name in self.section_fields.items()}

    def bound_comment_fields(self) -> dict:
        return {key: self[name] for key, name in self.section_fields.items()}


class CostSettingsForm(forms.Form):
    hourly_cost = forms.DecimalField(
        label=_("Hourly cost (SEK)"),
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("What one hour of the team's work costs, all costs included."),
    )


class FunderShareForm(forms.Form):
    name = forms.CharField(label=_("Funder"), max_length=120)
    administration = forms.ModelChoiceField(
        label=_("Administration"),
        queryset=Administration.objects.order_by("name"),
        required=False,
    )
    share_percent = forms.DecimalField(
        label=_("Share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )


FunderShareFormSet = forms.formset_factory(FunderShareForm, extra=2, can_delete=True)
