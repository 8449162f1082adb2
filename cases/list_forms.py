"""The search and filter forms of the case lists (my families, the waiting list, pupils,
shared with me)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases import models as cm


class ListSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or reference"), required=False, max_length=80)


class WaitingListForm(forms.Form):
    q = forms.CharField(label=_("Search by name or reference"), required=False, max_length=80)
    kind = forms.ChoiceField(
        label=_("Kind of work"),
        required=False,
        choices=[("", _("All kinds of work")), *cm.WorkKind.choices],
    )


class PupilSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by name, school or reference"), required=False, max_length=80
    )


class FamilyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or reference"), required=False, max_length=80)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open cases")), ("", _("All"))] + list(cm.Family.Status.choices),
    )
