"""Time polls through Discord at their edges: more bad input, tie-breaks, a DST change, a deadline
set through the command, what finalize carries over, and a burst of votes on 25 options."""

from __future__ import annotations

import asyncio
import csv
import io
import random
import re
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.db.models import Poll, PollStatus
from bot.services.polls import poll_results
from tests.e2e.harness import BotRunner, Server, build_server, poll_until, run_command
from tests.e2e.meetup_steps import fields_of, public_messages, stored_meetup
from tests.e2e.test_polls import button_id, day, make_poll, poll_message, select_of, vote
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord


def unix(text: str) -> int:
    """The instant of `YYYY-MM-DD HH:MM` in UTC, the server's default zone in these tests."""
    return int(datetime.fromisoformat(f"{text}:00+00:00").timestamp())


def meetup_message(emu: DiscordEmulator, server: Server, meetup_id: int) -> MessageRecord:
    return next(
        m
        for m in public_messages(emu, server.channel.id)
        if m.embeds and (m.embeds[0].get("footer") or {}).get("text") == f"Meetup #{meetup_id}"
    )


async def finalize(emu: DiscordEmulator, server: Server, poll_id: int, **options: object) -> int:
    done = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id, **options)
    found = re.search(r"is now meetup #(\d+)", done.content or "")
    assert found is not None, done.content
    return int(found.group(1))


async def test_more_bad_poll_inputs_are_refused_and_change_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    two = f"{day(5, 19)}; {day(6, 12)}"
    twenty_six = "; ".join(day(5 + n // 12, 8 + n % 12) for n in range(26))
    cases = [
        ({"options": twenty_six}, "A poll can offer at most 25 times; you gave 26."),
        ({"options": two, "closes": "2020-01-01 10:00"}, "The closing time `2020-01-01 10:00` is in the past"),
        ({"options": two, "closes": day(5, 20)}, "Voting must close before the earliest option"),
        ({"options": two, "closes": day(5, 19)}, "Voting must close before the earliest option"),
        ({"options": two, "closes": "when the cows come home"}, "The closing time (`when the cows come home`)"),
    ]
    for options, says in cases:
        ix = await run_command(emu, server, server.organizer, "meetup poll", title="Dinner", **options)
        assert ix.ephemeral and ix.content is not None and says in ix.content, (options, ix.content)
    assert public_messages(emu, server.channel.id) == []
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Poll)) == 0


