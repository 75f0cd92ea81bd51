"""The CSV files an organizer downloads, through Discord: every member named as Discord shows them
(server nickname, else global name, else username), kept from the click, the reaction or the
check-in, and no name a member chose runs as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.db.models import Poll
from tests.e2e.harness import BotRunner, Server, build_server, run_command
from tests.e2e.meetup_steps import click, create_meetup, meetup_id_of, public_messages
from tests.e2e.reminder_steps import starts_in
from tests.e2e.test_polls import button_id, make_poll, poll_message, select_of
from tests.emulator import DiscordEmulator, User

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def named_member(emu: DiscordEmulator, server: Server, username: str, *, global_name: str | None = None,
                 nick: str | None = None) -> User:  # fmt: skip
    user = emu.world.create_user(username, global_name=global_name)
    emu.world.add_member(server.guild.id, user, nick=nick)
    return user


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith('"user_id","name",'), text[:40]  # every field quoted
    return list(csv.DictReader(io.StringIO(text)))


def no_formulas(rows: list[dict[str, str]]) -> bool:
    return not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row.values())


async def test_the_attendees_csv_names_everyone_who_clicked_reacted_or_checked_in(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    going = named_member(emu, server, "gil", global_name="Gil-dong", nick='=HYPERLINK("https://x.example","y")')
    maybe = named_member(emu, server, "minji", global_name="김민지")
    declined = named_member(emu, server, "plainuser")
    reacted = named_member(emu, server, "seoul", nick="+1 Seoul; =2")
    walk_in = named_member(emu, server, "noor", global_name="-2+3 نور")
    _, message = await create_meetup(emu, server, when=starts_in(20 * 60))  # check-in is open
    await click(emu, server, message, "Going", going)
    await click(emu, server, message, "Maybe", maybe)
    await click(emu, server, message, "Can't go", declined)
    await emu.add_reaction(server.channel.id, message.id, "✅", reacted.id)
    message = emu.message(message.id)
    checked_in = await click(emu, server, message, "I'm here", walk_in)
    assert checked_in.content == "You're checked in. Enjoy the meetup!"
    meetup_id = meetup_id_of(message)

    async def exported() -> dict[int, dict[str, str]]:
        ix = await run_command(emu, server, server.organizer, "meetup attendees", meetup=meetup_id, format="csv")
        (attachment,) = ix.attachments
        rows = csv_rows(attachment.data)
        assert no_formulas(rows)
        return {int(row["user_id"]): row for row in rows}

    await emu.wait_for(lambda: len(emu.message(message.id).reactions or []) >= 1, what="the reaction")
    rows = await exported()
    for _ in range(50):  # the reaction's answer is decided just after the event
        if reacted.id in rows:
            break
        rows = await exported()
    assert {user_id: (row["name"], row["status"], row["attended"]) for user_id, row in rows.items()} == {
        going.id: ('\'=HYPERLINK("https://x.example","y")', "going", "no"),
        maybe.id: ("김민지", "maybe", "no"),
        declined.id: ("plainuser", "declined", "no"),
        reacted.id: ("'+1 Seoul;' =2", "going", "no"),
        walk_in.id: ("'-2+3 نور", "", "yes"),
    }
    # Nothing but the interactions and the reaction event gave the bot these names.
    assert not emu.calls_to("GET /guilds/{guild_id}/members/{user_id}")
    assert not emu.calls_to("GET /guilds/{guild_id}/members")

    # Kept in the database: after a restart the export still names everyone.
    await bot_running.restart()
    assert {user_id: row["name"] for user_id, row in (await exported()).items()}[maybe.id] == "김민지"


async def test_the_poll_csv_names_every_voter_and_neutralises_their_names(
    emu: DiscordEmulator, database_url: str
) -> None:
    server = build_server(emu, member_count=150)  # more voters than a Results message can show
    hostile = {0: "=1+1", 1: "@SUM(A1)", 2: "-5", 3: '"quoted", and, commas', 4: "\t=tab"}
    for index, name in hostile.items():
        emu.member(server.guild.id, server.members[index].id).nick = name
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        start = datetime.now(UTC) + timedelta(days=7)
        times = "; ".join(f"{start + timedelta(hours=3 * n):%Y-%m-%d %H:00}" for n in range(25))
        await make_poll(emu, server, title="Dinner", options=times)
        message = poll_message(emu, server)
        works = select_of(message, "Works for me")
        values = [o["value"] for o in works["options"]]  # type: ignore[index]
        for number, member in enumerate(server.members):
            chosen = [values[n] for n in range(25) if (n + number) % 3 == 0]
            ix = await emu.select(server.channel.id, message.id, str(works["custom_id"]), chosen, member.id)
            await ix.wait_final(timeout=10)
        results = await emu.click_button(
            server.channel.id, message.id, button_id(message, "Results"), server.organizer.id
        )
        await results.wait_final(timeout=10)
        (attachment,) = results.attachments
        rows = csv_rows(attachment.data)
        assert no_formulas(rows)
        names = {int(row["user_id"]): row["name"] for row in rows}
        assert [int(row["user_id"]) for row in rows] == [m.id for m in server.members]  # by first vote
        expected = {m.id: m.username for m in server.members} | {
            server.members[0].id: "'=1+1",
            server.members[1].id: "'@SUM(A1)",
            server.members[2].id: "'-5",
            server.members[3].id: '"quoted", and, commas',
            server.members[4].id: "'\t'=tab",
        }
        assert names == expected
        first = rows[0]
        assert [first[column] for column in list(first)[2:5]] == ["works", "", ""]
    finally:
        await runner.stop()


async def test_finalizing_a_poll_nobody_voted_on_posts_no_carried_over_notice(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server)
    before = len(public_messages(emu, server.channel.id))
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert ix.content is not None and ix.content.startswith(f"Poll #{poll_id} is now meetup #")
    assert ix.content.endswith("Nobody had voted for that time, so no answers were carried over and nobody was pinged.")
    await emu.wait_for(
        lambda: "Finalized" in poll_message(emu, server).embeds[0]["description"], what="the poll to show the result"
    )
    posted = public_messages(emu, server.channel.id)[before:]
    assert [m for m in posted if m.embeds and "Meetup #" in str(m.embeds[0].get("footer"))]  # the meetup itself
    assert not [m for m in posted if "carried over" in m.content or "is set for" in m.content]
    assert bot_running.bot is not None
    async with bot_running.bot.db.reading() as session:
        poll = await session.get(Poll, poll_id)
    assert poll is not None and poll.meetup_id is not None


async def test_finalizing_with_voters_says_carried_over_once(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    poll_id = await make_poll(emu, server)
    message = poll_message(emu, server)
    works = select_of(message, "Works for me")
    first_option = works["options"][0]["value"]  # type: ignore[index]
    for member in server.members[:2]:
        ix = await emu.select(server.channel.id, message.id, str(works["custom_id"]), [first_option], member.id)
        await ix.wait_final(timeout=10)
    before = len(public_messages(emu, server.channel.id))
    ix = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
    assert (ix.content or "").endswith("2 voters of that time were told and carried over as answers.")
    notice = await emu.wait_for_message(
        server.channel.id, lambda m: not m.ephemeral and "your answer is carried over" in m.content
    )
    assert sorted(notice.pinged_user_ids) == sorted(m.id for m in server.members[:2])
    posted = public_messages(emu, server.channel.id)[before:]
    assert len([m for m in posted if "carried over" in m.content]) == 1
