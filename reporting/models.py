"""Reports to the steering group, the committees and the funder, and the cost key.

A report holds aggregates only: the suppressed figures it was rendered from and the PDF. It
never holds names, personal identity numbers or free text from case records; the only free
text is the project leader's own narrative. Who may see a report is decided in
familjelotsen.access (`visible_reports`).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import ShareValidity, VersionedModel
from familjelotsen.models import Administration, BaseModel, Organisation


class ReportKind(models.TextChoices):
    STEERING_GROUP = "steering_group", _("Steering-group report")
    COMMITTEE = "committee", _("Committee report")
    FUNDER = "funder", _("Funder report")


class Report(VersionedModel):
    """One report: drafted (narrative), then rendered once to an archived, immutable PDF."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting to be rendered")
        RENDERING = "rendering", _("Rendering")
        DONE = "done", _("Archived")
        FAILED = "failed", _("Rendering failed")

    kind = models.CharField(_("kind of report"), max_length=16, choices=ReportKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    # The committee's own administration (committee reports only).
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committee's administration"),
    )
    # Whose families the figures count (issue 21): the ids of the organisations in the maker's
    # scope when the report was made, kept so that the report always shows the same figures
    # and is seen only by those whose scope covers all of them (familjelotsen.access).
    organisations = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("organisations")
    )
    # The administration the report was made in: a team lead's archive is theirs.
    made_in = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("made in")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    summary = models.TextField(_("summary"), blank=True)
    # Comment per section key (see reporting.sections); the project leader's own words.
    comments = models.JSONField(_("comments per section"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # A message for the user when rendering failed: never the exception text (it could hold
    # data); the details go to the server log by report id.
    error = models.CharField(_("error"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=8, default="sv")
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exported by"),
    )
    exported_at = models.DateTimeField(_("export requested"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # The archived PDF lives in the database: written in the same transaction as its checksum,
    # covered by the database backup, and never half-written on disk.
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True, editable=False)
    # The suppressed figures the PDF was rendered from, so the archived CSV matches the PDF.
    figures = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["made_in", "-created_at"], name="report_made_in_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_order"
            ),
            models.CheckConstraint(
                condition=~Q(kind="committee") | Q(administration__isnull=False),
                name="report_committee_has_administration",
            ),
            models.CheckConstraint(
                condition=~Q(status="done")
                | (Q(pdf__isnull=False) & ~Q(checksum="") & Q(rendered_at__isnull=False)),
                name="report_done_is_archived",
            ),
        ]
        triggers = [
            # The archive is the record of what was sent: once rendered it never changes.
            pgtrigger.Protect(
                name="report_archive_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__status="done"),
            ),
            # Only drafts may be deleted (reporting.services.report_delete): an archived
            # report is the record of what was sent, and one being rendered is about to be.
            pgtrigger.Protect(
                name="report_archive_undeletable",
                operation=pgtrigger.Delete,
                condition=~pgtrigger.Q(old__status__in=["draft", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.FAILED)

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RENDERING)


class ReportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)


class ReportGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    """Direct-FK table from the first migration (DESIGN.md): a report may later be shared
    with a committee's group without a table rewrite."""

    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)


# The cost key is what the funder report divides hours and money by: every change is kept.
HISTORY = {"append_only": True}


def _organisation_field(**kwargs):
    """The municipality or region whose agreement the row is part of (issue 21): each has its
    own price, hourly cost, distribution key, budget and volume targets."""
    return models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
        **kwargs,
    )


