"""Steps that several end-to-end tests share: creating a meetup, clicking, reading what the bot shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.db.models import AuditLogEntry, Meetup, Poll, PollOption, Rsvp
from bot.services.errors import DomainError
from tests.e2e.harness import BotRunner, Server, run_command
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord, User

FOOTER = re.compile(r"Meetup #(\d+)")

# Discord's documented per-channel buckets: 5 messages posted, and 5 edits, per 5 seconds.
DISCORD_CHANNEL_LIMITS = {
    "POST /channels/{channel_id}/messages": (5, 5.0),
    "PATCH /channels/{channel_id}/messages/{message_id}": (5, 5.0),
}


def limit_like_discord(emu: DiscordEmulator) -> None:
    """Turn on the emulator's rate limits where a burst hits them, so a 429 would be seen."""
    for route, (limit, per) in DISCORD_CHANNEL_LIMITS.items():
        emu.configure_rate_limit(route, limit=limit, per=per)


def future(days: int = 10, hour: int = 19) -> str:
    """A start time that is always ahead, typed as an organizer would."""
    day = datetime.now(UTC) + timedelta(days=days)
    return f"{day:%Y-%m-%d} {hour:02d}:00"


async def create_meetup(
    emu: DiscordEmulator, server: Server, *, by: User | None = None, **options: Any
) -> tuple[InteractionHandle, MessageRecord]:
    options.setdefault("title", "Karaoke night")
    options.setdefault("when", future())
    ix = await run_command(emu, server, by or server.organizer, "meetup create", **options)
    channel_id = int(options.get("channel") or server.channel.id)
    messages = [m for m in public_messages(emu, channel_id) if m.embeds and FOOTER.search(str(m.embeds))]
    assert messages, f"no meetup message was posted; the bot answered {ix.content!r}"
    return ix, messages[-1]


def public_messages(emu: DiscordEmulator, channel_id: int) -> list[MessageRecord]:
    """What every member sees in the channel: no private answers, nothing deleted."""
    return [m for m in emu.channel_messages(channel_id) if not m.ephemeral]


def meetup_id_of(message: MessageRecord) -> int:
    match = FOOTER.search(message.embeds[0]["footer"]["text"])
    assert match is not None
    return int(match.group(1))


def fields_of(message: MessageRecord) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0].get("fields", [])}


def buttons_of(message: MessageRecord) -> list[dict[str, Any]]:
    return [c for row in message.components for c in row.get("components", [])]


def custom_id(message: MessageRecord, label: str) -> str:
    for button in buttons_of(message):
        if button.get("label") == label:
            return str(button["custom_id"])
    raise AssertionError(f"no {label!r} button on the message")


async def click(
    emu: DiscordEmulator, server: Server, message: MessageRecord, label: str, user: User
) -> InteractionHandle:
    ix = await emu.click_button(server.channel.id, message.id, custom_id(message, label), user.id)
    await ix.wait_final(timeout=10)
    return ix


async def stored_rsvps(runner: BotRunner, meetup_id: int) -> list[Rsvp]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        rows = await session.scalars(select(Rsvp).where(Rsvp.meetup_id == meetup_id).order_by(Rsvp.id))
        return list(rows.all())


async def audit_log(runner: BotRunner) -> list[AuditLogEntry]:
    """The audit log, oldest entry first."""
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        rows = await session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id))
        return list(rows.all())


async def stored_meetup(runner: BotRunner, meetup_id: int) -> Meetup:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        meetup = await session.get(Meetup, meetup_id)
    if meetup is None:
        raise DomainError(f"meetup {meetup_id} is not stored")
    return meetup


async def wait_for_field(
    emu: DiscordEmulator, message: MessageRecord, name_prefix: str, predicate: Any, timeout: float = 5.0
) -> str:
    """Wait until the meetup message's field starting with `name_prefix` satisfies `predicate`."""

    def check() -> str | None:
        for name, value in fields_of(emu.message(message.id)).items():
            if name.startswith(name_prefix) and predicate(name, value):
                return f"{name}: {value}"
        return None

    return await emu.wait_for(check, timeout=timeout, what=f"field {name_prefix!r} to change")


async def move_meetup(runner: BotRunner, meetup_id: int, *, starts_in: timedelta, sweep: bool = True) -> Meetup:
    """Move a meetup in time as the clock would (its length kept; `starts_in` below zero is in the
    past), with the poll time it was chosen from, then let the phase timer redraw its message
    (`sweep` False: as between two sweeps, when the message still shows where it was)."""
    assert runner.bot is not None
    bot = runner.bot
    async with bot.db.transaction() as session:
        meetup = await session.get(Meetup, meetup_id)
        assert meetup is not None
        start = datetime.now(UTC).replace(microsecond=0) + starts_in
        await session.execute(
            update(PollOption)
            .where(
                PollOption.starts_at == meetup.starts_at,
                PollOption.poll_id.in_(select(Poll.id).where(Poll.meetup_id == meetup_id)),
            )
            .values(starts_at=start)
        )
        meetup.starts_at, meetup.ends_at = start, start + (meetup.ends_at - meetup.starts_at)
    if sweep:
        await bot.runtime.meetup_phases.sweep()
    return await stored_meetup(runner, meetup_id)
