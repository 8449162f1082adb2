"""Log review (loggkontroll) for team leads: the access log filtered by user, family and
date, and a per-family log extract as PDF for the family's right of access."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import Action, Basis, log_access
from familjelotsen.models import AccessLogEntry, User
from familjelotsen.pdf import render_pdf


class LogFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("User"), required=False, queryset=User.objects.none()
    )
    family = forms.CharField(
        label=gettext_lazy("Family reference"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("E.g. FL-2026-0042"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, lead: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, administration__isnull=False
        ).order_by("last_name", "first_name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


def _reviewable(lead: User):
    """What a team lead may review: access to the families their administration owns, and
    everything their own staff did."""
    owned = cm.Family.objects.filter(owner_id=lead.administration_id).values("id")
    return AccessLogEntry.objects.filter(
        Q(family_id__in=owned) | Q(administration_id=lead.administration_id)
    )


def _references(entries) -> dict[int, str]:
    ids = {e.family_id for e in entries if e.family_id}
    return dict(cm.Family.objects.filter(pk__in=ids).values_list("pk", "reference"))


@require_GET
@access.require_roles(User.Role.TEAM_LEAD)
def access_log(request):
    form = LogFilterForm(request.GET or None, lead=request.user)
    qs = _reviewable(request.user).select_related("user", "administration")
    family = None
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            qs = qs.filter(user=data["user"])
        if data["family"]:
            family = (
                access.visible_families(request.user)
                .filter(reference__iexact=data["family"].strip())
                .first()
            )
            if family is None:
                form.add_error("family", _("No family you can see has that reference."))
                qs = qs.none()
            else:
                qs = qs.filter(family_id=family.pk)
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            qs = qs.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data["date_to"]:
            qs = qs.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tz)
            )
    page = Paginator(qs.order_by("-at", "-id"), 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "familjelotsen/access_log.html",
        {
            "form": form,
            "page": page,
            "references": _references(page.object_list),
            "family": family,
        },
    )


@require_GET
@access.require_roles(User.Role.TEAM_LEAD)
def family_log_extract(request, pk):
    """Who in which administration opened the family's records, when, on what basis."""
    family = access.get_family_for_user(request, pk)
    entries = list(
        AccessLogEntry.objects.filter(family_id=family.pk)
        .select_related("user", "administration")
        .order_by("at", "id")
    )
    log_access(
        user=request.user,
        action=Action.PRINT,
        obj=family,
        basis=family.access_basis,
        request=request,
        object_type="familjelotsen.accesslog",
    )
    pdf = render_pdf(
        "familjelotsen/log_extract_pdf.html",
        {
            "family": family,
            "entries": entries,
            "made_at": timezone.localtime(),
            "made_by": request.user,
            "basis_labels": dict(Basis.choices),
            "action_labels": dict(Action.choices),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="loggutdrag-{family.reference}.pdf"'
    return response
