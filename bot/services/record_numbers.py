"""The numbers members type for meetups and polls (`#12`), checked before they reach the database."""

from __future__ import annotations

# Meetup and poll numbers are 32-bit integer keys (PostgreSQL INTEGER). Discord lets an integer
# option carry up to 2^53, and PostgreSQL refuses a comparison with a larger literal, so a number
# past this one can name no meetup: it is "not found", never a database error.
MAX_RECORD_NUMBER = 2**31 - 1


def is_record_number(value: int) -> bool:
    return 1 <= value <= MAX_RECORD_NUMBER


def typed_record_number(text: str) -> int | None:
    """The number in `#12` or `12` typed into an autocomplete, if it can name a record."""
    needle = text.strip().lstrip("#").strip()
    if not needle.isdecimal() or len(needle) > len(str(MAX_RECORD_NUMBER)):
        return None
    number = int(needle)
    return number if is_record_number(number) else None
