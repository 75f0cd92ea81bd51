"""/meetup edit, cancel, list, attendees and mine through Discord."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime

from bot.db.models import RsvpStatus
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    audit_log,
    buttons_of,
    click,
    create_meetup,
    custom_id,
    future,
    limit_like_discord,
    meetup_id_of,
    public_messages,
    stored_meetup,
    stored_rsvps,
    wait_for_field,
)
from tests.emulator import DiscordEmulator


async def answered_meetup(emu: DiscordEmulator, server: Server, *, capacity: int = 2) -> tuple[int, object]:
    """A meetup with two going, one waitlisted, one maybe, one can't go."""
    _, message = await create_meetup(emu, server, capacity=capacity)
    a, b, c, d, e = server.members[:5]
    for user, label in ((a, "Going"), (b, "Going"), (c, "Going"), (d, "Maybe"), (e, "Can't go")):
        await click(emu, server, message, label, user)
    return meetup_id_of(message), message


async def test_changing_the_time_pings_going_and_maybe_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, message = await answered_meetup(emu, server)
    a, b, _, d, _ = server.members[:5]
    before = len(public_messages(emu, server.channel.id))
    old_start = (await stored_meetup(bot_running, meetup_id)).starts_at
    ix = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, when=future(days=12))
    assert ix.ephemeral and ix.content is not None and "updated (time)" in ix.content
    assert "3 members going or maybe were told of the new time." in ix.content
    notice = await emu.wait_for_message(server.channel.id, lambda m: "has a new time" in m.content)
    assert sorted(notice.pinged_user_ids) == sorted([a.id, b.id, d.id])
    meetup = await stored_meetup(bot_running, meetup_id)
    (entry,) = [e for e in await audit_log(bot_running) if e.action == "meetup.edit"]
    assert entry.actor_id == server.organizer.id and entry.target == f"meetup:{meetup_id}"
    assert entry.details == {
        "starts_at": old_start.isoformat(),
        "ends_at": (old_start + (meetup.ends_at - meetup.starts_at)).isoformat(),
        "changed": ["starts_at", "ends_at"],
    }
    unix = int(meetup.starts_at.timestamp())
    await wait_for_field(emu, message, "When", lambda n, v: v.startswith(f"<t:{unix}:F>"))
    assert len(public_messages(emu, server.channel.id)) == before + 1


async def test_raising_capacity_promotes_and_lowering_it_below_going_is_refused(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, message = await answered_meetup(emu, server)
    c = server.members[2]
    refused = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=1)
    assert refused.content is not None and "2 members are already going" in refused.content
    assert (await stored_meetup(bot_running, meetup_id)).capacity == 2
    raised = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=3)
    assert raised.content is not None and "1 members moved from the waitlist to going and were told" in raised.content
    notice = await emu.wait_for_message(server.channel.id, lambda m: "opened up" in m.content)
    assert notice.pinged_user_ids == [c.id]
    await wait_for_field(emu, message, "Going (3 / 3)", lambda n, v: f"<@{c.id}>" in v)


async def test_raising_capacity_by_n_lets_in_n_in_waitlist_order_with_one_notice(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    limit_like_discord(emu)  # one post per promoted member would run into Discord's 5 per 5 s
    _, message = await create_meetup(emu, server, capacity=2)
    meetup_id = meetup_id_of(message)
    members = [emu.create_member(server.guild.id, f"fan{i}").id for i in range(14)]
    for uid in members:
        await emu.click_button(server.channel.id, message.id, custom_id(message, "Going"), uid)
    await wait_for_field(emu, message, "Waitlist (12)", lambda n, v: True)
    before = len(public_messages(emu, server.channel.id))
    ix = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=12)
    assert ix.content is not None and "10 members moved from the waitlist to going and were told" in ix.content

    promoted = members[2:12]  # the first ten of the waitlist, in its order
    (notice,) = public_messages(emu, server.channel.id)[before:]
    assert notice.content.startswith("10 seats opened up: you're now going to **Karaoke night**")
    assert notice.content.endswith(" ".join(f"<@{uid}>" for uid in promoted))
    assert notice.pinged_user_ids == promoted
    assert notice.allowed_mentions is not None
    assert [int(uid) for uid in notice.allowed_mentions["users"]] == promoted
    assert not notice.allowed_mentions.get("parse") and not notice.allowed_mentions.get("roles")
    rsvps = await stored_rsvps(bot_running, meetup_id)
    assert {r.user_id for r in rsvps if r.status == RsvpStatus.GOING} == set(members[:12])
    assert [(r.user_id, r.waitlist_position) for r in rsvps if r.status == RsvpStatus.WAITLISTED] == [
        (members[12], 11),
        (members[13], 12),
    ]
    await wait_for_field(emu, message, "Waitlist (2)", lambda n, v: v == f"1. <@{members[12]}>\n2. <@{members[13]}>")
    edit = [e for e in await audit_log(bot_running) if e.action == "meetup.edit"]
    assert [(e.actor_id, e.target, e.details) for e in edit] == [
        (server.organizer.id, f"meetup:{meetup_id}", {"capacity": 2, "changed": ["capacity"]})
    ]
    assert emu.sent_429 == 0


