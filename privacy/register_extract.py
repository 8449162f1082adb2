"""Right of access (registerutdrag, GDPR art. 15): everything held about one person.

Entries about other people are left out; other people named in what is included appear by
first name only, and a person with protected identity never by name. The person's own
protected identity (name, personnummer, birth date, address, mobile, school) is in the
extract only when its maker may see it (`identity`: the case team, SPEC §3.7); otherwise it
reads "Protected identity". Free text is included as written: the maker reviews it (secrecy
towards the person may apply, OSL 12 kap. 3 §) before handing the extract over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from cases.personnummer import format_full
from consent.models import Consent
from courses.models import Participant
from evaluation.models import EvaluationAgreement, Questionnaire
from familjelotsen.models import AccessLogEntry
from network.models import NetworkProcess
from referrals.models import ReferralPerson
from sip.models import Plan


def _other(person: cm.Member) -> str:
    if person.protected_identity:
        return str(_("a person with protected identity"))
    return f"{person.first_name} ({person.get_kind_display()})"


def masked_label() -> str:
    """What stands in an extract for an identity its maker may not see."""
    return str(_("Protected identity"))


def _date(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _person(member: cm.Member, *, identity: bool) -> dict[str, Any]:
    person = {
        "name": f"{member.first_name} {member.last_name}",
        "personal_number": format_full(member.personal_number) if member.personal_number else None,
        "birth_date": _date(member.birth_date),
        "kind": str(member.get_kind_display()),
        "address": member.address or None,
        "mobile": member.mobile or None,
        "protected_identity": member.protected_identity,
        "npf_diagnosis": member.npf_diagnosis or None,
        "school": member.school or None,
        "grade": member.grade,
        "occupation": str(member.get_occupation_display()) if member.occupation else None,
        "income_support": member.income_support,
    }
    if member.protected_identity and not identity:
        # Where the person lives, goes to school or can be reached, and who they are: masked.
        for key in ("name", "personal_number", "birth_date", "address", "mobile", "school"):
            person[key] = masked_label()
    return person


def build(member: cm.Member, *, identity: bool = False) -> dict[str, Any]:
    """The extract. `identity`: its maker may see the person's protected identity (the
    policy's `Permissions.identity`); without it, a protected identity is masked."""
    family = member.family
    children = cm.Member.objects.filter(custody_links__custodian=member)
    custodians = member.custodians.all()
    data: dict[str, Any] = {
        "made_at": _date(timezone.now()),
        "person": _person(member, identity=identity),
        "family": {
            "reference": family.reference,
            "status": str(family.get_status_display()),
            "request_date": _date(family.request_date),
            "start_date": _date(family.start_date),
            "end_date": _date(family.end_date),
            "custodians": [_other(c) for c in custodians],
            "children_in_custody": [_other(c) for c in children],
        },
    }
    entries = (
        cm.JournalEntry.objects.filter(concerns=member)
        .select_related("author")
        .prefetch_related("concerns", "objections")
        .order_by("event_at", "id")
    )
    data["journal"] = [
        {
            "date": _date(e.event_at),
            "kind": str(e.get_kind_display()),
            "written_by": e.author.get_full_name(),
            "facts": e.facts,
            "assessment": e.assessment,
            "next_steps": e.next_steps,
            "signed": _date(e.signed_at),
            "also_concerns": [_other(o) for o in e.concerns.all() if o.pk != member.pk],
            "objections": [o.statement for o in e.objections.all() if o.member_id == member.pk],
        }
        for e in entries
    ]
    data["consents"] = [
        {
            "valid_from": _date(c.valid_from),
            "valid_until": _date(c.valid_until),
            "revoked": _date(c.revoked_on),
            "purpose": c.purpose,
            "categories": [str(cm.InfoCategory(v).label) for v in c.categories],
            "receiving": [a.name for a in c.receiving.all()],
            "disclosing": [a.name for a in c.disclosing.all()],
            "does_not_cover": c.not_covered,
        }
        for c in Consent.objects.filter(subject=member).prefetch_related("receiving", "disclosing")
    ]
    data["goals"] = [
        {
            "area": str(g.get_area_display()),
            "goal": g.description,
            "follow_ups": [
                {"date": _date(f.date), "rating": f.rating, "note": f.note}
                for f in g.follow_ups.all()
            ],
        }
        for g in cm.Goal.objects.filter(
            Q(member=member) | Q(member__isnull=True, family=family)
        ).prefetch_related("follow_ups")
    ]
    data["assessments"] = [
        {
            "date": _date(a.assessed_on),
            "instrument": str(a.get_instrument_display()),
            "score": a.score,
        }
        for a in cm.Assessment.objects.filter(member=member)
    ]
    data["pupil_support"] = [
        {
            "school": p.school,
            "grade": p.grade,
            "support_level": str(p.get_support_level_display()),
            "reviews": [
                {"date": _date(r.reviewed_on), "decision": r.decision} for r in p.reviews.all()
            ],
        }
        for p in cm.PupilSupport.objects.filter(member=member).prefetch_related("reviews")
    ]
    data["reports_of_concern"] = [
        {"date": _date(r.reported_at), "recipient": r.recipient_unit, "summary": r.summary}
        for r in cm.ReportOfConcern.objects.filter(child=member)
    ]
    data["sip_plans"] = _sip_plans(member)
    data["network_processes"] = _network_processes(member)
    data["follow_up"] = _follow_up(family)
    data["courses"] = _courses(member)
    data["requests"] = _requests(member)
    log = (
        AccessLogEntry.objects.filter(
            Q(member_id=member.pk) | Q(family_id=family.pk, object_type="cases.family")
        )
        .select_related("user", "administration")
        .order_by("at", "id")
    )
    data["access_log"] = [
        {
            "time": _date(e.at),
            "user": e.user.get_full_name() or e.user.username,
            "administration": e.administration.name if e.administration else None,
            "action": str(e.get_action_display()),
            "record": e.object_type,
            "basis": str(e.get_basis_display()),
        }
        for e in log
    ]
    return data


