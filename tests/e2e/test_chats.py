"""One-to-one chat requests through Discord: asked, accepted, countered, declined, lapsed, limited,
blocked and cancelled, with DMs open and closed, and the reminder of an accepted chat posted once
across a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.db.models import ChatState
from tests.e2e.bot_process import BotProcess
from tests.e2e.chat_steps import (
    accepted_chat,
    add_gathering,
    all_days,
    ask,
    buttons_of,
    channel_posts,
    chat_rows,
    click,
    click_and_fill,
    click_stale,
    last_dm,
    move_expiry,
    read_chat,
    reminder_recorded,
    seoul_today,
    typed_at,
    unix_at,
    utc,
)
from tests.e2e.harness import BotRunner, Server, build_server, poll_until, run_command
from tests.emulator import DiscordEmulator, User


async def conference(bot_running: BotRunner, server: Server, count: int = 3) -> None:
    today = seoul_today()
    first, last = today - timedelta(days=1), today + timedelta(days=2)
    members = {m.id: all_days(first, last) for m in server.members[:count]}
    await add_gathering(bot_running, server, members, first=first, last=last)


async def test_a_request_by_dm_accepted_at_its_one_time(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    asked = await ask(emu, server, asker, member, topic="Your talk on NeRFs", times=typed_at(tomorrow, "14:00"))
    assert asked.ephemeral and "by DM" in (asked.content or ""), asked.content

    request = last_dm(emu, member)
    assert "would like a one-to-one chat" in request.content and "Your talk on NeRFs" in request.content
    assert f"<t:{unix_at(tomorrow, '14:00')}:F>" in request.content
    assert set(buttons_of(request)) == {"Accept", "Propose another time", "Decline", "Block"}

    accepted = await click(emu, request, "Accept", member)
    assert accepted.ephemeral and "is on for" in (accepted.content or ""), accepted.content
    assert buttons_of(emu.message(request.id)) == {}  # the request's buttons are gone
    for user in (asker, member):
        note = last_dm(emu, user)
        assert (
            f"<t:{unix_at(tomorrow, '14:00')}:F>" in note.content
            and f"<t:{unix_at(tomorrow, '14:00')}:R>" in note.content
        )
        assert [a.filename for a in note.attachments] == ["chat-1.ics"]
        assert set(buttons_of(note)) == {"Cancel chat"}
    [row] = await chat_rows(bot_running)
    assert row.state == ChatState.ACCEPTED and row.reminder_due_at is not None

    again = await click(emu, request, "Accept", member) if buttons_of(request) else None
    assert again is None or "already accepted" in (again.content or "")


async def test_dms_closed_the_request_is_a_bare_post_only_the_member_can_open(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member, stranger = server.members[0], server.members[1], server.members[2]
    emu.set_accepts_dms(member.id, False)
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    times = f"{typed_at(tomorrow, '10:00')}; {typed_at(tomorrow, '16:30')}"
    asked = await ask(emu, server, asker, member, topic="Secret project", times=times)
    assert "privately" in (asked.content or ""), asked.content

    [post] = channel_posts(emu, server)
    assert post.content == f"<@{member.id}>, you have a chat request — only you can open it."
    assert post.notified is not None and post.notified.user_ids == [member.id]
    assert set(buttons_of(post)) == {"Open"}

    nosy = await click(emu, post, "Open", stranger)
    assert nosy.ephemeral and "not yours" in (nosy.content or "")
    waiting = await click(emu, post, "Open", asker)
    assert "waiting for **member1**" in (waiting.content or "") and not waiting.components

    opened = await click(emu, post, "Open", member)
    assert opened.ephemeral and "Secret project" in (opened.content or "")
    shown = opened.last_message
    assert shown is not None and set(buttons_of(shown)) == {"Accept", "Propose another time", "Decline", "Block"}
    picking = await click(emu, shown, "Accept", member)
    menu = picking.last_message
    assert menu is not None
    select = menu.components[0]["components"][0]
    assert [o["value"] for o in select["options"]] == [str(unix_at(tomorrow, "10:00")), str(unix_at(tomorrow, "16:30"))]
    picked = await emu.select(
        menu.channel_id, menu.id, select["custom_id"], [str(unix_at(tomorrow, "16:30"))], member.id
    )
    await picked.wait_final(timeout=10)
    assert "is on for" in (picked.content or ""), picked.content

    asker_note = last_dm(emu, asker)
    assert f"<t:{unix_at(tomorrow, '16:30')}:F>" in asker_note.content
    news = channel_posts(emu, server)[-1]
    assert news.content == f"<@{member.id}>, there is news about your chat request — only you can open it."
    assert buttons_of(emu.message(post.id)) == {}  # the request post's Open button is gone
    details = await click(emu, news, "Open", member)
    assert f"<t:{unix_at(tomorrow, '16:30')}:R>" in (details.content or "")
    assert [a.filename for a in details.attachments] == ["chat-1.ics"]


async def test_a_counter_proposal_is_accepted_by_the_asker(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    await ask(emu, server, asker, member, times=typed_at(tomorrow, "09:00"))
    request = last_dm(emu, member)

    outside = await click_and_fill(
        emu, request, "Propose another time", member, typed_at(tomorrow + timedelta(days=5), "09:00")
    )
    assert "not a day you are both at" in (outside.content or ""), outside.content
    countered = await click_and_fill(emu, request, "Propose another time", member, typed_at(tomorrow, "11:15"))
    assert "I've proposed" in (countered.content or ""), countered.content
    assert buttons_of(emu.message(request.id)) == {}

    counter = last_dm(emu, asker)
    assert "proposed another time" in counter.content and f"<t:{unix_at(tomorrow, '11:15')}:F>" in counter.content
    [row] = await chat_rows(bot_running)
    assert row.state == ChatState.OPEN and row.awaiting_id == asker.id
    accepted = await click(emu, counter, "Accept", asker)
    assert "is on for" in (accepted.content or "")
    for user in (asker, member):
        assert f"<t:{unix_at(tomorrow, '11:15')}:F>" in last_dm(emu, user).content
    stale = await click(emu, request, "Accept", member) if buttons_of(emu.message(request.id)) else None
    assert stale is None


async def test_accepting_with_no_time_proposed_asks_for_one(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    await ask(emu, server, asker, member, topic="Coffee")
    request = last_dm(emu, member)
    assert "No time proposed" in request.content
    accepted = await click_and_fill(emu, request, "Accept", member, typed_at(tomorrow, "15:00"))
    assert "is on for" in (accepted.content or ""), accepted.content
    [row] = await chat_rows(bot_running)
    assert row.state == ChatState.ACCEPTED and row.starts_at == utc(unix_at(tomorrow, "15:00"))


async def test_a_decline_tells_the_asker_without_detail_and_a_block_stops_later_requests(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member, other = server.members[0], server.members[1], server.members[2]
    await conference(bot_running, server)
    await ask(emu, server, asker, member)
    declined = await click(emu, last_dm(emu, member), "Decline", member)
    assert "You declined" in (declined.content or "")
    assert last_dm(emu, asker).content == "**member1** can't take this chat."

    await ask(emu, server, other, member)
    blocked = await click(emu, last_dm(emu, member), "Block", member)
    assert "no more chat requests from them" in (blocked.content or "")
    assert last_dm(emu, other).content == "**member1** can't take this chat."  # no word of the block
    received = len(emu.dm_messages(member.id))
    again = await ask(emu, server, other, member)
    assert again.content == "**member1** is not taking chat requests."
    assert len(emu.dm_messages(member.id)) == received  # nothing reaches the member
    # The asker who was only declined may ask again.
    asked = await ask(emu, server, asker, member)
    assert "I've sent" in (asked.content or "")

    unblocked = await run_command(emu, server, member, "meetup notify", unblock=other.id)
    assert "can ask you for chats again" in (unblocked.content or "")


async def test_chats_off_and_the_limits(emu: DiscordEmulator, bots: BotRunner) -> None:
    server = build_server(emu, member_count=9)
    await bots.start()
    await conference(bots, server, count=9)
    asker, member = server.members[0], server.members[1]
    off = await run_command(emu, server, member, "meetup notify", chats="off")
    assert "Nobody can ask you" in (off.content or "")
    refused = await ask(emu, server, asker, member)
    assert refused.content == "**member1** is not taking chat requests." and emu.dm_messages(member.id) == []
    both = await run_command(emu, server, member, "meetup notify", dm="on", chats="on")
    assert "now come to your DMs" in (both.content or "") and "Members can ask you" in (both.content or "")
    nothing = await run_command(emu, server, member, "meetup notify")
    assert "Say what to change" in (nothing.content or "")

    assert "yourself" in ((await ask(emu, server, asker, asker)).content or "")
    assert "I've sent" in ((await ask(emu, server, asker, member)).content or "")
    twice = await ask(emu, server, asker, member)
    assert "already asked **member1**" in (twice.content or ""), twice.content
    back = await ask(emu, server, member, asker)
    assert "already asked you" in (back.content or ""), back.content

    for n in range(2, 6):
        assert "I've sent" in ((await ask(emu, server, asker, server.members[n])).content or "")
    sixth = await ask(emu, server, asker, server.members[6])
    assert "5 chat requests waiting" in (sixth.content or ""), sixth.content
    assert emu.dm_messages(server.members[6].id) == []
    # Once one is answered there is room again.
    await click(emu, last_dm(emu, server.members[2]), "Decline", server.members[2])
    assert "I've sent" in ((await ask(emu, server, asker, server.members[6])).content or "")

    listed = await run_command(emu, server, asker, "meetup chats")
    assert listed.ephemeral and (listed.content or "").count("waiting for them") == 5
    theirs = await run_command(emu, server, server.members[3], "meetup chats")
    assert "From **member0**: waiting for you" in (theirs.content or "")
    assert theirs.last_message is not None and set(buttons_of(theirs.last_message)) == {"Answer member0"}
    opened = await click(emu, theirs.last_message, "Answer member0", server.members[3])
    assert opened.last_message is not None and "Accept" in buttons_of(opened.last_message)


async def test_outside_a_gathering_chats_need_the_server_switch(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    refused = await ask(emu, server, asker, member)
    assert "/settings chats on" in (refused.content or "") and emu.dm_messages(member.id) == []
    not_organizer = await run_command(emu, server, asker, "settings chats", allowed="on")
    assert "Only organizers" in (not_organizer.content or "")
    switched = await run_command(emu, server, server.organizer, "settings chats", allowed="on")
    assert "anywhere in this server" in (switched.content or "")

    asked = await ask(emu, server, asker, member, times="in 2 days")
    assert "a week after it was asked" in (asked.content or ""), asked.content
    [row] = await chat_rows(bot_running)
    assert row.gathering_id is None and row.timezone == "UTC"
    assert abs((row.expires_at - row.created_at) - timedelta(days=7)) < timedelta(seconds=5)
    past = await ask(emu, server, member, server.members[2], times="2020-01-01 10:00")
    assert "already passed" in (past.content or ""), past.content


async def test_an_unanswered_request_lapses_when_the_gathering_ends(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    await ask(emu, server, asker, member)
    request = last_dm(emu, member)
    [row] = await chat_rows(bot_running)
    last_day = seoul_today() + timedelta(days=2)
    assert row.expires_at == utc(unix_at(last_day + timedelta(days=1), "00:00"))

    await move_expiry(bot_running, row.id, timedelta(seconds=-1))
    assert bot_running.bot is not None
    await bot_running.bot.runtime.chat_timers.run_due()
    await poll_until(lambda: any("lapsed" in m.content for m in emu.dm_messages(asker.id)), what="the asker to be told")
    assert last_dm(emu, asker).content == "Your chat request to **member1** lapsed without an answer."
    await poll_until(lambda: buttons_of(emu.message(request.id)) == {}, what="the request's buttons to go")

    async def expired() -> bool:
        return [r.state for r in await chat_rows(bot_running)] == [ChatState.EXPIRED]

    await poll_until(expired, what="the lapse to be recorded")
    late = await click_stale(emu, request, member)
    assert late is None
    await bot_running.bot.runtime.chat_timers.run_due()
    assert [m.content for m in emu.dm_messages(asker.id)].count(
        "Your chat request to **member1** lapsed without an answer."
    ) == 1


async def test_either_side_cancels_an_accepted_chat_and_the_other_is_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    for canceller, other in ((asker, member), (member, asker)):
        await ask(emu, server, asker, member, times=typed_at(tomorrow, "13:00"))
        await click(emu, last_dm(emu, member), "Accept", member)
        note = last_dm(emu, canceller)
        cancelled = await click(emu, note, "Cancel chat", canceller)
        assert "is cancelled; I've told them" in (cancelled.content or ""), cancelled.content
        told = last_dm(emu, other)
        assert "cancelled your chat of" in told.content and f"**{canceller.username}**" in told.content
        again = await click(emu, note, "Cancel chat", canceller)
        assert again.content == "This chat was cancelled."
    rows = await chat_rows(bot_running)
    assert [r.state for r in rows] == [ChatState.CANCELLED, ChatState.CANCELLED]
    assert all(r.reminder_sent_at is None for r in rows)
    listed = await run_command(emu, server, asker, "meetup chats")
    assert "no chat requests waiting" in (listed.content or "")


@pytest.mark.slow
async def test_the_reminder_of_an_accepted_chat_is_posted_once_across_a_restart(
    emu: DiscordEmulator, database_url: str, tmp_path: Path
) -> None:
    server = build_server(emu)
    asker, member = server.members[0], server.members[1]
    emu.set_accepts_dms(member.id, False)  # the asker is reminded by DM, the member in the channel
    request_id = await accepted_chat(database_url, server, asker, member, remind_in=timedelta(seconds=6))
    # The asker's DM is created but its answer held: the bot is killed after posting, before recording it.
    emu.inject_fault("POST", "/channels/{channel_id}/messages", status=500, after_processing=True, hold_seconds=12)
    first = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS="5").start()
    try:
        await emu.wait_for(lambda: emu.faults.faults[0].fired, timeout=30, what="the reminder's DM")
        await first.kill()
    finally:
        await first.stop()
    assert (await read_chat(database_url, request_id)).reminder_sent_at is None

    def reminders_to(user: User) -> list[str]:
        return [m.content for m in emu.dm_messages(user.id) if m.content.startswith("Reminder: your chat")]

    def posts_for(user: User) -> list[str]:
        return [
            m.content for m in channel_posts(emu, server) if m.content.startswith(f"<@{user.id}>, your chat starts")
        ]

    assert len(reminders_to(asker)) == 1 and posts_for(member) == []
    second = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS="5").start()
    try:
        await emu.wait_for(lambda: posts_for(member), timeout=30, what="the member's reminder post")
        await poll_until(
            lambda: reminder_recorded(database_url, request_id), what="the reminder to be recorded as sent", timeout=20
        )
    finally:
        await second.stop()
    third = await BotProcess(emu, database_url, tmp_path, REMINDER_LEASE_SECONDS="5").start()
    try:
        await asyncio.sleep(2)
    finally:
        await third.stop()
    assert len(reminders_to(asker)) == 1, reminders_to(asker)
    assert len(posts_for(member)) == 1, posts_for(member)
    assert "**member1**" in reminders_to(asker)[0]


async def test_a_time_form_open_across_a_restart_still_answers(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    await ask(emu, server, asker, member)
    request = last_dm(emu, member)
    opened = await emu.click_button(
        request.channel_id, request.id, buttons_of(request)["Propose another time"], member.id
    )
    await opened.wait_response(timeout=10)
    assert opened.modal is not None
    await bot_running.restart()
    submitted = await emu.submit_modal(opened, {"time": typed_at(tomorrow, "17:45")})
    await submitted.wait_final(timeout=10)
    assert "I've proposed" in (submitted.content or ""), submitted.content
    assert f"<t:{unix_at(tomorrow, '17:45')}:F>" in last_dm(emu, asker).content


async def test_two_clicks_at_once_accept_once(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    asker, member = server.members[0], server.members[1]
    await conference(bot_running, server)
    tomorrow = seoul_today() + timedelta(days=1)
    await ask(emu, server, asker, member, times=typed_at(tomorrow, "12:00"))
    request = last_dm(emu, member)
    accept = buttons_of(request)["Accept"]
    clicks = await asyncio.gather(
        *(emu.click_button(request.channel_id, request.id, accept, member.id) for _ in range(2))
    )
    for ix in clicks:
        await ix.wait_final(timeout=10)
    answers = sorted(ix.content or "" for ix in clicks)
    assert answers[0].startswith("Done: your chat") and "already accepted" in answers[1], answers
    notes = [m for m in emu.dm_messages(asker.id) if m.content.startswith("Your chat with")]
    assert len(notes) == 1


async def test_with_dms_closed_on_both_sides_a_lapse_is_told_in_the_channel(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    asker, member = server.members[0], server.members[1]
    for user in (asker, member):
        emu.set_accepts_dms(user.id, False)
    await conference(bot_running, server)
    await ask(emu, server, asker, member)
    [request_post] = channel_posts(emu, server)
    [row] = await chat_rows(bot_running)
    await move_expiry(bot_running, row.id, timedelta(seconds=-1))
    assert bot_running.bot is not None
    await bot_running.bot.runtime.chat_timers.run_due()
    await poll_until(lambda: len(channel_posts(emu, server)) == 2, what="the asker's post")
    news = channel_posts(emu, server)[-1]
    assert news.content == f"<@{asker.id}>, there is news about your chat request — only you can open it."
    assert news.notified is not None and news.notified.user_ids == [asker.id]
    await poll_until(lambda: buttons_of(emu.message(request_post.id)) == {}, what="the request's Open button to go")
    told = await click(emu, news, "Open", asker)
    assert told.content == "This chat request lapsed without an answer."
