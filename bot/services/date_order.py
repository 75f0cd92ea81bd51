"""Which of a slash date's two readings a server means: 5/12 is 5 December day first, May 12 month first.

Dates written with dots (5.12., 05.12.2026) are always day first, as they are wherever people
write them; only a slash or dash date whose two readings are both real dates needs the setting.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from enum import StrEnum

from bot.services.errors import InvalidInput
from bot.services.typed_text import quote


class DateOrder(StrEnum):
    DAY_FIRST = "DMY"
    MONTH_FIRST = "MDY"


# Discord locales whose short dates put the month first: the United States, and the languages
# that write year, month, day (so 5/12 is May 12 there too). Every other locale writes day first.
MONTH_FIRST_LOCALES = frozenset({"en-US", "ja", "ko", "zh-CN", "zh-TW", "hu", "lt"})
# Discord's own default for a server that never chose a language.
DEFAULT_LOCALE = "en-US"

# A day and a month with a slash or dash between them, and perhaps a year: 5/12, 12/05/2026, 5-12-26.
SLASH_DATE = re.compile(r"(?<![\d/.:-])(\d{1,2})([/-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/.:-])")
_LEAP_YEAR = 2028  # any leap year: a date without a year may be 29 February


@dataclass(frozen=True, slots=True)
class SlashReading:
    month: int
    day: int
    order: DateOrder | None  # the order that decided it; None when only one reading is a date


def order_for_locale(locale: str | None) -> DateOrder:
    return DateOrder.MONTH_FIRST if (locale or DEFAULT_LOCALE) in MONTH_FIRST_LOCALES else DateOrder.DAY_FIRST


def effective_order(chosen: str | None, locale: str | None) -> DateOrder:
    """The server's choice, or else what its language implies."""
    return DateOrder(chosen) if chosen in (DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST) else order_for_locale(locale)


def describe_order(order: DateOrder) -> str:
    if order is DateOrder.DAY_FIRST:
        return "day first (5/12 is 5 December)"
    return "month first (5/12 is May 12)"


def read_slash_date(first: int, second: int, year: int | None, *, order: DateOrder, written: str) -> SlashReading:
    """The month and day of `first/second`: the only real reading, or the server's order when both are."""
    day_first = _is_date(year, month=second, day=first)
    month_first = _is_date(year, month=first, day=second)
    if day_first and month_first and first != second:
        if order is DateOrder.DAY_FIRST:
            return SlashReading(month=second, day=first, order=order)
        return SlashReading(month=first, day=second, order=order)
    if day_first:
        return SlashReading(month=second, day=first, order=None)
    if month_first:
        return SlashReading(month=first, day=second, order=None)
    raise InvalidInput(
        f"{quote(written)} is not a date whichever number is the day: months run 1 to 12 and days to 31 at most. "
        "Write it like `2026-12-05` or `Dec 5`."
    )


def ambiguous_slash_dates(text: str) -> list[tuple[str, int, int]]:
    """Each slash date in `text` with two real readings, with its two numbers as written."""
    found = []
    for match in SLASH_DATE.finditer(text):
        first, second = int(match.group(1)), int(match.group(3))
        year = _full_year(match.group(4))
        if first != second and _is_date(year, month=first, day=second) and _is_date(year, month=second, day=first):
            found.append((match.group(0), first, second))
    return found


def _full_year(written: str | None) -> int | None:
    if written is None:
        return None
    return 2000 + int(written) if len(written) == 2 else int(written)


def _is_date(year: int | None, *, month: int, day: int) -> bool:
    if year is not None and not 1 <= year <= 9999:
        return False
    return 1 <= month <= 12 and 1 <= day <= monthrange(year or _LEAP_YEAR, month)[1]
