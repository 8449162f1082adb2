"""Build a national-scale, entirely fictional dataset for the benchmarks (bench/), quickly.

    DATABASE_URL=<bench database> python bench/seed_scale.py --families 50000
    DATABASE_URL=<bench database> python bench/seed_scale.py --families 2000    # to try it out

(a benchmark tool, not part of the app: `make bench` runs it through bench/run.sh)

500 staff in 40 administrations (8 municipalities of five administrations each, the five demo
administrations among them), families across every status with case teams (each ombud ~8 open
families), ~4 members per family, ~40 journal entries per family (most signed, with the
members they concern), goals and follow-ups, KASAM scores, obstacles, pupil support and
pupil-health reviews, booked visits, time entries, ~2 consents per family with receiving and
disclosing administrations and signatures, the shares they imply (consent.Share rows and the
django-guardian group permission rows with `valid_until`, re-derived at the end by
access.sync_access exactly as the services would make them;
shares of expired or revoked consents withdrawn as access.reconcile_shares leaves them), SIPs
and network processes, and access-log rows.

Rows go in with COPY (psycopg's cursor.copy) in batches, ids reserved from each table's
sequence so rows can point at each other without a round trip. Nothing in the database is
disabled: every constraint, foreign key and trigger (the signed-journal guard, the append-only
history) runs. Signed journal entries are inserted signed (the guard refuses UPDATE of a signed
row); the members an entry concerns are linked in the same transaction *before* the entry row
exists, which the link guard allows (no signed entry yet) and the deferred foreign key checks
at commit.

Staff log in with the password in --password and the authenticator-app secret
BENCH_TOTP_SECRET below (bench only: a public secret, never for real accounts).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases import models as cm
from cases.personnummer import with_check_digit
from consent.models import Consent
from familjelotsen import access, services
from familjelotsen.history import history_context
from familjelotsen.models import Administration, Organisation, User
from sip import models as sm

# The kind of work of every bench family (the network-work-only kind is not generated).
COORDINATED = cm.WorkKind.COORDINATED_SUPPORT.value

# The benchmark's published authenticator-app secret (base32). Public like the demo secret:
# only for the throw-away bench database.
BENCH_TOTP_SECRET = "FAMILJELOTSENBENCHMARKTOTP234567"
BENCH_PASSWORD = "Familjelotsen-bench-2026"

Kind = Administration.Kind
Role = User.Role
FS = cm.Family.Status
UTC = dt.UTC

# Municipality 0 carries the five demo administrations (familjelotsen.demo); the others are
# fictional municipalities with the same five kinds: 8 x 5 = 40 administrations.
DEMO_NAMES = {
    Kind.SOCIAL_SERVICES: "Socialtjänsten",
    Kind.SCHOOL: "Skolan",
    Kind.DISABILITY_SERVICES: "Råd & Stöd",
    Kind.HEALTH_REGION: "Regionen",
    Kind.EMPLOYMENT: "Jobb- och kunskapstorget",
}
MUNICIPALITIES = ["", "Ekby", "Granås", "Björkvik", "Lindås", "Stenfors", "Åsbacka", "Mossby"]
KINDS = list(DEMO_NAMES)

# Staff per municipality (x 8 = 488), plus 11 ombuds in the larger demo municipality and one
# system administrator: 500.
STAFF_PLAN = [
    (Role.FAMILY_OMBUD, Kind.DISABILITY_SERVICES, 19),
    (Role.FAMILY_OMBUD, Kind.SOCIAL_SERVICES, 19),
    (Role.TEAM_LEAD, Kind.DISABILITY_SERVICES, 1),
    (Role.TEAM_LEAD, Kind.SOCIAL_SERVICES, 1),
    (Role.SCHOOL_COORDINATOR, Kind.SCHOOL, 6),
    (Role.COORDINATOR, Kind.HEALTH_REGION, 6),
    (Role.COORDINATOR, Kind.SOCIAL_SERVICES, 4),
    (Role.COORDINATOR, Kind.EMPLOYMENT, 3),
    (Role.COORDINATOR, Kind.DISABILITY_SERVICES, 1),
    (Role.PROJECT_LEADER, Kind.DISABILITY_SERVICES, 1),
]
EXTRA_OMBUDS_MUNICIPALITY_0 = 11

# Share of families per status (the rest closed). Open families are sized so that every
# ombud carries about eight (the planning figure).
OPEN_PER_OMBUD = 8
STATUS_SHARES_OPEN = {FS.ASSESSMENT: 0.16, FS.ACTIVE: 0.66, FS.PHASING_OUT: 0.18}
REQUEST_SHARE, DECLINED_SHARE, WITHDRAWN_SHARE = 0.012, 0.06, 0.04
HISTORY_BATCH = 2_000
PLAIN_BATCH = 200_000
JOURNAL_PER_FAMILY = 40
ACCESS_LOG_PER_FAMILY = 30
OPEN = (FS.ASSESSMENT, FS.ACTIVE, FS.PHASING_OUT)

FIRST_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Saga",
    "Ella",
    "Lilly",
    "Wilma",
    "Freja",
    "Signe",
    "Alma",
    "Astrid",
    "Nova",
    "Olivia",
    "Selma",
    "Vera",
    "Stella",
    "Liam",
    "Noah",
    "William",
    "Hugo",
    "Lucas",
    "Oliver",
    "Elias",
    "Alexander",
    "Nils",
    "Adam",
    "Leo",
    "Theo",
    "Viktor",
    "Arvid",
    "Melvin",
    "Anna",
    "Karin",
    "Sara",
    "Lena",
    "Maria",
    "Emma",
    "Johanna",
    "Helena",
    "Jonas",
    "Johan",
    "Erik",
    "Anders",
    "Peter",
    "Mikael",
    "Fredrik",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Berglund",
    "Holm",
    "Strand",
    "Ek",
    "Sjöberg",
    "Lund",
    "Axelsson",
    "Hedlund",
    "Falk",
    "Åberg",
    "Nyström",
    "Björk",
    "Lindgren",
]
STREETS = [
    "Storgatan",
    "Skolvägen",
    "Björkvägen",
    "Ringvägen",
    "Kyrkogatan",
    "Parkvägen",
    "Ängsvägen",
]
SCHOOLS = ["Ekskolan", "Björkskolan", "Centralskolan", "Norrskolan", "Söderskolan", "Lindskolan"]
FACTS = [
    "Hembesök hos familjen. Vi gick igenom veckans schema och hur morgnarna fungerat. "
    "Barnet har kommit i tid till skolan fyra av fem dagar.",
    "Telefonsamtal med vårdnadshavare om kontakten med BUP. Remissen är skickad och "
    "familjen väntar på tid för utredning.",
    "Möte på skolan med mentor och specialpedagog. Extra anpassningar i matematik och "
    "svenska följs upp, närvaron har förbättrats sedan förra mötet.",
    "Samtal om familjens ekonomi och kontakt med Jobbtorget. Föräldern har fått tid hos "
    "arbetsmarknadskonsulent och vill komma igång med praktik.",
    "Förberedande samtal inför SIP-mötet. Familjen vill att fokus ska ligga på skolgång "
    "och fritid, och att alla aktörer ska veta vem som gör vad.",
    "Nätverksmöte med familjens privata nätverk. Mormor och en granne kan hjälpa till "
    "med hämtningar två dagar i veckan.",
]
ASSESSMENTS = [
    "Familjen har fått bättre struktur i vardagen och upplever mindre stress.",
    "Fortsatt behov av stöd kring skolgång; samordningen mellan skola och BUP behöver tydliggöras.",
    "Föräldern är motiverad men behöver stöd i kontakten med myndigheter.",
]
NEXT_STEPS = [
    "Nytt hembesök nästa vecka. Ombudet kontaktar skolan om schemat.",
    "Följa upp remissen till BUP. Boka SIP-möte.",
    "Föräldern ringer Jobbtorget. Ombudet skickar kallelse till nätverksmöte.",
]
GOALS = {
    cm.OutcomeArea.HOME: "Fungerande morgonrutiner alla vardagar.",
    cm.OutcomeArea.SCHOOLING: "Barnet går i skolan hela dagar minst fyra dagar i veckan.",
    cm.OutcomeArea.LEISURE: "Barnet har en regelbunden fritidsaktivitet.",
    cm.OutcomeArea.PARENTS_OCCUPATION: "Föräldern har arbete, studier eller praktik.",
    cm.OutcomeArea.UPPER_SECONDARY: "Barnet blir behörigt till ett nationellt program.",
    cm.OutcomeArea.DAILY_STRUCTURE: "Familjen använder veckoschema och har kontroll över vardagen.",
    cm.OutcomeArea.ECONOMY: "Hushållet klarar sig utan försörjningsstöd.",
}
JOURNAL_KINDS = [
    (cm.JournalEntry.Kind.HOME_VISIT, 45),
    (cm.JournalEntry.Kind.PHONE, 25),
    (cm.JournalEntry.Kind.MEETING, 10),
    (cm.JournalEntry.Kind.SCHOOL_MEETING, 8),
    (cm.JournalEntry.Kind.SIP_MEETING, 4),
    (cm.JournalEntry.Kind.NETWORK_MEETING, 4),
    (cm.JournalEntry.Kind.OTHER, 4),
]
CATEGORIES = [
    (cm.InfoCategory.SOCIAL, 60),
    (cm.InfoCategory.SCHOOL, 20),
    (cm.InfoCategory.HEALTH, 10),
    (cm.InfoCategory.COORDINATION, 10),
]
PURPOSE = "Samordning av stödet till familjen inom Familjelotsen."


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Fam:
    id: int
    muni: int
    owner: int  # administration id
    status: str
    request: dt.date
    start: dt.date | None
    phase_out: dt.date | None
    end: dt.date | None
    ombud: int | None  # user id
    team: list[int] = field(default_factory=list)
    members: list = field(default_factory=list)  # [(id, kind, birth, protected)]
    custodians: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.start is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Command(BaseCommand):
    help = "Build a national-scale fictional dataset for the benchmarks (COPY, in batches)."

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though the database already holds families (adds on top).",
        )

    def handle(self, *args, families: int, seed: int, force: bool, **options):
        if families < 100:
            raise CommandError("--families must be at least 100.")
        if cm.Family.objects.exists() and not force:
            raise CommandError(
                "The database already holds families: refusing to add a scale dataset on top. "
                "Use an empty database (see bench/README.md) or pass --force."
            )
        # Not for security: a repeatable fictional dataset.
        self.rng = random.Random(seed)  # noqa: S311
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.n_families = families
        self.started_at = time.perf_counter()
        self.counts: dict[str, int] = {}
        self.copy_seconds: dict[str, float] = {}
        self._triggered: dict[str, bool] = {}
        with history_context("seed_scale"):
            self._step("administrations and staff", transaction.atomic()(self.make_staff))
            self._step("families, case teams, status history", self.make_families)
            self._step("members and custody", self.make_members)
            self._step("pupil support and reviews", self.make_pupil_support)
            self._step("journal entries, concerns, time entries", self.make_journal)
            self._step("goals, KASAM, obstacles, visits", self.make_goals_etc)
            self._step("consents, signatures", self.make_consents)
            self._step("shares and guardian permission rows", self.make_shares)
            self._step("SIP plans and their parts", self.make_sips)
            self._step("network processes and their parts", self.make_network)
            self._step("access-log rows", self.make_access_log)
            self._step("ANALYZE", self.analyze)
            self._step("derive every family's grants, check no drift", self.derive)
        total = time.perf_counter() - self.started_at
        self.stdout.write("Rows (COPY seconds, including the Python that builds them):")
        for table, n in self.counts.items():
            seconds = self.copy_seconds.get(table, 0.0)
            self.stdout.write(f"  {table:45} {n:>10,}  {seconds:7.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Scale dataset built in {total:.0f} s."))

    # --- plumbing --------------------------------------------------------------------------

    def _step(self, label: str, func) -> None:
        # No transaction around a whole step: copy() commits in batches (see there). A
        # failed run leaves a partial dataset: start again on a fresh database.
        started = time.perf_counter()
        func()
        self.stdout.write(f"{time.perf_counter() - started:8.1f} s  {label}")
        self.stdout.flush()

    def reserve(self, table: str, n: int) -> int:
        """Reserve n ids of the table's sequence; returns the first."""
        if n <= 0:
            return 0
        with connection.cursor() as cur:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), nextval(pg_get_serial_sequence("
                "%s, 'id')) + %s - 1)",
                [table, table, n],
            )
            last = cur.fetchone()[0]
        return last - n + 1

    def _has_row_triggers(self, table: str) -> bool:
        if table not in self._triggered:
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass "
                    "AND NOT tgisinternal AND tgname LIKE 'pgtrigger_%%')",
                    [table],
                )
                self._triggered[table] = cur.fetchone()[0]
        return self._triggered[table]

    def copy(self, table: str, columns: list[str], rows) -> int:
        """COPY rows (tuples in column order) into the table; returns the count.

        Tables with change-history triggers (django-pghistory) are loaded in transactions of
        HISTORY_BATCH rows: within one transaction each further row costs its trigger a little
        more (measured: the 6th batch of 2,000 rows takes 2.5-4x the first), so one
        transaction for 400,000 share rows would be quadratic. Callers load parents before
        children, so every batch's deferred foreign keys find their rows committed.
        """
        n = 0
        started = time.perf_counter()
        cols = ", ".join(f'"{c}"' for c in columns)
        batch = HISTORY_BATCH if self._has_row_triggers(table) else PLAIN_BATCH
        it = iter(rows)
        while True:
            chunk = list(itertools.islice(it, batch))
            if not chunk:
                break
            with transaction.atomic(), connection.cursor() as cur:
                # A statement through Django first: pghistory's context (the "seed_scale"
                # label) is set per transaction by its execute wrapper.
                cur.execute("SELECT 1")
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                    for row in chunk:
                        cp.write_row(row)
            n += len(chunk)
        self.counts[table] = self.counts.get(table, 0) + n
        self.copy_seconds[table] = self.copy_seconds.get(table, 0.0) + time.perf_counter() - started
        return n

    def ts(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)

    def between(self, a: dt.date, b: dt.date) -> dt.date:
        if b <= a:
            return a
        return a + dt.timedelta(days=self.rng.randint(0, (b - a).days))

    # --- staff -----------------------------------------------------------------------------

    def organisation(self, muni: int, place: str) -> Organisation:
        """Each bench municipality is an organisation of its own (issue 21); the first is the
        demo's (whose administrations it shares when the demo is seeded)."""
        if muni == 0:
            existing = Administration.objects.filter(name=DEMO_NAMES[KINDS[0]]).first()
            if existing is not None:
                return existing.organisation
            place = "Benchby"
        code = "B" + "".join(c for c in place.upper() if c.isalpha())[:3]
        org = Organisation.objects.filter(code=code).first()
        return org or services.organisation_create(
            name=f"{place} kommun (bench)", kind=Organisation.Kind.MUNICIPALITY, code=code
        )

    def make_staff(self) -> None:
        self.adm: dict[tuple[int, str], Administration] = {}
        for muni, place in enumerate(MUNICIPALITIES):
            organisation = self.organisation(muni, place)
            for kind in KINDS:
                name = DEMO_NAMES[kind] if muni == 0 else f"{DEMO_NAMES[kind]} {place}"
                adm = Administration.objects.filter(name=name).first()
                self.adm[muni, kind] = adm or services.administration_create(
                    name=name, kind=kind, organisation=organisation
                )
        self.adm_by_id = {a.pk: a for a in self.adm.values()}
        self.muni_of_adm = {a.pk: m for (m, _k), a in self.adm.items()}
        password = make_password(BENCH_PASSWORD)  # hashed once: Argon2 per user would be slow
        taken = set(User.objects.values_list("username", flat=True))
        suffix = ""
        while f"bench-ombud-0-001{suffix}" in taken:
            suffix = f"-r{self.rng.randint(2, 9999)}"
        plan = []
        for muni in range(len(MUNICIPALITIES)):
            for role, kind, n in STAFF_PLAN:
                extra = (
                    EXTRA_OMBUDS_MUNICIPALITY_0
                    if (
                        muni == 0 and role == Role.FAMILY_OMBUD and kind == Kind.DISABILITY_SERVICES
                    )
                    else 0
                )
                plan += [(role, muni, kind)] * (n + extra)
        users, seen = [], defaultdict(int)
        for role, muni, kind in plan:
            short = {
                Role.FAMILY_OMBUD: "ombud",
                Role.TEAM_LEAD: "teamledare",
                Role.SCHOOL_COORDINATOR: "skola",
                Role.COORDINATOR: "koordinator",
                Role.PROJECT_LEADER: "projektledare",
            }[role]
            seen[short, muni] += 1
            users.append(
                User(
                    username=f"bench-{short}-{muni}-{seen[short, muni]:03d}{suffix}",
                    password=password,
                    role=role,
                    administration=self.adm[muni, kind],
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                    title=str(role.label),
                    email="",
                )
            )
        users.append(
            User(
                username=f"bench-admin{suffix}",
                password=password,
                role=Role.SYSTEM_ADMIN,
                first_name="Sys",
                last_name="Admin",
            )
        )
        users = User.objects.bulk_create(users)
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=u.pk, group_id=self.adm_by_id[u.administration_id].group_id)
            for u in users
            if u.administration_id
        )
        # A project leader reports on their own municipality (issue 21): without one the
        # report form refuses them.
        User.organisations.through.objects.bulk_create(
            User.organisations.through(
                user_id=u.pk, organisation_id=self.adm_by_id[u.administration_id].organisation_id
            )
            for u in users
            if u.role == Role.PROJECT_LEADER
        )
        secret = encrypt(BENCH_TOTP_SECRET)
        Authenticator.objects.bulk_create(
            Authenticator(user=u, type=Authenticator.Type.TOTP, data={"secret": secret})
            for u in users
        )
        self.counts["staff"] = len(users)
        self.ombuds: dict[int, list[int]] = defaultdict(list)  # owner adm id -> ombud ids
        self.team_lead: dict[int, int] = {}
        self.staff_by: dict[tuple[int, str], list[int]] = defaultdict(list)  # (adm, role)
        for u in users:
            if u.role == Role.FAMILY_OMBUD:
                self.ombuds[u.administration_id].append(u.pk)
            if u.role == Role.TEAM_LEAD:
                self.team_lead[u.administration_id] = u.pk
            if u.administration_id:
                self.staff_by[u.administration_id, u.role].append(u.pk)
        self.any_staff = {a: ids[0] for (a, _r), ids in self.staff_by.items()}

    # --- families --------------------------------------------------------------------------

    def _dates(self, status: str):
        r, today, d = self.rng, self.today, dt.timedelta
        start = phase = end = None
        if status == FS.REQUEST:
            request = today - d(days=r.randint(1, 120))
        elif status == FS.ASSESSMENT:
            request = today - d(days=r.randint(20, 150))
        elif status == FS.ACTIVE:
            request = today - d(days=r.randint(60, 700))
            start = request + d(days=r.randint(14, 59))
        elif status == FS.PHASING_OUT:
            request = today - d(days=r.randint(300, 800))
            start = request + d(days=r.randint(14, 59))
            phase = today - d(days=r.randint(1, 60))
        elif status == FS.DECLINED:
            request = today - d(days=r.randint(40, 2900))
            end = request + d(days=r.randint(7, 30))
        elif status == FS.WITHDRAWN:
            request = today - d(days=r.randint(200, 2900))
            start = request + d(days=r.randint(14, 59))
            end = min(start + d(days=r.randint(30, 300)), today - d(days=1))
        else:  # closed
            request = today - d(days=r.randint(500, 2900))
            start = request + d(days=r.randint(14, 59))
            phase = start + d(days=r.randint(200, 450))
            end = min(phase + d(days=r.randint(30, 120)), today - d(days=1))
            phase = min(phase, end)
        return request, start, phase, end

    def make_families(self) -> None:
        n, r = self.n_families, self.rng
        owners = list(self.ombuds)  # R&S and social services of every municipality
        n_ombuds = sum(len(v) for v in self.ombuds.values())
        n_open = min(OPEN_PER_OMBUD * n_ombuds, n // 2)
        n_request = max(1, round(n * REQUEST_SHARE))
        n_declined, n_withdrawn = round(n * DECLINED_SHARE), round(n * WITHDRAWN_SHARE)
        statuses = [FS.REQUEST] * n_request + [FS.DECLINED] * n_declined
        statuses += [FS.WITHDRAWN] * n_withdrawn
        for status, share in STATUS_SHARES_OPEN.items():
            statuses += [status] * round(n_open * share)
        statuses += [FS.CLOSED] * (n - len(statuses))
        statuses = statuses[:n]
        r.shuffle(statuses)
        # Owners in proportion to their ombuds; open families dealt round-robin per owner, so
        # each ombud carries about eight; closed ones spread over everyone (historic caseload).
        weights = [len(self.ombuds[a]) for a in owners]
        first = self.reserve("cases_family", n)
        self.families: list[Fam] = []
        rr: dict[int, int] = defaultdict(int)
        for i, status in enumerate(statuses):
            owner = r.choices(owners, weights)[0]
            request, start, phase, end = self._dates(status)
            if status in OPEN:
                ombud = self.ombuds[owner][rr[owner] % len(self.ombuds[owner])]
                rr[owner] += 1
            elif status == FS.REQUEST or (status == FS.DECLINED and r.random() < 0.5):
                ombud = None
            else:
                ombud = r.choice(self.ombuds[owner])
            fam = Fam(
                first + i, self.muni_of_adm[owner], owner, status, request, start, phase, end, ombud
            )
            if ombud:
                fam.team.append(ombud)
                if r.random() < 0.2:  # a colleague on the case team
                    other = r.choice(self.ombuds[owner])
                    if other != ombud:
                        fam.team.append(other)
            self.families.append(fam)
        # References FL-<organisation code>-<request year>-<nnnn>, numbered by request date per
        # organisation and year (issue 21).
        org_of = {f.id: self.adm_by_id[f.owner].organisation for f in self.families}
        by_year: dict[tuple[int, int], int] = defaultdict(int)
        for row in cm.ReferenceCounter.objects.all():
            by_year[row.organisation_id, row.year] = row.last
        refs = {}
        for fam in sorted(self.families, key=lambda f: (f.request, f.id)):
            org, year = org_of[fam.id], fam.request.year
            by_year[org.pk, year] += 1
            refs[fam.id] = f"FL-{org.code}-{year}-{by_year[org.pk, year]:04d}"
        for (org_id, year), last in by_year.items():
            cm.ReferenceCounter.objects.update_or_create(
                organisation_id=org_id, year=year, defaults={"last": last}
            )
        muni_adm = self.adm

        def family_rows():
            for f in self.families:
                m = f.muni
                requesting = muni_adm[
                    m,
                    _weighted(
                        r,
                        [
                            (Kind.SOCIAL_SERVICES, 40),
                            (Kind.SCHOOL, 35),
                            (Kind.HEALTH_REGION, 15),
                            (Kind.DISABILITY_SERVICES, 10),
                        ],
                    ),
                ].pk
                created = self.ts(f.request, 9)
                yield (
                    f.id,
                    created,
                    created,
                    1,
                    refs[f.id],
                    f.status,
                    "Handläggare på förvaltningen",
                    r.choice([1, 2, 3, 3, 3, 4]),
                    "Familjen har flera pågående kontakter och behöver samordnat stöd.",
                    f.request,
                    f.start,
                    f.phase_out,
                    f.end,
                    "Insatsen avslutad enligt plan."
                    if f.status == FS.CLOSED
                    else ("Familjen avböjde." if f.end else ""),
                    r.choice([0, 0, 1, 1, 2]),
                    r.choice([0, 0, 0, 1]),
                    False,
                    f.owner,
                    requesting,
                    f.ombud,
                    None,
                    "",
                    # Coordinated support: the kind the bench's journeys and figures measure
                    # (a provision, decided or service, is for network work only).
                    COORDINATED,
                    "",
                )

        self.copy(
            "cases_family",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "reference",
                "status",
                "requesting_contact",
                "priority",
                "background",
                "request_date",
                "start_date",
                "phase_out_date",
                "end_date",
                "end_reason",
                "placements_at_risk_at_start",
                "placements_happened",
                "legal_hold",
                "owner_id",
                "requesting_administration_id",
                "responsible_ombud_id",
                "anonymised_at",
                "retention_flag",
                "kind",
                "provision",
            ],
            family_rows(),
        )

        def team_rows():
            for f in self.families:
                for k, user in enumerate(f.team):
                    at = self.ts(f.request, 11)
                    role = "responsible_ombud" if k == 0 else "ombud"
                    yield (at, at, role, self.team_lead.get(f.owner, user), user, f.id)

        self.copy(
            "cases_caseteammember",
            ["created_at", "updated_at", "role", "added_by_id", "user_id", "family_id"],
            team_rows(),
        )

        chain = {
            FS.REQUEST: [],
            FS.ASSESSMENT: [FS.ASSESSMENT],
            FS.ACTIVE: [FS.ASSESSMENT, FS.ACTIVE],
            FS.PHASING_OUT: [FS.ASSESSMENT, FS.ACTIVE, FS.PHASING_OUT],
            FS.CLOSED: [FS.ASSESSMENT, FS.ACTIVE, FS.PHASING_OUT, FS.CLOSED],
            FS.DECLINED: [FS.DECLINED],
            FS.WITHDRAWN: [FS.ASSESSMENT, FS.ACTIVE, FS.WITHDRAWN],
        }

        def status_rows():
            for f in self.families:
                by = self.team_lead.get(f.owner) or f.ombud
                prev = ""
                yield ("", FS.REQUEST, self.ts(f.request, 9), "", by, f.id, COORDINATED)
                prev = FS.REQUEST
                for k, st in enumerate(chain[f.status]):
                    day = {FS.ACTIVE: f.start, FS.PHASING_OUT: f.phase_out}.get(st) or (
                        f.end if st in cm.CLOSED_STATUSES else f.request + dt.timedelta(days=k + 7)
                    )
                    reason = "Avslutad enligt plan." if st in cm.REASON_REQUIRED else ""
                    yield (
                        prev,
                        st,
                        self.ts(min(day, self.today), 13),
                        reason,
                        by,
                        f.id,
                        COORDINATED,
                    )
                    prev = st

        self.copy(
            "cases_statuschange",
            [
                "from_status",
                "to_status",
                "changed_at",
                "reason",
                "changed_by_id",
                "family_id",
                "kind",
            ],
            status_rows(),
        )

        def eligibility_rows():
            for f in self.families:
                for c in cm.MANDATORY_CRITERIA:
                    yield (c, "yes" if f.started or r.random() < 0.7 else "unknown", "", f.id)

        self.copy(
            "cases_eligibility", ["criterion", "answer", "note", "family_id"], eligibility_rows()
        )

    # --- members ---------------------------------------------------------------------------

    def make_members(self) -> None:
        r, today = self.rng, self.today
        rows, links = [], []
        serial = 0
        n_members = 0
        plan = []
        for _family in self.families:
            kinds = ["custodian"] * (2 if r.random() < 0.6 else 1)
            kinds += ["child"] + ["sibling"] * r.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
            if r.random() < 0.2:
                kinds.append("other_adult")
            plan.append(kinds)
            n_members += len(kinds)
        first = self.reserve("cases_member", n_members)
        next_id = first
        for f, kinds in zip(self.families, plan, strict=True):
            last = r.choice(LAST_NAMES)
            address = f"{r.choice(STREETS)} {r.randint(1, 80)}"
            for kind in kinds:
                mid = next_id
                next_id += 1
                if kind in ("custodian", "other_adult"):
                    birth = today - dt.timedelta(days=r.randint(26 * 365, 55 * 365))
                else:
                    birth = today - dt.timedelta(days=r.randint(6 * 365, 17 * 365))
                protected = r.random() < 0.01
                roll = r.random()
                serial += 1
                if roll < 0.01:
                    id_type, pnr = "none", ""
                else:
                    day = birth.day + (60 if roll < 0.03 else 0)
                    ten = with_check_digit(f"{birth:%y%m}{day:02d}{serial % 1000:03d}")
                    id_type = "samordningsnummer" if roll < 0.03 else "personnummer"
                    pnr = f"{birth:%Y}{ten[2:]}"
                child = kind in ("child", "sibling")
                age = (today - birth).days // 365
                grade = age - 6 if child and 6 <= age <= 16 else None
                occupation = (
                    ""
                    if child
                    else r.choice(
                        ["employed", "studying", "job_seeking", "programme", "sick_leave", "none"]
                    )
                )
                created = self.ts(f.request, 10)
                rows.append(
                    (
                        mid,
                        created,
                        created,
                        1,
                        kind,
                        r.choice(FIRST_NAMES),
                        last,
                        id_type,
                        pnr,
                        birth,
                        protected,
                        "" if protected else address,
                        "",
                        False,
                        "ADHD" if r.random() < 0.5 else "",
                        r.choice(SCHOOLS) if grade is not None else "",
                        grade,
                        f"{grade}B" if grade is not None else "",
                        occupation,
                        occupation,
                        (not child) and r.random() < 0.3,
                        False,
                        f.id,
                        f.owner,
                    )
                )
                f.members.append((mid, kind, birth, protected, grade))
                (f.children if child else f.custodians if kind == "custodian" else []).append(mid)
            for c in f.children:
                for p in f.custodians:
                    links.append((c, p))
        self.copy(
            "cases_member",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "kind",
                "first_name",
                "last_name",
                "id_type",
                "personal_number",
                "birth_date",
                "protected_identity",
                "address",
                "mobile",
                "sms_reminders",
                "npf_diagnosis",
                "school",
                "grade",
                "school_class",
                "occupation",
                "occupation_at_start",
                "income_support",
                "income_support_at_start",
                "family_id",
                "owner_id",
            ],
            rows,
        )
        self.copy("cases_custodylink", ["child_id", "custodian_id"], links)

    # --- pupil support -----------------------------------------------------------------------

    def make_pupil_support(self) -> None:
        r = self.rng
        self.pupil_support: dict[int, int] = {}  # member id -> pupil support id
        pupils = [
            (f, m)
            for f in self.families
            if f.started or f.status == FS.ASSESSMENT
            for m in f.members
            if m[4] is not None
        ]
        first = self.reserve("cases_pupilsupport", len(pupils))
        rows, reviews = [], []
        for k, (f, m) in enumerate(pupils):
            pid = first + k
            self.pupil_support[m[0]] = pid
            school_adm = self.adm[f.muni, Kind.SCHOOL].pk
            level = _weighted(
                r, [("guidance", 40), ("extra_adaptations", 40), ("special_support", 20)]
            )
            created = self.ts(f.start or f.request, 10)
            rows.append(
                (
                    pid,
                    created,
                    created,
                    1,
                    r.choice(SCHOOLS),
                    m[4],
                    level,
                    self.today + dt.timedelta(days=r.randint(10, 200))
                    if level == "special_support"
                    else None,
                    r.random() < 0.3,
                    _weighted(r, [("yes", 60), ("at_risk", 30), ("no", 10)]),
                    f.id,
                    m[0],
                    school_adm,
                )
            )
            coordinators = self.staff_by[school_adm, Role.SCHOOL_COORDINATOR]
            day = self.between(f.start or f.request, f.end or self.today)
            reviews.append(
                (
                    created,
                    created,
                    day,
                    "Fortsatta extra anpassningar; uppföljning om sex veckor.",
                    "Rektor",
                    r.choice(coordinators),
                    pid,
                )
            )
        self.copy(
            "cases_pupilsupport",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "school",
                "grade",
                "support_level",
                "action_programme_review_on",
                "absence_concern",
                "eligibility_track",
                "family_id",
                "member_id",
                "owner_id",
            ],
            rows,
        )
        self.copy(
            "cases_pupilhealthreview",
            [
                "created_at",
                "updated_at",
                "reviewed_on",
                "decision",
                "responsible",
                "recorded_by_id",
                "pupil_support_id",
            ],
            reviews,
        )

    # --- journal -------------------------------------------------------------------------------

    def _span(self, f: Fam) -> tuple[dt.date, dt.date]:
        begin = f.start or f.request
        finish = min(f.end or self.today, self.today)
        return begin, max(finish, begin)

    def make_journal(self) -> None:
        r = self.rng
        weeks = [max(1.0, (self._span(f)[1] - self._span(f)[0]).days / 7) for f in self.families]
        k = JOURNAL_PER_FAMILY * len(self.families) / sum(weeks)
        kinds, kind_w = zip(*((str(k), w) for k, w in JOURNAL_KINDS), strict=True)
        cats, cat_w = zip(*((str(c), w) for c, w in CATEGORIES), strict=True)
        areas = [str(a) for a in cm.JOURNAL_OUTCOME_AREAS]
        # Families per transaction: bounded memory for the deferred foreign-key checks, and,
        # when the journal keeps change history (pghistory triggers), about HISTORY_BATCH
        # entries per transaction (see copy()).
        chunk = 2000
        if self._has_row_triggers("cases_journalentry"):
            chunk = max(1, HISTORY_BATCH // JOURNAL_PER_FAMILY)
        time_cols = [
            "created_at",
            "updated_at",
            "activity",
            "date",
            "minutes",
            "family_id",
            "journal_entry_id",
            "owner_id",
            "user_id",
        ]
        je_cols = [
            "id",
            "created_at",
            "updated_at",
            "version",
            "kind",
            "event_at",
            "duration_minutes",
            "place",
            "other_participants",
            "facts",
            "assessment",
            "outcome_areas",
            "next_steps",
            "category",
            "signed_at",
            "author_id",
            "corrects_id",
            "family_id",
            "owner_id",
            "signed_by_id",
        ]
        for at in range(0, len(self.families), chunk):
            part = self.families[at : at + chunk]
            counts = [
                int(w * k + r.random()) if f.ombud else r.randint(0, 2)
                for f, w in zip(part, weeks[at : at + chunk], strict=True)
            ]
            first = self.reserve("cases_journalentry", sum(counts))
            entries, concerns, times = [], [], []
            jid = first
            for f, n in zip(part, counts, strict=True):
                if not f.members:
                    continue
                begin, finish = self._span(f)
                span_days = (finish - begin).days
                authors = f.team or [self.any_staff[f.owner]]
                days = sorted(r.randint(0, span_days) for _ in range(n))
                for idx, offset in enumerate(days):
                    day = begin + dt.timedelta(days=offset)
                    event = self.ts(day, r.randint(7, 16), r.choice((0, 15, 30, 45)))
                    kind = r.choices(kinds, kind_w)[0]
                    author = r.choice(authors)
                    draft = f.is_open and idx >= n - 2 and r.random() < 0.3
                    signed = (
                        None
                        if draft
                        else min(event + dt.timedelta(hours=r.randint(1, 30)), self.now)
                    )
                    duration = r.choice((15, 30, 45, 60, 90)) if kind != "phone" else 15
                    entries.append(
                        (
                            jid,
                            event,
                            signed or event,
                            1,
                            kind,
                            event,
                            duration,
                            "Hemma hos familjen" if kind == "home_visit" else "",
                            "",
                            r.choice(FACTS),
                            r.choice(ASSESSMENTS),
                            r.sample(areas, r.randint(1, 2)),
                            r.choice(NEXT_STEPS),
                            r.choices(cats, cat_w)[0],
                            signed,
                            author,
                            None,
                            f.id,
                            f.owner,
                            author if signed else None,
                        )
                    )
                    for mid in r.sample(f.members, min(len(f.members), r.choice((1, 1, 2, 2, 3)))):
                        concerns.append((jid, mid[0]))
                    if kind != "phone" and r.random() < 0.7:
                        times.append(
                            (
                                event,
                                event,
                                "home_visit" if kind == "home_visit" else "meeting",
                                day,
                                duration + 30,
                                f.id,
                                jid,
                                f.owner,
                                author,
                            )
                        )
                    jid += 1
            with transaction.atomic():
                # Links first: no entry row exists yet, so the signed-entry link guard has
                # nothing to refuse; the deferred foreign keys are checked at commit.
                self.copy("cases_journalentry_concerns", ["journalentry_id", "member_id"], concerns)
                self.copy("cases_journalentry", je_cols, entries)
                self.copy("cases_timeentry", time_cols, times)

    # --- goals, assessments, obstacles, visits ---------------------------------------------------

    def make_goals_etc(self) -> None:
        r = self.rng
        started = [f for f in self.families if f.started]
        n_goals = sum(2 + (f.id % 3) for f in started)
        first = self.reserve("cases_goal", n_goals)
        goals, follow_ups, assessments, obstacles = [], [], [], []
        gid = first
        for f in started:
            begin, finish = self._span(f)
            for area in r.sample(list(GOALS), 2 + (f.id % 3)):
                created = self.ts(begin, 10)
                who = f.ombud or self.any_staff[f.owner]
                member = r.choice(f.children or [m[0] for m in f.members])
                goals.append(
                    (
                        gid,
                        created,
                        created,
                        str(area),
                        GOALS[area],
                        finish + dt.timedelta(days=90),
                        who,
                        f.id,
                        f.owner,
                        member,
                    )
                )
                rating = r.randint(2, 3)
                for _ in range(r.randint(1, 3)):
                    day = self.between(begin, finish)
                    follow_ups.append((created, created, day, rating, "", gid, who))
                    rating = min(5, rating + r.choice((0, 1, 1)))
                gid += 1
            if f.custodians:
                who = f.ombud or self.any_staff[f.owner]
                adult = f.custodians[0]
                score = r.randint(40, 70)
                assessments.append(
                    (
                        self.ts(begin),
                        self.ts(begin),
                        "soc13",
                        score,
                        begin,
                        who,
                        f.owner,
                        f.id,
                        adult,
                    )
                )
                if finish > begin + dt.timedelta(days=120):
                    assessments.append(
                        (
                            self.ts(finish),
                            self.ts(finish),
                            "soc13",
                            min(91, score + r.randint(-5, 15)),
                            finish,
                            who,
                            f.owner,
                            f.id,
                            adult,
                        )
                    )
            if r.random() < 0.5:
                who = f.ombud or self.any_staff[f.owner]
                day = self.between(begin, finish)
                other = self.adm[
                    f.muni, r.choice([Kind.SCHOOL, Kind.HEALTH_REGION, Kind.SOCIAL_SERVICES])
                ].pk
                obstacles.append(
                    (
                        self.ts(day),
                        self.ts(day),
                        r.choice(["coordination", "daily_life"]),
                        "Väntetiden till utredning är lång och "
                        "familjen får inget stöd under tiden.",
                        day,
                        None if f.is_open and r.random() < 0.6 else finish,
                        other,
                        f.id,
                        f.owner,
                        who,
                    )
                )
        self.copy(
            "cases_goal",
            [
                "id",
                "created_at",
                "updated_at",
                "area",
                "description",
                "target_date",
                "created_by_id",
                "family_id",
                "owner_id",
                "member_id",
            ],
            goals,
        )
        self.copy(
            "cases_goalfollowup",
            ["created_at", "updated_at", "date", "rating", "note", "goal_id", "recorded_by_id"],
            follow_ups,
        )
        self.copy(
            "cases_assessment",
            [
                "created_at",
                "updated_at",
                "instrument",
                "score",
                "assessed_on",
                "administered_by_id",
                "owner_id",
                "family_id",
                "member_id",
            ],
            assessments,
        )
        self.copy(
            "cases_obstacle",
            [
                "created_at",
                "updated_at",
                "kind",
                "description",
                "observed_on",
                "resolved_on",
                "administration_id",
                "family_id",
                "owner_id",
                "reported_by_id",
            ],
            obstacles,
        )

        def visits():
            for f in self.families:
                if not f.is_open or not f.ombud:
                    continue
                for k in range(2):
                    day = self.today + dt.timedelta(days=r.randint(1, 10) + 7 * k)
                    at = self.ts(day, r.randint(7, 14))
                    yield (
                        self.now,
                        self.now,
                        "home_visit",
                        at,
                        60,
                        "Hemma hos familjen",
                        None,
                        f.id,
                        f.ombud,
                        f.owner,
                    )

        self.copy(
            "cases_visit",
            [
                "created_at",
                "updated_at",
                "kind",
                "starts_at",
                "duration_minutes",
                "place",
                "cancelled_at",
                "family_id",
                "ombud_id",
                "owner_id",
            ],
            visits(),
        )

    # --- consents ------------------------------------------------------------------------------

    def make_consents(self) -> None:
        r, today = self.rng, self.today
        self.consents: list[dict] = []
        for f in self.families:
            if not f.started and f.status != FS.ASSESSMENT:
                continue
            m = f.muni
            subjects = list(f.children)
            if f.custodians and r.random() < 0.4:
                subjects.append(f.custodians[0])
            for subject in subjects:
                child = subject in f.children
                receiving = []
                if child:
                    if r.random() < 0.85:
                        receiving.append(self.adm[m, Kind.SCHOOL].pk)
                    if r.random() < 0.5:
                        receiving.append(self.adm[m, Kind.HEALTH_REGION].pk)
                else:
                    if r.random() < 0.5:
                        receiving.append(self.adm[m, Kind.EMPLOYMENT].pk)
                    if r.random() < 0.4:
                        receiving.append(self.adm[m, Kind.HEALTH_REGION].pk)
                other = (
                    Kind.SOCIAL_SERVICES
                    if self.adm_by_id[f.owner].kind == Kind.DISABILITY_SERVICES
                    else Kind.DISABILITY_SERVICES
                )
                if r.random() < 0.3 or not receiving:
                    receiving.append(self.adm[m, other].pk)
                categories = ["coordination", "social"]
                kinds = {self.adm_by_id[a].kind for a in receiving}
                if Kind.SCHOOL in kinds:
                    categories.append("school")
                if Kind.HEALTH_REGION in kinds:
                    categories.append("health")
                if Kind.EMPLOYMENT in kinds:
                    categories.append("employment")
                valid_from = f.start or f.request + dt.timedelta(days=10)
                valid_from = min(valid_from, today)
                if f.is_open:
                    until = today + dt.timedelta(days=r.randint(5, 700))
                else:
                    until = max(f.end or today, valid_from)
                revoked = f.is_open and r.random() < 0.02
                signers = list(f.custodians) if child else [subject]
                if child and len(signers) == 2 and r.random() < 0.05:
                    signers = signers[:1]  # joint custody, one custodian signed: partial
                self.consents.append(
                    {
                        "family": f,
                        "subject": subject,
                        "receiving": receiving,
                        "categories": categories,
                        "from": valid_from,
                        "until": until,
                        "revoked": today - dt.timedelta(days=r.randint(1, 30)) if revoked else None,
                        "signers": signers,
                        "child": child,
                        "custody": ("joint" if len(f.custodians) == 2 else "sole") if child else "",
                    }
                )
        first = self.reserve("consent_consent", len(self.consents))
        rows, receiving, disclosing, signatures = [], [], [], []
        for k, c in enumerate(self.consents):
            c["id"] = cid = first + k
            f = c["family"]
            by = f.ombud or self.any_staff[f.owner]
            c["by"] = by
            created = self.ts(c["from"], 10)
            revoked = c["revoked"]
            rows.append(
                (
                    cid,
                    created,
                    created,
                    1,
                    c["categories"],
                    "",
                    PURPOSE,
                    c["from"],
                    c["until"],
                    "written",
                    "",
                    "",
                    "",
                    "Tycker det är bra att skolan och ombudet pratar." if c["child"] else "",
                    "Informerad efter ålder och mognad." if c["child"] else "",
                    revoked,
                    "Muntligt till ombudet" if revoked else "",
                    "Familjen vill inte längre att uppgifter delas." if revoked else "",
                    f.id,
                    None,
                    f.owner,
                    by,
                    by if revoked else None,
                    c["subject"],
                    c["custody"],
                )
            )
            receiving += [(cid, a) for a in c["receiving"]]
            disclosing.append((cid, f.owner))
            capacity = "custodian" if c["child"] else "self"
            signatures += [(created, created, capacity, c["from"], cid, s) for s in c["signers"]]
        self.copy(
            "consent_consent",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "categories",
                "not_covered",
                "purpose",
                "valid_from",
                "valid_until",
                "form",
                "scan",
                "scan_content_type",
                "oral_wording",
                "child_view",
                "child_maturity_note",
                "revoked_on",
                "revoked_how",
                "revoke_reason",
                "family_id",
                "oral_taken_by_id",
                "owner_id",
                "registered_by_id",
                "revoked_by_id",
                "subject_id",
                "custody",
            ],
            rows,
        )
        self.copy("consent_consent_receiving", ["consent_id", "administration_id"], receiving)
        self.copy("consent_consent_disclosing", ["consent_id", "administration_id"], disclosing)
        self.copy(
            "consent_consentsignature",
            ["created_at", "updated_at", "capacity", "signed_on", "consent_id", "signer_id"],
            signatures,
        )

    # --- shares ----------------------------------------------------------------------------------

    def _is_active(self, c: dict) -> bool:
        return c["revoked"] is None and c["from"] <= self.today <= c["until"]

    def make_shares(self) -> None:
        """A fast first draft of the default shares of every consent (SPEC §3.4): one Share
        per record and administration resting on every covering consent, and the group
        permission rows valid until the earliest of those consents' ends; shares whose
        consents ended or were revoked are withdrawn. The derive step at the end makes them
        exactly what access.family_derive wants."""
        ct = {
            m: ContentType.objects.get_for_model(m).pk
            for m in (cm.Family, cm.Member, cm.PupilSupport, sm.Plan)
        }
        self.ct = ct
        perms = {
            (p.content_type_id, p.codename): p.pk
            for p in Permission.objects.filter(content_type_id__in=ct.values())
        }
        self.perms = perms
        # (content type, object id, administration) -> [consents]; per consent "generation"
        # (active or ended), since an ended consent's share was withdrawn before a new one.
        shares: dict[tuple, dict] = {}
        for c in self.consents:
            f = c["family"]
            active = self._is_active(c)
            for adm in c["receiving"]:
                targets = [(ct[cm.Family], f.id, False), (ct[cm.Member], c["subject"], False)]
                school = self.adm_by_id[adm].kind == Kind.SCHOOL
                if school and "school" in c["categories"] and c["subject"] in self.pupil_support:
                    targets.append((ct[cm.PupilSupport], self.pupil_support[c["subject"]], True))
                for ctype, obj, can_change in targets:
                    key = (ctype, obj, adm, active)
                    row = shares.setdefault(
                        key, {"family": f, "consents": [], "can_change": can_change, "by": c["by"]}
                    )
                    row["consents"].append(c)
        self._write_shares(shares)

    def _write_shares(self, shares: dict[tuple, dict]) -> None:
        ct_model = {v: k for k, v in self.ct.items()}
        first = self.reserve("consent_share", len(shares))
        rows, links = [], []
        grants: dict[type, list] = defaultdict(list)
        for k, ((ctype, obj, adm, active), row) in enumerate(shares.items()):
            sid = first + k
            f = row["family"]
            consents = row["consents"]
            created = self.ts(min(c["from"] for c in consents), 11)
            if active:
                withdrawn, reason = None, ""
            else:
                ended = min((c["revoked"] or c["until"]) for c in consents)
                withdrawn = self.ts(min(ended + dt.timedelta(days=1), self.today), 2)
                reason = "consent no longer covers the share"
            rows.append(
                (
                    sid,
                    created,
                    created,
                    obj,
                    row["can_change"],
                    "default",
                    withdrawn,
                    reason,
                    adm,
                    ctype,
                    f.id,
                    row["by"],
                )
            )
            links += [(sid, c["id"]) for c in consents]
            if active:
                model = ct_model[ctype]
                name = model._meta.model_name
                until = min(c["until"] for c in consents)
                group = self.adm_by_id[adm].group_id
                codes = [f"view_{name}"] + ([f"change_{name}"] if row["can_change"] else [])
                for code in codes:
                    grants[model].append((created, until, obj, group, self.perms[ctype, code]))
        self.copy(
            "consent_share",
            [
                "id",
                "created_at",
                "updated_at",
                "object_id",
                "can_change",
                "reason",
                "withdrawn_at",
                "withdrawn_reason",
                "administration_id",
                "content_type_id",
                "family_id",
                "shared_by_id",
            ],
            rows,
        )
        self.copy("consent_share_consents", ["share_id", "consent_id"], links)
        for model, grant_rows in grants.items():
            table = access.REGISTRY[model].group_perm._meta.db_table
            self.copy(
                table,
                ["granted_at", "valid_until", "content_object_id", "group_id", "permission_id"],
                grant_rows,
            )

    # --- SIP -------------------------------------------------------------------------------------

    def make_sips(self) -> None:
        r, today = self.rng, self.today
        consent_of = {}
        for c in self.consents:
            consent_of[c["subject"]] = c
        plans = []
        for f in self.families:
            if not f.started or not f.children or r.random() > 0.38:
                continue
            for child in f.children[: 2 if r.random() < 0.15 else 1]:
                plans.append((f, child))
        first = self.reserve("sip_plan", len(plans))
        rows, parts, needs, status_rows, meetings, follow_ups = [], [], [], [], [], []
        interventions, measures, distribution = [], [], []
        plan_shares: dict[tuple, dict] = {}
        n_parts = 4 * len(plans)
        part_first = self.reserve("sip_participant", n_parts)
        need_first = self.reserve("sip_need", 2 * len(plans))
        meeting_first = self.reserve("sip_meeting", 2 * len(plans))
        present = []
        for k, (f, child) in enumerate(plans):
            pid = first + k
            c = consent_of.get(child)
            begin, finish = self._span(f)
            noticed = begin + dt.timedelta(days=r.randint(0, 40))
            noticed = min(noticed, finish)
            if not f.is_open:
                status = "closed"
            elif c and self._is_active(c):
                status = _weighted(
                    r,
                    [
                        ("agreed", 45),
                        ("follow_up_due", 10),
                        ("followed_up", 25),
                        ("draft", 10),
                        ("prepared", 10),
                    ],
                )
            else:
                status = "draft"
            agreed = status in ("agreed", "follow_up_due", "followed_up")
            first_meeting = (
                min(noticed + dt.timedelta(days=r.randint(7, 40)), finish)
                if (agreed or status == "closed")
                else None
            )
            first_meeting = max(first_meeting, noticed) if first_meeting else None
            by = f.ombud or self.any_staff[f.owner]
            region = self.adm[f.muni, Kind.HEALTH_REGION].pk
            school = self.adm[f.muni, Kind.SCHOOL].pk
            created = self.ts(noticed, 10)
            next_fu = (today + dt.timedelta(days=r.randint(-10, 120))) if agreed else None
            rows.append(
                (
                    pid,
                    created,
                    created,
                    1,
                    status,
                    r.choice(["municipality", "next_of_kin", "school", "region"]),
                    noticed,
                    "Jag vill må bra i skolan och ha kompisar.",
                    "Barnet deltog på mötet.",
                    "Barnet har svårt att gå till skolan och väntar på utredning.",
                    "",
                    "Familjen följer veckoschemat.",
                    "",
                    "",
                    next_fu,
                    noticed if status != "draft" else None,
                    first_meeting,
                    first_meeting if agreed else None,
                    finish if status == "closed" else None,
                    "Insatserna är avslutade." if status == "closed" else "",
                    c["id"] if (agreed and c) else None,
                    by,
                    f.id,
                    None,
                    child,
                    (region if r.random() < 0.5 else f.owner) if agreed else None,
                    f.owner,
                )
            )
            base = part_first + 4 * k
            parts += [
                (base, created, created, "person", "", "Barnet", "", False, None, child, pid),
                (
                    base + 1,
                    created,
                    created,
                    "professional",
                    "Skolkurator",
                    "Kurator",
                    "",
                    False,
                    school,
                    None,
                    pid,
                ),
                (
                    base + 2,
                    created,
                    created,
                    "professional",
                    "BUP-behandlare",
                    "Behandlare",
                    "",
                    False,
                    region,
                    None,
                    pid,
                ),
                (
                    base + 3,
                    created,
                    created,
                    "professional",
                    "Familjeombud",
                    "Samordnare",
                    "",
                    False,
                    f.owner,
                    None,
                    pid,
                ),
            ]
            nb = need_first + 2 * k
            needs += [
                (nb, created, created, "Stöd i skolan och struktur i vardagen.", pid),
                (nb + 1, created, created, "Utredning och behandling av NPF.", pid),
            ]
            for j, (adm, text, need) in enumerate(
                [
                    (school, "Extra anpassningar och anpassad studiegång", nb),
                    (region, "Utredning och samtalsstöd på BUP", nb + 1),
                    (f.owner, "Familjeombud: samordning och hembesök", nb),
                ]
            ):
                start_on = noticed + dt.timedelta(days=20 + j)
                end_on = None if f.is_open else max(finish, start_on)
                interventions.append(
                    (created, created, 1, text, "", "", "", start_on, end_on, adm, need, pid)
                )
            measures.append(
                (
                    created,
                    created,
                    "social_insurance",
                    "Försäkringskassan",
                    "Vårdbidrag söks",
                    "",
                    None,
                    None,
                    pid,
                )
            )
            if status != "draft":
                mb = meeting_first + 2 * k
                meetings.append(
                    (mb, created, created, "pre_meeting", noticed, "Skolan", "", by, pid)
                )
                present += [(mb, base), (mb, base + 3)]
                if first_meeting:
                    meetings.append(
                        (
                            mb + 1,
                            created,
                            created,
                            "sip_meeting",
                            first_meeting,
                            "Skolan",
                            "Planen gicks igenom och godkändes.",
                            by,
                            pid,
                        )
                    )
                    present += [(mb + 1, base + j) for j in range(4)]
            chain = {
                "draft": [],
                "prepared": ["prepared"],
                "agreed": ["prepared", "agreed"],
                "follow_up_due": ["prepared", "agreed", "follow_up_due"],
                "followed_up": ["prepared", "agreed", "followed_up"],
                "closed": ["prepared", "agreed", "closed"],
            }[status]
            prev = "draft"
            for st in chain:
                status_rows.append(
                    (
                        prev,
                        st,
                        first_meeting or noticed,
                        created,
                        "Avslutad." if st == "closed" else "",
                        by,
                        pid,
                    )
                )
                prev = st
            if status == "followed_up":
                follow_ups.append(
                    (
                        created,
                        created,
                        min(today, finish),
                        next_fu,
                        "Uppföljning genomförd; insatserna fortsätter.",
                        by,
                        None,
                        pid,
                    )
                )
            if agreed:
                distribution.append(
                    (created, created, "Vårdnadshavare", "original", first_meeting, None, by, pid)
                )
                # A SIP is shared with its participants' administrations (SPEC §3.4) when the
                # person's consent covers them.
                for adm in {school, region} - {f.owner}:
                    if adm in c["receiving"]:
                        plan_shares[(self.ct[sm.Plan], pid, adm, True)] = {
                            "family": f,
                            "consents": [c],
                            "can_change": False,
                            "by": by,
                        }
        self.copy(
            "sip_plan",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "status",
                "initiator",
                "need_noticed_on",
                "own_words",
                "child_participation",
                "current_situation",
                "questions",
                "own_actions",
                "coordinator_name",
                "coordinator_contact",
                "next_follow_up_on",
                "prepared_on",
                "first_meeting_on",
                "agreed_on",
                "closed_on",
                "close_reason",
                "consent_id",
                "created_by_id",
                "family_id",
                "initiator_administration_id",
                "member_id",
                "overall_responsible_id",
                "owner_id",
            ],
            rows,
        )
        self.copy(
            "sip_participant",
            [
                "id",
                "created_at",
                "updated_at",
                "kind",
                "name",
                "role",
                "contact",
                "person_agrees",
                "administration_id",
                "family_member_id",
                "plan_id",
            ],
            parts,
        )
        self.copy("sip_need", ["id", "created_at", "updated_at", "description", "plan_id"], needs)
        self.copy(
            "sip_intervention",
            [
                "created_at",
                "updated_at",
                "version",
                "description",
                "goal",
                "unit",
                "contact_person",
                "start_on",
                "end_on",
                "responsible_administration_id",
                "need_id",
                "plan_id",
            ],
            interventions,
        )
        self.copy(
            "sip_othermeasure",
            [
                "created_at",
                "updated_at",
                "actor",
                "actor_name",
                "description",
                "contact_person",
                "start_on",
                "end_on",
                "plan_id",
            ],
            measures,
        )
        self.copy(
            "sip_meeting",
            [
                "id",
                "created_at",
                "updated_at",
                "kind",
                "held_on",
                "place",
                "minutes",
                "recorded_by_id",
                "plan_id",
            ],
            meetings,
        )
        self.copy("sip_meeting_present", ["meeting_id", "participant_id"], present)
        self.copy(
            "sip_planstatuschange",
            ["from_status", "to_status", "on", "changed_at", "reason", "changed_by_id", "plan_id"],
            status_rows,
        )
        self.copy(
            "sip_followup",
            [
                "created_at",
                "updated_at",
                "held_on",
                "due_on",
                "summary",
                "recorded_by_id",
                "meeting_id",
                "plan_id",
            ],
            follow_ups,
        )
        self.copy(
            "sip_distribution",
            [
                "created_at",
                "updated_at",
                "recipient",
                "copy_kind",
                "sent_on",
                "administration_id",
                "sent_by_id",
                "plan_id",
            ],
            distribution,
        )
        self._write_shares(plan_shares)

    # --- network work ----------------------------------------------------------------------------

    def make_network(self) -> None:
        r = self.rng
        procs = [
            (f, f.children[0])
            for f in self.families
            if f.started and f.children and r.random() < 0.2
        ]
        first = self.reserve("network_networkprocess", len(procs))
        part_first = self.reserve("network_networkparticipant", 5 * len(procs))
        meet_first = self.reserve("network_networkmeeting", 3 * len(procs))
        inv_first = self.reserve("network_needsinventory", len(procs))
        rows, parts, meetings, attendance, actions, inventories, ratings, times = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        stages = ["pre_meeting", "network_meeting", "follow_up_meeting"]
        areas = [
            "safe",
            "healthy",
            "achieving",
            "nurtured",
            "active",
            "respected",
            "responsible",
            "included",
        ]
        for k, (f, child) in enumerate(procs):
            pid = first + k
            begin, finish = self._span(f)
            by = f.ombud or self.any_staff[f.owner]
            created = self.ts(begin, 10)
            decided = r.random() < 0.3
            rows.append(
                (
                    pid,
                    created,
                    created,
                    1,
                    "active" if f.is_open else "closed",
                    "Att barnet ska få stöd av sitt nätverk i vardagen.",
                    "decided" if decided else "service",
                    "Dnr 2025-123" if decided else "",
                    begin if decided else None,
                    "",
                    begin,
                    None if f.is_open else finish,
                    "" if f.is_open else "Nätverksarbetet avslutat.",
                    by,
                    f.id,
                    child,
                    f.owner,
                )
            )
            pb = part_first + 5 * k
            school = self.adm[f.muni, Kind.SCHOOL].pk
            parts += [
                (pb, created, created, "private", "Mormor", "Mormor", "", "", None, pid),
                (pb + 1, created, created, "private", "Granne", "Granne", "", "", None, pid),
                (pb + 2, created, created, "professional", "Mentor", "", "", "Mentor", school, pid),
                (
                    pb + 3,
                    created,
                    created,
                    "professional",
                    "Kurator",
                    "",
                    "",
                    "Kurator",
                    school,
                    pid,
                ),
                (
                    pb + 4,
                    created,
                    created,
                    "professional",
                    "Familjeombud",
                    "",
                    "",
                    "Ombud",
                    f.owner,
                    pid,
                ),
            ]
            for j, stage in enumerate(stages):
                mid = meet_first + 3 * k + j
                day = min(begin + dt.timedelta(days=14 * (j + 1)), finish)
                meetings.append((mid, created, created, stage, day, "home", "", by, pid))
                attendance += [(True, mid, pb + p) for p in range(5)]
                actions.append(
                    (
                        created,
                        created,
                        1,
                        "Hämta från skolan tisdagar",
                        day + dt.timedelta(days=30),
                        "done" if j < 2 else "open",
                        None,
                        None,
                        mid,
                        pb,
                        pid,
                    )
                )
                times.append((created, created, stage, day, r.choice((60, 90, 120, 180)), pid, by))
            times.append((created, created, "coordination", begin, 240, pid, by))
            inventories.append((inv_first + k, created, created, begin, "family", "", by, pid))
            ratings += [(a, r.randint(1, 5), "", "", inv_first + k) for a in areas]
        self.copy(
            "network_networkprocess",
            [
                "id",
                "created_at",
                "updated_at",
                "version",
                "status",
                "purpose",
                "provision",
                "decision_reference",
                "decision_date",
                "follow_up_person",
                "started_on",
                "closed_on",
                "close_reason",
                "created_by_id",
                "family_id",
                "member_id",
                "owner_id",
            ],
            rows,
        )
        self.copy(
            "network_networkparticipant",
            [
                "id",
                "created_at",
                "updated_at",
                "side",
                "name",
                "relation",
                "organisation",
                "role",
                "administration_id",
                "process_id",
            ],
            parts,
        )
        self.copy(
            "network_networkmeeting",
            [
                "id",
                "created_at",
                "updated_at",
                "stage",
                "held_on",
                "place",
                "notes",
                "recorded_by_id",
                "process_id",
            ],
            meetings,
        )
        self.copy("network_attendance", ["attended", "meeting_id", "participant_id"], attendance)
        self.copy(
            "network_action",
            [
                "created_at",
                "updated_at",
                "version",
                "what",
                "due_on",
                "status",
                "status_changed_on",
                "responsible_administration_id",
                "meeting_id",
                "responsible_participant_id",
                "process_id",
            ],
            actions,
        )
        self.copy(
            "network_needsinventory",
            [
                "id",
                "created_at",
                "updated_at",
                "made_on",
                "rated_by",
                "child_view",
                "recorded_by_id",
                "process_id",
            ],
            inventories,
        )
        self.copy(
            "network_needsrating",
            ["area", "rating", "strengths", "concerns", "inventory_id"],
            ratings,
        )
        self.copy(
            "network_networktimeentry",
            ["created_at", "updated_at", "activity", "on", "minutes", "process_id", "user_id"],
            times,
        )

    # --- access log ------------------------------------------------------------------------------

    def make_access_log(self) -> None:
        r = self.rng
        horizon = self.today - dt.timedelta(days=3 * 365)
        adm_of = {}
        for (adm, _role), ids in self.staff_by.items():
            for uid in ids:
                adm_of[uid] = adm
        school_viewers = defaultdict(list)  # family id -> (user, consent id)
        for c in self.consents:
            if self._is_active(c):
                for adm in c["receiving"]:
                    for uid in self.staff_by.get((adm, Role.SCHOOL_COORDINATOR), [])[:2]:
                        school_viewers[c["family"].id].append((uid, c["id"]))
        weights = []
        for f in self.families:
            begin, finish = self._span(f)
            weights.append(0 if finish < horizon else 1 + (2 if f.is_open else 0))
        k = ACCESS_LOG_PER_FAMILY * len(self.families) / max(1, sum(weights))
        objects = ["cases.family", "cases.family", "cases.journalentry", "cases.member"]

        def rows():
            for f, w in zip(self.families, weights, strict=True):
                n = int(w * k + r.random()) if w else 0
                if not n:
                    continue
                begin, finish = self._span(f)
                begin = max(begin, horizon)
                lead = self.team_lead.get(f.owner)
                viewers = [(u, "case_team", None) for u in f.team] or [(lead, "team_lead", None)]
                if lead:
                    viewers.append((lead, "team_lead", None))
                viewers += [(u, "share", c) for u, c in school_viewers.get(f.id, [])]
                for _ in range(n):
                    user, basis, consent = r.choice(viewers)
                    day = self.between(begin, finish)
                    at = self.ts(day, r.randint(7, 17), r.randint(0, 59))
                    obj = r.choice(objects)
                    member = r.choice(f.members)[0] if obj == "cases.member" else None
                    yield (
                        at,
                        "view",
                        obj,
                        member or f.id,
                        f.id,
                        member,
                        basis,
                        consent,
                        "10.20.0.1",
                        user,
                        adm_of.get(user),
                    )

        self.copy(
            "familjelotsen_accesslogentry",
            [
                "at",
                "action",
                "object_type",
                "object_id",
                "family_id",
                "member_id",
                "basis",
                "consent_id",
                "remote_addr",
                "user_id",
                "administration_id",
            ],
            rows(),
        )

    # --- checks ----------------------------------------------------------------------------------

    def analyze(self) -> None:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    def derive(self) -> None:
        """The bulk steps above write shares and permission rows the way the services would,
        but only approximately (they do not replay SIP and network participants, explicit
        shares or every consent generation). So that the benchmark measures the grants the
        app itself would hold, every family's grants are re-derived by access.sync_access,
        the one function the services call, and the result must show no drift."""
        repaired = access.sync_access(repair=True)
        changed = sum(len(v) for v in repaired.values())
        left = access.sync_access(repair=False)
        drift = sum(len(v) for v in left.values())
        if drift:
            raise CommandError(f"{drift} grant(s) still drift from their sources after derive.")
        active = Consent.objects.active().count()
        self.stdout.write(
            f"           {changed:,} bulk rows corrected by access.sync_access; no drift; "
            f"{active:,} active consents"
        )
