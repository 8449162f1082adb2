"""The evaluation at the family and the actor level (seed 000 §2.1–2.2, §9; seed 002 effektmål
1–3; seed 003 samverkansenkät) and the evaluators' extract (issue 19 parts 3–5).

- `Questionnaire`: a family's short follow-up at start, at closure and six months after
  closure, entered by the case team. Individual answers are the case team's only
  (familjelotsen.access.evaluation); reports read them as suppressed aggregates.
- `EvaluationAgreement`: the family's agreement to take part in the evaluation (FoU), with
  when, how and who recorded it. Only families that agreed are in the extract.
- `EvaluationKey`: a stable random key per family, read by the extract only: not derived from
  the family's id or reference, so the evaluators' rows cannot be joined back to a family
  without this table.
- `SurveyRound`, `SurveyInvitation`, `SurveyResponse`, `SurveyComment`: the collaboration
  survey of the professionals. The invitation holds who was asked and whether they answered;
  the response holds the answers and nothing that joins it to a person (no user, no
  invitation, no time, a random id). Free text is kept apart from the answers too.
"""

from __future__ import annotations

import secrets
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Family
from familjelotsen.models import Administration, BaseModel


class Agreement(models.IntegerChoices):
    """A Likert scale with the family's own "would rather not answer" (0, left out of means)."""

    NOT_AT_ALL = 1, _("Not at all true")
    HARDLY = 2, _("Mostly not true")
    PARTLY = 3, _("Partly true")
    MOSTLY = 4, _("Mostly true")
    FULLY = 5, _("Completely true")
    NO_ANSWER = 0, _("Would rather not answer")


# The family questionnaire: field name -> the statement read out or printed (seed 002
# effektmål 1–2, seed 000 §2.2: "nöjdare och tryggare familjer").
FAMILY_QUESTIONS = [
    ("support", _("We get the support we need")),
    ("overview", _("We know which interventions there are for us and who does what")),
    ("planning", _("It is easier for us to plan our time")),
    ("safety", _("We feel safe in our everyday life")),
    ("child_view", _("The child: I get help with what matters to me")),
]
FAMILY_QUESTION_KEYS = [key for key, _label in FAMILY_QUESTIONS]

# The collaboration survey (seed 002 effektmål 2–3, seed 003 samverkansenkät).
SURVEY_QUESTIONS = [
    (
        "overview",
        _("I have a good overview of the interventions the families around me receive"),
    ),
    (
        "whole_picture",
        _("I can easily get a whole picture of a family's situation and circumstances"),
    ),
    ("core_time", _("Coordinating around the families leaves me time for my core assignment")),
    (
        "collaboration",
        _("Collaboration with the other organisations around the families works well"),
    ),
]
SURVEY_QUESTION_KEYS = [key for key, _label in SURVEY_QUESTIONS]


def _answer(label) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, choices=Agreement.choices, null=True, blank=True)


