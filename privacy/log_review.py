"""Log review (loggkontroll) for team leads: the access log of their administration with human
labels and review flags, a recorded review, a CSV export of the filtered rows, and a
per-family log extract as PDF for the family's right of access (the two exports are in
privacy/log_extract.py).

The rows read the log; every label that names a person is masked by the policy
(`access.visible_members`: protected identity for the case team only), and a name shown is a
read of personal data like any other (one access-log row per member shown).

The flags point the reviewer at rows worth a look; they decide nothing:

- outside the case team: a family's record reached on another basis than the case team
  (the team lead, a share, the reporter's duty);
- protected identity: the record is about a member with protected identity;
- after hours: before 07:00 or after 18:00 local time, or a Saturday or Sunday;
- many families in a day: the user touched more than `MANY_FAMILIES` distinct families on
  that (local) day, anywhere in the log.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMinute, TruncDate
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import log_list
from familjelotsen.forms import DateInput
from familjelotsen.idempotency import idempotent_post
from familjelotsen.models import AccessLogEntry, AccessLogReview, User

PER_PAGE = 50
EXPORT_MAX = 20_000
# More distinct families than this in one day is flagged.
MANY_FAMILIES = 20
# Working hours, local time, in minutes after midnight: 07:00 to 18:00 on weekdays.
DAY_STARTS, DAY_ENDS = 7 * 60, 18 * 60
# A reviewer's own reads of the log that concern no one family take the basis
# `access.log_review_basis`; a read of one family's log takes the basis the policy finds for
# that family.
LOG_OBJECT_TYPE = "familjelotsen.accesslogentry"

# Log rows about something that is not one model's record.
SPECIAL_KINDS = {
    "cases.family.history": gettext_lazy("change history of a family"),
    "familjelotsen.accesslog": gettext_lazy("log extract of a family"),
    LOG_OBJECT_TYPE: gettext_lazy("access log"),
}


def reviewer_only(view):
    """The log review is the team lead's page (`access.reviews_access_log`); others get 403."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access.reviews_access_log(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- Forms -------------------------------------------------------------------------------------


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
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())
    only_flagged = forms.BooleanField(label=gettext_lazy("Only flagged rows"), required=False)

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


