"""Plus-ones through Discord: the organizer allows guests, members choose their party in the
Guests menu, the message and /meetup attendees show parties and count people, a party waits whole
and moves in whole, and the menu keeps working after a restart."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.db.models import RsvpStatus
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    buttons_of,
    click,
    create_meetup,
    fields_of,
    meetup_id_of,
    public_messages,
    stored_rsvps,
)
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord

WAIT = 60.0  # the CI machine is slow: conditions are waited for, never timed


def guests_menu(message: MessageRecord) -> dict[str, Any]:
    menus = [c for c in buttons_of(message) if str(c.get("custom_id", "")).startswith("meetup:guests:")]
    assert len(menus) == 1, f"expected one Guests menu, found {menus}"
    return menus[0]


async def choose(emu: DiscordEmulator, server: Server, message: MessageRecord, user_id: int, guests: int) -> str:
    menu = guests_menu(emu.message(message.id))
    ix: InteractionHandle = await emu.select(server.channel.id, message.id, menu["custom_id"], [str(guests)], user_id)
    await ix.wait_final(timeout=30)
    assert ix.ephemeral
    return ix.content or ""


def going_field(emu: DiscordEmulator, message: MessageRecord) -> tuple[str, str]:
    for name, value in fields_of(emu.message(message.id)).items():
        if name.startswith("Going"):
            return name, value
    raise AssertionError("no Going field")


async def test_members_bring_guests_and_parties_are_seated_whole(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, plain = await create_meetup(emu, server, title="No guests")
    assert not [c for c in buttons_of(plain) if str(c.get("custom_id", "")).startswith("meetup:guests:")]
    _, message = await create_meetup(emu, server, capacity=4, guests=2)
    menu = guests_menu(message)
    assert [o["value"] for o in menu["options"]] == ["0", "1", "2"]
    meetup_id = meetup_id_of(message)
    alice, bob, carol = server.members[:3]

    assert await choose(emu, server, message, alice.id, 2) == "You're going with 2 guests: seats 1 to 3 of 4."
    waiting = await choose(emu, server, message, bob.id, 1)
    assert waiting.startswith("The meetup has no 2 seats free: your party (you and 1 guest) is number 1")
    assert (await click(emu, server, message, "Going", carol)).content == "You're going: seat 4 of 4."
    await emu.wait_for(
        lambda: going_field(emu, message) == ("Going (4 / 4)", f"<@{alice.id}> +2, <@{carol.id}>"),
        timeout=WAIT,
        what="the Going list to show the party",
    )
    await emu.wait_for(
        lambda: fields_of(emu.message(message.id)).get("Waitlist (1)") == f"1. <@{bob.id}> +1",
        timeout=WAIT,
        what="the waitlist to show the party",
    )
    grown = await choose(emu, server, message, carol.id, 2)
    assert grown.startswith("Only 0 seats are free, so your party can't grow to 3")
    mine = await run_command(emu, server, alice, "meetup mine")
    assert "you're going with 2 guests" in (mine.content or ""), mine.content
    mine = await run_command(emu, server, bob, "meetup mine")
    assert "you're on the waitlist with 1 guest" in (mine.content or ""), mine.content

    text = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id)
    assert text.content is not None and "Going (4 / 4)" in text.content and f"<@{alice.id}> +2" in text.content
    exported = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id, format="csv")
    (attachment,) = exported.attachments
    rows = {int(r["user_id"]): r for r in csv.DictReader(io.StringIO(attachment.data.decode("utf-8-sig")))}
    assert {uid: (r["status"], r["guests"]) for uid, r in rows.items()} == {
        alice.id: ("going", "2"),
        carol.id: ("going", "0"),
        bob.id: ("waitlisted", "1"),
    }

    lower = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, guests=1)
    assert lower.content is not None and "1 member brings more than 1 guest (up to 2)" in lower.content
    too_many = await run_command(emu, server, server.organizer, "meetup edit", meetup=meetup_id, guests=6)
    assert too_many.content is not None and "0 to 5" in too_many.content
    await choose(emu, server, message, alice.id, 1)  # a party kept while Going ...
    await click(emu, server, message, "Can't go", alice)  # ... brings nobody once she can't go
    mine = await run_command(emu, server, alice, "meetup mine")
    assert "you can't go" in (mine.content or "") and "guest" not in (mine.content or ""), mine.content


async def test_a_party_that_shrinks_after_a_restart_lets_the_waiting_party_in(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    _, message = await create_meetup(emu, server, capacity=3, guests=2)
    meetup_id = meetup_id_of(message)
    alice, bob = server.members[:2]
    await choose(emu, server, message, alice.id, 2)
    await choose(emu, server, message, bob.id, 1)  # waits: no 2 seats free
    await bot_running.restart()
    shrunk = await choose(emu, server, message, alice.id, 0)
    assert shrunk == "You're going: seat 1 of 3."
    notice = await emu.wait_for_message(server.channel.id, lambda m: "A seat opened up" in m.content, timeout=WAIT)
    assert notice.pinged_user_ids == [bob.id]
    rsvps = {r.user_id: (r.status, r.guests) for r in await stored_rsvps(bot_running, meetup_id)}
    assert rsvps == {alice.id: (RsvpStatus.GOING, 0), bob.id: (RsvpStatus.GOING, 1)}
    await emu.wait_for(
        lambda: going_field(emu, message) == ("Going (3 / 3)", f"<@{alice.id}>, <@{bob.id}> +1"),
        timeout=WAIT,
        what="the message to count both parties",
    )
    assert len([m for m in public_messages(emu, server.channel.id) if m.embeds]) == 1
