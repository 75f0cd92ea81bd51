"""Polls and follow-ups among a gathering's members, through Discord: a conference of 30 over 7 days
with staggered arrivals, a poll whose counts keep to who is there each day, and a follow-up for
those who missed its meetup on the days they are still there."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.db.models import Gathering, Meetup, Poll, Rsvp, RsvpStatus
from bot.services import gatherings
from bot.services.organizers import MANAGE_EVENTS, Actor
from bot.services.poll_presence import PING_WITH_GATHERING
from tests.e2e.harness import BotRunner, Server, build_server, run_command
from tests.e2e.meetup_steps import meetup_id_of, move_meetup, public_messages
from tests.e2e.test_followups import mark, meetup_messages, press
from tests.e2e.test_polls import POLL_FOOTER, poll_message, vote
from tests.emulator import DiscordEmulator, MessageRecord

ZONE = "Asia/Seoul"
TITLE = "ICCV"


def seoul_today() -> date:
    return datetime.now(ZoneInfo(ZONE)).date()


def at(day: date, clock: str) -> str:
    """A time on a day of the gathering, as typed (read in the gathering's zone)."""
    return f"{day:%Y-%m-%d} {clock}"


def instant(day: date, clock: str) -> int:
    hour, minute = map(int, clock.split(":"))
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE))
    return int(local.timestamp())


def staggered(first: date) -> Callable[[int], list[date]]:
    """Member i's days at a gathering of 7 days from `first` (D0 .. D6, today is D3)."""

    def span(a: int, b: int) -> list[date]:
        return [first + timedelta(days=n) for n in range(a, b + 1)]

    def days_of(i: int) -> list[date]:
        if i < 12:  # arrive over the first three days, stay to the end
            return span(i % 3, 6)
        if i < 20:  # arrive late, leave after D5
            return span(4 if i % 3 == 0 else 5, 5)
        if i < 26:  # leave today
            return span(i % 4, 3)
        return span(i % 4, 4)  # leave after D4

    return days_of


async def conference(runner: BotRunner, server: Server, *, members: int = 30) -> tuple[int, list[list[date]]]:
    """A gathering that began three days ago (D0) and ends in three (D6), with the first `members`
    of the server on its roll call on staggered days; its id and each member's days."""
    assert runner.bot is not None
    now = datetime.now(UTC)
    first = seoul_today() - timedelta(days=3)
    days_of = staggered(first)
    async with runner.bot.db.transaction() as session:
        made = await gatherings.create_gathering(
            session,
            guild_id=server.guild.id,
            channel_id=server.channel.id,
            actor=Actor(server.organizer.id, MANAGE_EVENTS),
            title=TITLE,
            where="COEX, Seoul",
            zone=ZONE,
            starts=f"{first:%Y-%m-%d}",
            ends=f"{first + timedelta(days=6):%Y-%m-%d}",
            now=now - timedelta(days=3),
            default_timezone="UTC",
        )
        for i, user in enumerate(server.members[:members]):
            await gatherings.join(session, gathering=made, user_id=user.id, member_name=user.username, now=now)
            await gatherings.set_days(session, gathering=made, user_id=user.id, days=days_of(i), now=now)
    return made.id, [days_of(i) for i in range(members)]


def option_lines(message: MessageRecord) -> list[str]:
    """Each option's count line in the poll message."""
    description = message.embeds[0]["description"]
    return re.findall(r"`[█▒░]+` (✅ \d+ · 🤷 \d+(?: · present \d+)?)", description)


