"""A crawl test (issue 14): every page of every demo persona that shows a name wrote exactly one
access-log row per record it read (SPEC.md §3.8).

Each persona, signed in on the demo data, walks the site breadth-first from "/" along the
same-site links of the pages it gets. For every HTML page that shows a demo member's full name
or personnummer, the rows that one request wrote must exist, hold no record twice, and cover the
family of every member shown. Failure messages name the persona, the URL (ids only) and member
pks, never a name.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from cases import models as cm
from cases.models import Member
from cases.personnummer import format_full
from familjelotsen.models import AccessLogEntry, User
from tests.demo_data import demo_loaded

pytestmark = pytest.mark.django_db

#: persona -> does case work (must see at least one name on the crawl).
PERSONAS = {
    "ombud": True,
    "ombud2": True,
    "teamledare": True,
    "skola": True,
    "region": True,
    "projektledare": False,
    # A referrer (issue 20): their own request, and what consents share with school.
    "rektor": True,
}
MAX_PAGES = 60
PER_PATTERN = 3  # the same URL pattern (route), with other ids or query strings
MIN_PAGES_CASE_WORK = 5

HREF = re.compile(r'href="(/[^"]*)"')
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/konto/", "/i18n/", "/health/", "/robots.txt")
SKIP_SUFFIXES = (".pdf", ".csv", ".ics", ".json", ".xlsx", ".zip")
# File downloads and exports under paths without a suffix: not pages.
SKIP_URL_NAMES = {"plan_pdf", "report_pdf", "report_csv", "download_scan", "access_log_csv"}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo municipality, loaded once for the module (tests/demo_data.py)."""
    with demo_loaded(django_db_blocker):
        yield _shown_markers()


def _shown_markers() -> list[tuple[re.Pattern, int, int]]:
    """(pattern, member pk, family pk) for what identifies a demo member on a page: the full
    name and the personnummer (12 digits, YYYYMMDD-NNNN, YYMMDD-NNNN; the masked YYYYMMDD-****
    of lists is a birth date, not an identity number). Whole words only: "Ali Berg" is not
    shown by "Ali Bergström"."""
    markers = []
    for m in Member.objects.all():
        pnr = m.personal_number
        texts = {f"{m.first_name} {m.last_name}"}
        if len(pnr) == 12:
            texts |= {pnr, format_full(pnr), f"{pnr[2:8]}-{pnr[8:]}"}
        for text in texts:
            markers.append((re.compile(rf"(?<!\w){re.escape(text)}(?!\w)"), m.pk, m.family_id))
    assert markers, "the demo data has no members"
    return markers


