"""The parts of a typed time: a date, a time of day, a zone or offset, words like `tomorrow`.

Every part of the text must be understood. A word left over is refused with what was not read,
never dropped: a zone or a date this module does not know cannot vanish and leave a wrong time
that looks right. Each number is checked against its range (`25:00`, `19:61`, `13pm`, `Dec 32`,
`Feb 30` are refused) instead of being read as something else (`Dec 32` is not the year 2032).
"""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import time, timedelta

from bot.services.date_order import SLASH_DATE, DateOrder, read_slash_date
from bot.services.errors import InvalidInput, UnknownTimezone
from bot.services.timezones import (
    HONOURED_ABBREVIATIONS,
    REFUSED_ABBREVIATIONS,
    resolve_timezone,
    suggest_timezones,
)
from bot.services.typed_text import quote

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_DAY_NAMES = (
    ("monday", "mon"),
    ("tuesday", "tues", "tue"),
    ("wednesday", "wed"),
    ("thursday", "thurs", "thur", "thu"),
    ("friday", "fri"),
    ("saturday", "sat"),
    ("sunday", "sun"),
)
WEEKDAYS = {name: number for number, names in enumerate(_DAY_NAMES) for name in names}
MONTH_LABELS = tuple(names[0].capitalize() for names in _MONTH_NAMES)
_MAX_OFFSET = timedelta(hours=14)  # the furthest any place is from UTC (Kiribati)


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation that tries longer words first (`december` before `dec`)."""
    return "|".join(sorted(words, key=len, reverse=True))


_MERIDIEM = r"(a\.?m\.?|p\.?m\.?)(?![a-z])"
_ISO_DATE = re.compile(r"(?<![\d/.:-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/.:])(?:t(?=\d))?")
_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?![\d:])"
    rf"(?:\s*{_MERIDIEM})?"
    r"(?:(z)(?![a-z])|\s*([+-])(\d{2})(?::?(\d{2}))?(?![\d:]))?"
)
_MERIDIEM_CLOCK = re.compile(rf"(?<![\d:.])(\d{{1,2}})(?:\.(\d{{2}}))?\s*{_MERIDIEM}")
_H_CLOCK = re.compile(r"(?<![\d:.])(\d{1,2})h(\d{2})?(?![a-z\d])")
_NOON = re.compile(r"\b(?:noon|midday)\b")
_MIDNIGHT = re.compile(r"\bmidnight\b")
_UTC_OFFSET = re.compile(r"\b(?:utc|gmt)\s*([+-])(\d{1,2})(?::?(\d{2}))?(?![\d:])")
_OFFSET = re.compile(r"(?<![\w:+-])([+-])(\d{2})(?::?(\d{2}))?(?![\d:])")
_ZONE_NAME = re.compile(r"(?<![\w/])([a-z][a-z_+-]*(?:/[a-z0-9_+-]+)+)(?![\w/])")
_ZONE_WORD = re.compile(rf"\b({_alternatives([*HONOURED_ABBREVIATIONS, *REFUSED_ABBREVIATIONS])})\b")
_DOTTED = re.compile(r"(?<![\d.:])(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2})?)?(?![\d.])")
_MONTH_DAY = re.compile(
    rf"\b({_alternatives(MONTHS)})\b\.?\s*(\d{{1,2}})(?:st|nd|rd|th)?\.?(?![\d:a-z])(?:\s+(\d{{4}})(?!\d))?"
)
_DAY_MONTH = re.compile(
    rf"(?<![\d.:])(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?({_alternatives(MONTHS)})\b\.?(?:\s+(\d{{4}})(?!\d))?"
)
_DAY_AFTER_TOMORROW = re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b")
_DAY_WORD = re.compile(r"\b(today|tonight|tomorrow|tmrw|tmr)\b")
_WEEKDAY = re.compile(rf"\b(?:(next|this|coming)\s+)?({_alternatives(WEEKDAYS)})\b\.?")
_FILLER = re.compile(r"\b(?:at|on|the|of|by)\b|[@,;]|(?<!\S)-(?!\S)")
_WORD = re.compile(r"(?<![\w/])[a-z][a-z_]{2,}(?![\w/])")
_DAYS_AHEAD = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1}


class _Unread(Exception):
    """A word that is not what the step looks for: it stays in the text."""


@dataclass(frozen=True, slots=True)
class WrittenDate:
    year: int | None
    month: int
    day: int
    written: str
    order: DateOrder | None = None  # the server's order, when it decided between two readings


@dataclass(slots=True)
class WrittenTime:
    """What the text says; the caller places it on the calendar and in a zone."""

    date: WrittenDate | None = None
    days_ahead: int | None = None  # today 0, tomorrow 1
    weekday: int | None = None  # Monday 0
    weekday_after_today: bool = False  # `next friday`: never today
    clock: time | None = None
    zone: str | None = None  # an IANA zone named in the text
    offset: timedelta | None = None  # an offset from UTC written in the text
    zone_written: str = ""


def read_written_time(text: str, *, order: DateOrder) -> WrittenTime:
    """The parts of `text` (already one line, at most 100 characters); InvalidInput for any part
    that is out of range, said twice, or not understood."""
    return _Reader(text, order).read()


class _Reader:
    def __init__(self, text: str, order: DateOrder) -> None:
        self.original = text
        # Lowercased letter by letter where that keeps the length, so that a match's span also
        # marks the words as typed, for quoting them back; commas only separate.
        self.working = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace(",", " ")
        self.order = order
        self.found = WrittenTime()
        self.said: dict[str, str] = {}

    def read(self) -> WrittenTime:
        steps: list[tuple[re.Pattern[str], Callable[[re.Match[str]], None]]] = [
            (_ISO_DATE, self._iso_date),
            (_CLOCK, self._clock),
            (_MERIDIEM_CLOCK, self._meridiem_clock),
            (_H_CLOCK, self._h_clock),
            (_NOON, lambda m: self._set_clock(time(12), self._typed(m))),
            (_MIDNIGHT, self._midnight),
            (_UTC_OFFSET, lambda m: self._set_offset(m.group(1), m.group(2), m.group(3), self._typed(m))),
            (_OFFSET, lambda m: self._set_offset(m.group(1), m.group(2), m.group(3), self._typed(m))),
            (_ZONE_NAME, lambda m: self._set_zone(self._typed(m, 1))),
            (_ZONE_WORD, lambda m: self._set_zone(self._typed(m, 1))),
            (_DOTTED, self._dotted_date),
            (SLASH_DATE, self._slash_date),
            (_MONTH_DAY, lambda m: self._named_month(m.group(1), m.group(2), m.group(3), self._typed(m))),
            (_DAY_MONTH, lambda m: self._named_month(m.group(2), m.group(1), m.group(3), self._typed(m))),
            (_DAY_AFTER_TOMORROW, lambda m: self._set_days_ahead(2, self._typed(m))),
            (_DAY_WORD, lambda m: self._set_days_ahead(_DAYS_AHEAD[m.group(1)], self._typed(m))),
            (_WEEKDAY, self._weekday),
            (_FILLER, lambda m: None),
        ]
        for pattern, handle in steps:
            self._take(pattern, handle)
        self._take(_WORD, self._zone_alias)
        typed_left = "".join(c if kept != " " else " " for c, kept in zip(self.original, self.working, strict=True))
        if leftover := " ".join(typed_left.split()):
            raise InvalidInput(
                f"I couldn't understand {quote(leftover)}{self._within(leftover)}. Write the date, the time of day "
                "and, if you like, a zone, like `Dec 5 7pm`, `2026-12-05 19:00 Asia/Seoul` or `5.12. 19:00`."
                + self._zone_hint(leftover)
            )
        return self.found

    def _zone_alias(self, m: re.Match[str]) -> None:
        """A word left over may still be a zone: an old one-word name (`Japan`), or a folder
        (`America`), which is refused as such. Anything else stays for the refusal above."""
        try:
            zone = resolve_timezone(m.group(0))
        except UnknownTimezone:
            raise _Unread from None
        self._set_zone(zone, written=self._typed(m))

    def _zone_hint(self, leftover: str) -> str:
        close = suggest_timezones(leftover, limit=3) if len(leftover) >= 3 and leftover.isalpha() else []
        return f" If {quote(leftover)} is a zone, write its full name, like `{close[0]}`." if close else ""

    def _within(self, leftover: str) -> str:
        return "" if leftover == " ".join(self.original.split()) else f" in {quote(self.original)}"

    def _typed(self, m: re.Match[str], group: int = 0) -> str:
        return self.original[m.start(group) : m.end(group)].strip()

    def _take(self, pattern: re.Pattern[str], handle: Callable[[re.Match[str]], None]) -> None:
        for match in list(pattern.finditer(self.working)):
            try:
                handle(match)
            except _Unread:
                continue
            start, end = match.span()
            self.working = self.working[:start] + " " * (end - start) + self.working[end:]

    def _once(self, parts: str, written: str) -> None:
        """`parts` (plural: `dates`) may be given once."""
        if parts in self.said:
            raise InvalidInput(
                f"{quote(self.original)} gives two {parts}, {quote(self.said[parts])} and {quote(written)}: give one."
            )
        self.said[parts] = written

    # -- time of day ---------------------------------------------------------------------------
    def _clock(self, m: re.Match[str]) -> None:
        hour, minute, second = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        self._set_clock(_checked_clock(hour, minute, second, m.group(4), self._typed(m)), self._typed(m))
        if m.group(5):
            self._set_zone("UTC", written=self._typed(m))
        elif m.group(6):
            self._set_offset(m.group(6), m.group(7), m.group(8), self._typed(m))

    def _meridiem_clock(self, m: re.Match[str]) -> None:
        clock = _checked_clock(int(m.group(1)), int(m.group(2) or 0), 0, m.group(3), self._typed(m))
        self._set_clock(clock, self._typed(m))

    def _h_clock(self, m: re.Match[str]) -> None:
        self._set_clock(_checked_clock(int(m.group(1)), int(m.group(2) or 0), 0, None, self._typed(m)), self._typed(m))

    def _midnight(self, m: re.Match[str]) -> None:
        raise InvalidInput(
            f"`midnight` in {quote(self.original)} could be the start or the end of that day: write `00:00` "
            "with the day it starts, or `23:59`."
        )

    def _set_clock(self, clock: time, written: str) -> None:
        self._once("times of day", written.strip())
        self.found.clock = clock

    # -- zone ----------------------------------------------------------------------------------
    def _set_zone(self, name: str, *, written: str | None = None) -> None:
        self._once("time zones", (written or name).strip())
        self.found.zone = resolve_timezone(name)
        self.found.zone_written = (written or name).strip()

    def _set_offset(self, sign: str, hours: str, minutes: str | None, written: str) -> None:
        self._once("time zones", written.strip())
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if int(minutes or 0) > 59 or offset > _MAX_OFFSET:
            raise InvalidInput(
                f"{quote(written)} is not an offset from UTC: they run from -12:00 to +14:00, like `+09:00`. "
                "If it is an end time, give only the start here, and the length as the meetup's duration."
            )
        self.found.offset = -offset if sign == "-" else offset
        self.found.zone_written = written.strip()

    # -- date ----------------------------------------------------------------------------------
    def _iso_date(self, m: re.Match[str]) -> None:
        self._set_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), self._typed(m).rstrip("tT"))

    def _dotted_date(self, m: re.Match[str]) -> None:
        first, second = int(m.group(1)), int(m.group(2))
        if m.group(3) is None and not m.group(0).endswith(".") and second > 12 and first <= 23 and second <= 59:
            raise InvalidInput(
                f"{quote(self._typed(m))} is not a date (dates with dots are read day first, like `5.12.`); "
                f"for a time of day, write `{first:02d}:{second:02d}`."
            )
        self._set_date(_full_year(m.group(3)), second, first, self._typed(m))

    def _slash_date(self, m: re.Match[str]) -> None:
        year = _full_year(m.group(4))
        reading = read_slash_date(int(m.group(1)), int(m.group(3)), year, order=self.order, written=self._typed(m))
        self._set_date(year, reading.month, reading.day, self._typed(m), order=reading.order)

    def _named_month(self, month_name: str, day: str, year: str | None, written: str) -> None:
        self._set_date(int(year) if year else None, MONTHS[month_name], int(day), written.strip())

    def _set_date(
        self, year: int | None, month: int, day: int, written: str, *, order: DateOrder | None = None
    ) -> None:
        self._once("dates", written)
        _check_date(year, month, day, written)
        self.found.date = WrittenDate(year, month, day, written, order)

    def _set_days_ahead(self, days: int, written: str) -> None:
        self._once("days", written.strip())
        self.found.days_ahead = days

    def _weekday(self, m: re.Match[str]) -> None:
        self._once("weekdays", self._typed(m))
        self.found.weekday = WEEKDAYS[m.group(2)]
        self.found.weekday_after_today = m.group(1) == "next"


def _checked_clock(hour: int, minute: int, second: int, meridiem: str | None, written: str) -> time:
    if meridiem:
        if not 1 <= hour <= 12:
            raise InvalidInput(
                f"{quote(written)} is not a time: with am or pm the hour runs from 1 to 12. "
                f"Write `{hour:02d}:{minute:02d}` or `{hour % 12 or 12}{'pm' if hour >= 12 else 'am'}`."
                if hour <= 23
                else f"{quote(written)} is not a time: with am or pm the hour runs from 1 to 12, like `7pm`."
            )
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    elif hour > 23:
        raise InvalidInput(
            f"{quote(written)} is not a time: hours run from 00 to 23 (for midnight, write `00:00` with the next day)."
        )
    if minute > 59 or second > 59:
        raise InvalidInput(f"{quote(written)} is not a time: minutes and seconds run from 00 to 59, like `19:30`.")
    return time(hour, minute, second)


def _check_date(year: int | None, month: int, day: int, written: str) -> None:
    if not 1 <= month <= 12:
        raise InvalidInput(
            f"{quote(written)} is not a date: months run from 1 to 12. Write it like `2026-12-05 19:00`."
        )
    if year is not None and not 1 <= year <= 9999:
        raise InvalidInput(f"{quote(written)} is not a date: the year is out of range.")
    longest = monthrange(year or 2028, month)[1]  # 2028: any leap year, for 29 February without a year
    if not 1 <= day <= longest:
        in_year = f" in {year}" if year is not None and month == 2 and day == 29 else ""
        raise InvalidInput(
            f"{quote(written)} is not a date: {MONTH_LABELS[month - 1]} has {monthrange(year or 2028, month)[1]} "
            f"days{in_year}. Check the day."
        )


def _full_year(written: str | None) -> int | None:
    if not written:
        return None
    return 2000 + int(written) if len(written) == 2 else int(written)