async def test_a_poll_among_a_gathering_and_a_follow_up_on_the_days_the_missed_are_there(
    emu: DiscordEmulator, database_url: str
) -> None:
    server = build_server(emu, member_count=31)  # 30 at the conference, one who is not
    m = server.members
    runner = BotRunner(emu, database_url)
    await runner.start()
    try:
        gathering_id, days = await conference(runner, server)
        d = [seoul_today() + timedelta(days=n - 3) for n in range(7)]
        # One member there on the poll's days asked for DMs: invited by DM, not pinged.
        await run_command(emu, server, m[1], "meetup notify", dm="on")

        suggested = await emu.autocomplete(
            server.guild.id, server.channel.id, server.organizer.id, "meetup poll", focused="gathering", value="icc"
        )
        assert [c["value"] for c in suggested] == [gathering_id]
        assert str(suggested[0]["name"]).startswith(f"#{gathering_id} {TITLE} (")
        assert (
            await emu.autocomplete(
                server.guild.id, server.channel.id, m[0].id, "meetup poll", focused="gathering", value=""
            )
            == []
        )

        options = [(d[4], "19:00"), (d[5], "19:00"), (d[6], "12:00")]
        before = len(public_messages(emu, server.channel.id))
        ix = await run_command(
            emu,
            server,
            server.organizer,
            "meetup poll",
            title="Korean dinner",
            options="; ".join(at(day, clock) for day, clock in options),
            gathering=gathering_id,
        )
        poll_days = {d[4], d[5], d[6]}
        invited = [u for u, there in zip(m[:30], days, strict=True) if poll_days & set(there)]
        away_everywhere = 30 - len(invited)
        assert (len(invited), away_everywhere) == (24, 6)
        assert ix.content is not None and ix.content.startswith("Poll #"), ix.content
        assert (
            "Invited the 24 members of the roll call there on at least one of its days (23 pinged, 1 by DM). "
            "6 of the roll call are away on every day of its times and were not invited."
        ) in ix.content
        # Read in the gathering's zone: the times are Seoul's.
        for day, clock in options:
            assert f"<t:{instant(day, clock)}:F>" in ix.content

        message = poll_message(emu, server)
        poll_id = int(POLL_FOOTER.search(message.embeds[0]["footer"]["text"]).group(1))  # type: ignore[union-attr]
        present = [sum(day in there for there in days) for day, _ in options]
        assert present == [19, 20, 12]
        assert option_lines(message) == [f"✅ 0 · 🤷 0 · present {n}" for n in present]
        assert {f["name"]: f["value"] for f in message.embeds[0]["fields"]}[
            "Among"
        ] == f"**{TITLE}**: 30 on the roll call"
        # The invitation pings exactly those there on a candidate day (but the one told by DM).
        posts = public_messages(emu, server.channel.id)[before:]
        invitations = [p for p in posts if "you're there on at least one of its days" in p.content]
        assert sorted(u for p in invitations for u in p.pinged_user_ids) == sorted(u.id for u in invited if u != m[1])
        assert not any(p.mention_everyone or p.pinged_role_ids for p in invitations)
        assert any(f"**{TITLE}**" in dm.content for dm in emu.dm_messages(m[1].id))
        assert emu.dm_messages(m[25].id) == []

        # Votes on a day the voter is away are kept and not counted.
        for i in range(12):
            await vote(emu, server, m[i], "Works for me", [1])
        for i in range(12, 20):  # 13, 14, 16, 17 and 19 arrive after D4
            await vote(emu, server, m[i], "Works for me", [1, 2])
        for i in range(20, 26):  # gone by D6
            await vote(emu, server, m[i], "Works for me", [3])
        for i in range(26, 30):  # gone by D5
            await vote(emu, server, m[i], "Works for me", [2])
            await vote(emu, server, m[i], "If need be", [1])
        await vote(emu, server, m[30], "Works for me", [3])  # not on the roll call: counted
        expected = ["✅ 15 · 🤷 4 · present 19", "✅ 8 · 🤷 0 · present 20", "✅ 1 · 🤷 0 · present 12"]
        await emu.wait_for(
            lambda: option_lines(poll_message(emu, server)) == expected, what="the counts of those there"
        )

        done = await run_command(emu, server, server.organizer, "meetup finalize", poll=poll_id)
        assert "19 voters of that time were told" in (done.content or ""), done.content  # 15 works, 4 if need be
        [first] = meetup_messages(emu, server)
        first_id = meetup_id_of(first)
        assert runner.bot is not None
        async with runner.bot.db.reading() as session:
            meetup = await session.get(Meetup, first_id)
            assert meetup is not None and meetup.gathering_id == gathering_id
            answers = dict(
                (await session.execute(select(Rsvp.user_id, Rsvp.status).where(Rsvp.meetup_id == first_id))).all()
            )
        away_on_d4 = {m[i].id for i in (13, 14, 16, 17, 19)}
        assert not away_on_d4 & set(answers)  # their vote there did not count: not carried over
        assert sum(s == RsvpStatus.GOING for s in answers.values()) == 15
        assert sum(s == RsvpStatus.MAYBE for s in answers.values()) == 4

        # The meetup took place (moved to earlier today); the first twelve came.
        await move_meetup(runner, first_id, starts_in=-timedelta(hours=2, minutes=10))
        assert "12 members present" in await mark(emu, server, first_id, m[:12], present=True)
        missed = m[12:31]  # 19: everyone else who voted

        # Of the poll's other times, only D5 has some of the missed there (8 of them); D6 has none.
        proposal = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id)
        text = proposal.content or ""
        assert "**19 members**" in text, text
        assert f"<t:{instant(d[5], '19:00')}:F>" in text and f"<t:{instant(d[6], '12:00')}:F>" not in text
        assert (
            f"(<t:{instant(d[5], '19:00')}:R>); 8 of the 19 are at **{TITLE}** that day. 8 said it works, 0 if" in text
        )

        # A typed time on a day none of them is there is refused, with the days that would do.
        there = {day: sum(day in days[i] for i in range(12, 30)) for day in d[3:]}
        assert there == {d[3]: 10, d[4]: 7, d[5]: 8, d[6]: 0}
        refused = await run_command(
            emu, server, server.organizer, "meetup followup", meetup=first_id, when=at(d[6], "19:00")
        )
        assert (refused.content or "").startswith(f"`when` (`{at(d[6], '19:00')}`) is on {d[6]:%a %-d %b}, a day "), (
            refused.content
        )
        assert f"{d[5]:%a %-d %b} (8)" in (refused.content or "") and f"{d[4]:%a %-d %b} (7)" in (refused.content or "")
        refused = await run_command(
            emu,
            server,
            server.organizer,
            "meetup followup",
            meetup=first_id,
            options=f"{at(d[4], '12:00')}; {at(d[6], '12:00')}",
        )
        assert (refused.content or "").startswith(f"Option 2 is on {d[6]:%a %-d %b}"), refused.content
        polled = await run_command(
            emu,
            server,
            server.organizer,
            "meetup followup",
            meetup=first_id,
            options=f"{at(d[4], '12:00')}; {at(d[5], '12:00')}",
        )
        assert (
            f"Open a poll with 2 times for them? How many of them are at **{TITLE}** on each time's day: 1: 7, 2: 8."
            in (polled.content or "")
        ), polled.content
        typed = await run_command(
            emu, server, server.organizer, "meetup followup", meetup=first_id, when=at(d[4], "20:00")
        )
        assert f"7 of the 19 are at **{TITLE}** that day." in (typed.content or ""), typed.content

        # The proposal's follow-up: of the gathering, at D5, inviting the 19 who missed it.
        pings_before = len(public_messages(emu, server.channel.id))
        created = await press(emu, server, proposal, "Create follow-up", server.organizer)
        assert created.startswith("Follow-up meetup #"), created
        second_id = int(re.search(r"#(\d+)", created).group(1))  # type: ignore[union-attr]
        async with runner.bot.db.reading() as session:
            second = await session.get(Meetup, second_id)
            assert second is not None and second.gathering_id == gathering_id
            assert int(second.starts_at.timestamp()) == instant(d[5], "19:00")
        invitations = [p for p in public_messages(emu, server.channel.id)[pings_before:] if "follow-up" in p.content]
        assert sorted(u for p in invitations for u in p.pinged_user_ids) == sorted(u.id for u in missed)

        # Once none of them is there on any day left, it says so plainly and makes nothing.
        async with runner.bot.db.transaction() as session:
            found = await session.get(Gathering, gathering_id)
            assert found is not None
            for user in m[12:30]:
                await gatherings.set_days(session, gathering=found, user_id=user.id, days=[d[0]], now=datetime.now(UTC))
        nobody = await run_command(emu, server, server.organizer, "meetup followup", meetup=first_id)
        assert (
            f"None of the 19 members it is for is at **{TITLE}** on any day still ahead (its last day is "
            f"{d[6]:%a %-d %b})"
        ) in (nobody.content or ""), nobody.content
        assert nobody.last_message is None or not nobody.last_message.components
    finally:
        await runner.stop()


