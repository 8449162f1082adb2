"""The evaluation (issue 19): the families' follow-up questionnaires, their agreement to take
part in the evaluation (with its change history), the extract's random keys and the record of
extracts made, and the collaboration survey (rounds, the "answered" marks, anonymous answers
and free text kept apart)."""


import django.db.models.deletion
import django.utils.timezone
import evaluation.models
import pgtrigger.compiler
import pgtrigger.migrations
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0010_verbose_names'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EvaluationAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('given_on', models.DateField(verbose_name='agreed on')),
                ('form', models.CharField(choices=[('written', 'Written, signed form'), ('oral', 'Oral')], max_length=8, verbose_name='how it was given')),
                ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='withdrawn on')),
                ('family', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='evaluation_agreement', to='cases.family', verbose_name='family')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('withdrawn_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawal recorded by')),
            ],
            options={
                'verbose_name': 'agreement to take part in the evaluation',
                'verbose_name_plural': 'agreements to take part in the evaluation',
            },
        ),
        migrations.CreateModel(
            name='EvaluationAgreementEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('given_on', models.DateField(verbose_name='agreed on')),
                ('form', models.CharField(choices=[('written', 'Written, signed form'), ('oral', 'Oral')], max_length=8, verbose_name='how it was given')),
                ('withdrawn_on', models.DateField(blank=True, null=True, verbose_name='withdrawn on')),
                ('family', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.family', verbose_name='family')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='evaluation.evaluationagreement')),
                ('recorded_by', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('withdrawn_recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='withdrawal recorded by')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='EvaluationKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(default=evaluation.models.new_key, max_length=16, unique=True, verbose_name='key')),
                ('family', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cases.family', verbose_name='family')),
            ],
            options={
                'verbose_name': 'evaluation key',
                'verbose_name_plural': 'evaluation keys',
            },
        ),
        migrations.CreateModel(
            name='ExtractMade',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('made_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='made')),
                ('period_start', models.DateField(verbose_name='from')),
                ('period_end', models.DateField(verbose_name='to')),
                ('families', models.PositiveIntegerField(verbose_name='families')),
                ('made_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='made by')),
            ],
            options={
                'verbose_name': 'evaluation extract',
                'verbose_name_plural': 'evaluation extracts',
                'ordering': ['-made_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Questionnaire',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('occasion', models.CharField(choices=[('start', 'At start'), ('closure', 'At closure'), ('six_months', 'Six months after closure')], max_length=12, verbose_name='occasion')),
                ('answered_on', models.DateField(verbose_name='answered on')),
                ('how', models.CharField(choices=[('with_ombud', 'With the family ombud in the home'), ('printed_form', 'By the family on the printed form')], max_length=16, verbose_name='how it was answered')),
                ('declined', models.BooleanField(default=False, verbose_name='the family did not want to answer')),
                ('support', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], null=True, verbose_name='support')),
                ('overview', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], null=True, verbose_name='overview')),
                ('planning', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], null=True, verbose_name='planning of time')),
                ('safety', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], null=True, verbose_name='safety in daily life')),
                ('child_view', models.PositiveSmallIntegerField(blank=True, choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], null=True, verbose_name="the child's own view")),
                ('entered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('family', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questionnaires', to='cases.family', verbose_name='family')),
            ],
            options={
                'verbose_name': 'follow-up questionnaire',
                'verbose_name_plural': 'follow-up questionnaires',
                'ordering': ['family', 'answered_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyRound',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=80, verbose_name='name of the round')),
                ('opened_on', models.DateField(verbose_name='opened on')),
                ('closes_on', models.DateField(verbose_name='closes on')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='opened by')),
            ],
            options={
                'verbose_name': 'survey round',
                'verbose_name_plural': 'survey rounds',
                'ordering': ['-opened_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('administration_kind', models.CharField(choices=[('social_services', 'Social services'), ('school', 'School'), ('disability_services', 'Disability services (Råd & Stöd)'), ('health_region', 'Health care (Region)'), ('employment', 'Employment'), ('other', 'Other')], max_length=32, verbose_name='kind of administration')),
                ('overview', models.PositiveSmallIntegerField(choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], verbose_name='overview')),
                ('whole_picture', models.PositiveSmallIntegerField(choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], verbose_name='whole picture')),
                ('core_time', models.PositiveSmallIntegerField(choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], verbose_name='time for the core assignment')),
                ('collaboration', models.PositiveSmallIntegerField(choices=[(1, 'Not at all true'), (2, 'Mostly not true'), (3, 'Partly true'), (4, 'Mostly true'), (5, 'Completely true'), (0, 'Would rather not answer')], verbose_name='collaboration')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='evaluation.surveyround', verbose_name='round')),
            ],
            options={
                'verbose_name': 'survey response',
                'verbose_name_plural': 'survey responses',
            },
        ),
        migrations.CreateModel(
            name='SurveyInvitation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('answered', models.BooleanField(default=False, verbose_name='answered')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='evaluation.surveyround', verbose_name='round')),
            ],
            options={
                'verbose_name': 'survey invitation',
                'verbose_name_plural': 'survey invitations',
            },
        ),
        migrations.CreateModel(
            name='SurveyComment',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('text', models.TextField(verbose_name='comment')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='evaluation.surveyround', verbose_name='round')),
            ],
            options={
                'verbose_name': 'survey comment',
                'verbose_name_plural': 'survey comments',
            },
        ),
        migrations.AddConstraint(
            model_name='evaluationagreement',
            constraint=models.CheckConstraint(condition=models.Q(('withdrawn_on__isnull', True), models.Q(('withdrawn_recorded_by__isnull', False), ('withdrawn_on__gte', models.F('given_on'))), _connector='OR'), name='evaluationagreement_withdrawal_documented'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='evaluationagreement',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "evaluation_evaluationagreementevent" ("created_at", "family_id", "form", "given_on", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "updated_at", "withdrawn_on", "withdrawn_recorded_by_id") VALUES (NEW."created_at", NEW."family_id", NEW."form", NEW."given_on", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."recorded_by_id", NEW."updated_at", NEW."withdrawn_on", NEW."withdrawn_recorded_by_id"); RETURN NULL;', hash='3e9ef6e40119944e2562677ac3320be80be7431d', operation='INSERT', pgid='pgtrigger_insert_insert_e190d', table='evaluation_evaluationagreement', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='evaluationagreement',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "evaluation_evaluationagreementevent" ("created_at", "family_id", "form", "given_on", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "recorded_by_id", "updated_at", "withdrawn_on", "withdrawn_recorded_by_id") VALUES (NEW."created_at", NEW."family_id", NEW."form", NEW."given_on", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."recorded_by_id", NEW."updated_at", NEW."withdrawn_on", NEW."withdrawn_recorded_by_id"); RETURN NULL;', hash='53ea421a32adecd47393e065a319ad5f930f801d', operation='UPDATE', pgid='pgtrigger_update_update_900f1', table='evaluation_evaluationagreement', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='evaluationagreementevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='8f01e2767529b12131473ddc0da3cdb2dece0bb7', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_69ed5', table='evaluation_evaluationagreementevent', when='BEFORE')),
        ),
        migrations.AddConstraint(
            model_name='questionnaire',
            constraint=models.UniqueConstraint(fields=('family', 'occasion'), name='questionnaire_once_per_occasion'),
        ),
        migrations.AddConstraint(
            model_name='questionnaire',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('child_view__isnull', True), ('declined', True), ('overview__isnull', True), ('planning__isnull', True), ('safety__isnull', True), ('support__isnull', True)), models.Q(('child_view__isnull', False), ('declined', False), ('overview__isnull', False), ('planning__isnull', False), ('safety__isnull', False), ('support__isnull', False)), _connector='OR'), name='questionnaire_answered_or_declined'),
        ),
        migrations.AddConstraint(
            model_name='surveyround',
            constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opened_on'))), name='surveyround_period_order'),
        ),
        migrations.AddConstraint(
            model_name='surveyinvitation',
            constraint=models.UniqueConstraint(fields=('round', 'user'), name='surveyinvitation_once'),
        ),
    ]
