from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # What the evaluation adds to the pages of cases (familjelotsen.slots): the follow-up
        # panel of the family page, the questionnaires due in the ombud's list of families,
        # and the survey rounds a professional is asked to answer.
        from evaluation import demo, selectors
        from familjelotsen import slots

        slots.provide(
            slots.FAMILY_PAGE,
            "follow_up_panel",
            selectors.family_panel,
            shows=lambda panel: panel.get("questionnaires", []),
        )
        # The due list names the user's own case-team families by reference code only, with
        # an occasion and a date (no member, no answer): the list page logs the families it
        # shows with names, and a second row for the same family would count it twice.
        slots.provide(slots.FAMILY_LIST, "due_questionnaires", selectors.due_questionnaires)
        slots.provide(slots.FAMILY_LIST, "open_surveys", selectors.open_invitations)
        slots.provide(slots.WORK_LISTS, "open_surveys", selectors.open_invitations)
        slots.provide(slots.DEMO, "evaluation", demo.seed, order=60)