async def test_a_gathering_poll_is_refused_for_a_gathering_over_elsewhere_or_off_its_days(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    gathering_id, _ = await conference(bot_running, server, members=3)
    assert bot_running.bot is not None
    now = datetime.now(UTC)
    elsewhere = emu.create_guild("Another server")
    async with bot_running.bot.db.transaction() as session:
        over = await gatherings.create_gathering(
            session,
            guild_id=server.guild.id,
            channel_id=server.channel.id,
            actor=Actor(server.organizer.id, MANAGE_EVENTS),
            title="Last year's workshop",
            where=None,
            zone=ZONE,
            starts=f"{now - timedelta(days=10):%Y-%m-%d}",
            ends=f"{now - timedelta(days=9):%Y-%m-%d}",
            now=now - timedelta(days=11),
            default_timezone="UTC",
        )
        other = await gatherings.create_gathering(
            session,
            guild_id=elsewhere.id,
            channel_id=server.channel.id,
            actor=Actor(server.organizer.id, MANAGE_EVENTS),
            title="Theirs",
            where=None,
            zone=ZONE,
            starts=f"{now:%Y-%m-%d}",
            ends=f"{now + timedelta(days=2):%Y-%m-%d}",
            now=now,
            default_timezone="UTC",
        )
    last = seoul_today() + timedelta(days=3)
    good = f"{at(last - timedelta(days=1), '19:00')}; {at(last, '12:00')}"
    cases = {
        over.id: f"**Last year's workshop** is over (its last day was {over.ends_on:%a %-d %b %Y}).",
        other.id: f"I can't find gathering #{other.id} in this server.",
        99_999: "I can't find gathering #99999 in this server.",
    }
    for asked, says in cases.items():
        ix = await run_command(
            emu, server, server.organizer, "meetup poll", title="Dinner", options=good, gathering=asked
        )
        assert ix.ephemeral and ix.content == says, ix.content
    late = f"{at(last, '19:00')}; {at(last + timedelta(days=1), '12:00')}"
    ix = await run_command(
        emu, server, server.organizer, "meetup poll", title="Dinner", options=late, gathering=gathering_id
    )
    assert (ix.content or "").startswith(
        f"Option 2 is on {last + timedelta(days=1):%a %-d %b}, after the gathering's last day ({last:%a %-d %b})"
    ), ix.content
    pinged = await run_command(
        emu, server, server.organizer, "meetup poll", title="t", options=good, gathering=gathering_id, ping="@here"
    )
    assert pinged.content == PING_WITH_GATHERING
    member = await run_command(
        emu, server, server.member, "meetup poll", title="t", options=good, gathering=gathering_id
    )
    assert (member.content or "").startswith("Only organizers")
    suggested = await emu.autocomplete(
        server.guild.id, server.channel.id, server.organizer.id, "meetup poll", focused="gathering", value=""
    )
    assert [c["value"] for c in suggested] == [gathering_id]  # not the one over, nor another server's
    assert public_messages(emu, server.channel.id) == []
    async with bot_running.bot.db.reading() as session:
        assert (await session.scalars(select(Poll))).all() == []


async def test_the_poll_follows_a_member_changing_their_days(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    gathering_id, days = await conference(bot_running, server, members=3)
    d = [seoul_today() + timedelta(days=n - 3) for n in range(7)]
    assert [d[4] in there for there in days] == [True, True, True]
    await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Lunch",
        options=f"{at(d[4], '12:00')}; {at(d[5], '12:00')}",
        gathering=gathering_id,
    )
    await vote(emu, server, server.members[0], "Works for me", [1, 2])
    await emu.wait_for(
        lambda: option_lines(poll_message(emu, server)) == ["✅ 1 · 🤷 0 · present 3", "✅ 1 · 🤷 0 · present 3"],
        what="the vote counted on both days",
    )
    # Member 0 will leave after D4: their vote on D5 is kept but no longer counted.
    assert bot_running.bot is not None
    async with bot_running.bot.db.transaction() as session:
        found = await session.get(Gathering, gathering_id)
        assert found is not None
        await gatherings.set_days(
            session, gathering=found, user_id=server.members[0].id, days=d[:5], now=datetime.now(UTC)
        )
    await bot_running.bot.runtime.poll_messages.refresh_gathering(gathering_id)
    await emu.wait_for(
        lambda: option_lines(poll_message(emu, server)) == ["✅ 1 · 🤷 0 · present 3", "✅ 0 · 🤷 0 · present 2"],
        what="the poll redrawn with the new days",
    )
