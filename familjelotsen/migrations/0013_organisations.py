"""Organisations (issue 21): one deployment serves several municipalities and a region, each the
principal of its own administrations. Every administration now belongs to an organisation.

The administrations that exist are put into one default organisation ("Kommunen", code KOM),
which the system administrator renames (and splits by moving administrations) afterwards; an
empty database gets none. Then the link is made mandatory. Reversible: going back drops the
link, and the default organisation with it.
"""

import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


DEFAULT_NAME = "Kommunen"
DEFAULT_CODE = "KOM"


def into_default_organisation(apps, schema_editor):
    Administration = apps.get_model("familjelotsen", "Administration")
    Organisation = apps.get_model("familjelotsen", "Organisation")
    if not Administration.objects.filter(organisation__isnull=True).exists():
        return
    default, _created = Organisation.objects.get_or_create(
        code=DEFAULT_CODE, defaults={"name": DEFAULT_NAME, "kind": "municipality"}
    )
    Administration.objects.filter(organisation__isnull=True).update(organisation=default)


def out_of_default_organisation(apps, schema_editor):
    Administration = apps.get_model("familjelotsen", "Administration")
    Organisation = apps.get_model("familjelotsen", "Organisation")
    Administration.objects.update(organisation=None)
    Organisation.objects.filter(code=DEFAULT_CODE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('familjelotsen', '0012_emergency_access_basis'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=120, unique=True, verbose_name='name')),
                ('kind', models.CharField(choices=[('municipality', 'Municipality'), ('region', 'Region')], max_length=16, verbose_name='kind')),
                ('code', models.CharField(help_text="2–6 capital letters, e.g. LIN. Part of every new family's reference code.", max_length=6, unique=True, validators=[django.core.validators.RegexValidator('^[A-ZÅÄÖ]{2,6}$', 'Write 2–6 capital letters, e.g. LIN.')], verbose_name='code')),
            ],
            options={
                'verbose_name': 'organisation',
                'verbose_name_plural': 'organisations',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='OrganisationEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('kind', models.CharField(choices=[('municipality', 'Municipality'), ('region', 'Region')], max_length=16, verbose_name='kind')),
                ('code', models.CharField(help_text="2–6 capital letters, e.g. LIN. Part of every new family's reference code.", max_length=6, validators=[django.core.validators.RegexValidator('^[A-ZÅÄÖ]{2,6}$', 'Write 2–6 capital letters, e.g. LIN.')], verbose_name='code')),
            ],
            options={
                'abstract': False,
            },
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='administration',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='administration',
            name='update_update',
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='administration',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "familjelotsen_administrationevent" ("created_at", "group_id", "id", "kind", "name", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."created_at", NEW."group_id", NEW."id", NEW."kind", NEW."name", NEW."organisation_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='1f488d0d71f0e16fd00a75199255888c93ded640', operation='INSERT', pgid='pgtrigger_insert_insert_4490c', table='familjelotsen_administration', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='administration',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "familjelotsen_administrationevent" ("created_at", "group_id", "id", "kind", "name", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."created_at", NEW."group_id", NEW."id", NEW."kind", NEW."name", NEW."organisation_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='9cba24d7450dc33d72a22c5002007327800a42b8', operation='UPDATE', pgid='pgtrigger_update_update_44a18', table='familjelotsen_administration', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='organisation',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[A-ZÅÄÖ]{2,6}$')), name='organisation_code_format'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organisation',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "familjelotsen_organisationevent" ("code", "created_at", "id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."code", NEW."created_at", NEW."id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='c2637c5e535d04fb5aadc2dd964b631b34e26c41', operation='INSERT', pgid='pgtrigger_insert_insert_77a20', table='familjelotsen_organisation', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organisation',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "familjelotsen_organisationevent" ("code", "created_at", "id", "kind", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at") VALUES (NEW."code", NEW."created_at", NEW."id", NEW."kind", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."updated_at"); RETURN NULL;', hash='c0fc14aecb9a6e59b2d5e82c8c40fb6ce8c12f4b', operation='UPDATE', pgid='pgtrigger_update_update_ec26f', table='familjelotsen_organisation', when='AFTER')),
        ),
        migrations.AddField(
            model_name='administration',
            name='organisation',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='administrations', to='familjelotsen.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='administrationevent',
            name='organisation',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.organisation', verbose_name='organisation'),
        ),
        migrations.AddField(
            model_name='organisationevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='organisationevent',
            name='pgh_obj',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='familjelotsen.organisation'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='organisationevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='018f4429921b5a4abf3c1cf57d71b1a13f2fa7eb', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_1f642', table='familjelotsen_organisationevent', when='BEFORE')),
        ),
        migrations.RunPython(into_default_organisation, out_of_default_organisation),
        migrations.AlterField(
            model_name='administration',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='administrations', to='familjelotsen.organisation', verbose_name='organisation'),
        ),
        # The history of administrations follows in the migration state, but its column stays
        # nullable in the database: the rows written before organisations existed have none,
        # and history rows are never changed (append-only).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='administrationevent',
                    name='organisation',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.organisation', verbose_name='organisation'),
                ),
            ],
        ),
    ]
