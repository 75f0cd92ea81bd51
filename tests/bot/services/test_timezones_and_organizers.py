from __future__ import annotations

import pytest

from bot.services.errors import InvalidInput, UnknownTimezone
from bot.services.organizers import ADMINISTRATOR, MANAGE_EVENTS, MANAGE_GUILD, Actor, is_organizer
from bot.services.timezones import resolve_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("asia/seoul", "Asia/Seoul"),
        ("AMERICA/VANCOUVER", "America/Vancouver"),
        ("America/New York", "America/New_York"),
        ("utc", "UTC"),
        ("Etc/UTC", "UTC"),
        ("GMT", "UTC"),
        ("KST", "Asia/Seoul"),
        ("jst", "Asia/Tokyo"),
        # Old names the zone database keeps as links give the zone they stand for today.
        ("US/Pacific", "America/Los_Angeles"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("europe/kiev", "Europe/Kyiv"),
        ("Japan", "Asia/Tokyo"),
    ],
)
def test_zone_names_are_resolved_case_insensitively(typed: str, canonical: str) -> None:
    assert resolve_timezone(typed) == canonical


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Mars/Olympus", "I don't know the time zone `Mars/Olympus`"),
        ("../etc/passwd", "I don't know the time zone `../etc/passwd`"),
        ("Europe/Berln", "Did you mean `Europe/Berlin`?"),
        ("Seoul", "Did you mean `Asia/Seoul`?"),
    ],
)
def test_unknown_zone_names_are_refused_with_the_zones_meant(typed: str, says: str) -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone(typed)
    assert says in caught.value.user_message


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Give a time zone"),
        ("EST", "Name the place instead, like `America/New_York` or `America/Toronto`"),
        ("CET", "`Europe/Berlin`, `Europe/Paris` or `Europe/Rome`"),
        ("IST", "`Asia/Kolkata`, `Europe/Dublin` or `Asia/Jerusalem`"),
        ("PST8PDT", "`America/Los_Angeles` or `America/Vancouver`"),
        ("Etc/GMT-9", "is a fixed UTC+09:00 (these names have the sign reversed)"),
        ("America", "`America` is a region of the zone database, not a zone: add the place, like `America/New_York`"),
        ("america/argentina", "like `America/Argentina/Buenos_Aires`"),
    ],
)
def test_legacy_names_folders_and_nothing_are_refused_saying_what_to_write(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        resolve_timezone(typed)
    assert says in caught.value.user_message


def test_a_zone_name_of_300_characters_is_refused_quoting_at_most_100() -> None:
    with pytest.raises(UnknownTimezone) as caught:
        resolve_timezone("Europe/" + "x" * 293)
    message = caught.value.user_message
    assert "I don't know the time zone `Europe/xxx" in message
    assert "x" * 100 not in message
    assert len(message) < 300


def test_suggestions_prefer_prefixes_and_fit_discord() -> None:
    assert suggest_timezones("Europe/Be")[:2] == ["Europe/Belgrade", "Europe/Berlin"]
    assert "Asia/Seoul" in suggest_timezones("seoul")
    assert suggest_timezones("new york")[0] == "America/New_York"
    assert len(suggest_timezones("")) == 25
    assert all(len(z) <= 100 for z in suggest_timezones("a"))


@pytest.mark.parametrize("typed", ["US/", "calcutta", "Europe/Kiev", "GB", "EST"])
def test_suggestions_never_offer_an_old_alias(typed: str) -> None:
    suggested = suggest_timezones(typed)
    assert not {"US/Pacific", "US/Eastern", "Asia/Calcutta", "Europe/Kiev", "GB", "EST", "CET"} & set(suggested)
    every_name = suggest_timezones("", limit=1000)
    assert set(suggested) <= set(every_name)
    assert "US/Pacific" not in every_name and "Europe/Kyiv" in every_name


def test_an_alias_or_abbreviation_suggests_the_zone_it_stands_for() -> None:
    assert suggest_timezones("calcutta") == ["Asia/Kolkata"]
    assert suggest_timezones("EST")[:2] == ["America/New_York", "America/Toronto"]
    assert suggest_timezones("kst")[0] == "Asia/Seoul"


@pytest.mark.parametrize("permissions", [MANAGE_EVENTS, MANAGE_GUILD, ADMINISTRATOR])
def test_permissions_that_make_an_organizer(permissions: int) -> None:
    assert is_organizer(Actor(user_id=1, permissions=permissions), organizer_role_id=None)


def test_the_organizer_role_makes_an_organizer() -> None:
    assert is_organizer(Actor(user_id=1, permissions=0, role_ids=[5]), organizer_role_id=5)
    assert not is_organizer(Actor(user_id=1, permissions=0, role_ids=[6]), organizer_role_id=5)
    assert not is_organizer(Actor(user_id=1, permissions=0, role_ids=[5]), organizer_role_id=None)
