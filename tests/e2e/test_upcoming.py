"""/meetup upcoming through Discord: for anyone, privately, only what the member can see, in pages
that keep working after a restart."""

from __future__ import annotations

import re

from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import click, create_meetup, future, meetup_id_of
from tests.e2e.test_polls import make_poll
from tests.emulator import DiscordEmulator, InteractionHandle, Permission

VIEW = int(Permission.VIEW_CHANNEL)


def staff_only_channel(emu: DiscordEmulator, server: Server) -> int:
    """A channel @everyone cannot view and the organizers' role (and the bot) can."""
    staff = emu.create_text_channel(server.guild.id, "staff")
    emu.set_channel_overwrite(staff.id, server.guild.id, deny=VIEW, target_type=0)
    emu.set_channel_overwrite(staff.id, server.organizers.id, allow=VIEW, target_type=0)
    emu.set_channel_overwrite(staff.id, emu.bot_user_id, allow=VIEW, target_type=1)
    return staff.id


def button(ix: InteractionHandle, label: str) -> dict[str, object]:
    for row in ix.components:
        for component in row["components"]:
            if component.get("label") == label:
                return dict(component)
    raise AssertionError(f"no {label!r} button")


async def test_a_member_sees_what_is_coming_with_their_own_answers_and_nothing_hidden(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    alice, bob = server.members[:2]
    _, later = await create_meetup(emu, server, title="Hike", when=future(days=12), capacity=1)
    _, sooner = await create_meetup(emu, server, title="Karaoke", when=future(days=3), capacity=10)
    await make_poll(emu, server, title="Board games")
    staff = staff_only_channel(emu, server)
    await create_meetup(emu, server, title="Staff briefing", when=future(days=2), channel=staff)
    await click(emu, server, later, "Going", bob)  # the only seat
    await click(emu, server, later, "Going", alice)  # waitlisted
    await click(emu, server, sooner, "Maybe", alice)

    ix = await run_command(emu, server, alice, "meetup upcoming")
    assert ix.ephemeral
    text = ix.embeds[0]["description"]
    assert "Staff briefing" not in text  # a channel she cannot view
    assert text.index("Karaoke") < text.index("Board games") or text.index("Karaoke") < text.index("Hike")
    karaoke, hike = text.split("\n\n")[0], next(e for e in text.split("\n\n") if "Hike" in e)
    assert f"Meetup #{meetup_id_of(sooner)}" in karaoke
    assert "10 of 10 seats left" in karaoke and "you: **Maybe**" in karaoke
    assert "<t:" in karaoke and ":F>" in karaoke and ":R>" in karaoke
    assert f"/{server.channel.id}/{sooner.id}" in karaoke  # a link to the message
    assert "full (1 seats)" in hike and "you: **waitlisted #1**" in hike
    assert "you: **not voted**" in text
    assert ix.components == []  # one page: no buttons

    staff_view = await run_command(emu, server, server.organizer, "meetup upcoming")
    assert "Staff briefing" in staff_view.embeds[0]["description"]


async def test_pages_turn_for_the_member_who_asked_also_after_a_restart(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    long_title = "Ночная прогулка по набережной " * 6 + "夜の散歩 " * 10
    for days in range(1, 15):
        await create_meetup(emu, server, title=f"{days:02d} {long_title}", when=future(days=days))
    ix = await run_command(emu, server, server.member, "meetup upcoming")
    first = ix.embeds[0]
    assert len(first["description"]) <= 4096
    assert re.search(r"Page 1 of (\d+) · 14 meetups and polls", first["footer"]["text"])
    assert button(ix, "Previous")["disabled"] is True
    shown = set(re.findall(r"Meetup #(\d+)", first["description"]))

    next_id = str(button(ix, "Next")["custom_id"])
    assert str(server.member.id) in next_id
    await bot_running.restart()
    assert ix.message is not None
    turned = await emu.click_button(server.channel.id, ix.message.id, next_id, server.member.id)
    await turned.wait_final(timeout=10)
    second = emu.message(ix.message.id).embeds[0]
    assert second["footer"]["text"].startswith("Page 2 of")
    on_second = set(re.findall(r"Meetup #(\d+)", second["description"]))
    assert on_second and not on_second & shown  # the next entries, none repeated, none cut