async def test_the_organizer_is_answered_while_a_notice_waits_for_the_channels_rate_limit(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, _ = await answered_meetup(emu, server)
    c = server.members[2]
    # A channel that allows one post per 4 seconds: the promotion notice takes it, so the notice
    # of the new time has to wait for the next window.
    emu.configure_rate_limit("POST /channels/{channel_id}/messages", limit=1, per=4.0)
    started = time.monotonic()
    ix = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id, capacity=3, when=future(days=12)
    )
    assert time.monotonic() - started < 3.0
    assert ix.content is not None
    assert "1 members moved from the waitlist to going and are being told." in ix.content
    assert ix.content.endswith(
        " 4 members going or maybe are being told of the new time. The notice can take a few seconds: "
        "Discord limits how fast I may post in the channel."
    )
    (promotion,) = [m for m in public_messages(emu, server.channel.id) if "opened up" in m.content]
    assert promotion.pinged_user_ids == [c.id]
    assert not [m for m in public_messages(emu, server.channel.id) if "has a new time" in m.content]
    notice = await emu.wait_for_message(server.channel.id, lambda m: "has a new time" in m.content, timeout=8)
    assert sorted(notice.pinged_user_ids) == sorted(m.id for m in server.members[:4])  # c is going now
    assert emu.sent_429 == 0


async def test_members_cannot_edit_or_cancel(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    meetup_id, _ = await answered_meetup(emu, server)
    for command, options in (("meetup edit", {"title": "Mine now"}), ("meetup cancel", {})):
        ix = await run_command(emu, server, server.member, command, meetup=meetup_id, **options)
        assert ix.content is not None and ix.content.startswith("Only organizers")
    meetup = await stored_meetup(bot_running, meetup_id)
    assert meetup.title == "Karaoke night" and meetup.status.value == "scheduled"


async def test_cancel_disables_buttons_and_pings_going_maybe_and_waitlisted_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, message = await answered_meetup(emu, server)
    a, b, c, d, _ = server.members[:5]
    ix = await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id, reason="Typhoon")
    assert ix.content is not None and "is cancelled; 4 members" in ix.content
    notices = [m for m in public_messages(emu, server.channel.id) if "is cancelled" in m.content]
    assert len(notices) == 1
    assert sorted(notices[0].pinged_user_ids) == sorted([a.id, b.id, c.id, d.id])
    assert "Typhoon" in notices[0].content
    updated = emu.message(message.id)
    assert updated.embeds[0]["description"].startswith("**This meetup is cancelled.** Typhoon")
    buttons = {b["label"]: b.get("disabled", False) for b in buttons_of(updated)}
    assert buttons == {"Going": True, "Maybe": True, "Can't go": True, "Add to calendar": True}
    again = await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    assert again.content is not None and "already cancelled" in again.content


async def test_list_attendees_and_mine(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    meetup_id, _ = await answered_meetup(emu, server)
    a, b, c, d, e = server.members[:5]
    listing = await run_command(emu, server, server.organizer, "meetup list")
    assert listing.ephemeral and listing.content is not None
    assert f"#{meetup_id} **Karaoke night**" in listing.content and "going 2 / 2" in listing.content
    refused = await run_command(emu, server, server.member, "meetup list")
    assert refused.content is not None and refused.content.startswith("Only organizers")

    text = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id)
    assert text.content is not None
    assert "__Going (2 / 2)__" in text.content and f"1. <@{c.id}>" in text.content
    as_csv = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id, format="csv")
    (attachment,) = as_csv.attachments
    rows = list(csv.DictReader(io.StringIO(attachment.data.decode())))
    assert [(int(r["user_id"]), r["status"], r["waitlist_position"]) for r in rows] == [
        (a.id, "going", ""),
        (b.id, "going", ""),
        (d.id, "maybe", ""),
        (e.id, "declined", ""),
        (c.id, "waitlisted", "1"),
    ]
    member_attendees = await run_command(emu, server, server.member, "meetup attendees", meetup=meetup_id)
    assert member_attendees.content is not None and member_attendees.content.startswith("Only organizers")

    mine = await run_command(emu, server, c, "meetup mine")
    assert mine.content is not None and "you're on the waitlist" in mine.content
    nothing = await run_command(emu, server, server.organizer, "meetup mine")
    assert nothing.content == "You haven't answered any upcoming meetup in this server."


