from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Parenting-support courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import demo
        from familjelotsen import slots

        slots.provide(slots.DEMO, "courses", demo.seed, order=71)
