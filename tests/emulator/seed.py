"""Ready-made worlds for running the bot against the emulator by hand or in benchmarks."""

from __future__ import annotations

from collections.abc import Callable

from .emulator import DiscordEmulator
from .permissions import Permission


def seed_demo(emu: DiscordEmulator) -> None:
    """One conference community: organizers, members in several time zones, one who refuses DMs."""
    guild = emu.create_guild("ICCV Seoul Meetups")
    emu.create_text_channel(guild.id, "general", topic="Say hello")
    emu.create_text_channel(guild.id, "meetups", topic="Meetups and polls")
    announcements = emu.create_text_channel(guild.id, "announcements")
    organizers = emu.create_role(guild.id, "Organizers", permissions=int(Permission.MANAGE_EVENTS), mentionable=True)
    emu.set_channel_overwrite(announcements.id, guild.id, deny=int(Permission.SEND_MESSAGES))
    emu.create_member(guild.id, "minji", roles=[organizers], locale="ko")
    emu.create_member(guild.id, "alice", locale="en-US")
    emu.create_member(guild.id, "bruno", locale="pt-BR")
    emu.create_member(guild.id, "chen", locale="zh-CN")
    emu.create_member(guild.id, "dana", accepts_dms=False, locale="de")


def seed_crowd(emu: DiscordEmulator, members: int = 1000) -> None:
    """A large guild for load tests: an organizer and `members` members (member00000 ...) in one channel."""
    guild = emu.create_guild("Crowd")
    emu.create_text_channel(guild.id, "meetups")
    organizers = emu.create_role(guild.id, "Organizers", permissions=int(Permission.MANAGE_EVENTS))
    emu.create_member(guild.id, "organizer", roles=[organizers])
    for index in range(members):
        emu.create_member(guild.id, f"member{index:05d}")


SEEDS: dict[str, Callable[[DiscordEmulator], None]] = {"demo": seed_demo, "crowd": seed_crowd}
