"""Keeping a consultation free of what identifies a family.

- A personnummer or samordningsnummer in the text is refused: digits in one of the forms
  `cases.personnummer` reads (YYYYMMDD-NNNN, YYMMDD-NNNN, …) whose date part is a valid date.
  A mistyped check digit still identifies the person, so a number written as a personnummer
  is (with a separator, or twelve digits) is refused whatever its check digit; a bare run of
  ten digits (a phone number like 0701234567 has that shape) only when the check digit fits.
- A word that is also a name of a family member the user may see (with the identity shown to
  them) gets a warning the user may confirm: the word may be about something else. The
  warning never says which word, name or family: it tells the user nothing of the register
  they could not already see, and nothing at all to someone who may see no family.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.functions import Lower

from cases.personnummer import PersonnummerError, parse, with_check_digit
from familjelotsen import access

# Digits in a personnummer's shape, not inside a longer run of digits.
_CANDIDATE = re.compile(r"(?<![\d])(\d{6}|\d{8})\s?([-+]?)\s?(\d{4})(?![\d])")
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
# Shorter words are too often ordinary words ("Bo", "Al").
MIN_NAME_LENGTH = 3


def _parses(text: str) -> bool:
    try:
        parse(text)
    except PersonnummerError:
        return False
    return True


def has_personnummer(text: str) -> bool:
    for match in _CANDIDATE.finditer(text or ""):
        date, sep, tail = match[1], match[2], match[3]
        if _parses(f"{date}{sep}{tail}"):
            return True
        if sep or len(date) == 8:
            # The same number with its check digit put right: is the date part a date?
            ten = with_check_digit(date[-6:] + tail[:3])
            if _parses(f"{date[:-6]}{ten[:6]}{sep}{ten[6:]}"):
                return True
    return False


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text or "") if len(w) >= MIN_NAME_LENGTH}


def names_found(user, texts: dict[str, str]) -> list[str]:
    """The keys of `texts` whose text holds a word that is a first or last name of a family
    member the user may see by name. One query for all the texts."""
    words = {key: _words(text) for key, text in texts.items()}
    every = set().union(*words.values()) if words else set()
    if not every:
        return []
    found = set()
    for first, last in (
        access.course_members(user)
        .annotate(first=Lower("first_name"), last=Lower("last_name"))
        .filter(Q(first__in=every) | Q(last__in=every))
        .values_list("first", "last")
    ):
        found |= {first, last}
    return [key for key, ws in words.items() if ws & found]
