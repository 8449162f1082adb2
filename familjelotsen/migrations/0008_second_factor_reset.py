"""Second-factor resets: whose authenticators the system administrator removed, when and
why (the reason is required by a constraint). The table is append-only (a trigger refuses
UPDATE and DELETE), and each reset is also a change-history event."""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

from familjelotsen.history import protect_history_sql

FORWARD, REVERSE = protect_history_sql("familjelotsen_secondfactorreset")


class Migration(migrations.Migration):
    dependencies = [
        ("familjelotsen", "0007_access_log_basis_administration"),
        ("pghistory", "0007_auto_20250421_0444"),
    ]

    operations = [
        migrations.CreateModel(
            name="SecondFactorReset",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reset_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="reset"
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("removed", models.JSONField(default=list, verbose_name="removed authenticators")),
                (
                    "reset_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reset by",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "second-factor reset",
                "verbose_name_plural": "second-factor resets",
                "ordering": ["-reset_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SecondFactorResetEvent",
            fields=[
                ("pgh_id", models.AutoField(primary_key=True, serialize=False)),
                ("pgh_created_at", models.DateTimeField(auto_now_add=True)),
                ("pgh_label", models.TextField(help_text="The event label.")),
                ("id", models.BigIntegerField()),
                (
                    "reset_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="reset"),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("removed", models.JSONField(default=list, verbose_name="removed authenticators")),
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
                        to="familjelotsen.secondfactorreset",
                    ),
                ),
                (
                    "reset_by",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reset by",
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
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.AddConstraint(
            model_name="secondfactorreset",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason", ""), _negated=True),
                name="secondfactorreset_reason_given",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="secondfactorreset",
            trigger=pgtrigger.compiler.Trigger(
                name="reset_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "familjelotsen_secondfactorresetevent" ("id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "removed", "reset_at", "reset_by_id", "user_id") VALUES (NEW."id", _pgh_attach_context(), NOW(), \'reset\', NEW."id", NEW."reason", NEW."removed", NEW."reset_at", NEW."reset_by_id", NEW."user_id"); RETURN NULL;',
                    hash="fbe755f11e9635b1c8dab9e9b598a8a0839072ae",
                    operation="INSERT",
                    pgid="pgtrigger_reset_insert_b529f",
                    table="familjelotsen_secondfactorreset",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="secondfactorresetevent",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="6137a9679277aea24b915f40fd4f130056e1b2b4",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_f1c94",
                    table="familjelotsen_secondfactorresetevent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
