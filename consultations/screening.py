"""Keeping a consultation free of what identifies a family.

- A personnummer or samordningsnummer in the text is refused: any run of digits in one of the
  forms `cases.personnummer` reads (YYYYMMDD-NNNN, YYMMDD-NNNN, …) whose date and check digit
  are valid. A phone number or a case number rarely passes both.
- A word that is also a name of a family member the user may see (with the identity shown to
  them) gets a warning the user may confirm: the word may be about something else. The
  warning never says which word, name or family: it tells the user nothing of the register
  they could not already see, and nothing at all to someone who may see no family.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.functions import Lower

from cases.personnummer import PersonnummerError, parse
from familjelotsen import access

# Digits in a personnummer's shape, not inside a longer run of digits.
_CANDIDATE = re.compile(r"(?<![\d])(\d{6}|\d{8})\s?([-+]?)\s?(\d{4})(?![\d])")
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
# Shorter words are too often ordinary words ("Bo", "Al").
MIN_NAME_LENGTH = 3


def has_personnummer(text: str) -> bool:
    for match in _CANDIDATE.finditer(text or ""):
        try:
            parse(f"{match[1]}{match[2]}{match[3]}")
        except PersonnummerError:
            continue
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