def _route(path: str) -> str | None:
    """The URL pattern a path resolves to (namespace:name), or None when it is not crawled."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in SKIP_URL_NAMES or match.url_name in {"account_logout", "set_language"}:
        return None
    return match.view_name


def _crawlable(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(SKIP_SUFFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _links(base: str, body: str) -> list[str]:
    found = []
    for raw in HREF.findall(body):
        url = _crawlable(urljoin(base, html.unescape(raw).split("#", 1)[0]))
        if url:
            found.append(url)
    return found


def _key(row: AccessLogEntry) -> tuple:
    # A row without a record id (a page about a family as a whole) is keyed by its family.
    return (row.action, row.object_type, row.object_id, None if row.object_id else row.family_id)


def crawl(
    client,
    persona: str,
    markers,
    on_page=None,
    *,
    max_pages: int = MAX_PAGES,
    per_pattern: int = PER_PATTERN,
    seeds: tuple[str, ...] = (),
) -> tuple[list[str], list[str], list[str]]:
    """Visit the site as the signed-in persona, from "/" and `seeds`; returns (pages visited,
    pages showing a name, problems found)."""
    start = ["/", *seeds]
    seen: set[str] = set(start)
    per_route: Counter[str] = Counter(r for r in map(_route, start) if r)
    # Breadth-first, but a URL of a pattern not yet queued goes before a second id of a known
    # one, so that the page budget reaches as many different pages as it can.
    fresh, again = deque(start), deque()
    visited, with_names, problems = [], [], []
    while (fresh or again) and len(visited) < max_pages:
        url = (fresh or again).popleft()
        last_id = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        rows = list(AccessLogEntry.objects.filter(id__gt=last_id))
        if response.status_code in (301, 302, 303, 307, 308):
            targets = [_crawlable(urljoin(url, response["Location"]))]
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            visited.append(url)
            if on_page:
                on_page(url, response.content.decode())
            body = html.unescape(response.content.decode())
            problems += _check(persona, url, body, rows, markers, with_names)
            targets = _links(url, response.content.decode())
        else:
            continue
        for target in targets:
            if not target or target in seen:
                continue
            route = _route(urlsplit(target).path)
            if route is None or per_route[route] >= per_pattern:
                continue
            seen.add(target)
            (again if per_route[route] else fresh).append(target)
            per_route[route] += 1
    return visited, with_names, problems


def _check(persona, url, body, rows, markers, with_names) -> list[str]:
    shown = {(member, family) for pattern, member, family in markers if pattern.search(body)}
    if not shown:
        return []
    with_names.append(url)
    where = f"{persona} GET {url}"
    members = sorted(m for m, _ in shown)
    if not rows:
        return [f"{where}: shows members {members} but wrote no access-log row"]
    problems = []
    duplicates = [key for key, n in Counter(_key(r) for r in rows).items() if n > 1]
    if duplicates:
        problems.append(
            f"{where}: the same record logged more than once: {sorted(duplicates, key=str)}"
        )
    logged_families = {r.family_id for r in rows}
    missing = sorted({(m, f) for m, f in shown if f not in logged_families})
    if missing:
        problems.append(
            f"{where}: no row for the family of the members shown (member pk, family pk): "
            f"{missing}; rows written: {sorted({_key(r) for r in rows}, key=str)}"
        )
    return problems


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_page_showing_a_name_wrote_one_row_per_record(client, demo, persona):
    client.force_login(User.objects.get(username=persona))

    visited, with_names, problems = crawl(client, persona, demo)

    assert not problems, "\n".join(problems)
    if PERSONAS[persona]:
        assert len(visited) >= MIN_PAGES_CASE_WORK, (
            f"{persona}: the crawl reached only {len(visited)} pages: {visited}"
        )
        assert with_names, f"{persona}: no page of the crawl showed a name: {visited}"
    else:
        assert visited, f"{persona}: the crawl reached no page"


# --- Every page in Swedish (issue 18) ---------------------------------------------------------

TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
MACHINE_LABELS = {
    "a model label with an id (app.model #id)": re.compile(r"\b[a-z_]+\.[a-z_]+ #\d+"),
    "an English model name with an id": re.compile(
        r"\b(Eligibility|Time entry|Family|Member|Goal|Visit|Consent|Network process|Obstacle"
        r"|Assessment|Status change|Share|Case team member|Custody link) #\d+"
    ),
    "an empty choice shown as dashes": re.compile(r"-{5,}"),
    "an amount with a decimal point": re.compile(r"\d\.\d{2}\s?kr\b"),
    "an HTTP status code": re.compile(r"\bHTTP \d{3}\b"),
    "English words": re.compile(
        r"(?<![\w/.-])(the|and|with|without|of|this|that|is|are)(?![\w/.-])"
    ),
    # English UI words that are not also Swedish words (no "plan", "status", "by", "all").
    "English UI words": re.compile(
        r"(?<![\w/.-])(?i:save|cancel|delete|edit|search|choose|select|submit|required"
        r"|field|yes|none|name|date|today|week|new|add|remove|open|closed|draft|signed|sign"
        r"|family|families|member|members|child|children|report|goal|goals|visit|visits"
        r"|consent|consents|network|meeting|next|previous|help|your|you|not|has|have|will"
        r"|can|cannot|must|please|from|to|for|or|back|page|show|hide|changed|saved)(?![\w/.-])"
    ),
}


def _visible_text(body: str) -> str:
    return html.unescape(TAGS.sub(" ", body))


#: Every page kind, one or two of each URL pattern: the budget is per pattern, not per crawl.
SWEDISH_PER_PATTERN = 2
SWEDISH_MAX_PAGES = 600


def _seeds(persona: str) -> tuple[str, ...]:
    """Pages the links from "/" may not reach within a crawl: the day's digest, what is
    shared with the persona's administration, a report of concern (new and recorded), and
    the administration area."""
    from django.urls import reverse

    seeds = ["/familjer/idag/", "/familjer/delat/", "/administration/"]
    report = cm.ReportOfConcern.objects.order_by("pk").first()
    if report is not None:
        seeds.append(reverse("cases:concern_report_detail", args=[report.pk]))
        seeds.append(reverse("cases:concern_report_new", args=[report.child_id]))
    return tuple(seeds)


def _records_the_demo_lacks() -> None:
    """The demo holds no report of concern and no report: one report of concern recorded by
    the ombud for a child they have, and a draft steering-group report of the project
    leader's (its page is reached from the archive)."""
    from django.utils import timezone

    from cases.services import report_of_concern_record
    from reporting.models import ReportKind
    from reporting.services import report_create

    today = timezone.localdate()
    report_create(
        user=User.objects.get(username="projektledare"),
        kind=ReportKind.STEERING_GROUP,
        period_start=today.replace(month=1, day=1),
        period_end=today,
    )

    ombud = User.objects.get(username="ombud")
    child = (
        Member.objects.filter(
            family_id__in=ombud.case_teams.values("family_id"), kind=Member.Kind.CHILD
        )
        .order_by("pk")
        .first()
    )
    report_of_concern_record(
        child=child,
        by=ombud,
        reported_at=timezone.now(),
        recipient_unit="Socialtjänsten, mottagningen",
        channel=cm.ReportOfConcern.Channel.E_SERVICE,
        summary="Oro för barnets skolgång.",
        custodians_informed=cm.ReportOfConcern.Informed.YES,
    )


