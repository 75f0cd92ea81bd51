"""Gatherings through Discord: the roll call posted, members coming on some days, the counts by
day, who's coming, a line about oneself, leaving, and what is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Gathering, GatheringMember
from tests.e2e.harness import BotRunner, Server, poll_until, run_command
from tests.e2e.meetup_steps import public_messages
from tests.e2e.test_gathering_polls import option_lines
from tests.e2e.test_polls import poll_message
from tests.emulator import DiscordEmulator, InteractionHandle, MessageRecord, Permission, User


def days_ahead(n: int) -> date:
    return (datetime.now(UTC) + timedelta(days=n)).date()


def roll_call_message(emu: DiscordEmulator, server: Server) -> MessageRecord:
    found = [
        m
        for m in public_messages(emu, server.channel.id)
        if m.embeds and "Gathering #" in str(m.embeds[0].get("footer"))
    ]
    assert found, "no roll call"
    return found[-1]


def custom_id(components: list[dict[str, Any]], label_or_placeholder: str) -> str:
    for row in components:
        for component in row["components"]:
            if label_or_placeholder in (component.get("label"), component.get("placeholder")):
                return str(component["custom_id"])
    raise AssertionError(f"no {label_or_placeholder!r}")


def day_lines(message: MessageRecord) -> list[str]:
    [field] = [f for f in message.embeds[0]["fields"] if f["name"] == "There each day"]
    return str(field["value"]).splitlines()


async def make_gathering(emu: DiscordEmulator, server: Server, *, first: int = 1, last: int = 7, **options: Any) -> str:
    options.setdefault("title", "PyCon week")
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup gathering",
        starts=f"{days_ahead(first):%Y-%m-%d}",
        ends=f"{days_ahead(last):%Y-%m-%d}",
        timezone="UTC",
        **options,
    )
    assert ix.ephemeral and ix.content is not None
    return ix.content


async def click(
    emu: DiscordEmulator, server: Server, message: MessageRecord, label: str, user: User
) -> InteractionHandle:
    ix = await emu.click_button(server.channel.id, message.id, custom_id(message.components, label), user.id)
    await ix.wait_final(timeout=10)
    return ix


def controls_of(reply: InteractionHandle) -> MessageRecord:
    assert reply.message is not None
    return reply.message


async def stored_members(database_url: str) -> list[GatheringMember]:
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            return list(await session.scalars(select(GatheringMember).order_by(GatheringMember.user_id)))
    finally:
        await database.dispose()


async def test_roll_call_counts_each_day(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    answer = await make_gathering(emu, server, where="COEX, Seoul")
    assert answer.startswith("Gathering #1 **PyCon week** is posted"), answer
    message = roll_call_message(emu, server)
    assert message.embeds[0]["title"] == "PyCon week"
    assert "COEX, Seoul" in message.embeds[0]["description"]
    assert day_lines(message) == [f"{days_ahead(n):%a %-d %b} · **0**" for n in range(1, 8)]

    alice, bob, carol = server.members[:3]
    joined = await click(emu, server, message, "I'm coming", alice)
    assert joined.ephemeral and "for all 7 days" in (joined.content or "")
    await click(emu, server, message, "I'm coming", bob)
    # Bob is there on the first two days only: a second click gives him his controls again.
    bob_controls = await click(emu, server, message, "I'm coming", bob)
    assert "already on the roll call" in (bob_controls.content or "")
    menu = custom_id(bob_controls.components, "The days you are there")
    picked = await emu.select(
        server.channel.id,
        controls_of(bob_controls).id,
        menu,
        [days_ahead(1).isoformat(), days_ahead(2).isoformat()],
        bob.id,
    )
    await picked.wait_final(timeout=10)
    assert picked.content == f"Your days at **PyCon week**: {days_ahead(1):%a %-d %b}, {days_ahead(2):%a %-d %b}."

    def counts() -> list[str]:
        return day_lines(roll_call_message(emu, server))

    expected = [f"{days_ahead(n):%a %-d %b} · **{2 if n <= 2 else 1}**" for n in range(1, 8)]
    await poll_until(lambda: counts() == expected, what="the counts by day")
    assert roll_call_message(emu, server).embeds[0]["footer"]["text"] == "Gathering #1 · 2 coming"

    # A line about oneself, in a form.
    about = await emu.click_button(
        server.channel.id, controls_of(joined).id, custom_id(joined.components, "About me"), alice.id
    )
    await about.wait_response(timeout=10)
    assert about.modal is not None
    saved = await emu.submit_modal(about, {"about": "KAIST, compilers"})
    await saved.wait_final(timeout=10)
    assert saved.content == "Others at **PyCon week** now see this about you: KAIST, compilers"

    who = await click(emu, server, message, "Who's coming", carol)
    assert who.ephemeral
    [embed] = who.embeds
    assert embed["description"].startswith("2 coming.")
    assert f"**{days_ahead(3):%a %-d %b}** · 1\n<@{alice.id}>" in embed["description"]
    assert f"**{days_ahead(1):%a %-d %b}** · 2\n<@{alice.id}>, <@{bob.id}>" in embed["description"]
    assert embed["fields"][0]["value"] == f"<@{alice.id}>: KAIST, compilers"

    # Not coming after all.
    left = await emu.click_button(
        server.channel.id, controls_of(bob_controls).id, custom_id(bob_controls.components, "Not coming"), bob.id
    )
    await left.wait_final(timeout=10)
    assert "off the roll call" in (left.content or "")
    await poll_until(
        lambda: roll_call_message(emu, server).embeds[0]["footer"]["text"] == "Gathering #1 · 1 coming",
        what="the count",
    )
    assert [m.user_id for m in await stored_members(database_url)] == [alice.id]


async def test_refusals_change_nothing(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    member = server.members[0]
    refused = await run_command(emu, server, member, "meetup gathering", title="X", starts="tomorrow", ends="in 3 days")
    assert refused.ephemeral and "organizer" in (refused.content or "").lower(), refused.content
    for starts, ends, reason in [
        ("Dec 32", "Jan 2", "32"),
        (f"{days_ahead(5):%Y-%m-%d}", f"{days_ahead(2):%Y-%m-%d}", "before `starts`"),
        (f"{days_ahead(1):%Y-%m-%d}", f"{days_ahead(40):%Y-%m-%d}", "at most 25 days"),
        (f"{days_ahead(1):%Y-%m-%d} 19:00", f"{days_ahead(2):%Y-%m-%d}", "without a time"),
    ]:
        ix = await run_command(emu, server, server.organizer, "meetup gathering", title="X", starts=starts, ends=ends)
        assert ix.ephemeral and reason in (ix.content or ""), (starts, ends, ix.content)
    database = Database.from_url(database_url)
    try:
        async with database.reading() as session:
            assert list(await session.scalars(select(Gathering))) == []
    finally:
        await database.dispose()
    assert not [m for m in public_messages(emu, server.channel.id) if m.embeds]


async def test_a_gathering_over_says_so_and_takes_no_more_answers(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    await make_gathering(emu, server, first=1, last=3)
    message = roll_call_message(emu, server)
    alice = server.members[0]
    controls = await click(emu, server, message, "I'm coming", alice)
    # Its days pass (moved into the past here), and the sweep after a start finds it over.
    database = Database.from_url(database_url)
    try:
        async with database.transaction() as session:
            gathering = await session.get(Gathering, 1)
            assert gathering is not None
            gathering.starts_on, gathering.ends_on = days_ahead(-3), days_ahead(-1)
    finally:
        await database.dispose()
    assert bot_running.bot is not None
    await bot_running.bot.runtime.gathering_ends.sweep()

    def shown_over() -> bool:
        shown = roll_call_message(emu, server)
        return "This gathering is over." in shown.embeds[0]["description"]

    await poll_until(shown_over, what="the roll call to say it is over")
    buttons = {c["label"]: c.get("disabled", False) for c in roll_call_message(emu, server).components[0]["components"]}
    assert buttons == {"I'm coming": True, "Who's coming": False}
    # Controls answered before it ended are refused, changing nothing.
    menu = custom_id(controls.components, "The days you are there")
    late = await emu.select(server.channel.id, controls_of(controls).id, menu, [days_ahead(1).isoformat()], alice.id)
    await late.wait_final(timeout=10)
    assert late.ephemeral and "is over" in (late.content or ""), late.content
    [kept] = await stored_members(database_url)
    assert (kept.user_id, len(kept.days)) == (alice.id, 3)


async def test_thirty_members_arriving_on_different_days(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    await make_gathering(emu, server, first=1, last=7)
    message = roll_call_message(emu, server)
    members = [emu.create_member(server.guild.id, f"visitor{n}") for n in range(30)]
    # Member n arrives on day 1 + n % 4 and stays three days (or to the end).
    stays = {m.id: [days_ahead(d) for d in range(1 + n % 4, min(8, 4 + n % 4))] for n, m in enumerate(members)}

    async def come_for_some_days(member: User) -> None:
        controls = await click(emu, server, message, "I'm coming", member)
        menu = custom_id(controls.components, "The days you are there")
        ix = await emu.select(
            server.channel.id, controls_of(controls).id, menu, [d.isoformat() for d in stays[member.id]], member.id
        )
        await ix.wait_final(timeout=10)

    await asyncio.gather(*(come_for_some_days(m) for m in members))
    expected = [
        f"{days_ahead(n):%a %-d %b} · **{sum(days_ahead(n) in days for days in stays.values())}**" for n in range(1, 8)
    ]
    await poll_until(lambda: day_lines(roll_call_message(emu, server)) == expected, what="the counts by day")
    stored = {m.user_id: sorted(date.fromisoformat(d) for d in m.days) for m in await stored_members(database_url)}
    assert stored == stays

    # The roll call deleted by hand: nothing edits it any more, and the roll call keeps its members.
    emu.delete_message(server.channel.id, message.id)

    async def marked() -> bool:
        database = Database.from_url(database_url)
        try:
            async with database.reading() as session:
                gathering = await session.get(Gathering, 1)
                return gathering is not None and gathering.message_missing
        finally:
            await database.dispose()

    for _ in range(50):
        if await marked():
            break
        await asyncio.sleep(0.1)
    assert await marked()


async def test_the_about_form_is_read_after_a_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    await make_gathering(emu, server)
    alice = server.members[0]
    controls = await click(emu, server, roll_call_message(emu, server), "I'm coming", alice)
    opened = await emu.click_button(
        server.channel.id, controls_of(controls).id, custom_id(controls.components, "About me"), alice.id
    )
    await opened.wait_response(timeout=10)
    await bot_running.restart()
    await emu.wait_for_sessions(1, timeout=30)
    saved = await emu.submit_modal(opened, {"about": "  Busan   ·  type systems "})
    await saved.wait_final(timeout=10)
    assert saved.content == "Others at **PyCon week** now see this about you: Busan · type systems"
    [member] = await stored_members(database_url)
    assert member.about == "Busan · type systems"


async def test_a_poll_among_the_roll_call_follows_the_days_picked(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    await make_gathering(emu, server, first=1, last=7)
    alice, bob = server.members[:2]
    for member in (alice, bob):
        await click(emu, server, roll_call_message(emu, server), "I'm coming", member)
    ix = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Lunch",
        options=f"{days_ahead(2):%Y-%m-%d} 12:00; {days_ahead(5):%Y-%m-%d} 12:00",
        timezone="UTC",
        gathering=1,
    )
    assert ix.content is not None and ix.content.startswith("Poll #"), ix.content
    await poll_until(
        lambda: option_lines(poll_message(emu, server)) == ["✅ 0 · 🤷 0 · present 2"] * 2, what="the poll"
    )
    # Bob leaves after the third day, in the roll call's menu: the poll's second day has one there.
    controls = await click(emu, server, roll_call_message(emu, server), "I'm coming", bob)
    menu = custom_id(controls.components, "The days you are there")
    picked = await emu.select(
        server.channel.id, controls_of(controls).id, menu, [days_ahead(n).isoformat() for n in (1, 2, 3)], bob.id
    )
    await picked.wait_final(timeout=10)
    await poll_until(
        lambda: option_lines(poll_message(emu, server)) == ["✅ 0 · 🤷 0 · present 2", "✅ 0 · 🤷 0 · present 1"],
        what="the poll redrawn with Bob's days",
    )


async def test_a_gathering_of_a_channel_the_organizer_cannot_see_is_not_theirs_to_poll(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner, database_url: str
) -> None:
    staff = emu.create_role(server.guild.id, "Staff room")
    senior = emu.create_member(server.guild.id, "senior", roles=[server.organizers, staff])
    private = emu.create_text_channel(server.guild.id, "staff-only")
    emu.set_channel_overwrite(private.id, server.guild.id, deny=int(Permission.VIEW_CHANNEL))
    emu.set_channel_overwrite(private.id, staff.id, allow=int(Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES))
    emu.set_channel_overwrite(private.id, emu.bot_user_id, allow=int(Permission.VIEW_CHANNEL), target_type=1)
    made = await run_command(
        emu,
        server,
        senior,
        "meetup gathering",
        title="Board retreat",
        starts=f"{days_ahead(1):%Y-%m-%d}",
        ends=f"{days_ahead(3):%Y-%m-%d}",
        channel=private.id,
    )
    assert made.content is not None and made.content.startswith("Gathering #1"), made.content
    # An organizer who cannot see the staff channel is told it does not exist, and nothing is posted.
    refused = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Lunch",
        options=f"{days_ahead(2):%Y-%m-%d} 12:00; {days_ahead(3):%Y-%m-%d} 12:00",
        gathering=1,
    )
    assert refused.ephemeral and refused.content == "I can't find gathering #1 in this server.", refused.content
    assert [m for m in public_messages(emu, server.channel.id) if m.embeds] == []