def _sip_plans(member) -> list[dict]:
    return [
        {
            "status": str(p.get_status_display()),
            "need_noticed": _date(p.need_noticed_on),
            "own_words": p.own_words,
            "agreed": _date(p.agreed_on),
            "next_follow_up": _date(p.next_follow_up_on),
            "interventions": [
                {
                    "intervention": i.description,
                    "responsible": i.responsible_administration.name
                    if i.responsible_administration_id
                    else None,
                    "start": _date(i.start_on),
                    "end": _date(i.end_on),
                }
                for i in p.interventions.all()
            ],
        }
        for p in Plan.objects.filter(member=member).prefetch_related(
            "interventions__responsible_administration"
        )
    ]


def _follow_up(family) -> dict:
    """The family's follow-up questionnaires and its agreement to the evaluation: answers
    about the family, so part of what every member of it may ask to see."""
    agreement = EvaluationAgreement.objects.filter(family=family).first()
    return {
        "agreement": {
            "given": _date(agreement.given_on),
            "how": str(agreement.get_form_display()),
            "withdrawn": _date(agreement.withdrawn_on),
        }
        if agreement
        else None,
        "questionnaires": [
            {
                "occasion": str(q.get_occasion_display()),
                "answered": _date(q.answered_on),
                "how": str(q.get_how_display()),
                "declined": q.declined,
                "answers": [] if q.declined else [[str(s), str(a)] for s, a in q.answers()],
            }
            for q in Questionnaire.objects.filter(family=family).order_by("answered_on", "id")
        ],
    }


def _courses(member) -> list[dict]:
    """The parenting-support courses the person took part in, with the sessions attended."""
    return [
        {
            "course": " ".join(
                part for part in (str(p.course.get_kind_display()), p.course.name) if part
            ),
            "started": _date(p.course.start_date),
            "place": p.course.place,
            "sessions_attended": p.attended,
        }
        for p in Participant.objects.filter(member=member)
        .select_related("course")
        .annotate(attended=Count("attendances"))
        .order_by("course__start_date", "id")
    ]


def _requests(member) -> list[dict]:
    """The requests to the team that named the person and became their family's case (the
    referrer's form): when, from where, what about, what became of it. A request elsewhere
    about the same personnummer is another administration's, not part of this case. The
    child's own view only in the child's extract (secrecy towards the custodians may apply to
    it, OSL 12 kap. 3 §)."""
    if not member.personal_number:
        return []
    named = ReferralPerson.objects.filter(
        personal_number=member.personal_number, referral__family_id=member.family_id
    )
    rows = []
    for person in named.select_related("referral__administration").order_by("referral__sent_at"):
        referral = person.referral
        rows.append(
            {
                "sent": _date(referral.sent_at),
                "from": referral.administration.name if referral.administration_id else None,
                "kind": str(referral.get_kind_display()),
                "about": referral.about,
                "child_view": referral.child_view
                if person.kind == ReferralPerson.Kind.CHILD
                else None,
                "status": str(referral.get_status_display()),
                "decided": _date(referral.decided_at),
            }
        )
    return rows


def _network_processes(member) -> list[dict]:
    return [
        {
            "purpose": n.purpose,
            "started": _date(n.started_on),
            "closed": _date(n.closed_on),
            "meetings": [
                {"date": _date(m.held_on), "stage": str(m.get_stage_display())}
                for m in n.meetings.all()
            ],
        }
        for n in NetworkProcess.objects.filter(member=member).prefetch_related("meetings")
    ]