async def test_meetup_option_autocompletes_by_title_and_other_servers_numbers_are_not_found(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, _ = await answered_meetup(emu, server)
    choices = await emu.autocomplete(
        server.guild.id, server.channel.id, server.organizer.id, "meetup edit", focused="meetup", value="karaoke"
    )
    assert [c["value"] for c in choices] == [meetup_id]
    assert choices[0]["name"].startswith(f"#{meetup_id} Karaoke night · ")
    other_guild = emu.create_guild("Elsewhere")
    other_channel = emu.create_text_channel(other_guild.id, "general")
    admin = emu.create_member(
        other_guild.id, "admin", roles=[emu.create_role(other_guild.id, "a", permissions=1 << 33)]
    )
    await bot_running.restart()
    ix = await emu.slash_command(other_guild.id, other_channel.id, admin.id, "meetup cancel", meetup=meetup_id)
    await ix.wait_final(timeout=10)
    assert ix.content == f"I can't find meetup #{meetup_id} in this server."


async def test_a_deleted_message_or_channel_gets_organizers_a_clear_answer(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, message = await answered_meetup(emu, server)
    emu.delete_message(server.channel.id, message.id)
    ix = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, title="Renamed")
    assert ix.content is not None and "was deleted" in ix.content
    assert (await stored_meetup(bot_running, meetup_id)).message_missing
    click_after = await run_command(emu, server, server.member, "meetup mine")
    assert click_after.content is not None  # the bot keeps answering

    other = emu.create_text_channel(server.guild.id, "side-room")
    _, second = await create_meetup(emu, server, channel=other.id, title="Side meetup")
    second_id = meetup_id_of(second)
    emu.delete_channel(other.id)
    await emu.wait_for(lambda: True, timeout=0.1)
    cancelled = await run_command(emu, server, server.organizer, "meetup cancel", meetup=second_id)
    assert cancelled.content is not None and "was deleted" in cancelled.content
    assert (await stored_meetup(bot_running, second_id)).message_missing


async def test_changing_the_time_after_the_message_was_deleted_does_not_claim_anyone_was_told(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, message = await answered_meetup(emu, server)
    emu.delete_message(server.channel.id, message.id)
    before = len(public_messages(emu, server.channel.id))
    ix = await run_command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id, when=future(days=12), capacity=3
    )
    assert ix.content is not None
    assert "updated (time, capacity)" in ix.content
    assert "1 members moved from the waitlist to going in the meetup's list." in ix.content
    assert "was deleted" in ix.content and "were not notified" in ix.content
    assert "told" not in ix.content
    assert len(public_messages(emu, server.channel.id)) == before  # no notice to a channel without the meetup
    meetup = await stored_meetup(bot_running, meetup_id)
    assert meetup.message_missing and meetup.capacity == 3
    assert [e.action for e in await audit_log(bot_running)] == ["meetup.create", "meetup.edit"]


async def test_the_scheduled_event_follows_edits_and_cancellation(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    meetup_id, _ = await answered_meetup(emu, server)
    event_id = (await stored_meetup(bot_running, meetup_id)).scheduled_event_id
    assert event_id is not None
    await run_command(
        emu, server, server.organizer, "meetup edit", meetup=meetup_id, title="Noraebang", when=future(20)
    )
    meetup = await stored_meetup(bot_running, meetup_id)
    event = emu.state.scheduled_event(server.guild.id, event_id)
    assert event.name == "Noraebang"
    assert datetime.fromisoformat(event.scheduled_start_time) == meetup.starts_at
    await run_command(emu, server, server.organizer, "meetup cancel", meetup=meetup_id)
    assert emu.state.scheduled_event(server.guild.id, event_id).status == 4  # canceled


async def test_without_manage_events_the_mirror_is_skipped_and_the_rest_works(
    emu: DiscordEmulator, bots: BotRunner
) -> None:
    from tests.e2e.harness import build_server
    from tests.emulator import DEFAULT_BOT_PERMISSIONS, Permission

    limited = int(DEFAULT_BOT_PERMISSIONS) & ~int(Permission.MANAGE_EVENTS) & ~int(Permission.CREATE_EVENTS)
    guild = emu.create_guild("No events here", bot_permissions=limited)
    server = build_server(emu, guild=guild)
    await bots.start()
    _, message = await create_meetup(emu, server)
    meetup = await stored_meetup(bots, meetup_id_of(message))
    assert meetup.scheduled_event_id is None
    assert not [c for c in emu.calls if "scheduled-events" in c.path]
