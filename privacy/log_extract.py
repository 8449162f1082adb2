"""The exports of the access log: the review's filtered rows as CSV and one family's log
extract as PDF (the family's right of access). Both write their own EXPORT or PRINT rows:
an export of the log is a read of personal data like the page (privacy/log_review.py)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import Action, Basis, log_access
from familjelotsen.client_address import client_ip
from familjelotsen.models import AccessLogEntry
from familjelotsen.pdf import render_pdf
from privacy.log_review import (
    EXPORT_MAX,
    LOG_OBJECT_TYPE,
    MANY_FAMILIES,
    LogRow,
    build_rows,
    filter_log,
    kind_label,
    named_members,
    reviewer_only,
)


def _csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def log_csv_bytes(rows: list[LogRow]) -> bytes:
    yes, no = _("yes"), _("no")
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Swedish spreadsheet programs expect.
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Time"),
            _("User"),
            _("Administration"),
            _("Action"),
            _("Kind of record"),
            _("Record id"),
            _("Family"),
            _("Person"),
            _("Basis"),
            _("Consent"),
            _("Outside the case team"),
            _("Protected identity"),
            _("After hours"),
            _("More than %(n)s families that day") % {"n": MANY_FAMILIES},
        ]
    )
    for row in rows:
        e = row.entry
        person = _("Protected identity") if row.member_masked else row.member_name
        writer.writerow(
            [
                _csv_cell(timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
                _csv_cell(e.user.get_full_name() or e.user.username),
                _csv_cell(e.administration.name if e.administration else ""),
                _csv_cell(e.get_action_display()),
                _csv_cell(row.kind),
                _csv_cell(e.object_id or ""),
                _csv_cell(row.family_reference),
                _csv_cell(person),
                _csv_cell(e.get_basis_display()),
                _csv_cell(e.consent_id or ""),
                yes if row.outside_team else no,
                yes if row.protected else no,
                yes if row.after_hours else no,
                yes if row.many_families else no,
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _log_export(request, family: cm.Family | None, members: list[cm.Member]) -> None:
    """One EXPORT row for the extract of the log (with the family's basis when it is one
    family's log), and one for each member whose name the file holds; one INSERT."""
    user = request.user
    common = {
        "user_id": user.pk,
        "administration_id": user.administration_id,
        "action": Action.EXPORT,
        "remote_addr": client_ip(request),
    }
    rows = [
        AccessLogEntry(
            object_type=LOG_OBJECT_TYPE,
            family_id=family.pk if family is not None else None,
            basis=family.access_basis if family is not None else access.log_review_basis(user),
            consent_id=getattr(family, "access_consent_id", None),
            **common,
        )
    ]
    rows += [
        AccessLogEntry(
            object_type=member._meta.label_lower,
            object_id=member.pk,
            family_id=member.family_id,
            member_id=member.pk,
            basis=member.access_basis,
            consent_id=member.access_consent_id,
            **common,
        )
        for member in members
    ]
    AccessLogEntry.objects.bulk_create(rows)


@require_GET
@reviewer_only
def access_log_csv(request):
    """The filtered rows as CSV (at most EXPORT_MAX, newest first): the same labels and flags
    as the page, no personnummer, protected identity masked."""
    filtered = filter_log(request)
    entries = list(filtered.qs[:EXPORT_MAX])
    rows = []
    # Labels a chunk at a time: a few queries per thousand rows.
    for offset in range(0, len(entries), 1000):
        rows += build_rows(request.user, entries[offset : offset + 1000])
    _log_export(request, filtered.family, named_members(rows))
    response = HttpResponse(log_csv_bytes(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="loggkontroll-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- A family's log extract --------------------------------------------------------------------


@require_GET
@reviewer_only
def family_log_extract(request, pk):
    """Who in which administration opened the family's records, when, on what basis."""
    # The PRINT row below is the log of this read.
    family = access.get_family_for_user(request, pk, log=False)
    entries = list(
        AccessLogEntry.objects.filter(family_id=family.pk)
        .select_related("user", "administration")
        .order_by("at", "id")
    )
    for entry in entries:
        entry.kind = kind_label(entry.object_type)
    log_access(
        user=request.user,
        action=Action.PRINT,
        obj=family,
        basis=family.access_basis,
        consent_id=family.access_consent_id,
        request=request,
        object_type="familjelotsen.accesslog",
    )
    pdf = render_pdf(
        "privacy/log_extract_pdf.html",
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
