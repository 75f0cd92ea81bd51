"""Time polls through Discord: creating, voting with the menus, closing on time, finalizing."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.db.models import Poll, PollStatus, RsvpStatus
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import meetup_id_of, public_messages, stored_rsvps
from tests.emulator import DiscordEmulator, MessageRecord, User

POLL_FOOTER = re.compile(r"Poll #(\d+)")


def day(offset: int, hour: int) -> str:
    moment = datetime.now(UTC) + timedelta(days=offset)
    return f"{moment:%Y-%m-%d} {hour:02d}:00"


def poll_message(emu: DiscordEmulator, server: Server) -> MessageRecord:
    found = [
        m for m in public_messages(emu, server.channel.id) if m.embeds and "Poll #" in str(m.embeds[0].get("footer"))
    ]
    assert found, "no poll message"
    return found[-1]


def select_of(message: MessageRecord, placeholder: str) -> dict[str, object]:
    for row in message.components:
        for component in row["components"]:
            if component.get("placeholder", "").endswith(placeholder):
                return component
    raise AssertionError(f"no {placeholder!r} menu")


def button_id(message: MessageRecord, label: str) -> str:
    for row in message.components:
        for component in row["components"]:
            if component.get("label") == label:
                return str(component["custom_id"])
    raise AssertionError(f"no {label!r} button")


async def vote(emu: DiscordEmulator, server: Server, user: User, menu: str, numbers: list[int]) -> str:
    message = poll_message(emu, server)
    select = select_of(message, menu)
    options = select["options"]
    assert isinstance(options, list)
    values = [options[n - 1]["value"] for n in numbers]
    ix = await emu.select(server.channel.id, message.id, str(select["custom_id"]), values, user.id)
    await ix.wait_final(timeout=10)
    return ix.content or ""


async def make_poll(emu: DiscordEmulator, server: Server, **options: object) -> int:
    options.setdefault("title", "Dinner")
    options.setdefault("options", f"{day(5, 19)}; {day(6, 12)}; {day(6, 19)}")
    ix = await run_command(emu, server, server.organizer, "meetup poll", **options)
    assert ix.ephemeral and ix.content is not None and ix.content.startswith("Poll #"), ix.content
    match = POLL_FOOTER.search(poll_message(emu, server).embeds[0]["footer"]["text"])
    assert match is not None
    return int(match.group(1))


async def test_poll_message_menus_and_votes(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    await make_poll(emu, server, timezone="Asia/Seoul", closes="in 2 days")
    message = poll_message(emu, server)
    embed = message.embeds[0]
    assert embed["title"] == "Poll: Dinner"
    assert embed["description"].count("<t:") >= 4  # three options and the deadline
    works = select_of(message, "Works for me")
    assert [o["label"].split(" (")[-1] for o in works["options"]] == ["Asia/Seoul)"] * 3
    alice, bob = server.members[:2]
    reply = await vote(emu, server, alice, "Works for me", [1, 3])
    assert reply.startswith("Your choices:") and reply.count("<t:") == 2
    reply = await vote(emu, server, alice, "If need be", [3])  # the later choice wins
    assert "If need be: <t:" in reply
    await vote(emu, server, bob, "Works for me", [3])
    await emu.wait_for(
        lambda: "✅ 1 · 🤷 1" in poll_message(emu, server).embeds[0]["description"].split("**3.**")[1],
        what="the poll message to show the votes",
    )
    results = await emu.click_button(server.channel.id, message.id, button_id(message, "Results"), bob.id)
    await results.wait_final(timeout=10)
    assert results.ephemeral
    assert f"<@{alice.id}>" in results.embeds[0]["description"]
    cleared = await emu.click_button(server.channel.id, message.id, button_id(message, "Clear my votes"), alice.id)
    await cleared.wait_final(timeout=10)
    assert cleared.content == "Your 2 votes on this poll are cleared."  # option 1, and 3 as if need be
    again = await emu.click_button(server.channel.id, message.id, button_id(message, "Clear my votes"), alice.id)
    await again.wait_final(timeout=10)
    assert again.content == "You had no votes on this poll, so there was nothing to clear."


async def test_bad_options_are_named(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    cases = {
        f"{day(5, 19)}; {day(5, 19)}": "Option 2",
        f"{day(5, 19)}; 2020-01-01 10:00": "Option 2 (`2020-01-01 10:00`) is in the past",
        f"{day(5, 19)}; nope": "Option 2 (`nope`)",
        day(5, 19): "at least 2",
    }
    for options, says in cases.items():
        ix = await run_command(emu, server, server.organizer, "meetup poll", title="t", options=options)
        assert ix.content is not None and says in ix.content, ix.content
    member = await run_command(
        emu, server, server.member, "meetup poll", title="t", options=f"{day(5, 1)}; {day(5, 2)}"
    )
    assert member.content is not None and member.content.startswith("Only organizers")
    assert public_messages(emu, server.channel.id) == []


async def test_the_poll_closes_at_its_deadline_with_a_picture(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server, closes="in 2m")
    await vote(emu, server, server.members[0], "Works for me", [2])
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:  # bring the deadline close instead of waiting 2 minutes
        poll = await session.get(Poll, poll_id)
        assert poll is not None
        poll.closes_at = datetime.now(UTC) + timedelta(seconds=1)
    bot_running.bot.runtime.poll_deadlines.schedule(server.guild.id, poll_id, poll.closes_at)
    summary = await emu.wait_for_message(server.channel.id, lambda m: "is closed" in m.content, timeout=10)
    assert summary.pinged_user_ids == [server.organizer.id]
    assert "Best time: option 2" in summary.content
    (picture,) = summary.attachments
    image = Image.open(io.BytesIO(picture.data))
    assert image.format == "PNG" and picture.size < 10 * 1024 * 1024
    closed = poll_message(emu, server)
    menus = [c for row in closed.components for c in row["components"] if c["type"] == 3]
    assert menus and all(m.get("disabled") for m in menus)


async def test_a_vote_after_the_deadline_is_refused_before_the_message_shows_it(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server, closes="in 2h")
    await vote(emu, server, server.members[0], "Works for me", [1])
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:  # the deadline passed; no timer has run yet
        poll = await session.get(Poll, poll_id)
        assert poll is not None
        poll.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    assert await vote(emu, server, server.members[0], "Works for me", [2]) == "This poll is closed."
    assert await vote(emu, server, server.members[1], "If need be", [2]) == "This poll is closed."
    async with bot_running.bot.db.reading() as session:
        from bot.services.polls import poll_results

        poll = await session.get(Poll, poll_id)
        assert poll is not None
        results = await poll_results(session, poll)
    assert [len(t.yes) for t in results.options] == [1, 0, 0]


async def test_a_deadline_that_passed_while_the_bot_was_down_closes_at_start(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server, closes="in 2h")
    await bot_running.stop()
    from bot.db.database import Database

    database = Database.from_url(bot_running.database_url)
    async with database.transaction() as session:
        poll = await session.get(Poll, poll_id)
        assert poll is not None
        poll.closes_at = datetime.now(UTC) - timedelta(minutes=5)
    await database.dispose()
    await bot_running.start()
    summary = await emu.wait_for_message(server.channel.id, lambda m: "is closed" in m.content, timeout=10)
    assert f"Poll #{poll_id}" in summary.content


async def test_finalize_makes_the_meetup_with_the_voters(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server, capacity=1)
    a, b, c, d = server.members[:4]
    await vote(emu, server, a, "Works for me", [3])
    await vote(emu, server, b, "Works for me", [3])
    await vote(emu, server, c, "If need be", [3])
    await vote(emu, server, d, "Works for me", [1])
    refused = await run_command(emu, server, server.member, "meetup finalize", poll=poll_id)
    assert refused.content is not None and refused.content.startswith("Only organizers")
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert ix.content is not None and ix.content.startswith(f"Poll #{poll_id} is now meetup #")
    meetup_message = [m for m in public_messages(emu, server.channel.id) if m.embeds and "Meetup #" in str(m.embeds)][
        -1
    ]
    rsvps = await stored_rsvps(bot_running, meetup_id_of(meetup_message))
    assert [(r.user_id, r.status) for r in rsvps] == [
        (a.id, RsvpStatus.GOING),
        (b.id, RsvpStatus.WAITLISTED),
        (c.id, RsvpStatus.MAYBE),
    ]
    notice = await emu.wait_for_message(server.channel.id, lambda m: "is set for" in m.content)
    assert sorted(notice.pinged_user_ids) == sorted([a.id, b.id, c.id])
    await emu.wait_for(
        lambda: "Finalized" in poll_message(emu, server).embeds[0]["description"], what="the poll to show the result"
    )
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None and poll.status == PollStatus.FINALIZED


async def test_poll_close_stops_voting(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    poll_id = await make_poll(emu, server)
    ix = await run_command(emu, server, server.organizer, "meetup poll-close", poll=poll_id)
    assert ix.content == f"Poll #{poll_id} is closed; its results stay visible."
    await poll_until(
        lambda: all(
            c.get("disabled")
            for row in poll_message(emu, server).components
            for c in row["components"]
            if c["type"] == 3
        ),
        what="the menus to be disabled",
    )
    again = await run_command(emu, server, server.organizer, "meetup poll-close", poll=poll_id)
    assert again.content == f"Poll #{poll_id} is already closed."
