"""factory-boy factories: the only way tests build data."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from familjelotsen import access
from familjelotsen.models import Administration, Organisation, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    """By default the one test municipality: administrations made without naming an
    organisation all belong to it, as in a deployment for one municipality."""

    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = "Testkommunen"
    kind = Organisation.Kind.MUNICIPALITY
    code = "TST"


class AdministrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Administration
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = Administration.Kind.SOCIAL_SERVICES
    organisation = factory.SubFactory(OrganisationFactory)
    group = factory.LazyAttribute(
        lambda o: Group.objects.get_or_create(name=f"Förvaltning: {o.name}")[0]
    )


# The authenticator-app secret of every test user (tests compute codes from it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@functools.cache
def demo_password_hash() -> str:
    """The demo password, hashed once per test process with the production hasher (Argon2):
    a hash costs about 0.2 s of CPU and the suite makes thousands of users; logging in still
    checks it for real."""
    return make_password(settings.DEMO_PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Personsson"
    role = User.Role.FAMILY_OMBUD
    administration = factory.SubFactory(AdministrationFactory)
    password = factory.LazyFunction(demo_password_hash)

    @factory.post_generation
    def groups_sync(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            access.user_sync_groups(obj)

    @factory.post_generation
    def organisations(obj, create, extracted, **kwargs):
        """A project leader reports on their administration's organisation unless given
        others (UserFactory(organisations=[...]); [] for none)."""
        if not create:
            return
        if extracted is not None:
            obj.organisations.set(extracted)
        elif obj.role == User.Role.PROJECT_LEADER and obj.administration_id:
            obj.organisations.set([obj.administration.organisation_id])

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Every test user has an authenticator app (TEST_TOTP_SECRET), as every real user must:
        a force-logged-in user counts as signed in with two factors. UserFactory(totp=False)
        makes a user who has not enrolled yet."""
        if create and extracted is not False:
            from allauth.mfa.models import Authenticator
            from allauth.mfa.utils import encrypt

            Authenticator.objects.get_or_create(
                user=obj,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": encrypt(TEST_TOTP_SECRET)}},
            )


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


# --- Cases ------------------------------------------------------------------------------------

from cases import models as cm  # noqa: E402
from cases.personnummer import with_check_digit  # noqa: E402


def personnummer_for(birth: dt.date, serial: int) -> str:
    """A Luhn-valid 12-digit personnummer for a birth date (serial 0-999)."""
    ten = with_check_digit(f"{birth:%y%m%d}{serial % 1000:03d}")
    return f"{birth:%Y}{ten[2:]}"


class FamilyFactory(factory.django.DjangoModelFactory):
    """A family owned by the ombud's administration with the ombud responsible and on the
    case team (pass responsible_ombud=...)."""

    class Meta:
        model = cm.Family
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"FL-2026-{n + 1:04d}")
    status = cm.Family.Status.ACTIVE
    responsible_ombud = factory.SubFactory(UserFactory)
    owner = factory.LazyAttribute(lambda o: o.responsible_ombud.administration)
    requesting_administration = factory.LazyAttribute(lambda o: o.owner)
    request_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=120))
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=90))

    @factory.post_generation
    def team(obj, create, extracted, **kwargs):
        if not create or obj.responsible_ombud is None:
            return
        access.team_set_responsible(
            family=obj, ombud=obj.responsible_ombud, by=obj.responsible_ombud
        )
        for user in extracted or []:
            access.team_add(family=obj, user=user, added_by=obj.responsible_ombud)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Member

    family = factory.SubFactory(FamilyFactory)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    kind = cm.Member.Kind.CHILD
    first_name = factory.Sequence(lambda n: f"Barn{n}")
    last_name = "Exempelsson"
    birth_date = factory.LazyFunction(lambda: today().replace(year=today().year - 10, day=3))
    id_type = cm.Member.IdType.PERSONNUMMER
    personal_number = factory.LazyAttributeSequence(lambda o, n: personnummer_for(o.birth_date, n))


