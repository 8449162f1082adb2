"""Pages of the privacy app: the register extract (right of access). The log review pages
live in privacy/log_review.py and privacy/log_extract.py."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.pdf import render_pdf
from privacy.register_extract import build


@require_GET
@access.require_roles(*access.CASE_ROLES)
def register_extract(request, pk, fmt):
    """Everything held about one person, as PDF for the person or JSON.

    Made by those who run the case (OVERSEE: the case team and the owning team lead), who
    hand it over. A protected identity (name, personnummer, address, mobile) is in it only
    for the case team; the team lead's extract masks it. Logged as one export per file."""
    if fmt not in ("pdf", "json"):
        raise Http404
    member = access.get_member_for_user(request, pk, need=access.OVERSEE, log=False)
    log_read(request, member, Action.EXPORT)
    data = build(member, identity=member.can.identity)
    name = f"registerutdrag-{member.family.reference}-{member.pk}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    labels = {
        "name": _("Name"),
        "personal_number": _("Personal identity number"),
        "birth_date": _("Birth date"),
        "kind": _("Kind"),
        "address": _("Address"),
        "mobile": _("Mobile number"),
        "protected_identity": _("Protected identity"),
        "npf_diagnosis": _("NPF diagnosis"),
        "school": _("School"),
        "grade": _("Grade"),
        "occupation": _("Occupation"),
        "income_support": _("Income support"),
    }
    person_rows = [(labels.get(k, k), v) for k, v in data["person"].items()]
    context = {"data": data, "person_rows": person_rows}
    pdf = render_pdf("privacy/register_extract_pdf.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
