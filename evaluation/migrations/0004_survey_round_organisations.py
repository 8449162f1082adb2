# Issue 21: a survey round belongs to the organisations its opener reports on, so that one
# municipality's project leader and reports never see another's rounds. Rounds opened before
# this get their opener's organisations now (a project leader's chosen ones, else the
# organisation of the opener's administration); a round whose opener reports on none stays
# without, and is then shown to no one (never to everyone).

import django.contrib.postgres.fields
from django.db import migrations, models


def rounds_to_their_openers_organisations(apps, schema_editor):
    SurveyRound = apps.get_model("evaluation", "SurveyRound")
    for survey_round in SurveyRound.objects.select_related("opened_by__administration"):
        opener = survey_round.opened_by
        organisations = set(opener.organisations.values_list("pk", flat=True))
        if not organisations and opener.administration_id is not None:
            organisations = {opener.administration.organisation_id}
        survey_round.organisations = sorted(organisations)
        survey_round.save(update_fields=["organisations"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_questionnaire_corrected_by"),
        ("familjelotsen", "0014_project_leader_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="surveyround",
            name="organisations",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                default=list,
                size=None,
                verbose_name="organisations",
            ),
        ),
        migrations.RunPython(rounds_to_their_openers_organisations, migrations.RunPython.noop),
    ]
