from django.apps import AppConfig
from django.core.signals import got_request_exception
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FamiljelotsenConfig(AppConfig):
    name = "familjelotsen"
    verbose_name = _("Familjelotsen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from familjelotsen.access.grants import forget_permission_ids
        from familjelotsen.errors import note_database_outage
        from familjelotsen.sso import remember_provider_second_factor

        user_logged_in.connect(
            remember_provider_second_factor, dispatch_uid="familjelotsen.provider_second_factor"
        )

        post_migrate.connect(forget_permission_ids, dispatch_uid="familjelotsen.forget_perm_ids")
        got_request_exception.connect(
            note_database_outage, dispatch_uid="familjelotsen.note_database_outage"
        )
