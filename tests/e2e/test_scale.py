"""Two bot processes, each with its own shard, on one database; one is killed mid-burst."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import discord
import pytest
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import (
    Meetup,
    PollOption,
    PollVote,
    Reminder,
    ReminderKind,
    ReminderState,
    Rsvp,
    RsvpStatus,
    VoteKind,
)
from tests.e2e.bot_process import BotProcess
from tests.e2e.harness import Server, build_server, run_command
from tests.e2e.meetup_steps import custom_id, public_messages
from tests.e2e.reminder_steps import reminder_posts, starts_in
from tests.e2e.test_polls import vote
from tests.emulator import DiscordEmulator, InteractionHandle
from tests.emulator.snowflakes import shard_of

pytestmark = pytest.mark.slow

CAPACITY = 5
CLICKS = 12  # per meetup
LEASE = 8  # seconds: long enough that process 0 still holds its claim when it is killed
POLL_OPTIONS = "2027-01-10 19:00; 2027-01-11 19:00"


def servers_on_both_shards(emu: DiscordEmulator) -> list[Server]:
    servers: list[Server] = []
    while sorted(shard_of(s.guild.id, 2) for s in servers) != [0, 0, 1, 1]:
        server = build_server(emu, member_count=CLICKS)
        if [shard_of(s.guild.id, 2) for s in servers].count(shard_of(server.guild.id, 2)) < 2:
            servers.append(server)
    return servers


async def poll_votes(database_url: str) -> dict[tuple[int, int], int]:
    """(poll id, option position + 1) -> votes of "works for me"."""
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            rows = await session.execute(
                select(PollVote.poll_id, PollOption.position, func.count())
                .join(PollOption, PollOption.id == PollVote.option_id)
                .where(PollVote.kind == VoteKind.YES)
                .group_by(PollVote.poll_id, PollOption.position)
            )
            return {(poll_id, position + 1): count for poll_id, position, count in rows}
    finally:
        await database.dispose()


async def stored(database_url: str) -> tuple[list[Meetup], list[Rsvp], list[Reminder]]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            meetups = list((await session.scalars(select(Meetup).order_by(Meetup.id))).all())
            rsvps = list((await session.scalars(select(Rsvp))).all())
            reminders = list((await session.scalars(select(Reminder))).all())
            return meetups, rsvps, reminders
    finally:
        await database.dispose()


def server_on_shard(emu: DiscordEmulator, shard: int) -> Server:
    while shard_of((server := build_server(emu)).guild.id, 2) != shard:
        pass
    return server


async def reminder_being_sent(database_url: str, guild_id: int) -> Reminder:
    while True:
        _, _, reminders = await stored(database_url)
        [row] = [r for r in reminders if r.guild_id == guild_id and r.kind == ReminderKind.BEFORE]
        if row.state == ReminderState.SENDING:
            return row
        await asyncio.sleep(0.05)


async def test_a_process_killed_mid_burst_loses_nothing_and_the_other_posts_every_reminder_once(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    servers = servers_on_both_shards(emu)
    held = server_on_shard(emu, 0)  # its reminder is being posted by process 0 when that one dies
    processes = {}
    for shard in (0, 1):
        workdir = tmp_path / f"shard{shard}"
        workdir.mkdir()
        env = {"SHARD_COUNT": "2", "SHARD_IDS": str(shard), "REMINDER_LEASE_SECONDS": str(LEASE)}
        processes[shard] = BotProcess(emu, database_url, workdir, **env)
    await processes[0].start()  # the first one migrates the database
    await processes[1].start()
    try:
        # Each organizer's command reaches the process that runs their server's shard.
        messages = {}
        for server in servers:
            ix = await emu.slash_command(
                server.guild.id,
                server.channel.id,
                server.organizer.id,
                "meetup create",
                title=f"Session on shard {shard_of(server.guild.id, 2)}",
                when=starts_in(75),
                capacity=CAPACITY,
                reminders="1m",
            )
            await ix.wait_final(timeout=15)
            assert (ix.content or "").startswith("Meetup #"), ix.content
            messages[server.guild.id] = next(m for m in public_messages(emu, server.channel.id) if m.embeds)

        # A poll in each server, answered by three members, on both processes while both live.
        for server in servers:
            await run_command(emu, server, server.organizer, "meetup poll", title="Next time", options=POLL_OPTIONS)
            for member in server.members[:3]:
                await vote(emu, server, member, "Works for me", [2])

        # A meetup on process 0's shard whose reminder is due in a few seconds; process 0 planned it,
        # so its timer claims it. The emulator holds the post's answer (and then refuses it), so the
        # claim is still open when process 0 dies.
        await run_command(emu, held, held.organizer, "meetup create", title="Held", when=starts_in(63), reminders="1m")
        emu.inject_fault(
            "POST", "/channels/{channel_id}/messages", status=500, hold_seconds=15, channel_id=held.channel.id
        )
        claim = await asyncio.wait_for(reminder_being_sent(database_url, held.guild.id), timeout=15)
        assert processes[0].process is not None
        dead_worker = claim.claimed_by
        assert dead_worker is not None and dead_worker.split(":")[1] == str(processes[0].process.pid)

        clicks: list[tuple[Server, int, InteractionHandle]] = []
        for round_ in range(CLICKS):
            if round_ == CLICKS // 2:
                await processes[0].kill()  # mid-burst, with no warning at all
                killed_at = discord.utils.utcnow()
            for server in servers:
                message = messages[server.guild.id]
                user = server.members[round_]
                handle = await emu.click_button(server.channel.id, message.id, custom_id(message, "Going"), user.id)
                clicks.append((server, user.id, handle))
        # A click for the dead process's shard is never answered (Discord says the interaction failed).
        await asyncio.gather(*(h.wait_final(timeout=10) for _, _, h in clicks), return_exceptions=True)

        # Every reminder, those of the dead process's servers too, is posted once, by the survivor.
        for _ in range(400):
            _, _, reminders = await stored(database_url)
            before = [r for r in reminders if r.kind == ReminderKind.BEFORE]
            if len(before) == len(servers) + 1 and all(r.state == ReminderState.SENT for r in before):
                break
            await asyncio.sleep(0.1)
    finally:
        for process in processes.values():
            await process.stop()

    meetups, rsvps, reminders = await stored(database_url)
    [held_meetup] = [m for m in meetups if m.guild_id == held.guild.id]
    meetups = [m for m in meetups if m is not held_meetup]
    assert len(meetups) == len(servers)
    assert await poll_votes(database_url) == {(p, 2): 3 for p in range(1, len(servers) + 1)}
    confirmed = {
        (server.guild.id, user_id)
        for server, user_id, handle in clicks
        if re.match(r"You're going|The meetup is full", handle.content or "")
    }
    guild_of = {m.id: m.guild_id for m in meetups}
    stored_answers = {(guild_of[r.meetup_id], r.user_id) for r in rsvps}
    assert confirmed == stored_answers, "every confirmed click is stored, and only those"
    for meetup in meetups:
        going = [r for r in rsvps if r.meetup_id == meetup.id and r.status == RsvpStatus.GOING]
        waiting = sorted(
            r.waitlist_position or 0 for r in rsvps if r.meetup_id == meetup.id and r.status == RsvpStatus.WAITLISTED
        )
        assert len(going) <= CAPACITY
        assert len(waiting) == len(set(waiting))  # no two members share a place in the queue
        on_live_shard = shard_of(meetup.guild_id, 2) == 1
        if on_live_shard:
            assert (len(going), len(waiting)) == (CAPACITY, CLICKS - CAPACITY)
    before = [r for r in reminders if r.kind == ReminderKind.BEFORE]
    assert len(before) == len(servers) + 1 and all(r.state == ReminderState.SENT for r in before)
    for server in [*servers, held]:
        assert len(reminder_posts(emu, server)) == 1, server.guild.id
    # Process 0 died holding the claim (its lease still running); the survivor took it over after
    # the lease and posted it: once, on its second attempt.
    [taken_over] = [r for r in before if r.meetup_id == held_meetup.id]
    assert claim.lease_until is not None and claim.lease_until > killed_at
    assert taken_over.claimed_by != dead_worker and taken_over.attempts == 2
    assert taken_over.message_id == reminder_posts(emu, held)[0].id
