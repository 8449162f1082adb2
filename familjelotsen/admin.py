"""The system administrator manages staff, administrations and reference data here.
No case content (families, members, journal, consents) is registered: the system
administrator does not read case contents (SPEC §3.6). Nor are the access log and the
recorded log reviews (`AccessLogReview`): they are the team leads' (loggkontroll), their
findings may refer to cases, and a recorded review is not changed afterwards."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from familjelotsen import access
from familjelotsen.models import Administration, User


@admin.register(Administration)
class AdministrationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if not change:
            from django.contrib.auth.models import Group

            obj.group, _created = Group.objects.get_or_create(name=f"Förvaltning: {obj.name}")
        super().save_model(request, obj, form, change)


# Where a user works decides what they see: the case team of a family is staff of the
# administration that holds the case, and other administrations see it only through shares a
# consent covers. Staff employed elsewhere but working in the team (seed 004's mixed team) are
# users of the operation they work in.
WORK_HELP = _(
    "Choose the administration whose cases the person works in, not their employer: staff "
    "employed elsewhere who work in Råd & Stöd's team are users of Råd & Stöd. Only staff of "
    "the administration that holds a case can be on its case team; other administrations see "
    "a family only through shares that a valid consent covers."
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "administration", "is_active"]
    list_filter = ["role", "administration", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "title")}),
        (_("Work"), {"fields": ("role", "administration"), "description": WORK_HELP}),
        (_("Permissions"), {"fields": ("is_active", "is_staff")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "administration", "password1", "password2"),
                "description": WORK_HELP,
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        access.user_sync_groups(obj)
