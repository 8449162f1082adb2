"""Break-the-glass (issue 21 part 3): a case worker's temporary, read-only access to a family
not shared with them, in an emergency, with its reason, its end (at most seven days, enforced
by a constraint) and the owning team lead's review; its changes kept by pghistory like the
other case records."""

import datetime
import django.db.models.deletion
import django.db.models.expressions
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_network_work_stages_and_provision"),
        ("familjelotsen", "0012_emergency_access_basis"),
        ("pghistory", "0007_auto_20250421_0444"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EmergencyAccess",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="created"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("reason", models.TextField(verbose_name="reason")),
                ("days", models.PositiveSmallIntegerField(verbose_name="length in days")),
                ("starts_at", models.DateTimeField(verbose_name="opened")),
                ("ends_at", models.DateTimeField(verbose_name="ends")),
                ("ended_early", models.BooleanField(default=False, verbose_name="ended early")),
                (
                    "review",
                    models.CharField(
                        choices=[
                            ("pending", "Not reviewed"),
                            ("accepted", "Accepted"),
                            ("reported", "Reported as unjustified"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="review",
                    ),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
                ),
                ("review_note", models.TextField(blank=True, verbose_name="review note")),
                (
                    "administration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="familjelotsen.administration",
                        verbose_name="administration",
                    ),
                ),
                (
                    "family",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emergency_accesses",
                        to="cases.family",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="emergency_accesses",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="opened by",
                    ),
                ),
            ],
            options={
                "verbose_name": "emergency access",
                "verbose_name_plural": "emergency accesses",
                "ordering": ["-starts_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="EmergencyAccessEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                ("reason", models.TextField(verbose_name="reason")),
                ("days", models.PositiveSmallIntegerField(verbose_name="length in days")),
                ("starts_at", models.DateTimeField(verbose_name="opened")),
                ("ends_at", models.DateTimeField(verbose_name="ends")),
                ("ended_early", models.BooleanField(default=False, verbose_name="ended early")),
                (
                    "review",
                    models.CharField(
                        choices=[
                            ("pending", "Not reviewed"),
                            ("accepted", "Accepted"),
                            ("reported", "Reported as unjustified"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="review",
                    ),
                ),
                (
                    "reviewed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="reviewed"),
                ),
                ("review_note", models.TextField(blank=True, verbose_name="review note")),
                (
                    "administration",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="familjelotsen.administration",
                        verbose_name="administration",
                    ),
                ),
                (
                    "family",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="cases.family",
                    ),
                ),
                (
                    "pgh_context",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pghistory.context",
                    ),
                ),
                (
                    "pgh_obj",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="cases.emergencyaccess",
                    ),
                ),
                (
                    "reviewed_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reviewed by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="opened by",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddIndex(
            model_name="emergencyaccess",
            index=models.Index(fields=["user", "ends_at"], name="cases_emerg_user_id_a02a69_idx"),
        ),
        migrations.AddIndex(
            model_name="emergencyaccess",
            index=models.Index(fields=["review"], name="cases_emerg_review_31dab8_idx"),
        ),
        migrations.AddConstraint(
            model_name="emergencyaccess",
            constraint=models.CheckConstraint(
                condition=models.Q(("days__gte", 1), ("days__lte", 7)),
                name="emergency_access_days_1_to_7",
            ),
        ),
        migrations.AddConstraint(
            model_name="emergencyaccess",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("ends_at__gte", models.F("starts_at")),
                    (
                        "ends_at__lte",
                        django.db.models.expressions.CombinedExpression(
                            models.F("starts_at"), "+", models.Value(datetime.timedelta(days=7))
                        ),
                    ),
                ),
                name="emergency_access_at_most_7_days",
            ),
        ),
        migrations.AddConstraint(
            model_name="emergencyaccess",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("review", "pending"),
                        ("reviewed_at__isnull", True),
                        ("reviewed_by__isnull", True),
                    ),
                    models.Q(
                        models.Q(("review", "pending"), _negated=True),
                        ("reviewed_at__isnull", False),
                        ("reviewed_by__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="emergency_access_review_complete",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="emergencyaccess",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "cases_emergencyaccessevent" ("administration_id", "created_at", "days", "ended_early", "ends_at", "family_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "review", "review_note", "reviewed_at", "reviewed_by_id", "starts_at", "updated_at", "user_id") VALUES (NEW."administration_id", NEW."created_at", NEW."days", NEW."ended_early", NEW."ends_at", NEW."family_id", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."review", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."starts_at", NEW."updated_at", NEW."user_id"); RETURN NULL;',
                    hash="f0bb498cbc4035a127fb90532e0db52ef073e205",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_bf085",
                    table="cases_emergencyaccess",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="emergencyaccess",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "cases_emergencyaccessevent" ("administration_id", "created_at", "days", "ended_early", "ends_at", "family_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "review", "review_note", "reviewed_at", "reviewed_by_id", "starts_at", "updated_at", "user_id") VALUES (NEW."administration_id", NEW."created_at", NEW."days", NEW."ended_early", NEW."ends_at", NEW."family_id", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."review", NEW."review_note", NEW."reviewed_at", NEW."reviewed_by_id", NEW."starts_at", NEW."updated_at", NEW."user_id"); RETURN NULL;',
                    hash="5a66f2c0f99bbaa339bbcbe10d38ef9af5c0dbfd",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_73d3e",
                    table="cases_emergencyaccess",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="emergencyaccessevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="c611186b50e6db5a9ca6835be7d834ec3f86a8c5",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_39fac",
                    table="cases_emergencyaccessevent",
                    when="BEFORE",
                ),
            ),
        ),
    ]
