"""Times as organizers write them, with the instant each one means, or the refusal it must get.

Each row is read as a meetup's start (check_start) at a fixed moment, so the table is the same
every day. The instants were worked out by hand from the zones' rules, not printed by the parser:
Europe/Berlin changes on 29 March and 25 October 2026, America/New_York on 8 March and 1 November,
Australia/Sydney on 5 April and 4 October; America/Vancouver keeps UTC-7 all year from November
2026 (the 2026 rule change, in the tzdata package the bot reads).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.date_order import DateOrder
from bot.services.errors import InvalidInput
from bot.services.meetup_input import check_start

DMY, MDY = DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST
NOW = {
    "dec": datetime(2026, 12, 2, 10, 0, tzinfo=UTC),  # Wednesday; 19:00 in Seoul
    "feb": datetime(2026, 2, 20, 15, 0, tzinfo=UTC),  # Friday
    "mar": datetime(2026, 3, 20, 12, 0, tzinfo=UTC),  # Friday; 23:00 in Sydney
    "oct": datetime(2026, 10, 15, 12, 0, tzinfo=UTC),  # Thursday
}
SEOUL, BERLIN, NEW_YORK = "Asia/Seoul", "Europe/Berlin", "America/New_York"
VANCOUVER, SYDNEY, LONDON = "America/Vancouver", "Australia/Sydney", "Europe/London"

# (moment, zone, date order, typed, expected): an ISO instant in UTC, or "!" and words of the refusal.
CORPUS: list[tuple[str, str, DateOrder, str, str]] = [
    # ISO forms, with seconds, Z and offsets.
    ("dec", SEOUL, DMY, "2026-12-05 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00:30", "2026-12-05T10:00:30"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00:00Z", "2026-12-05T19:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00:00+09:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00:00.000+09:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T19:00+0900", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05T10:00:00.250Z", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05 7pm", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05 7 pm", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "2026-12-05 07:30 pm", "2026-12-05T10:30"),
    ("dec", SEOUL, DMY, "2026/12/05 19:00", "2026-12-05T10:00"),
    # Month names, weekdays, 19h.
    ("dec", SEOUL, DMY, "Dec 5 7pm", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec 5 7pm KST", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "December 5 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "5 Dec 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "5th December 7pm", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "the 5th of December at 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "December 5th, 2026 at 7:30 pm", "2026-12-05T10:30"),
    ("dec", SEOUL, DMY, "Sat Dec 5 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Saturday, 5 December 2026, 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec. 5 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "DEC 5 7PM", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec 5 19h", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec 5 19h30", "2026-12-05T10:30"),
    ("dec", SEOUL, DMY, "Dec 5 noon", "2026-12-05T03:00"),
    ("dec", SEOUL, DMY, "7:30pm Dec 5", "2026-12-05T10:30"),
    # Dates with dots are day first, whatever the server's order.
    ("dec", SEOUL, DMY, "05.12.2026 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, MDY, "05.12.2026 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "5.12. 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, MDY, "5.12. 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "5.12.26 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "5.12 19:00", "2026-12-05T10:00"),
    # Relative days and weekdays, from Wednesday 2 December, 19:00 in Seoul.
    ("dec", SEOUL, DMY, "tomorrow 19:00", "2026-12-03T10:00"),
    ("dec", SEOUL, DMY, "tomorrow 7am", "2026-12-02T22:00"),
    ("dec", SEOUL, DMY, "today 21:00", "2026-12-02T12:00"),
    ("dec", SEOUL, DMY, "tonight 9pm", "2026-12-02T12:00"),
    ("dec", SEOUL, DMY, "19:30", "2026-12-02T10:30"),
    ("dec", SEOUL, DMY, "18:00", "!already passed|`tomorrow 18:00`"),
    ("dec", SEOUL, DMY, "today 9am", "!in the past"),
    ("dec", SEOUL, DMY, "friday 18:30", "2026-12-04T09:30"),
    ("dec", SEOUL, DMY, "next friday 18:30", "2026-12-04T09:30"),
    ("dec", SEOUL, DMY, "wed 20:00", "2026-12-02T11:00"),
    ("dec", SEOUL, DMY, "wed 18:00", "2026-12-09T09:00"),
    ("dec", SEOUL, DMY, "next wed 20:00", "2026-12-09T11:00"),
    ("dec", SEOUL, DMY, "day after tomorrow 9am", "2026-12-04T00:00"),
    ("dec", SEOUL, DMY, "Fri Dec 5 19:00", "!is a Saturday, not a Friday"),
    # From now.
    ("dec", SEOUL, DMY, "in an hour", "2026-12-02T11:00"),
    ("dec", SEOUL, DMY, "in 1.5h", "2026-12-02T11:30"),
    ("dec", SEOUL, DMY, "in 1 week", "2026-12-09T10:00"),
    ("dec", SEOUL, DMY, "2 hours from now", "2026-12-02T12:00"),
    ("dec", SEOUL, DMY, "in 90 minutes", "2026-12-02T11:30"),
    ("dec", SEOUL, DMY, "in 1h30m", "2026-12-02T11:30"),
    ("dec", SEOUL, DMY, "in half an hour", "2026-12-02T10:30"),
    ("dec", SEOUL, DMY, "in an hour and a half", "2026-12-02T11:30"),
    ("dec", SEOUL, DMY, "in 3 days", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "in 2 weeks", "2026-12-16T10:00"),
    ("dec", SEOUL, DMY, "in 10 years", "!Months and years"),
    ("dec", SEOUL, DMY, "in 99999 days", "!far longer"),
    ("dec", SEOUL, DMY, "in 0m", "!in the past"),
    # Discord timestamps.
    ("dec", SEOUL, DMY, "<t:1796500800:F>", "2026-12-05T20:00"),
    ("dec", SEOUL, DMY, "<t:1796500800>", "2026-12-05T20:00"),
    ("dec", SEOUL, DMY, "<t:253402300799:F>", "!in 9999, more than 5 years ahead"),
    ("dec", SEOUL, DMY, "<t:99999999999999>", "!I couldn't understand"),
    # A date without a year: this year's, refused if just passed, next year's if long past.
    ("dec", SEOUL, DMY, "Dec 1 19:00", "!already passed this year|`2027-12-01 19:00`"),
    ("dec", SEOUL, DMY, "Nov 20 19:00", "!already passed this year|`2027-11-20 19:00`"),
    ("dec", SEOUL, DMY, "Jun 30 19:00", "!already passed this year"),
    ("dec", SEOUL, DMY, "Jan 5 19:00", "2027-01-05T10:00"),
    ("dec", SEOUL, DMY, "Mar 3 19:00", "2027-03-03T10:00"),
    ("dec", SEOUL, DMY, "May 1 19:00", "2027-05-01T10:00"),
    ("dec", SEOUL, DMY, "2026-11-30 19:00", "!in the past"),
    ("dec", SEOUL, DMY, "2031-12-01 19:00", "2031-12-01T10:00"),
    ("dec", SEOUL, DMY, "2032-01-01 19:00", "!more than 5 years ahead"),
    ("dec", SEOUL, DMY, "9999-12-31 19:00", "!more than 5 years ahead"),
    ("dec", SEOUL, DMY, "2020-01-01 19:00", "!in the past: I read it as"),
    ("dec", SEOUL, DMY, "0001-01-01 00:00", "!in the past, in 1"),
    # Zones written in the time: honoured, or refused with the zone meant.
    ("dec", SEOUL, DMY, "Dec 5 19:00 UTC", "2026-12-05T19:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 Z", "2026-12-05T19:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 GMT", "2026-12-05T19:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 Europe/Berlin", "2026-12-05T18:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 europe/berlin", "2026-12-05T18:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 +01:00", "2026-12-05T18:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 utc+1", "2026-12-05T18:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 GMT-5", "2026-12-06T00:00"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 -05:30", "2026-12-06T00:30"),
    ("dec", SEOUL, DMY, "Dec 5 7pm JST", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec 5 7pm Japan", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "Dec 5 7pm US/Pacific", "2026-12-06T03:00"),
    ("dec", SEOUL, DMY, "Dec 5 7pm EST", "!`EST` is not a zone|`America/New_York`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm CET", "!`Europe/Berlin`, `Europe/Paris` or `Europe/Rome`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm IST", "!`Asia/Kolkata`, `Europe/Dublin` or `Asia/Jerusalem`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm PST", "!`America/Los_Angeles`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm CST", "!`America/Chicago`, `America/Mexico_City` or `Asia/Shanghai`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm America", "!`America` is a region of the zone database"),
    ("dec", SEOUL, DMY, "Dec 5 7pm Mars/Olympus", "!I don't know the time zone `Mars/Olympus`"),
    ("dec", SEOUL, DMY, "Dec 5 7pm Europe/Berln", "!Did you mean `Europe/Berlin`?"),
    ("dec", SEOUL, DMY, "Dec 5 7pm seoul", "!I couldn't understand `seoul`|like `Asia/Seoul`"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 +25:00", "!not an offset from UTC"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 KST UTC", "!two time zones"),
    # Out-of-range parts are refused, not read as something else.
    ("dec", SEOUL, DMY, "25:00", "!`25:00` is not a time: hours run from 00 to 23"),
    ("dec", SEOUL, DMY, "Dec 5 25:00", "!`25:00` is not a time"),
    ("dec", SEOUL, DMY, "Dec 5 24:00", "!hours run from 00 to 23"),
    ("dec", SEOUL, DMY, "19:61", "!`19:61` is not a time: minutes"),
    ("dec", SEOUL, DMY, "Dec 5 19:61", "!`19:61` is not a time"),
    ("dec", SEOUL, DMY, "Dec 5 19:00:75", "!minutes and seconds run from 00 to 59"),
    ("dec", SEOUL, DMY, "13pm", "!`13pm` is not a time: with am or pm the hour runs from 1 to 12"),
    ("dec", SEOUL, DMY, "Dec 5 13pm", "!`13pm` is not a time|`13:00` or `1pm`"),
    ("dec", SEOUL, DMY, "Dec 5 0am", "!with am or pm the hour runs from 1 to 12"),
    ("dec", SEOUL, DMY, "Dec 32", "!`Dec 32` is not a date: December has 31 days"),
    ("dec", SEOUL, DMY, "Dec 32 19:00", "!`Dec 32` is not a date: December has 31 days"),
    ("dec", SEOUL, DMY, "Feb 30", "!`Feb 30` is not a date: February has 29 days"),
    ("dec", SEOUL, DMY, "Feb 30 19:00", "!`Feb 30` is not a date"),
    ("dec", SEOUL, DMY, "2027-02-29 19:00", "!February has 28 days"),
    ("dec", SEOUL, DMY, "Feb 29 19:00", "!comes only in leap years|`2028-02-29 19:00`"),
    ("dec", SEOUL, DMY, "2028-02-29 19:00", "2028-02-29T10:00"),
    ("dec", SEOUL, DMY, "31.04.2027 19:00", "!April has 30 days"),
    ("dec", SEOUL, DMY, "2026-13-05 19:00", "!months run from 1 to 12"),
    ("dec", SEOUL, DMY, "19.30", "!for a time of day, write `19:30`"),
    ("dec", SEOUL, DMY, "midnight", "!could be the start or the end of that day"),
    # Unreadable, missing or doubled parts.
    ("dec", SEOUL, DMY, "Dec 5", "!no time of day"),
    ("dec", SEOUL, DMY, "tomorrow", "!no time of day"),
    ("dec", SEOUL, DMY, "blah", "!I couldn't understand `blah`"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 please", "!I couldn't understand `please` in `Dec 5 19:00 please`"),
    ("dec", SEOUL, DMY, "", "!Give a time"),
    ("dec", SEOUL, DMY, "x" * 200, "!too long"),
    ("dec", SEOUL, DMY, "Dec 5 19:00 20:00", "!two times of day"),
    ("dec", SEOUL, DMY, "Dec 5 Dec 6 19:00", "!two dates"),
    ("dec", SEOUL, DMY, "Dec 5 19:00-21:00", "!If it is an end time"),
    ("dec", SEOUL, DMY, "tomorrow Dec 5 19:00", "!two different days"),
    # A slash date with two readings follows the server's order; with one, that one.
    ("dec", SEOUL, DMY, "5/12 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, MDY, "5/12 19:00", "2027-05-12T10:00"),
    ("dec", SEOUL, MDY, "12/5 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, DMY, "12/5 19:00", "2027-05-12T10:00"),
    ("dec", SEOUL, MDY, "25/12 19:00", "2026-12-25T10:00"),
    ("dec", SEOUL, DMY, "12/25 19:00", "2026-12-25T10:00"),
    ("dec", SEOUL, DMY, "12/25/2026 7pm", "2026-12-25T10:00"),
    ("dec", SEOUL, DMY, "5/12/2026 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, MDY, "5/12/2026 19:00", "!in the past"),
    ("dec", SEOUL, DMY, "5-12-2026 19:00", "2026-12-05T10:00"),
    ("dec", SEOUL, MDY, "12/12 19:00", "2026-12-12T10:00"),
    ("dec", SEOUL, DMY, "13/13 19:00", "!not a date whichever number is the day"),
    # Europe/Berlin leaves summer time on 25 October and starts it on 29 March.
    ("dec", BERLIN, DMY, "Dec 5 19:00", "2026-12-05T18:00"),
    ("dec", BERLIN, DMY, "5.12. 19:00", "2026-12-05T18:00"),
    ("mar", BERLIN, DMY, "2026-03-28 19:00", "2026-03-28T18:00"),
    ("mar", BERLIN, DMY, "2026-03-29 19:00", "2026-03-29T17:00"),
    ("mar", BERLIN, DMY, "2026-03-29 02:30", "!does not exist|the clocks skip that hour"),
    ("mar", BERLIN, DMY, "2026-03-29 01:59", "2026-03-29T00:59"),
    ("mar", BERLIN, DMY, "2026-03-29 03:00", "2026-03-29T01:00"),
    ("mar", BERLIN, DMY, "Mar 29 19:00", "2026-03-29T17:00"),
    ("mar", BERLIN, DMY, "29.03. 19:00", "2026-03-29T17:00"),
    ("oct", BERLIN, DMY, "2026-10-24 19:00", "2026-10-24T17:00"),
    ("oct", BERLIN, DMY, "2026-10-25 19:00", "2026-10-25T18:00"),
    ("oct", BERLIN, DMY, "2026-10-25 02:30", "!happens twice|`02:30 +02:00` for the first or `02:30 +01:00`"),
    ("oct", BERLIN, DMY, "2026-10-25 02:30 +02:00", "2026-10-25T00:30"),
    ("oct", BERLIN, DMY, "2026-10-25 02:30 +01:00", "2026-10-25T01:30"),
    ("oct", BERLIN, DMY, "Oct 25 01:30", "2026-10-24T23:30"),
    ("oct", BERLIN, DMY, "Oct 25 03:30", "2026-10-25T02:30"),
    ("oct", BERLIN, DMY, "in 1 week", "2026-10-22T12:00"),
    ("oct", BERLIN, DMY, "next sunday 19:00", "2026-10-18T17:00"),
    ("oct", BERLIN, DMY, "sun 19:00", "2026-10-18T17:00"),
    ("oct", BERLIN, DMY, "tomorrow 19:00", "2026-10-16T17:00"),
    # America/New_York starts summer time on 8 March and leaves it on 1 November.
    ("feb", NEW_YORK, MDY, "2026-03-07 19:00", "2026-03-08T00:00"),
    ("feb", NEW_YORK, MDY, "2026-03-08 19:00", "2026-03-08T23:00"),
    ("feb", NEW_YORK, MDY, "2026-03-08 02:30", "!the clocks skip that hour"),
    ("feb", NEW_YORK, MDY, "Mar 8 1:30am", "2026-03-08T06:30"),
    ("feb", NEW_YORK, MDY, "Mar 8 3:30am", "2026-03-08T07:30"),
    ("feb", NEW_YORK, MDY, "3/8 19:00", "2026-03-08T23:00"),
    ("feb", NEW_YORK, DMY, "8/3 19:00", "2026-03-08T23:00"),
    ("feb", NEW_YORK, MDY, "3/8/2026 7pm", "2026-03-08T23:00"),
    ("oct", NEW_YORK, MDY, "2026-10-31 19:00", "2026-10-31T23:00"),
    ("oct", NEW_YORK, MDY, "2026-11-01 19:00", "2026-11-02T00:00"),
    ("oct", NEW_YORK, MDY, "2026-11-01 01:30", "!happens twice|`01:30 -04:00` for the first or `01:30 -05:00`"),
    ("oct", NEW_YORK, MDY, "2026-11-01 01:30 -04:00", "2026-11-01T05:30"),
    ("oct", NEW_YORK, MDY, "2026-11-01 01:30 -05:00", "2026-11-01T06:30"),
    ("oct", NEW_YORK, MDY, "Nov 1 7pm", "2026-11-02T00:00"),
    ("oct", NEW_YORK, MDY, "Nov 1 7pm EST", "!`America/New_York`"),
    ("oct", NEW_YORK, MDY, "Oct 31 7pm America/New_York", "2026-10-31T23:00"),
    ("oct", NEW_YORK, MDY, "10/31 7pm", "2026-10-31T23:00"),
    ("oct", NEW_YORK, MDY, "friday 8pm", "2026-10-17T00:00"),
    ("oct", NEW_YORK, MDY, "noon tomorrow", "2026-10-16T16:00"),
    # America/Vancouver stays on UTC-7 from November 2026: no clock change on 1 November, none in March.
    ("oct", VANCOUVER, MDY, "2026-10-31 19:00", "2026-11-01T02:00"),
    ("oct", VANCOUVER, MDY, "2026-11-01 01:30", "2026-11-01T08:30"),
    ("oct", VANCOUVER, MDY, "2026-12-05 19:00", "2026-12-06T02:00"),
    ("oct", VANCOUVER, MDY, "Dec 5 7pm", "2026-12-06T02:00"),
    ("oct", VANCOUVER, MDY, "2027-01-15 9am", "2027-01-15T16:00"),
    ("oct", VANCOUVER, MDY, "2027-03-14 02:30", "2027-03-14T09:30"),
    # Australia/Sydney leaves summer time on 5 April and starts it on 4 October.
    ("mar", SYDNEY, DMY, "2026-04-04 19:00", "2026-04-04T08:00"),
    ("mar", SYDNEY, DMY, "2026-04-05 19:00", "2026-04-05T09:00"),
    ("mar", SYDNEY, DMY, "2026-04-05 02:30", "!happens twice|`02:30 +11:00` for the first or `02:30 +10:00`"),
    ("mar", SYDNEY, DMY, "5/4 19:00", "2026-04-05T09:00"),
    ("mar", SYDNEY, MDY, "4/5 19:00", "2026-04-05T09:00"),
    ("mar", SYDNEY, DMY, "tomorrow 10am", "2026-03-20T23:00"),
    ("mar", SYDNEY, DMY, "2026-10-04 02:30", "!the clocks skip that hour"),
    ("mar", SYDNEY, DMY, "2026-10-03 19:00", "2026-10-03T09:00"),
    ("mar", SYDNEY, DMY, "2026-10-04 19:00", "2026-10-04T08:00"),
    ("mar", SYDNEY, DMY, "4.10.2026 19:00", "2026-10-04T08:00"),
    # Europe/London: GMT in winter, BST from 29 March.
    ("mar", LONDON, DMY, "2026-03-28 19:00", "2026-03-28T19:00"),
    ("mar", LONDON, DMY, "2026-03-29 19:00", "2026-03-29T18:00"),
    ("mar", LONDON, DMY, "2026-03-29 01:30", "!the clocks skip that hour"),
    ("mar", LONDON, DMY, "Mar 29 7pm BST", "!`Europe/London`"),
    # UTC.
    ("dec", "UTC", MDY, "Dec 5 19:00", "2026-12-05T19:00"),
    ("dec", "UTC", MDY, "2026-12-05 19:00 KST", "2026-12-05T10:00"),
    ("dec", "UTC", MDY, "19:00 UTC", "2026-12-02T19:00"),
    ("dec", "UTC", MDY, "8:00", "!already passed"),
    ("dec", "UTC", MDY, "Dec 5 7pm Asia/Seoul", "2026-12-05T10:00"),
    ("dec", "UTC", MDY, "Dec 5 7 p.m.", "2026-12-05T19:00"),
    ("dec", "UTC", MDY, "Dec 5 7:30 a.m.", "2026-12-05T07:30"),
    ("dec", "UTC", MDY, "Dec 5 12am", "2026-12-05T00:00"),
    ("dec", "UTC", MDY, "Dec 5 12pm", "2026-12-05T12:00"),
    ("dec", "UTC", MDY, "Dec 5 at 7.30pm", "2026-12-05T19:30"),
]


def test_the_corpus_is_large_and_covers_the_zones() -> None:
    assert len(CORPUS) >= 150
    assert {row[1] for row in CORPUS} >= {SEOUL, BERLIN, NEW_YORK, VANCOUVER, SYDNEY, "UTC"}


@pytest.mark.parametrize(("moment", "zone", "order", "typed", "expected"), CORPUS, ids=[r[3][:40] for r in CORPUS])
def test_each_phrase_means_its_instant_or_is_refused(
    moment: str, zone: str, order: DateOrder, typed: str, expected: str
) -> None:
    now = NOW[moment]
    if not expected.startswith("!"):
        parsed = check_start(typed, zone=zone, now=now, date_order=order)
        assert parsed.instant == datetime.fromisoformat(expected).replace(tzinfo=UTC)
        return
    with pytest.raises(InvalidInput) as caught:
        check_start(typed, zone=zone, now=now, date_order=order)
    message = caught.value.user_message
    for words in expected[1:].split("|"):
        assert words in message
    assert "x" * 101 not in message  # the input is quoted, cut to 100 characters at most
    assert len(message) <= 600
