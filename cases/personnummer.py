"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer), per Folkbokföringslagen 18 § and 18 a § (DOMAIN.md §5).

Accepted input: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN (the `+` marks a person
who is 100 or older, so the century is one earlier). Stored as 12 digits. The check digit is
the Luhn (modulus 10, weights 2-1) digit over the last ten. A samordningsnummer is built the
same way with 60 added to the day. The date part is not always the true birth date.
python-stdnum checks personnummer; it rejects samordningsnummer, handled here on top.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum import luhn

_PATTERN = re.compile(r"^(?P<century>\d{2})?(?P<yymmdd>\d{6})(?P<sep>[-+]?)(?P<tail>\d{4})$")


class PersonnummerError(ValueError):
    """Says what is wrong, for the user: format, date or check digit."""


@dataclass(frozen=True)
class Parsed:
    digits: str  # 12 digits
    birth_date: dt.date
    is_coordination_number: bool


def parse(value: str, *, today: dt.date | None = None) -> Parsed:
    text = re.sub(r"\s", "", value or "")
    match = _PATTERN.match(text)
    if not match:
        raise PersonnummerError(
            _("Write the number as YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN or YYMMDD+NNNN.")
        )
    yymmdd, tail, sep = match["yymmdd"], match["tail"], match["sep"]
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    coordination = day > 60
    real_day = day - 60 if coordination else day
    today = today or dt.date.today()
    if match["century"]:
        if sep == "+":
            raise PersonnummerError(_("The + sign is only used with a 10-digit number."))
        year = int(match["century"] + yymmdd[:2])
    else:
        # The century is the latest one that puts the date in the past; "+" means 100+.
        year = (today.year // 100) * 100 + year2
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
    try:
        birth = dt.date(year, month, real_day)
    except ValueError:
        raise PersonnummerError(
            _("The date part is not a valid date (a coordination number adds 60 to the day).")
        ) from None
    if birth > today:
        raise PersonnummerError(_("The date part lies in the future."))
    ten = yymmdd + tail
    if not luhn.is_valid(ten):
        raise PersonnummerError(_("The check digit is wrong: check the number for a typo."))
    return Parsed(
        digits=f"{year:04d}{yymmdd[2:]}{tail}",
        birth_date=birth,
        is_coordination_number=coordination,
    )


def with_check_digit(first_nine: str) -> str:
    """The ten digits YYMMDDNNN + check digit (used to make valid test and demo numbers)."""
    return first_nine + luhn.calc_check_digit(first_nine)


def format_full(digits: str) -> str:
    """YYYYMMDD-NNNN for display to the case team."""
    if len(digits) != 12:
        return digits
    return f"{digits[:8]}-{digits[8:]}"


def format_masked(digits: str) -> str:
    """YYYYMMDD-**** for lists (DOMAIN.md §5.1: mask the last four digits)."""
    if len(digits) != 12:
        return ""
    return f"{digits[:8]}-****"
