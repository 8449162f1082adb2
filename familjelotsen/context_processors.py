from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from familjelotsen.models import User

Role = User.Role

# The navigation each role needs, in order; every entry is a URL name.
NAVIGATION = {
    Role.FAMILY_OMBUD: [
        ("cases:my_families", _("My families")),
        ("agenda:digest", _("Today")),
        ("consultations:list", _("Consultations")),
        ("courses:list", _("Courses")),
        ("cases:emergency_access", _("Emergency access")),
    ],
    Role.TEAM_LEAD: [
        ("cases:waiting_list", _("Waiting list")),
        ("referrals:incoming", _("Requests from outside")),
        ("cases:my_families", _("Families")),
        ("access_log", _("Access log")),
        ("reporting:dashboard", _("Reports")),
        ("agenda:digest", _("Today")),
        ("agenda:sms_failed", _("Failed sends")),
        ("consultations:list", _("Consultations")),
        ("courses:list", _("Courses")),
        ("cases:emergency_access", _("Emergency access")),
    ],
    Role.SCHOOL_COORDINATOR: [
        ("cases:pupils", _("Pupils")),
        ("cases:emergency_access", _("Emergency access")),
    ],
    Role.COORDINATOR: [
        ("cases:shared", _("Shared with us")),
        ("sip:my_interventions", _("SIP interventions")),
        ("cases:emergency_access", _("Emergency access")),
    ],
    Role.PROJECT_LEADER: [
        ("reporting:dashboard", _("Reports")),
        ("evaluation:rounds", _("Collaboration survey")),
        ("evaluation:extract", _("Evaluation extract")),
    ],
    Role.REFERRER: [
        ("referrals:mine", _("My requests")),
        ("cases:shared", _("Shared with us")),
        ("cases:emergency_access", _("Emergency access")),
    ],
    Role.SYSTEM_ADMIN: [
        ("sysadmin:index", pgettext_lazy("the system administrator's area", "Administration")),
        ("sysadmin:users", _("Users")),
        ("sysadmin:administrations", _("Administrations")),
        ("sysadmin:reference", _("Reference data")),
        ("sysadmin:history", _("Change history")),
    ],
}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {"url": reverse(name), "label": label, "current": False}
        for name, label in NAVIGATION.get(user.role, [])
    ]
    # The most specific entry is the current one (/familjer/idag/ is not "My families").
    matching = [i for i in items if request.path.startswith(i["url"])]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    return {"nav_items": items}
