"""Core data: organisations and their administrations, staff, and the append-only access log.

This module is the bottom layer: it imports no other project module.
"""

from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# Change history (django-pghistory, append-only by settings): who changed an organisation, an
# administration or a staff account, when, and what. Password hashes and login times are not
# history.
@pghistory.track()
class Organisation(BaseModel):
    """A municipality or a region: the principal (huvudman) that owns administrations. One
    deployment serves several; reference codes, report figures and the project leader's scope
    are per organisation (issue 21)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Printed in every new family's reference code (FL-<code>-<year>-<nnnn>): never changed
    # once families carry it.
    code = models.CharField(
        _("code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-ZÅÄÖ]{2,6}$", _("Write 2–6 capital letters, e.g. LIN."))],
        help_text=_("2–6 capital letters, e.g. LIN. Part of every new family's reference code."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-ZÅÄÖ]{2,6}$"), name="organisation_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IdentityProvider(BaseModel):
    """An organisation's identity provider for single sign-on (issue 21): OpenID Connect, or
    SAML 2.0 where the organisation's federation requires it (a region's SITHS or Sweden
    Connect login, say).

    Staff of the organisation log in through it; role and administration come from mapped
    claims (SAML: attributes), or are set by the system administrator after the first login.
    When the provider says it authenticated strongly (an `acr` value, SAML: an authentication
    context class, or an `amr` value listed here), that replaces the local second factor. The
    client secret (OpenID Connect) is stored here as allauth stores it.
    """

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="identity_provider",
        verbose_name=_("organisation"),
    )
    enabled = models.BooleanField(_("in use"), default=True)
    protocol = models.CharField(
        _("protocol"), max_length=8, choices=Protocol.choices, default=Protocol.OIDC
    )
    server_url = models.URLField(
        _("issuer address"),
        help_text=_(
            "OpenID Connect: the provider's address, whose /.well-known/openid-configuration "
            "is read. SAML: the address of the provider's metadata."
        ),
    )
    entity_id = models.CharField(
        _("entity id"),
        max_length=255,
        blank=True,
        help_text=_("SAML: the provider's entity id in its metadata."),
    )
    client_id = models.CharField(_("client id"), max_length=191, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=191, blank=True)
    role_claim = models.CharField(
        _("claim with the role"), max_length=64, default="roles", blank=True
    )
    role_map = models.JSONField(
        _("roles by claim value"),
        default=dict,
        blank=True,
        help_text=_('Claim value → role, e.g. {"fl-ombud": "family_ombud"}.'),
    )
    administration_claim = models.CharField(
        _("claim with the administration"), max_length=64, default="department", blank=True
    )
    administration_map = models.JSONField(
        _("administrations by claim value"),
        default=dict,
        blank=True,
        help_text=_(
            "Claim value → the administration's name in this organisation; without an entry "
            "the value itself is matched against the names."
        ),
    )
    strong_acr_values = models.JSONField(
        _("acr values of strong authentication"),
        default=list,
        blank=True,
        help_text=_("E.g. http://id.elegnamnden.se/loa/1.0/loa3"),
    )
    strong_amr_values = models.JSONField(
        _("amr values of strong authentication"),
        default=list,
        blank=True,
        help_text=_("E.g. mfa, hwk, otp"),
    )

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            # What each protocol cannot do without: OpenID Connect its client id, SAML the
            # provider's entity id (the metadata may describe several providers).
            models.CheckConstraint(
                condition=(
                    models.Q(protocol="oidc") & ~models.Q(client_id="")
                    | models.Q(protocol="saml") & ~models.Q(entity_id="")
                ),
                name="identity_provider_protocol_complete",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def provider_id(self) -> str:
        """allauth's name for this provider: in the login and callback addresses, and in the
        link between a staff member and the provider's subject (stable: the row's id)."""
        return f"{self.protocol}-{self.pk}"


@pghistory.track()
class Administration(BaseModel):
    """A förvaltning / huvudman. Secrecy (OSL) applies between administrations."""

    class Kind(models.TextChoices):
        SOCIAL_SERVICES = "social_services", _("Social services")
        SCHOOL = "school", _("School")
        DISABILITY_SERVICES = "disability_services", _("Disability services (Råd & Stöd)")
        HEALTH_REGION = "health_region", _("Health care (Region)")
        EMPLOYMENT = "employment", _("Employment")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="administrations",
        verbose_name=_("organisation"),
    )
    # Each administration's staff share one auth group; object permissions (shares) are
    # granted to this group by familjelotsen.access only.
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="administration", editable=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.HEALTH_REGION


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    class Role(models.TextChoices):
        FAMILY_OMBUD = "family_ombud", _("Family ombud")
        TEAM_LEAD = "team_lead", _("Team lead")
        SCHOOL_COORDINATOR = "school_coordinator", _("School coordinator")
        COORDINATOR = "coordinator", _("Coordinator / case officer")
        PROJECT_LEADER = "project_leader", _("Project leader")
        SYSTEM_ADMIN = "system_admin", _("System administrator")
        # A rektor or pupil-health team at a school, or a social-services case officer, who
        # sends the team requests with the family's signed consent form (seed 004).
        REFERRER = "referrer", _("Referrer (school or social services)")

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("administration"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    # The project leader's scope (issue 21): the municipalities and regions whose figures they
    # report on, set by the system administrator. None means none, never all; what a user may
    # report on is decided in familjelotsen.access (`report_scope`).
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="project_leaders",
        verbose_name=_("reports on"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Everyone but the system administrator works for an administration; an account
            # made at its first login through an identity provider may wait, inactive and
            # without a role, for the system administrator to give it both.
            models.CheckConstraint(
                condition=models.Q(role="system_admin")
                | models.Q(administration__isnull=False)
                | models.Q(role="", is_active=False),
                name="user_staff_has_administration",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class AccessLogEntry(models.Model):
    """One row per read, change, export or print of personal data (loggkontroll).

    Holds ids only, never names or text, so the log itself carries no personal data beyond
    what identifies the record. A database trigger refuses UPDATE, and DELETE of rows younger
    than five years (HSLF-FS 2016:40 4 kap. 9 §: logs kept at least five years).
    Family and member ids are plain integers, not foreign keys: the log outlives records
    deleted under the retention rules.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")
        PRINT = "print", _("printed")
        DOWNLOAD = "download", _("downloaded")
        SHARE = "share", _("shared")
        UNSHARE = "unshare", _("share withdrawn")

    class Basis(models.TextChoices):
        CASE_TEAM = "case_team", _("case team")
        TEAM_LEAD = "team_lead", _("team lead")
        SHARE = "share", _("share with consent")
        DUTY = "duty", _("legal duty")
        AGGREGATE = "aggregate", _("aggregate figures")
        # The system administrator reading staff accounts (never a case).
        ADMINISTRATION = "administration", _("system administration")
        # A family's row in the pseudonymised extract for the evaluators (issue 19), made by the
        # project leader for a family that agreed to take part in the evaluation.
        EVALUATION = "evaluation", _("evaluation with the family's agreement")
        # A request to the team (issue 20): read by the referrer who wrote it, or by the team's
        # school-responsible member when it comes from a school (the team lead reads it as
        # team lead).
        REFERRER = "referrer", _("own request to the team")
        SCHOOL_CONTACT = "school_contact", _("the team's school-responsible member")
        # A case worker's temporary, read-only access to a family not shared with them, in an
        # emergency (issue 21): reviewed afterwards by the owning team lead.
        EMERGENCY = "emergency", _("emergency access (break-the-glass)")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=64)
    object_id = models.BigIntegerField(_("record id"), null=True)
    family_id = models.BigIntegerField(_("family id"), null=True, db_index=True)
    member_id = models.BigIntegerField(_("person id"), null=True, db_index=True)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    consent_id = models.BigIntegerField(_("consent id"), null=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class AccessLogReview(models.Model):
    """A recorded review of the access log (loggkontroll): who reviewed which period of their
    administration's log, what they sampled, what they found and whether it needs follow-up.

    Made once from the log page and never edited there afterwards: a later finding is a new
    review. Holds no personal data beyond what the reviewer writes in the findings.
    """

    reviewer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now, db_index=True)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administration"),
    )
    period_from = models.DateField(_("period from"))
    period_to = models.DateField(_("period to"))
    sampled = models.TextField(
        _("what was sampled"),
        help_text=_("The filter used and the number of log rows looked at."),
    )
    findings = models.TextField(_("findings"))
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("access log review")
        verbose_name_plural = _("access log reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_from__lte=models.F("period_to")),
                name="accesslogreview_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_from}–{self.period_to} ({self.reviewer})"


@pghistory.track(pghistory.InsertEvent("reset"))
class SecondFactorReset(models.Model):
    """A reset of a staff member's second factor by the system administrator: whose, by whom,
    when and why (the reason is mandatory). The user enrols a new authenticator at their next
    login. Append-only: a database trigger refuses UPDATE and DELETE."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    reset_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reset by")
    )
    reset_at = models.DateTimeField(_("reset"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"))
    removed = models.JSONField(_("removed authenticators"), default=list)

    class Meta:
        ordering = ["-reset_at", "-id"]
        verbose_name = _("second-factor reset")
        verbose_name_plural = _("second-factor resets")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="secondfactorreset_reason_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reset_at:%Y-%m-%d %H:%M} {self.user_id}"


# Who was put into or taken out of an administration's group, or given a model permission:
# the grants behind every access decision keep their history too. (Proxies of the
# auto-created through tables, so that the triggers land in migrations.)
@pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="UserGroupEvent",
)
class UserGroupMembership(User.groups.through):
    class Meta:
        proxy = True


@pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="UserOrganisationEvent",
)
class UserOrganisationScope(User.organisations.through):
    class Meta:
        proxy = True


@pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="UserPermissionEvent",
)
class UserPermissionGrant(User.user_permissions.through):
    class Meta:
        proxy = True


class ScheduledRun(models.Model):
    """One period of one scheduled job (familjelotsen.schedule): claimed by the worker that
    inserts it first, so each period runs once however many workers tick. Holds the job's name,
    times and a count or an error class: never personal data."""

    class Outcome(models.TextChoices):
        PENDING = "", _("pending")
        OK = "ok", _("done")
        FAILED = "failed", _("failed")

    job = models.CharField(_("job"), max_length=64)
    period = models.CharField(_("period"), max_length=32)
    due_at = models.DateTimeField(_("due"))
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING, blank=True
    )
    summary = models.CharField(_("summary"), max_length=200, blank=True)

    class Meta:
        ordering = ["-due_at", "job"]
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduledrun_once_per_period")
        ]
        indexes = [models.Index(fields=["job", "-due_at"], name="scheduledrun_job_due")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class StoredFile(models.Model):
    """The bytes of an uploaded file (a signed consent scan), kept in PostgreSQL by
    `familjelotsen.storage.DatabaseStorage`: web workers keep no files of their own, and a
    backup of the database holds the files too. Never served by URL: only permission-checked
    views stream a file, by the name its record holds."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name
