from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.personnummer import PersonnummerError, format_masked, parse, with_check_digit

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text",
    ["19121212-1212", "191212121212", "121212+1212", "19121212 1212"],
)
def test_the_accepted_formats_give_the_same_twelve_digits(text):
    assert parse(text, today=TODAY).digits == "191212121212"


def test_a_ten_digit_number_with_a_hyphen_is_from_the_latest_possible_century():
    assert parse("121212-1212", today=TODAY).digits == "201212121212"


def test_a_plus_sign_means_the_person_is_a_hundred_or_older():
    assert parse("121212+1212", today=TODAY).birth_date == dt.date(1912, 12, 12)
    young = with_check_digit("150101123")
    assert parse(f"150101-{young[6:]}", today=TODAY).birth_date == dt.date(2015, 1, 1)
    assert parse(f"150101+{young[6:]}", today=TODAY).birth_date == dt.date(1915, 1, 1)


def test_a_coordination_number_has_sixty_added_to_the_day():
    ten = with_check_digit("701273239")  # born 1970-12-13
    parsed = parse(f"19{ten[:6]}-{ten[6:]}", today=TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date == dt.date(1970, 12, 13)
    assert parsed.digits == f"19{ten}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("19121212-12", "YYYYMMDD-NNNN"),
        ("abc", "YYYYMMDD-NNNN"),
        ("19121312-1212", "date"),
        ("19121232-1212", "date"),
        ("19121212-1213", "check digit"),
        ("20991212-1212", "future"),
        ("19121212+1212", "+"),
    ],
)
def test_invalid_numbers_say_what_is_wrong(text, says):
    with pytest.raises(PersonnummerError) as raised:
        parse(text, today=TODAY)
    assert says in str(raised.value)


def test_lists_show_the_number_masked():
    assert format_masked("191212121212") == "19121212-****"


@given(st.dates(min_value=dt.date(1920, 1, 1), max_value=TODAY), st.integers(0, 999))
def test_every_generated_number_round_trips(birth, serial):
    ten = with_check_digit(f"{birth:%y%m%d}{serial:03d}")
    parsed = parse(f"{birth:%Y}{ten[2:6]}-{ten[6:]}", today=TODAY)
    assert parsed.birth_date == birth
    assert parsed.digits == f"{birth:%Y}{ten[2:]}"


@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes_the_parser(text):
    with contextlib.suppress(PersonnummerError):
        parse(text, today=TODAY)
