"""The `ping` option: a new meetup or poll tells one role (or everyone) once, in its own message,
as Discord lets the organizer ping in that channel; otherwise a private refusal and nothing posted."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Meetup, Poll
from tests.e2e.followup_steps import ended_meetup
from tests.e2e.harness import BotRunner, Server, run_command
from tests.e2e.meetup_steps import (
    click,
    create_meetup,
    future,
    meetup_id_of,
    public_messages,
    stored_meetup,
    wait_for_field,
)
from tests.e2e.test_followups import press
from tests.emulator import DiscordEmulator, MessageRecord, Permission

ME = int(Permission.MENTION_EVERYONE)


def notified(message: MessageRecord) -> tuple[list[int], list[int], bool]:
    """Who the post pinged when it was made: users, roles, everyone."""
    assert message.notified is not None
    return message.notified.user_ids, message.notified.role_ids, message.notified.everyone


async def stored_count(runner: BotRunner, model: type[Meetup] | type[Poll]) -> int:
    assert runner.bot is not None
    async with runner.bot.db.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_mentionable_role_is_pinged_once_by_the_meetup_message_and_never_by_its_redraws(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    crew = emu.create_role(server.guild.id, "Seoul crew", mentionable=True)
    # A title that tries to ping everyone pings nobody; only the role asked for.
    _, message = await create_meetup(emu, server, title="@everyone karaoke", ping=f"<@&{crew.id}>")
    assert message.content == f"📣 <@&{crew.id}>"
    assert notified(message) == ([], [crew.id], False)
    assert message.allowed_mentions == {"parse": [], "roles": [crew.id]}
    # Kept with the meetup: a post finished after a crash pings the role too.
    assert (await stored_meetup(bot_running, meetup_id_of(message))).ping_role_id == crew.id
    # Answers redraw the message: the line stays, nobody is pinged again.
    await click(emu, server, message, "Going", server.member)
    await wait_for_field(emu, message, "Going (1)", lambda n, v: True)
    edited = emu.message(message.id)
    assert edited.edit_times and edited.content == f"📣 <@&{crew.id}>"
    assert notified(edited) == ([], [crew.id], False)


async def test_everyone_needs_mention_everyone_of_the_organizer_and_of_the_bot(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    refused = await run_command(
        emu, server, server.organizer, "meetup create", title="Party", when=future(), ping="@everyone"
    )
    assert refused.ephemeral and refused.content is not None
    assert refused.content.startswith(f"You can't ping @everyone in <#{server.channel.id}>: that needs the Mention")
    assert "Nothing was posted" in refused.content
    # The organizer may; the bot may not.
    emu.set_channel_overwrite(server.channel.id, server.organizer.id, allow=ME, target_type=1)
    refused = await run_command(
        emu, server, server.organizer, "meetup create", title="Party", when=future(), ping="@here"
    )
    assert refused.content is not None and refused.content.startswith(f"I can't ping @here in <#{server.channel.id}>")
    assert public_messages(emu, server.channel.id) == []
    assert await stored_count(bot_running, Meetup) == 0

    emu.set_channel_overwrite(server.channel.id, emu.bot_user_id, allow=ME, target_type=1)
    _, message = await create_meetup(emu, server, title="Party", ping="@here")
    assert message.content == "📣 @here"
    assert notified(message) == ([], [], True)
    assert message.allowed_mentions == {"parse": ["everyone"]}


async def test_a_role_that_is_not_mentionable_needs_mention_everyone_too(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    quiet = emu.create_role(server.guild.id, "Speakers", mentionable=False)
    refused = await run_command(emu, server, server.organizer, "meetup create", when=future(), ping="Speakers")
    assert refused.content is not None
    assert refused.content.startswith(f"You can't ping the role <@&{quiet.id}>, which is not mentionable,")
    assert public_messages(emu, server.channel.id) == []
    for who in (server.organizer.id, emu.bot_user_id):
        emu.set_channel_overwrite(server.channel.id, who, allow=ME, target_type=1)
    _, message = await create_meetup(emu, server, ping="@speakers")  # by name, any case
    assert notified(message) == ([], [quiet.id], False)


async def test_members_and_unknown_roles_are_refused_and_nothing_is_posted(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    crew = emu.create_role(server.guild.id, "Seoul crew", mentionable=True)
    for typed in (f"<@&{crew.id}>", "Busan crew"):
        as_member = await run_command(emu, server, server.member, "meetup create", when=future(), ping=typed)
        assert as_member.ephemeral and as_member.content is not None and "organizer" in as_member.content.lower()
    unknown = await run_command(emu, server, server.organizer, "meetup create", when=future(), ping="Busan crew")
    assert unknown.content == (
        "I can't find a role `Busan crew` in this server. `ping` takes a role (type @ and choose it, "
        "or write its name), `@everyone` or `@here`."
    )
    as_member_poll = await run_command(
        emu, server, server.member, "meetup poll", title="Dinner", options=f"{future()}; {future(3)}", ping="@everyone"
    )
    assert as_member_poll.content is not None and "organizer" in as_member_poll.content.lower()
    assert public_messages(emu, server.channel.id) == []
    assert await stored_count(bot_running, Meetup) == await stored_count(bot_running, Poll) == 0


async def test_a_poll_pings_its_role_once(emu: DiscordEmulator, server: Server, bot_running: BotRunner) -> None:
    crew = emu.create_role(server.guild.id, "Seoul crew", mentionable=True)
    refused = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Dinner",
        options=f"{future()}; {future(3)}",
        ping="@everyone",
    )
    assert refused.content is not None and refused.content.startswith("You can't ping @everyone")
    assert await stored_count(bot_running, Poll) == 0
    answer = await run_command(
        emu,
        server,
        server.organizer,
        "meetup poll",
        title="Dinner",
        options=f"{future()}; {future(3)}",
        ping="Seoul crew",
    )
    assert answer.content is not None and answer.content.startswith("Poll #"), answer.content
    [poll] = [m for m in public_messages(emu, server.channel.id) if m.embeds]
    assert poll.content == f"📣 <@&{crew.id}>"
    assert notified(poll) == ([], [crew.id], False)


async def test_a_follow_up_pings_its_role_when_confirmed_and_is_refused_at_once_otherwise(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    crew = emu.create_role(server.guild.id, "Seoul crew", mentionable=True)
    missed = server.members[1]
    first_id = await ended_meetup(emu, server, bot_running, [missed])
    before = len(public_messages(emu, server.channel.id))
    refused = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, when=future(), ping="@everyone"
    )
    assert refused.content is not None and refused.content.startswith("You can't ping @everyone")
    assert refused.last_message is None or not refused.last_message.components  # no plan to confirm
    plan = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, when=future(), ping="Seoul crew"
    )
    assert "Confirm" in (plan.content or "") or plan.last_message is not None
    await press(emu, server, plan, "Create", server.organizer)
    posted = public_messages(emu, server.channel.id)[before:]
    [followup] = [m for m in posted if m.embeds and m.content.startswith("📣")]
    assert followup.content == f"📣 <@&{crew.id}>"
    assert notified(followup) == ([], [crew.id], False)
    # The invitation pings the audience, apart; no other post pings the role.
    assert [m.id for m in posted if m.notified is not None and m.notified.role_ids] == [followup.id]


async def test_a_follow_ups_ping_is_checked_again_when_it_is_confirmed(
    emu: DiscordEmulator, server: Server, bot_running: BotRunner
) -> None:
    emu.set_channel_overwrite(server.channel.id, server.organizer.id, allow=ME, target_type=1)
    bot_role = next(r for r in emu.state.guild(server.guild.id).roles.values() if r.bot_id == emu.bot_user_id)
    emu.set_channel_overwrite(server.channel.id, bot_role.id, allow=ME)
    first_id = await ended_meetup(emu, server, bot_running, [server.members[1]])
    plan = await run_command(
        emu, server, server.organizer, "meetup followup", meetup=first_id, when=future(), ping="@everyone"
    )
    assert plan.last_message is not None and plan.last_message.components, plan.content
    meetups = await stored_count(bot_running, Meetup)
    emu.set_channel_overwrite(server.channel.id, server.organizer.id, target_type=1)  # the right is taken away
    answer = await press(emu, server, plan, "Create", server.organizer)
    assert answer.startswith(f"You can't ping @everyone in <#{server.channel.id}>"), answer
    assert await stored_count(bot_running, Meetup) == meetups
    # Given back, the same confirmation still works.
    emu.set_channel_overwrite(server.channel.id, server.organizer.id, allow=ME, target_type=1)
    await press(emu, server, plan, "Create", server.organizer)
    assert await stored_count(bot_running, Meetup) == meetups + 1
    assert any(m.content.startswith("📣 @everyone") for m in public_messages(emu, server.channel.id))
