from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The data subject's and the reviewer's side of the records: log review (loggkontroll),
    the family log extract, the register extract and retention (gallring). It stands above
    the apps whose records it reads (cases, consent, SIP, network) and below reporting."""

    name = "privacy"
    verbose_name = _("Privacy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import datetime as dt

        from familjelotsen import schedule
        from privacy import retention

        # Retention (gallring) once a month, at night.
        schedule.register(
            "apply_retention", schedule.Monthly(1, dt.time(3, 30)), retention.apply_scheduled
        )