async def test_finalize_breaks_ties_by_works_then_works_or_if_need_be_then_the_earliest(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    a, b, c = server.members[:3]
    # Options 2 and 3 tie on "works" (2 each); option 3 has one "if need be" more.
    poll_id = await make_poll(emu, server, options=f"{day(5, 19)}; {day(6, 12)}; {day(6, 19)}")
    await vote(emu, server, a, "Works for me", [2, 3])
    await vote(emu, server, b, "Works for me", [2, 3])
    await vote(emu, server, c, "Works for me", [1])
    await vote(emu, server, c, "If need be", [3])
    first = await finalize(emu, server, poll_id)
    assert (await stored_meetup(bot_running, first)).starts_at.timestamp() == unix(day(6, 19))
    await emu.wait_for_message(server.channel.id, lambda m: f"is set for <t:{unix(day(6, 19))}:F>" in m.content)

    # Every option even on both counts: the earliest wins, though it was typed second.
    poll_id = await make_poll(emu, server, options=f"{day(8, 19)}; {day(7, 19)}; {day(8, 12)}")
    await vote(emu, server, a, "Works for me", [1, 2, 3])
    await vote(emu, server, b, "If need be", [1, 2, 3])
    second = await finalize(emu, server, poll_id)
    assert (await stored_meetup(bot_running, second)).starts_at.timestamp() == unix(day(7, 19))
    await emu.wait_for_message(server.channel.id, lambda m: f"is set for <t:{unix(day(7, 19))}:F>" in m.content)


async def test_options_on_both_sides_of_a_dst_change_keep_the_instants_typed(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    """Berlin moves to summer time on 2027-03-28: 19:00 is 18:00 UTC before and 17:00 UTC after."""
    winter = int(datetime(2027, 3, 27, 18, 0, tzinfo=UTC).timestamp())
    summer = int(datetime(2027, 3, 29, 17, 0, tzinfo=UTC).timestamp())
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Spring dinner",
        options="2027-03-27 19:00; 2027-03-29 19:00",
        timezone="Europe/Berlin",
    )
    # The confirmation names the zone once, then each option as read in it.
    assert "Check the times as I read them in Europe/Berlin:" in (ix.content or "")
    assert f"1. <t:{winter}:F> (<t:{winter}:R>) = Sat 27 Mar 2027, 19:00\n" in (ix.content or "")
    assert f"2. <t:{summer}:F> (<t:{summer}:R>) = Mon 29 Mar 2027, 19:00" in (ix.content or "")
    message = poll_message(emu, server)
    description = message.embeds[0]["description"]
    assert f"**1.** <t:{winter}:F>" in description and f"**2.** <t:{summer}:F>" in description
    labels = [o["label"] for o in select_of(message, "Works for me")["options"]]  # type: ignore[union-attr]
    assert labels == ["1. Sat 27 Mar 2027, 19:00 (Europe/Berlin)", "2. Mon 29 Mar 2027, 19:00 (Europe/Berlin)"]
    poll_id = int(re.search(r"Poll #(\d+)", message.embeds[0]["footer"]["text"]).group(1))  # type: ignore[union-attr]
    meetup_id = await finalize(emu, server, poll_id, option=2)
    meetup = await stored_meetup(bot_running, meetup_id)
    assert meetup.starts_at.timestamp() == summer and meetup.timezone == "Europe/Berlin"
    assert f"<t:{summer}:F>" in fields_of(meetup_message(emu, server, meetup_id))["When"]


async def test_a_deadline_given_in_the_command_closes_the_poll_on_time(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    bot = bot_running.bot
    assert bot is not None
    deadline = int(time.time()) + 4
    poll_id = await make_poll(emu, server, closes=f"<t:{deadline}:F>")
    job = bot.scheduler.get_job(f"poll-close:{poll_id}")
    assert job is not None and job.next_run_time.timestamp() == deadline
    await vote(emu, server, server.members[0], "Works for me", [2])
    summary = await emu.wait_for_message(
        server.channel.id, lambda m: f"Poll #{poll_id}" in m.content and "is closed" in m.content, timeout=15
    )
    assert time.time() >= deadline  # not before its time
    assert time.time() < deadline + 5  # and within seconds of it
    assert "Best time: option 2" in summary.content and summary.pinged_user_ids == [server.organizer.id]
    menus = [c for row in poll_message(emu, server).components for c in row["components"] if c["type"] == 3]
    assert menus and all(m.get("disabled") for m in menus)
    async with bot.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None and poll.status == PollStatus.CLOSED


async def test_finalize_carries_description_place_and_duration(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(
        emu, server, description="Bring your poster tube.", where="Itaewon, Seoul", duration="90m", capacity=12
    )
    await vote(emu, server, server.members[0], "Works for me", [1])
    meetup_id = await finalize(emu, server, poll_id)
    meetup = await stored_meetup(bot_running, meetup_id)
    assert (meetup.description, meetup.location, meetup.capacity) == ("Bring your poster tube.", "Itaewon, Seoul", 12)
    assert meetup.ends_at - meetup.starts_at == timedelta(minutes=90)
    shown = meetup_message(emu, server, meetup_id)
    assert "Bring your poster tube." in shown.embeds[0]["description"]
    fields = fields_of(shown)
    assert fields["Duration"] == "1 hour 30 minutes" and "Itaewon, Seoul" in fields["Where"]


async def answered(handles: list[InteractionHandle]) -> None:
    await asyncio.gather(*(h.wait_final(timeout=60) for h in handles))


async def test_a_burst_of_300_votes_on_25_options(emu: DiscordEmulator, database_url: str) -> None:
    server = build_server(emu, member_count=250)
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        start = datetime.now(UTC) + timedelta(days=7)
        times = "; ".join(f"{start + timedelta(hours=3 * n):%Y-%m-%d %H:00}" for n in range(25))
        await make_poll(emu, server, title="Burst", options=times)
        message = poll_message(emu, server)
        works, maybe = select_of(message, "Works for me"), select_of(message, "If need be")
        values = [o["value"] for o in works["options"]]  # type: ignore[union-attr]
        rng = random.Random(4)
        ballots = []
        for number, member in enumerate(server.members[:250]):  # 250 "works", 50 of them "if need be" too
            yes = rng.sample(range(25), rng.randint(1, 12))
            ifs = rng.sample([n for n in range(25) if n not in yes], rng.randint(1, 4)) if number % 5 == 0 else []
            ballots.append((member, yes, ifs))
        edits_before = len(emu.message(message.id).edit_times)
        requests = [(works, m, yes) for m, yes, _ in ballots] + [(maybe, m, ifs) for m, _, ifs in ballots if ifs]
        handles = []
        for menu, member, chosen in requests:
            custom_id = str(menu["custom_id"])
            handles.append(
                await emu.select(server.channel.id, message.id, custom_id, [values[n] for n in chosen], member.id)
            )
            # Dispatching runs in the test's event loop, which the bot shares: without a yield the
            # bot could not read the first votes before the last was sent, past Discord's 3 seconds.
            await asyncio.sleep(0)
        await answered(handles)
        assert all((h.content or "").startswith("Your choices:") for h in handles), [h.content for h in handles][:3]
        expected = [(sum(n in yes for _, yes, _ in ballots), sum(n in ifs for _, _, ifs in ballots)) for n in range(25)]

        def shown() -> list[tuple[int, int]]:
            text = emu.message(message.id).embeds[0]["description"]
            return [(int(y), int(m)) for y, m in re.findall(r"✅ (\d+) · 🤷 (\d+)", text)]

        await poll_until(lambda: shown() == expected, what="the poll message to show every vote", timeout=20)
        assert runner.bot is not None
        async with runner.bot.db.reading() as session:
            poll = await session.scalar(select(Poll))
            assert poll is not None
            results = await poll_results(session, poll)
        assert [(len(t.yes), len(t.if_need_be)) for t in results.options] == expected
        assert len(handles) == 300 and len(results.voters) == 250
        # Coalesced: about one edit a second at most (a redraw waits a second after the previous one
        # began, so two may land closer when the first was slow), never Discord's 5 per 5 seconds.
        await asyncio.sleep(1.5)  # a redraw already under way lands
        edits = [t.timestamp() for t in emu.message(message.id).edit_times[edits_before:]]
        assert 1 <= len(edits) <= 2 + (edits[-1] - edits[0]), (len(handles), edits)
        assert all(sum(t <= e < t + 5 for e in edits) <= 5 for t in edits), edits

        # Results for 250 voters: the first ones in the answer, everyone in the CSV.
        ix = await emu.click_button(server.channel.id, message.id, button_id(message, "Results"), server.members[0].id)
        await ix.wait_final(timeout=10)
        assert ix.ephemeral and (ix.content or "").startswith("250 voters' choices are more than one Discord")
        (attachment,) = ix.attachments
        assert attachment.filename == f"poll-{poll.id}-votes.csv"
        rows = list(csv.reader(io.StringIO(attachment.data.decode())))
        assert len(rows) == 251
        columns = list(zip(*(row[2:] for row in rows[1:]), strict=True))
        assert [(col.count("works"), col.count("if need be")) for col in columns] == expected
    finally:
        await runner.stop()