class LogReviewForm(forms.ModelForm):
    class Meta:
        model = AccessLogReview
        fields = ["period_from", "period_to", "sampled", "findings", "follow_up_needed"]
        widgets = {
            "period_from": DateInput(),
            "period_to": DateInput(),
            "sampled": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "findings": gettext_lazy(
                "What you found, e.g. 'nothing to remark' or which rows need to be looked "
                "into and why. Refer to families by their reference code."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The end date is before the start date."))
        return cleaned


# --- The rows ----------------------------------------------------------------------------------


def _reviewable(lead: User) -> QuerySet:
    """What a team lead may review: access to the families their administration owns, and
    everything their own staff did."""
    owned = cm.Family.objects.filter(owner_id=lead.administration_id).values("id")
    return AccessLogEntry.objects.filter(
        Q(family_id__in=owned) | Q(administration_id=lead.administration_id)
    )


def _with_flags(qs: QuerySet) -> QuerySet:
    """The flags that SQL can compute row by row (the many-families flag is per page)."""
    tz = timezone.get_current_timezone()
    minute_of_day = ExtractHour("at", tzinfo=tz) * 60 + ExtractMinute("at", tzinfo=tz)
    return qs.annotate(
        local_minute=minute_of_day,
        local_weekday=ExtractIsoWeekDay("at", tzinfo=tz),
        local_day=TruncDate("at", tzinfo=tz),
    ).annotate(
        # A review flag, not an access decision: the basis the policy logged at the time.
        flag_outside_team=ExpressionWrapper(
            Q(family_id__isnull=False) & access.outside_team_q(), output_field=BooleanField()
        ),
        flag_protected=Exists(
            cm.Member.objects.filter(pk=OuterRef("member_id"), protected_identity=True)
        ),
        flag_after_hours=ExpressionWrapper(
            Q(local_minute__lt=DAY_STARTS) | Q(local_minute__gt=DAY_ENDS) | Q(local_weekday__gte=6),
            output_field=BooleanField(),
        ),
    )


def _many_families_that_day() -> Exists:
    """True when the row's user touched more than MANY_FAMILIES families on the row's local
    day (for the "only flagged" filter; the index on user and time bounds each probe)."""
    day = dt.timedelta(days=1)
    others = (
        AccessLogEntry.objects.filter(
            user_id=OuterRef("user_id"),
            family_id__isnull=False,
            at__gt=ExpressionWrapper(OuterRef("at") - Value(day), output_field=DateTimeField()),
            at__lt=ExpressionWrapper(OuterRef("at") + Value(day), output_field=DateTimeField()),
            at__date=OuterRef("local_day"),
        )
        .values("user_id")
        .annotate(families=Count("family_id", distinct=True))
        .filter(families__gt=MANY_FAMILIES)
    )
    return Exists(others)


def _only_flagged(qs: QuerySet) -> QuerySet:
    return qs.filter(
        Q(flag_outside_team=True)
        | Q(flag_protected=True)
        | Q(flag_after_hours=True)
        | _many_families_that_day()
    )


def _busy_days(entries: list[AccessLogEntry]) -> set[tuple[int, dt.date]]:
    """(user, local day) pairs of the rows where the user touched more than MANY_FAMILIES
    distinct families: one aggregate query for the whole page."""
    pairs = {(e.user_id, e.local_day) for e in entries}
    if not pairs:
        return set()
    days = [day for _user, day in pairs]
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(min(days), dt.time.min, tz)
    end = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time.min, tz)
    busy = (
        AccessLogEntry.objects.filter(
            user_id__in={user for user, _day in pairs},
            family_id__isnull=False,
            at__gte=start,
            at__lt=end,
        )
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("user_id", "day")
        .annotate(families=Count("family_id", distinct=True))
        .filter(families__gt=MANY_FAMILIES)
        .values_list("user_id", "day")
    )
    return set(busy) & pairs


def kind_label(object_type: str) -> str:
    """The kind of record a log row is about, in the reader's language."""
    if object_type in SPECIAL_KINDS:
        return capfirst(str(SPECIAL_KINDS[object_type]))
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return capfirst(str(model._meta.verbose_name))


@dataclass
class LogRow:
    entry: AccessLogEntry
    kind: str
    family_reference: str = ""
    member_name: str = ""
    member_masked: bool = False
    outside_team: bool = False
    protected: bool = False
    after_hours: bool = False
    many_families: bool = False
    member: cm.Member | None = field(default=None, repr=False)

    @property
    def flagged(self) -> bool:
        return self.outside_team or self.protected or self.after_hours or self.many_families

    @property
    def flags(self) -> list[str]:
        out = []
        if self.outside_team:
            out.append(_("Outside the case team"))
        if self.protected:
            out.append(_("Protected identity"))
        if self.after_hours:
            out.append(_("After hours"))
        if self.many_families:
            out.append(
                _("More than %(n)s families that day") % {"n": MANY_FAMILIES},
            )
        return out


def build_rows(user: User, entries: list[AccessLogEntry]) -> list[LogRow]:
    """Labels and flags for log rows: three queries, whatever the number of rows (family
    references, the members the reviewer may see with the policy's masking, busy days)."""
    family_ids = {e.family_id for e in entries if e.family_id}
    member_ids = {e.member_id for e in entries if e.member_id}
    references = (
        dict(cm.Family.objects.filter(pk__in=family_ids).values_list("pk", "reference"))
        if family_ids
        else {}
    )
    members = (
        {
            m.pk: m
            for m in access.visible_members(user)
            .filter(pk__in=member_ids)
            .only("id", "family_id", "first_name", "last_name", "protected_identity")
        }
        if member_ids
        else {}
    )
    busy = _busy_days(entries)
    rows = []
    for entry in entries:
        row = LogRow(
            entry=entry,
            kind=kind_label(entry.object_type),
            family_reference=references.get(entry.family_id, ""),
            outside_team=entry.flag_outside_team,
            protected=entry.flag_protected,
            after_hours=entry.flag_after_hours,
            many_families=(entry.user_id, entry.local_day) in busy,
        )
        member = members.get(entry.member_id)
        if member is not None:
            row.member = member
            if member.identity_visible:
                row.member_name = f"{member.first_name} {member.last_name}".strip()
            else:
                row.member_masked = True
        rows.append(row)
    return rows


def named_members(rows: list[LogRow]) -> list[cm.Member]:
    """The members whose names the rows show (each once): reads of personal data."""
    seen: dict[int, cm.Member] = {}
    for row in rows:
        if row.member is not None and row.member_name:
            seen.setdefault(row.member.pk, row.member)
    return list(seen.values())


# --- The filtered log --------------------------------------------------------------------------


@dataclass
class Filtered:
    form: LogFilterForm
    qs: QuerySet
    family: cm.Family | None = None


def filter_log(request) -> Filtered:
    form = LogFilterForm(request.GET or None, lead=request.user)
    qs = _with_flags(_reviewable(request.user)).select_related("user", "administration")
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
        if data["only_flagged"]:
            qs = _only_flagged(qs)
    elif form.is_bound:
        qs = qs.none()
    return Filtered(form, qs.order_by("-at", "-id"), family)


@dataclass
class LogPage:
    """A page of the log, newest first, without a COUNT over the log: one row more than
    shown tells whether there are older rows. Pages continue from the last row shown (a
    keyset), so rows written meanwhile (the reviewer's own reads among them) never shift
    what the next page shows."""

    rows: list[LogRow]
    has_next: bool
    is_first: bool

    @property
    def next_cursor(self) -> str:
        last = self.rows[-1].entry
        return f"{_micros(last.at)}.{last.pk}"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _micros(value: dt.datetime) -> int:
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


def _older_than(qs: QuerySet, cursor: str | None) -> tuple[QuerySet, bool]:
    """The rows after the cursor `<microseconds since 1970>.<id>` of the last row shown."""
    if not cursor:
        return qs, True
    try:
        micros, pk = (int(part) for part in cursor.split(".", 1))
        at = _EPOCH + dt.timedelta(microseconds=micros)
    except (TypeError, ValueError, OverflowError):
        return qs, True
    return qs.filter(Q(at__lt=at) | Q(at=at, id__lt=pk)), False


def _describe(filtered: Filtered, page: LogPage) -> str:
    """What a review looked at, for its record (prefilled on the review form)."""
    parts = []
    data = filtered.form.cleaned_data if filtered.form.is_valid() else {}
    if data.get("user"):
        parts.append(_("user: %(name)s") % {"name": data["user"]})
    if filtered.family is not None:
        parts.append(_("family: %(ref)s") % {"ref": filtered.family.reference})
    if data.get("date_from") or data.get("date_to"):
        parts.append(
            _("dates: %(start)s to %(end)s")
            % {
                "start": date_format(data["date_from"], "SHORT_DATE_FORMAT")
                if data.get("date_from")
                else "…",
                "end": date_format(data["date_to"], "SHORT_DATE_FORMAT")
                if data.get("date_to")
                else "…",
            }
        )
    if data.get("only_flagged"):
        parts.append(_("only flagged rows"))
    looked = ngettext(
        "%(rows)s row looked at (%(flagged)s flagged)",
        "%(rows)s rows looked at (%(flagged)s flagged)",
        len(page.rows),
    ) % {
        "rows": len(page.rows),
        "flagged": sum(1 for r in page.rows if r.flagged),
    }
    if page.rows:
        looked += " " + _("from %(start)s to %(end)s") % {
            "start": date_format(
                timezone.localtime(page.rows[-1].entry.at), "SHORT_DATETIME_FORMAT"
            ),
            "end": date_format(timezone.localtime(page.rows[0].entry.at), "SHORT_DATETIME_FORMAT"),
        }
    where = "; ".join(parts) if parts else _("the whole log, newest first")
    return _("Filter: %(filter)s. %(looked)s.") % {"filter": where, "looked": capfirst(looked)}


def _review_initial(filtered: Filtered, page: LogPage) -> dict:
    data = filtered.form.cleaned_data if filtered.form.is_valid() else {}
    today = timezone.localdate()
    days = [r.entry.local_day for r in page.rows]
    return {
        "period_from": data.get("date_from") or (min(days) if days else today),
        "period_to": data.get("date_to") or (max(days) if days else today),
        "sampled": _describe(filtered, page),
    }


def _reviews(user: User) -> QuerySet:
    """The recorded reviews of the reviewer's administration."""
    return AccessLogReview.objects.filter(administration_id=user.administration_id).select_related(
        "reviewer"
    )


@require_http_methods(["GET", "POST"])
@reviewer_only
@idempotent_post
def access_log(request):
    """The log with labels and flags; a POST records a review of what is shown."""
    filtered = filter_log(request)
    qs, is_first = _older_than(filtered.qs, request.GET.get("fore"))
    entries = list(qs[: PER_PAGE + 1])
    rows = build_rows(request.user, entries[:PER_PAGE])
    page = LogPage(rows=rows, has_next=len(entries) > PER_PAGE, is_first=is_first)

    review_form = None
    if request.method == "POST":
        review_form = LogReviewForm(request.POST)
        if review_form.is_valid():
            review = review_form.save(commit=False)
            review.reviewer = request.user
            review.administration_id = request.user.administration_id
            review.save()
            messages.success(request, _("The log review was recorded."))
            query = request.GET.urlencode()
            return redirect(reverse("access_log") + (f"?{query}" if query else ""))
    if review_form is None:
        review_form = LogReviewForm(initial=_review_initial(filtered, page))

    log_list(user=request.user, objects=named_members(rows), request=request)
    return render(
        request,
        "privacy/access_log.html",
        {
            "form": filtered.form,
            "page": page,
            "family": filtered.family,
            "review_form": review_form,
            "reviews": list(_reviews(request.user)[:10]),
            "many_families": MANY_FAMILIES,
            "query": _query_without_page(request),
        },
    )


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("fore", None)
    return query.urlencode()


@require_GET
@reviewer_only
def access_log_reviews(request):
    """Every recorded review of the administration, newest first."""
    page = Paginator(_reviews(request.user), 50).get_page(request.GET.get("sida"))
    return render(request, "privacy/access_log_reviews.html", {"page": page})


# --- CSV export --------------------------------------------------------------------------------
