"""The live board through Discord: set up by organizers in a channel the bot may post in, kept up
to date with answers and changes, public items only, posted again when deleted, kept across a
restart, and removed with `off`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import GuildSettings
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import click, create_meetup, future, meetup_id_of, move_meetup, public_messages
from tests.e2e.test_polls import make_poll, vote
from tests.e2e.test_upcoming import staff_only_channel
from tests.emulator import DiscordEmulator, MessageRecord, Permission

BOARD_WAIT = 15.0  # the board is edited at most every 5 seconds, after a 1-second gathering


def boards(emu: DiscordEmulator, channel_id: int) -> list[MessageRecord]:
    return [m for m in public_messages(emu, channel_id) if m.embeds and m.embeds[0].get("title") == "Coming up"]


def board_text(emu: DiscordEmulator, channel_id: int) -> str:
    found = boards(emu, channel_id)
    assert len(found) == 1, f"{len(found)} boards in the channel"
    return str(found[0].embeds[0].get("description", ""))


async def wait_board(emu: DiscordEmulator, channel_id: int, predicate: object, what: str) -> str:
    assert callable(predicate)

    def check() -> str | None:
        found = boards(emu, channel_id)
        if len(found) != 1:
            return None
        text = str(found[0].embeds[0].get("description", ""))
        return text if predicate(text) else None

    return await emu.wait_for(check, timeout=BOARD_WAIT, what=what)


async def stored_board(runner: BotRunner, guild_id: int) -> tuple[int | None, int | None]:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        row = await session.scalar(select(GuildSettings).where(GuildSettings.guild_id == guild_id))
    return (row.board_channel_id, row.board_message_id) if row is not None else (None, None)


async def test_the_board_follows_answers_and_changes_shows_public_items_and_is_removed(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    board = emu.create_text_channel(server.guild.id, "whats-on")
    _, karaoke = await create_meetup(emu, server, title="Karaoke", when=future(days=3), capacity=5)
    staff = staff_only_channel(emu, server)
    await create_meetup(emu, server, title="Staff briefing", when=future(days=2), channel=staff)

    ix = await run_command(emu, server, server.organizer, "settings board", channel=board.id)
    assert ix.ephemeral and f"The board is in <#{board.id}> now" in (ix.content or "")
    text = board_text(emu, board.id)
    assert "Karaoke" in text and "5 of 5 seats left" in text
    assert "Staff briefing" not in text  # its channel is not public, even to the organizers' board
    assert "you:" not in text  # nobody's own answer on a public board

    await click(emu, server, karaoke, "Going", server.member)
    await wait_board(emu, board.id, lambda t: "4 of 5 seats left" in t, "the board to count the seat taken")

    await create_meetup(emu, server, title="Hike", when=future(days=1))
    await wait_board(emu, board.id, lambda t: "Hike" in t and t.index("Hike") < t.index("Karaoke"), "the new meetup")

    cancelled = await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id_of(karaoke))
    assert cancelled.ephemeral
    await wait_board(emu, board.id, lambda t: "Karaoke" not in t, "the cancelled meetup to leave the board")

    off = await run_command(emu, server, server.organizer, "settings board", off=True)
    assert "is deleted" in (off.content or "")
    assert boards(emu, board.id) == []
    assert await stored_board(bot_running, server.guild.id) == (None, None)
    await create_meetup(emu, server, title="Picnic", when=future(days=4))
    assert boards(emu, board.id) == []


async def test_a_board_deleted_by_hand_is_posted_again_and_kept_across_a_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    board = emu.create_text_channel(server.guild.id, "whats-on")
    _, karaoke = await create_meetup(emu, server, title="Karaoke", when=future(days=3), capacity=5)
    await run_command(emu, server, server.organizer, "settings board", channel=board.id)
    first = boards(emu, board.id)[0]

    emu.delete_message(board.id, first.id)
    await wait_board(emu, board.id, lambda t: "Karaoke" in t, "the board to be posted again")
    again = boards(emu, board.id)[0]
    assert again.id != first.id

    async def stored_again() -> bool:
        return await stored_board(bot_running, server.guild.id) == (board.id, again.id)

    await poll_until(stored_again, what="the new board message to be stored")

    await bot_running.restart()
    await click(emu, server, karaoke, "Going", server.member)
    await wait_board(emu, board.id, lambda t: "4 of 5 seats left" in t, "the board to follow after the restart")
    assert [m.id for m in boards(emu, board.id)] == [again.id]  # the same message, edited


async def test_a_missing_permission_or_a_member_gets_a_clear_answer_and_nothing_is_made(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    board = emu.create_text_channel(server.guild.id, "whats-on")
    emu.set_channel_overwrite(board.id, emu.bot_user_id, deny=int(Permission.EMBED_LINKS), target_type=1)
    ix = await run_command(emu, server, server.organizer, "settings board", channel=board.id)
    assert ix.ephemeral
    assert ix.content == f"I can't post the board in <#{board.id}>: I'm missing Embed Links there."
    assert public_messages(emu, board.id) == []
    assert await stored_board(bot_running, server.guild.id) == (None, None)

    emu.set_channel_overwrite(board.id, emu.bot_user_id, target_type=1)
    refused = await run_command(emu, server, server.member, "settings board", channel=board.id)
    assert refused.ephemeral and (refused.content or "").startswith("Only organizers can do that")
    assert public_messages(emu, board.id) == []
    assert await stored_board(bot_running, server.guild.id) == (None, None)

    where = await run_command(emu, server, server.member, "settings board")
    assert where.ephemeral and "no board" in (where.content or "")


async def test_the_board_follows_polls_and_meetups_moving_on_in_their_lifecycle(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    board = emu.create_text_channel(server.guild.id, "whats-on")
    _, karaoke = await create_meetup(emu, server, title="Karaoke", when=future(days=3))
    poll_id = await make_poll(emu, server, title="Board games")
    await run_command(emu, server, server.organizer, "settings board", channel=board.id)
    text = board_text(emu, board.id)
    assert f"Poll #{poll_id}" in text and "0 voted" in text

    await vote(emu, server, server.member, "Works for me", [1])
    await wait_board(emu, board.id, lambda t: "1 voted" in t, "the board to count the vote")

    await move_meetup(bot_running, meetup_id_of(karaoke), starts_in=timedelta(minutes=-5))
    await wait_board(emu, board.id, lambda t: "under way" in t, "the meetup under way")
    await move_meetup(bot_running, meetup_id_of(karaoke), starts_in=timedelta(hours=-3))
    await wait_board(emu, board.id, lambda t: "Karaoke" not in t, "the meetup over to leave the board")

    closed = await run_command(emu, server, server.organizer, "meetup poll-close", poll=poll_id)
    assert closed.ephemeral
    await wait_board(emu, board.id, lambda t: "Nothing is coming up" in t, "the closed poll to leave the board")


async def test_a_board_deleted_while_the_bot_was_down_is_posted_again_at_start(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    board = emu.create_text_channel(server.guild.id, "whats-on")
    await create_meetup(emu, server, title="Karaoke", when=future(days=3))
    await run_command(emu, server, server.organizer, "settings board", channel=board.id)
    first = boards(emu, board.id)[0]
    await bot_running.stop()
    emu.delete_message(board.id, first.id)
    await bot_running.start()
    await wait_board(emu, board.id, lambda t: "Karaoke" in t, "the board to be posted again at start")
    assert boards(emu, board.id)[0].id != first.id
