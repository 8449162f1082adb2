"""The project leader's scope (issue 21): the organisations whose figures a project leader
reports on, set by the system administrator; empty means none. Who is given or loses a scope
is kept in the change history like group memberships."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('familjelotsen', '0013_organisations'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='organisations',
            field=models.ManyToManyField(blank=True, related_name='project_leaders', to='familjelotsen.organisation', verbose_name='reports on'),
        ),
        migrations.CreateModel(
            name='UserOrganisationEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('organisation', models.ForeignKey(db_constraint=False, db_tablespace='', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.organisation')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('user', models.ForeignKey(db_constraint=False, db_tablespace='', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='UserOrganisationScope',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('familjelotsen.user_organisations',),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='userorganisationevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='a831a03c5ae23702bb8f145edd7b6ad028554af4', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_cf675', table='familjelotsen_userorganisationevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='userorganisationscope',
            trigger=pgtrigger.compiler.Trigger(name='add_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "familjelotsen_userorganisationevent" ("id", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "user_id") VALUES (NEW."id", NEW."organisation_id", _pgh_attach_context(), NOW(), \'add\', NEW."user_id"); RETURN NULL;', hash='41356f39989f4de872cb2302a9144b1fa98ecae0', operation='INSERT', pgid='pgtrigger_add_insert_ec625', table='familjelotsen_user_organisations', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='userorganisationscope',
            trigger=pgtrigger.compiler.Trigger(name='remove_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "familjelotsen_userorganisationevent" ("id", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "user_id") VALUES (OLD."id", OLD."organisation_id", _pgh_attach_context(), NOW(), \'remove\', OLD."user_id"); RETURN NULL;', hash='96ddf75250647c648b848306705fe37ced76f297', operation='DELETE', pgid='pgtrigger_remove_delete_b65ab', table='familjelotsen_user_organisations', when='AFTER')),
        ),
    ]
