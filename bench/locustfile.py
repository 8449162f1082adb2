"""Load test of the three journeys' read and write paths (SPEC §5), against 127.0.0.1 only.

    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8765 --headless \
        -u 100 -r 10 -t 5m --csv bench/data/locust

Sessions come from bench/locust_sessions.py (BENCH_SESSIONS, default
bench/data/sessions.json); each virtual user takes the next account in the file. The server
runs with DEBUG off behind "TLS" (X-Forwarded-Proto: https, as the proxy in front of gunicorn
sends it), so the __Host- session cookie is sent as a header.

Journeys:
1. the family ombud reads Mina familjer, one of her families, the new journal entry form;
   she writes: saves a journal-entry draft (the new-entry form, "Save draft"), signs a draft
   she saved ("Save and sign" on the draft's form), books a visit (the booking form, with the
   SMS reminders the form proposes);
2. the school coordinator reads the pupil list, one pupil, the SIP family view of a shared
   family; and records a pupil-health-team review on the page of a pupil whose support they
   may change;
3. the project leader reads the report dashboard, the new-report form, the archive; and
   exports a report as CSV (the PDF download when the archive holds a rendered one), making
   the report through the new-report form first when the archive holds none;
and team leads read the waiting list, a family, the access-log review.

Writes go as the browser sends them: GET the form page, take its fields (CSRF token, one-time
form token, draft key, version, the boxes it checks), fill in what the person types, POST it
after a pause for typing, with the CSRF cookie (a __Host- cookie, sent as a header like the
session's) and the Origin and Referer of the https site. A write counts as a success only on
its expected answer: a 302 to the page the view redirects to (the draft's page, the booking
form after signing, the family page, the pupil page, the report preview), or a 200 with the
export's content type. Writes are about 13 % of the requests (task weights below).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

HOST_ALLOWED = ("127.0.0.1", "localhost", "[::1]")
SESSIONS = json.loads(
    Path(
        os.environ.get("BENCH_SESSIONS", Path(__file__).resolve().parent / "data" / "sessions.json")
    ).read_text()
)
# The server's time zone: the forms' dates and times are local ones.
LOCAL = ZoneInfo("Europe/Stockholm")
# A person fills in a form for a few seconds (more in life; the mix of requests is the point).
TYPING = (2.0, 5.0)
_BY_JOURNEY: dict[str, itertools.cycle] = {}


def _next(journey: str) -> dict:
    rows = [r for r in SESSIONS["users"] if r["journey"] == journey]
    if not rows:
        raise RuntimeError(f"No {journey} session in the sessions file.")
    cycle = _BY_JOURNEY.setdefault(journey, itertools.cycle(rows))
    return next(cycle)


# --- Forms as a browser submits them ----------------------------------------------------------


class Form:
    """One <form> of a page: its action and the fields a browser would send unchanged."""

    def __init__(self, action: str):
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self.buttons: set[str] = set()
        self.options: dict[str, list[str]] = {}

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def set(self, name: str, *values) -> Form:
        """What the person types or chooses: replaces the field's values."""
        self.fields = [(n, v) for n, v in self.fields if n != name]
        self.fields.extend((name, str(v)) for v in values)
        return self

    def data(self, button: str | None = None) -> list[tuple[str, str]]:
        return self.fields + ([(button, "")] if button else [])


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("action", ""))
            self.forms.append(self.form)
            return
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        if tag == "input" and name:
            if kind in ("submit", "image", "button", "reset"):
                self.form.buttons.add(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind != "file":
                self.form.fields.append((name, a.get("value", "")))
        elif tag == "button" and name and kind == "submit":
            self.form.buttons.add(name)
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in a, "chosen": [], "all": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        elif self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag in ("option", "select") and self.option is not None:
            value = self.option["value"]
            value = self.option["text"].strip() if value is None else value
            self.select["all"].append(value)
            if self.option["selected"]:
                self.select["chosen"].append(value)
            self.option = None
        if tag == "select" and self.select is not None:
            s, self.select = self.select, None
            chosen = s["chosen"] if s["multiple"] else (s["chosen"] or s["all"])[:1]
            self.form.fields.extend((s["name"], v) for v in chosen)
            self.form.options[s["name"]] = s["all"]
        elif tag == "textarea" and self.textarea is not None:
            t, self.textarea = self.textarea, None
            # The browser drops the one newline that follows <textarea>.
            self.form.fields.append((t["name"], t["text"].removeprefix("\n")))
        elif tag == "form":
            self.form = None


def find_form(html: str, *, button: str | None = None, field: str | None = None) -> Form | None:
    """The page's form that has the submit button `button` or the field `field`."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if (button and button in form.buttons) or (field and field in form.names()):
            return form
    return None


def _errors(html: str) -> str:
    """The first validation messages of a form sent back, for the failure message."""
    found = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    text = re.sub(r"<[^>]+>", " ", " ".join(found))
    return " ".join(text.split())[:160]


# --- Users ------------------------------------------------------------------------------------


class Staff(HttpUser):
    abstract = True
    journey = ""
    # A person reads a page for a few seconds before the next click.
    wait_time = between(2, 5)

    def on_start(self):
        if not any(h in (self.host or "") for h in HOST_ALLOWED):
            raise RuntimeError("The load test runs against this machine (127.0.0.1) only.")
        self.account = _next(self.journey)
        # The site as the browser sees it: https, behind the proxy (for Origin and Referer).
        self.origin = "https://" + urlsplit(self.host).netloc
        self.csrf_cookie_name = SESSIONS.get("csrf_cookie_name", "__Host-csrftoken")
        self.csrf_cookie = ""
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "Accept-Language": "sv",
            }
        )
        self._set_cookies()

    def _set_cookies(self) -> None:
        # Secure cookies over plain http stay out of the client's cookie jar: send them by hand.
        cookies = f"{SESSIONS['cookie_name']}={self.account['cookie']}"
        if self.csrf_cookie:
            cookies += f"; {self.csrf_cookie_name}={self.csrf_cookie}"
        self.client.headers["Cookie"] = cookies

    def _keep_csrf_cookie(self, response) -> None:
        value = response.cookies.get(self.csrf_cookie_name)
        if value and value != self.csrf_cookie:
            self.csrf_cookie = value
            self._set_cookies()

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
        return r

    def form_page(
        self, path: str, name: str, *, button: str | None = None, field: str | None = None
    ) -> Form | None:
        """GET a page (a read like any other) and take its form with the submit button
        `button` or the field `field`; a page without that form is a failure."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
                return None
            form = find_form(r.text, button=button, field=field)
            if form is None:
                r.failure(f"status 200 without the form ({button or field})")
                return None
        self._keep_csrf_cookie(r)
        return form

    def post(self, path: str, data, name: str, expect: str) -> re.Match | None:
        """POST a form as the browser does, after the time it takes to fill it in. Success is
        a 302 whose Location matches the regular expression `expect` (the match is returned);
        anything else is a failure with the status in its message."""
        time.sleep(random.uniform(*TYPING))
        headers = {"Origin": self.origin, "Referer": self.origin + path}
        with self.client.post(
            path,
            data=data,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "")
            found = re.fullmatch(expect, urlsplit(location).path + _query(location))
            if r.status_code == 302 and found:
                r.success()
                return found
            if r.status_code == 302:
                r.failure(f"status 302 to {re.sub(r'[0-9]+', 'N', urlsplit(location).path)}")
            elif r.status_code == 200:
                r.failure(f"status 200: form sent back ({_errors(r.text) or 'no field error'})")
            else:
                r.failure(f"status {r.status_code}")
        return None

    def download(self, path: str, name: str, content_type: str) -> None:
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            got = r.headers.get("Content-Type", "")
            if r.status_code != 200:
                r.failure(f"status {r.status_code}")
            elif not got.startswith(content_type):
                r.failure(f"status 200 with {got.split(';')[0] or 'no content type'}")


def _query(location: str) -> str:
    query = urlsplit(location).query
    return f"?{query}" if query else ""


def _local_now() -> dt.datetime:
    return dt.datetime.now(LOCAL).replace(second=0, microsecond=0, tzinfo=None)


FACTS = [
    "Hembesök. Vi gick igenom veckans schema och hur morgnarna har fungerat.",
    "Telefonsamtal med vårdnadshavaren om kontakten med skolan och nästa möte.",
    "Möte på familjecentralen. Familjen berättade om läget hemma sedan förra besöket.",
]
ASSESSMENTS = ["Läget är stabilt.", "Behov av fortsatt stöd kring skolgången.", ""]
NEXT_STEPS = ["Nytt hembesök om en vecka.", "Kontakta skolan inför SIP-mötet.", ""]
PLACES = {
    "home_visit": ["Hemma hos familjen"],
    "phone": ["Telefon"],
    "meeting": ["Familjecentralen", "Skolan", "Socialkontoret"],
}


class Ombud(Staff):
    weight = 6
    journey = "ombud"

    def on_start(self):
        super().on_start()
        # Families she may document and book visits for (older session files: all of hers).
        self.write_families = self.account.get("write_families", self.account["families"])
        # Drafts this virtual user saved and has not signed yet: (entry, family).
        self.drafts: list[tuple[int, int]] = []

    @task(6)
    def my_families(self):
        self.get("/familjer/", "ombud: Mina familjer")

    @task(8)
    def family(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/", "ombud: family page")

    @task(4)
    def new_entry(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/journal/ny/", "ombud: new journal entry form")

    # -- writes --

    @task(2)
    def save_draft(self):
        """Write a journal entry and save it as a draft (the form's "Save draft")."""
        if not self.write_families:
            return
        family = random.choice(self.write_families)
        path = f"/familjer/{family}/journal/ny/"
        form = self.form_page(path, "ombud: new journal entry form", button="save")
        if not form:
            return
        kind = random.choice(["home_visit", "phone", "meeting"])
        form.set("kind", kind)
        event_at = _local_now() - dt.timedelta(minutes=random.randint(10, 240))
        form.set("event_at", event_at.strftime("%Y-%m-%dT%H:%M"))
        form.set("duration_minutes", random.choice([30, 45, 60, 90]))
        form.set("place", random.choice(PLACES[kind]))
        form.set("facts", random.choice(FACTS))
        form.set("assessment", random.choice(ASSESSMENTS))
        form.set("next_steps", random.choice(NEXT_STEPS))
        found = self.post(
            path,
            form.data("save"),
            "ombud: save journal draft",
            expect=r"/familjer/journal/(\d+)/",
        )
        if found:
            self.drafts.append((int(found.group(1)), family))
            del self.drafts[:-20]

    @task(1)
    def sign_draft(self):
        """Open a draft she saved, as saved, and sign it ("Save and sign"); the server leads
        on to booking the next visit. With no draft of her own yet, she writes one first.
        (No page posts to the bare sign action, /familjer/journal/<id>/signera/: the browser
        signs through the draft's form, and so does this.)"""
        if not self.drafts:
            self.save_draft()
            if not self.drafts:
                return
        entry, family = self.drafts.pop(0)
        path = f"/familjer/journal/{entry}/"
        form = self.form_page(path, "ombud: journal draft form", button="sign")
        if not form:
            return
        self.post(
            path,
            form.data("sign"),
            "ombud: sign journal entry",
            expect=rf"/familjer/{family}/besok/\?efter={entry}|/familjer/journal/{entry}/",
        )

    @task(1)
    def book_visit(self):
        """Book the next visit for one of her families, with the SMS reminders the form
        proposes (those the family's last booking chose)."""
        if not self.write_families:
            return
        family = random.choice(self.write_families)
        path = f"/familjer/{family}/besok/"
        form = self.form_page(path, "ombud: visit booking form", field="starts_at")
        if not form:
            return
        day = dt.datetime.now(LOCAL).date() + dt.timedelta(days=random.randint(1, 14))
        starts = dt.datetime.combine(day, dt.time(random.randint(8, 15), random.choice([0, 30])))
        form.set("starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
        kind = random.choice(["home_visit", "home_visit", "meeting"])
        form.set("kind", kind)
        form.set("place", random.choice(PLACES[kind]))
        self.post(path, form.data(), "ombud: book a visit", expect=rf"/familjer/{family}/")


class SchoolCoordinator(Staff):
    weight = 3
    journey = "school"

    @task(3)
    def pupils(self):
        self.get("/familjer/elever/", "school: pupil list")

    @task(3)
    def pupil(self):
        pupil = random.choice(self.account["pupils"])
        self.get(f"/familjer/elever/{pupil}/", "school: pupil")

    @task(1)
    def sip(self):
        if self.account["families"]:
            family = random.choice(self.account["families"])
            self.get(f"/sip/familj/{family}/", "school: SIP family view")

    # -- writes --

    @task(1)
    def record_review(self):
        """Record the pupil-health team's review on the pupil page ("Record review")."""
        pupils = self.account.get("review_pupils", [])
        if not pupils:
            return
        pupil = random.choice(pupils)
        path = f"/familjer/elever/{pupil}/"
        form = self.form_page(path, "school: pupil", button="add_review")
        if not form:
            return
        form.set("reviewed_on", dt.datetime.now(LOCAL).date().isoformat())
        form.set(
            "decision",
            random.choice(
                [
                    "Anpassningarna i klassrummet fortsätter; uppföljning efter lovet.",
                    "Utredning om särskilt stöd inleds. Vårdnadshavarna informeras.",
                    "Närvaron har förbättrats. Fortsatt kontakt med elevhälsan.",
                ]
            ),
        )
        form.set("responsible", random.choice(["Rektor", "Specialpedagog", "Skolkurator"]))
        self.post(
            path, form.data("add_review"), "school: record pupil review", expect=re.escape(path)
        )


class ProjectLeader(Staff):
    weight = 1
    journey = "project_leader"

    def on_start(self):
        super().on_start()
        self.reports = list(self.account.get("reports", []))
        self.pdf_reports = list(self.account.get("pdf_reports", []))

    @task(3)
    def dashboard(self):
        self.get("/rapporter/", "project leader: report dashboard")

    @task(1)
    def new_report(self):
        self.get("/rapporter/ny/", "project leader: new report form")

    @task(1)
    def archive(self):
        self.get("/rapporter/arkiv/", "project leader: archive")

    # -- writes --

    @task(1)
    def export(self):
        """Export a report's figures as CSV for the evaluators (or download a rendered PDF
        from the archive); with an empty archive, make the report first."""
        if self.pdf_reports and random.random() < 0.3:
            report = random.choice(self.pdf_reports)
            self.download(
                f"/rapporter/{report}/pdf/", "project leader: report PDF", "application/pdf"
            )
            return
        if not self.reports:
            self.make_report()
            if not self.reports:
                return
        report = random.choice(self.reports)
        self.download(f"/rapporter/{report}/csv/", "project leader: report CSV export", "text/csv")

    def make_report(self):
        """A steering-group report for the newest scheduled period (the new-report form)."""
        form = self.form_page("/rapporter/ny/", "project leader: new report form", field="kind")
        if not form:
            return
        form.set("kind", "steering_group")
        presets = [p for p in form.options.get("preset", []) if p]
        if presets:
            form.set("preset", presets[0])
        found = self.post(
            "/rapporter/ny/",
            form.data(),
            "project leader: make report",
            expect=r"/rapporter/(\d+)/",
        )
        if found:
            self.reports.append(int(found.group(1)))


class TeamLead(Staff):
    weight = 1
    journey = "lead"

    @task(2)
    def waiting_list(self):
        self.get("/familjer/vantelista/", "lead: waiting list")

    @task(2)
    def family(self):
        family = random.choice(self.account["families"])
        self.get(f"/familjer/{family}/", "lead: family page")

    @task(1)
    def access_log(self):
        self.get("/loggkontroll/", "lead: access-log review")
