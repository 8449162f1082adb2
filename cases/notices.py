"""Immediate notices (issue 21, break-the-glass): when someone opens a family in an emergency,
the family's case team and the team leads of its owning administration get an e-mail at once,
besides the notice on the family page and the line in their daily digest.

The e-mail says what the digest says: the family's reference code, until when, and a link;
never a name, the reason (it may describe the child) nor any other case text: who and why are
on the family page, for those who may read it. It
reaches the staff `access.told_of_emergency` names who have an e-mail address and still see
the family, and each one sent is logged as an export of the family to that member of staff.
Queued by `cases.tasks` once the emergency access is committed.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import Action, log_access

logger = logging.getLogger(__name__)


def site_url() -> str:
    """This server's address for links in e-mails: FL_SITE_URL (settings, else environment)."""
    value = getattr(settings, "FL_SITE_URL", None)
    if value is None:
        value = os.environ.get("FL_SITE_URL", "http://127.0.0.1:8000")
    return str(value).rstrip("/")


def emergency_email(emergency: cm.EmergencyAccess, family, *, site: str) -> tuple[str, str]:
    """Subject and body: the reference code, until when, a link; no name, no case text."""
    with translation.override(settings.LANGUAGE_CODE):
        ends = formats.date_format(timezone.localtime(emergency.ends_at), "SHORT_DATETIME_FORMAT")
        subject = _("Familjelotsen: emergency access to %(reference)s") % {
            "reference": family.reference
        }
        lines = [
            _("Someone has opened %(reference)s in an emergency, until %(ends)s.")
            % {"reference": family.reference, "ends": ends},
            _(
                "Who, why and every read are on the family page; the team lead of the "
                "administration that owns the family reviews the access afterwards."
            ),
            "",
            _("Open the family: %(url)s")
            % {"url": site + reverse("cases:family_detail", args=[family.pk])},
        ]
    return str(subject), "\n".join(str(line) for line in lines) + "\n"


def emergency_notice_send(*, emergency_id: int) -> int:
    """E-mail everyone told of one emergency access; returns how many were sent. A failed
    send is logged (without the address) and the others still go: the notice on the family
    page and the digest remain."""
    emergency = cm.EmergencyAccess.objects.select_related("family").filter(pk=emergency_id).first()
    if emergency is None:
        return 0
    site, sent = site_url(), 0
    for user in access.told_of_emergency(emergency).exclude(email=""):
        family = access.visible_families(user).filter(pk=emergency.family_id).first()
        if family is None:  # no longer on the case team, say
            continue
        subject, body = emergency_email(emergency, family, site=site)
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
        except Exception as exc:  # SMTP, DNS, refused: the page and the digest still tell
            logger.warning("an emergency notice could not be sent: %s", type(exc).__name__)
            continue
        log_access(
            user=user,
            action=Action.EXPORT,
            obj=family,
            basis=family.access_basis,
            consent_id=family.access_consent_id,
        )
        sent += 1
    return sent
