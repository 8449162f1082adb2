"""Demo evaluation on top of the demo municipality (all fictional).

- Families whose work has started answered the questionnaire at start (one declined), the
  closed family at closure too; most agreed to take part in the evaluation, one did not.
- The collaboration survey: a closed round from last spring and an open round now, put to the
  demo staff and to a dozen fictional professionals without a login. The demo ombud and the
  school coordinator have not answered the open round yet, so they see it in their lists.

Idempotent: families with questionnaires and an existing round are left alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import models as cm
from evaluation import services
from evaluation.models import (
    FAMILY_QUESTION_KEYS,
    EvaluationAgreement,
    Questionnaire,
    SurveyInvitation,
    SurveyRound,
)
from familjelotsen.models import User

Occasion = Questionnaire.Occasion

# Fictional professionals around the families (no login): username, administration, title.
PROFESSIONALS = [
    ("demo_kurator1", "Skolan", "Kurator"),
    ("demo_kurator2", "Skolan", "Kurator"),
    ("demo_larare1", "Skolan", "Mentor"),
    ("demo_larare2", "Skolan", "Specialpedagog"),
    ("demo_bup1", "Regionen", "Psykolog BUP"),
    ("demo_bup2", "Regionen", "Sjuksköterska BUP"),
    ("demo_hab1", "Regionen", "Kurator habiliteringen"),
    ("demo_soc1", "Socialtjänsten", "Socialsekreterare"),
    ("demo_soc2", "Socialtjänsten", "Socialsekreterare"),
    ("demo_soc3", "Socialtjänsten", "Familjebehandlare"),
    ("demo_rs1", "Råd & Stöd", "LSS-handläggare"),
    ("demo_rs2", "Råd & Stöd", "Boendestödjare"),
]
NOT_YET = ("ombud", "skola")
COMMENTS = [
    "Det har blivit lättare att veta vem som gör vad kring familjen.",
    "Vi behöver fler gemensamma möten tidigt, innan det blir kris.",
    "Familjeombudet avlastar oss mycket i samordningen.",
]


def _professionals(adms: dict) -> list[User]:
    people = []
    for username, adm_name, title in PROFESSIONALS:
        user = User.objects.filter(username=username).first()
        if user is None and adms.get(adm_name) is not None:
            user = User(
                username=username,
                role=User.Role.COORDINATOR,
                administration=adms[adm_name],
                first_name=title.split()[0],
                last_name="(fiktiv)",
                title=title,
                is_active=False,  # never signs in: answers only in the demo
            )
            user.set_unusable_password()
            user.save()
        if user is not None:
            people.append(user)
    return people


def _answers(rng: random.Random, low: int, high: int, keys) -> dict:
    return {key: rng.choice([rng.randint(low, high)] * 9 + [0]) for key in keys}


def _questionnaires(families: dict, rng: random.Random, today: dt.date) -> list[Questionnaire]:
    made = []
    for key, family in families.items():
        by = family.responsible_ombud
        if by is None or family.start_date is None or family.questionnaires.exists():
            continue
        if key != "strand":
            EvaluationAgreement.objects.get_or_create(
                family=family,
                defaults={
                    "given_on": family.start_date,
                    "form": EvaluationAgreement.Form.WRITTEN,
                    "recorded_by": by,
                },
            )
        occasions = [(Occasion.START, min(family.start_date + dt.timedelta(days=7), today), 2, 4)]
        if family.end_date:
            occasions.append((Occasion.CLOSURE, family.end_date, 3, 5))
        for occasion, on, low, high in occasions:
            declined = key == "ek" and occasion == Occasion.START
            answers = {} if declined else _answers(rng, low, high, FAMILY_QUESTION_KEYS)
            try:
                made.append(
                    services.questionnaire_create(
                        family=family,
                        by=by,
                        occasion=occasion,
                        answered_on=on,
                        how=Questionnaire.How.WITH_OMBUD,
                        declined=declined,
                        **answers,
                    )
                )
            except ValidationError:
                continue
    return made


def _round(title, opened_on, users, answering, rng, low, high, *, closed_on=None, by):
    survey_round = services.round_open(
        by=by,
        title=title,
        opened_on=opened_on,
        closes_on=timezone.localdate(),
        administrations={u.administration for u in users},
    )
    # Only the people chosen for the demo are asked (the demo staff and the fictional ones).
    SurveyInvitation.objects.filter(round=survey_round).exclude(user__in=users).delete()
    for user in users:  # the fictional ones have no login, so the round did not ask them
        SurveyInvitation.objects.get_or_create(round=survey_round, user=user)
    keys = ("overview", "whole_picture", "core_time", "collaboration")
    for i, user in enumerate(answering):
        services.survey_answer(
            survey_round=survey_round,
            by=user,
            comment=COMMENTS[i] if i < len(COMMENTS) and closed_on is None else "",
            **{k: rng.randint(low, high) for k in keys},
        )
    if closed_on is not None:
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            closes_on=closed_on, closed_on=closed_on
        )
    else:
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            closes_on=timezone.localdate() + dt.timedelta(days=21)
        )
    return survey_round


def _survey(base: dict, rng: random.Random, today: dt.date) -> list[SurveyRound]:
    users, adms = base.get("users") or {}, base.get("administrations") or {}
    leader = users.get("projektledare")
    if leader is None or SurveyRound.objects.exists():
        return []
    staff = [
        u
        for name, u in users.items()
        if name in ("ombud", "ombud2", "teamledare", "skola", "region")
    ]
    everyone = staff + _professionals(adms)
    spring = today - dt.timedelta(days=200)
    first = _round(
        "Första enkäten",
        spring,
        everyone,
        everyone[2:],
        rng,
        1,
        4,
        closed_on=spring + dt.timedelta(days=21),
        by=leader,
    )
    second = _round(
        "Andra enkäten",
        today - dt.timedelta(days=5),
        everyone,
        [u for u in everyone[:-3] if u.username not in NOT_YET],
        rng,
        2,
        5,
        by=leader,
    )
    return [first, second]


def seed(base: dict) -> dict:
    rng = random.Random(20261205)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    families = {
        key: f
        for key, f in (base.get("families") or {}).items()
        if f.status
        in (cm.Family.Status.ACTIVE, cm.Family.Status.PHASING_OUT, cm.Family.Status.CLOSED)
    }
    return {
        "questionnaires": _questionnaires(families, rng, today),
        "survey_rounds": _survey(base, rng, today),
    }
