"""Consultations for professionals (issue 20 part 3): the record of a professional asking the
team for advice, with no field that identifies a family, and its change history."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('familjelotsen', '0010_access_log_basis_evaluation'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Consultation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('asked_by', models.CharField(max_length=120, verbose_name='asking professional')),
                ('held_on', models.DateField(db_index=True, verbose_name='date')),
                ('question', models.TextField(verbose_name='question')),
                ('advice', models.TextField(verbose_name='advice given')),
                ('minutes', models.PositiveIntegerField(verbose_name='time spent (minutes)')),
                ('follow_up', models.CharField(choices=[('none', 'None'), ('new_consultation', 'A new consultation'), ('request', 'Became a request')], default='none', max_length=24, verbose_name='follow-up')),
                ('asking_administration', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='their administration')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='familjelotsen.administration', verbose_name='recorded in')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'consultation',
                'verbose_name_plural': 'consultations',
                'ordering': ['-held_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ConsultationEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('asked_by', models.CharField(max_length=120, verbose_name='asking professional')),
                ('held_on', models.DateField(verbose_name='date')),
                ('question', models.TextField(verbose_name='question')),
                ('advice', models.TextField(verbose_name='advice given')),
                ('minutes', models.PositiveIntegerField(verbose_name='time spent (minutes)')),
                ('follow_up', models.CharField(choices=[('none', 'None'), ('new_consultation', 'A new consultation'), ('request', 'Became a request')], default='none', max_length=24, verbose_name='follow-up')),
                ('asking_administration', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='their administration')),
                ('owner', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='familjelotsen.administration', verbose_name='recorded in')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='consultations.consultation')),
                ('recorded_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='consultation',
            constraint=models.CheckConstraint(condition=models.Q(('minutes__gte', 1), ('minutes__lte', 1440)), name='consultation_minutes_within_a_day'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='consultation',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_consultationevent" ("advice", "asked_by", "asking_administration_id", "created_at", "follow_up", "held_on", "id", "minutes", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "recorded_by_id", "updated_at") VALUES (NEW."advice", NEW."asked_by", NEW."asking_administration_id", NEW."created_at", NEW."follow_up", NEW."held_on", NEW."id", NEW."minutes", NEW."owner_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."question", NEW."recorded_by_id", NEW."updated_at"); RETURN NULL;', hash='0c0d41048f7221c0baaeffe834c61bb3353b9fd6', operation='INSERT', pgid='pgtrigger_insert_insert_c7113', table='consultations_consultation', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='consultation',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "consultations_consultationevent" ("advice", "asked_by", "asking_administration_id", "created_at", "follow_up", "held_on", "id", "minutes", "owner_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "question", "recorded_by_id", "updated_at") VALUES (NEW."advice", NEW."asked_by", NEW."asking_administration_id", NEW."created_at", NEW."follow_up", NEW."held_on", NEW."id", NEW."minutes", NEW."owner_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."question", NEW."recorded_by_id", NEW."updated_at"); RETURN NULL;', hash='31d00aa16cace9fbaffaff2feeaee1c51b4e589a', operation='UPDATE', pgid='pgtrigger_update_update_1617e', table='consultations_consultation', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='consultationevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='9da86ca563f7c51c2737f2748eef0877888f836b', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_44434', table='consultations_consultationevent', when='BEFORE')),
        ),
    ]
