"""/meetup create through Discord: the message, the private answer, bad input, permissions."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.db.models import AuditLogEntry, Meetup
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    buttons_of,
    create_meetup,
    custom_id,
    fields_of,
    future,
    meetup_id_of,
    public_messages,
    stored_meetup,
    wait_for_field,
)
from tests.emulator import DiscordEmulator, Permission


async def stored_meetups(runner: BotRunner) -> list[Meetup]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return list((await session.scalars(select(Meetup))).all())


async def test_organizer_creates_a_meetup(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    ix, message = await create_meetup(
        emu,
        server,
        title="Karaoke night",
        when=future(),
        timezone="Asia/Seoul",
        where="Coex Mall",
        description="Bring your voice",
        capacity=12,
        duration="90m",
    )
    meetup = await stored_meetup(bot_running, meetup_id_of(message))
    unix = int(meetup.starts_at.timestamp())
    embed = message.embeds[0]
    assert embed["title"] == "Karaoke night"
    assert embed["description"] == "Bring your voice"
    fields = fields_of(message)
    assert fields["When"] == f"<t:{unix}:F> (<t:{unix}:R>)"
    assert fields["Where"] == "Coex Mall"
    assert fields["Organizer"] == f"<@{server.organizer.id}>"
    assert fields["Duration"] == "1 hour 30 minutes"
    assert fields["Going (0 / 12)"] == "—"
    assert fields["Waitlist (0)"] == "—"
    assert embed["footer"]["text"] == f"Meetup #{meetup.id}"
    assert [b["label"] for b in buttons_of(message)] == ["Going", "Maybe", "Can't go", "Add to calendar"]
    assert {name for name, r in message.reactions.items() if emu.bot_user_id in r.user_ids} == {"✅", "🤔", "❌"}
    assert message.pinged_user_ids == [] and not message.mention_everyone
    # The organizer sees the time as they read it, and a link, privately.
    assert ix.ephemeral
    assert ix.content is not None
    assert f"<t:{unix}:F>" in ix.content
    assert f"https://discord.com/channels/{server.guild.id}/{server.channel.id}/{message.id}" in ix.content
    assert "Asia/Seoul" in ix.content
    assert meetup.message_id == message.id


async def test_member_cannot_create(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    ix = await run_command(emu, server, server.member, "meetup create", title="Mine", when=future())
    assert ix.ephemeral
    assert ix.content is not None and ix.content.startswith("Only organizers")
    assert public_messages(emu, server.channel.id) == []


async def test_bad_input_is_explained_and_nothing_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    cases = {
        "2020-01-01 19:00": "in the past",
        "whenever": "couldn't understand `whenever`",
        "Dec 5": "no time of day",
    }
    for when, says in cases.items():
        ix = await run_command(emu, server, server.organizer, "meetup create", title="t", when=when)
        assert ix.ephemeral
        assert ix.content is not None and says in ix.content, ix.content
    zone = await run_command(emu, server, server.organizer, "meetup create", title="t", when=future(), timezone="EST")
    assert zone.content is not None and "`EST` is not a zone I can use" in zone.content
    for seats in (0, 10001):
        capacity = await run_command(
            emu, server, server.organizer, "meetup create", title="t", when=future(), capacity=seats
        )
        assert capacity.ephemeral
        assert capacity.content == "Capacity must be between 1 and 10,000; leave it empty for no limit."
    forever = await run_command(
        emu, server, server.organizer, "meetup create", title="t", when=future(), duration="forever"
    )
    assert forever.ephemeral
    assert forever.content == "I couldn't read the duration `forever`. Write it like `2h`, `90m` or `1h30m`."
    assert public_messages(emu, server.channel.id) == []
    assert await stored_meetups(bot_running) == []


async def test_a_channel_the_bot_cannot_post_in_is_named_with_the_missing_permission(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    closed = emu.create_text_channel(server.guild.id, "announcements")
    # A member overwrite on the bot itself, as an admin would set in the channel's permissions.
    emu.set_channel_overwrite(closed.id, emu.bot_user_id, deny=int(Permission.SEND_MESSAGES), target_type=1)
    ix = await run_command(emu, server, server.organizer, "meetup create", title="t", when=future(), channel=closed.id)
    assert ix.content is not None
    assert f"<#{closed.id}>" in ix.content and "Send Messages" in ix.content
    assert public_messages(emu, closed.id) == []


async def test_a_channel_without_add_reactions_is_named_with_the_missing_permission(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    quiet = emu.create_text_channel(server.guild.id, "no-reactions")
    emu.set_channel_overwrite(quiet.id, emu.bot_user_id, deny=int(Permission.ADD_REACTIONS), target_type=1)
    ix = await run_command(emu, server, server.organizer, "meetup create", title="t", when=future(), channel=quiet.id)
    assert ix.ephemeral
    assert ix.content == f"I can't post the meetup in <#{quiet.id}>: I'm missing Add Reactions there."
    assert public_messages(emu, quiet.id) == []
    assert await stored_meetups(bot_running) == []


async def test_a_full_length_title_and_300_answers_fit_in_the_message(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    title = ("Karaoke night at the Coex Mall " * 9)[:256].strip()
    title += "!" * (256 - len(title))
    _, message = await create_meetup(emu, server, title=title, capacity=100, description="d" * 1000)
    fans = [emu.create_member(server.guild.id, f"fan{i}").id for i in range(300)]
    # 200 Going (100 seats, 100 waitlisted), 50 Maybe, 50 Can't go: every list is longer than a field.
    labels = ["Going"] * 200 + ["Maybe"] * 50 + ["Can't go"] * 50
    clicks = [
        await emu.click_button(server.channel.id, message.id, custom_id(message, label), uid)
        for uid, label in zip(fans, labels, strict=True)
    ]
    await asyncio.gather(*(ix.wait_final(timeout=15) for ix in clicks))
    for name in ("Going (100 / 100)", "Waitlist (100)", "Maybe (50)", "Can't go (50)"):
        await wait_for_field(emu, message, name, lambda n, v: v.endswith(" more"), timeout=5)
    # Every edit passed the emulator's checks of Discord's schema and its 6,000-character total
    # (the test would fail on any refused request); the title is shown whole.
    embed = emu.message(message.id).embeds[0]
    assert embed["title"] == title and len(title) == 256
    assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    assert embed_length(embed) <= 6000
    assert all(call.ok for call in emu.calls_to("PATCH /channels/{channel_id}/messages/{message_id}"))


def embed_length(embed: dict[str, Any]) -> int:
    """What Discord counts towards an embed's 6,000 characters."""
    texts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    texts += [embed.get("author", {}).get("name", "")]
    texts += [part for f in embed.get("fields", []) for part in (f["name"], f["value"])]
    return sum(len(t) for t in texts)


async def test_titles_that_mention_everyone_ping_no_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(
        emu, server, title="@everyone @here party", description=f"<@&{server.organizers.id}>"
    )
    assert message.pinged_user_ids == [] and message.pinged_role_ids == [] and not message.mention_everyone


async def test_creation_is_audited_and_mirrored_as_a_scheduled_event(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, where="Coex")
    meetup = await stored_meetup(bot_running, meetup_id_of(message))
    assert meetup.scheduled_event_id is not None
    event = emu.state.scheduled_event(server.guild.id, meetup.scheduled_event_id)
    assert event.name == "Karaoke night"
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        actions = (await session.scalars(select(AuditLogEntry.action))).all()
    assert actions == ["meetup.create"]
