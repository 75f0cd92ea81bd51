from __future__ import annotations

import pytest

from bot.services.errors import UnknownTimezone
from bot.services.organizers import ADMINISTRATOR, MANAGE_EVENTS, MANAGE_GUILD, Actor, is_organizer
from bot.services.timezones import resolve_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [("Europe/Berlin", "Europe/Berlin"), ("asia/seoul", "Asia/Seoul"), ("America/New York", "America/New_York")],
)
def test_zone_names_are_resolved_case_insensitively(typed: str, canonical: str) -> None:
    assert resolve_timezone(typed) == canonical


@pytest.mark.parametrize("typed", ["", "Mars/Olympus", "../etc/passwd", "KST"])
def test_unknown_zone_names_are_refused(typed: str) -> None:
    with pytest.raises(UnknownTimezone):
        resolve_timezone(typed)


def test_suggestions_prefer_prefixes_and_fit_discord() -> None:
    assert suggest_timezones("Europe/Be")[:2] == ["Europe/Belfast", "Europe/Belgrade"]
    assert "Asia/Seoul" in suggest_timezones("seoul")
    assert len(suggest_timezones("")) == 25
    assert all(len(z) <= 100 for z in suggest_timezones("a"))


@pytest.mark.parametrize("permissions", [MANAGE_EVENTS, MANAGE_GUILD, ADMINISTRATOR])
def test_permissions_that_make_an_organizer(permissions: int) -> None:
    assert is_organizer(Actor(user_id=1, permissions=permissions), organizer_role_id=None)


def test_the_organizer_role_makes_an_organizer() -> None:
    assert is_organizer(Actor(user_id=1, permissions=0, role_ids=[5]), organizer_role_id=5)
    assert not is_organizer(Actor(user_id=1, permissions=0, role_ids=[6]), organizer_role_id=5)
    assert not is_organizer(Actor(user_id=1, permissions=0, role_ids=[5]), organizer_role_id=None)