FORM_TAG = re.compile(r"<form\b([^>]*)>", re.I)


def _posts_back(url: str, body: str) -> bool:
    """The page has a form that posts to the page itself (no action, or its own address)."""
    path = urlsplit(url).path
    for attrs in FORM_TAG.findall(body):
        if not re.search(r'method="post"', attrs, re.I):
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        if action is None or html.unescape(action.group(1)) in ("", path, url):
            return True
    return False


#: Pages whose form is one button that does the deed (sign, cancel, deactivate): not sent.
NOT_SENT_EMPTY = {
    "journal_sign",
    "journal_discard",
    "visit_cancel",
    "reminder_cancel",
    "user_deactivate",
    "user_reactivate",
    "second_factor_reset",
    "calendar_settings",
}


def _error_state(client, url: str, body: str) -> str | None:
    """The page's own form sent empty: the page with its error messages, or None when the
    page has no such form or the empty form was taken."""
    route = _route(urlsplit(url).path) or ""
    if route.rsplit(":", 1)[-1] in NOT_SENT_EMPTY or not _posts_back(url, body):
        return None
    response = client.post(url, {})
    if response.status_code in (200, 400) and response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    return None


@pytest.mark.swedish
@pytest.mark.parametrize("persona", [*PERSONAS, "admin"])
def test_every_page_is_swedish_without_machine_labels(client, demo, persona):
    _records_the_demo_lacks()
    client.force_login(User.objects.get(username=persona))
    problems = []
    pages = {}

    def keep(url, body):
        pages[url] = body
        errors = _error_state(client, url, body)
        if errors:
            pages[f"{url} (sent empty)"] = errors

    visited, _names, _problems = crawl(
        client,
        persona,
        demo,
        on_page=keep,
        max_pages=SWEDISH_MAX_PAGES,
        per_pattern=SWEDISH_PER_PATTERN,
        seeds=_seeds(persona),
    )
    for url, body in pages.items():
        text = _visible_text(body)
        for what, pattern in MACHINE_LABELS.items():
            found = sorted({m.group(0) for m in pattern.finditer(text)})
            if found:
                first = pattern.search(text)
                around = " ".join(text[max(0, first.start() - 60) : first.end() + 30].split())
                problems.append(f"{persona} GET {url}: {what}: {found[:5]} in «{around}»")
    assert visited
    assert len(visited) < SWEDISH_MAX_PAGES, "the crawl stopped at its budget: raise it"
    assert not problems, "\n".join(problems)
