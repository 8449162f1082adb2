"""Demo consultations (all fictional): professionals of the demo administrations asked the
team for advice in the last months. No family is named in any of them.

Idempotent: nothing is added when consultations exist.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from consultations import services
from consultations.models import Consultation

FollowUp = Consultation.FollowUp

# days ago, recorded by, asked by, administration, question, advice, minutes, follow-up
CONSULTATIONS = [
    (
        75,
        "ombud",
        "Kurator, Norrskolan",
        "Skolan",
        "En elev i årskurs 7 med adhd har hög frånvaro och föräldrarna orkar inte längre. "
        "Skolan vet inte vilka andra kontakter familjen har.",
        "Föreslog att skolan bjuder in till ett nätverksmöte med familjens samtycke och "
        "berättade hur en förfrågan till teamet går till.",
        45,
        FollowUp.REQUEST,
    ),
    (
        40,
        "teamledare",
        "Socialsekreterare barn och unga",
        "Socialtjänsten",
        "Hur kan vi samordna insatser när BUP och habiliteringen ger olika råd till föräldrarna?",
        "Gick igenom när en SIP ska upprättas och vem som kallar. Tipsade om "
        "föräldraskapsstödet ABC.",
        60,
        FollowUp.NONE,
    ),
    (
        21,
        "ombud2",
        "Sjuksköterska BUP",
        "Regionen",
        "Föräldrar till ett barn med autism undrar vart de vänder sig för stöd i vardagen.",
        "Beskrev Råd & Stöds insatser och familjeombudets roll; ny kontakt om två veckor.",
        30,
        FollowUp.NEW_CONSULTATION,
    ),
    (
        6,
        "ombud",
        "Specialpedagog",
        "Skolan",
        "Ett barn i förskoleklass har svårt med övergångar. Vad kan skolan göra innan en "
        "utredning är klar?",
        "Pratade om extra anpassningar och att involvera vårdnadshavarna tidigt.",
        40,
        FollowUp.NONE,
    ),
]


def seed(base: dict) -> dict:
    users, adms = base.get("users") or {}, base.get("administrations") or {}
    if Consultation.objects.exists() or not users:
        return {"consultations": []}
    today = timezone.localdate()
    made = [
        services.consultation_create(
            by=users[by],
            asked_by=asked_by,
            asking_administration=adms[adm],
            held_on=today - dt.timedelta(days=days),
            question=question,
            advice=advice,
            minutes=minutes,
            follow_up=follow_up,
            names_confirmed=True,
        )
        for days, by, asked_by, adm, question, advice, minutes, follow_up in CONSULTATIONS
    ]
    return {"consultations": made}
