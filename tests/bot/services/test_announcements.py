"""Reading the `ping` option and Discord's rule for who may ping what, without Discord."""

from __future__ import annotations

import pytest

from bot.services.announcements import (
    MENTION_EVERYONE,
    Announcement,
    ServerRole,
    read_ping,
    require_may_announce,
)
from bot.services.channel_rights import ChannelRights
from bot.services.errors import DomainError

GUILD = 900_000_000_000_000_001
CREW = ServerRole(900_000_000_000_000_002, "Seoul crew", mentionable=True)
QUIET = ServerRole(900_000_000_000_000_003, "Speakers", mentionable=False)
TWINS = [ServerRole(900_000_000_000_000_004, "Staff", True), ServerRole(900_000_000_000_000_005, "staff", True)]
ROLES = [ServerRole(GUILD, "@everyone", False), CREW, QUIET, *TWINS]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (None, None),
        ("  ", None),
        ("none", None),
        ("@everyone", Announcement(everyone="everyone")),
        ("HERE", Announcement(everyone="here")),
        (f"<@&{GUILD}>", Announcement(everyone="everyone")),  # the @everyone role, picked
        (f"<@&{CREW.id}>", Announcement(role_id=CREW.id)),
        (str(QUIET.id), Announcement(role_id=QUIET.id)),
        ("@seoul CREW", Announcement(role_id=CREW.id)),
    ],
)
def test_ping_is_a_role_or_everyone_or_here(typed: str | None, expected: Announcement | None) -> None:
    assert read_ping(typed, guild_id=GUILD, roles=ROLES) == expected


@pytest.mark.parametrize(
    ("typed", "start"),
    [("Busan crew", "I can't find a role `Busan crew`"), ("staff", "More than one role is called `staff`")],
)
def test_an_unknown_or_ambiguous_role_is_refused(typed: str, start: str) -> None:
    with pytest.raises(DomainError) as refused:
        read_ping(typed, guild_id=GUILD, roles=ROLES)
    assert refused.value.user_message.startswith(start)


def rights(*, member: bool, bot: bool) -> ChannelRights:
    return ChannelRights("<#1>", MENTION_EVERYONE if member else 0, MENTION_EVERYONE if bot else 0)


@pytest.mark.parametrize("announcement", [Announcement(everyone="everyone"), Announcement(role_id=QUIET.id)])
def test_everyone_here_and_unmentionable_roles_need_mention_everyone_of_both(announcement: Announcement) -> None:
    require_may_announce(announcement, rights=rights(member=True, bot=True), roles=ROLES, what="meetup")
    for member, bot, start in ((False, True, "You can't ping"), (True, False, "I can't ping")):
        with pytest.raises(DomainError) as refused:
            require_may_announce(announcement, rights=rights(member=member, bot=bot), roles=ROLES, what="meetup")
        assert refused.value.user_message.startswith(start)
        assert "Nothing was posted" in refused.value.user_message


def test_a_mentionable_role_needs_nothing() -> None:
    require_may_announce(
        Announcement(role_id=CREW.id), rights=rights(member=False, bot=False), roles=ROLES, what="poll"
    )