class Questionnaire(BaseModel):
    """One family's follow-up questionnaire at one occasion, entered by the case team."""

    class Occasion(models.TextChoices):
        START = "start", _("At start")
        CLOSURE = "closure", _("At closure")
        SIX_MONTHS = "six_months", _("Six months after closure")

    class How(models.TextChoices):
        WITH_OMBUD = "with_ombud", _("With the family ombud in the home")
        PRINTED_FORM = "printed_form", _("By the family on the printed form")

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="questionnaires", verbose_name=_("family")
    )
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    answered_on = models.DateField(_("answered on"))
    how = models.CharField(_("how it was answered"), max_length=16, choices=How.choices)
    # The family did not want to answer at all: no answers are kept, and it is no longer due.
    declined = models.BooleanField(_("the family did not want to answer"), default=False)
    support = _answer(_("support"))
    overview = _answer(_("overview"))
    planning = _answer(_("planning of time"))
    safety = _answer(_("safety in daily life"))
    child_view = _answer(_("the child's own view"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    # The last one who corrected the answers (when: `updated_at`); empty if never corrected.
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )

    class Meta:
        verbose_name = _("follow-up questionnaire")
        verbose_name_plural = _("follow-up questionnaires")
        ordering = ["family", "answered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "occasion"], name="questionnaire_once_per_occasion"
            ),
            # Declined: no answers. Answered: every question answered or "would rather not".
            models.CheckConstraint(
                condition=(
                    Q(
                        declined=True,
                        support__isnull=True,
                        overview__isnull=True,
                        planning__isnull=True,
                        safety__isnull=True,
                        child_view__isnull=True,
                    )
                    | Q(
                        declined=False,
                        support__isnull=False,
                        overview__isnull=False,
                        planning__isnull=False,
                        safety__isnull=False,
                        child_view__isnull=False,
                    )
                ),
                name="questionnaire_answered_or_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} ({self.answered_on})"

    def answers(self) -> list[tuple[str, str]]:
        """(statement, answer) in the questionnaire's order, for the page."""
        return [
            (str(label), "" if getattr(self, key) is None else Agreement(getattr(self, key)).label)
            for key, label in FAMILY_QUESTIONS
        ]


@pghistory.track(append_only=True)
class EvaluationAgreement(BaseModel):
    """The family's agreement to take part in the evaluation (FoU Centrum's follow-up):
    recorded by the case team, with the date and how it was given; withdrawn the same way.
    A withdrawn agreement keeps the family out of every later extract."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written, signed form")
        ORAL = "oral", _("Oral")

    family = models.OneToOneField(
        Family,
        on_delete=models.CASCADE,
        related_name="evaluation_agreement",
        verbose_name=_("family"),
    )
    given_on = models.DateField(_("agreed on"))
    form = models.CharField(_("how it was given"), max_length=8, choices=Form.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawal recorded by"),
    )

    class Meta:
        verbose_name = _("agreement to take part in the evaluation")
        verbose_name_plural = _("agreements to take part in the evaluation")
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | (
                    Q(withdrawn_recorded_by__isnull=False)
                    & Q(withdrawn_on__gte=models.F("given_on"))
                ),
                name="evaluationagreement_withdrawal_documented",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.given_on}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


def new_key() -> str:
    return secrets.token_hex(8)


class EvaluationKey(models.Model):
    """The family's key in the evaluators' extract: random, stable, read only by the extract."""

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, related_name="+", verbose_name=_("family")
    )
    key = models.CharField(_("key"), max_length=16, unique=True, default=new_key)

    class Meta:
        verbose_name = _("evaluation key")
        verbose_name_plural = _("evaluation keys")

    def __str__(self) -> str:
        return self.key


class ExtractMade(models.Model):
    """One extract for the evaluators: by whom, when, for which period and how many families.
    The access log holds one row per family in it."""

    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    families = models.PositiveIntegerField(_("families"))

    class Meta:
        verbose_name = _("evaluation extract")
        verbose_name_plural = _("evaluation extracts")
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_start}–{self.period_end}"


class SurveyRound(models.Model):
    """One round of the collaboration survey, opened by the project leader."""

    title = models.CharField(_("name of the round"), max_length=80)
    opened_on = models.DateField(_("opened on"))
    closes_on = models.DateField(_("closes on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Whose round it is (issue 21): the organisations the opening project leader reports on.
    # Their project's partners may be asked (the Region's staff, say), but the round's results
    # are shown to, and counted in the reports of, these organisations only.
    organisations = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("organisations")
    )

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opened_on")), name="surveyround_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.closed_on is None and self.opened_on <= on <= self.closes_on


class SurveyInvitation(models.Model):
    """Who was asked in a round and whether they have answered: the "answered" mark, kept apart
    from the answer. No time is kept, and nothing here points at the response."""

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("round")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invited"),
    )
    answered = models.BooleanField(_("answered"), default=False)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="surveyinvitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.user_id}"


class SurveyResponse(models.Model):
    """One anonymous answer: the round, the kind of administration and the answers. A random
    id (a sequence would follow the order of the "answered" marks), no time, no user."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="responses", verbose_name=_("round")
    )
    administration_kind = models.CharField(
        _("kind of administration"), max_length=32, choices=Administration.Kind.choices
    )
    overview = models.PositiveSmallIntegerField(_("overview"), choices=Agreement.choices)
    whole_picture = models.PositiveSmallIntegerField(_("whole picture"), choices=Agreement.choices)
    core_time = models.PositiveSmallIntegerField(
        _("time for the core assignment"), choices=Agreement.choices
    )
    collaboration = models.PositiveSmallIntegerField(_("collaboration"), choices=Agreement.choices)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return str(self.id)


class SurveyComment(models.Model):
    """Free text from a round, kept apart from the answers and from any kind of administration:
    nothing joins it to a response or to a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="comments", verbose_name=_("round")
    )
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("survey comment")
        verbose_name_plural = _("survey comments")

    def __str__(self) -> str:
        return str(self.id)
