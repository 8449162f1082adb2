"""Demo consents on top of the demo families of cases/demo.py (all fictional).

berg: each child to Skolan + Regionen (coordination, school, health), both custodians signed;
      each custodian to Skolan + Regionen (coordination, social)
lind: the child to Skolan only
holm: no consent
strand: a consent to Skolan, revoked (reason recorded)
ek: a consent to Skolan expiring in 20 days
sjo: a child in joint custody where only one custodian signed (to Skolan)

Idempotent: a family that already has consents is left alone. A key missing from the base
is skipped, so the seed never fails on a partial base. Consents go through the services, so
the default shares of SPEC §3.4 are applied as in real use.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import models as cm
from consent import services
from consent.models import Consent

Category = cm.InfoCategory
PURPOSE = "Samordning av stödet till familjen inom Familjelotsen."
MATURITY = "Barnet har fått information anpassad efter ålder och mognad och fått säga sin mening."
CHILD_VIEW = "Tycker att det är bra att skolan och familjeombudet pratar med varandra."


def _children(family: cm.Family) -> list[cm.Member]:
    return list(
        family.members.filter(kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING]).order_by(
            "birth_date", "id"
        )
    )


def _custodians(child: cm.Member) -> list[cm.Member]:
    return list(child.custodians.order_by("id"))


def _register(
    family: cm.Family,
    subject: cm.Member,
    receiving: list,
    categories: list[str],
    *,
    valid_from: dt.date,
    valid_until: dt.date,
    signers: list[cm.Member] | None = None,
    not_covered: str = "",
) -> Consent | None:
    by = family.responsible_ombud
    if by is None:
        return None
    if subject.is_child:
        people = signers if signers is not None else _custodians(subject)
        if not people:
            return None
    else:
        people = [subject]
    return services.consent_register(
        family=family,
        subject=subject,
        registered_by=by,
        receiving=receiving,
        categories=categories,
        purpose=PURPOSE,
        not_covered=not_covered,
        valid_from=valid_from,
        valid_until=valid_until,
        signatures=[services.SignatureInput(p, valid_from) for p in people],
        child_view=CHILD_VIEW if subject.is_child else "",
        child_maturity_note=MATURITY if subject.is_child else "",
    )


def seed(base: dict) -> dict:
    families = base.get("families") or {}
    adms = base.get("administrations") or {}
    school, region = adms.get("Skolan"), adms.get("Regionen")
    if school is None:
        return {}
    today = timezone.localdate()
    started = today - dt.timedelta(days=200)
    made: dict[str, list[Consent]] = {}

    def fresh(key: str) -> cm.Family | None:
        family = families.get(key)
        if family is None or family.consents.exists():
            return None
        return family

    if (family := fresh("berg")) is not None:
        to = [school, region] if region else [school]
        rows = []
        for child in _children(family):
            rows.append(
                _register(
                    family,
                    child,
                    to,
                    [Category.COORDINATION, Category.SCHOOL, Category.HEALTH],
                    valid_from=started,
                    valid_until=started + dt.timedelta(days=365),
                    not_covered="Anteckningar från BUP-samtal.",
                )
            )
        adults = family.members.filter(kind=cm.Member.Kind.CUSTODIAN).order_by("id")
        for adult in adults:
            rows.append(
                _register(
                    family,
                    adult,
                    to,
                    [Category.COORDINATION, Category.SOCIAL],
                    valid_from=started,
                    valid_until=started + dt.timedelta(days=365),
                )
            )
        made["berg"] = [c for c in rows if c]

    if (family := fresh("lind")) is not None:
        made["lind"] = [
            c
            for c in (
                _register(
                    family,
                    child,
                    [school],
                    [Category.COORDINATION, Category.SCHOOL],
                    valid_from=today - dt.timedelta(days=120),
                    valid_until=today + dt.timedelta(days=245),
                )
                for child in _children(family)[:1]
            )
            if c
        ]

    if (family := fresh("strand")) is not None:
        children = _children(family)
        consent = (
            _register(
                family,
                children[0],
                [school],
                [Category.COORDINATION, Category.SCHOOL],
                valid_from=today - dt.timedelta(days=150),
                valid_until=today + dt.timedelta(days=215),
            )
            if children
            else None
        )
        if consent is not None:
            services.consent_revoke(
                consent=consent,
                by=family.responsible_ombud,
                revoked_on=today - dt.timedelta(days=14),
                how="Per telefon till familjeombudet",
                reason="Vårdnadshavaren vill inte längre att skolan får information.",
            )
            made["strand"] = [consent]

    if (family := fresh("ek")) is not None:
        made["ek"] = [
            c
            for c in (
                _register(
                    family,
                    child,
                    [school],
                    [Category.COORDINATION, Category.SCHOOL],
                    valid_from=today - dt.timedelta(days=345),
                    valid_until=today + dt.timedelta(days=20),
                )
                for child in _children(family)[:1]
            )
            if c
        ]

    if (family := fresh("sjo")) is not None:
        children = _children(family)
        if children:
            custodians = _custodians(children[0])
            consent = _register(
                family,
                children[0],
                [school],
                [Category.COORDINATION, Category.SCHOOL],
                valid_from=today - dt.timedelta(days=60),
                valid_until=today + dt.timedelta(days=305),
                signers=custodians[:1],
            )
            made["sjo"] = [consent] if consent else []

    # "holm" has no consent on purpose: nothing of it is shared.
    return {"consents": made}