@pghistory.track(**HISTORY)
class CostSettings(BaseModel):
    """One row per organisation: the hourly cost the funder report prices the team's hours at,
    and the agreed price and the valuation of placements."""

    organisation = _organisation_field()

    hourly_cost = models.DecimalField(
        _("hourly cost (SEK)"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("700.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )

    # The agreed yearly price of the team (seed 004: 2.8 mnkr a year for 4 FTE, paid monthly),
    # at the price level of `price_level_year` and indexed by OPI for each following year.
    base_price = models.DecimalField(
        _("agreed yearly price (SEK)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    price_level_year = models.PositiveSmallIntegerField(
        _("price level of the agreed price (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    indexed = models.BooleanField(_("indexed by OPI"), default=True)
    # What one avoided placement is valued at: months it is assumed to have lasted × the cost
    # of one placement-month.
    cost_per_placement_month = models.DecimalField(
        _("cost per placement-month (SEK)"),
        max_digits=10,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    months_per_placement = models.PositiveSmallIntegerField(
        _("months an avoided placement is counted as"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    project_start = models.DateField(_("project start"), null=True, blank=True)

    class Meta:
        verbose_name = _("cost settings")
        verbose_name_plural = _("cost settings")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="costsettings_per_organisation"),
            models.CheckConstraint(condition=Q(hourly_cost__gte=0), name="costsettings_cost_ge_0"),
        ]


@pghistory.track(**HISTORY)
class FunderShare(BaseModel):
    """One funder's share of an organisation's distribution key (fördelningsnyckel, seed
    002)."""

    organisation = _organisation_field()
    name = models.CharField(_("funder"), max_length=120)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("funder share")
        verbose_name_plural = _("funder shares")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="fundershare_organisation_name"
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gt=0, share_percent__lte=100),
                name="fundershare_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(**HISTORY)
class PriceIndexYear(BaseModel):
    """The care price index OPI (omsorgsprisindex, published yearly by SKR): the change in
    per cent that the agreed price is indexed by for that year."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    change_percent = models.DecimalField(
        _("OPI change (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-20")), MaxValueValidator(Decimal("50"))],
    )

    class Meta:
        verbose_name = _("care price index (OPI)")
        verbose_name_plural = _("care price index (OPI)")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="priceindexyear_year_range"
            ),
            models.CheckConstraint(
                condition=Q(change_percent__gte=-20, change_percent__lte=50),
                name="priceindexyear_change_range",
            ),
        ]

    def __str__(self) -> str:
        return f"OPI {self.year}"


@pghistory.track(**HISTORY)
class FunderContribution(BaseModel):
    """One funder's contribution to the budget of one year (the municipality's
    administrations, the Region, the social investment fund)."""

    organisation = _organisation_field()
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    funder = models.CharField(_("funder"), max_length=120)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    amount = models.DecimalField(
        _("contribution (SEK)"),
        max_digits=12,
        decimal_places=0,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("funder's contribution")
        verbose_name_plural = _("funders' contributions")
        ordering = ["-year", "funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "funder"], name="contribution_year_funder"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_amount_ge_0"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} {self.year}"


class VolumeWork(models.TextChoices):
    """The kinds of work the agreement sets a volume for (seeds 000 and 004)."""

    COORDINATED_SUPPORT = "coordinated_support", _("Families with coordinated support, per year")
    NETWORK_FAMILIES = "network_families", _("Families in network work, per year")
    NETWORK_HOURS = "network_hours", _("Hours per network process")
    PROJECT_FAMILIES = "project_families", _("Families over the whole project")
    # The team's work outside the family cases (seeds 002, 003); the seeds set no figure, so
    # the project leader sets one or none.
    CONSULTATIONS = "consultations", _("Consultations for professionals, per year")
    COURSES = "courses", _("Parenting-support courses started, per year")
    COURSE_PARTICIPANTS = "course_participants", _("Places on parenting-support courses, per year")


@pghistory.track(**HISTORY)
class VolumeTarget(BaseModel):
    """The volume the agreement or project plan sets for one kind of work; `low` is the
    lower end of a range (seed 000: 15–30 families over the project)."""

    organisation = _organisation_field()
    work = models.CharField(_("kind of work"), max_length=32, choices=VolumeWork.choices)
    target = models.DecimalField(
        _("target"), max_digits=7, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    low = models.DecimalField(
        _("lower end of the range"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("volume target")
        verbose_name_plural = _("volume targets")
        ordering = ["work"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "work"], name="volumetarget_organisation_work"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="volumetarget_target_ge_0"),
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(low__lte=F("target")),
                name="volumetarget_low_le_target",
            ),
        ]

    def __str__(self) -> str:
        return self.get_work_display()


class FiguresVersion(models.Model):
    """How many times the data the report figures read has changed: one row, counted up by
    statement-level triggers on every table the figures read (migration 0002), in the
    writing transaction, so the replica's copy moves with the data it describes. Cached
    figures (`reporting.figure_cache`) are valid while the count is the one they were
    computed at. `epoch` is new whenever the row is (re)created, so figures cached before a
    database was emptied are never taken for current."""

    generation = models.BigIntegerField(default=0)
    epoch = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("version of the report figures' data")
        verbose_name_plural = _("versions of the report figures' data")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="figures_version_one_row")]