class CustodianFactory(MemberFactory):
    kind = cm.Member.Kind.CUSTODIAN
    first_name = factory.Sequence(lambda n: f"Förälder{n}")
    birth_date = factory.LazyFunction(lambda: today().replace(year=today().year - 40, day=3))


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.JournalEntry

    family = factory.SubFactory(FamilyFactory)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    author = factory.LazyAttribute(lambda o: o.family.responsible_ombud)
    kind = cm.JournalEntry.Kind.HOME_VISIT
    event_at = factory.LazyFunction(lambda: timezone.now())
    duration_minutes = 60
    place = "Hemma hos familjen"
    facts = "Vi gick igenom veckoschemat."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Goal

    family = factory.SubFactory(FamilyFactory)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    area = cm.OutcomeArea.HOME
    description = "Fungerande morgonrutin"
    created_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)


class PupilSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.PupilSupport

    member = factory.SubFactory(MemberFactory)
    family = factory.LazyAttribute(lambda o: o.member.family)
    owner = factory.SubFactory(
        AdministrationFactory, name="Skolan", kind=Administration.Kind.SCHOOL
    )
    school = "Exempelskolan"
    grade = 5
    support_level = cm.PupilSupport.Level.EXTRA_ADAPTATIONS


# --- Consent ----------------------------------------------------------------------------------

from consent import models as consent_models  # noqa: E402


class ConsentFactory(factory.django.DjangoModelFactory):
    """A written consent for `subject` from the family's owner to `receiving` (a list of
    administrations), covering `categories`. Valid for a year from a month ago."""

    class Meta:
        model = consent_models.Consent
        skip_postgeneration_save = True

    subject = factory.SubFactory(MemberFactory)
    family = factory.LazyAttribute(lambda o: o.subject.family)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    categories = factory.LazyFunction(
        lambda: [cm.InfoCategory.COORDINATION, cm.InfoCategory.SCHOOL]
    )
    purpose = "Samordning av stödet kring familjen"
    valid_from = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: today() + dt.timedelta(days=335))
    registered_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)

    @factory.post_generation
    def receiving(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.receiving.set(extracted)

    @factory.post_generation
    def disclosing(obj, create, extracted, **kwargs):
        if create:
            obj.disclosing.set(extracted or [obj.family.owner])


# --- Consent (helper A) -----------------------------------------------------------------------


class CustodyLinkFactory(factory.django.DjangoModelFactory):
    """A custodian (an adult member) of a child in the same family."""

    class Meta:
        model = cm.CustodyLink

    child = factory.SubFactory(MemberFactory)
    custodian = factory.SubFactory(CustodianFactory, family=factory.SelfAttribute("..child.family"))


class ConsentSignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = consent_models.ConsentSignature

    consent = factory.SubFactory(ConsentFactory)
    signer = factory.LazyAttribute(lambda o: o.consent.subject)
    capacity = factory.LazyAttribute(
        lambda o: (
            consent_models.ConsentSignature.Capacity.CUSTODIAN
            if o.signer.pk != o.consent.subject_id
            else consent_models.ConsentSignature.Capacity.SELF
        )
    )
    signed_on = factory.LazyAttribute(lambda o: o.consent.valid_from)


# --- SIP/network (helper B) ---------------------------------------------------------------------

from network import models as network_models  # noqa: E402
from sip import models as sip_models  # noqa: E402


class PlanFactory(factory.django.DjangoModelFactory):
    """A SIP draft for a child of a family (pass member=...)."""

    class Meta:
        model = sip_models.Plan

    member = factory.SubFactory(MemberFactory)
    family = factory.LazyAttribute(lambda o: o.member.family)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    initiator = sip_models.Plan.Initiator.MUNICIPALITY
    need_noticed_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=60))
    own_words = "Jag vill kunna gå till skolan varje dag."
    created_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)


class SipInterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sip_models.Intervention

    plan = factory.SubFactory(PlanFactory)
    description = factory.Sequence(lambda n: f"Insats {n}")
    goal = "Fungerande vardag"
    responsible_administration = factory.SubFactory(
        AdministrationFactory, name="Regionen", kind=Administration.Kind.HEALTH_REGION
    )
    contact_person = "Kontaktperson Exempel"
    start_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=10))
    end_on = factory.LazyFunction(lambda: today() + dt.timedelta(days=180))


class SipParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sip_models.Participant

    plan = factory.SubFactory(PlanFactory)
    kind = sip_models.Participant.Kind.PROFESSIONAL
    administration = factory.SubFactory(
        AdministrationFactory, name="Regionen", kind=Administration.Kind.HEALTH_REGION
    )
    name = factory.Sequence(lambda n: f"Deltagare {n}")
    role = "Kurator"


class NetworkProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = network_models.NetworkProcess

    member = factory.SubFactory(MemberFactory)
    family = factory.LazyAttribute(lambda o: o.member.family)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    started_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    purpose = "Mobilisera nätverket kring skolgången"
    created_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)


class NetworkParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = network_models.NetworkParticipant

    process = factory.SubFactory(NetworkProcessFactory)
    side = network_models.NetworkParticipant.Side.PRIVATE
    name = factory.Sequence(lambda n: f"Nätverksperson {n}")
    relation = "Moster"


class NetworkMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = network_models.NetworkMeeting

    process = factory.SubFactory(NetworkProcessFactory)
    stage = network_models.Stage.NETWORK_MEETING
    held_on = factory.LazyFunction(lambda: today() - dt.timedelta(days=7))
    place = network_models.NetworkMeeting.Place.HOME
    recorded_by = factory.LazyAttribute(lambda o: o.process.family.responsible_ombud)


# --- Reporting (helper C) ----------------------------------------------------------------------

from reporting import models as reporting_models  # noqa: E402


class GoalFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.GoalFollowUp

    goal = factory.SubFactory(GoalFactory)
    date = factory.LazyFunction(today)
    rating = cm.GoalFollowUp.Rating.UNCHANGED
    recorded_by = factory.LazyAttribute(lambda o: o.goal.family.responsible_ombud)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A KASAM-13 total score from the paper form (pass member=...)."""

    class Meta:
        model = cm.Assessment

    member = factory.SubFactory(CustodianFactory)
    family = factory.LazyAttribute(lambda o: o.member.family)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    instrument = cm.Assessment.Instrument.SOC13
    score = 50
    assessed_on = factory.LazyFunction(today)
    administered_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)


class ObstacleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Obstacle

    family = factory.SubFactory(FamilyFactory)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    kind = cm.Obstacle.Kind.COORDINATION
    description = "Kallelsen kom för sent."
    observed_on = factory.LazyFunction(today)
    reported_by = factory.LazyAttribute(lambda o: o.family.responsible_ombud)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.TimeEntry

    family = factory.SubFactory(FamilyFactory)
    owner = factory.LazyAttribute(lambda o: o.family.owner)
    user = factory.LazyAttribute(lambda o: o.family.responsible_ombud)
    activity = cm.TimeEntry.Activity.HOME_VISIT
    date = factory.LazyFunction(today)
    minutes = 60


class FunderShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = reporting_models.FunderShare
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Finansiär {n}")
    share_percent = 50


class ReportFactory(factory.django.DjangoModelFactory):
    """A draft report made by `created_by` (pass a project leader or team lead)."""

    class Meta:
        model = reporting_models.Report

    kind = reporting_models.ReportKind.STEERING_GROUP
    period_start = factory.LazyFunction(lambda: today().replace(month=1, day=1))
    period_end = factory.LazyFunction(today)
    created_by = factory.SubFactory(UserFactory, role=User.Role.PROJECT_LEADER)
    made_in = factory.LazyAttribute(lambda o: o.created_by.administration)
    # The figures count the families of the maker's organisation (issue 21).
    organisations = factory.LazyAttribute(lambda o: [o.made_in.organisation_id])


class SipFollowUpFactory(factory.django.DjangoModelFactory):
    """A held follow-up of a SIP (pass plan=..., held_on=..., due_on=...)."""

    class Meta:
        model = sip_models.FollowUp

    held_on = factory.LazyFunction(today)
    recorded_by = factory.LazyAttribute(lambda o: o.plan.family.responsible_ombud)


class NetworkTimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = network_models.NetworkTimeEntry

    activity = network_models.Stage.COORDINATION
    on = factory.LazyFunction(today)
    minutes = 60
    user = factory.LazyAttribute(lambda o: o.process.family.responsible_ombud)
